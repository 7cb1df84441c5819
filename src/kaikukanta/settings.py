"""Kaikukanta settings: one module, configured only from environment variables.

See `.env.example` and `docs/deploy.md` for every variable. DEBUG is off unless asked for.
Production is whatever is neither DEBUG, the demo (KAIKUKANTA_DEMO=1, set by `make run`)
nor the test suite: there a missing SECRET_KEY, ALLOWED_HOSTS or DATABASE_URL stops the
start, static files get hashed names, and HTTPS is enforced behind the TLS proxy.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from kaikukanta.lib.env import cache_settings, env_bool, env_int, env_list, env_str

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = PACKAGE_DIR.parent.parent
VAR_DIR = Path(env_str("KAIKUKANTA_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
DEMO = env_bool("KAIKUKANTA_DEMO", False)
TESTING = env_bool("KAIKUKANTA_TESTING", False)
PRODUCTION = not (DEBUG or DEMO or TESTING)

if PRODUCTION:
    _missing = [name for name in ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL",
                                  "KAIKUKANTA_CARD_SIGNING_KEY")
                if not (env_str(name) or "").strip()]
    if _missing:
        raise ImproperlyConfigured(
            f"{', '.join(_missing)} not set. Production needs SECRET_KEY, ALLOWED_HOSTS, "
            "DATABASE_URL and KAIKUKANTA_CARD_SIGNING_KEY in the environment (see "
            "docs/deploy.md); only DEBUG=1 or KAIKUKANTA_DEMO=1 may run without them."
        )

SECRET_KEY = env_str("SECRET_KEY") or "insecure-local-only-key-never-use-in-production"

# Mobile-card tokens (OmaKaiku): the base64 of a 32-byte Ed25519 private key. Make one
# with `manage.py card_signing_key`. Production refuses to start without it (above);
# DEBUG, the demo and the tests use a demo-only key everybody knows.
KAIKUKANTA_CARD_SIGNING_KEY = env_str("KAIKUKANTA_CARD_SIGNING_KEY", "")
# Earlier public keys (base64, raw 32 bytes) still accepted after a key change.
KAIKUKANTA_CARD_PREVIOUS_PUBLIC_KEYS = env_list("KAIKUKANTA_CARD_PREVIOUS_PUBLIC_KEYS", [])
KAIKUKANTA_CARD_TOKEN_MINUTES = env_int("KAIKUKANTA_CARD_TOKEN_MINUTES", 5)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "kaikukanta.lib",
    "kaikukanta.geo",
    "kaikukanta.network",
    "kaikukanta.accounts",
    "kaikukanta.audit",
    "kaikukanta.cards",
    "kaikukanta.usage",
    "kaikukanta.coordination",
    "kaikukanta.stats",
    "kaikukanta.wellbeing",
    "kaikukanta.api",
    "kaikukanta.oma",
    "kaikukanta.public",
    "kaikukanta.surveys",
    "kaikukanta.demo",
    "kaikukanta.ops",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
]

MIDDLEWARE = [
    "kaikukanta.ops.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "kaikukanta.lib.compression.CompressionMiddleware",  # gzip; see lib/compression.py
    # kaikukanta.api.middleware.X runs X (Django's sessions, sign-in, messages,
    # django-otp's middleware, the person's language and second factor)
    # for every page but not for the partner API's JSON endpoints, which need none of it.
    "kaikukanta.api.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",  # the API's endpoints are exempt
    "kaikukanta.api.middleware.AuthenticationMiddleware",  # an API call: anonymous
    "kaikukanta.api.middleware.OTPMiddleware",
    "kaikukanta.api.middleware.UserLanguageMiddleware",
    "kaikukanta.accounts.middleware.ScopeMiddleware",
    "kaikukanta.api.middleware.SecondFactorMiddleware",
    "kaikukanta.api.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "kaikukanta.lib.middleware.SecurityHeadersMiddleware",
    "kaikukanta.lib.unavailable.DatabaseUnavailableMiddleware",
    "axes.middleware.AxesMiddleware",  # turns a lockout into our "locked" page (429)
]

ROOT_URLCONF = "kaikukanta.urls"
WSGI_APPLICATION = "kaikukanta.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kaikukanta.lib.context_processors.page_frame",
            ],
        },
    },
]

# Connections are bounded by the process count: a gunicorn sync worker serves one request
# at a time and keeps at most one connection (CONN_MAX_AGE), so one app server holds at most
# WEB_CONCURRENCY + 1 (the task worker) connections. See docs/deploy.md.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'kaikukanta.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if env_str("DATABASE_REPLICA_URL"):
    # Dashboards read from a PostgreSQL replica (kaikukanta.lib.routers); writes never go there.
    DATABASES["replica"] = dj_database_url.parse(
        env_str("DATABASE_REPLICA_URL"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["kaikukanta.lib.routers.ReplicaRouter"]
# PostgreSQL through Django's backend with a health check that skips the `SELECT 1` on a
# connection that answered a request moments ago (lib/pgbackend), and without JIT
# compilation: every query here reads indexes or rollups and answers in milliseconds, but
# the planner's cost estimate of a dashboard's larger ones started JIT, whose compiling
# alone took 57-86 ms a statement at 1,000,000 cards.
for _db in DATABASES.values():
    if _db["ENGINE"] == "django.db.backends.postgresql":
        _db["ENGINE"] = "kaikukanta.lib.pgbackend"
        _db.setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses locked accounts and addresses first
    "kaikukanta.accounts.backends.EmailBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Sign-in security (README "Sign-in security"). django-axes counts failed sign-ins per
# account and, separately, per address; at its limit each is locked for the cool-off
# (counted from the last failure), or until a national admin unlocks it.
AXES_FAILURE_LIMIT = env_int("SIGNIN_FAILURE_LIMIT", 10)
SIGNIN_ADDRESS_FAILURE_LIMIT = env_int("SIGNIN_ADDRESS_FAILURE_LIMIT", 50)
AXES_HANDLER = "kaikukanta.accounts.lockout.AccountAndAddressHandler"
AXES_COOLOFF_TIME = timedelta(minutes=env_int("SIGNIN_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_USERNAME_CALLABLE = "kaikukanta.accounts.security.axes_username"
AXES_CLIENT_IP_CALLABLE = "kaikukanta.accounts.security.client_ip"
AXES_LOCKOUT_CALLABLE = "kaikukanta.accounts.two_factor.locked_out"
AXES_RESET_ON_SUCCESS = False  # a success must not clear the address counter
AXES_DISABLE_ACCESS_LOG = True  # no log of successful sign-ins (staff data kept minimal)
AXES_VERBOSE = False
# Behind N reverse proxies that append to X-Forwarded-For, the client is the N-th address
# from the right; 0 uses the connection's own address. Default: 1 behind the TLS proxy
# (production), else 0 — otherwise every sign-in would seem to come from the proxy.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT",
                              1 if env_bool("BEHIND_TLS_PROXY", PRODUCTION) else 0)
# Password-reset requests: at most this many per account and per address in the window.
KAIKUKANTA_PASSWORD_RESET_LIMIT = env_int("PASSWORD_RESET_LIMIT", 5)
KAIKUKANTA_PASSWORD_RESET_WINDOW_MINUTES = env_int("PASSWORD_RESET_WINDOW_MINUTES", 60)
# Second factor (django-otp): TOTP apps and one-time recovery codes.
OTP_TOTP_ISSUER = "Kaikukanta"
KAIKUKANTA_RECOVERY_CODE_COUNT = 10

SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 10)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not (DEBUG or DEMO or TESTING))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LANGUAGE_CODE = "fi"
LANGUAGES = [("fi", _("Finnish")), ("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
# Dates and numbers of each language (d.m.yyyy in fi and sv, "30 Nov 2026" in en);
# kaikukanta.lib.formatting is the one helper that writes them for pages and files.
FORMAT_MODULE_PATH = ["kaikukanta.lib.formats"]
TIME_ZONE = "Europe/Helsinki"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Production: `collectstatic` writes compressed files with hashed names, which WhiteNoise
# serves with a one-year, immutable cache header. Elsewhere files come from the apps as is.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage" if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "/media/"  # never served directly: generated files go through views

# The partner API reads JSON bodies of at most this many bytes (larger ones answer 413).
KAIKUKANTA_API_MAX_BODY = env_int("KAIKUKANTA_API_MAX_BODY", 64 * 1024)
# Cache: Redis (Django's built-in backend) when REDIS_URL is set, else this process's memory.
# The test suite always uses local memory.
CACHES = cache_settings(None if TESTING else env_str("REDIS_URL"))
_SHARED_CACHE = bool(env_str("REDIS_URL")) and not TESTING
# The person's cache (accounts/scope.py): each signed-in person's user row, scope and desk
# sites, dropped at once on any change to them. It needs a cache every process shares
# (Redis): with each process's own memory a change seen by one would be missed by the
# others. The test suite (one process, the cache cleared per test) runs with it on.
PERSON_CACHE = env_bool("PERSON_CACHE", _SHARED_CACHE or TESTING)
# Sessions stay rows in the database (a sign-out deletes the row, so a session can be
# revoked; signed-cookie sessions could not be); with Redis they are read through it
# (`cached_db`: a sign-out deletes both copies), which saves a query on every request. A
# deactivated person's session stops working through the user row (accounts/backends.py).
# `accounts.sessions` is `cached_db` that also reads, in the same round trip, what the
# session's requests read next (`lib.readahead`).
SESSION_ENGINE = ("kaikukanta.accounts.sessions" if _SHARED_CACHE
                  else "django.contrib.sessions.backends.db")

# Partner API requests allowed per key in each window (api/services.rate_limit).
KAIKUKANTA_API_RATE_LIMIT = env_int("API_RATE_LIMIT", 300)
KAIKUKANTA_API_RATE_WINDOW = env_int("API_RATE_WINDOW_SECONDS", 60)

# Partner API keys (with their organisation) are cached this many seconds, so that a
# request reads no key row (api/services.api_key_for_secret); a revoked or changed key is
# forgotten at once. Off without Redis: another process's memory would keep a revoked key.
KAIKUKANTA_API_KEY_CACHE_SECONDS = env_int(
    "API_KEY_CACHE_SECONDS", 600 if env_str("REDIS_URL") and not TESTING else 0)

# Dashboard results are cached this many seconds (stats/cache.py); 0 turns it off. Off
# without Redis: each process's own memory would miss the other processes' changes.
STATS_CACHE_SECONDS = env_int("STATS_CACHE_SECONDS",
                              600 if env_str("REDIS_URL") and not TESTING else 0)

# Background work (email, card-batch PDFs, the daily retention) runs in `manage.py
# run_worker`, which takes tasks from the database: no broker beyond PostgreSQL.
# TASKS_IMMEDIATE=1 runs them inside the request instead (the demo and the tests).
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if env_bool("TASKS_IMMEDIATE", DEMO or TESTING)
        else "django_tasks_db.DatabaseBackend",
    }
}

# Behind the TLS proxy (on by default in production): the proxy sets X-Forwarded-Proto,
# plain HTTP is redirected (except the load balancer's /healthz) and HSTS is sent.
if env_bool("BEHIND_TLS_PROXY", PRODUCTION):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", PRODUCTION)

# Retention (docs/privacy.md; `manage.py apply_retention`, run daily by the worker).
RETENTION_LOOKUP_LOG_DAYS = env_int("RETENTION_LOOKUP_LOG_DAYS", 365)
RETENTION_API_ANSWER_DAYS = env_int("RETENTION_API_ANSWER_DAYS", 30)
RETENTION_INVITATION_DAYS = env_int("RETENTION_INVITATION_DAYS", 90)
RETENTION_AUDIT_YEARS = env_int("RETENTION_AUDIT_YEARS", 5)
RETENTION_CARD_COARSEN_YEARS = env_int("RETENTION_CARD_COARSEN_YEARS", 3)
RETENTION_TASK_RESULT_DAYS = env_int("RETENTION_TASK_RESULT_DAYS", 30)
# The hour (local time) at which the worker starts the daily retention run.
RETENTION_HOUR = env_int("RETENTION_HOUR", 3)
# The hour (local time) at which the worker publishes the statistics periods that are due
# (stats.publication: a month 61 days after it ends, after its late entries).
STATISTICS_PUBLISH_HOUR = env_int("STATISTICS_PUBLISH_HOUR", 1)

# Backups (`manage.py backup`): where they go.
BACKUP_DIR = Path(env_str("BACKUP_DIR", str(VAR_DIR / "backups")))
BACKUP_KEEP_DAYS = env_int("BACKUP_KEEP_DAYS", 30)

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Kaikukanta <noreply@kaikukanta.invalid>")
# The site's address for links in emails the worker sends (it has no request to take it
# from). Production: set it; otherwise https:// and the first ALLOWED_HOSTS entry.
SITE_URL = (env_str("SITE_URL", "") or (f"https://{ALLOWED_HOSTS[0].lstrip('.')}"
                                        if PRODUCTION else "http://127.0.0.1:8000")).rstrip("/")
# OmaKaiku expiry reminders: this many days before a card's last valid day, sent by the
# worker's daily job at this hour (holders who gave an email; oma/reminders.py).
OMA_REMINDER_DAYS = env_int("OMA_REMINDER_DAYS", 30)
OMA_REMINDER_HOUR = env_int("OMA_REMINDER_HOUR", 10)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
