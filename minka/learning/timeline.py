from django.urls import reverse
from django.utils.translation import gettext as _

from minka.people.timeline import Event, Story

from .models import Participant


def training_story(household, user):
    story = Story()
    for p in Participant.objects.filter(person__household=household).select_related("training", "person"):
        score = ""
        if p.pre_score is not None and p.post_score is not None:
            score = _("nota %(pre)s → %(post)s") % {"pre": p.pre_score.normalize(), "post": p.post_score.normalize()}
        story.events.append(Event(date=p.training.start_date, kind="training",
                                  title=_("Capacitación: %(title)s") % {"title": p.training.title},
                                  detail=f"{p.person.full_name} · {p.training.get_kind_display()} {score}".strip(),
                                  url=reverse("training_detail", args=[p.training_id])))
    return story
