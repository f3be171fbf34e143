"""'Your import finished': a message on the next admin page after a user's job ends.

Only a session that started a job pays for the lookup (one query while a job of theirs is
pending); every other request costs nothing.
"""

from django.contrib import messages

from backoffice.jobs.models import Job, JobState

SESSION_KEY = "jobs_pending"
LEVELS = {JobState.SUCCEEDED: messages.SUCCESS, JobState.FAILED: messages.ERROR, JobState.CANCELLED: messages.WARNING}


def remember(request, job):
    """Called by the view that started ``job``: its end is announced on a later page."""
    pending = request.session.get(SESSION_KEY, [])
    request.session[SESSION_KEY] = [*pending, job.pk]


def job_message(job):
    summary = job.report.get("summary") or job.error or job.get_state_display()
    return f"{job}: {job.get_state_display().lower()}. {summary}"


class JobNotificationMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and session.get(SESSION_KEY) and request.user.is_authenticated:
            self.announce(request, session)
        return self.get_response(request)

    def announce(self, request, session):
        jobs = list(Job.objects.filter(pk__in=session[SESSION_KEY], user=request.user))
        ended = [job for job in jobs if job.is_finished]
        for job in ended:
            if not job.notified:
                messages.add_message(request, LEVELS[job.state], job_message(job))
        if ended:
            Job.objects.filter(pk__in=[j.pk for j in ended]).update(notified=True)
        # Jobs that ended or are gone (pruned) are forgotten; the session stops asking when none is left.
        session[SESSION_KEY] = [job.pk for job in jobs if not job.is_finished]
