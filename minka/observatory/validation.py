"""Participatory validation: before a community's figures are published, its leaders see them in
plain words (in Spanish or Quechua), and confirm or contest each one with a comment. The latest
word on a figure is its publication state; a confirmed figure that the records later change must be
confirmed again."""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minka.accounts.permissions import VALIDATE_FIGURES, can
from minka.core.periods import season_label
from minka.territory.models import Territory

from .models import Indicator, Validation, Value
from .selectors import SEASONAL

PENDING, CHANGED = "pending", "changed"
STATES = {
    PENDING: gettext_lazy("Por validar"),
    CHANGED: gettext_lazy("Cambió después de validarse: por validar"),
    Validation.Status.CONFIRMED: gettext_lazy("Confirmada por la comunidad: publicada"),
    Validation.Status.CONTESTED: gettext_lazy("Observada por la comunidad: no publicada"),
}


@dataclass
class Figure:
    indicator: Indicator
    value: Value
    sexes: list = field(default_factory=list)
    validation: Validation | None = None
    history: list = field(default_factory=list)

    @property
    def state(self):
        if self.validation is None:
            return PENDING
        if not self.validation.matches(self.value):
            return CHANGED
        return self.validation.status

    @property
    def state_label(self):
        return STATES[self.state]

    @property
    def published(self):
        return self.state == Validation.Status.CONFIRMED

    @property
    def when(self):
        season = self.value.season
        return _("campaña %(season)s") % {"season": season_label(season)} if season else _("hoy")

    @property
    def sentence(self):
        return plain(self.indicator, self.value)


def _number(value, decimals="-1"):
    return floatformat(value, decimals) if value is not None else "—"


def plain(indicator, value):
    """The figure as a sentence anyone in the assembly can check against what they know."""
    kind, unit, label = indicator.kind, indicator.unit_label, indicator.label
    shown = value.value
    if kind == Indicator.Kind.COUNT:
        return _("%(label)s: %(n)s %(unit)s.") % {"label": label, "n": _number(shown, "0"), "unit": unit}
    if kind == Indicator.Kind.SUM:
        return _("%(label)s: %(v)s %(unit)s en total, según lo registrado por %(n)s familias.") % {
            "label": label, "v": _number(shown), "unit": unit, "n": value.households}
    if kind == Indicator.Kind.MEAN:
        return _("%(label)s: %(v)s %(unit)s en promedio de %(d)s mediciones.") % {
            "label": label, "v": _number(shown), "unit": unit, "d": _number(value.denominator, "0")}
    if kind == Indicator.Kind.CHANGE:
        base = (indicator.spec or {}).get("base_season")
        return _("%(label)s: %(v)s %% frente a la campaña %(base)s, comparando las mismas %(n)s familias.") % {
            "label": label, "v": ("+" if shown and shown > 0 else "") + _number(shown),
            "base": season_label(int(base)) if base is not None else "—", "n": value.households}
    return _("%(label)s: %(a)s de %(b)s, es decir %(v)s %%.") % {
        "label": label, "a": _number(value.numerator, "0"), "b": _number(value.denominator, "0"), "v": _number(shown)}


def community_figures(territory, with_history=False):
    """The figures a community is asked about: per indicator, the total of its latest period (today,
    or the last season) and its split by sex, with the community's latest word on it."""
    rows = Value.objects.filter(SEASONAL, territory=territory).select_related("indicator")
    latest = {}
    for row in rows:
        key = (row.indicator_id, row.breakdown)
        if key not in latest or (row.season or 0) > (latest[key].season or 0):
            latest[key] = row
    words = {}
    for validation in Validation.objects.filter(territory=territory).select_related("by"):  # newest first
        words.setdefault((validation.indicator_id, validation.period), []).append(validation)
    figures = []
    for indicator in Indicator.objects.all():
        total = latest.get((indicator.pk, ""))
        if total is None:
            continue
        said = words.get((indicator.pk, total.period), [])
        sexes = [(code, latest[(indicator.pk, f"sex:{code}")]) for code in ("F", "M")
                 if (indicator.pk, f"sex:{code}") in latest
                 and latest[(indicator.pk, f"sex:{code}")].period == total.period]
        figures.append(Figure(indicator=indicator, value=total, sexes=sexes, validation=said[0] if said else None,
                              history=said if with_history else []))
    return figures


def published_periods(territory_ids):
    """{(territory, indicator, period)} of the community totals, of any period, confirmed as they are now."""
    latest = {}
    for validation in Validation.objects.filter(territory_id__in=territory_ids):  # newest first
        latest.setdefault((validation.territory_id, validation.indicator_id, validation.period), validation)
    confirmed = {key: word for key, word in latest.items() if word.status == Validation.Status.CONFIRMED}
    if not confirmed:
        return set()
    rows = Value.objects.filter(SEASONAL, territory_id__in={key[0] for key in confirmed}, breakdown="").only(
        "territory_id", "indicator_id", "period", "numerator", "denominator")
    return {key for row in rows if (key := (row.territory_id, row.indicator_id, row.period)) in confirmed
            and confirmed[key].matches(row)}


def record(user, territory, indicator, period, status, comment="", spoken_by=""):
    """Keep a community's word on one of its figures, as it is shown now."""
    if territory.kind not in (Territory.Kind.COMMUNITY, Territory.Kind.SECTOR):
        raise ValidationError(_("Solo las comunidades validan sus cifras."))
    if not can(user, VALIDATE_FIGURES, territory):
        raise PermissionDenied
    if status not in Validation.Status.values:
        raise ValidationError(_("Elija «confirmar» u «observar»."))
    comment, spoken_by = (comment or "").strip(), (spoken_by or "").strip()
    if status == Validation.Status.CONTESTED and not comment:
        raise ValidationError(_("Diga qué está mal en la cifra: el comentario es obligatorio para observarla."))
    value = Value.objects.filter(territory=territory, indicator=indicator, period=period, breakdown="").first()
    if value is None:
        raise ValidationError(_("Esta cifra ya no existe: vuelva a cargar la página."))
    with transaction.atomic():
        return Validation.objects.create(
            territory=territory, indicator=indicator, period=period, numerator=value.numerator,
            denominator=value.denominator, status=status, comment=comment, spoken_by=spoken_by, by=user)


def summary(figures):
    """Counts of the figures by state, for the page's header."""
    counts = {state: 0 for state in STATES}
    for figure in figures:
        counts[figure.state] += 1
    return [(STATES[state], count, state) for state, count in counts.items() if count]

