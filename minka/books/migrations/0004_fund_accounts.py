from django.db import migrations


def load(apps, schema_editor):
    from minka.books import catalogue

    catalogue.load(apps)


class Migration(migrations.Migration):
    """The accounts the credit fund posts to: loans, restricted funds, grants, write-offs."""

    dependencies = [("books", "0003_entry_foreign_currency")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
