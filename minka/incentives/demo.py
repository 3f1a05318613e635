"""The demo call: Ecocuenca's first call for eco-compatible business plans in the Pomacanchi
watershed (2026), families and an association applying, two evaluators scoring each eligible plan,
the award within the budget. Everything goes through the services."""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from minka.people.models import Household, Organisation
from minka.territory.models import Territory

from . import services
from .models import Call, Plan

D = Decimal
GRID = [("water", "Cuidado y ahorro del agua", "Yaku waqaychay", 15),
        ("soil", "Conservación del suelo", "Allpa waqaychay", 15),
        ("biodiversity", "Biodiversidad nativa", "Kawsaykunap achkan", 10),
        ("waste", "Manejo de residuos", "Qupa allichay", 10),
        ("viability", "Viabilidad económica", "Qullqi yaykuy atikuynin", 25),
        ("inclusion", "Participación de mujeres y jóvenes", "Warmikuna, waynakuna sipaskunapas", 15),
        ("innovation", "Innovación", "Musuq ruway", 10)]
PLANS = [
    ("Trucha de la laguna con alimento balanceado local", 14000, 3000),
    ("Queso fresco y yogur con suero para biol", 12000, 2600),
    ("Fitotoldo de hortalizas para la feria de Acomayo", 6000, 1500),
    ("Crianza de cuyes con forraje de alfalfa bajo riego por aspersión", 9000, 2000),
    ("Tejidos de fibra de alpaca teñidos con plantas nativas", 7000, 1400),
    ("Papas nativas en andenes recuperados", 8000, 1000),  # too little co-financing
    ("Miel de abejas en bosque de queñua", 5000, 1200),
    ("Turismo vivencial en la laguna", 15000, 3000),
    ("Compost y humus para la venta", 4000, 800),
]


@transaction.atomic
def create_call(rng):
    """The call and its history; nothing when it exists already. Returns the number of plans."""
    if Call.objects.filter(is_demo=True).exists():
        return 0
    User = get_user_model()
    coordinator, evaluator = User.objects.get(username="coordinador"), User.objects.get(username="evaluador")
    pomacanchi = Territory.objects.get(code="080205")
    second, _created = User.objects.get_or_create(username="evaluadora2", defaults={"is_active": False})
    from minka.accounts.models import Assignment, Role

    Assignment.objects.get_or_create(user=second, role=Role.EVALUATOR, territory=pomacanchi)
    call = services.create_call(
        actor=coordinator, code="ecocuenca-pomacanchi-2026", title="Planes de negocio eco-compatibles — cuenca de "
        "Pomacanchi 2026", territory=pomacanchi, budget="40000", opens_on=datetime.date(2026, 3, 2),
        closes_on=datetime.date(2026, 5, 29), applicant_kinds=["family", "association"], min_cofinancing=D("20"),
        max_award=D("12000"), description="Ecocuenca, eje iii: apoyo a las acciones de cambio de los actores locales. "
        "Se financian planes que cuiden el agua y el suelo de la cuenca de la laguna de Pomacanchi.")
    for group, name, quz, weight in GRID:
        services.add_criterion(actor=coordinator, call=call, group=group, name=name, name_quz=quz, weight=weight)
    services.publish(actor=coordinator, call=call, date=datetime.date(2026, 3, 2))
    Call.objects.filter(pk=call.pk).update(is_demo=True)
    association, _created = Organisation.objects.get_or_create(
        name="Asociación de Productores Agroecológicos de la Laguna de Pomacanchi",
        defaults={"kind": Organisation.Kind.ASSOCIATION, "territory": pomacanchi, "is_demo": True})
    families = list(Household.objects.filter(is_demo=True, community__path__startswith=pomacanchi.path)
                    .order_by("pk")[:40])
    applicants = [association] + rng.sample(families, len(PLANS) - 1)
    plans = []
    for index, ((title, investment, cofinancing), applicant) in enumerate(zip(PLANS, applicants)):
        owner = {"organisation": applicant} if isinstance(applicant, Organisation) else {"household": applicant}
        plans.append(services.submit(
            actor=coordinator, call=call, date=datetime.date(2026, 4, 1) + datetime.timedelta(days=index * 6),
            title=title, activity=title + ".", investment=investment, cofinancing=cofinancing,
            requested=investment - cofinancing, expected_income=D(rng.randrange(20, 90) * 100),
            expected_jobs=rng.randint(1, 6), women_share=D(rng.choice([30, 50, 60, 80])),
            environmental_measures="Riego por goteo, abono orgánico, sin agroquímicos cerca de la laguna.",
            risks="Heladas: fitotoldo y calendario de siembra.", **owner))
    day = datetime.date(2026, 6, 10)
    for plan in plans:
        if not plan.eligible:
            continue
        quality = rng.uniform(2.2, 4.6)
        for person in (evaluator, second):
            services.declare(actor=person, plan=plan, date=day, no_conflict=True)
            scores = {c.pk: (D(str(round(min(5, max(0, rng.gauss(quality, 0.5))) * 2) / 2)), "")
                      for c in call.criteria.all()}
            services.evaluate(actor=person, plan=plan, date=day, scores=scores,
                              comment="Plan coherente con el cuidado de la laguna." if quality > 3.5 else
                              "Falta detallar el mercado y el manejo del agua.")
    services.award(actor=coordinator, call=call, date=datetime.date(2026, 7, 15))
    # Follow-up: the award in two tranches; visits in October; the second paid where the milestone is met.
    for plan in Plan.objects.filter(call=call, status=Plan.Status.AWARDED):
        first = (plan.awarded * D("0.6")).quantize(D("1"))
        one, two = services.plan_tranches(actor=coordinator, plan=plan, tranches=[
            (first, "Firma del convenio y compra de materiales", datetime.date(2026, 8, 1)),
            (plan.awarded - first, "Inversión instalada y verificada en campo", datetime.date(2026, 11, 1))])
        services.release(actor=coordinator, tranche=one, date=datetime.date(2026, 8, 3))
        met = rng.random() < 0.7
        services.record_visit(actor=coordinator, plan=plan, date=datetime.date(2026, 10, 20),
                              progress="on_track" if met else rng.choice(["delayed", "at_risk"]), milestone_met=met,
                              income=D(rng.randrange(5, 40) * 100), jobs=rng.randint(1, 4),
                              measures_in_place=D(rng.choice([50, 75, 100])),
                              notes="" if met else "Falta terminar la instalación antes de las lluvias.")
        if met:
            services.release(actor=coordinator, tranche=two, date=datetime.date(2026, 10, 25))
    return len(plans)


def _square_around(point, district, size=0.006):
    """A small square around a community's point, kept inside its district's outline."""
    from minka.territory import geojson

    lon, lat = point["coordinates"][:2]
    for shrink in (1, 0.5, 0.25):
        half = size * shrink
        ring = [[lon - half, lat - half], [lon + half, lat - half], [lon + half, lat + half], [lon - half, lat + half],
                [lon - half, lat - half]]
        if all(geojson.contains(district.geometry, x, y) for x, y in ring):
            return {"type": "Polygon", "coordinates": [ring]}
    return None


@transaction.atomic
def create_scheme(rng):
    """Ecocuenca's PES scheme for the water of the Pomacanchi lake: the municipality and the drinking
    water board pay, three communities protect springs and wetlands, plant queñuas and restore qochas;
    verified in 2025 and 2026, paid, one payment still owed. Returns the number of agreements."""
    from minka.territory.models import Watershed

    from . import pes
    from .models import Scheme

    if Scheme.objects.filter(is_demo=True).exists():
        return 0
    coordinator = get_user_model().objects.get(username="coordinador")
    district = Territory.objects.get(code="080205")
    scheme = pes.create_scheme(
        actor=coordinator, code="pomacanchi-agua", name="Retribución por el agua de la laguna de Pomacanchi",
        service="water", watershed=Watershed.objects.get(code="CU-POMA"), territory=district,
        description="Mecanismo de retribución por servicios ecosistémicos (Ley 30215): quienes usan el agua de la "
                    "laguna retribuyen a las comunidades de la cabecera que cuidan sus manantes y bofedales.")
    Scheme.objects.filter(pk=scheme.pk).update(is_demo=True)
    municipality = Organisation.objects.get(is_demo=True, name="Municipalidad Distrital de Pomacanchi")
    board, _created = Organisation.objects.get_or_create(
        name="JASS Pomacanchi (junta de agua potable)", defaults={"kind": Organisation.Kind.WATER_UTILITY,
                                                                   "territory": district, "is_demo": True})
    payers = [pes.add_contributor(actor=coordinator, scheme=scheme, organisation=municipality, yearly_amount="25000"),
              pes.add_contributor(actor=coordinator, scheme=scheme, organisation=board, tariff_share=D("5"))]
    for year in (2025, 2026):
        pes.contribute(actor=coordinator, scheme=scheme, contributor=payers[0], date=datetime.date(year, 3, 15),
                       amount="25000")
        pes.contribute(actor=coordinator, scheme=scheme, contributor=payers[1], date=datetime.date(year, 6, 30),
                       amount=str(rng.randrange(40, 60) * 100))
    agreements = []
    for community in Territory.objects.filter(parent=district, geometry__isnull=False).order_by("code")[:3]:
        area = _square_around(community.geometry, district)
        if area is None:
            continue
        recipient, _created = Organisation.objects.get_or_create(
            name=f"Comunidad campesina de {community.name}", defaults={
                "kind": Organisation.Kind.COMMUNITY_GOVERNMENT, "territory": community, "is_demo": True})
        agreements.append(pes.sign_agreement(
            actor=coordinator, scheme=scheme, signed_on=datetime.date(2025, 2, 10), starts_on=datetime.date(2025, 1, 1),
            ends_on=datetime.date(2027, 12, 31), area=area, hectares=str(rng.randrange(40, 120)), organisation=recipient,
            commitments=[("protect", "Manantes y bofedal cercados", str(rng.randrange(20, 60)), "ha", "4000"),
                         ("trees", "Queñuas plantadas y vivas", str(rng.randrange(10, 30) * 100), "árboles", "2500"),
                         ("qochas", "Qochas restauradas", str(rng.randint(2, 5)), "qochas", "1500")]))
    for year, paid in ((2025, True), (2026, False)):
        for index, agreement in enumerate(agreements):
            grades = {}
            for commitment in agreement.commitments.order_by("pk"):
                roll = rng.random()
                grade = "full" if roll < 0.6 else "partial" if roll < 0.9 else "none"
                grades[commitment.pk] = (grade, rng.choice([40, 60, 80]) if grade == "partial" else None,
                                         "Fotos y recorrido con la directiva comunal.")
            lon, lat = agreement.area["coordinates"][0][0]
            proofs = {pk: ({"type": "Point", "coordinates": [lon + 0.002 * (n + 1), lat + 0.002]}, None)
                      for n, pk in enumerate(grades)}  # where each action was seen
            verification = pes.verify(actor=coordinator, agreement=agreement, period=year,
                                      date=datetime.date(year, 11, 10 + index), grades=grades, proofs=proofs)
            if verification.due > 0:
                payment = pes.approve(actor=coordinator, verification=verification, date=datetime.date(year, 11, 20))
                if paid and index == 2:  # paid after the scheme's 30 days: late
                    pes.pay(actor=coordinator, payment=payment, date=datetime.date(year + 1, 1, 20))
                elif paid or index == 0:
                    pes.pay(actor=coordinator, payment=payment, date=datetime.date(year, 11, 28))
    return len(agreements)
