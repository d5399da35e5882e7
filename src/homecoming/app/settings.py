"""Django settings, read from the environment.

| variable | default | meaning |
| --- | --- | --- |
| ``DATABASE_URL`` | SQLite ``HOMECOMING_DATA_DIR/homecoming.sqlite3`` | ``postgres://user@host:5432/db`` |
| ``HOMECOMING_DATA_DIR`` | ``./var`` | where the SQLite file and uploaded files (photos) live |
| ``HOMECOMING_SECRET_KEY`` | none (required unless ``HOMECOMING_DEBUG=1``) | Django's secret key |
| ``HOMECOMING_DEBUG`` | ``0`` | ``1`` only for development |
| ``HOMECOMING_DEMO`` | ``0`` | ``1`` for the demo (set by ``homecoming demo``) |
| ``HOMECOMING_ALLOWED_HOSTS`` | ``localhost,127.0.0.1`` | comma-separated host names |
| ``HOMECOMING_SECURE_COOKIES`` | ``1`` unless debug | send cookies over HTTPS only |
| ``HOMECOMING_LOGIN_FAILURE_LIMIT`` | ``5`` | failed logins before the account/IP pair is locked |
| ``HOMECOMING_LOGIN_IP_FAILURE_LIMIT`` | ``20`` | failed logins (any user names) before an IP is locked |
| ``HOMECOMING_LOCKOUT_MINUTES`` | ``30`` | how long a lockout lasts |
| ``HOMECOMING_TOTP_REQUIRED`` | roles/permissions of DNA, health, contacts | who must use an authenticator |
| ``HOMECOMING_FIELD_KEY`` | derived from the secret key | key for field encryption (Fernet, base64) |
| ``HOMECOMING_AUDIT_KEY`` | derived from the secret key | HMAC key of the audit digests of withheld values |
| ``HOMECOMING_API_RATE_LIMIT`` | ``120/60`` | API requests allowed per token and per user: REQUESTS/SECONDS |
| ``HOMECOMING_PAGE_RATE_LIMIT`` | ``300/60`` | pages allowed per signed-in user: REQUESTS/SECONDS |
| ``HOMECOMING_AUDIT_KEY_FILE`` | none | a file holding ``HOMECOMING_AUDIT_KEY`` (takes precedence) |
| ``HOMECOMING_PROXY_ADDRESS`` | none | address of the TLS proxy in front of ``homecoming serve`` |
| ``HOMECOMING_PROXY_COUNT`` | ``1`` | how many trusted proxies stand in front, one behind the other |
| ``HOMECOMING_CSRF_TRUSTED_ORIGINS`` | none | ``https://name[:port]`` the users' browsers open |
| ``HOMECOMING_SQLITE_BUSY_SECONDS`` | ``20`` | how long a write waits for SQLite's lock before a 503 |
| ``HOMECOMING_IDENTIFICATION_POSTERIOR`` | ``0.9995`` | posterior an identification needs |
| ``HOMECOMING_TABLE_PACKS`` | ``DATA_DIR/family-tables`` | packs of cached family tables ("" off) |
| ``HOMECOMING_TABLE_WORKERS`` | one per core | processes a screening job builds family tables in |
| ``HOMECOMING_TRACING_SUBMIT_RATE_LIMIT`` | ``10/3600`` | family portal requests per address |
| ``HOMECOMING_TRACING_STATUS_RATE_LIMIT`` | ``20/600`` | status look-ups per address and per code |
| ``HOMECOMING_TRACING_FIRST_ANSWER_DAYS`` | ``30`` | days to a tracing request's first answer |
| ``HOMECOMING_TRACING_RETENTION_DAYS`` | ``365`` | days a closed request keeps the family's contacts |
| ``HOMECOMING_TIME_ZONE`` | ``Europe/Kyiv`` | the users' clock: times shown and typed (stored in UTC) |
| ``HOMECOMING_OWN_POWER`` | ``UA`` | the organisation's own party (requests about others: "I Want to Find") |
| ``HOMECOMING_EMAIL_BACKEND`` | console | Django's e-mail backend (dotted path) |
| ``HOMECOMING_EMAIL_FROM`` | ``homecoming@localhost`` | sender address of the portal's e-mails |
| ``HOMECOMING_MESSAGE_ATTEMPTS`` | ``5`` | attempts to deliver a family's e-mail or SMS before it fails |
| ``HOMECOMING_MESSAGE_RETRY_SECONDS`` | ``60`` | wait after a first temporary failure (doubled each time) |
| ``HOMECOMING_SMS_BACKEND`` | logging | SMS gateway: dotted path of a class with ``send(to, text)`` |
| ``HOMECOMING_KEYS_DIR`` | ``DATA_DIR/keys`` | the organisation's private keys that sign lists (0700/0600) |
| ``HOMECOMING_KEY_PASSPHRASE`` | none | encrypts a key made by ``keys generate``; unlocks it to sign |
| ``HOMECOMING_ORGANISATION`` | ``unnamed organisation`` | the organisation's name in signed lists |
| ``HOMECOMING_PFIF_DOMAIN`` | from the secret key | domain of the PFIF record ids this registry makes |

See docs/settings.md for the whole list.
"""

from __future__ import annotations

import os
import secrets
import zoneinfo
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

APP_DIR = Path(__file__).resolve().parent


def _flag(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean; use 1 or 0")


DEBUG = _flag("HOMECOMING_DEBUG", False)
# the demo (`homecoming demo`): a generated secret key and any host name, but the pages of production (the
# 403/404/500 pages, no technical error page, no traceback)
DEMO = _flag("HOMECOMING_DEMO", False)
DATA_DIR = Path(os.environ.get("HOMECOMING_DATA_DIR", "var")).resolve()


def _demo_secret_key() -> str:
    """Demo/development without ``HOMECOMING_SECRET_KEY``: one generated key kept in
    ``DATA_DIR/demo-secret-key`` (mode 0600) and reused, so that sessions and the audit digests derived
    from it (``AUDIT_KEY``) still verify from the CLI and after a restart. Never used in production."""
    path = DATA_DIR / "demo-secret-key"
    if path.exists():
        key = path.read_text(encoding="utf-8").strip()
        if key:
            return key
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key = "demo-only-" + secrets.token_urlsafe(40)
    # written whole under a private name, then linked into place: a process starting at the same moment
    # reads either no file or the whole key, and the first one linked wins
    tmp = DATA_DIR / f".demo-secret-key.{os.getpid()}.{secrets.token_hex(4)}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(key + "\n")
    try:
        os.link(tmp, path)
    except FileExistsError:
        key = path.read_text(encoding="utf-8").strip()
    finally:
        tmp.unlink()
    return key


SECRET_KEY = os.environ.get("HOMECOMING_SECRET_KEY", "")
if not SECRET_KEY:
    if not (DEBUG or DEMO):
        raise ImproperlyConfigured(
            "HOMECOMING_SECRET_KEY is not set. Set it to a long random string "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
            "or set HOMECOMING_DEBUG=1 for a demo (after `make demo`, commands run in the repository's "
            "folder use the demo's settings: var/demo/homecoming.env)."
        )
    SECRET_KEY = _demo_secret_key()

ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("HOMECOMING_ALLOWED_HOSTS", "localhost,127.0.0.1").split(",")
    if h.strip()
]
if DEBUG or DEMO:
    ALLOWED_HOSTS += ["testserver", "*"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",  # the API docs' Swagger UI from our own static files (no CDN: see the Content-Security-Policy)
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_tasks",
    "django_tasks_db",  # background work in the database: `homecoming worker` runs it
    "homecoming.app.accounts",
    "homecoming.app.audit",
    "homecoming.app.registry",
    "homecoming.app.captivity",
    "homecoming.app.exchanges",
    "homecoming.app.remains",
    "homecoming.app.genetics",
    "homecoming.app.identification",
    "homecoming.app.tracing",
    "homecoming.app.messaging",
]

# Background work (screening a batch): tasks are rows of the database, run by `homecoming worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "homecoming.app.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Russian is the family portal's: a staff page asked for in ru is shown in uk (homecoming.app.languages)
    "homecoming.app.languages.StaffLanguageMiddleware",
    # a family portal POST larger than a valid request is refused (413) before anything reads its body
    "homecoming.app.tracing.family_views.PortalBodyLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "homecoming.app.accounts.second_factor.RequireSecondFactorMiddleware",
    "homecoming.app.accounts.password_change.MustChangePasswordMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "homecoming.app.audit.middleware.RequestIdMiddleware",
    "homecoming.app.api_errors.ApiErrorShapeMiddleware",
    "axes.middleware.AxesMiddleware",
    "homecoming.app.security.DatabaseBusyMiddleware",
]

ROOT_URLCONF = "homecoming.app.urls"
WSGI_APPLICATION = "homecoming.app.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [APP_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "homecoming.app.permissions.context",
                "homecoming.app.accounts.context.roles",
                "homecoming.app.languages.context",
                "homecoming.app.navigation.nav",
            ],
        },
    },
]


def _database() -> dict[str, object]:
    url = os.environ.get("DATABASE_URL", "")
    if url:
        try:
            db = dj_database_url.parse(url, conn_max_age=60)
        except Exception as exc:  # dj_database_url raises plain exceptions
            raise ImproperlyConfigured(f"DATABASE_URL={url!r} cannot be read: {exc}") from exc
        db.setdefault("OPTIONS", {})
        if db["ENGINE"] == "django.db.backends.sqlite3":
            db["OPTIONS"].update(_SQLITE_OPTIONS)
        return dict(db)
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(DATA_DIR / "homecoming.sqlite3"),
        "OPTIONS": dict(_SQLITE_OPTIONS),
    }


# WAL for concurrent readers; writers take the lock at BEGIN (no deadlocks on lock upgrade);
# Django turns foreign keys on for every SQLite connection.
# A write that still finds the lock taken after HOMECOMING_SQLITE_BUSY_SECONDS is answered 503 with
# Retry-After (homecoming.app.security.DatabaseBusyMiddleware), never 500.
SQLITE_BUSY_SECONDS = float(os.environ.get("HOMECOMING_SQLITE_BUSY_SECONDS", "20"))
_SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": SQLITE_BUSY_SECONDS,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
    f"PRAGMA busy_timeout={int(SQLITE_BUSY_SECONDS * 1000)};",
}

DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"

AXES_FAILURE_LIMIT = int(os.environ.get("HOMECOMING_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("HOMECOMING_LOCKOUT_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# and an address that failed this often (any user names) within the cool-off is locked (password spraying)
LOGIN_IP_FAILURE_LIMIT = int(os.environ.get("HOMECOMING_LOGIN_IP_FAILURE_LIMIT", "20"))
AXES_HANDLER = "homecoming.app.accounts.lockout.LockoutHandler"

# Who must log in with an authenticator (TOTP): role names and permissions (app.codename). By default the
# roles that see DNA, health or contacts — and administrators (superusers hold every permission).
TOTP_REQUIRED = [
    e.strip()
    for e in os.environ.get(
        "HOMECOMING_TOTP_REQUIRED",
        "dna_analyst,registry.view_contacts,captivity.view_health,captivity.view_healthreport,"
        "remains.view_examination_details,remains.view_sample,tracing.view_requestcontacts",
    ).split(",")
    if e.strip()
]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("uk", _("Ukrainian")), ("ru", _("Russian"))]
# the staff pages (and the API, the admin) offer English and Ukrainian; Russian is for the family portal
# (/family/) only, and a staff page asked for in Russian is shown in Ukrainian (homecoming.app.languages)
STAFF_LANGUAGES = ["en", "uk"]
STAFF_FALLBACK_LANGUAGE = "uk"
LOCALE_PATHS = [APP_DIR / "locale"]
USE_I18N = True
# The users' clock: pages show times in it and read the times people type in it (a liaison officer in
# Kyiv types 14:30 for half past two in Kyiv); the database keeps UTC
TIME_ZONE = os.environ.get("HOMECOMING_TIME_ZONE", "Europe/Kyiv").strip() or "Europe/Kyiv"
try:
    zoneinfo.ZoneInfo(TIME_ZONE)
except (zoneinfo.ZoneInfoNotFoundError, ValueError):
    raise ImproperlyConfigured(
        f"HOMECOMING_TIME_ZONE: {TIME_ZONE!r} is not a time zone; use an IANA name such as Europe/Kyiv or UTC"
    ) from None
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns about a missing folder
STATICFILES_DIRS = [APP_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = DATA_DIR / "media"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

SECURE = _flag("HOMECOMING_SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SESSION_COOKIE_HTTPONLY = True
# scripts never read the CSRF cookie: forms carry the token, htmx sends it from the page (base.html)
CSRF_COOKIE_HTTPONLY = True
# a failed CSRF check (an expired form) gets a translated page, never Django's technical one
CSRF_FAILURE_VIEW = "homecoming.app.security.csrf_failure"
SESSION_COOKIE_AGE = 8 * 3600
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_HSTS_SECONDS = 31536000  # sent on HTTPS requests only (behind the proxy: see below)

# Behind a TLS proxy. ``homecoming serve`` (waitress) believes X-Forwarded-For and X-Forwarded-Proto only
# on connections from HOMECOMING_PROXY_ADDRESS and rewrites REMOTE_ADDR and the URL scheme from them; from any
# other address it drops those headers. Django itself never reads a forwarded header: there is no
# SECURE_PROXY_SSL_HEADER, so a client that reaches the server directly cannot claim HTTPS or an address.
PROXY_ADDRESS = os.environ.get("HOMECOMING_PROXY_ADDRESS", "").strip()
PROXY_COUNT = int(os.environ.get("HOMECOMING_PROXY_COUNT", "1"))
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("HOMECOMING_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]
for _origin in CSRF_TRUSTED_ORIGINS:
    if not _origin.startswith(("https://", "http://")):
        raise ImproperlyConfigured(
            f"HOMECOMING_CSRF_TRUSTED_ORIGINS: {_origin!r} needs its scheme, e.g. https://{_origin}"
        )
# the client address (lockouts, audit) is REMOTE_ADDR only, as the server set it (see above)
AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)

# Content-Security-Policy (homecoming.app.security): scripts only from our own static files — no inline
# script, no eval, no other origin; inline style attributes are allowed (the templates and charts use them).
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

FIELD_KEY = os.environ.get("HOMECOMING_FIELD_KEY", "")


def _audit_key() -> str:
    """The key of the audit trail's keyed digests (``audit/withheld.py``): never stored in the database."""
    path = os.environ.get("HOMECOMING_AUDIT_KEY_FILE", "")
    if path:
        try:
            key = Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"HOMECOMING_AUDIT_KEY_FILE={path!r} cannot be read: {exc}") from None
        if not key:
            raise ImproperlyConfigured(
                f"HOMECOMING_AUDIT_KEY_FILE={path!r} is empty; write a long random key"
            )
        return key
    key = os.environ.get("HOMECOMING_AUDIT_KEY", "")
    if key:
        return key
    import hashlib
    import hmac

    # derived from the secret key (also kept outside the database); set its own key in production, so that
    # changing the secret key does not change how the digests already in the trail are checked
    return hmac.new(SECRET_KEY.encode("utf-8"), b"homecoming audit digest key", hashlib.sha256).hexdigest()


AUDIT_KEY = _audit_key()


def _rate_limit(variable: str = "HOMECOMING_API_RATE_LIMIT", default: str = "120/60") -> tuple[int, int]:
    """``HOMECOMING_API_RATE_LIMIT`` or ``HOMECOMING_PAGE_RATE_LIMIT`` (REQUESTS/SECONDS) as numbers
    (``homecoming.app.ratelimit``)."""
    raw = os.environ.get(variable, default)
    try:
        count, seconds = (int(part) for part in raw.strip().split("/"))
    except ValueError:
        count = seconds = 0
    if count < 1 or seconds < 1:
        raise ImproperlyConfigured(
            f"{variable}={raw!r} is not REQUESTS/SECONDS with both at least 1; use e.g. {default}"
        )
    return count, seconds


API_RATE_LIMIT = _rate_limit()
# pages per signed-in user (record details, searches, lists; a page's photos count too)
PAGE_RATE_LIMIT = _rate_limit("HOMECOMING_PAGE_RATE_LIMIT", "300/60")


def _whole(name: str, default: str, unit: str, example: str) -> int:
    """A whole number >= 0 from the environment, or a start-up error naming the variable and the fix."""
    value = os.environ.get(name, default)
    try:
        number = int(value)
    except ValueError:
        number = -1
    if number < 0:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number of {unit}; use e.g. {example}")
    return number


# The family portal (tracing): submissions per address, status look-ups per address and per request code
TRACING_SUBMIT_RATE_LIMIT = _rate_limit("HOMECOMING_TRACING_SUBMIT_RATE_LIMIT", "10/3600")
TRACING_STATUS_RATE_LIMIT = _rate_limit("HOMECOMING_TRACING_STATUS_RATE_LIMIT", "20/600")
TRACING_FIRST_ANSWER_DAYS = _whole("HOMECOMING_TRACING_FIRST_ANSWER_DAYS", "30", "days", "30")

# Retention (ICRC restoring-family-links code of conduct): a closed request's contacts and photos are purged
# this many days after it closed (`homecoming tracing purge`; the audit trail keeps their keyed digest)
TRACING_RETENTION_DAYS = _whole("HOMECOMING_TRACING_RETENTION_DAYS", "365", "days", "365")
# The party the organisation belongs to (the registry's "Power on which the person depends"): requests
# about soldiers of any other party are the other side's families ("I Want to Find"; tracing.confirmations)
OWN_POWER = os.environ.get("HOMECOMING_OWN_POWER", "UA").strip().upper() or "UA"

# E-mail (the family portal sends a request's code and secret): the console by default (development,
# the demo); SMTP in production with Django's EMAIL_HOST, EMAIL_PORT ... (see docs/settings.md)
EMAIL_BACKEND = os.environ.get("HOMECOMING_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("HOMECOMING_EMAIL_FROM", "homecoming@localhost")


def _whole_number(variable: str, default: str, what: str, least: int) -> int:
    raw = os.environ.get(variable, default)
    try:
        value = int(raw)
    except ValueError:
        value = least - 1
    if value < least:
        raise ImproperlyConfigured(
            f"{variable}={raw!r} is not a whole number of {what} (at least {least}); use e.g. {default}"
        )
    return value


# The outbox of the families' messages (homecoming.app.messaging): sent by the worker, a temporary failure
# (SMTP 4xx, no connection) tried again after RETRY_SECONDS, doubled each time, up to ATTEMPTS attempts
MESSAGE_ATTEMPTS = _whole_number("HOMECOMING_MESSAGE_ATTEMPTS", "5", "attempts", 1)
MESSAGE_RETRY_SECONDS = _whole_number("HOMECOMING_MESSAGE_RETRY_SECONDS", "60", "seconds", 1)
# the SMS gateway: a class with send(to, text); the default writes to the log and sends nothing (the demo)
SMS_BACKEND = os.environ.get("HOMECOMING_SMS_BACKEND", "homecoming.app.messaging.sms.LoggingSmsBackend")

# Ed25519 key that signs the audit chain's head (a file outside the database; `homecoming audit keygen`)
AUDIT_SIGNING_KEY = os.environ.get("HOMECOMING_AUDIT_SIGNING_KEY", "")
if AUDIT_SIGNING_KEY and not os.access(AUDIT_SIGNING_KEY, os.R_OK):
    # checked at start-up: a head is signed inside a service's transaction, which must not fail on it
    raise ImproperlyConfigured(
        f"HOMECOMING_AUDIT_SIGNING_KEY={AUDIT_SIGNING_KEY!r} cannot be read; create the key with "
        "`homecoming audit keygen PATH` (or unset the variable)"
    )
AUDIT_HEAD_EVERY = _whole("HOMECOMING_AUDIT_HEAD_EVERY", "1000", "records", "1000 (0: no automatic heads)")

# Signed lists (`homecoming keys`, `homecoming lists`): the organisation's Ed25519 private keys live in
# this folder (mode 0700, each key 0600, encrypted when HOMECOMING_KEY_PASSPHRASE is set at generation);
# the public keys it trusts are in the database (audit.SigningKey). PFIF record ids are made in PFIF_DOMAIN.
KEYS_DIR = os.environ.get("HOMECOMING_KEYS_DIR", str(DATA_DIR / "keys"))
ORGANISATION = os.environ.get("HOMECOMING_ORGANISATION", "") or "unnamed organisation"


def _pfif_domain() -> str:
    """Unset, each installation has its own domain, derived from its secret key (stable while the key is):
    with one shared default a second installation read the first one's records as its own persons."""
    import hashlib
    import hmac

    digest = hmac.new(SECRET_KEY.encode("utf-8"), b"homecoming pfif domain", hashlib.sha256).hexdigest()
    return f"i{digest[:16]}.homecoming.invalid"


PFIF_DOMAIN = os.environ.get("HOMECOMING_PFIF_DOMAIN", "") or _pfif_domain()


# Identification (comparison reports): the posterior an identification needs (a senior person may
# override with a written reason), θ and the mutation model of the DNA LR, and the per-marker LR with
# mutation below which an inconsistent marker is not explained by the mutation model.
try:
    IDENTIFICATION_POSTERIOR_MIN = float(os.environ.get("HOMECOMING_IDENTIFICATION_POSTERIOR", "0.9995"))
except ValueError:
    raise ImproperlyConfigured(
        f"HOMECOMING_IDENTIFICATION_POSTERIOR={os.environ.get('HOMECOMING_IDENTIFICATION_POSTERIOR')!r} is "
        "not a probability; use e.g. 0.9995"
    ) from None
if not 0.0 < IDENTIFICATION_POSTERIOR_MIN <= 1.0:
    raise ImproperlyConfigured(
        f"HOMECOMING_IDENTIFICATION_POSTERIOR={IDENTIFICATION_POSTERIOR_MIN!r} is not in (0, 1]; "
        "use e.g. 0.9995"
    )
IDENTIFICATION_THETA = 0.0
IDENTIFICATION_MUTATION = {"model": "stepwise", "rate": 0.002, "rate2": 1e-6, "range": 0.1}
IDENTIFICATION_MUTATION_MIN_LR = 1e-4
# the screening's packs of family tables (memory-mapped, beside the database's cache); "" turns them off
IDENTIFICATION_TABLE_WORKERS = _whole("HOMECOMING_TABLE_WORKERS", "0", "processes", "2 (0: one per core)")
IDENTIFICATION_TABLE_PACKS = os.environ.get("HOMECOMING_TABLE_PACKS", str(DATA_DIR / "family-tables"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "ERROR"},
        "axes": {"level": "ERROR"},
        # the logging SMS gateway (the demo): each SMS on the console, its text too in debug, as the console
        # e-mail backend prints each e-mail
        "homecoming.sms": {
            "handlers": ["console"],
            "level": "DEBUG" if DEBUG else "INFO",
            "propagate": False,
        },
    },
}
