"""The demo territory: communities, watersheds, families and organisations, all marked as demo data.

Made to look like the two programs (D'Ausangate's 1,130 producers by value chain, most of them
women; Ecocuenca's families in Pomacanchi and Cachora) so that every page has something real-sized
to show. Deterministic: the same seed gives the same families."""

import random

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from minka.territory import services as territory_services
from minka.territory.geojson import bbox, contains
from minka.territory.models import Territory, Watershed

from .models import Consent, Enrolment, Household, Organisation, OrganisationMember, Person, ValueChain
from .services import CODE_ALPHABET

COMMUNITIES = {
    "081210": ["Tinki", "Mahuayani", "Pacchanta", "Upis", "Lauramarca", "Ccoñamuro", "Marampaqui", "Palcca",
               "Pampacancha", "Huasacc", "Accocunca", "Andamayo"],
    "081205": ["Ccatcca", "Ccopi", "Huayllapata", "Sallac", "Ccollcca", "Pumapuquio", "Rumiraqui", "Chillihuani"],
    "081202": ["Huacatinco", "Quehuar", "Pampahuasi", "Choquepata", "Huayna Pucara", "Andayaque"],
    "080205": ["Pomacanchi", "Manzanares", "Conchacalla", "Toccoccori", "Sayhua", "Hanccoyo", "Chosecani", "Huáscar"],
    "030108": ["Cachora", "Tambobamba", "Carhuacahua", "Pinchiuri", "Ccollpapampa"],
}
DAUSANGATE_DISTRICTS = {"081210": 0.5, "081205": 0.3, "081202": 0.2}
DAUSANGATE_CHAINS = {"milk": 490, "dairy": 18, "guinea-pig": 240, "mushroom": 50, "native-potato": 20, "restaurant": 10}
# The seed counts 1,130 beneficiary family enterprises but its chain figures add up to 828: the other
# 302 are accompanied in the transition without (yet) a chain enrolment.
DAUSANGATE_FAMILIES = 1130
ECOCUENCA_FAMILIES = {"080205": 160, "030108": 110}
WATERSHEDS = [
    # code, name, kind, parent, district, community indexes
    ("CU-POMA", "Cuenca de la laguna de Pomacanchi", "cuenca", "", "080205", range(8)),
    ("MC-POMA-N", "Microcuenca Pomacanchi norte", "microcuenca", "CU-POMA", "080205", range(0, 4)),
    ("MC-POMA-S", "Microcuenca Pomacanchi sur", "microcuenca", "CU-POMA", "080205", range(4, 8)),
    ("CU-CACH", "Cuenca de Cachora", "cuenca", "", "030108", range(5)),
    ("MC-CACH-A", "Microcuenca Cachora alta", "microcuenca", "CU-CACH", "030108", range(0, 3)),
    ("MC-CACH-B", "Microcuenca Cachora baja", "microcuenca", "CU-CACH", "030108", range(3, 5)),
]
SURNAMES = ["Quispe", "Mamani", "Huamán", "Condori", "Ccori", "Huillca", "Apaza", "Sutta", "Cusi", "Choque", "Turpo",
            "Layme", "Puma", "Ccama", "Yupanqui", "Challco", "Huarca", "Ccahuana", "Nina", "Chura", "Ttito", "Sallo",
            "Mayta", "Ccasa", "Illa", "Huaman", "Pacco", "Gutiérrez", "Flores", "Rojas"]
WOMEN = ["Juana", "Rosa", "María", "Lucía", "Julia", "Martina", "Basilia", "Gregoria", "Felícitas", "Nancy", "Yeny",
         "Marleni", "Ruth", "Elena", "Hilda", "Victoria", "Paulina", "Dominga", "Celestina", "Alejandrina", "Sonia"]
MEN = ["Juan", "Mario", "Lucio", "Fermín", "Teófilo", "Isidro", "Valentín", "Alberto", "Wilber", "Edwin", "Ronald",
       "Julián", "Santos", "Florencio", "Saturnino", "Hipólito", "Néstor"]


def _point_in(geometry, rng):
    west, south, east, north = bbox(geometry)
    for _attempt in range(500):
        lon, lat = rng.uniform(west, east), rng.uniform(south, north)
        if contains(geometry, lon, lat):
            return {"type": "Point", "coordinates": [round(lon, 5), round(lat, 5)]}
    return None


def create_communities(rng):
    districts = {t.code: t for t in Territory.objects.filter(code__in=COMMUNITIES)}
    made = {}
    for ubigeo, names in COMMUNITIES.items():
        district = districts[ubigeo]
        made[ubigeo] = []
        for number, name in enumerate(names, start=1):
            code = f"{ubigeo}-C{number:02d}"
            unit = Territory.objects.filter(code=code).first() or territory_services.create_territory(
                kind=Territory.Kind.COMMUNITY, code=code, name=name, parent=district,
                geometry=_point_in(district.geometry, rng) if district.geometry else None,
                attributes={"families_estimate": rng.randrange(100, 800, 10)}, is_demo=True,
            )
            made[ubigeo].append(unit)
    return made


def create_watersheds(communities):
    by_code = {}
    for code, name, kind, parent, ubigeo, indexes in WATERSHEDS:
        parent_shed = by_code.get(parent)
        shed, _created = Watershed.objects.update_or_create(
            code=code, defaults={"name": name, "kind": kind, "parent": parent_shed, "is_demo": True,
                                 "path": f"{parent_shed.path if parent_shed else ''}{code}/"})
        shed.communities.set([communities[ubigeo][i] for i in indexes])
        by_code[code] = shed


def _code(rng, taken):
    while True:
        code = "F-" + "".join(rng.choice(CODE_ALPHABET) for _ in range(6))
        if code not in taken:
            taken.add(code)
            return code


def _family(rng, *, community, code, women_share, birth_years=(1955, 2000)):
    """A household and its members (not yet saved); the first member is the head and the producer."""
    surname = f"{rng.choice(SURNAMES)} {rng.choice(SURNAMES)}"
    household = Household(code=code, name=f"Familia {surname}", community=community, is_demo=True)
    head_is_woman = rng.random() < women_share
    head_birth = rng.randint(*birth_years)
    language = rng.choices(["quz", "quz-es", "es"], weights=[5, 4, 1])[0]
    members = [Person(household=household, given_names=rng.choice(WOMEN if head_is_woman else MEN), surnames=surname,
                      sex="F" if head_is_woman else "M", birth_year=head_birth, role=Person.Role.HEAD,
                      language=language)]
    if rng.random() < 0.7:
        spouse_woman = not head_is_woman
        members.append(Person(household=household, given_names=rng.choice(WOMEN if spouse_woman else MEN),
                              surnames=f"{rng.choice(SURNAMES)} {rng.choice(SURNAMES)}",
                              sex="F" if spouse_woman else "M", birth_year=head_birth + rng.randint(-6, 6),
                              role=Person.Role.SPOUSE, language=language))
    for _child in range(rng.choice([0, 1, 1, 2, 2, 3])):
        woman = rng.random() < 0.5
        members.append(Person(household=household, given_names=rng.choice(WOMEN if woman else MEN), surnames=surname,
                              sex="F" if woman else "M", birth_year=min(2024, head_birth + rng.randint(18, 35)),
                              role=Person.Role.CHILD, language="quz-es"))
    return household, members


@transaction.atomic
def create_families(rng, communities, *, actor=None):
    if Household.objects.filter(is_demo=True).exists():
        return 0
    taken = set(Household.objects.values_list("code", flat=True))
    chains = {c.code: c for c in ValueChain.objects.all()}
    plan = []  # (community, chain code or None, women share)
    slots = [c for c, n in DAUSANGATE_CHAINS.items() for _ in range(n)]
    slots += [None] * (DAUSANGATE_FAMILIES - len(slots))
    rng.shuffle(slots)
    district_weights = list(DAUSANGATE_DISTRICTS.items())
    for chain_code in slots:
        ubigeo = rng.choices([d for d, _w in district_weights], weights=[w for _d, w in district_weights])[0]
        plan.append((rng.choice(communities[ubigeo]), chain_code, 0.75 if chain_code != "restaurant" else 0.6))
    for ubigeo, count in ECOCUENCA_FAMILIES.items():
        plan += [(rng.choice(communities[ubigeo]), None, 0.55) for _ in range(count)]
    households, people = [], []
    for community, chain_code, women_share in plan:
        household, members = _family(rng, community=community, code=_code(rng, taken), women_share=women_share)
        household._chain = chain_code
        households.append(household)
        people.append(members)
    bulk_create_with_history(households, Household, batch_size=500, default_user=actor)
    # bulk_create does not return keys on every backend: read them back by code.
    keys = dict(Household.objects.filter(code__in=[h.code for h in households]).values_list("code", "pk"))
    for household, members in zip(households, people):
        household.pk = keys[household.code]
        for person in members:
            person.household = household
    flat = [p for members in people for p in members]
    bulk_create_with_history(flat, Person, batch_size=1000, default_user=actor)
    heads = dict(Person.objects.filter(household__is_demo=True, role=Person.Role.HEAD).values_list("household", "pk"))
    enrolments, consents = [], []
    for household in households:
        since = f"20{rng.randint(19, 24)}-{rng.randint(1, 12):02d}-01"
        if household._chain:
            enrolments.append(Enrolment(household=household, chain=chains[household._chain],
                                        producer_id=heads.get(household.pk), since=since))
        if rng.random() < 0.96:
            consents.append(Consent(household=household, given_on=since, given_by_id=heads.get(household.pk),
                                    scope=rng.choice(list(Consent.Scope)), recorded_by=actor))
    bulk_create_with_history(enrolments, Enrolment, batch_size=1000, default_user=actor)
    bulk_create_with_history(consents, Consent, batch_size=1000, default_user=actor)
    return len(households)


@transaction.atomic
def create_organisations(rng, communities):
    if Organisation.objects.filter(is_demo=True).exists():
        return
    districts = {t.code: t for t in Territory.objects.filter(code__in=COMMUNITIES)}
    orgs = [Organisation(name=f"Municipalidad Distrital de {d.name}", kind=Organisation.Kind.MUNICIPALITY,
                         territory=d, is_demo=True) for d in districts.values()]
    orgs.append(Organisation(name="CCAIJO", kind=Organisation.Kind.NGO, territory=districts["081202"].parent,
                             is_demo=True))
    orgs.append(Organisation(name="Empresa D'Ausangate", kind=Organisation.Kind.ENTERPRISE,
                             territory=districts["081210"].parent, is_demo=True))
    associations = [
        ("Asociación de Productores Lecheros de Tinki", "081210"), ("Asociación de Criadoras de Cuyes Ausangate", "081210"),
        ("Asociación Agropecuaria Mahuayani", "081210"), ("Asociación de Productoras de Hongos Upis", "081210"),
        ("Asociación de Productores de Leche Ccatca", "081205"), ("Asociación de Criadores de Cuyes Ccopi", "081205"),
        ("Asociación Papas Nativas Huayllapata", "081205"), ("Asociación de Productores Andahuaylillas", "081202"),
        ("Asociación Agroecológica Huacatinco", "081202"), ("Asociación de Restaurantes de Ocongate", "081210"),
    ]
    for name, ubigeo in associations:
        orgs.append(Organisation(name=name, kind=Organisation.Kind.ASSOCIATION, territory=districts[ubigeo],
                                 is_demo=True))
    orgs.append(Organisation(name="Comité de usuarios de agua de Cachora", kind=Organisation.Kind.WATER_UTILITY,
                             territory=districts["030108"], is_demo=True))
    bulk_create_with_history(orgs, Organisation)
    members = []
    for org in Organisation.objects.filter(is_demo=True, kind=Organisation.Kind.ASSOCIATION):
        heads = list(Person.objects.filter(role=Person.Role.HEAD, household__is_demo=True,
                                           household__community__path__startswith=org.territory.path)
                     .order_by("pk")[:400])
        chosen = rng.sample(heads, min(len(heads), rng.randint(12, 30)))
        for index, person in enumerate(chosen):
            role = [OrganisationMember.Role.PRESIDENT, OrganisationMember.Role.SECRETARY,
                    OrganisationMember.Role.TREASURER][index] if index < 3 else OrganisationMember.Role.MEMBER
            members.append(OrganisationMember(organisation=org, person=person, role=role, since="2020-03-01"))
    bulk_create_with_history(members, OrganisationMember)


def load_demo(*, seed=2020):
    """Everything the demo needs, reusing whatever exists already."""
    rng = random.Random(seed)
    if not Territory.objects.filter(code="081210").exists():
        territory_services.load_national_territory()
        territory_services.load_reference_polygons()
    communities = create_communities(rng)
    create_watersheds(communities)
    families = create_families(rng, communities)
    create_organisations(rng, communities)
    return families
