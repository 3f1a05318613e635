"""The demo's mesas de concertación: Ocongate's (D'Ausangate's associations take part) and Pomacanchi's
(Ecocuenca's watershed), each with a year of meetings, their attendance, agreements and follow-up."""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model

from minka.people.models import Organisation
from minka.territory.models import Territory, Watershed

from . import services
from .models import Membership

AGREEMENTS = [
    ("Elaborar el expediente técnico del canal de riego de la parte alta", "municipality", 120),
    ("Organizar la feria agroecológica del distrito", "association", 60),
    ("Presentar la propuesta al presupuesto participativo", "municipality", 45),
    ("Cercar los manantes de la cabecera con faenas comunales", "community_government", 90),
    ("Capacitar a las familias en abonos orgánicos", "ngo", 75),
    ("Actualizar el padrón de productores lecheros", "association", 40),
    ("Gestionar el análisis de agua de la laguna", "water_utility", 60),
    ("Difundir el calendario de vacunación de cuyes", "association", 30),
]
GIVEN = ["Juana", "Rosa", "Lucía", "Marcelina", "Francisca", "Celia", "Lucio", "Mario", "Julián", "Teófilo"]
SURNAMES = ["Quispe", "Mamani", "Huamán", "Condori", "Ccori", "Puma", "Hancco", "Apaza"]


def _community_organisations(district, count):
    rows = []
    for community in Territory.objects.filter(parent=district, kind="community").order_by("code")[:count]:
        organisation, _created = Organisation.objects.get_or_create(
            name=f"Comunidad campesina de {community.name}",
            defaults={"kind": Organisation.Kind.COMMUNITY_GOVERNMENT, "territory": community, "is_demo": True})
        rows.append(organisation)
    return rows


def _mesa(rng, actor, code, name, district, organisations, today, watershed=None):
    space = services.create_space(actor=actor, code=code, name=name, territory=district, watershed=watershed,
                                  kind="watershed" if watershed else "district", founded_on=datetime.date(2025, 3, 1),
                                  description="Espacio de concertación del distrito: autoridades, comunidades, "
                                              "asociaciones e instituciones acuerdan las prioridades del plan de "
                                              "desarrollo local concertado.")
    space.is_demo = True
    space.save(update_fields=["is_demo"])
    memberships = []
    for organisation in organisations:
        position = (Membership.Position.SECRETARY if organisation.kind == "municipality"
                    else Membership.Position.MEMBER)
        membership = services.join(actor=actor, space=space, organisation=organisation,
                                   date=datetime.date(2025, 3, 1), position=position)
        given = rng.choice(GIVEN)
        services.add_representative(actor=actor, membership=membership, since=datetime.date(2025, 3, 1),
                                    name=f"{given} {rng.choice(SURNAMES)} {rng.choice(SURNAMES)}",
                                    sex="F" if GIVEN.index(given) < 6 else "M", role="Delegado(a)")
        memberships.append(membership)
    accords = list(AGREEMENTS)
    rng.shuffle(accords)
    start = today - datetime.timedelta(days=360)
    for month in range(0, 12, 2):  # a meeting every two months for a year, and the next one called
        date = start + datetime.timedelta(days=30 * month + rng.randint(0, 10))
        meeting = services.schedule(actor=actor, space=space, date=date, place="Salón municipal" if month % 4 else
                                    "Local comunal", agenda="1. Informes\n2. Avance de los acuerdos\n3. Pedidos")
        if month == 6:  # the rains: called off
            services.cancel(actor=actor, meeting=meeting)
            continue
        present = [m for m in memberships if rng.random() < (0.45 if month == 4 else 0.85)]
        attendees = [(m.organisation, r.name, r.sex) for m in present for r in m.representatives.all()]
        attendees.append((None, f"{rng.choice(GIVEN)} {rng.choice(SURNAMES)}", "F"))  # a guest
        decisive = services.quorum(space, date, [m.organisation for m in present]).met
        meeting = services.hold(actor=actor, meeting=meeting, attendees=attendees, decisive=decisive,
                                minutes="Se informó del avance de los acuerdos y se recogieron los pedidos de las "
                                        "comunidades." if decisive else "Sin quórum: sesión informativa.")
        if not decisive:
            continue
        for _n in range(rng.randint(1, 2)):
            if not accords:
                break
            text, kind, days = accords.pop()
            responsible = next((m.organisation for m in memberships if m.organisation.kind == kind),
                               memberships[0].organisation)
            accord = services.adopt(actor=actor, meeting=meeting, text=text, responsible=responsible,
                                    proposed_by=rng.choice(memberships).organisation,
                                    due_on=date + datetime.timedelta(days=days))
            roll = rng.random()
            middle = date + datetime.timedelta(days=days // 2)
            if middle < today:
                services.follow(actor=actor, accord=accord, date=middle, status="in_progress",
                                note="Se avanzó con las coordinaciones y el primer borrador.")
            end = date + datetime.timedelta(days=days - 3)
            if roll < 0.55 and end < today:
                services.follow(actor=actor, accord=accord, date=end, status="done", note="Cumplido e informado en "
                                "sesión.")
            elif roll < 0.65 and end < today:
                services.follow(actor=actor, accord=accord, date=end, status="dropped",
                                note="Sin presupuesto este año: se retoma el próximo.")
    services.schedule(actor=actor, space=space, date=today + datetime.timedelta(days=12), place="Salón municipal",
                      agenda="1. Balance del año\n2. Priorización para el presupuesto participativo")
    return space


def create_spaces(rng):
    """The Ocongate and Pomacanchi mesas, with a year of meetings up to today."""
    from .models import Space

    if Space.objects.filter(is_demo=True).exists():  # (loaded by an earlier run)
        return 0
    actor = get_user_model().objects.get(username="coordinador")
    today = datetime.date.today()
    ocongate, pomacanchi = Territory.objects.get(code="081210"), Territory.objects.get(code="080205")
    ccaijo = Organisation.objects.filter(name="CCAIJO").first()
    first = list(Organisation.objects.filter(territory=ocongate).order_by("name"))
    first += _community_organisations(ocongate, 2) + ([ccaijo] if ccaijo else [])
    second = list(Organisation.objects.filter(territory__path__startswith=pomacanchi.path).exclude(
        kind__in=["lender", "enterprise"]).order_by("name"))
    spaces = [_mesa(rng, actor, "mcl-ocongate", "Mesa de concertación de Ocongate", ocongate, first, today),
              _mesa(rng, actor, "mcl-pomacanchi", "Mesa de concertación de la cuenca de Pomacanchi", pomacanchi,
                    second, today, watershed=Watershed.objects.filter(code="CU-POMA").first())]
    for space in spaces:
        _plan(rng, actor, space, today)
    return len(spaces)


PLAN = [
    ("Agua y suelos cuidados en toda la cuenca", "pes-hectares", [
        ("Riego tecnificado", [("Canal de riego de la parte alta", "municipality", 180000, "participatory", "works"),
                               ("Reservorios familiares", "community_government", 45000, "community", None)]),
        ("Protección de manantes y bofedales", [("Cercos y forestación con queñua", "community_government", 30000,
                                                 "program", "agreements")])]),
    ("Familias con ingresos de la producción agroecológica", "plans-awarded", [
        ("Negocios eco-compatibles", [("Concurso de planes de negocio", "municipality", 60000, "program", "plans"),
                                      ("Feria agroecológica anual", "association", 12000, "municipal", None)]),
        ("Capacidades productivas", [("Escuelas de campo en abonos orgánicos", "ngo", 20000, "program", "trainings")])]),
    ("Una mesa que decide y rinde cuentas", None, [
        ("Gobernanza", [("Sesiones descentralizadas en las comunidades", "municipality", 6000, "municipal", None)])]),
]


def _plan(rng, actor, space, today):
    """The space's development plan 2025–2030, its actions under way, linked to what Minka records."""
    from minka.incentives.models import Agreement, Plan
    from minka.learning.models import Training
    from minka.observatory.models import Indicator
    from minka.territory.models import Infrastructure

    from . import planning

    plan = planning.create_plan(actor=actor, space=space, title=f"Plan de desarrollo local concertado — {space.territory.name}",
                                first_year=2025, last_year=2030, approved_on=datetime.date(2025, 6, 20),
                                vision="Al 2030, una cuenca con agua y suelos cuidados, familias que viven de una "
                                       "producción agroecológica y comunidades que deciden su desarrollo.")
    plan.is_demo = True
    plan.save(update_fields=["is_demo"])
    inside = space.territory.path
    links = {"works": ("works", list(Infrastructure.objects.filter(community__path__startswith=inside)[:2])),
             "agreements": ("pes_agreements", list(Agreement.objects.filter(territory__path__startswith=inside)[:3])),
             "plans": ("business_plans", list(Plan.objects.filter(territory__path__startswith=inside,
                                                                  status="awarded")[:3])),
             "trainings": ("trainings", list(Training.objects.filter(place__path__startswith=inside)[:2]))}
    members = {m.organisation.kind: m.organisation for m in space.memberships.select_related("organisation")}
    for text, indicator, programmes in PLAN:
        objective = planning.add_objective(actor=actor, plan=plan, text=text, indicators=list(
            Indicator.objects.filter(code=indicator)) if indicator else [])
        for name, actions in programmes:
            programme = planning.add_programme(actor=actor, objective=objective, name=name)
            for label, kind, budget, funding, link in actions:
                field, rows = links.get(link, (None, []))
                action = planning.add_action(
                    actor=actor, programme=programme, name=label, budget=budget, funding=funding,
                    responsible=members.get(kind) or members.get("municipality") or next(iter(members.values())),
                    starts_on=datetime.date(2025, 7, 1), ends_on=datetime.date(2027, 12, 31),
                    **({field: rows} if field and rows else {}))
                progress = rng.choice([0, 15, 40, 60, 85, 100])
                if progress:
                    status = "done" if progress == 100 else rng.choice(["in_progress", "in_progress", "stalled"])
                    planning.update_action(actor=actor, action=action, date=today - datetime.timedelta(days=rng.randint(5, 90)),
                                           progress=progress, status=status,
                                           note="Avance informado a la mesa por la organización responsable.")
    return plan


PROGRAMS = [
    ("dausangate", "D'Ausangate", "Acting for Life", "0812", datetime.date(2025, 1, 1), datetime.date(2026, 12, 31), [
        ("Producción y medio ambiente", ["beneficiaries", "milk-producers", "transition", "fertiliser-kg"],
         {2025: 52000, 2026: 48000}),
        ("Comercialización y marca D'Ausangate", [], {2025: 30000, 2026: 34000}),
        ("Incidencia política", [], {2025: 9000, 2026: 9000}),
        ("Acceso al crédito", ["families-with-credit", "amount-lent", "credit-par30"], {2025: 40000, 2026: 6000})]),
    ("ecocuenca", "Ecocuenca", "AMP (primer año: 25 549 EUR)", "08", datetime.date(2025, 1, 1),
     datetime.date(2027, 12, 31), [
         ("Fortalecimiento de capacidades", ["trainings", "participants"], {2025: 11200, 2026: 12500}),
         ("Gobernanza: mesa y plan de desarrollo", [], {2025: 5349, 2026: 6000}),
         ("Acciones para el cambio", ["plans-awarded", "pes-hectares", "pes-paid-on-time"], {2025: 0, 2026: 18000}),
         ("Observatorio y sistematización", [], {2025: 9000, 2026: 7000})]),
]


def create_programs(rng):
    """The two programs with their four axes, yearly budget lines in euros, the euro's rates and a
    year and a half of expenses in soles and euros (Ecocuenca's first year: 25,549 EUR)."""
    from minka.observatory.models import Indicator

    from . import budgets
    from .models import Program

    if Program.objects.filter(is_demo=True).exists():  # (loaded by an earlier run)
        return 0
    actor = get_user_model().objects.get(username="coordinador")
    today = datetime.date.today()
    day = datetime.date(2025, 1, 2)
    while day <= today:  # the week's rate, around 4 soles a euro
        budgets.record_rate(actor=actor, date=day, rate=f"{3.90 + rng.random() * 0.25:.4f}", source="SBS")
        day += datetime.timedelta(days=7)
    count = 0
    for code, name, funder, place, starts_on, ends_on, axes in PROGRAMS:
        program = budgets.create_program(actor=actor, code=code, name=name, funder=funder, starts_on=starts_on,
                                         ends_on=ends_on, territory=Territory.objects.get(code=place))
        program.is_demo = True
        program.save(update_fields=["is_demo"])
        for label, indicators, years in axes:
            axis = budgets.add_axis(actor=actor, program=program, name=label,
                                    indicators=list(Indicator.objects.filter(code__in=indicators)))
            for year, amount in years.items():
                if not amount:
                    continue
                line = budgets.add_line(actor=actor, axis=axis, year=year, label=f"{label} {year}", amount=amount)
                end = min(datetime.date(year, 12, 31), today)
                share = "0.92" if end.year < today.year else "0.6"  # the last year is under way
                spent, target = Decimal(0), Decimal(amount) * Decimal(share)
                date = datetime.date(year, 1, 15)
                while spent < target and date <= end:  # about 4 to 12 % of the line at a time, in euros
                    value = min(target - spent, Decimal(amount) * Decimal(rng.randint(4, 12)) / 100)
                    if value < 1:  # what is left is less than a euro
                        break
                    currency = "PEN" if rng.random() < 0.7 else "EUR"
                    expense = budgets.spend(
                        actor=actor, line=line, date=date, currency=currency,
                        description=rng.choice(["Talleres y materiales", "Pasajes y viáticos", "Honorarios técnicos",
                                                "Equipos", "Publicaciones"]),
                        amount=(value * 4 if currency == "PEN" else value).quantize(Decimal("0.01")))
                    spent += expense.amount_eur
                    count += 1
                    date += datetime.timedelta(days=rng.randint(12, 30))
                if year < today.year:
                    budgets.close_line(actor=actor, line=line)
    return count
