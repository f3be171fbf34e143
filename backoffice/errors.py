"""The one exception type services raise for a refused change.

Callers (admin, API, imports, commands) show ``message`` to the user; tests assert on ``code``.
"""


class ServiceError(Exception):
    def __init__(self, message, *, code, params=None, field=None):
        self.code = code
        self.params = params or {}
        self.field = field
        self.message = str(message) % self.params if self.params else str(message)
        super().__init__(self.message)

    def __str__(self):
        return self.message
