"""On PostgreSQL, a value's period and breakdown codes compare byte by byte (collation "C"): they are
ASCII codes, never shown sorted to a person. The engine writes every value already in the order of
the unique keys (see engine._swap_values); with the database's own collation (often a language's)
PostgreSQL would sort millions of them again to build its indexes. SQLite compares bytes already."""

from django.db import migrations

COLUMNS = {"period": 12, "breakdown": 48}


def to_bytes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE observatory_value " + ", ".join(
            f'ALTER COLUMN {name} TYPE varchar({size}) COLLATE "C"' for name, size in COLUMNS.items()))


def to_default(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE observatory_value " + ", ".join(
            f'ALTER COLUMN {name} TYPE varchar({size}) COLLATE "default"' for name, size in COLUMNS.items()))


class Migration(migrations.Migration):
    dependencies = [("observatory", "0012_participation_indicators")]

    operations = [migrations.RunPython(to_bytes, to_default)]
