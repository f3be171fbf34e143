"""One settings module, driven by the environment (twelve-factor).

Every knob a deployment turns is an environment variable read here; nothing else
in the project reads ``os.environ``.
"""

import sys
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse_lazy
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from backoffice.security.mail import mailer_from_email_config

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
TESTING = env.bool("DJANGO_TESTING", default="pytest" in sys.modules)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG and not TESTING:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off. For local work, `make run` sets DJANGO_DEBUG=1."
        )
    SECRET_KEY = "insecure-development-key-only-used-when-debug-is-on"  # noqa: S105

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# development / staging / production: shown as a label in the admin header.
ENVIRONMENT = env.str("DJANGO_ENVIRONMENT", default="development" if DEBUG else "production")

INSTALLED_APPS = [
    # Unfold before django.contrib.admin; its contrib apps in the order its docs give.
    "unfold",
    "unfold.contrib.filters",
    "unfold.contrib.forms",
    "unfold.contrib.import_export",
    "unfold.contrib.simple_history",
    "django.contrib.admin",
    # security: after the admin (re-registers axes' admin on Unfold), before auth (its createsuperuser wins).
    "backoffice.security",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "simple_history",
    "import_export",
    "django_filters",
    "rest_framework",
    "rest_framework_simplejwt",
    "rest_framework_simplejwt.token_blacklist",  # api: refresh tokens rotate and are blacklisted after use
    "drf_spectacular",
    "drf_spectacular_sidecar",  # api: Swagger UI / Redoc assets served locally
    "axes",  # security: login lockout (AxesMiddleware last, AxesStandaloneBackend first)
    "django_tasks_db",  # jobs: the database task backend and `manage.py db_worker`
    "backoffice",
    "backoffice.jobs",
    "backoffice.webhooks",  # api: signed event deliveries to other systems
    "backoffice.changesets",
    "inventory",
    "orders",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "backoffice.routing.ReplicaReadMiddleware",  # scale-out: GET reads replicas (none configured: no-op)
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "backoffice.admin_input.AdminInputMiddleware",  # admin: keys and filter values the database cannot take
    "backoffice.jobs.middleware.JobNotificationMiddleware",  # jobs: "your import finished" messages
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",  # security: SECURE_CSP below
    "axes.middleware.AxesMiddleware",  # security: must stay last
]

ROOT_URLCONF = "backoffice.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "backoffice" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",  # security: {{ csp_nonce }}
            ],
        },
    },
]

WSGI_APPLICATION = "backoffice.wsgi.application"
ASGI_APPLICATION = "backoffice.asgi.application"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"].setdefault("ATOMIC_REQUESTS", False)
if env.str("DJANGO_TEST_DB_NAME", default=""):
    # Lets several test runs share one PostgreSQL server without sharing a test database.
    DATABASES["default"].setdefault("TEST", {})["NAME"] = env.str("DJANGO_TEST_DB_NAME")
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=0)
# The cache holds API throttles and the password-reset rate limits. Per process by default; with
# several gunicorn workers set DJANGO_CACHE_URL=redis://127.0.0.1:6379/1 so the limits are shared.
CACHES = {"default": env.cache("DJANGO_CACHE_URL", default="locmemcache://")}

if DATABASES["default"]["ENGINE"] == "django.db.backends.mysql":
    # PyMySQL stands in for mysqlclient, which needs C headers a fresh machine may lack.
    import pymysql

    pymysql.version_info = (2, 2, 1, "final", 0)
    pymysql.install_as_MySQLdb()
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"charset": "utf8mb4", "init_command": "SET sql_mode='STRICT_TRANS_TABLES'"}
    )
    DATABASES["default"].setdefault("TEST", {}).update({"CHARSET": "utf8mb4", "COLLATION": "utf8mb4_unicode_ci"})
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the dev server and a management command share the file.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env.bool("DJANGO_PG_JIT_OFF", default=True):
    # bench: PostgreSQL's JIT compiled the admin's big aggregates for longer than they then ran
    # (dashboard SQL 16 s -> 8 s, product search 0.86 s -> 0.12 s at 1M orders; bench/RESULTS.md).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
# Read replicas (backoffice/routing.py): GET requests read them, writes and the requests right
# after a write go to the primary. The test run has one replica alias mirroring the test database;
# tests that want routing turn it on with settings.DATABASE_REPLICAS.
DATABASE_REPLICAS = []
for _number, _url in enumerate(env.list("DATABASE_REPLICA_URLS", default=[]), start=1):
    DATABASES[f"replica_{_number}"] = {
        **env.db_url_config(_url),
        "OPTIONS": DATABASES["default"].get("OPTIONS", {}),
        "CONN_MAX_AGE": DATABASES["default"]["CONN_MAX_AGE"],
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_REPLICAS.append(f"replica_{_number}")
if TESTING and not DATABASE_REPLICAS:
    DATABASES["replica_test"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}
DATABASE_ROUTERS = ["backoffice.routing.ReplicaRouter"]
PRIMARY_PIN_SECONDS = env.int("DJANGO_PRIMARY_PIN_SECONDS", default=10)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "backoffice.validators.PasswordPolicyValidator"},
    {"NAME": "backoffice.validators.PasswordStrengthValidator"},  # zxcvbn: repeats, sequences, keyboard walks
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("DJANGO_TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Uploaded files (staff avatars). Served only through views that check who asks, never as static files.
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Django 6.1 mailers; the security work reads SMTP settings from EMAIL_URL into "default".
MAILERS = {
    "default": {"BACKEND": env.str("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")},
}
if env.str("EMAIL_URL", default=""):
    # security: production mail (password reset) goes through SMTP, e.g. smtp+tls://user:pass@smtp.example.com:587
    MAILERS["default"] = mailer_from_email_config(env.email_url("EMAIL_URL"))
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="backoffice@localhost")

LOGIN_URL = reverse_lazy("admin:login")

if TESTING:
    # Hashing cost is not what the tests measure.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# --- security ------------------------------------------------------------------
# Staff accounts guard the whole shop; README.md ("Accounts and security") explains each knob and
# backoffice/tests/security/ proves it. Production means DEBUG off outside the test run.
PRODUCTION = not DEBUG and not TESTING

AUTHENTICATION_BACKENDS = [
    # Refuses a locked-out client before any password is checked (admin login and the JWT endpoint).
    "backoffice.security.backends.LockoutBackend",  # axes.backends.AxesStandaloneBackend
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("DJANGO_AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("DJANGO_AXES_COOLOFF_MINUTES", default=15))
# Lock one username from one address: a guesser cannot lock a colleague out from another machine.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "backoffice.security.lockout.lockout_response"
# Password-reset requests: per client address and per e-mail address, in a fixed window.
PASSWORD_RESET_LIMIT_PER_IP = env.int("DJANGO_PASSWORD_RESET_LIMIT_PER_IP", default=10)
PASSWORD_RESET_LIMIT_PER_EMAIL = env.int("DJANGO_PASSWORD_RESET_LIMIT_PER_EMAIL", default=3)
PASSWORD_RESET_WINDOW_SECONDS = env.int("DJANGO_PASSWORD_RESET_WINDOW_SECONDS", default=60 * 60)
# Unfold's login form posts no "next" field, so a login that started on /admin/login/ lands here.
LOGIN_REDIRECT_URL = reverse_lazy("admin:index")

# Sessions end after this many idle seconds; every request pushes the expiry forward.
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=PRODUCTION)

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=PRODUCTION)
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=365 * 24 * 3600 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=PRODUCTION)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_HSTS_PRELOAD", default=PRODUCTION)
if env.bool("DJANGO_BEHIND_PROXY", default=False):
    # Only behind a proxy that sets (and strips client-sent) X-Forwarded-Proto and X-Forwarded-For.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    AXES_IPWARE_PROXY_COUNT = env.int("DJANGO_PROXY_COUNT", default=1)
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")

# Content Security Policy (Django's own middleware). Unfold's admin needs two allowances:
# 'unsafe-eval' because its Alpine.js build compiles x-data/x-on expressions with new Function(),
# and inline styles because its templates and Alpine's x-bind:style write style attributes.
# Scripts stay limited to our own origin plus a per-request nonce; no inline script runs.
CONTENT_SECURITY_POLICY = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE, CSP.UNSAFE_EVAL],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
if env.bool("DJANGO_CSP_REPORT_ONLY", default=False):
    # For trying a stricter policy in production: the browser reports, nothing is blocked.
    SECURE_CSP, SECURE_CSP_REPORT_ONLY = {}, CONTENT_SECURITY_POLICY
else:
    SECURE_CSP, SECURE_CSP_REPORT_ONLY = CONTENT_SECURITY_POLICY, {}

# Password `manage.py ensure_admin` gives a new `admin` superuser; empty: it generates and prints one.
BOOTSTRAP_ADMIN_PASSWORD = env.str("DJANGO_ADMIN_PASSWORD", default="")

# --- the shop's own settings -------------------------------------------------
# Price of a product that has no price of its own and whose category has no default.
DEFAULT_PRODUCT_PRICE = Decimal(env.str("SHOP_DEFAULT_PRODUCT_PRICE", default="10.00"))
# The shop's currency, an ISO 4217 code (every amount is in it; backoffice.money).
SHOP_CURRENCY = env.str("SHOP_CURRENCY", default="EUR").strip().upper()
if not (len(SHOP_CURRENCY) == 3 and SHOP_CURRENCY.isascii() and SHOP_CURRENCY.isalpha()):
    raise ImproperlyConfigured(f"SHOP_CURRENCY must be an ISO 4217 code such as EUR or USD, not {SHOP_CURRENCY!r}.")
# Stock at or below this is "low" (badge, dashboard, sidebar).
LOW_STOCK_THRESHOLD = env.int("SHOP_LOW_STOCK_THRESHOLD", default=5)
# Largest file an import accepts, and most rows. 64 MB holds a 200,000-row product file with
# descriptions and tags (about 150 bytes a row); the work runs on a worker, not in the request.
IMPORT_MAX_FILE_SIZE = env.int("SHOP_IMPORT_MAX_FILE_SIZE", default=64 * 1024 * 1024)
IMPORT_MAX_ROWS = env.int("SHOP_IMPORT_MAX_ROWS", default=200_000)
# Deepest category path an import may create ("A > B > C" is depth 3).
CATEGORY_MAX_DEPTH = env.int("SHOP_CATEGORY_MAX_DEPTH", default=4)
# Largest avatar image a staff member may upload.
AVATAR_MAX_BYTES = env.int("SHOP_AVATAR_MAX_BYTES", default=2 * 1024 * 1024)
# OrderLine's covering index (include=) is PostgreSQL's; SQLite and MariaDB build it without the
# extra columns, which is what we want there: no warning about it on every command.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.mysql":
    # No unique index on LOWER(email) there, and none needed: the case-insensitive collation makes
    # the plain unique index on Customer.email compare without case (orders/models.py, its test).
    SILENCED_SYSTEM_CHECKS.append("models.W044")

# --- background jobs (django.tasks) -----------------------------------------
# README.md "Background jobs". The database backend (django-tasks-db) is the default everywhere:
# `manage.py db_worker` runs the queue. The test run executes tasks at once (ImmediateBackend)
# unless a test asks for the database backend; SHOP_TASKS_BACKEND=immediate does the same elsewhere.
TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
}
_tasks_backend = env.str("SHOP_TASKS_BACKEND", default="immediate" if TESTING else "database")
if _tasks_backend not in TASK_BACKENDS:
    raise ImproperlyConfigured(f"SHOP_TASKS_BACKEND={_tasks_backend!r}; use one of: {', '.join(TASK_BACKENDS)}.")
TASKS = {"default": {"BACKEND": TASK_BACKENDS[_tasks_backend], "QUEUES": ["default"]}}
# Where uploads, kept import plans, failed-row reports and export files live (a volume every web
# host and worker shares when there are several machines).
JOB_FILES_DIR = Path(env.str("SHOP_JOB_FILES_DIR", default=str(BASE_DIR / "var" / "jobs")))
# An admin export of more rows than this is written by a worker and kept for JOB_EXPORT_KEEP_HOURS.
JOB_EXPORT_ROWS_INLINE = env.int("SHOP_EXPORT_ROWS_INLINE", default=10_000)
JOB_EXPORT_KEEP_HOURS = env.int("SHOP_EXPORT_KEEP_HOURS", default=24)
# Finished jobs (and their files) are pruned after this many days.
JOB_KEEP_DAYS = env.int("SHOP_JOB_KEEP_DAYS", default=30)
# A running job whose worker has not reported for this long is taken as dead: retried once, then failed.
JOB_STALE_SECONDS = env.int("SHOP_JOB_STALE_SECONDS", default=600)
JOB_MAX_ATTEMPTS = env.int("SHOP_JOB_MAX_ATTEMPTS", default=2)
# Periodic tasks `manage.py run_scheduler` enqueues (backoffice/jobs/schedule.py): one line each.
JOB_SCHEDULE = {
    "reap-stale-jobs": {"task": "backoffice.jobs.tasks.reap_stale_jobs", "every": 60},
    "prune-jobs": {"task": "backoffice.jobs.tasks.prune_jobs", "every": 3600},
    "low-stock-alert": {"task": "inventory.tasks.send_low_stock_alert", "every": 24 * 3600},
    "tier-rules": {"task": "orders.tasks.apply_tier_rules_daily", "every": 24 * 3600},
}

# --- simple-history ----------------------------------------------------------
SIMPLE_HISTORY_REVERT_DISABLED = False
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# --- import-export -----------------------------------------------------------
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "import"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "export"

# --- REST framework ----------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # api: JWT first, so an anonymous request gets 401 with WWW-Authenticate; sessions for the browsable API.
    # api: revocable JWTs (a per-user token version), API keys for machines, sessions for the browsable API.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "backoffice.security.authentication.RevocableJWTAuthentication",
        "backoffice.security.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # api: JSON request bodies only, so the schema (and every generated client) offers application/json;
    # DRF's parser, with a body nested past the recursion limit a 400 (backoffice/api/parsers.py).
    "DEFAULT_PARSER_CLASSES": ["backoffice.api.parsers.JSONParser"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "backoffice.api.pagination.PagePagination",
    "PAGE_SIZE": 25,
    "EXCEPTION_HANDLER": "backoffice.api.exceptions.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["backoffice.api.throttling.AnonThrottle", "backoffice.api.throttling.UserThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("SHOP_API_ANON_RATE", default="60/minute"),
        "user": env.str("SHOP_API_USER_RATE", default="1200/minute"),
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.int("SHOP_API_ACCESS_TOKEN_MINUTES", default=15)),
    "REFRESH_TOKEN_LIFETIME": timedelta(hours=env.int("SHOP_API_REFRESH_TOKEN_HOURS", default=24)),
    "AUTH_HEADER_TYPES": ("Bearer",),
    # api: a used refresh token is blacklisted and a new one returned (backoffice/security/tokens.py).
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "TOKEN_OBTAIN_SERIALIZER": "backoffice.security.tokens.TokenObtainSerializer",
    "TOKEN_REFRESH_SERIALIZER": "backoffice.security.tokens.TokenRefreshSerializer",
}
# api: webhooks (backoffice/webhooks/). A receiver refuses a signature older than the window.
WEBHOOK_TIMEOUT_SECONDS = env.int("SHOP_WEBHOOK_TIMEOUT_SECONDS", default=10)
WEBHOOK_MAX_ATTEMPTS = env.int("SHOP_WEBHOOK_MAX_ATTEMPTS", default=8)
WEBHOOK_TOLERANCE_SECONDS = 5 * 60
SPECTACULAR_SETTINGS = {
    "TITLE": "Back office API",
    "DESCRIPTION": (
        "Products, customers and orders of the shop. Every error is "
        "`{status, code, detail, errors: {field: [messages]}}`; unknown query parameters and ordering "
        "fields are rejected with 400; a well-formed request the current state refuses (stock, order "
        "status, rows in use) is a 409. Sign in at `token/` and send `Authorization: Bearer <access>`, "
        "or send an API key as `Authorization: Api-Key <key>`. Request bodies are JSON."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # api: request and response bodies as separate components (read-only fields stay out of requests).
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1/",
    "ENUM_NAME_OVERRIDES": {
        "ProductStatusEnum": "inventory.choices.ProductStatus",
        "OrderStatusEnum": "orders.choices.OrderStatus",
        "CustomerTierEnum": "orders.choices.CustomerTier",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "backoffice.api.schema.add_error_responses",
    ],
    # api: Swagger UI from drf-spectacular-sidecar's static files, no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
}

# --- Unfold ------------------------------------------------------------------
UNFOLD = {
    "SITE_TITLE": _("Shop back office"),
    "SITE_HEADER": _("Back office"),
    "SITE_SYMBOL": "storefront",
    "SHOW_HISTORY": True,
    "SHOW_VIEW_ON_SITE": False,
    "ENVIRONMENT": "backoffice.admin_site.environment_callback",
    "DASHBOARD_CALLBACK": "backoffice.dashboard.page.dashboard_callback",
    "STYLES": ["backoffice.admin_site.admin_styles"],
    "SIDEBAR": {
        "show_search": True,
        "show_all_applications": False,
        "navigation": "backoffice.admin_site.sidebar_navigation",
    },
    # The user menu: the account's own profile page, then the password change.
    "ACCOUNT": {"navigation": "backoffice.accounts.views.account_links"},
    "COMMAND": {
        # Our own bounded search instead of scanning every registered model.
        "search_models": False,
        "search_callback": "backoffice.dashboard.palette.command_search",
        "show_history": True,
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="WARNING")},
}
