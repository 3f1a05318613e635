"""The observatory's JSON endpoints: indicator definitions and values, scoped like the pages, with
the public subset (the public portal's suppressed table) open to anyone."""

from decimal import Decimal

from django.http import Http404
from ninja import Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from minka.api import SIGNED_IN
from minka.territory.selectors import get_territory_for_user, get_watershed_for_user, in_scope

from . import public
from .models import Indicator, Value

router = Router(tags=["observatory"])


class IndicatorOut(Schema):
    code: str
    name: str
    kind: str
    source: str
    unit: str
    direction: str
    program: str
    axis: str
    level: str
    definition: str
    method: str
    breakdowns: list[str]
    periods: list[str]

    @staticmethod
    def resolve_name(indicator):
        return indicator.label


class ValueOut(Schema):
    indicator: str
    period: str
    breakdown: str
    value: Decimal | None
    numerator: Decimal
    denominator: Decimal | None
    households: int


class PublicRow(Schema):
    indicator: str
    territory_code: str
    territory: str
    breakdown: str
    season: str
    value: Decimal | None
    status: str


class PublicUnit(Schema):
    code: str
    name: str
    kind: str
    rows: list[PublicRow]


@router.get("/indicators", response=list[IndicatorOut], auth=None, summary="Indicator definitions (public)")
def indicators(request):
    return Indicator.objects.all()


@router.get("/public/territories/{code}", response=PublicUnit, auth=None,
            summary="What the public portal shows of a unit: suppressed figures are null")
def public_unit(request, code: str):
    unit, _children, rows = public._table(code)
    return {"code": unit.code, "name": unit.name, "kind": unit.kind, "rows": rows}


def _values(rows, indicator, period, breakdown):
    rows = rows.select_related("indicator").order_by("indicator__order", "indicator__code", "period", "breakdown")
    if indicator:
        rows = rows.filter(indicator__code=indicator)
    if period is not None:
        rows = rows.filter(period=period)
    if breakdown is not None:
        rows = rows.filter(breakdown=breakdown)
    return [{"indicator": r.indicator.code, "period": r.period, "breakdown": r.breakdown, "value": r.value,
             "numerator": r.numerator, "denominator": r.denominator, "households": r.households} for r in rows]


@router.get("/territories/{code}/values", response=list[ValueOut], auth=SIGNED_IN,
            summary="Every value of a unit of the user's scope (filters: indicator, period, breakdown)")
@paginate(LimitOffsetPagination)
def territory_values(request, code: str, indicator: str = "", period: str | None = None,
                     breakdown: str | None = None):
    territory = get_territory_for_user(request.user, code)
    if not in_scope(request.user, territory):
        raise Http404  # above the scope the figures include families the user does not see
    return _values(Value.objects.filter(territory=territory), indicator, period, breakdown)


@router.get("/watersheds/{code}/values", response=list[ValueOut], auth=SIGNED_IN,
            summary="Every value of a watershed whose communities are all in the user's scope")
@paginate(LimitOffsetPagination)
def watershed_values(request, code: str, indicator: str = "", period: str | None = None,
                     breakdown: str | None = None):
    watershed = get_watershed_for_user(request.user, code)
    return _values(Value.objects.filter(watershed=watershed), indicator, period, breakdown)
