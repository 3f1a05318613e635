"""Which values must be recomputed after a write: the families and trainings a saved or deleted row
belongs to are gathered for the length of the transaction, and one background task per commit
recomputes what depends on them (`engine.refresh_changes`). Bulk writes that send no signals
(`bulk_create`, `QuerySet.update`) must call `touch()` themselves or be followed by a full refresh."""

import contextlib
import threading

from django.conf import settings
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

_pending = threading.local()


def _batch():
    batch = getattr(_pending, "batch", None)
    if batch is None:
        batch = _pending.batch = {"households": set(), "trainings": set(), "tree": False, "full": False,
                                  "kinds": set(), "small": False}
        transaction.on_commit(_flush)
    return batch


def touch(households=(), trainings=(), tree=False, full=False, kind="family", small=False):
    if not settings.ANALYTICS_FOLLOW_CHANGES or getattr(_pending, "paused", False):
        return
    batch = _batch()
    batch["small"] |= small
    if households:
        batch["kinds"].add(kind)
    batch["households"].update(h for h in households if h)
    batch["trainings"].update(t for t in trainings if t)
    batch["tree"] |= tree
    batch["full"] |= full


@contextlib.contextmanager
def paused():
    """Bulk loads (the demo) follow with a full refresh: no task per commit meanwhile."""
    _pending.paused = True
    try:
        yield
    finally:
        _pending.paused = False


def _flush():
    batch, _pending.batch = _pending.batch, None
    from .tasks import refresh_changes, refresh_indicators, refresh_small

    if batch["full"]:
        refresh_indicators.enqueue()
        return
    if batch["households"] or batch["trainings"] or batch["tree"]:
        refresh_changes.enqueue(sorted(batch["households"]), sorted(batch["trainings"]), batch["tree"],
                                sorted(batch["kinds"]))
    if batch["small"]:
        refresh_small.enqueue()


# model label: how to find the family (or training) of a row of it, and what kind of change it is
HOUSEHOLD_OF = {
    "people.Household": (lambda row: row.pk, "family"),
    "people.Person": (lambda row: row.household_id, "family"),
    "people.Enrolment": (lambda row: row.household_id, "family"),
    "chains.Record": (lambda row: row.household_id, "records"),
    "chains.PracticeAssessment": (lambda row: row.household_id, "assessments"),
    "chains.IncomeSurvey": (lambda row: row.household_id, "income"),
    "credit.Loan": (lambda row: row.household_id, "loans"),
}
TRAINING_OF = {
    "learning.Training": lambda row: row.pk,
    "learning.Participant": lambda row: row.training_id,
}
# the watershed's incentives and the mesas: few rows, whose indicators are recomputed whole (engine.refresh_small)
SMALL = ["incentives.Plan", "incentives.Tranche", "incentives.Agreement", "incentives.Verification",
         "incentives.Compliance", "incentives.PesPayment", "incentives.Scheme", "incentives.Visit",
         "governance.Membership", "governance.Meeting", "governance.Attendance"]
# rows whose family is one step further: found through their parent, which may be gone already
PARENT_OF = {
    "chains.RecordValue": ("chains.Record", "record_id"),
    "chains.AdoptedPractice": ("chains.PracticeAssessment", "assessment_id"),
    "chains.IncomeLine": ("chains.IncomeSurvey", "survey_id"),
    "credit.Instalment": ("credit.Loan", "loan_id"),  # paid, or unpaid again: the loan is late or not
}


def _changed(sender, instance, **kwargs):
    label = sender._meta.label
    if label in HOUSEHOLD_OF:
        household_of, kind = HOUSEHOLD_OF[label]
        touch(households=[household_of(instance)], kind=kind)
    elif label in TRAINING_OF:
        touch(trainings=[TRAINING_OF[label](instance)])
    elif label in PARENT_OF:
        from django.apps import apps

        if not settings.ANALYTICS_FOLLOW_CHANGES or getattr(_pending, "paused", False):
            return
        parent_label, field = PARENT_OF[label]
        parents = _batch().setdefault("parents", {})
        key = (parent_label, getattr(instance, field))
        if key not in parents:  # the values of one record are saved together: one query
            parents[key] = apps.get_model(parent_label).objects.filter(pk=key[1]).values_list(
                "household_id", flat=True).first()
        if parents[key]:
            touch(households=[parents[key]], kind=HOUSEHOLD_OF[parent_label][1])
    elif label in SMALL:
        touch(small=True)
    elif label == "territory.Territory":
        touch(tree=True)
    elif label in ("territory.Watershed", "observatory.Indicator", "chains.TransitionRule"):
        touch(full=True)


def _members_changed(sender, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        touch(full=True)


def connect():
    from django.apps import apps

    for label in [*HOUSEHOLD_OF, *TRAINING_OF, *PARENT_OF, *SMALL, "territory.Territory", "territory.Watershed",
                  "chains.TransitionRule",
                  "observatory.Indicator"]:
        model = apps.get_model(label)
        post_save.connect(_changed, sender=model, dispatch_uid=f"observatory-save-{label}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"observatory-delete-{label}")
    through = apps.get_model("territory.Watershed").communities.through
    m2m_changed.connect(_members_changed, sender=through, dispatch_uid="observatory-watershed-members")
