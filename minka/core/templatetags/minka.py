"""Template filters shared by every app: money to the céntimo, seasons, and small SVG charts."""

from decimal import Decimal

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from minka.core import charts
from minka.core.periods import season_label

register = template.Library()


@register.filter
def money(value):
    """1234.5 → 1,234.50 (Peru's convention); empty stays a dash."""
    if value is None or value == "":
        return "—"
    return f"{Decimal(value).quantize(Decimal('0.01')):,.2f}"


@register.filter
def season(value):
    return season_label(int(value)) if value not in (None, "") else "—"


@register.filter
def net_income(survey):
    """Income minus costs of a survey's lines (prefetched)."""
    lines = survey.lines.all()
    return sum((line.income - line.costs for line in lines), Decimal("0.00"))


@register.simple_tag
def sparkline(chart):
    """A small line or bar chart of a timeline `Chart`, with its first and last values as text."""
    values = [value for _label, value in chart.points]
    size = f'viewBox="0 0 {charts.WIDTH} {charts.HEIGHT}" width="100%" height="{charts.HEIGHT}"'
    if chart.style == "bars":
        shapes = format_html_join("", '<rect x="{}" y="{}" width="{}" height="{}"><title>{}</title></rect>',
                                  ((x, y, w, h, f"{label}: {value}") for (x, y, w, h), (label, value)
                                   in zip(charts.bars(values), chart.points)))
    else:
        shapes = format_html('<polyline points="{}" fill="none" stroke-width="2"/>', charts.line_points(values))
    return format_html('<svg class="spark {}" {} role="img" aria-label="{}">{}</svg>', chart.style,
                       mark_safe(size), chart.title, shapes)  # size holds only our integers
