"""Template filters shared by every app: money to the céntimo, seasons, and small SVG charts."""

from decimal import Decimal

from django import template
from django.template.defaultfilters import floatformat
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


@register.simple_tag
def series_chart(chart, target=None):
    """A time series as labelled bars (inline SVG, readable without JavaScript and printable): the
    first and last periods under the axis, each bar's value on hover, and the target as a dashed line."""
    points = [(label, value) for label, value in chart.points if value is not None]
    if not points:
        return ""
    target = None if target in (None, "") else target  # a card without a target passes ""
    values = [value for _label, value in points]
    high = max([float(v) for v in values] + ([float(target)] if target is not None else []) + [0.0]) or 1.0
    width, height, pad, axis = 320, 90, 4, 14
    slot = (width - 2 * pad) / len(points)
    bars = []
    for i, (label, value) in enumerate(points):
        h = max(float(value), 0.0) / high * (height - axis - 2 * pad)
        bars.append((round(pad + i * slot + slot * 0.15, 1), round(height - axis - pad - h, 1), round(slot * 0.7, 1),
                     round(h, 1), f"{label}: {floatformat(value, '-1')}"))
    # colours as attributes, not only CSS: WeasyPrint's SVG ignores stylesheets
    shapes = format_html_join("", '<rect x="{}" y="{}" width="{}" height="{}" fill="#c28a12"><title>{}</title></rect>',
                              bars)
    text = '<text x="{}" y="{}" text-anchor="{}" font-size="10" fill="#666">{}</text>'
    labels = format_html(text, pad, height - 2, "start", points[0][0])
    if len(points) > 1:
        labels += format_html(text, width - pad, height - 2, "end", points[-1][0])
    goal = ""
    if target is not None:
        y = round(height - axis - pad - float(target) / high * (height - axis - 2 * pad), 1)
        goal = format_html('<line x1="{}" x2="{}" y1="{}" y2="{}" class="goal" stroke="#2f6b3a" stroke-width="1.5" '
                           'stroke-dasharray="4 3"/>', pad, width - pad, y, y)
    return format_html('<svg class="series" viewBox="0 0 {} {}" width="100%" role="img" aria-label="{}">{}{}{}</svg>',
                       width, height, chart.title, shapes, goal, labels)


@register.filter
def sum_amounts(rows):
    """The sum of the `amount` of rows (prefetched), to the céntimo."""
    return sum((row.amount for row in rows), Decimal("0.00"))


@register.filter
def qty(value):
    """A quantity without its useless zeros, never in scientific notation: 100.000 → 100, 2.500 → 2.5."""
    if value is None or value == "":
        return "—"
    return format(Decimal(value).normalize(), "f")
