from django.core.management.base import BaseCommand

from minka.accounts.demo import DEMO_PASSWORD, create_demo_users
from minka.people.demo import load_demo


class Command(BaseCommand):
    help = "Create the demo territory, families and one user per role. Only ever for a demo: never in production."

    def handle(self, *args, **options):
        families = load_demo()
        users = create_demo_users()
        if families:
            self.stdout.write(f"Demo: {families} familias creadas.")
        self.stdout.write(f"Usuarios de demostración (contraseña {DEMO_PASSWORD}): " + ", ".join(users))
