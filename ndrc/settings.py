"""Settings for the NDRC CCF product.

Everything that differs between a laptop and a deployment is read from the environment through
the strict helpers of ``lib.env``; the README lists every variable.
"""

import sys
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from lib.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)
# Demo mode: demo accounts may exist, plain HTTP on localhost is fine, a fixed dev key is accepted.
DEMO_MODE = env_bool("DEMO_MODE", False)

_PLACEHOLDER_KEYS = {"", "change-me", "changeme", "replace-me", "secret"}
_DEV_SECRET_KEY = "dev-only-insecure-key-for-demo-and-debug-never-in-production"  # noqa: S105
# Commands that only read the code (they serve no request and sign nothing) run without a key, so that
# `manage.py makemigrations --check` works on a bare checkout.
_KEYLESS_COMMAND = Path(sys.argv[0]).name == "manage.py" and sys.argv[1:2] in (["makemigrations"], ["showmigrations"])
SECRET_KEY = env_str("SECRET_KEY", "")


def _weak_key(key: str) -> bool:
    """Empty, a placeholder, the development key, Django's « insecure » one, shorter than 50 characters or with fewer
    than 5 distinct characters (the rule of Django's security.W009): a key anyone could guess signs nothing."""
    key = key.strip()
    return (
        key.lower() in _PLACEHOLDER_KEYS
        or key == _DEV_SECRET_KEY
        or key.startswith("django-insecure")
        or len(key) < 50
        or len(set(key)) < 5
    )


if _weak_key(SECRET_KEY):
    if not (DEBUG or DEMO_MODE or _KEYLESS_COMMAND):
        raise ImproperlyConfigured(
            "SECRET_KEY manquante ou factice (au moins 50 caractères variés) : définissez une clé secrète réelle "
            "(par exemple : python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
    if SECRET_KEY.strip().lower() in _PLACEHOLDER_KEYS:
        SECRET_KEY = _DEV_SECRET_KEY

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if (DEBUG or DEMO_MODE) else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "lib",
    "audit",
    "notifications",
    "health",
    "referentiel",
    "accounts",
    "passeport",
    "certification",
    "harmonisation",
    "mock_exams",
    "dataset",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "lib.sessions.IdleSessionRefreshMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "lib.middleware.SecurityHeadersMiddleware",
]

ROOT_URLCONF = "ndrc.urls"
CSRF_FAILURE_VIEW = "ndrc.views.csrf_failure"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.roles",
                "certification.evaluation.context_processors.todo",
                "ndrc.navigation.menu",
            ],
        },
    },
    {
        # Only for the hot partials (*.jinja) a Django template includes with {% jinja %}: see lib/jinja.py.
        "NAME": "jinja2",
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "lib.jinja.environment"},
    },
]

WSGI_APPLICATION = "ndrc.wsgi.application"

# --- Database -----------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", "")
if DATABASE_URL:
    import dj_database_url

    # Persistent connections, checked before each request (a connection cut by a database restart is replaced).
    # Kept ten minutes: the queries prepared on a connection (below) are lost with it.
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 600), conn_health_checks=True
        )
    }
    # PostgreSQL plans each query again at every execution: for the ORM's many-join queries planning costs more than
    # running them (a few ms per page, BENCHMARKS.md). With server-side binding, psycopg prepares a query on a
    # connection once it has run PG_PREPARE_THRESHOLD times there (2: a query run twice is run again, a one-off is
    # not worth a plan kept on the server), and the server keeps its plan. 0 turns it off
    # (needed behind a pooler in transaction mode, such as PgBouncer without max_prepared_statements).
    PG_PREPARE_THRESHOLD = env_int("PG_PREPARE_THRESHOLD", 2)
    if PG_PREPARE_THRESHOLD and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            {"server_side_binding": True, "prepare_threshold": PG_PREPARE_THRESHOLD}
        )
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("SQLITE_PATH", str(BASE_DIR / "var" / "db.sqlite3")),
            "OPTIONS": {
                # IMMEDIATE takes the write lock at BEGIN, so two writers queue on the busy timeout
                # instead of failing with "database is locked" when one upgrades a read lock.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA busy_timeout=20000; PRAGMA foreign_keys=ON;"
                ),
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# --- Authentication -------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = ["accounts.auth.ThrottledModelBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "accounts.validators.CnilPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # one day

# Throttling: per account, few failures; per IP, many more, because a whole school sits behind one NAT address.
LOGIN_FAILURES_PER_ACCOUNT = env_int("LOGIN_FAILURES_PER_ACCOUNT", 5)
LOGIN_FAILURES_PER_IP = env_int("LOGIN_FAILURES_PER_IP", 50)
# Behind N reverse proxies that each append to X-Forwarded-For, the client is the N-th address from the right
# (0: no proxy, REMOTE_ADDR is the client). Counting from the right ignores what a client forges on the left.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
# Public address of the site (« https://ccf.lycee.fr ») for links in emails sent by background jobs.
SITE_URL = env_str("SITE_URL", "").rstrip("/")
LOGIN_THROTTLE_MINUTES = env_int("LOGIN_THROTTLE_MINUTES", 15)
# One-time codes printed for a first login without email (« Première connexion »): days before they expire.
ACCESS_CODE_DAYS = env_int("ACCESS_CODE_DAYS", 30)

SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Idle expiry: the 8 hours count from the last request. Not SESSION_SAVE_EVERY_REQUEST (a write per page, which on
# SQLite makes every request queue for the write lock): lib.sessions refreshes the expiry at most once a minute.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_SECONDS = env_int("SESSION_REFRESH_SECONDS", 60)

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "fr-fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# --- Static and private media ---------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "var" / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    # Uploaded files are private: never under a public URL, only served by views that check access. A deleted file
    # stays for a grace period so that every backup is complete (lib/storage.py).
    "default": {"BACKEND": "lib.storage.TombstoneStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))

# --- Caches ---------------------------------------------------------------------------------
# "pdf" holds fiche PDFs and their « tient sur deux pages » results, keyed by a hash of the fiche's HTML and the
# print stylesheet: in the database, so every gunicorn worker, task worker and host shares one copy (a per-process
# memory cache would miss on most requests), bounded by PDF_CACHE_MAX_ENTRIES (a quarter culled when full).
# Its table is created by passeport's migration 0003 (createcachetable).
# "shared" holds what lib.generations keeps (a count per staff member, the harmonisation page's content) under the
# numbers of the data it was computed from: in the database too, so that one computation serves every worker (four
# per-process copies made the first request of each worker pay it: 8 % of the harmonisation requests of a load run).
# Its table is created by lib's migration 0002.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "shared": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "ndrc_shared_cache",
        "TIMEOUT": 300,
        "OPTIONS": {"MAX_ENTRIES": env_int("SHARED_CACHE_MAX_ENTRIES", 5000), "CULL_FREQUENCY": 4},
    },
    "pdf": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "ndrc_pdf_cache",
        "TIMEOUT": 60 * 60 * 24 * 60,
        "OPTIONS": {"MAX_ENTRIES": env_int("PDF_CACHE_MAX_ENTRIES", 3000), "CULL_FREQUENCY": 4},
    },
}
MEDIA_URL = None
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
STUDENT_IMPORT_MAX_BYTES = env_int("STUDENT_IMPORT_MAX_BYTES", 2 * 1024 * 1024)
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_BYTES", 10 * 1024 * 1024)

# --- Email: every message goes through the outbox, the worker delivers it over SMTP ----------
EMAIL_BACKEND = "notifications.backends.OutboxEmailBackend"
# In demo mode the worker writes messages to files under var/mail (EMAIL_FILE_PATH), so `make run` needs no SMTP
# server and the demo user can open the reset link there; setting OUTBOX_DELIVERY_BACKEND overrides this.
OUTBOX_DELIVERY_BACKEND = env_str(
    "OUTBOX_DELIVERY_BACKEND",
    "django.core.mail.backends.filebased.EmailBackend" if DEMO_MODE else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))
OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 8)
OUTBOX_RETRY_BASE_SECONDS = env_int("OUTBOX_RETRY_BASE_SECONDS", 30)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 1025 if (DEBUG or DEMO_MODE) else 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "NDRC CCF <ne-pas-repondre@ndrc-ccf.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Demo data loaders, in dependency order; each is idempotent and returns {what: how many created}.
DEMO_LOADERS = [
    "accounts.demo.load_demo",
    "passeport.demo.load_demo",
    "certification.dossiers.demo.load_demo",
    "certification.commissions.demo.load_demo",
    "certification.evaluation.demo.load_demo",
    "mock_exams.demo.load_demo",
]

# --- Background tasks ---------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# --- Health (/sante/, check_health) -------------------------------------------------------
# Below this much free space in MEDIA_ROOT (in Mo), /sante/ answers 503: packs and uploads would start failing.
HEALTH_MEDIA_MIN_FREE_MB = env_int("HEALTH_MEDIA_MIN_FREE_MB", 1024)
# A worker (`manage.py run_worker`) writes a heartbeat every HEALTH_HEARTBEAT_SECONDS; none for
# HEALTH_WORKER_MAX_AGE_SECONDS means no worker runs. A task due for HEALTH_TASK_MAX_WAIT_MINUTES means none works.
HEALTH_HEARTBEAT_SECONDS = env_int("HEALTH_HEARTBEAT_SECONDS", 30)
HEALTH_WORKER_MAX_AGE_SECONDS = env_int("HEALTH_WORKER_MAX_AGE_SECONDS", 180)
HEALTH_TASK_MAX_WAIT_MINUTES = env_int("HEALTH_TASK_MAX_WAIT_MINUTES", 15)
# An email due for this long and still not sent is a backlog (the outbox sweep runs every 30 s).
HEALTH_OUTBOX_MAX_DELAY_MINUTES = env_int("HEALTH_OUTBOX_MAX_DELAY_MINUTES", 30)
# check_health writes here when something fails (comma-separated addresses; empty: no email), directly over SMTP,
# at most once per state change and again after HEALTH_ALERT_REPEAT_HOURS if it lasts.
HEALTH_ALERT_EMAILS = env_list("HEALTH_ALERT_EMAILS", [])
HEALTH_ALERT_REPEAT_HOURS = env_int("HEALTH_ALERT_REPEAT_HOURS", 24)
HEALTH_ALERT_STATE_FILE = env_str("HEALTH_ALERT_STATE_FILE", str(BASE_DIR / "var" / "health-alert.json"))

# --- Security -----------------------------------------------------------------------------
_SECURE_DEFAULT = not (DEBUG or DEMO_MODE)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", _SECURE_DEFAULT)
# The probe may call gunicorn directly over HTTP on the host (no TLS there): it must not get a redirect.
SECURE_REDIRECT_EXEMPT = [r"^sante/$"]
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", _SECURE_DEFAULT)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", _SECURE_DEFAULT)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if _SECURE_DEFAULT else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", _SECURE_DEFAULT)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", _SECURE_DEFAULT)
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint reports every layout step at INFO: keep only its warnings.
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}
