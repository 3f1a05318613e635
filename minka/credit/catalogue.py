"""What the fund starts with, loaded by a data migration and kept as data afterwards: the innovations
the programs finance, and the arrears tables. The risk categories are those of Peru's SBS for loans to
micro and small enterprises (Resolución SBS N.° 11356-2008: normal up to 8 days past due, with
potential problems 9–30, deficient 31–60, doubtful 61–120, loss beyond), with the provisions it asks
for unsecured loans."""

# code, chain, es, quz, fr, en
INNOVATIONS = [
    ("milking-equipment", "milk", "Equipo de ordeño y enfriamiento de leche", "", "Matériel de traite et de refroidissement",
     "Milking and milk cooling equipment"),
    ("guinea-pig-shed", "guinea-pig", "Galpón mejorado para cuyes", "", "Abri amélioré pour cochons d'Inde",
     "Improved guinea pig shed"),
    ("solar-dryer", None, "Secador solar", "", "Séchoir solaire", "Solar dryer"),
    ("greenhouse", None, "Fitotoldo (invernadero)", "", "Serre", "Greenhouse"),
    ("irrigation-kit", None, "Kit de riego tecnificado (aspersión o goteo)", "", "Kit d'irrigation (aspersion, goutte-à-goutte)",
     "Irrigation kit (sprinkler or drip)"),
    ("cheese-workshop", "dairy", "Equipamiento de quesería", "", "Équipement de fromagerie", "Cheese-making equipment"),
]

# table, code, es, min days, max days, provision %
BANDS = [
    ("aging", "current", "Al día", 0, 0, "0"),
    ("aging", "1-30", "1 a 30 días", 1, 30, "0"),
    ("aging", "31-60", "31 a 60 días", 31, 60, "0"),
    ("aging", "61-90", "61 a 90 días", 61, 90, "0"),
    ("aging", "91-180", "91 a 180 días", 91, 180, "0"),
    ("aging", "181+", "Más de 180 días", 181, None, "0"),
    ("risk", "normal", "Normal", 0, 8, "1"),
    ("risk", "cpp", "Con problemas potenciales", 9, 30, "5"),
    ("risk", "deficient", "Deficiente", 31, 60, "25"),
    ("risk", "doubtful", "Dudoso", 61, 120, "60"),
    ("risk", "loss", "Pérdida", 121, None, "100"),
]


def load(apps):
    Innovation = apps.get_model("credit", "Innovation")
    ValueChain = apps.get_model("people", "ValueChain")
    ArrearsBand = apps.get_model("credit", "ArrearsBand")
    chains = {c.code: c for c in ValueChain.objects.all()}
    for code, chain, es, quz, fr, en in INNOVATIONS:
        Innovation.objects.update_or_create(code=code, defaults={
            "chain": chains.get(chain), "name": es, "name_quz": quz, "name_fr": fr, "name_en": en})
    for table, code, name, low, high, provision in BANDS:
        ArrearsBand.objects.update_or_create(table=table, code=code, defaults={
            "name": name, "min_days": low, "max_days": high, "provision_percent": provision})
