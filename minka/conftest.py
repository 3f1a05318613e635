"""Shared test ground: a small real territory (from the bundled INEI data) and the personas.

- `coordinator`: program coordinator over the Cusco region;
- `technician`: field technician of Ocongate (the insider for Ocongate's families);
- `officer`: municipal officer of Ccatca (the outsider for everything in Ocongate).
"""

import importlib
import json

import pytest
from django.contrib.auth import get_user_model

from minka.accounts.models import Assignment, Role
from minka.people import services as people
from minka.people.models import ValueChain
from minka.territory import services as territory
from minka.territory.models import Territory

PASSWORD = "s3cret-pass"


@pytest.fixture(autouse=True)
def _fast_and_quiet(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MAP_TILES_URL = ""
    settings.ANALYTICS_PATH = tmp_path / "analytics.duckdb"
    settings.ANALYTICS_FOLLOW_CHANGES = False  # tests that follow changes say so
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}


@pytest.fixture(autouse=True)
def _books_always_balance(monkeypatch):
    """Every entry any test posts, through any service, leaves its book's trial balance balanced."""
    from minka.books import selectors as books
    from minka.books import services as ledger

    post = ledger.post_entry

    def post_and_check(**kwargs):
        entry = post(**kwargs)
        debit, credit = books.totals(books.trial_balance(entry.book))
        assert debit == credit, f"trial balance of {entry.book} off after entry {entry.number}"
        return entry

    monkeypatch.setattr(ledger, "post_entry", post_and_check)


def ensure_value_chains():
    """The chains, the field-record catalogue and the chart of accounts the data migrations create
    (transactional tests flush them)."""
    migration = importlib.import_module("minka.people.migrations.0002_value_chains")
    from django.apps import apps

    migration.add_chains(apps, None)
    from minka.chains import catalogue

    catalogue.load(apps)
    catalogue.load_income_sources(apps)
    from minka.books import catalogue as chart

    chart.load(apps)
    from minka.credit import catalogue as fund

    fund.load(apps)


def build_territory():
    """Peru > Cusco > Quispicanchi > Ocongate and Ccatca (with their INEI polygons), and communities."""
    polygons = {f["id"]: f["geometry"] for f in json.loads(
        (territory.DATA_DIR / "districts-cusco-apurimac.geojson").read_text())["features"]}
    pe = Territory.objects.filter(code="PE").first() or territory.create_territory(
        kind="country", code="PE", name="Perú", parent=None)
    cusco = territory.create_territory(kind="region", code="08", name="Cusco", parent=pe)
    quispicanchi = territory.create_territory(kind="province", code="0812", name="Quispicanchi", parent=cusco)
    units = {"pe": pe, "cusco": cusco, "quispicanchi": quispicanchi}
    for key, code, name in [("ocongate", "081210", "Ocongate"), ("ccatca", "081205", "Ccatca")]:
        units[key] = territory.create_territory(kind="district", code=code, name=name, parent=quispicanchi,
                                                geometry=polygons[code])
    units["tinki"] = territory.create_territory(
        kind="community", code="081210-C01", name="Tinki", parent=units["ocongate"],
        geometry={"type": "Point", "coordinates": [-71.2, -13.6]})
    units["pacchanta"] = territory.create_territory(kind="community", code="081210-C02", name="Pacchanta",
                                                    parent=units["ocongate"])
    units["ccopi"] = territory.create_territory(kind="community", code="081205-C01", name="Ccopi",
                                                parent=units["ccatca"])
    return units


@pytest.fixture
def places(db):
    ensure_value_chains()
    return build_territory()


def make_user(username, role, *territories, staff=False):
    user = get_user_model().objects.create_user(username=username, password=PASSWORD, is_staff=staff)
    from minka.collect.auth import remember

    remember(user, PASSWORD)  # as if they had signed in once: their phone can use Digest
    for unit in territories:
        Assignment.objects.create(user=user, role=role, territory=unit)
    return user


@pytest.fixture
def coordinator(places):
    return make_user("coordinadora", Role.COORDINATOR, places["cusco"])


@pytest.fixture
def technician(places):
    return make_user("tecnica", Role.TECHNICIAN, places["ocongate"])


@pytest.fixture
def officer(places):
    return make_user("funcionario", Role.MUNICIPAL, places["ccatca"])


def register(actor, community, name="Familia Quispe Mamani", members=None, chains=("milk",)):
    members = members or [
        {"given_names": "Juana", "surnames": "Quispe Mamani", "sex": "F", "role": "head", "birth_year": 1980,
         "dni": "", "language": "quz"},
        {"given_names": "Lucio", "surnames": "Huamán Ccori", "sex": "M", "role": "spouse", "birth_year": 1978,
         "dni": "", "language": "quz-es"},
    ]
    return people.register_household(actor=actor, community=community, name=name, members=members,
                                     chains=list(ValueChain.objects.filter(code__in=chains)))


@pytest.fixture
def ocongate_family(places, technician):
    return register(technician, places["tinki"])


@pytest.fixture
def ccatca_family(places, officer):
    return register(None, places["ccopi"], name="Familia Condori Apaza", members=[
        {"given_names": "Victoria", "surnames": "Condori Apaza", "sex": "F", "role": "head", "birth_year": 1969},
    ])


@pytest.fixture
def client_for(client):
    def login(user):
        client.force_login(user)
        return client
    return login
