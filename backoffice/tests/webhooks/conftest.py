"""A webhook receiver on loopback (a tiny http.server thread) and the task backends the tests use."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from backoffice.webhooks.models import EVENTS, WebhookEndpoint

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
DUMMY = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


class Receiver:
    """Records every request; answers with the next of ``statuses`` (200 once they run out)."""

    def __init__(self):
        self.requests = []
        self.statuses = []
        self.lock = threading.Lock()

    def handle(self, handler):
        length = int(handler.headers.get("Content-Length", 0))
        body = handler.rfile.read(length)
        with self.lock:
            self.requests.append({"headers": dict(handler.headers), "body": body, "json": json.loads(body)})
            status = self.statuses.pop(0) if self.statuses else 200
        handler.send_response(status)
        handler.send_header("Content-Length", "2")
        handler.end_headers()
        handler.wfile.write(b"ok")

    @property
    def events(self):
        return [request["json"]["event"] for request in self.requests]


@pytest.fixture
def receiver():
    receiver = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            receiver.handle(self)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    yield receiver
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = IMMEDIATE


@pytest.fixture
def dummy_tasks(settings):
    settings.TASKS = DUMMY
    from django.tasks import default_task_backend

    default_task_backend.clear()
    return default_task_backend


@pytest.fixture
def endpoint(db, receiver):
    return WebhookEndpoint.objects.create(name="ERP", url=receiver.url, events=list(EVENTS))
