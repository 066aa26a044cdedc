"""Django settings for motcua.

Everything that differs between a laptop demo and a production server comes from the environment:

- ``DATABASE_URL``: a PostgreSQL URL in production and in the second CI run; an embedded SQLite file
  under ``var/`` when unset (DESIGN.md principle 7).
- ``MOTCUA_SECRET_KEY``: required when ``MOTCUA_DEBUG`` is off. In debug mode a random key is
  generated once and kept in ``var/secret_key`` so that no secret is ever committed.
- ``MOTCUA_DEBUG``: ``1`` (default, demo) or ``0``.
- ``MOTCUA_ALLOWED_HOSTS``: comma-separated host names.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url

BASE_DIR = Path(os.environ.get("MOTCUA_HOME", Path.cwd())).resolve()
VAR_DIR = Path(os.environ.get("MOTCUA_VAR_DIR", BASE_DIR / "var")).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _env_flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = _env_flag("MOTCUA_DEBUG", True)
# A production installation (docs/deploy.md): it refuses to start with debug on, the demo secret key or the demo
# passwords (motcua.operations.checks).
MOTCUA_PRODUCTION = _env_flag("MOTCUA_PRODUCTION", False)


def _secret_key() -> str:
    key = os.environ.get("MOTCUA_SECRET_KEY")
    if key:
        return key
    if not DEBUG:
        raise RuntimeError("MOTCUA_SECRET_KEY must be set when MOTCUA_DEBUG is off.")
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = [h for h in os.environ.get("MOTCUA_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",  # second factor for officers and administrators (motcua.accounts.second_factor)
    "django_otp.plugins.otp_totp",
    "axes",  # login throttling and lock-out (motcua.accounts.lockout)
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "motcua.accounts",
    "motcua.calendars",
    "motcua.catalog",
    "motcua.dossiers",
    "motcua.documents",
    "motcua.datastore",
    "motcua.metrics",
    "motcua.reform",
    "motcua.portal",
    "motcua.web",
    "motcua.accesslog",
    "motcua.operations",
    "django_prometheus",
    "motcua.integrations",
    # providers of the edges (one Django app each, registering itself in its registry when loaded)
    "motcua.integrations.contrib.webhook",
    "motcua.integrations.notify",  # notices to applicants: templates (admin), the channels' outbox destinations
    "motcua.integrations.contrib.email",
    "motcua.integrations.contrib.sms",
    "motcua.integrations.contrib.national_portal",
    "motcua.integrations.contrib.oidc",  # citizens' sign-in (OpenID Connect, e.g. VNeID)
    "motcua.integrations.contrib.population",
    "motcua.payments",  # payments of fees (issue 11) and their providers:
    "motcua.payments.contrib.vnpay",
    "motcua.payments.contrib.paygov",
    "motcua.payments.contrib.counter",
    "motcua.signatures",  # signed results, their verification (issue 12)
    "motcua.integrations.contrib.local_signer",  # PKCS#12 signer, the signing destination, the TSA stand-in
    "motcua.integrations.contrib.remote_signer",  # hash-only remote signing service + its stand-in
    "motcua.ecopies",  # certified e-copies from originals, made at the counter (issue 12)
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # response hardening (issue 15; docs/deploy.md "Response headers"): CSP, Permissions-Policy, no-store below
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",  # static files from the application server (docs/deploy.md)
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "motcua.web.middleware.UnreadableBodyMiddleware",  # before CSRF: a broken multipart body is a 400
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified(): the session passed the second factor
    "motcua.web.middleware.PrivateCacheMiddleware",  # Cache-Control: no-store unless public (after auth)
    "django.contrib.messages.middleware.MessageMiddleware",
    "motcua.accounts.middleware.OfficerSessionMiddleware",  # officers: idle timeout, lifetime, second factor
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "motcua.accesslog.middleware.AccessLogMiddleware",
    "axes.middleware.AxesMiddleware",  # a locked-out login answers the login page with the lock's message
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "motcua.urls"
WSGI_APPLICATION = "motcua.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------
# SQLite runs in WAL mode with IMMEDIATE transactions so that concurrent writers queue on the lock
# instead of failing half-way; a busy timeout lets them wait for each other.
SQLITE_PATH = VAR_DIR / "motcua.sqlite3"
_SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}
if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        # a SQLite file named by URL (e.g. the test database handed to a worker subprocess) gets the same
        # locking behaviour as the default one, or concurrent writers would fail instead of waiting
        DATABASES["default"].update(CONN_MAX_AGE=0, OPTIONS=dict(_SQLITE_OPTIONS))
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": SQLITE_PATH,
            "OPTIONS": dict(_SQLITE_OPTIONS),
            "TEST": {"NAME": VAR_DIR / "test-motcua.sqlite3"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Internationalisation -------------------------------------------------------------------------
# The product speaks Vietnamese: interface strings are written in Vietnamese and marked for
# translation, so another language is a catalogue under locale/, not a code change.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [Path(__file__).resolve().parent / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files (Django storage API) -----------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"  # collectstatic's target; WhiteNoise serves it (and, in debug, the apps' own)
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_URL = "media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if MOTCUA_PRODUCTION:  # collectstatic's hashed, compressed copies (docs/deploy.md), served with far-future caching
    STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
if os.environ.get("MOTCUA_S3_BUCKET"):  # uploads in S3-compatible storage (pip install 'motcua[s3]')
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["MOTCUA_S3_BUCKET"],
            "endpoint_url": os.environ.get("MOTCUA_S3_ENDPOINT_URL") or None,
            "access_key": os.environ.get("MOTCUA_S3_ACCESS_KEY"),
            "secret_key": os.environ.get("MOTCUA_S3_SECRET_KEY"),
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Largest accepted scan or result document (checked by content type as well: PDF, JPEG, PNG).
MOTCUA_MAX_UPLOAD_BYTES = int(os.environ.get("MOTCUA_MAX_UPLOAD_BYTES", 10 * 1024 * 1024))
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Largest catalogue file accepted by the admin's import (a whole exported catalogue is about 14 MB of JSON).
MOTCUA_CATALOG_IMPORT_MAX_BYTES = int(os.environ.get("MOTCUA_CATALOG_IMPORT_MAX_BYTES", 50 * 1024 * 1024))
# Public address of the site, printed on paper forms (the receipt's QR code links to the tracking page).
MOTCUA_PUBLIC_URL = os.environ.get("MOTCUA_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")

# --- Digital signatures (issue 12; README "Signed results") --------------------------------------------
# Where the keys live: agencies/<electronic identifier>.p12 (the demo PKI is generated there by signing-setup).
MOTCUA_SIGNING_DIR = Path(os.environ.get("MOTCUA_SIGNING_DIR", str(VAR_DIR / "signing")))
MOTCUA_SIGNER = os.environ.get("MOTCUA_SIGNER", "local")  # which plugin of the signing edge signs results
MOTCUA_SIGNING_P12_PASSWORD = os.environ.get("MOTCUA_SIGNING_P12_PASSWORD", "")
MOTCUA_TSA_URL = os.environ.get("MOTCUA_TSA_URL", "")  # the RFC 3161 timestamp authority
MOTCUA_TSA_TIMEOUT_SECONDS = float(os.environ.get("MOTCUA_TSA_TIMEOUT_SECONDS", "10"))
# The remote signing service (MOTCUA_SIGNER=remote): hash sent, signature back once the official confirms.
MOTCUA_REMOTE_SIGNER_URL = os.environ.get("MOTCUA_REMOTE_SIGNER_URL", "")
MOTCUA_REMOTE_SIGNER_TOKEN = os.environ.get("MOTCUA_REMOTE_SIGNER_TOKEN", "")
# how long the official has to confirm a request in the app before the signing ends as expired
MOTCUA_REMOTE_SIGNER_TIMEOUT_SECONDS = float(os.environ.get("MOTCUA_REMOTE_SIGNER_TIMEOUT_SECONDS", "3600"))
# The catalogue's procedure certified e-copies are counted under (chứng thực bản sao từ bản chính; 766 indicator 4.3).
MOTCUA_ECOPY_PROCEDURE_CODE = os.environ.get("MOTCUA_ECOPY_PROCEDURE_CODE", "2.000815")
MOTCUA_SIGNING_FONT = os.environ.get("MOTCUA_SIGNING_FONT", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def _paths(name: str, demo_default: Path) -> list[str]:
    """A comma-separated list of files; unset in debug mode: the demo PKI's file (never in production)."""
    value = os.environ.get(name, "")
    if value:
        return [part.strip() for part in value.split(",") if part.strip()]
    return [str(demo_default)] if DEBUG else []


# The trust list (PEM files of root certificates) and the revocation lists embedded with each signature.
MOTCUA_SIGNING_TRUST_ROOTS = _paths("MOTCUA_SIGNING_TRUST_ROOTS", MOTCUA_SIGNING_DIR / "ca.pem")
MOTCUA_SIGNING_CRLS = _paths("MOTCUA_SIGNING_CRLS", MOTCUA_SIGNING_DIR / "ca.crl")
# Largest PDF the public verification accepts.
MOTCUA_VERIFY_MAX_BYTES = int(os.environ.get("MOTCUA_VERIFY_MAX_BYTES", 20 * 1024 * 1024))

# --- Security -------------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"


# Content-Security-Policy on every answer (django-csp): the pages load only their own static files, no inline
# script or style, no plug-in, nothing framed; a download answers "sandbox" instead (motcua.downloads).
# form-action also names the pages a form may lead to elsewhere: the payment providers' (a redirect after a POST).
def _origin(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in {"http", "https"} and parts.netloc else ""


_FORM_TARGETS = [_origin(os.environ.get(name, "")) for name in ("MOTCUA_VNPAY_PAYMENT_URL", "MOTCUA_PAYGOV_URL")]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'", *sorted({origin for origin in _FORM_TARGETS if origin})],
    }
}
# Permissions-Policy (django-permissions-policy): no page uses a device or a sensor; none may be asked for.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
        "browsing-topics",
    )
}

# --- Rate limits (motcua.ratelimits, django-ratelimit over the cache below; docs/deploy.md) ----------------------
# "<count>/<period>" with the period s, m, h, d or e.g. 5m; per client address, token writes per account.
MOTCUA_RATE_LIMITS = {
    "track": os.environ.get("MOTCUA_RATE_TRACK", "20/m"),  # tracking lookups by dossier code (web and API)
    "search": os.environ.get("MOTCUA_RATE_SEARCH", "60/m"),  # catalogue search (web list and API list)
    "calendar": os.environ.get("MOTCUA_RATE_CALENDAR", "60/m"),  # the public calendar API
    "api-write": os.environ.get("MOTCUA_RATE_API_WRITE", "600/m"),  # writes with an API token, per account
}
# The cache the counters live in: shared by every gunicorn worker and every machine when MOTCUA_REDIS_URL is set
# (required in production: operations.checks); a process's own memory otherwise (the demo, the tests).
if os.environ.get("MOTCUA_REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["MOTCUA_REDIS_URL"],
            "KEY_PREFIX": os.environ.get("MOTCUA_CACHE_PREFIX", "motcua"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
RATELIMIT_USE_CACHE = "default"
if not DEBUG:
    SECURE_SSL_REDIRECT = _env_flag("MOTCUA_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = 31536000
    # every subdomain of the province's portal is served over TLS; preload is the browsers' list of such sites
    SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_flag("MOTCUA_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = _env_flag("MOTCUA_HSTS_PRELOAD", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# An absolute lifetime for every session (Django's default is 14 days); closed with the browser
SESSION_COOKIE_AGE = int(os.environ.get("MOTCUA_SESSION_MAX_AGE_SECONDS", 8 * 3600))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
AUTH_USER_MODEL = "accounts.User"
# Officers (users with a membership) and administrators: the session ends after this much inactivity, and at the
# latest this long after the login (citizens: MOTCUA_SESSION_MAX_AGE_SECONDS); motcua.accounts.middleware.
MOTCUA_OFFICER_IDLE_MINUTES = int(os.environ.get("MOTCUA_OFFICER_IDLE_MINUTES", 30))
MOTCUA_OFFICER_SESSION_MAX_MINUTES = int(os.environ.get("MOTCUA_OFFICER_SESSION_MAX_MINUTES", 270))

# Login throttling (django-axes, docs/decisions.md): after MOTCUA_LOCKOUT_ATTEMPTS failed logins a username is locked
# for MOTCUA_LOCKOUT_MINUTES, whatever the password, from every address. The lock is per username only, not per
# address: a commune office behind one NAT address must not be locked out by one citizen's mistakes.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out username before any password is checked
    "django.contrib.auth.backends.ModelBackend",
]
MOTCUA_LOCKOUT_ATTEMPTS = int(os.environ.get("MOTCUA_LOCKOUT_ATTEMPTS", 5))
MOTCUA_LOCKOUT_MINUTES = int(os.environ.get("MOTCUA_LOCKOUT_MINUTES", 15))
AXES_FAILURE_LIMIT = MOTCUA_LOCKOUT_ATTEMPTS
AXES_COOLOFF_TIME = timedelta(minutes=MOTCUA_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes warns (W006) when the address is not a lock parameter, assuming locks by cookie or user agent, which can be
# rotated; a lock by username cannot be bypassed that way, and one by address would lock a whole commune office.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True  # the count is of consecutive failures
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # the lock ends MOTCUA_LOCKOUT_MINUTES after it began
AXES_LOCKOUT_CALLABLE = "motcua.accounts.lockout.lockout_response"
AXES_USERNAME_FORM_FIELD = "username"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
AXES_DISABLE_ACCESS_LOG = True  # successful logins are in motcua's own access log (motcua.accesslog)
# The second factor (django-otp, TOTP): the issuer shown by the authenticator app; a code is valid one step either
# side of now (30 s steps).
OTP_TOTP_ISSUER = os.environ.get("MOTCUA_TOTP_ISSUER", "Một cửa điện tử")
LOGIN_URL = "web:login"
# Where an officer lands after login; a citizen lands on "Hồ sơ của tôi" (motcua.web.citizen.LoginView).
LOGIN_REDIRECT_URL = "web:workbench"
LOGOUT_REDIRECT_URL = "web:home"

# --- Operations (motcua.operations: /healthz, /metrics) ------------------------------------------
# /healthz answers 503 when no worker beat for this long, or the oldest due outbox message waited this long
MOTCUA_HEALTH_WORKER_STALE_SECONDS = int(os.environ.get("MOTCUA_HEALTH_WORKER_STALE_SECONDS", 120))
MOTCUA_HEALTH_OUTBOX_LAG_SECONDS = int(os.environ.get("MOTCUA_HEALTH_OUTBOX_LAG_SECONDS", 900))
# who may read /metrics (the Prometheus server), comma-separated addresses or networks
MOTCUA_METRICS_ALLOWED_NETWORKS = [
    n.strip() for n in os.environ.get("MOTCUA_METRICS_ALLOWED_NETWORKS", "127.0.0.1/32,::1/128").split(",") if n.strip()
]

# --- Working time (RULES.md §3) -------------------------------------------------------------------
# Office hours of state agencies, as (opening, closing) pairs in local time; a province may change them.
MOTCUA_WORKING_PERIODS = [("07:00", "11:30"), ("13:30", "17:00")]
# Receipts after this time on a same-day procedure are resolved on the next working day.
MOTCUA_SAME_DAY_CUTOFF = "15:00"
# Whether a deadline counted in calendar days that ends on a day off moves to the next working day.
MOTCUA_CALENDAR_DAYS_MOVE_TO_WORKING_DAY = True
# How long a process keeps its cached calendar before checking the database for new overrides.
MOTCUA_CALENDAR_CACHE_SECONDS = 60
# Working seconds before the due moment by which an apology must be issued (RULES.md §3 recalls one
# working day [R]; 0 = any time before the due moment).
MOTCUA_APOLOGY_MARGIN_SECONDS = 0

# --- Background work and the outbox (motcua.integrations; docs/decisions.md) ------------------------
# Tasks are rows of the same database (django-tasks with its database backend), enqueued in the transaction
# that causes them; `motcua worker` runs them.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Tries of one outbox message before it is dead (shown in the admin, re-drivable there).
MOTCUA_OUTBOX_MAX_ATTEMPTS = int(os.environ.get("MOTCUA_OUTBOX_MAX_ATTEMPTS", 12))
# Base of the exponential backoff: try n waits base × 2^(n-1) seconds, halved at random by up to a half (jitter),
# never more than the cap.
MOTCUA_OUTBOX_BACKOFF_SECONDS = float(os.environ.get("MOTCUA_OUTBOX_BACKOFF_SECONDS", 30))
MOTCUA_OUTBOX_BACKOFF_MAX_SECONDS = float(os.environ.get("MOTCUA_OUTBOX_BACKOFF_MAX_SECONDS", 6 * 3600))
# How long a worker holds a message it is delivering; a worker that dies is replaced once it expires. Every
# network wait of a delivery is capped at a quarter of it, so a live worker never outlives its lease.
MOTCUA_OUTBOX_LEASE_SECONDS = float(os.environ.get("MOTCUA_OUTBOX_LEASE_SECONDS", 120))
# How often a running worker looks for due messages that lost their task (a worker killed mid-delivery).
MOTCUA_OUTBOX_SWEEP_SECONDS = float(os.environ.get("MOTCUA_OUTBOX_SWEEP_SECONDS", 15))
# Rows a worker claims at once for a destination that delivers in batches (the national portal).
MOTCUA_OUTBOX_BATCH_SIZE = int(os.environ.get("MOTCUA_OUTBOX_BATCH_SIZE", 500))
# How long an idle worker sleeps before looking for work again.
MOTCUA_WORKER_POLL_SECONDS = float(os.environ.get("MOTCUA_WORKER_POLL_SECONDS", 1))

# --- Edges: providers are configured from the environment only (secrets never in files) -------------
# Webhook of dossier events (motcua.integrations.contrib.webhook): both must be set, or it is "not configured".
MOTCUA_WEBHOOK_URL = os.environ.get("MOTCUA_WEBHOOK_URL", "")
MOTCUA_WEBHOOK_SECRET = os.environ.get("MOTCUA_WEBHOOK_SECRET", "")
MOTCUA_WEBHOOK_TIMEOUT_SECONDS = float(os.environ.get("MOTCUA_WEBHOOK_TIMEOUT_SECONDS", 10))
# Notices to applicants (motcua.integrations.notify). E-mail through the Django mail backend the URL names
# (smtp://user:password@host:587?tls=1, smtps://host, console:, file:///directory; contrib/email/url.py); unset =
# not configured (`motcua demo` writes files under var/mail in debug mode).
MOTCUA_EMAIL_URL = os.environ.get("MOTCUA_EMAIL_URL", "")
MOTCUA_EMAIL_FROM = os.environ.get("MOTCUA_EMAIL_FROM", "Một cửa điện tử <no-reply@motcua.local>")
MOTCUA_EMAIL_TIMEOUT_SECONDS = float(os.environ.get("MOTCUA_EMAIL_TIMEOUT_SECONDS", 10))
# SMS through an HTTP gateway speaking motcua.sms/1 (docs/components/sms-standin.md): both must be set. Texts go
# without diacritics (GSM 7-bit) unless MOTCUA_SMS_UNICODE=1, cut at a word to MOTCUA_SMS_MAX_SEGMENTS segments.
MOTCUA_SMS_URL = os.environ.get("MOTCUA_SMS_URL", "")
MOTCUA_SMS_TOKEN = os.environ.get("MOTCUA_SMS_TOKEN", "")
MOTCUA_SMS_SENDER = os.environ.get("MOTCUA_SMS_SENDER", "")
MOTCUA_SMS_UNICODE = _env_flag("MOTCUA_SMS_UNICODE", False)
MOTCUA_SMS_MAX_SEGMENTS = int(os.environ.get("MOTCUA_SMS_MAX_SEGMENTS", 3))
MOTCUA_SMS_TIMEOUT_SECONDS = float(os.environ.get("MOTCUA_SMS_TIMEOUT_SECONDS", 10))


# --- Citizens' sign-in with OpenID Connect (e.g. VNeID; motcua.integrations.contrib.oidc) ------------
# Authorisation code flow with PKCE (S256) against the issuer's discovery document; secrets only from here.
MOTCUA_OIDC_ISSUER = os.environ.get("MOTCUA_OIDC_ISSUER", "")
MOTCUA_OIDC_CLIENT_ID = os.environ.get("MOTCUA_OIDC_CLIENT_ID", "")
MOTCUA_OIDC_CLIENT_SECRET = os.environ.get("MOTCUA_OIDC_CLIENT_SECRET", "")
MOTCUA_OIDC_SCOPE = os.environ.get("MOTCUA_OIDC_SCOPE", "openid profile phone")
# The claim carrying the 12-digit personal identification number (a reading: VNeID's claim names are not public).
MOTCUA_OIDC_ID_NUMBER_CLAIM = os.environ.get("MOTCUA_OIDC_ID_NUMBER_CLAIM", "personal_id_number")
# Population registry (motcua.integrations.contrib.population, protocol motcua.population/1 — a reading,
# docs/components/population-standin.md): URL and token must both be set. The database code is what the dossier
# records as consulted (DSKetNoiCSDL[].MaCSDL; RULES §10 gives the field, not the codes: a reading).
MOTCUA_POPULATION_URL = os.environ.get("MOTCUA_POPULATION_URL", "")
MOTCUA_POPULATION_TOKEN = os.environ.get("MOTCUA_POPULATION_TOKEN", "")
MOTCUA_POPULATION_DATABASE_CODE = os.environ.get("MOTCUA_POPULATION_DATABASE_CODE", "CSDLQGDC")
MOTCUA_POPULATION_TIMEOUT_SECONDS = float(os.environ.get("MOTCUA_POPULATION_TIMEOUT_SECONDS", 5))

# National Public Service Portal (motcua.integrations.contrib.national_portal, RULES.md §10): the five must be set,
# or it is "not configured" (the demo, in debug mode only, points them at the stand-in).
MOTCUA_NATIONAL_PORTAL_AUTH_URL = os.environ.get("MOTCUA_NATIONAL_PORTAL_AUTH_URL", "")
MOTCUA_NATIONAL_PORTAL_SERVICE_URL = os.environ.get("MOTCUA_NATIONAL_PORTAL_SERVICE_URL", "")
MOTCUA_NATIONAL_PORTAL_USERNAME = os.environ.get("MOTCUA_NATIONAL_PORTAL_USERNAME", "")
MOTCUA_NATIONAL_PORTAL_PASSWORD = os.environ.get("MOTCUA_NATIONAL_PORTAL_PASSWORD", "")
MOTCUA_NATIONAL_PORTAL_DSTCODE = os.environ.get("MOTCUA_NATIONAL_PORTAL_DSTCODE", "")
MOTCUA_NATIONAL_PORTAL_TIMEOUT_SECONDS = float(os.environ.get("MOTCUA_NATIONAL_PORTAL_TIMEOUT_SECONDS", 20))
# Local practice (RULES.md §10): statuses 5, 6 and 8 sent as 9 at the moment of the request. Off by default.
MOTCUA_NATIONAL_PORTAL_PENDING_AS_DONE = _env_flag("MOTCUA_NATIONAL_PORTAL_PENDING_AS_DONE", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO" if DEBUG else "WARNING"},
}

# Online payment of fees (issue 11; README "Payments"). Secrets from the environment only.
# VNPay (RULES.md §12): terminal code, hash secret, the payment page and the merchant API (querydr, refund).
MOTCUA_VNPAY_TMN_CODE = os.environ.get("MOTCUA_VNPAY_TMN_CODE", "")
MOTCUA_VNPAY_HASH_SECRET = os.environ.get("MOTCUA_VNPAY_HASH_SECRET", "")
MOTCUA_VNPAY_PAYMENT_URL = os.environ.get("MOTCUA_VNPAY_PAYMENT_URL", "")
MOTCUA_VNPAY_API_URL = os.environ.get("MOTCUA_VNPAY_API_URL", "")
MOTCUA_VNPAY_TIMEOUT_SECONDS = float(os.environ.get("MOTCUA_VNPAY_TIMEOUT_SECONDS", 20))
# The national payment platform (RULES.md §11): its API address, our partner code, the checksum secret.
MOTCUA_PAYGOV_URL = os.environ.get("MOTCUA_PAYGOV_URL", "")
MOTCUA_PAYGOV_PARTNER_CODE = os.environ.get("MOTCUA_PAYGOV_PARTNER_CODE", "")
MOTCUA_PAYGOV_SECRET = os.environ.get("MOTCUA_PAYGOV_SECRET", "")
MOTCUA_PAYGOV_TIMEOUT_SECONDS = float(os.environ.get("MOTCUA_PAYGOV_TIMEOUT_SECONDS", 20))
# How often the worker reconciles attempts left without a final state (30 min – 3 days old, RULES.md §11).
MOTCUA_PAYMENT_RECONCILE_SECONDS = float(os.environ.get("MOTCUA_PAYMENT_RECONCILE_SECONDS", 300))
# how many gateway queries the reconciliation has in flight at once (HTTP only; answers settled one by one)
MOTCUA_PAYMENT_QUERY_THREADS = int(os.environ.get("MOTCUA_PAYMENT_QUERY_THREADS", 8))
