"""The programs' indicators (seeds 000 and 003), loaded by a data migration; coordinators change
them as data afterwards. Targets need the territory, so the demo (or a coordinator) sets them."""

SEASONAL = ["season", "year", "quarter", "month"]
CS = ["chain", "sex", "age"]

# code, kind, source, spec, breakdowns, periods, unit, program, axis, level, es, fr, en, definition
INDICATORS = [
    ("beneficiaries", "count", "households", {}, CS, [], "familias", "dausangate", "Producción", "output",
     "Familias beneficiarias", "Familles bénéficiaires", "Beneficiary families",
     "Familias registradas; por cadena de valor (inscripción abierta), por sexo y por edad del jefe o la jefa de "
     "familia."),
    ("milk-producers", "count", "households", {"chain": "milk"}, ["sex", "age"], [], "familias", "dausangate",
     "Producción", "output", "Familias productoras de leche", "Familles productrices de lait",
     "Milk-producing families", "Familias con inscripción abierta en la cadena de leche (meta 490)."),
    ("guinea-pig-producers", "count", "households", {"chain": "guinea-pig"}, ["sex", "age"], [], "familias",
     "dausangate", "Producción", "output", "Familias criadoras de cuy", "Familles éleveuses de cobayes",
     "Guinea pig breeding families", "Familias con inscripción abierta en la cadena de cuy (meta 240)."),
    ("transition", "count", "assessments", {"stage": "transition"}, ["sex", "chain"], ["season", "year"],
     "familias", "dausangate", "Medio ambiente", "outcome",
     "Familias en transición agroecológica o más", "Familles en transition agroécologique ou au-delà",
     "Families in agroecological transition or beyond",
     "Familias cuya última evaluación del periodo alcanza la etapa «en transición» o una posterior, según las "
     "reglas vigentes."),
    ("transition-share", "share", "assessments", {"stage": "transition"}, ["sex"], ["season"], "%", "dausangate",
     "Medio ambiente", "outcome", "Parte de las familias evaluadas en transición o más",
     "Part des familles évaluées en transition ou au-delà", "Share of assessed families in transition or beyond",
     "Familias en transición o más / familias evaluadas en la campaña (última evaluación de cada familia)."),
    ("fertiliser-kg", "sum", "practices", {"fertiliser": True, "unit": "kg"}, ["practice", "sex"], SEASONAL, "kg",
     "dausangate", "Medio ambiente", "output",
     "Abono orgánico sólido producido", "Engrais organique solide produit", "Solid organic fertiliser produced",
     "Suma del compost y el humus producidos (kg) declarados en las evaluaciones de prácticas del periodo."),
    ("milk-volume", "sum", "measures", {"measure": "milk-litres-month"}, ["sex"], SEASONAL, "L", "dausangate",
     "Producción", "output", "Leche producida", "Lait produit", "Milk produced",
     "Suma de los litros por mes registrados en la producción de leche del periodo."),
    ("milk-fat", "mean", "measures", {"measure": "milk-fat"}, [], SEASONAL, "%", "dausangate", "Producción",
     "outcome", "Grasa de la leche (promedio)", "Matière grasse du lait (moyenne)", "Milk fat (average)",
     "Promedio de la grasa medida en las pruebas de leche del periodo (suma de las medidas / número de medidas)."),
    ("milk-quality", "ratio", "tests", {"chain": "milk"}, ["sex"], SEASONAL, "%", "dausangate", "Producción",
     "outcome", "Pruebas de leche aprobadas", "Tests de lait conformes", "Milk tests passed",
     "Pruebas de calidad de leche aprobadas / pruebas juzgadas en el periodo, con el umbral vigente en cada prueba."),
    ("trainings", "count", "trainings", {}, [], ["season", "year"], "eventos", "ecocuenca",
     "i. Fortalecimiento de capacidades", "output", "Capacitaciones realizadas", "Formations réalisées",
     "Trainings held", "Eventos de capacitación (talleres, escuelas de campo, pasantías…) que empezaron en el periodo."),
    ("participants", "count", "participants", {}, ["actor", "sex", "age"], ["season", "year", "quarter"],
     "personas", "ecocuenca", "i. Fortalecimiento de capacidades", "output",
     "Participantes en capacitaciones", "Participants aux formations", "Training participants",
     "Participaciones registradas en la asistencia de las capacitaciones del periodo, por tipo de actor, sexo y edad; "
     "una persona que asiste a dos eventos cuenta dos veces."),
    ("income-milk", "change", "income", {"income_source": "milk", "base_season": 2020}, ["sex"], ["season"], "%",
     "dausangate", "Ingresos", "impact", "Cambio del ingreso neto por leche", "Évolution du revenu net du lait",
     "Change in net milk income",
     "Ingreso neto por leche de las mismas familias frente a la línea de base 2020-21 (muestra pareada), en soles "
     "corrientes (meta +5 %)."),
    ("income-dairy", "change", "income", {"income_source": "dairy", "base_season": 2020}, ["sex"], ["season"], "%",
     "dausangate", "Ingresos", "impact", "Cambio del ingreso neto por derivados lácteos",
     "Évolution du revenu net des produits laitiers", "Change in net dairy income",
     "Igual que para la leche, fuente «derivados lácteos» (meta +10 %)."),
    ("income-guinea-pig", "change", "income", {"income_source": "guinea-pig", "base_season": 2020}, ["sex"],
     ["season"], "%", "dausangate", "Ingresos", "impact", "Cambio del ingreso neto por cuy",
     "Évolution du revenu net du cobaye", "Change in net guinea pig income",
     "Igual que para la leche, fuente «cuy» (meta +15 %)."),
    ("families-with-credit", "count", "loans", {}, ["chain", "sex", "age"], [], "familias",
     "dausangate", "Fondo de innovación", "output", "Familias con crédito del fondo",
     "Familles ayant reçu un crédit du fonds", "Families with a loan from the fund",
     "Familias que recibieron al menos un préstamo del fondo de innovación desde su inicio (meta 50), por la cadena "
     "de valor de la inversión, el sexo y la edad del jefe o la jefa de familia."),
    ("amount-lent", "sum", "loans", {"measure": "amount"}, ["chain", "sex"], SEASONAL, "S/", "dausangate",
     "Fondo de innovación", "output", "Monto prestado a familias", "Montant prêté aux familles",
     "Amount lent to families", "Suma de los montos desembolsados por el fondo a familias en el periodo (soles)."),
    ("credit-par30", "portion", "loans", {"measure": "outstanding", "late_days": 30}, [], [], "%", "dausangate",
     "Fondo de innovación", "outcome", "Cartera en riesgo a más de 30 días (PAR30)",
     "Portefeuille à risque à plus de 30 jours (PAR30)", "Portfolio at risk over 30 days (PAR30)",
     "Saldo de capital de los préstamos a familias con una cuota impaga hace más de 30 días / saldo de capital de "
     "todos los préstamos vigentes a familias, a la fecha del último cálculo."),
    ("plans-submitted", "count", "plans", {}, ["actor", "sex"], ["season", "year"], "planes", "ecocuenca",
     "iii. Acciones para el cambio", "output", "Planes de negocio presentados", "Plans d'affaires présentés",
     "Business plans submitted",
     "Planes de negocio eco-compatibles presentados a los concursos en el periodo, por tipo de postulante (familia, "
     "asociación, comunidad) y por sexo del jefe o la jefa de familia que postula."),
    ("plans-awarded", "count", "plans", {"status": "awarded"}, ["actor", "sex"], ["season", "year"], "planes",
     "ecocuenca", "iii. Acciones para el cambio", "output", "Planes de negocio ganadores",
     "Plans d'affaires lauréats", "Business plans awarded",
     "Planes presentados en el periodo que ganaron su concurso, por tipo de postulante y sexo."),
    ("plans-implemented", "count", "plans", {"status": "implemented"}, ["actor", "sex"], ["season", "year"],
     "planes", "ecocuenca", "iii. Acciones para el cambio", "outcome", "Planes de negocio ejecutados",
     "Plans d'affaires mis en œuvre", "Business plans implemented",
     "Planes ganadores cuyos tramos se desembolsaron todos (el hito del último tramo fue verificado en una visita), "
     "por el periodo en que se presentaron."),
    ("plan-jobs", "sum", "plans", {"measure": "jobs", "status": "awarded"}, ["actor"], [], "empleos", "ecocuenca",
     "iii. Acciones para el cambio", "outcome", "Empleos de los planes de negocio ganadores",
     "Emplois des plans d'affaires lauréats", "Jobs of the awarded business plans",
     "Suma de los empleos que la última visita de seguimiento de cada plan ganador encontró, por tipo de postulante."),
    ("plan-income", "sum", "plans", {"measure": "income", "status": "awarded"}, ["actor"], [], "S/", "ecocuenca",
     "iii. Acciones para el cambio", "outcome", "Ingreso anual de los planes de negocio ganadores",
     "Revenu annuel des plans d'affaires lauréats", "Yearly income of the awarded business plans",
     "Suma del ingreso anual que la última visita de seguimiento de cada plan ganador observó (soles)."),
    ("associations-in-mesas", "count", "participation", {"actor": "association"}, [], ["year"], "asociaciones",
     "dausangate", "Incidencia política", "outcome", "Asociaciones que participan en las mesas de concertación",
     "Associations participant aux tables de concertation", "Associations taking part in the round tables",
     "Asociaciones de productores, miembros de una mesa de concertación, que asistieron a al menos una de sus sesiones "
     "en el año (meta 10)."),
    ("mesa-attendance", "ratio", "participation", {}, ["actor"], ["year"], "%", "ecocuenca",
     "ii. Gobernanza", "output", "Asistencia de las organizaciones miembro a las sesiones",
     "Présence des organisations membres aux séances", "Attendance of member organisations at meetings",
     "Sesiones a las que asistió cada organización miembro / sesiones realizadas mientras era miembro, en el año."),
    ("pes-hectares", "sum", "agreements", {"measure": "hectares", "in_force": True}, ["actor"], [], "ha",
     "ecocuenca", "iii. Acciones para el cambio", "output", "Hectáreas bajo acuerdos de retribución",
     "Hectares sous accords de rétribution", "Hectares under PES agreements",
     "Hectáreas de las áreas de los acuerdos de retribución por servicios ecosistémicos (MERESE) vigentes hoy, "
     "por tipo de retribuido."),
    ("pes-hectares-verified", "sum", "verifications", {"measure": "hectares", "compliant": True}, ["actor"],
     ["year"], "ha", "ecocuenca", "iii. Acciones para el cambio", "outcome", "Hectáreas con cumplimiento verificado",
     "Hectares à conformité vérifiée", "Hectares with verified compliance",
     "Hectáreas de los acuerdos cuya verificación del año encontró cumplimiento total o parcial de algún "
     "compromiso, por el año de la visita."),
    ("pes-paid-communities", "sum", "verifications", {"measure": "paid", "actor": "community"}, [], ["year"], "S/",
     "ecocuenca", "iii. Acciones para el cambio", "output", "Retribución pagada a comunidades",
     "Rétribution versée aux communautés", "Retribution paid to communities",
     "Suma de las retribuciones pagadas a comunidades campesinas por lo verificado, por el año de la verificación."),
    ("pes-paid-on-time", "ratio", "verifications", {"on_time": True}, ["actor"], ["year"], "%", "ecocuenca",
     "iii. Acciones para el cambio", "outcome", "Retribuciones pagadas a tiempo",
     "Rétributions versées à temps", "Retributions paid on time",
     "Retribuciones pagadas dentro del plazo del mecanismo después de la verificación / retribuciones debidas cuyo "
     "plazo venció o que se pagaron, por el año de la verificación."),
]

# Names in Quechua (Cusco-Collao), for the community's own reading of its figures (to be reviewed by a
# native speaker, like the rest of the quz catalog).
QUECHUA = {
    "beneficiaries": "Yanapasqa ayllukuna",
    "milk-producers": "Lichi ruraq ayllukuna",
    "guinea-pig-producers": "Quwi uywaq ayllukuna",
    "transition": "Agroecología ñanpi puriq ayllukuna",
    "transition-share": "Agroecología ñanpi puriq ayllukunap rakin",
    "fertiliser-kg": "Kawsaq wanu rurasqa",
    "milk-volume": "Lichi rurasqa",
    "milk-fat": "Lichip wiran (chawpin)",
    "milk-quality": "Allin lichi qhawasqakuna",
    "trainings": "Yachachiykuna rurasqa",
    "participants": "Yachachiykunapi kaqkuna",
    "income-milk": "Lichimanta qullqi yaykuypa tikrakuynin",
    "income-dairy": "Lichimanta rurasqakunap qullqi yaykuyninpa tikrakuynin",
    "income-guinea-pig": "Quwimanta qullqi yaykuypa tikrakuynin",
    "families-with-credit": "Manusqa qullqiyuq ayllukuna",
    "amount-lent": "Ayllukunaman manusqa qullqi",
    "credit-par30": "30 p'unchawmanta aswan qhipasqa manukuna (PAR30)",
    "plans-submitted": "Qhatuy llamk'ay yuyaykuna qusqa",
    "plans-awarded": "Qhatuy llamk'ay yuyaykuna atipaq",
    "plans-implemented": "Qhatuy llamk'ay yuyaykuna ruwasqa",
    "associations-in-mesas": "Rimanakuy tantanakuykunapi kaq huñunakuykuna",
    "mesa-attendance": "Huñunakuykunap huñunakuykunaman hamusqan",
    "plan-jobs": "Atipaq qhatuy llamk'ay yuyaykunap llamk'anankuna",
    "plan-income": "Atipaq qhatuy llamk'ay yuyaykunap watapi qullqi yaykuynin",
    "pes-hectares": "Rikch'anakuypi hectareakuna",
    "pes-hectares-verified": "Qhawasqa hunt'asqa hectareakuna",
    "pes-paid-communities": "Ayllukunaman kutichisqa qullqi",
    "pes-paid-on-time": "Pachallanpi kutichisqa qullqikuna",
}

# Definitions in French and English (the programs report to French-speaking funders).
DEFINITIONS = {
    "beneficiaries": (
        "Familles enregistrées ; par filière (inscription ouverte), par sexe et par âge du chef ou de la cheffe de "
        "famille.",
        "Registered families; by value chain (open enrolment), by sex and by age of the head of family."),
    "milk-producers": ("Familles inscrites (inscription ouverte) dans la filière lait (cible 490).",
                       "Families with an open enrolment in the milk value chain (target 490)."),
    "guinea-pig-producers": ("Familles inscrites (inscription ouverte) dans la filière cochon d'Inde (cible 240).",
                             "Families with an open enrolment in the guinea pig value chain (target 240)."),
    "transition": (
        "Familles dont la dernière évaluation de la période atteint l'étape « en transition » ou une étape "
        "ultérieure, selon les règles en vigueur.",
        "Families whose latest assessment of the period reaches the “in transition” stage or a later one, under the "
        "rules in force."),
    "transition-share": (
        "Familles en transition ou au-delà / familles évaluées dans la campagne (dernière évaluation de chaque "
        "famille).",
        "Families in transition or beyond / families assessed in the season (latest assessment of each family)."),
    "fertiliser-kg": (
        "Somme du compost et de l'humus produits (kg) déclarés dans les évaluations de pratiques de la période.",
        "Sum of the compost and humus produced (kg) declared in the practice assessments of the period."),
    "milk-volume": ("Somme des litres par mois enregistrés dans la production de lait de la période.",
                    "Sum of the litres per month recorded in the milk production of the period."),
    "milk-fat": (
        "Moyenne de la matière grasse mesurée dans les tests de lait de la période (somme des mesures / nombre de "
        "mesures).",
        "Average of the fat measured in the milk tests of the period (sum of the measurements / number of "
        "measurements)."),
    "milk-quality": (
        "Tests de qualité du lait conformes / tests jugés dans la période, avec le seuil en vigueur pour chaque test.",
        "Milk quality tests passed / tests judged in the period, with the threshold in force for each test."),
    "trainings": ("Formations (ateliers, écoles de terrain, visites d'échange…) commencées dans la période.",
                  "Training events (workshops, field schools, exchange visits…) that started in the period."),
    "participants": (
        "Participations enregistrées dans les listes de présence des formations de la période, par type d'acteur, "
        "sexe et âge ; une personne présente à deux formations compte deux fois.",
        "Attendances recorded in the training registers of the period, by actor type, sex and age; a person who "
        "attends two events counts twice."),
    "income-milk": (
        "Revenu net du lait des mêmes familles par rapport à la ligne de base 2020-21 (échantillon apparié), en "
        "soles courants (cible +5 %).",
        "Net milk income of the same families against the 2020-21 baseline (paired sample), in current soles "
        "(target +5 %)."),
    "income-dairy": ("Comme pour le lait, source « produits laitiers » (cible +10 %).",
                     "As for milk, source “dairy products” (target +10 %)."),
    "income-guinea-pig": ("Comme pour le lait, source « cochon d'Inde » (cible +15 %).",
                          "As for milk, source “guinea pig” (target +15 %)."),
    "families-with-credit": (
        "Familles ayant reçu au moins un prêt du fonds d'innovation depuis sa création (cible 50), par filière de "
        "l'investissement, sexe et âge du chef ou de la cheffe de famille.",
        "Families that received at least one loan from the innovation fund since it began (target 50), by value chain "
        "of the investment, sex and age of the head of family."),
    "amount-lent": ("Somme des montants décaissés par le fonds aux familles dans la période (soles).",
                    "Sum of the amounts disbursed by the fund to families in the period (soles)."),
    "credit-par30": (
        "Encours des prêts aux familles ayant une échéance impayée depuis plus de 30 jours / encours de tous les "
        "prêts en cours aux familles, à la date du dernier calcul.",
        "Outstanding principal of loans to families with an instalment unpaid for more than 30 days / outstanding "
        "principal of all current loans to families, as of the last computation."),
    "plans-submitted": (
        "Plans d'affaires éco-compatibles présentés aux concours dans la période, par type de candidat (famille, "
        "association, communauté) et par sexe du chef ou de la cheffe de famille candidat.",
        "Eco-compatible business plans submitted to the calls in the period, by applicant type (family, association, "
        "community) and by sex of the applying head of family."),
    "plans-awarded": ("Plans présentés dans la période qui ont gagné leur concours, par type de candidat et sexe.",
                      "Plans submitted in the period that won their call, by applicant type and sex."),
    "plans-implemented": (
        "Plans lauréats dont toutes les tranches ont été versées (le jalon de la dernière tranche vérifié lors d'une "
        "visite), selon la période de leur présentation.",
        "Awarded plans whose tranches were all released (the milestone of the last one verified at a visit), by the "
        "period they were submitted in."),
    "associations-in-mesas": (
        "Associations de producteurs, membres d'une table de concertation, présentes à au moins une de ses séances dans "
        "l'année (cible 10).",
        "Producer associations, members of a round table, that attended at least one of its meetings in the year "
        "(target 10)."),
    "mesa-attendance": (
        "Séances auxquelles chaque organisation membre a assisté / séances tenues pendant qu'elle était membre, dans "
        "l'année.",
        "Meetings each member organisation attended / meetings held while it was a member, in the year."),
    "plan-jobs": ("Somme des emplois constatés par la dernière visite de suivi de chaque plan lauréat, par type de "
                  "candidat.",
                  "Sum of the jobs found by the latest monitoring visit of each awarded plan, by applicant type."),
    "plan-income": ("Somme du revenu annuel observé par la dernière visite de suivi de chaque plan lauréat (soles).",
                    "Sum of the yearly income observed by the latest monitoring visit of each awarded plan (soles)."),
    "pes-hectares": (
        "Hectares des zones des accords de rétribution pour services écosystémiques (MERESE) en vigueur aujourd'hui, "
        "par type de bénéficiaire.",
        "Hectares of the areas of the payment for ecosystem services (MERESE) agreements in force today, by type of "
        "recipient."),
    "pes-hectares-verified": (
        "Hectares des accords dont la vérification de l'année a constaté le respect total ou partiel d'un "
        "engagement, selon l'année de la visite.",
        "Hectares of the agreements whose verification of the year found full or partial compliance with a "
        "commitment, by the year of the visit."),
    "pes-paid-communities": (
        "Somme des rétributions versées aux communautés paysannes pour ce qui a été vérifié, selon l'année de la "
        "vérification.",
        "Sum of the retributions paid to peasant communities for what was verified, by the year of the verification."),
    "pes-paid-on-time": (
        "Rétributions versées dans le délai du mécanisme après la vérification / rétributions dues dont le délai est "
        "échu ou qui ont été versées, selon l'année de la vérification.",
        "Retributions paid within the scheme's delay after the verification / retributions due whose delay has passed "
        "or that were paid, by the year of the verification."),
}

# indicator, breakdown, baseline, target (D'Ausangate, over its province)
DAUSANGATE_TARGETS = [
    ("milk-producers", "", 0, 490), ("guinea-pig-producers", "", 0, 240), ("income-milk", "", 0, 5),
    ("income-dairy", "", 0, 10), ("income-guinea-pig", "", 0, 15),
    ("beneficiaries", "chain:dairy", 0, 18), ("beneficiaries", "chain:mushroom", 0, 50),
    ("beneficiaries", "chain:native-potato", 0, 20), ("beneficiaries", "chain:restaurant", 0, 10),
    ("families-with-credit", "", 0, 50), ("associations-in-mesas", "", 0, 10),
]


def load(apps, only=None):
    """The programs' indicators (or those of `only`), as far as the model (at this migration) has fields
    for them."""
    Indicator = apps.get_model("observatory", "Indicator")
    fields = {field.name for field in Indicator._meta.get_fields()}
    for order, (code, kind, source, spec, breakdowns, periods, unit, program, axis, level, es, fr, en,
                definition) in enumerate(INDICATORS, 1):
        if only is not None and code not in only:
            continue
        Indicator.objects.update_or_create(code=code, defaults={key: value for key, value in {
            "kind": kind, "source": source, "spec": spec, "breakdowns": breakdowns, "periods": periods, "unit": unit,
            "program": program, "axis": axis, "level": level, "name": es,
            "name_fr": fr, "name_en": en, "name_quz": QUECHUA.get(code, ""), "definition": definition,
            "definition_fr": DEFINITIONS.get(code, ("", ""))[0], "definition_en": DEFINITIONS.get(code, ("", ""))[1],
            "order": order}.items() if key in fields})


def translate_definitions(apps, schema_editor=None):
    """Give the preloaded indicators their French and English definitions where none was written."""
    Indicator = apps.get_model("observatory", "Indicator")
    for code, (fr, en) in DEFINITIONS.items():
        Indicator.objects.filter(code=code, definition_fr="").update(definition_fr=fr)
        Indicator.objects.filter(code=code, definition_en="").update(definition_en=en)


def name_in_quechua(apps, schema_editor=None):
    """Give the preloaded indicators their Quechua name where a coordinator has not written one."""
    Indicator = apps.get_model("observatory", "Indicator")
    for code, name in QUECHUA.items():
        Indicator.objects.filter(code=code, name_quz="").update(name_quz=name)


def set_program_targets(province):
    """The D'Ausangate targets over its province (Quispicanchi)."""
    from .models import Indicator, Target

    indicators = {i.code: i for i in Indicator.objects.all()}
    for code, breakdown, baseline, target in DAUSANGATE_TARGETS:
        Target.objects.update_or_create(indicator=indicators[code], territory=province, breakdown=breakdown,
                                        defaults={"baseline": baseline, "target": target})
