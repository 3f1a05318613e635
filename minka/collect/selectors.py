"""Forms and submissions through the user's scope. Coordinators manage the forms of their territory
and review their submissions; a technician sees the forms they may fill and what they sent."""

from django.db.models import Q
from django.http import Http404

from minka.accounts.permissions import MANAGE_FORMS, scope_q

from .models import Form, Submission
from .services import may_fill


def managed_forms(user):
    """Forms whose territory lies inside the user's MANAGE_FORMS scope."""
    return Form.objects.filter(scope_q(user, "territory__path", MANAGE_FORMS))


def visible_forms(user):
    """Forms the user manages, or may fill."""
    managed = set(managed_forms(user).values_list("pk", flat=True))
    fillable = {f.pk for f in Form.objects.select_related("territory") if may_fill(user, f)}
    return Form.objects.filter(pk__in=managed | fillable).select_related("territory")


def get_form_for_user(user, form_id):
    form = visible_forms(user).filter(form_id=form_id).first()
    if form is None:
        raise Http404
    return form


def can_manage(user, form):
    return managed_forms(user).filter(pk=form.pk).exists()


def submissions_for(user):
    """Submissions of the forms the user manages, and the ones the user sent."""
    return Submission.objects.filter(Q(form__in=managed_forms(user)) | Q(submitted_by=user))


def get_submission_for_user(user, pk):
    try:
        return submissions_for(user).select_related("form", "version", "submitted_by", "supersedes").get(pk=pk)
    except (Submission.DoesNotExist, ValueError):
        raise Http404
