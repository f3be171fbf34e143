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
