"""Static files: the hashed storage must not break the SVG icons of a stylesheet (Leaflet-Geoman's)."""

from minka.core.storage import StaticStorage

# as in Leaflet-Geoman's stylesheet: a ")" inside the data URI ends Django's match of it early
CSS = ("""a { background: url('data:image/svg+xml,<svg><g transform="translate(-3 -3)"><mask id="polygon-b"/>"""
       """<g mask="url(%23polygon-b)"><rect/></g></g></svg>'); }""")


def test_references_inside_an_svg_are_kept(tmp_path):
    storage = StaticStorage(location=tmp_path)
    pattern, template = storage._patterns["*.css"][0]
    converted = pattern.sub(storage.url_converter("vendor/geoman/leaflet-geoman.css", {}, template), CSS)
    assert converted == CSS
