"""Periods the programs count in. The agricultural season (campaña agrícola) runs from August to
July: the season 2023-24 starts on 1 August 2023 and ends on 31 July 2024."""

import datetime

from django.utils.translation import gettext as _

SEASON_START_MONTH = 8


def season_of(date):
    """The first year of the agricultural season a date falls in."""
    return date.year if date.month >= SEASON_START_MONTH else date.year - 1


def season_range(start_year):
    """First and last day of the season that starts in `start_year`."""
    return datetime.date(start_year, SEASON_START_MONTH, 1), datetime.date(start_year + 1, SEASON_START_MONTH - 1, 31)


def season_label(start_year):
    return f"{start_year}-{(start_year + 1) % 100:02d}"


def parse_season(text):
    """`2023-24`, `2023/24`, `2023-2024` or `2023` → 2023; ValueError otherwise."""
    text = str(text).strip().replace("/", "-")
    first, _sep, second = text.partition("-")
    year = int(first)
    if second:
        follow = int(second)
        if follow not in (year + 1, (year + 1) % 100):
            raise ValueError(text)
    if not 1990 <= year <= 2100:
        raise ValueError(text)
    return year


def season_choices(first=2018, today=None):
    today = today or datetime.date.today()
    return [(year, season_label(year)) for year in range(season_of(today), first - 1, -1)]


def parse_date(text):
    """The dates people type in spreadsheets: ISO, or day first as in Peru."""
    if isinstance(text, datetime.datetime):
        return text.date()
    if isinstance(text, datetime.date):
        return text
    text = str(text).strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(_("fecha inválida: %(value)s (use AAAA-MM-DD o DD/MM/AAAA)") % {"value": text or "—"})
