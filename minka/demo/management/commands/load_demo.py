import random
import time

from django.core.management.base import BaseCommand
from django.db import connection

from minka.accounts.demo import DEMO_PASSWORD, create_demo_users
from minka.chains.demo import create_field_records, demo_technicians
from minka.collect.standard_forms import publish_standard_forms
from minka.credit.demo import create_fund
from minka.governance.demo import create_programs, create_spaces
from minka.incentives.demo import create_call, create_scheme
from minka.observatory.catalogue import set_program_targets
from minka.observatory.changes import paused
from minka.observatory.demo import validate_demo_figures
from minka.observatory.engine import refresh as refresh_indicators
from minka.learning.demo import create_trainings
from minka.market.demo import create_enterprise
from minka.people.demo import load_demo
from minka.territory.demo import create_infrastructure
from minka.territory.models import Territory


def fresh_statistics():
    """On PostgreSQL, statistics of the tables a bulk load has just filled: the planner would otherwise
    plan the next step's joins for the empty tables it last saw (nested loops over thousands of rows,
    minutes instead of milliseconds, in a test database that other tests keep emptying)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


class Command(BaseCommand):
    help = "Create the demo territory, families, field records and one user per role. Only ever for a demo."

    def handle(self, *args, **options):
        started = time.monotonic()
        with paused():  # one full refresh at the end rather than one per commit
            families, users, records, trainings, works, forms = self.load()
        values = refresh_indicators()
        validate_demo_figures()  # after the values: communities confirm the figures they were shown
        if families or records:
            self.stdout.write(f"Demo: {families} familias, {records} registros de campo, {trainings} capacitaciones, "
                              f"{works} obras de infraestructura, {len(forms)} formularios para ODK Collect, "
                              f"{self.deliveries} entregas a la empresa D'Ausangate, {self.loans} préstamos del fondo de innovación, "
                              f"{self.plans} planes de negocio en concurso, "
                              f"{self.agreements} acuerdos de retribución por servicios ecosistémicos, "
                              f"{self.spaces} mesas de concertación, {self.expenses} gastos de los programas, "
                              f"{values} valores de indicadores ({time.monotonic() - started:.0f} s).")
        self.stdout.write(f"Usuarios de demostración (contraseña {DEMO_PASSWORD}): " + ", ".join(users))

    def load(self):
        families = load_demo()
        users = create_demo_users()
        fresh_statistics()
        rng = random.Random(2021)
        technicians = demo_technicians()
        records = create_field_records(rng, technicians=technicians)
        fresh_statistics()
        trainings = create_trainings(rng, recorded_by=technicians["default"])
        works = create_infrastructure(rng)
        # The shipped questionnaires, ready for ODK Collect on the demo (Cusco: D'Ausangate and Pomacanchi).
        cusco = Territory.objects.get(code="08")
        forms = publish_standard_forms(actor=technicians["default"], territory=cusco)
        set_program_targets(Territory.objects.get(code="0812"))
        from django.contrib.auth import get_user_model

        users_by_name = get_user_model().objects.in_bulk(["empresa", "credito"], field_name="username")
        self.deliveries = create_enterprise(rng, manager=users_by_name["empresa"])
        fresh_statistics()
        self.loans = create_fund(rng, officer=users_by_name["credito"], technician=technicians["default"])
        self.plans = create_call(rng)
        self.agreements = create_scheme(rng)
        self.spaces = create_spaces(rng)
        self.expenses = create_programs(rng)
        return families, users, records, trainings, works, forms
