"""Early pytest plugin (``-p e2e.environment``): point Django at a fresh SQLite file before it starts.

pytest-django reads the settings while pytest loads its plugins, before any conftest is imported,
so the e2e database has to be chosen here. The test process and the server it starts share the
environment below, hence the same database file, the same secret key and the same password hashers.
"""

import os
import shutil
import tempfile
from pathlib import Path

E2E_DIR = Path(tempfile.mkdtemp(prefix="shop-e2e-"))
DATABASE_FILE = E2E_DIR / "shop.sqlite3"
ADMIN_PASSWORD = "E2e-only-Admin-pass-4817"  # only ever set on this throwaway database

os.environ.update(
    {
        "DATABASE_URL": f"sqlite:///{DATABASE_FILE}",
        "DJANGO_DEBUG": "1",  # runserver serves the static files
        "DJANGO_ENVIRONMENT": "development",
        # The server is not a pytest process; the test process must hash passwords the same way.
        "DJANGO_TESTING": "0",
        "DJANGO_ADMIN_PASSWORD": ADMIN_PASSWORD,
        "DJANGO_SETTINGS_MODULE": "backoffice.settings",
        "E2E_DATABASE_FILE": str(DATABASE_FILE),
        # Playwright's sync API keeps an event loop in the test thread; Django's ORM refuses to run
        # beside one unless told it is safe, which it is: the tests call the ORM synchronously.
        # conftest.child_environment() drops it again for the server and the management commands.
        "DJANGO_ALLOW_ASYNC_UNSAFE": "true",
    }
)
for name in ("DJANGO_TEST_DB_NAME", "DJANGO_SECRET_KEY", "DJANGO_SECURE_SSL_REDIRECT", "DJANGO_SECURE_COOKIES"):
    os.environ.pop(name, None)


def pytest_unconfigure(config):
    """The database lives only as long as the run (the server has stopped by now)."""
    shutil.rmtree(E2E_DIR, ignore_errors=True)
