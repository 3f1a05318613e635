"""Values updated in place after a change keep room on their pages (PostgreSQL's fillfactor): the
row is rewritten on its page without touching the indexes. Pages written from now on, and the table
a full refresh swaps in, have it."""

from django.db import migrations


def set_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE observatory_value SET (fillfactor = 80)")


def reset_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE observatory_value RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("observatory", "0006_definitions_in_languages")]

    operations = [migrations.RunPython(set_fillfactor, reset_fillfactor)]
