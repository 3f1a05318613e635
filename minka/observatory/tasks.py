"""Background refreshes of the indicator values (django-tasks, run by `manage.py db_worker`)."""

from django_tasks import task

from . import engine


@task()
def refresh_changes(households, trainings, tree=False, kinds=("family",)):
    return engine.refresh_changes(households=households, trainings=trainings, tree=tree, kinds=kinds)


@task()
def refresh_small():
    return engine.refresh_small()


@task()
def refresh_indicators(indicator_ids=None):
    from .models import Indicator

    indicators = None if indicator_ids is None else Indicator.objects.filter(pk__in=indicator_ids)
    return engine.refresh(indicators)


@task()
def build_report(report_id):
    """Build a report's PDF, writing its progress as it goes."""
    from django.utils import timezone

    from . import reports
    from .models import Report

    report = Report.objects.select_related("territory").get(pk=report_id)
    Report.objects.filter(pk=report.pk).update(status=Report.Status.RUNNING)
    try:
        content = reports.build(report)
    except Exception as exc:  # the report says what went wrong; the worker goes on
        Report.objects.filter(pk=report.pk).update(status=Report.Status.FAILED, error=str(exc),
                                                   finished_at=timezone.now())
        return
    Report.objects.filter(pk=report.pk).update(status=Report.Status.DONE, content=content, progress=100, step="",
                                               finished_at=timezone.now())
    # The same report asked again by the same person replaces the older ones (their PDFs are not kept).
    Report.objects.filter(requested_by=report.requested_by_id, territory=report.territory_id, program=report.program,
                          season=report.season, language=report.language,
                          created_at__lte=report.created_at).exclude(pk=report.pk).delete()
