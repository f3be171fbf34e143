"""Reads to read replicas, writes to the primary (settings.DATABASE_REPLICAS, README "Scaling out").

A web request that only reads (GET/HEAD: list pages, change forms, exports, reports, the API's
reads) reads from a replica, unless the same browser wrote within the last few seconds: after a
write the response sets a short-lived cookie and the following requests read the primary, so staff
always see their own changes. Everything that writes, everything inside a transaction, and the
tables whose freshness matters at once (sessions, users and permissions, login lockout, jobs and
their task queue) use the primary. No write is ever routed to a replica.
"""

import random
import time
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

PRIMARY_ONLY_APPS = {"sessions", "auth", "contenttypes", "admin", "axes", "jobs", "django_tasks_db"}
PIN_COOKIE = "primary_until"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}

_replica_reads = ContextVar("replica_reads", default=False)


@contextmanager
def replica_reads():
    """Reads of the block may go to a replica (they may lag the primary by the replication delay)."""
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        replicas = settings.DATABASE_REPLICAS
        if not replicas or not _replica_reads.get() or model._meta.app_label in PRIMARY_ONLY_APPS:
            return DEFAULT_DB_ALIAS
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:  # a transaction reads what it wrote
            return DEFAULT_DB_ALIAS
        return random.choice(replicas)

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # replicas hold the primary's rows

    def allow_migrate(self, db, app_label, **hints):
        return db == DEFAULT_DB_ALIAS


class ReplicaReadMiddleware:
    """GET/HEAD read replicas; a write pins this browser to the primary for PRIMARY_PIN_SECONDS."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.DATABASE_REPLICAS:
            return self.get_response(request)
        if request.method in SAFE_METHODS and not self.pinned(request):
            with replica_reads():
                return self.get_response(request)
        response = self.get_response(request)
        if request.method not in SAFE_METHODS and response.status_code < 400:
            seconds = settings.PRIMARY_PIN_SECONDS
            response.set_cookie(
                PIN_COOKIE,
                str(int(time.time()) + seconds),
                max_age=seconds,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response

    def pinned(self, request):
        try:
            return int(request.COOKIES.get(PIN_COOKIE, "0")) > time.time()
        except ValueError:
            return False
