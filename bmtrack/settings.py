"""bmtrack settings: one module, read from the environment, runnable with nothing set.

With no variable set it runs on the embedded default: SQLite under ``var/`` and a Celery broker
that needs no server (kombu's filesystem transport, whose folders are created here before any
worker starts). ``DATABASE_URL`` switches to PostgreSQL (psycopg 3), ``REDIS_URL`` /
``CELERY_BROKER_URL`` to Redis. Every variable is documented in the README's table.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from bmtrack.env import env_bool, env_int, env_list, env_str, env_url, env_zone

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("BMTRACK_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)
# HTTPS turns on the production transport hardening (secure cookies, HSTS, redirect); the embedded
# default serves plain HTTP on localhost and so leaves it off.
HTTPS = env_bool("BMTRACK_HTTPS", False)


def _secret_key() -> str:
    key = env_str("SECRET_KEY")
    if key:
        if len(key) < 50:
            raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters")
        return key
    if HTTPS:
        raise ImproperlyConfigured("SECRET_KEY must be set when BMTRACK_HTTPS is on (production)")
    # Embedded default: a random key kept under var/ so sessions survive a restart.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_url("SITE_URL", "http://127.0.0.1:8000", {"http", "https"}).rstrip("/")
if HTTPS and not SITE_URL.startswith("https://"):
    raise ImproperlyConfigured("SITE_URL must be an https:// address when BMTRACK_HTTPS is on (links in emails)")
if HTTPS and "*" in ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must name the site's hosts, not '*', when BMTRACK_HTTPS is on")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_filters",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "simple_history",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "bmtrack.core",
    "bmtrack.accounts",
    "bmtrack.patients",
    "bmtrack.surveillance",
    "bmtrack.boards",
    "bmtrack.pacs",
    "bmtrack.api",
    "bmtrack.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "bmtrack.accounts.middleware.RequireAdminOTPMiddleware",
    "bmtrack.accounts.middleware.RequireRoleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "bmtrack.core.middleware.IdleTimeoutMiddleware",
    "bmtrack.core.middleware.ContentSecurityPolicyMiddleware",
    "bmtrack.core.middleware.NoStoreMiddleware",
    "bmtrack.core.audit.AccessLogMiddleware",
    # Last, so that a lockout answers before any view runs.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "bmtrack.urls"
WSGI_APPLICATION = "bmtrack.wsgi.application"
ASGI_APPLICATION = "bmtrack.asgi.application"
AUTH_USER_MODEL = "accounts.User"

TEMPLATES = [
    {
        # Django's backend, freeing each page's context once it is written (bmtrack.core.templates).
        "BACKEND": "bmtrack.core.templates.DjangoTemplates",
        "NAME": "django",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "bmtrack.core.context_processors.perms",
                "django.contrib.messages.context_processors.messages",
                "bmtrack.core.context_processors.site",
            ],
            # Dates, citations and form error summaries, the same on every page, packet and email.
            "builtins": ["bmtrack.core.templatetags.plain"],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
_default_db = f"sqlite:///{VAR_DIR / 'bmtrack.sqlite3'}"
DATABASE_URL = env_url("DATABASE_URL", _default_db, {"sqlite", "postgres", "postgresql", "pgsql"})
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60, low=0))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat share one SQLite file: wait for the write lock rather than fail.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif env_bool("DB_SERVER_SIDE_BINDING", True):
    # Values travel apart from the SQL, and a query the app sends again (every page sends the same
    # shapes) is prepared after psycopg's 5 runs on a connection and not planned again (Django turns
    # psycopg's preparing off unless ``prepare_threshold`` is given): the patient page ~13 % faster
    # (docs/benchmarks.md). Behind a pooler in transaction mode (PgBouncer before 1.21) prepared
    # statements break: set DB_SERVER_SIDE_BINDING=0 there.
    DATABASES["default"]["OPTIONS"] = {"server_side_binding": True, "prepare_threshold": 5}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis, cache, Celery -------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    env_url("REDIS_URL", REDIS_URL, {"redis", "rediss"})
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

BROKER_DIR = VAR_DIR / "broker"
CELERY_BROKER_URL = env_url(
    "CELERY_BROKER_URL", REDIS_URL or "filesystem://", {"redis", "rediss", "filesystem", "amqp"}
)
if CELERY_BROKER_URL.startswith("filesystem://"):
    # kombu's filesystem transport only carries messages between processes when both folders
    # exist before the worker starts; create them here, which every process imports first.
    for sub in ("out", "processed", "control"):
        (BROKER_DIR / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "out"),
        "data_folder_out": str(BROKER_DIR / "out"),
        "processed_folder": str(BROKER_DIR / "processed"),
        # Broadcast (remote control) messages; kombu's default is ./control in the working dir.
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
else:
    # A task a killed worker held comes back after this. No email waits for it: the beat runs the
    # sender every minute and a row a dead sender claimed is free again after OUTBOX_LEASE_SECONDS.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TIMEZONE = "UTC"
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 300, low=10)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 30 if CELERY_TASK_TIME_LIMIT > 60 else CELERY_TASK_TIME_LIMIT
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# --- Email ----------------------------------------------------------------------------------
EMAIL_HOST = env_str("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
else:
    # Embedded default: emails are written under var/mail so the demo shows them without a server.
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")
EMAIL_PORT = env_int("EMAIL_PORT", 25, low=1, high=65535)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20, low=1)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "bmtrack <bmtrack@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Time -----------------------------------------------------------------------------------
USE_TZ = True
# One date format everywhere ("4 Dec 2026", "16:01", "4 Dec 2026, 16:01"): bmtrack.core.formatting; the
# format modules make Django's own rendering (admin, {{ value }}, |date) agree.
FORMAT_MODULE_PATH = ["bmtrack.core.formats"]
DATE_FORMAT = "j M Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
TIME_ZONE = env_zone("TIME_ZONE", "Europe/Amsterdam")
LANGUAGE_CODE = "en-gb"
USE_I18N = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns on a missing root before collectstatic
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG and env_bool("BMTRACK_MANIFEST_STATIC", False)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True

# --- Authentication and security ------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "bmtrack.accounts.backends.RoleBackend",  # Django's ModelBackend, roles read with their permissions
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "web:worklist"
LOGOUT_REDIRECT_URL = "login"
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, low=1)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 30, low=1) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
SESSION_IDLE_TIMEOUT_SECONDS = env_int("SESSION_IDLE_MINUTES", 30, low=1) * 60
SESSION_COOKIE_AGE = 12 * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if env_bool("BMTRACK_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Paths a load balancer probes over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
OTP_TOTP_ISSUER = "bmtrack"
BMTRACK_ADMIN_REQUIRES_2FA = env_bool("BMTRACK_ADMIN_REQUIRES_2FA", True)
if HTTPS and not BMTRACK_ADMIN_REQUIRES_2FA:
    raise ImproperlyConfigured("BMTRACK_ADMIN_REQUIRES_2FA cannot be off when BMTRACK_HTTPS is on (production)")
API_TOKEN_MAX_AGE_DAYS = env_int("API_TOKEN_MAX_AGE_DAYS", 90, low=1, high=3650)

# --- REST framework -------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "bmtrack.accounts.api_tokens.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON only, bounded in depth and characters (bmtrack.core.json_limits); no browsable HTML API.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["bmtrack.core.json_limits.BoundedJSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["bmtrack.api.filters.StrictFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "bmtrack.api.pagination.DefaultCursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "bmtrack.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "bmtrack.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "bmtrack API",
    "DESCRIPTION": "Longitudinal surveillance of patients with brain metastases.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI from drf-spectacular-sidecar's static files: the docs page loads nothing from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One schema name per vocabulary shared by several resources.
    "ENUM_NAME_OVERRIDES": {
        "PatientStatusEnum": "bmtrack.patients.models.choices.PatientStatus",
        "TreatmentKindEnum": "bmtrack.patients.models.choices.TreatmentKind",
        "TreatmentStatusEnum": "bmtrack.patients.models.choices.TreatmentStatus",
        "TumourTypeEnum": "bmtrack.patients.models.choices.TumourType",
        "NeuroStatusEnum": "bmtrack.patients.models.choices.NeuroStatus",
        "DueKindEnum": "bmtrack.surveillance.models.DueKind",
        "DueStateEnum": "bmtrack.surveillance.models.DueState",
        "WatchKindEnum": "bmtrack.surveillance.models.WatchKind",
        "GeneStatusEnum": ["positive", "negative", "unknown"],
        "KpsEnum": "bmtrack.patients.models.facts.KPS_CHOICES",
        "WorkupResultEnum": "bmtrack.patients.models.choices.WorkupResult",
        "WorkupMethodEnum": "bmtrack.patients.models.choices.WorkupMethod",
    },
}

# --- bmtrack --------------------------------------------------------------------------------
# OHIF-style viewer link; {study_uid} is replaced by the scan's DICOM Study Instance UID.
DICOM_VIEWER_URL_TEMPLATE = env_str("DICOM_VIEWER_URL_TEMPLATE", "")
if DICOM_VIEWER_URL_TEMPLATE and "{study_uid}" not in DICOM_VIEWER_URL_TEMPLATE:
    raise ImproperlyConfigured("DICOM_VIEWER_URL_TEMPLATE must contain {study_uid}")
ESCALATION_DAYS_DEFAULT = env_int("ESCALATION_DAYS", 14, low=0, high=365)
SWEEP_INTERVAL_MINUTES = env_int("SWEEP_INTERVAL_MINUTES", 5, low=1, high=60)
BOARD_AGENDA_DAYS_BEFORE = env_int("BOARD_AGENDA_DAYS_BEFORE", 2, low=0, high=30)
# The email outbox (bmtrack.surveillance.outbox): retry a failed send after base × 2^(attempt-1)
# seconds, capped; give up after OUTBOX_MAX_ATTEMPTS. A row claimed by a sender that died is
# taken up again after the lease, which must outlast one send (EMAIL_TIMEOUT).
OUTBOX_RETRY_BASE_SECONDS = env_int("OUTBOX_RETRY_BASE_SECONDS", 60, low=1, high=3600)
OUTBOX_RETRY_MAX_SECONDS = env_int("OUTBOX_RETRY_MAX_SECONDS", 3600, low=1, high=86400)
OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 12, low=1, high=100)
OUTBOX_LEASE_SECONDS = env_int("OUTBOX_LEASE_SECONDS", 300, low=2, high=86400)
# One send waits up to EMAIL_TIMEOUT at each of its SMTP steps (connect, EHLO, STARTTLS, EHLO, AUTH,
# MAIL, RCPT, DATA, end of data, QUIT): a lease shorter than all ten could hand a row that is still
# being sent to a second sender, and the patient's alert would go twice (security review #18).
OUTBOX_SEND_STEPS = 10
if OUTBOX_LEASE_SECONDS <= OUTBOX_SEND_STEPS * EMAIL_TIMEOUT:
    raise ImproperlyConfigured(
        f"OUTBOX_LEASE_SECONDS ({OUTBOX_LEASE_SECONDS}) must be longer than one send can take: "
        f"{OUTBOX_SEND_STEPS} x EMAIL_TIMEOUT = {OUTBOX_SEND_STEPS * EMAIL_TIMEOUT} s")
# An alert owed the moment a write records an already-late history waits this long, so that the
# rest of that history (the scan that closed the item) can be entered first; the content is checked
# again when it is sent. Alerts owed by the passage of time (the sweep) go at once.
SURVEILLANCE_WRITE_GRACE_SECONDS = env_int("SURVEILLANCE_WRITE_GRACE_SECONDS", 300, low=0, high=3600)

# --- PACS (DICOMweb) -------------------------------------------------------------------------
# bmtrack polls the hospital PACS for the MR and CT studies of the patients it follows
# (bmtrack.pacs). No URL means the feature is off and scans are typed in as before.
PACS_DICOMWEB_URL = env_str("PACS_DICOMWEB_URL").rstrip("/")
if PACS_DICOMWEB_URL:
    env_url("PACS_DICOMWEB_URL", PACS_DICOMWEB_URL, {"http", "https"})
PACS_DICOMWEB_USER = env_str("PACS_DICOMWEB_USER")
PACS_DICOMWEB_PASSWORD = env_str("PACS_DICOMWEB_PASSWORD")
PACS_DICOMWEB_TOKEN = env_str("PACS_DICOMWEB_TOKEN")
if PACS_DICOMWEB_TOKEN and PACS_DICOMWEB_USER:
    raise ImproperlyConfigured("Set PACS_DICOMWEB_TOKEN or PACS_DICOMWEB_USER/PASSWORD, not both")
PACS_POLL_SECONDS = env_int("PACS_POLL_SECONDS", 300, low=10, high=86400)
# The assigning authority of the PatientIDs that are bmtrack's MRNs (IssuerOfPatientID); empty: any.
PACS_PATIENT_ID_ISSUER = env_str("PACS_PATIENT_ID_ISSUER")
# followed: one search per followed patient (a hospital-wide PACS: nothing of other patients comes in).
# all: every MR/CT study in the date range (a gateway that only receives the studies routed to bmtrack;
# a study of an unknown patient goes to the unmatched queue).
PACS_POLL_SCOPE = env_str("PACS_POLL_SCOPE", "followed")
if PACS_POLL_SCOPE not in {"followed", "all"}:
    raise ImproperlyConfigured(f"PACS_POLL_SCOPE={PACS_POLL_SCOPE!r} must be 'followed' or 'all'")
# Each poll searches from (last successful poll − this many days): studies sent to the PACS late.
PACS_LOOKBACK_DAYS = env_int("PACS_LOOKBACK_DAYS", 3, low=0, high=365)
PACS_PAGE_SIZE = env_int("PACS_PAGE_SIZE", 100, low=1, high=1000)
# A study with more series than this is refused with an error on that study (a mis-sent archive).
PACS_MAX_SERIES = env_int("PACS_MAX_SERIES", 200, low=1, high=100000)
PACS_TIMEOUT_SECONDS = env_int("PACS_TIMEOUT_SECONDS", 30, low=1, high=600)
# A PACS that is down: the poll retries after base × 2^n seconds (jittered), up to the maximum.
PACS_RETRY_BASE_SECONDS = env_int("PACS_RETRY_BASE_SECONDS", 30, low=1, high=3600)
PACS_RETRY_MAX_SECONDS = env_int("PACS_RETRY_MAX_SECONDS", 900, low=1, high=86400)
# DICOM SR measurements made in a viewer arrive days after the images: pending scans this recent are
# searched for new SR documents at each poll.
PACS_SR_LOOKBACK_DAYS = env_int("PACS_SR_LOOKBACK_DAYS", 30, low=0, high=365)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # No secret from a URL path (the calendar feed's token) reaches a log line.
    "filters": {"redact_secrets": {"()": "bmtrack.core.redaction.RedactSecretsFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact_secrets"]}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Request logs carry paths, which carry only opaque UUIDs; keep Django's at WARNING.
        "django.request": {"level": "WARNING"},
        "django.server": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # dicomweb-client logs every request with its study and series UIDs: identifiers stay out of logs.
        "dicomweb_client": {"level": "WARNING"},
    },
}
