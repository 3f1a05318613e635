from django.db import migrations


def load(apps, schema_editor):
    from minka.books import catalogue

    catalogue.load(apps)


class Migration(migrations.Migration):
    """The account PES schemes pay the conservers' retribution from."""

    dependencies = [("books", "0004_fund_accounts")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
