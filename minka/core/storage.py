"""How static files are stored: hashed names and compressed copies (WhiteNoise)."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    """Leaves a stylesheet's references to an SVG's own elements as they are: `url(#id)`, written
    `url(%23id)` inside the SVG data URIs of Leaflet-Geoman's icons, which Django would otherwise take
    for files and break."""

    def url_converter(self, name, hashed_files, template=None):
        convert = super().url_converter(name, hashed_files, template)

        def converter(matchobj):
            if matchobj.group("url").startswith(("#", "%23")):
                return matchobj.group("matched")
            return convert(matchobj)

        return converter
