import random
import time

from django.core.management.base import BaseCommand

from minka.accounts.demo import DEMO_PASSWORD, create_demo_users
from minka.chains.demo import create_field_records, demo_technicians
from minka.learning.demo import create_trainings
from minka.people.demo import load_demo
from minka.territory.demo import create_infrastructure


class Command(BaseCommand):
    help = "Create the demo territory, families, field records and one user per role. Only ever for a demo."

    def handle(self, *args, **options):
        started = time.monotonic()
        families = load_demo()
        users = create_demo_users()
        rng = random.Random(2021)
        technicians = demo_technicians()
        records = create_field_records(rng, technicians=technicians)
        trainings = create_trainings(rng, recorded_by=technicians["default"])
        works = create_infrastructure(rng)
        if families or records:
            self.stdout.write(f"Demo: {families} familias, {records} registros de campo, {trainings} capacitaciones, "
                              f"{works} obras de infraestructura ({time.monotonic() - started:.0f} s).")
        self.stdout.write(f"Usuarios de demostración (contraseña {DEMO_PASSWORD}): " + ", ".join(users))
