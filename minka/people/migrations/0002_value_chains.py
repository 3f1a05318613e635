from django.db import migrations

CHAINS = [
    # code, es, quz, fr, en
    ("milk", "Leche", "Lichi", "Lait", "Milk"),
    ("dairy", "Queso y derivados lácteos", "Kisu, lichimanta ruwasqakuna", "Fromage et produits laitiers", "Cheese and dairy"),
    ("guinea-pig", "Cuy", "Quwi", "Cochon d'Inde", "Guinea pig"),
    ("mushroom", "Hongos", "K'allampa", "Champignons", "Mushrooms"),
    ("native-potato", "Papa nativa orgánica", "Chakra papa (orgánico)", "Pomme de terre native bio", "Organic native potato"),
    ("restaurant", "Restaurante", "Mikhuna wasi", "Restaurant", "Restaurant"),
]


def add_chains(apps, schema_editor):
    ValueChain = apps.get_model("people", "ValueChain")
    for order, (code, es, quz, fr, en) in enumerate(CHAINS, start=1):
        ValueChain.objects.update_or_create(
            code=code, defaults={"name": es, "name_quz": quz, "name_fr": fr, "name_en": en, "order": order})


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]
    operations = [migrations.RunPython(add_chains, migrations.RunPython.noop)]
