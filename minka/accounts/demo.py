"""One demo user per role, named after it, with a scope that makes sense for the role.

Only the demo command creates them; their shared password is public, so a real installation
never runs it."""

from django.contrib.auth import authenticate, get_user_model
from django.db import transaction

from minka.territory.models import Territory

from .models import Assignment, Role

DEMO_PASSWORD = "minka-demo"
DEMO_USERS = [
    # username, role, territory codes, staff
    ("admin", Role.ADMIN, ["PE"], True),
    ("coordinador", Role.COORDINATOR, ["08", "03"], False),
    ("tecnico", Role.TECHNICIAN, ["081210"], False),
    ("municipal", Role.MUNICIPAL, ["081205"], False),
    ("empresa", Role.ENTERPRISE, ["0812"], False),  # the enterprise works across Quispicanchi
    ("credito", Role.CREDIT, ["0812"], False),  # the fund of the province: its committee and officers
    ("comunidad", Role.COMMUNITY, ["081210-C03"], False),
    ("evaluador", Role.EVALUATOR, ["080205", "030108"], False),  # Ecocuenca's watersheds: Pomacanchi, Cachora
]


@transaction.atomic
def create_demo_users():
    User = get_user_model()
    names = []
    for username, role, codes, staff in DEMO_USERS:
        user, created = User.objects.get_or_create(username=username, defaults={"is_staff": staff,
                                                                                "is_superuser": staff})
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
            # Signing in once keeps what phones (ODK Collect) are checked against, as a real login does.
            authenticate(username=username, password=DEMO_PASSWORD)
        for territory in Territory.objects.filter(code__in=codes):
            Assignment.objects.get_or_create(user=user, role=role, territory=territory)
        names.append(username)
    return names
