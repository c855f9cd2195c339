"""Weave's settings: one file, every deploy-time value read from the environment."""

import hashlib
import os
from datetime import timedelta
from pathlib import Path

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from mapping.core.environment import (
    database_settings,
    email_settings,
    hidden,
    log_level,
    proxy_header,
    role_map,
    site_url,
)
from mapping.core.release import release_digest

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None:
        raise ImproperlyConfigured(f"Set the {name} environment variable.")
    return value


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=False)

# A fixed key is only acceptable for local development and tests.
_DEV_SECRET_KEY = "weave-insecure-development-key-do-not-use-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", "").strip() or (_DEV_SECRET_KEY if DEBUG else "")
if not DEBUG and SECRET_KEY in ("", _DEV_SECRET_KEY):
    raise ImproperlyConfigured(
        "Set SECRET_KEY to a long random value (python3 -c 'import secrets; "
        "print(secrets.token_urlsafe(50))'): it is "
        + ("missing or empty." if not SECRET_KEY else "the development key.")
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])

INSTALLED_APPS = [
    "mapping.apps.WeaveAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "csp",
    "axes",
    "corsheaders",
    "django_tasks",
    "django_tasks_db",
    "standards",
    "mapping",
]

MIDDLEWARE = [
    # First: a kept page for an anonymous reader, answered with the headers the rest of the
    # stack gave it the first time (mapping/caching/early.py).
    "mapping.caching.early.EarlyPageMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "mapping.core.permissions.PermissionsPolicyMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "mapping.core.middleware.RefuseNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    # Inside the two above: the count is filled in before Content-Length and ETag are made.
    "mapping.citing.middleware.ReferenceCountMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "mapping.access.middleware.SignInMiddleware",
    "csp.middleware.CSPMiddleware",
    "mapping.api.http.ApiHeadersMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "mapping.access.oidc.PasswordBackend",
    "mapping.access.oidc.ProviderBackend",
]
# Signing in with the organisation's identity provider (OpenID Connect, authorization code
# flow with PKCE; mapping/access/oidc.py): on when WEAVE_OIDC_ISSUER is set. Its endpoints
# come from the issuer's discovery document.
WEAVE_OIDC_ISSUER = env_str("WEAVE_OIDC_ISSUER", "").rstrip("/")
OIDC_RP_CLIENT_ID = env_str("WEAVE_OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = env_str("WEAVE_OIDC_CLIENT_SECRET", "")
WEAVE_OIDC_BUTTON = env_str("WEAVE_OIDC_BUTTON", "Sign in with your organisation account")
OIDC_RP_SIGN_ALGO = env_str("WEAVE_OIDC_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = "openid email profile"
OIDC_USE_PKCE = True
OIDC_USE_NONCE = True
OIDC_TIMEOUT = env_int("WEAVE_OIDC_TIMEOUT", 10)
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_authentication_callback"
# The claim that lists a person's groups, and which group gives which site-wide role, as
# "weave-admins=administrator,weave-publishers=publisher,staff=viewer". Without the claim,
# roles are left to administrators (/people/).
WEAVE_OIDC_ROLES_CLAIM = env_str("WEAVE_OIDC_ROLES_CLAIM", "")
WEAVE_OIDC_ROLE_MAP = env_str("WEAVE_OIDC_ROLE_MAP", "")
role_map(WEAVE_OIDC_ROLE_MAP)  # read now: a pair that cannot be read stops start-up
if WEAVE_OIDC_ISSUER and not OIDC_RP_CLIENT_ID:
    raise ImproperlyConfigured(
        "WEAVE_OIDC_ISSUER is set: set WEAVE_OIDC_CLIENT_ID (and "
        "WEAVE_OIDC_CLIENT_SECRET) to Weave's client at the provider."
    )
# false: only the identity provider signs people in (the login page shows its button alone).
WEAVE_PASSWORD_LOGIN = env_bool("WEAVE_PASSWORD_LOGIN", True)

# Whether visitors who are not logged in may read the register. When off, every page
# asks for a login (Django's LoginRequiredMiddleware; the login page itself stays open).
WEAVE_PUBLIC_READ = env_bool("WEAVE_PUBLIC_READ", True)
if not WEAVE_PUBLIC_READ:
    MIDDLEWARE.append("django.contrib.auth.middleware.LoginRequiredMiddleware")
# The API may be read from any origin (its data is public, or needs a token when private),
# by GET only: django-cors-headers answers preflights and adds the headers, for /api/ alone.
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_HEADERS = ["authorization", "if-none-match", "if-modified-since"]
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified"]
CORS_PREFLIGHT_MAX_AGE = 86400

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

ROOT_URLCONF = "mapping.urls"
# Where a framework is read: standards knows nothing of the pages this project gives it.
ABSOLUTE_URL_OVERRIDES = {
    "standards.framework": lambda framework: reverse("framework_detail", args=[framework.slug]),
}

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "mapping.views.context.register",
            ],
            "builtins": [
                "django_htmx.templatetags.django_htmx",
                "template_partials.templatetags.partials",
                "mapping.templatetags.weave",
            ],
            "debug": DEBUG,
        },
    },
]

WSGI_APPLICATION = "mapping.wsgi.application"

DATABASES = {
    "default": database_settings(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=60,
        conn_health_checks=True,  # a connection the database dropped is replaced, not reused
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers queue instead of failing: each write transaction takes the lock when it
    # begins and waits up to 20 s for it; readers never wait for writers (WAL).
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Security. WEAVE_HTTPS says the site is served over TLS (directly, or by a reverse proxy
# that says so in SECURE_PROXY_SSL_HEADER, as "X-Forwarded-Proto: https"): cookies are
# then secure, plain HTTP is redirected and browsers are told to keep to HTTPS (HSTS).
WEAVE_HTTPS = env_bool("WEAVE_HTTPS", default=False)
SECURE_PROXY_SSL_HEADER = proxy_header(os.environ.get("SECURE_PROXY_SSL_HEADER", ""))
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
CSRF_FAILURE_VIEW = "mapping.views.errors.csrf_failure"
SECURE_SSL_REDIRECT = WEAVE_HTTPS
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # a probe on the server's own plain-HTTP port
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", WEAVE_HTTPS)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600 if WEAVE_HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", WEAVE_HTTPS)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", WEAVE_HTTPS)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# No inline script or style anywhere (htmx is told not to add its own: base.html).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF], "script-src": [SELF], "style-src": [SELF],
        "img-src": [SELF, "data:"], "connect-src": [SELF], "font-src": [SELF],
        "object-src": [NONE], "base-uri": [SELF], "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}  # fmt: skip

# Logging: one line per request refused (4xx) or turned away for want of a database (503);
# a traceback only for a real fault.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"one_line": {"()": "mapping.core.logs.OneLineUnlessFault"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["one_line"]}},
    "root": {"handlers": ["console"], "level": log_level(env_str("LOG_LEVEL", "WARNING"))},
    "loggers": {
        "axes": {"level": "WARNING"},
        "weave": {"level": "INFO"},
        # The PDF's libraries say each step of every render at INFO: only their warnings.
        **{name: {"level": "WARNING"} for name in ("weasyprint", "fontTools", "pikepdf")},
        # Not Django's own console handler (DEBUG's), which prints a refusal's traceback:
        # its records pass up to the one above.
        "django": {"handlers": [], "level": "INFO"},
    },
}

# E-mail, for password resets: EMAIL_URL, as smtp://user:password@host:587 (STARTTLS),
# smtps://… (TLS) or console:// (printed, for trying it out). Without it there is no
# password-reset page: an administrator sets a new password in the admin.
EMAIL_URL = os.environ.get("EMAIL_URL", "").strip()
EMAIL_ENABLED = bool(EMAIL_URL)
if EMAIL_ENABLED:
    globals().update(email_settings(EMAIL_URL))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "weave@localhost")
# Where the site is, for the links in the emails it sends (notifications).
# The PDF's layout processes (mapping/pdf/pool.py reads it as it renders); read now too, so
# that a value that is not a number stops start-up, not the first render.
if env_int("WEAVE_PDF_WORKERS", 1) < 1:
    raise ImproperlyConfigured("WEAVE_PDF_WORKERS must be 1 or more.")
# Unset: the first of ALLOWED_HOSTS, over HTTPS with WEAVE_HTTPS.
WEAVE_SITE_URL = site_url(env_str("WEAVE_SITE_URL", ""), hosts=ALLOWED_HOSTS, https=WEAVE_HTTPS)

# Login throttling (django-axes): five failures in a row for one account from one address
# lock that account out from that address for WEAVE_LOGIN_LOCKOUT_MINUTES, so that one
# person guessing cannot lock out a whole office behind one address; an address alone is
# locked only after WEAVE_LOGIN_ADDRESS_LIMIT failures (any accounts) in that time
# (mapping/access/logins.py). An administrator can unlock an account sooner (Admin → Access
# attempts, or `manage.py axes_reset`). Each failure and lockout is logged.
AXES_FAILURE_LIMIT = env_int("WEAVE_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("WEAVE_LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "mapping.access.logins.lockout_name"  # one account, however typed
WEAVE_LOGIN_ADDRESS_LIMIT = env_int("WEAVE_LOGIN_ADDRESS_LIMIT", 50)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Behind WEAVE_PROXY_COUNT reverse proxies, the visitor's address is in X-Forwarded-For:
# read alike by django-axes, the address limit and the audit log (mapping/core/client.py).
WEAVE_PROXY_COUNT = env_int("WEAVE_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "mapping.core.client.client_address"
AXES_VERBOSE = True
# Each failed login after the second in a row waits this much longer (mapping/logins.py).
WEAVE_LOGIN_SLOWDOWN_SECONDS = 0.5
# The audit log (sign-ins, role changes, invitations, deactivations, token use): how many
# days of it are kept (/people/log/).
WEAVE_AUDIT_DAYS = env_int("WEAVE_AUDIT_DAYS", 365)

# The cache keeps rendered pages, PDFs and import progress. By default files under
# WEAVE_CACHE_DIR, which every process on this machine shares; for several servers, a
# Redis every server reaches: CACHE_URL=redis://host:6379/0.
CACHE_URL = os.environ.get("CACHE_URL", "").strip()
# Kept pages and PDFs belong to one database: two sites that share a cache (one Redis, one
# folder) never serve each other's. Servers of one site share their database, so its prefix.
# And what a release keeps belongs to it: after an upgrade nothing the release before kept is
# served (mapping/core/release.py says which keys every release shares).
_DATABASE = DATABASES["default"]
WEAVE_RELEASE = env_str("WEAVE_RELEASE", "").strip() or release_digest(BASE_DIR)
CACHE_KEY_PREFIX = (
    "weave-"
    + hashlib.sha256(
        "|".join(
            str(_DATABASE.get(part) or "") for part in ("ENGINE", "NAME", "HOST", "PORT")
        ).encode()
    ).hexdigest()[:12]
)
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": CACHE_URL,
        "KEY_PREFIX": CACHE_KEY_PREFIX,
        "KEY_FUNCTION": "mapping.core.release.cache_key",
    }
    if CACHE_URL.startswith(("redis://", "rediss://", "unix://"))
    else {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": env_str("WEAVE_CACHE_DIR", str(BASE_DIR / "var" / "cache")),
        "KEY_PREFIX": CACHE_KEY_PREFIX,
        "KEY_FUNCTION": "mapping.core.release.cache_key",
        "OPTIONS": {"MAX_ENTRIES": 20_000},
    }
}
if CACHE_URL and not CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(f"CACHE_URL must be a redis:// address, not {hidden(CACHE_URL)!r}.")
# Whether pages are kept ready in the cache (mapping/pagecache.py).
WEAVE_PAGE_CACHE = env_bool("WEAVE_PAGE_CACHE", default=True)

# How many links the link table shows a page.
WEAVE_LINKS_PER_PAGE = 50

# Background work (a large import's dry run and apply): django-tasks, with the database as
# its queue and `manage.py weave_worker` (db_worker, started again after a database error)
# as its worker (make run starts one beside the server).
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if env_bool("WEAVE_TASKS_IMMEDIATE", default=False)
        else "django_tasks_db.DatabaseBackend",
    }
}

# The largest file an editor may import, in bytes (5 MB: some 50,000 links as CSV).
WEAVE_IMPORT_MAX_BYTES = env_int("WEAVE_IMPORT_MAX_BYTES", 5 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = FILE_UPLOAD_MAX_MEMORY_SIZE = WEAVE_IMPORT_MAX_BYTES + 1024 * 1024
# How long an upload waits for its dry run to be applied before it is let go, in days.
WEAVE_IMPORT_KEEP_DAYS = env_int("WEAVE_IMPORT_KEEP_DAYS", 30)
