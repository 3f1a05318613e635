"""A choropleth drawn as SVG on the server, for printed reports (WeasyPrint cannot run Leaflet):
the units' GeoJSON shapes projected onto the page, coloured by quantile like the web map."""

import math

from django.utils.html import escape

COLOURS = ["#f1eef6", "#bdc9e1", "#74a9cf", "#2b8cbe", "#045a8d"]


def _rings(geometry):
    kind, coords = geometry.get("type"), geometry.get("coordinates")
    if kind == "Polygon":
        yield from ((ring, "area") for ring in coords)
    elif kind == "MultiPolygon":
        yield from ((ring, "area") for polygon in coords for ring in polygon)
    elif kind == "Point":
        yield [coords], "point"
    elif kind == "MultiPoint":
        yield from (([point], "point") for point in coords)
    elif kind == "GeometryCollection":
        for part in geometry.get("geometries", []):
            yield from _rings(part)


def breaks(values, direction="up"):
    """Up to four class limits (quantiles) and a colour function, shared with the legend."""
    ordered = sorted(v for v in values if v is not None)
    limits = []
    for q in (1, 2, 3, 4):
        if ordered:
            limit = ordered[min(len(ordered) - 1, q * len(ordered) // 5)]
            if limit > ordered[0] and limit not in limits:
                limits.append(limit)

    def colour(value):
        if value is None:
            return "#ffffff"
        index = sum(1 for limit in limits if value >= limit)
        return COLOURS[len(limits) - index if direction == "down" else index]

    return [ordered[0], *limits] if ordered else [], colour


def choropleth(units, direction="up", width=480, height=320, legend=True):
    """SVG markup for [(name, geometry, value)]; empty when nothing can be drawn."""
    shapes = [(name, list(_rings(geometry)), value) for name, geometry, value in units if geometry]
    points = [p for _n, rings, _v in shapes for ring, _k in rings for p in ring]
    if not points:
        return ""
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    scale_x = math.cos(math.radians(sum(lats) / len(lats)))  # keeps shapes' proportions near the equator
    span_x, span_y = (max(lons) - min(lons)) * scale_x or 0.01, (max(lats) - min(lats)) or 0.01
    pad = 8
    k = min((width - 2 * pad) / span_x, (height - 2 * pad) / span_y)

    def xy(point):
        return (round(pad + (point[0] - min(lons)) * scale_x * k, 1), round(pad + (max(lats) - point[1]) * k, 1))

    edges, colour = breaks([value for _n, _g, value in units], direction)
    parts = []
    for name, rings, value in shapes:
        fill = colour(value)
        for ring, kind in rings:
            if kind == "point":
                x, y = xy(ring[0])
                parts.append(f'<circle cx="{x}" cy="{y}" r="5" fill="{fill}" stroke="#555" stroke-width="0.8">'
                             f'<title>{escape(name)}</title></circle>')
            else:
                path = " ".join(f"{x},{y}" for x, y in map(xy, ring))
                parts.append(f'<polygon points="{path}" fill="{fill}" stroke="#555" stroke-width="0.8">'
                             f'<title>{escape(name)}</title></polygon>')
    keys = []
    for i, low in enumerate(edges if legend else ()):
        keys.append(f'<rect x="{pad + i * 95}" y="{height + 6}" width="14" height="14" fill="{colour(low)}" '
                      f'stroke="#555" stroke-width="0.5"/><text x="{pad + i * 95 + 18}" y="{height + 18}" '
                      f'font-size="14">≥ {round(low, 1):g}</text>')
    return (f'<svg class="map" viewBox="0 0 {width} {height + (26 if legend else 0)}" width="100%" '
            f'xmlns="http://www.w3.org/2000/svg">'
            + "".join(parts) + "".join(keys) + "</svg>")
