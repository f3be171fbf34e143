"""The axes backend, tolerant of logins that have no HTTP request."""

from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    """Refuses locked-out clients; lets request-less authentication through to the next backend.

    Every login over the network (admin form, JWT endpoint, password reset) passes its request.
    ``authenticate()`` without one comes from code on the server itself (a shell, a management
    command, ``Client.login()`` in tests), where there is no client address to lock out, so axes'
    "request required" error would only break those callers without protecting anything.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
