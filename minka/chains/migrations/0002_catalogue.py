from django.db import migrations


def load_catalogue(apps, schema_editor):
    from minka.chains import catalogue

    catalogue.load(apps)


class Migration(migrations.Migration):
    dependencies = [("chains", "0001_initial"), ("people", "0002_value_chains")]
    operations = [migrations.RunPython(load_catalogue, migrations.RunPython.noop)]
