"""One env-driven settings file.

Environment variables (all optional in development):

- ``FRONTDOOR_PROFILE``: ``development`` (default) or ``production``.
- ``DATABASE_URL``: e.g. ``postgres://user@127.0.0.1:5432/frontdoor``. Default: SQLite file
  ``var/frontdoor.sqlite3`` (WAL, IMMEDIATE transactions, busy timeout).
- ``SECRET_KEY``: required in production.
- ``ALLOWED_HOSTS``: comma-separated, required in production.
- ``FRONTDOOR_VAR_DIR``: where SQLite and other local state live (default ``var/``).
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent
PROFILE = os.environ.get("FRONTDOOR_PROFILE", "development")
PRODUCTION = PROFILE == "production"
VAR_DIR = Path(os.environ.get("FRONTDOOR_VAR_DIR", BASE_DIR / "var"))
NODE_MODULES = Path(os.environ.get("FRONTDOOR_NODE_MODULES", BASE_DIR / "node_modules"))

DEBUG = not PRODUCTION and os.environ.get("DEBUG", "1") == "1"

if PRODUCTION:
    SECRET_KEY = os.environ["SECRET_KEY"]
    # Rotating the key: put the old one here (comma-separated) until sessions signed with it
    # have expired (docs/security.md).
    SECRET_KEY_FALLBACKS = [k for k in os.environ.get("SECRET_KEY_FALLBACKS", "").split(",") if k]
    ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h]
else:
    SECRET_KEY = os.environ.get("SECRET_KEY", "development-only-not-secret-" + "x" * 40)
    ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]", "testserver"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "frontdoor.accounts",
    "frontdoor.audit",
    "frontdoor.outbox",
    "frontdoor.policies",
    "frontdoor.people",
    "frontdoor.matching",
    "frontdoor.intake",
    "frontdoor.mash",
    "frontdoor.transfers",
    "frontdoor.oversight",
    "frontdoor.strategy",
    "frontdoor.assessments",
    "frontdoor.escalations",
    "frontdoor.restricted",
    "frontdoor.retention",
    "frontdoor.web",
    "frontdoor.work",
    "frontdoor.finding",
    "frontdoor.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "frontdoor.accounts.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "frontdoor.web.middleware.ContentLengthMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "frontdoor.restricted.middleware.RestrictedRecordMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "frontdoor.accounts.middleware.IdleTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "frontdoor.accounts.middleware.DefaultDenyMiddleware",
    "frontdoor.accounts.middleware.TwoFactorMiddleware",
]

ROOT_URLCONF = "frontdoor.urls"
WSGI_APPLICATION = "frontdoor.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "frontdoor" / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "frontdoor.jinja2.environment",
            "context_processors": [
                "frontdoor.web.context.navigation",
                "frontdoor.accounts.context.security",
            ],
        },
    },
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # The admin's pages: Front Door's overrides first (ADR 16). Not in the Jinja2
        # engine's directory, which is asked first and cannot read Django's template syntax.
        "DIRS": [BASE_DIR / "frontdoor" / "templates_admin"],  # widgets: FORM_RENDERER
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    },
]


#: Django's form renderer, finding the admin's widget overrides too (ADR 16).
FORM_RENDERER = "frontdoor.web.renderers.FormRenderer"


def _database() -> dict[str, object]:
    url = os.environ.get("DATABASE_URL")
    if url:
        config: dict[str, object] = dict(dj_database_url.parse(url, conn_max_age=60))
        if os.environ.get("FRONTDOOR_TEST_DATABASE_NAME"):
            config["TEST"] = {"NAME": os.environ["FRONTDOOR_TEST_DATABASE_NAME"]}
        return config
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("FRONTDOOR_SQLITE_PATH", str(VAR_DIR / "frontdoor.sqlite3")),
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL;PRAGMA synchronous=FULL;"
                "PRAGMA busy_timeout=20000;PRAGMA foreign_keys=ON;"
            ),
        },
    }


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTHENTICATION_BACKENDS = ["frontdoor.accounts.backends.LockoutAwareModelBackend"]
# Argon2id first (docs/security.md): older hashes still verify and are upgraded at sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [
    ("govuk", NODE_MODULES / "govuk-frontend" / "dist" / "govuk"),
    ("moj", NODE_MODULES / "@ministryofjustice" / "frontend" / "moj"),
    BASE_DIR / "frontdoor" / "static",
]
# GOV.UK Frontend's compiled CSS asks for fonts and images at /assets/.
WHITENOISE_ROOT = NODE_MODULES / "govuk-frontend" / "dist" / "govuk"
WHITENOISE_USE_FINDERS = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

TASKS = {
    "default": {
        "BACKEND": os.environ.get("FRONTDOOR_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "frontdoor@example.org")

# The outbox (docs/outbox.md): how email leaves Front Door, and how hard it tries.
FRONTDOOR_OUTBOX_CHANNEL = os.environ.get("FRONTDOOR_OUTBOX_CHANNEL", "email")
FRONTDOOR_OUTBOX_LEASE_SECONDS = int(os.environ.get("FRONTDOOR_OUTBOX_LEASE_SECONDS", "300"))
FRONTDOOR_OUTBOX_MAX_ATTEMPTS = int(os.environ.get("FRONTDOOR_OUTBOX_MAX_ATTEMPTS", "10"))
FRONTDOOR_NOTIFY_API_KEY = os.environ.get("FRONTDOOR_NOTIFY_API_KEY", "")
FRONTDOOR_NOTIFY_TEMPLATE_ID = os.environ.get("FRONTDOOR_NOTIFY_TEMPLATE_ID", "")

# Referrals from outside (docs/intake.md).
#: The partner intake API refuses larger bodies with 413 before reading them (documents are
#: base64 in the JSON); Django's own limit must be at least as large.
FRONTDOOR_API_MAX_BODY_BYTES = int(os.environ.get("FRONTDOOR_API_MAX_BODY_BYTES", 10 * 1024**2))
DATA_UPLOAD_MAX_MEMORY_SIZE = FRONTDOOR_API_MAX_BODY_BYTES
#: How long a process trusts a partner API token it has looked up (0: look up every request).
#: A revocation is immediate in the process that makes it, and reaches the others within this.
FRONTDOOR_API_TOKEN_CACHE_SECONDS = float(os.environ.get("FRONTDOOR_API_TOKEN_CACHE_SECONDS", "10"))
#: "worker": a request only stores a submission and the worker makes it a contact within a
#: second or so (the default: intake stays fast and a contact bug cannot refuse a referral);
#: "inline": both in the request's transaction (no worker needed; most tests use it).
FRONTDOOR_INTAKE_CONVERT = os.environ.get("FRONTDOOR_INTAKE_CONVERT", "worker")
#: A submission still waiting to become a contact after this long is a reconciliation gap.
FRONTDOOR_INTAKE_GRACE_SECONDS = int(os.environ.get("FRONTDOOR_INTAKE_GRACE_SECONDS", "300"))
#: The address links in emails point at (the acknowledgement's outcome link, resume links).
FRONTDOOR_SITE_URL = os.environ.get("FRONTDOOR_SITE_URL", "http://127.0.0.1:8000")
#: How long a professional referrer's outcome link works, and how long a draft is kept.
FRONTDOOR_FEEDBACK_LINK_DAYS = int(os.environ.get("FRONTDOOR_FEEDBACK_LINK_DAYS", "90"))
FRONTDOOR_DRAFT_DAYS = int(os.environ.get("FRONTDOOR_DRAFT_DAYS", "28"))
#: How often the worker runs housekeeping (outbox sweep, reconciliation alerts, old drafts).
FRONTDOOR_HOUSEKEEPING_SECONDS = int(os.environ.get("FRONTDOOR_HOUSEKEEPING_SECONDS", "60"))

# --- Sign-in and sessions (docs/security.md, frontdoor/accounts/signin.py) ---------------
SESSION_COOKIE_AGE = 60 * 60 * 9  # one working day: the longest a session lasts
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
#: Minutes without a request after which a session is signed out (0: never).
FRONTDOOR_IDLE_MINUTES = int(os.environ.get("FRONTDOOR_IDLE_MINUTES", "30"))
#: Everyone who signs in must pass a second factor (a TOTP code). Always on in production;
#: the test suite turns it off except in the two-factor tests (conftest), so that
#: ``client.force_login`` keeps working there.
FRONTDOOR_REQUIRE_2FA = PRODUCTION or os.environ.get("FRONTDOOR_REQUIRE_2FA", "1") == "1"
#: Failed passwords or codes for one username within the window that lock it, and for how long.
FRONTDOOR_LOCKOUT_FAILURES = int(os.environ.get("FRONTDOOR_LOCKOUT_FAILURES", "5"))
FRONTDOOR_LOCKOUT_WINDOW_MINUTES = int(os.environ.get("FRONTDOOR_LOCKOUT_WINDOW_MINUTES", "15"))
FRONTDOOR_LOCKOUT_MINUTES = int(os.environ.get("FRONTDOOR_LOCKOUT_MINUTES", "15"))
#: The demo shows the current two-factor code on the sign-in page. ``frontdoor demo`` turns it
#: on for its own server; it can never be on in production.
FRONTDOOR_DEMO_MODE = not PRODUCTION and os.environ.get("FRONTDOOR_DEMO_MODE") == "1"
#: The issuer name authenticator apps show next to the code.
OTP_TOTP_ISSUER = os.environ.get("FRONTDOOR_TOTP_ISSUER", "Front Door")
#: Front Door's own lockout limits guessing; django-otp's per-device back-off would refuse a
#: correct code typed a second after a wrong one.
OTP_TOTP_THROTTLE_FACTOR = 0

# --- Security headers ----------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
#: Content Security Policy (django-csp 4): nothing inline except GOV.UK Frontend's one script,
#: which carries the request's nonce (``cspNonce`` in layout.html).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}
#: Browser features no page needs (frontdoor.accounts.middleware.SecurityHeadersMiddleware).
FRONTDOOR_PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "1") == "1"
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    # Every sign-in, failure, lockout and sign-out (also kept as SignInEvent rows).
    "loggers": {"frontdoor.signin": {"level": os.environ.get("SIGNIN_LOG_LEVEL", "INFO")}},
}

# Front Door's own settings
#: How long a break-glass grant opens a restricted record for (docs/restricted-records.md).
FRONTDOOR_BREAK_GLASS_MINUTES = int(os.environ.get("FRONTDOOR_BREAK_GLASS_MINUTES", "60"))
FRONTDOOR_SERVICE_NAME = "Front Door"
FRONTDOOR_COUNCIL_NAME = os.environ.get("FRONTDOOR_COUNCIL_NAME", "Demo City Council")

# Benchmark-only views (frontdoor/benchmarking.py) write without auth: never in production.
FRONTDOOR_BENCHMARK_VIEWS = os.environ.get("FRONTDOOR_BENCHMARK_VIEWS") == "1" and not PRODUCTION
