"""Django settings for tsunagari, read from environment variables.

The defaults run the embedded demo (SQLite in WAL mode, DEBUG off, a
generated secret kept in var/). Set DATABASE_URL to a postgres:// URL to
switch the whole product to PostgreSQL.
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from tsunagari.lib.env import envbool, envint, envlist, envstr

# Running under pytest or `manage.py test` (static files are not collected there).
TESTING = (
    "pytest" in Path(sys.argv[0]).name or sys.argv[1:2] == ["test"] or "PYTEST_XDIST_WORKER" in os.environ
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(envstr("TSUNAGARI_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = envstr("SECRET_KEY", "") or _secret_key()
# Rotation with an overlap (docs/operations.md): the previous keys, still accepted for sessions,
# password-reset and invitation links and signed cookies, while SECRET_KEY signs everything new.
SECRET_KEY_FALLBACKS = envlist("SECRET_KEY_FALLBACKS", [])
DEBUG = envbool("DEBUG", False)
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = envstr("SITE_URL", "http://127.0.0.1:8000")
# Demo conveniences (e.g. printing TOTP codes of demo accounts). Off in production.
DEMO_MODE = envbool("TSUNAGARI_DEMO", False)

INSTALLED_APPS = [
    "accounts.admin_config.OperatorAdminConfig",  # django.contrib.admin behind the second factor
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "tsunagari",
    "tsunagari.lib.outbox",
    "tsunagari.lib.jobs",
    "platforms",
    "accounts",
    "audit",
    "partnership",
    "directory",
    "gaps",
    "surveys",
    "consultations",
    "governance",
    "events",
    "network",
    "mailings",
    "outcomes",
    "operations",
]

MIDDLEWARE = [
    "tsunagari.lib.proxy.RealClientAddressMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Outside the platform middleware, so its own answers (login and second-factor redirects on
    # staff URLs) get the headers too.
    "tsunagari.lib.headers.SecurityHeadersMiddleware",
    "tsunagari.lib.headers.DocumentCSPMiddleware",
    "accounts.middleware.PlatformMiddleware",
    "tsunagari.errors.HelpMemoMiddleware",
    "tsunagari.errors.RateLimitedMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tsunagari.urls"
CSRF_FAILURE_VIEW = "tsunagari.errors.csrf_failure"
WSGI_APPLICATION = "tsunagari.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "platforms.context_processors.platform",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        envstr("DATABASE_URL", f"sqlite:///{VAR_DIR / 'tsunagari.sqlite3'}"),
        conn_max_age=envint("DB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers and one writer work at once; IMMEDIATE avoids
        # "database is locked" on upgrade from read to write transactions.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["TEST"] = {"NAME": envstr("TEST_SQLITE_NAME", "") or None}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The planner's cost of a random page read: 1.1 suits SSDs (PostgreSQL's default 4 assumes
    # spinning disks and makes it scan whole tables instead of using the search's GIN index).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c random_page_cost={float(envstr('DB_RANDOM_PAGE_COST', '1.1'))}"
    )

# Shared by every web process (throttles of public forms): the database cache needs no other
# server; `manage.py createcachetable` makes its table (make run does; the test runner too).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "tsunagari_cache",
        # Rate-limit counters and the HSDS API's stored answers (directory.api_cache).
        "OPTIONS": {"MAX_ENTRIES": 5000},
    }
}

# Rate limits per client address on groups of public requests (tsunagari/errors.py): scope ->
# (requests, per seconds); over them the Japanese 429 page (JSON for the API) and Retry-After.
# RATE_LIMITS=off switches them off (benchmarks that load one endpoint from one client only).
PUBLIC_RATE_LIMITS: dict[str, tuple[int, int]] = (
    {}
    if envstr("RATE_LIMITS", "on") == "off"
    else {
        "hsds": (300, 300),
        "search": (60, 60),
        "survey_start": (30, 600),
        "anonymous_post": (300, 600),
    }
)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

PASSWORD_HASHERS = [
    # Tests hash hundreds of fixture passwords: cheaper argon2 parameters there, same algorithm.
    "tsunagari.lib.hashers.TestArgon2PasswordHasher"
    if TESTING
    else "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Login throttling, two layers (issue 16): django-axes locks an e-mail + client address pair
# after 5 failures for 30 minutes, the address being the real client's (tsunagari/lib/proxy.py
# takes X-Real-IP from TRUSTED_PROXIES only), so an attacker locks only their own address; and
# per account name from any address, growing delays after 10 failures (accounts.models.LoginDelay),
# so rotating addresses does not help. The secretariat admin can clear both for a colleague.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5)
AXES_CLIENT_IP_CALLABLE = "tsunagari.lib.client.client_ip"
AXES_COOLOFF_TIME = 0.5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_VERBOSE = False

OTP_TOTP_ISSUER = "tsunagari"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 8 * 3600)
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = envbool("SECURE_COOKIES", False)
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", False)
# Load balancers check the web processes directly over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Reverse proxies whose X-Real-IP header names the client (e.g. "127.0.0.1" for nginx on the
# same machine); requests from any other address keep their own address (tsunagari/lib/proxy.py).
TRUSTED_PROXIES = envlist("TRUSTED_PROXIES", [])
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if envbool("BEHIND_TLS_PROXY", False) else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", "日本語"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if envbool("STATIC_MANIFEST", not TESTING)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

EMAIL_HOST = envstr("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envstr("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
EMAIL_BACKEND = envstr("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_TIMEOUT = 10
# The outbox (tsunagari/lib/mail.py): tries per mail and the first retry delay (then doubling).
MAIL_MAX_ATTEMPTS = envint("MAIL_MAX_ATTEMPTS", 8)
MAIL_RETRY_BASE_SECONDS = envint("MAIL_RETRY_BASE_SECONDS", 60)
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "tsunagari <noreply@tsunagari.example.jp>")

LOG_FORMAT = envstr("LOG_FORMAT", "text")
if LOG_FORMAT not in {"text", "json"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be 'text' or 'json', not {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "tsunagari.lib.logjson.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            **({"formatter": "json"} if LOG_FORMAT == "json" else {}),
        }
    },
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    # WeasyPrint logs every layout step at INFO (サポートリスト PDF).
    "loggers": {
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}


# Background work (django-tasks): the database backend, so that an enqueued task commits with
# the rows it works on; `manage.py db_worker` runs them (scripts/run.sh starts one beside gunicorn).
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "consultations", "mail", "imports"],
    }
}


def _generated_key(name: str, make) -> str:
    """A key generated once and kept in var/ (like SECRET_KEY) when the environment gives none."""
    key_file = VAR_DIR / name
    if not key_file.exists():
        key_file.write_text(make())
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _fernet_key() -> str:
    import base64

    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


# Consultation content at rest (consultations/crypto.py): Fernet keys, newest first. Rotate by
# putting a new key in front, running `manage.py reencrypt_consultations`, then dropping the old.
CONSULTATION_KEYS = envlist("CONSULTATION_KEYS", []) or [_generated_key("consultation_key", _fernet_key)]
# Secrets generated into var/ because the environment gave none: fine on one machine (the demo,
# development), refused by `manage.py check --deploy` when DEBUG is off (tsunagari/checks.py):
# every web and worker machine must share one key, or each encrypts with its own.
GENERATED_SECRETS = [
    name for name in ("SECRET_KEY", "CONSULTATION_KEYS", "CONSULTATION_INDEX_KEY") if not os.environ.get(name)
]
# Keyed hash for looking up channel identities (LINE userId) without storing them in clear.
CONSULTATION_INDEX_KEY = envstr("CONSULTATION_INDEX_KEY", "") or _generated_key(
    "consultation_index_key", lambda: secrets.token_urlsafe(32)
)
# LINE Messaging API endpoints; tests and the local simulator point these at a local fake server.
LINE_API_BASE = envstr("LINE_API_BASE", "https://api.line.me")
LINE_API_DATA_BASE = envstr("LINE_API_DATA_BASE", "https://api-data.line.me")
LINE_API_TIMEOUT = envint("LINE_API_TIMEOUT", 10)
# How long the LINE webhook waits for the database's write lock (SQLite: another process is
# writing) before it keeps the verified events encrypted in var/line-spool/ and answers 200;
# they are stored from there by the next webhook or `line_events --spool` (every minute).
LINE_STORE_WAIT_MS = envint("LINE_STORE_WAIT_MS", 2000)
# After the channel secret is changed in the staff settings, webhooks signed with the secret
# stored before are still accepted this long (LINE switching over; docs/operations.md).
LINE_SECRET_OVERLAP_SECONDS = envint("LINE_SECRET_OVERLAP_SECONDS", 600)
# Largest image accepted from LINE or the web chat; larger ones are recorded as "too large".
CONSULTATION_MAX_IMAGE_BYTES = envint("CONSULTATION_MAX_IMAGE_BYTES", 10 * 1024 * 1024)
# Longest text message kept whole; LINE itself caps text at 5,000 characters.
CONSULTATION_MAX_TEXT_CHARS = envint("CONSULTATION_MAX_TEXT_CHARS", 5000)

# Resident navigator map (directory): tile server URL template and its attribution. The map
# page lists every location without tiles or JavaScript too.
# Content-Security-Policy (django-csp; tsunagari.lib.headers.DocumentCSPMiddleware adds the map
# tiles' host to img-src): this origin only, no inline script or style, no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
DIRECTORY_MAP_TILES = envstr("DIRECTORY_MAP_TILES", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
DIRECTORY_MAP_ATTRIBUTION = envstr("DIRECTORY_MAP_ATTRIBUTION", "© OpenStreetMap contributors")
# Seconds the public HSDS API keeps an answer in the cache (directory.api_cache), and search
# the count of a large match (directory.search); any change of the directory retires both at
# once anyway. 0 turns both off.
DIRECTORY_API_CACHE_SECONDS = envint("DIRECTORY_API_CACHE_SECONDS", 600)
# Search answers' pieces written once per service (an API list item, a navigator card) that each
# process keeps until the directory changes (directory.pieces), at most this many (~1.6 KB
# each); 0 = none.
DIRECTORY_PIECES = envint("DIRECTORY_PIECES", 10000)
# Virus scan of files uploaded to the network's board (network/scanning.py): "" = none, and every
# file is shown as 「未検査」; "clamav" runs clamscan (or NETWORK_CLAMSCAN, e.g. clamdscan) on each
# file, with NETWORK_CLAMAV_DATABASE as its signature database when given.
NETWORK_FILE_SCANNER = envstr("NETWORK_FILE_SCANNER", "")
NETWORK_CLAMSCAN = envstr("NETWORK_CLAMSCAN", "clamscan")
NETWORK_CLAMAV_DATABASE = envstr("NETWORK_CLAMAV_DATABASE", "")
