"""The starting catalogue: units, what is measured per value chain, agroecological practices, the
transition rules and the topics of assistance. Loaded by a data migration; afterwards it is data
that admins and coordinators change in Minka, not code.

Quality thresholds follow Peru's raw milk standard (NTP 202.001: fat ≥ 3.2 %, total solids
≥ 11.4 %, density 1.0296–1.0340 g/mL at 15 °C, acidity 0.13–0.17 % lactic acid ≈ 13–17 °D, no
antibiotics) and the reductase test (TRAM) classes for bacterial load."""

# code, symbol, dimension, factor, es, quz, fr, en
UNITS = [
    ("l", "L", "volume", "1", "litro", "litro", "litre", "litre"),
    ("m3", "m³", "volume", "1000", "metro cúbico", "metro cúbico", "mètre cube", "cubic metre"),
    ("l-day", "L/día", "volume-day", "1", "litros por día", "sapa p'unchay litro", "litres par jour", "litres per day"),
    ("g", "g", "mass", "0.001", "gramo", "gramo", "gramme", "gram"),
    ("kg", "kg", "mass", "1", "kilogramo", "kilo", "kilogramme", "kilogram"),
    ("arroba", "@", "mass", "11.5", "arroba", "arroba", "arrobe", "arroba"),
    ("qq", "qq", "mass", "46", "quintal", "quintal", "quintal", "quintal"),
    ("t", "t", "mass", "1000", "tonelada", "tonelada", "tonne", "tonne"),
    ("count", "u", "count", "1", "unidad", "huk", "unité", "unit"),
    ("head", "cab.", "head", "1", "cabeza", "uywa", "tête", "head"),
    ("dish", "platos", "dish", "1", "plato servido", "mikhuy", "couvert", "cover"),
    ("variety", "var.", "variety", "1", "variedad", "rikch'aq", "variété", "variety"),
    ("ha", "ha", "area", "1", "hectárea", "hectárea", "hectare", "hectare"),
    ("m2", "m²", "area", "0.0001", "metro cuadrado", "metro cuadrado", "mètre carré", "square metre"),
    ("m", "m", "length", "1", "metro", "metro", "mètre", "metre"),
    ("km", "km", "length", "1000", "kilómetro", "kilómetro", "kilomètre", "kilometre"),
    ("pct", "%", "percent", "1", "por ciento", "pachakmanta", "pour cent", "per cent"),
    ("g-ml", "g/mL", "density", "1", "gramos por mililitro", "gramo/mililitro", "grammes par millilitre", "grams per millilitre"),
    ("dornic", "°D", "acidity", "1", "grados Dornic", "grado Dornic", "degrés Dornic", "Dornic degrees"),
    ("pen", "S/", "money-pen", "1", "sol", "sol", "sol", "sol"),
]

# code, es, quz, fr, en
TRAM = [["1", "Clase 1 (buena, más de 5 h)", "1 clase (allin, 5 horamanta aswan)", "Classe 1 (bonne, plus de 5 h)",
         "Class 1 (good, over 5 h)"],
        ["2", "Clase 2 (regular, 2 a 5 h)", "2 clase (chawpi, 2manta 5 hora kama)", "Classe 2 (moyenne, 2 à 5 h)",
         "Class 2 (fair, 2 to 5 h)"],
        ["3", "Clase 3 (mala, 20 min a 2 h)", "3 clase (mana allin, 20 minutomanta 2 hora kama)",
         "Classe 3 (mauvaise, 20 min à 2 h)", "Class 3 (poor, 20 min to 2 h)"],
        ["4", "Clase 4 (muy mala, menos de 20 min)", "4 clase (ancha mana allin, 20 minutomanta pisi)",
         "Classe 4 (très mauvaise, moins de 20 min)", "Class 4 (very poor, under 20 min)"]]
GP_GRADES = [["extra", "Extra", "Extra", "Extra", "Extra"], ["first", "Primera", "Ñawpaq", "Première", "First"],
             ["second", "Segunda", "Iskay kaq", "Seconde", "Second"], ["cull", "Descarte", "Wikch'uy", "Réforme", "Cull"]]
ORGANIC = [["compliant", "Conforme", "Allin", "Conforme", "Compliant"],
           ["observations", "Conforme con observaciones", "Allin, qhawasqakunawan", "Conforme avec observations",
            "Compliant with observations"],
           ["non-compliant", "No conforme", "Mana allin", "Non conforme", "Non-compliant"]]

# code, chain, purpose, type, unit, min, max, pass_min, pass_max, pass_values, choices, es, quz, fr, en
P, Q = "production", "quality"
MEASURES = [
    ("milk-litres-day", "milk", P, "decimal", "l-day", "0", "1000", None, None, [], [],
     "Leche producida por día", "Sapa p'unchay lichi", "Lait produit par jour", "Milk produced per day"),
    ("milk-litres-month", "milk", P, "decimal", "l", "0", "30000", None, None, [], [],
     "Leche producida en el mes", "Killapi lichi", "Lait produit dans le mois", "Milk produced in the month"),
    ("milk-cows", "milk", P, "integer", "head", "0", "200", None, None, [], [],
     "Vacas en producción", "Lichiyuq wakakuna", "Vaches en production", "Cows in milk"),
    ("dairy-fresh-cheese", "dairy", P, "decimal", "kg", "0", "5000", None, None, [], [],
     "Queso fresco (kg en el mes)", "Musuq kisu", "Fromage frais (kg dans le mois)", "Fresh cheese (kg in the month)"),
    ("dairy-andean-cheese", "dairy", P, "decimal", "kg", "0", "5000", None, None, [], [],
     "Queso andino madurado (kg en el mes)", "Puquq kisu", "Fromage andin affiné (kg dans le mois)",
     "Matured Andean cheese (kg in the month)"),
    ("dairy-yoghurt", "dairy", P, "decimal", "l", "0", "10000", None, None, [], [],
     "Yogur (L en el mes)", "Yogur", "Yaourt (L dans le mois)", "Yoghurt (L in the month)"),
    ("dairy-butter", "dairy", P, "decimal", "kg", "0", "2000", None, None, [], [],
     "Mantequilla (kg en el mes)", "Mantequilla", "Beurre (kg dans le mois)", "Butter (kg in the month)"),
    ("gp-breeding-stock", "guinea-pig", P, "integer", "count", "0", "3000", None, None, [], [],
     "Cuyes reproductores", "Miraq quwikuna", "Cobayes reproducteurs", "Breeding guinea pigs"),
    ("gp-sold", "guinea-pig", P, "integer", "count", "0", "5000", None, None, [], [],
     "Cuyes vendidos en el mes", "Killapi qhatusqa quwikuna", "Cobayes vendus dans le mois",
     "Guinea pigs sold in the month"),
    ("gp-live-weight", "guinea-pig", P, "decimal", "kg", "0.2", "2.5", None, None, [], [],
     "Peso vivo promedio a la venta", "Quwipa llasaynin", "Poids vif moyen à la vente", "Average live weight at sale"),
    ("mushroom-fresh", "mushroom", P, "decimal", "kg", "0", "5000", None, None, [], [],
     "Hongos frescos cosechados", "Musuq k'allampa", "Champignons frais récoltés", "Fresh mushrooms harvested"),
    ("mushroom-dried", "mushroom", P, "decimal", "kg", "0", "1000", None, None, [], [],
     "Hongos deshidratados", "Ch'akisqa k'allampa", "Champignons séchés", "Dried mushrooms"),
    ("potato-varieties", "native-potato", P, "integer", "variety", "0", "400", None, None, [], [],
     "Variedades de papa nativa sembradas", "Tarpusqa papa rikch'aqkuna", "Variétés de pomme de terre native semées",
     "Native potato varieties planted"),
    ("potato-variety-names", "native-potato", P, "text", None, None, None, None, None, [], [],
     "Nombres de las variedades", "Rikch'aqkunapa sutin", "Noms des variétés", "Variety names"),
    ("potato-area", "native-potato", P, "decimal", "ha", "0", "50", None, None, [], [],
     "Área sembrada", "Tarpusqa allpa", "Surface semée", "Area planted"),
    ("potato-harvest", "native-potato", P, "decimal", "kg", "0", "300000", None, None, [], [],
     "Cosecha", "Pallay", "Récolte", "Harvest"),
    ("restaurant-covers", "restaurant", P, "integer", "dish", "0", "100000", None, None, [], [],
     "Platos servidos en el mes", "Killapi qusqa mikhuykuna", "Couverts servis dans le mois", "Covers served in the month"),
    ("restaurant-local-purchases", "restaurant", P, "decimal", "pen", "0", "1000000", None, None, [], [],
     "Compras de productos locales en el mes", "Llaqtamanta rantisqa", "Achats de produits locaux dans le mois",
     "Local products bought in the month"),
    ("milk-fat", "milk", Q, "decimal", "pct", "0", "15", "3.2", None, [], [],
     "Grasa", "Wira", "Matière grasse", "Fat"),
    ("milk-solids", "milk", Q, "decimal", "pct", "0", "30", "11.4", None, [], [],
     "Sólidos totales", "Sólidos totales", "Extrait sec total", "Total solids"),
    ("milk-density", "milk", Q, "decimal", "g-ml", "0.9", "1.1", "1.0296", "1.034", [], [],
     "Densidad a 15 °C", "Densidad", "Densité à 15 °C", "Density at 15 °C"),
    ("milk-acidity", "milk", Q, "decimal", "dornic", "0", "60", "13", "17", [], [],
     "Acidez", "P'uchqu kay", "Acidité", "Acidity"),
    ("milk-antibiotics", "milk", Q, "boolean", None, None, None, None, None, ["false"], [],
     "Antibióticos presentes", "Antibiótico kan", "Présence d'antibiotiques", "Antibiotics present"),
    ("milk-bacterial-class", "milk", Q, "choice", None, None, None, None, None, ["1", "2"], TRAM,
     "Carga bacteriana (clase TRAM)", "Bacteria (clase TRAM)", "Charge bactérienne (classe TRAM)",
     "Bacterial load (reductase class)"),
    ("gp-grade", "guinea-pig", Q, "choice", None, None, None, None, None, ["extra", "first"], GP_GRADES,
     "Clasificación del cuy", "Quwi t'aqay", "Classement du cobaye", "Guinea pig grade"),
    ("gp-grade-weight", "guinea-pig", Q, "decimal", "kg", "0.2", "2.5", "0.9", None, [], [],
     "Peso vivo del animal clasificado", "Quwipa llasaynin", "Poids vif de l'animal classé", "Live weight of the graded animal"),
    ("organic-result", None, Q, "choice", None, None, None, None, None, ["compliant", "observations"], ORGANIC,
     "Resultado de la inspección orgánica", "Orgánico qhawariypa lluqsiynin", "Résultat de l'inspection bio",
     "Organic inspection result"),
    ("organic-nonconformities", None, Q, "integer", "count", "0", "100", None, None, [], [],
     "No conformidades encontradas", "Mana allin tarisqa", "Non-conformités relevées", "Non-conformities found"),
]

# code, unit, fertiliser, es, quz, fr, en
PRACTICES = [
    ("compost", "kg", True, "Compost", "Compost", "Compost", "Compost"),
    ("biol", "l", True, "Biol (abono foliar líquido)", "Biol", "Biol (engrais foliaire liquide)", "Biol (liquid foliar fertiliser)"),
    ("humus", "kg", True, "Humus de lombriz / vermicompost", "Lombrizpa humusnin", "Lombricompost", "Vermicompost"),
    ("waste", None, False, "Manejo de residuos sólidos", "Qupa allichay", "Gestion des déchets", "Waste management"),
    ("reduced-agrochemicals", None, False, "Reducción de agroquímicos", "Agroquímico pisiyachiy",
     "Réduction des intrants chimiques", "Reduced agrochemicals"),
    ("biocontrol", None, False, "Control ecológico de plagas (biopreparados)", "Kuru hark'ay mana venenowan",
     "Lutte écologique contre les ravageurs", "Ecological pest control"),
    ("native-pasture", None, False, "Manejo de pastos nativos", "Ichhu qhiwa allichay", "Gestion des pâturages natifs",
     "Native pasture management"),
    ("water-harvesting", None, False, "Cosecha de agua (qochas)", "Yaku huñuy (qucha)", "Récolte de l'eau (qochas)",
     "Water harvesting (qochas)"),
    ("rotation", None, False, "Rotación y asociación de cultivos", "Tarpuy muyuchiy", "Rotation et association des cultures",
     "Crop rotation and association"),
    ("native-seed", None, False, "Conservación de semillas nativas", "Muhu waqaychay", "Conservation des semences natives",
     "Native seed conservation"),
    ("agroforestry", None, False, "Forestación con especies nativas", "Sach'a tarpuy", "Reboisement en espèces natives",
     "Native tree planting"),
    ("organic-certification", None, False, "Certificación orgánica (SGP o tercera parte)", "Orgánico certificado",
     "Certification biologique (SPG ou tiers)", "Organic certification (PGS or third party)"),
]

# stage, min practices, required practice codes
RULES = [
    ("transition", 2, []),
    ("agroecological", 5, ["compost", "reduced-agrochemicals"]),
    ("organic", 6, ["organic-certification"]),
]

# code, es, quz, fr, en
TOPICS = [
    ("animal-health", "Sanidad animal", "Uywa qhali kay", "Santé animale", "Animal health"),
    ("feeding", "Alimentación y pastos", "Uywa mikhuchiy", "Alimentation et pâturages", "Feeding and pastures"),
    ("milking-hygiene", "Ordeño higiénico", "Ch'uya ch'awa", "Traite hygiénique", "Hygienic milking"),
    ("breeding", "Mejoramiento genético", "Uywa allinchay", "Amélioration génétique", "Breeding"),
    ("sheds", "Galpones y pozas de cuyes", "Quwi wasi", "Bâtiments pour cobayes", "Guinea pig sheds"),
    ("processing", "Transformación y derivados lácteos", "Kisu ruway", "Transformation laitière", "Dairy processing"),
    ("mushroom-growing", "Cultivo y secado de hongos", "K'allampa tarpuy", "Culture et séchage des champignons",
     "Mushroom growing and drying"),
    ("seed", "Semilla de papa nativa", "Papa muhu", "Semence de pomme de terre native", "Native potato seed"),
    ("organic-fertiliser", "Abonos orgánicos", "Wanu ruway", "Engrais organiques", "Organic fertilisers"),
    ("pest-control", "Control ecológico de plagas", "Kuru hark'ay", "Lutte écologique", "Ecological pest control"),
    ("water", "Riego y cosecha de agua", "Yaku qarpay", "Irrigation et récolte de l'eau", "Irrigation and water harvesting"),
    ("business", "Gestión y costos", "Qullqi allichay", "Gestion et coûts", "Management and costs"),
    ("marketing", "Comercialización", "Qhatuy", "Commercialisation", "Marketing"),
    ("organisation", "Organización y gobernanza", "Huñunakuy", "Organisation et gouvernance", "Organisation and governance"),
    ("gender", "Equidad de género", "Warmi qhari kikin kay", "Égalité de genre", "Gender equity"),
]


def refresh_choice_names(apps):
    """Give the list measures their names in every language, leaving thresholds as coordinators set them."""
    Measure = apps.get_model("chains", "Measure")
    for code, *fields in MEASURES:
        choices = fields[9]
        if choices:
            Measure.objects.filter(code=code).update(choices=choices)


def load(apps):
    """Create or refresh the catalogue (used by the data migration and by tests that flush tables)."""
    from decimal import Decimal

    Unit = apps.get_model("chains", "Unit")
    Measure = apps.get_model("chains", "Measure")
    Practice = apps.get_model("chains", "Practice")
    TransitionRule = apps.get_model("chains", "TransitionRule")
    Topic = apps.get_model("chains", "Topic")
    ValueChain = apps.get_model("people", "ValueChain")

    def names(es, quz, fr, en):
        return {"name": es, "name_quz": quz, "name_fr": fr, "name_en": en}

    units = {}
    for code, symbol, dimension, factor, *labels in UNITS:
        units[code], _ = Unit.objects.update_or_create(
            code=code, defaults={"symbol": symbol, "dimension": dimension, "factor": Decimal(factor), **names(*labels)})
    chains = {c.code: c for c in ValueChain.objects.all()}

    def number(text):
        return None if text is None else Decimal(text)

    for order, (code, chain, purpose, kind, unit, low, high, pass_min, pass_max, pass_values, choices,
                *labels) in enumerate(MEASURES, start=1):
        Measure.objects.update_or_create(code=code, defaults={
            "chain": chains.get(chain), "purpose": purpose, "value_type": kind, "unit": units.get(unit),
            "min_value": number(low), "max_value": number(high), "pass_min": number(pass_min),
            "pass_max": number(pass_max), "pass_values": pass_values, "choices": choices, "order": order,
            **names(*labels)})
    practices = {}
    for order, (code, unit, fertiliser, *labels) in enumerate(PRACTICES, start=1):
        practices[code], _ = Practice.objects.update_or_create(code=code, defaults={
            "quantity_unit": units.get(unit), "is_fertiliser": fertiliser, "order": order, **names(*labels)})
    for stage, minimum, required in RULES:
        rule, created = TransitionRule.objects.get_or_create(stage=stage, defaults={"min_practices": minimum})
        if created:
            rule.required_practices.set([practices[c] for c in required])
    for order, (code, *labels) in enumerate(TOPICS, start=1):
        Topic.objects.update_or_create(code=code, defaults={"order": order, **names(*labels)})


# code, chain, es, quz, fr, en (the value chains' own sources are added from the chains)
INCOME_SOURCES = [
    ("other-farm", None, "Otra producción agropecuaria", "Huk chakra, uywa", "Autre production agricole",
     "Other farming"),
    ("off-farm", None, "Trabajo fuera de la finca", "Hawa llamk'ay", "Travail hors exploitation", "Off-farm work"),
    ("transfers", None, "Transferencias y programas sociales", "Yanapakuy qullqi", "Transferts et programmes sociaux",
     "Transfers and social programmes"),
]


def load_income_sources(apps):
    IncomeSource = apps.get_model("chains", "IncomeSource")
    ValueChain = apps.get_model("people", "ValueChain")
    order = 0
    for order, chain in enumerate(ValueChain.objects.order_by("order"), start=1):
        IncomeSource.objects.update_or_create(code=chain.code, defaults={
            "chain": chain, "order": order, "name": chain.name, "name_quz": chain.name_quz,
            "name_fr": chain.name_fr, "name_en": chain.name_en})
    for offset, (code, _chain, es, quz, fr, en) in enumerate(INCOME_SOURCES, start=order + 1):
        IncomeSource.objects.update_or_create(code=code, defaults={
            "order": offset, "name": es, "name_quz": quz, "name_fr": fr, "name_en": en})
