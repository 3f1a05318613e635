from django.db import migrations


def load(apps, schema_editor):
    from minka.books import catalogue

    catalogue.load(apps)


class Migration(migrations.Migration):
    dependencies = [("books", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
