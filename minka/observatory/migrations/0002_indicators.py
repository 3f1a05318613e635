from django.db import migrations


def load(apps, schema_editor):
    from minka.observatory import catalogue

    catalogue.load(apps)


class Migration(migrations.Migration):
    dependencies = [("observatory", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
