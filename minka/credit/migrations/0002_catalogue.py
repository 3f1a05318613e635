from django.db import migrations


def load(apps, schema_editor):
    from minka.credit import catalogue

    catalogue.load(apps)


class Migration(migrations.Migration):
    dependencies = [("credit", "0001_initial"), ("people", "0002_value_chains"), ("books", "0004_fund_accounts")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
