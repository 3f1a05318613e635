from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

LOCALE = Path(settings.BASE_DIR) / "minka" / "locale"


def _entries(po_text):
    """(msgid, msgstr) pairs of a .po file, enough to tell untranslated entries."""
    entries, msgid, msgstr, field = [], None, "", None
    for line in po_text.splitlines() + [""]:
        if line.startswith("msgid "):
            if msgid is not None:
                entries.append((msgid, msgstr))
            msgid, msgstr, field = line[7:-1], "", "id"
        elif line.startswith("msgstr"):
            msgstr, field = line.split(" ", 1)[1][1:-1], "str"
        elif line.startswith('"') and field == "id":
            msgid += line[1:-1]
        elif line.startswith('"') and field == "str":
            msgstr += line[1:-1]
        elif line.startswith("msgid_plural"):
            field = "plural"
    if msgid is not None:
        entries.append((msgid, msgstr))
    return [(i, s) for i, s in entries if i]


@pytest.mark.parametrize("language", ["quz", "fr", "en"])
def test_every_interface_string_is_translated(language):
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    assert (po.with_suffix(".mo")).stat().st_mtime >= po.stat().st_mtime - 1, "compile the catalog: make messages"
    text = po.read_text()
    untranslated = [msgid for msgid, msgstr in _entries(text) if not msgstr]
    assert untranslated == []
    # A fuzzy entry is gettext's guess: it has a msgstr but is left out of the compiled catalog.
    fuzzy = [block for block in text.split("\n\n")[1:] if "#, fuzzy" in block or ", fuzzy" in block]
    assert fuzzy == []


def test_quechua_is_declared_and_active():
    from django.utils.translation import get_language_info

    assert get_language_info("quz")["name_local"] == "Runasimi"
    with translation.override("quz"):
        assert translation.gettext("Familias") == "Ayllukuna"
    with translation.override("fr"):
        assert translation.gettext("Registrar familia") == "Enregistrer une famille"
