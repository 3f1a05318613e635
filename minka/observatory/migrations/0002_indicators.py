from django.db import migrations

# The programs' indicators were first loaded here; their definitions changed shape in 0003, which
# now loads them (a data migration must not call today's catalogue with yesterday's models).


class Migration(migrations.Migration):
    dependencies = [("observatory", "0001_initial")]
    operations = []
