"""Background refreshes of the indicator values (django-tasks, run by `manage.py db_worker`)."""

from django_tasks import task

from . import engine


@task()
def refresh_changes(households, trainings, tree=False, kinds=("family",)):
    return engine.refresh_changes(households=households, trainings=trainings, tree=tree, kinds=kinds)


@task()
def refresh_indicators(indicator_ids=None):
    from .models import Indicator

    indicators = None if indicator_ids is None else Indicator.objects.filter(pk__in=indicator_ids)
    return engine.refresh(indicators)
