"""Browser-test fixtures: a fresh demo shop, a dev server on a free port, Debian's chromium.

``e2e.environment`` (loaded with ``-p``) has already pointed Django at a new SQLite file; the
fixtures here fill it (migrate, load_demo, setup_roles, ensure_admin), start ``runserver`` on it,
and drive chromium through Playwright's sync API. Tests read the same file through the ORM to
check what the pages show. Nothing here uses pytest-django's test database.
"""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

E2E_ENABLED = "E2E_DATABASE_FILE" in os.environ
NOT_ENABLED = (
    "e2e: browser tests not collected; they need their own database: run `make e2e` "
    "(python -m pytest e2e -p no:cacheprovider -p e2e.environment)"
)
if not E2E_ENABLED:
    # A plain `pytest .` must neither touch the developer's database nor need Playwright.
    collect_ignore_glob = ["test_*.py"]


def pytest_terminal_summary(terminalreporter):
    if not E2E_ENABLED:
        terminalreporter.write_line(NOT_ENABLED, yellow=True)


ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = Path(os.environ.get("E2E_ARTIFACTS", ROOT / "e2e" / "artifacts"))
CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ADMIN_USERNAME = "admin"
AUDITOR_USERNAME = "auditor"
AUDITOR_PASSWORD = "E2e-only-Auditor-pass-5293"
SERVER_START_TIMEOUT = 60


def child_environment():
    """The e2e environment for a child process, without the test thread's async exemption."""
    env = os.environ.copy()
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def manage(*args, timeout=300):
    """Run a management command in a child process with the e2e environment; fail loudly."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=child_environment(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        pytest.fail(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}", pytrace=False)
    return result.stdout


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_serving(url, process, log_path):
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"runserver exited with {process.returncode}:\n{log_path.read_text()}", pytrace=False)
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (our own local server)
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    pytest.fail(f"runserver did not answer {url} within {SERVER_START_TIMEOUT}s:\n{log_path.read_text()}")


@pytest.fixture(scope="session", autouse=True)
def _database_access(django_db_blocker):
    """The e2e database is a real file the server shares, not a test database: open it for the session."""
    with django_db_blocker.unblock():
        yield


@pytest.fixture(scope="session")
def demo_shop(_database_access):
    """Migrate the fresh file and load the demo shop, roles, the admin and an auditor."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for stale in ARTIFACTS.glob("*.png"):  # a run's screenshots are that run's UI review
        stale.unlink()
    # One child process for the four commands: each Django start costs seconds on a busy CI machine.
    commands = [("migrate", "--noinput"), ("load_demo",), ("setup_roles",), ("ensure_admin",)]
    script = "from django.core.management import call_command\n" + "".join(
        f"call_command(*{list(command)!r})\n" for command in commands
    )
    manage("shell", "--no-imports", "-c", script)

    from django.contrib.auth.models import Group, User

    auditor = User.objects.create_user(AUDITOR_USERNAME, "auditor@example.com", AUDITOR_PASSWORD, is_staff=True)
    auditor.groups.add(Group.objects.get(name="Auditor"))
    return {"admin": ADMIN_USERNAME, "auditor": AUDITOR_USERNAME}


@pytest.fixture(scope="session")
def server(demo_shop):
    """Base URL of ``manage.py runserver`` on a free port, serving the demo shop."""
    port = free_port()
    log_path = ARTIFACTS / "server.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=child_environment(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        # jobs: imports and long exports run on a task worker beside the server, as with `make run`.
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--no-startup-delay", "--interval", "0.2", "--no-reload"],
            cwd=ROOT,
            env=child_environment(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base_url = f"http://127.0.0.1:{port}"
        try:
            wait_until_serving(f"{base_url}/admin/login/", process, log_path)
            yield base_url
        finally:
            for child in (process, worker):
                child.terminate()
                try:
                    child.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    child.kill()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def new_context(browser, server, **kwargs):
    context = browser.new_context(
        base_url=server, viewport={"width": 1440, "height": 900}, accept_downloads=True, **kwargs
    )
    context.set_default_timeout(15_000)
    return context


def log_in(page, username, password):
    """Sign in the way staff do: open the admin, get sent to the login form, land on the dashboard."""
    page.goto("/admin/")
    page.wait_for_url("**/admin/login/?next=/admin/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: urlsplit(url).path == "/admin/")


@pytest.fixture(scope="session")
def login_states(browser, server):
    """Signed-in cookies per user, made once: each test starts in a fresh context from them."""
    from e2e.environment import ADMIN_PASSWORD

    states = {}
    for username, password in ((ADMIN_USERNAME, ADMIN_PASSWORD), (AUDITOR_USERNAME, AUDITOR_PASSWORD)):
        context = new_context(browser, server)
        page = context.new_page()
        log_in(page, username, password)
        states[username] = context.storage_state()
        context.close()
    return states


_failed_key = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    item.stash.setdefault(_failed_key, False)
    if report.failed:
        item.stash[_failed_key] = True
    return report


def _page_for(request, browser, server, storage_state=None):
    context = new_context(browser, server, storage_state=storage_state)
    page = context.new_page()
    yield page
    if request.node.stash.get(_failed_key, False):
        name = re.sub(r"[^\w.-]+", "-", request.node.name).strip("-")
        page.screenshot(path=ARTIFACTS / f"FAILED-{name}.png", full_page=True)
    context.close()


@pytest.fixture
def anonymous_page(request, browser, server):
    yield from _page_for(request, browser, server)


@pytest.fixture
def admin_page(request, browser, server, login_states):
    yield from _page_for(request, browser, server, login_states[ADMIN_USERNAME])


@pytest.fixture
def auditor_page(request, browser, server, login_states):
    yield from _page_for(request, browser, server, login_states[AUDITOR_USERNAME])


def screenshot(page, name):
    """Save the whole page as e2e/artifacts/<name>.png (look at them: they are the UI review)."""
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)
