"""Demo trainings: field schools, workshops and exchange visits in the five program districts over
five seasons, with families, community leaders, local government staff and associations attending,
and evaluation scores that improve after the event."""

import datetime
from decimal import Decimal

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from minka.chains.models import Topic
from minka.people.models import Organisation, Person
from minka.territory.models import Territory

from .models import OrganisationAttendance, Participant, Training

EVENTS = [
    ("Escuela de campo: sanidad y alimentación del ganado lechero", "field_school", ["animal-health", "feeding"]),
    ("Taller de ordeño higiénico y calidad de leche", "workshop", ["milking-hygiene"]),
    ("Escuela de campo: crianza tecnificada de cuyes", "field_school", ["sheds", "breeding"]),
    ("Taller de elaboración de compost, biol y humus", "workshop", ["organic-fertiliser"]),
    ("Pasantía a experiencias de queserías rurales", "exchange", ["processing", "marketing"]),
    ("Taller de costos y gestión de la empresa familiar", "workshop", ["business"]),
    ("Taller de cosecha de agua y qochas", "workshop", ["water"]),
    ("Escuela de campo: papa nativa orgánica", "field_school", ["seed", "pest-control"]),
    ("Curso de gestión del territorio para autoridades comunales", "course", ["organisation"]),
    ("Taller de liderazgo de mujeres productoras", "workshop", ["gender", "organisation"]),
]
OFFICIALS = [("Rubén Quispe Ccahuana", "M"), ("Gladys Huamán Turpo", "F"), ("Edgar Mamani Sallo", "M"),
             ("Yolanda Condori Chura", "F")]


@transaction.atomic
def create_trainings(rng, *, recorded_by=None):
    if Training.objects.filter(is_demo=True).exists():
        return 0
    topics = {t.code: t for t in Topic.objects.all()}
    districts = list(Territory.objects.filter(code__in=["081210", "081205", "081202", "080205", "030108"]))
    ccaijo = Organisation.objects.filter(name="CCAIJO").first()
    trainings, participants, org_links, topic_links = [], [], [], []
    for season in range(2020, 2025):
        for district in districts:
            for _n in range(rng.randint(1, 3)):
                title, kind, codes = rng.choice(EVENTS)
                start = datetime.date(season, 8, 1) + datetime.timedelta(days=rng.randint(0, 330))
                end = start + datetime.timedelta(days=rng.choice([0, 0, 1, 2]))
                communities = list(district.children.all())
                place = rng.choice(communities) if communities and kind != "course" else district
                actors = ["family"] + (["leader", "government"] if kind == "course" else ["leader"])
                training = Training(title=title, kind=kind, start_date=start, end_date=end, place=place,
                                    venue=rng.choice(["Local comunal", "Parcela demostrativa", "Auditorio municipal"]),
                                    organiser=ccaijo, target_actors=actors, recorded_by=recorded_by, is_demo=True)
                trainings.append(training)
                topic_links.append((training, [topics[c] for c in codes]))
                people = list(Person.objects.filter(household__is_demo=True, role="head",
                                                    household__community__path__startswith=place.path)
                              .order_by("?")[:rng.randint(12, 28)])
                for person in people:
                    pre = Decimal(rng.randint(5, 13))
                    participants.append(Participant(training=training, person=person, name=person.full_name,
                                                    sex=person.sex, actor="family", pre_score=pre,
                                                    post_score=min(Decimal(20), pre + rng.randint(1, 7))))
                for name, sex in rng.sample(OFFICIALS, rng.randint(0, 2)):
                    participants.append(Participant(training=training, name=name, sex=sex,
                                                    actor=rng.choice(["leader", "government"])))
                associations = list(Organisation.objects.filter(kind="association", territory=district))
                for association in rng.sample(associations, min(len(associations), rng.randint(0, 2))):
                    org_links.append(OrganisationAttendance(training=training, organisation=association,
                                                            delegates=rng.randint(1, 4)))
    bulk_create_with_history(trainings, Training, batch_size=500)
    through = Training.topics.through
    through.objects.bulk_create([through(training_id=t.pk, topic_id=topic.pk) for t, chosen in topic_links
                                 for topic in chosen])
    bulk_create_with_history(participants, Participant, batch_size=2000)
    bulk_create_with_history(org_links, OrganisationAttendance, batch_size=500)
    return len(trainings)
