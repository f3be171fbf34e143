"""The ``django.tasks`` tasks: ``run_job`` runs any job by its kind; the periodic ones are in ``schedule``."""

from django.tasks import task
from django.utils.module_loading import import_string

from backoffice.jobs import services
from backoffice.jobs.models import JobKind

RUNNERS = {
    JobKind.IMPORT_CHECK: "backoffice.jobs.imports.run_check",
    JobKind.IMPORT: "backoffice.jobs.imports.run_import",
    JobKind.EXPORT: "backoffice.jobs.exports.run_export",
}


@task()
def run_job(job_id):
    """Claim the job (one worker only), run it, and leave it finished whatever happens."""
    job = services.claim(job_id)
    if job is None:  # cancelled while queued, or already taken: nothing to do
        return None
    progress = services.Progress(job)
    try:
        import_string(RUNNERS[job.kind])(job, progress)
    except services.JobCancelled:
        services.mark_cancelled(job)
    except Exception as exc:
        services.fail_unexpectedly(job, exc)
        raise
    return job.state


@task()
def prune_jobs():
    """Scheduled: finished jobs past SHOP_JOB_KEEP_DAYS and expired export files go."""
    jobs, files = services.prune()
    return {"jobs": jobs, "files": files}


@task()
def reap_stale_jobs():
    """Scheduled: jobs whose worker died are queued again (or failed after the last attempt)."""
    retried, failed = services.reap_stale()
    return {"retried": retried, "failed": failed}
