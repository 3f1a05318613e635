"""Background work of data collection (django-tasks, run by `manage.py db_worker`)."""

from django.http import QueryDict
from django.utils import timezone
from django_tasks import task

from . import exports
from .models import ExportJob

CHUNK = 500


@task()
def build_export(job_id):
    """Build an export job's file, writing its progress as it goes."""
    from .views import filtered_for_export  # the same filters as the list the user saw

    job = ExportJob.objects.select_related("form", "requested_by").get(pk=job_id)
    job.status = ExportJob.Status.RUNNING
    job.save(update_fields=["status"])
    try:
        submissions = filtered_for_export(job.requested_by, job.form, QueryDict(job.query))
        job.total = submissions.count()
        job.save(update_fields=["total"])

        def counted():
            for index, submission in enumerate(submissions.iterator(chunk_size=CHUNK), start=1):
                if index % CHUNK == 0:
                    ExportJob.objects.filter(pk=job.pk).update(done=index)
                yield submission

        job.content = exports.render(job.form, counted(), job.fmt, job.language)
        job.done, job.status = job.total, ExportJob.Status.DONE
    except Exception as exc:  # the job reports whatever went wrong; the worker goes on
        job.status, job.error = ExportJob.Status.FAILED, str(exc)
    job.finished_at = timezone.now()
    job.save(update_fields=["content", "done", "status", "error", "finished_at"])
