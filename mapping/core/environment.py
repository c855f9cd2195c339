"""Reading the settings that come as one string from the environment: the database and an
email server as URLs, the header a TLS-terminating proxy sets, the log level, the site's
own address and the identity provider's groups. A value that cannot be read stops
start-up with one line that names the setting, and never repeats a password."""

from __future__ import annotations

from urllib.parse import parse_qs, unquote, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

SMTP = "django.core.mail.backends.smtp.EmailBackend"
CONSOLE = "django.core.mail.backends.console.EmailBackend"


def email_settings(url: str) -> dict:
    """smtp://user:password@host:587 (STARTTLS unless ?tls=false), smtps://…:465 (TLS), or
    console:// (printed to the log, for trying it out)."""
    parts = urlsplit(url)
    if parts.scheme == "console":
        return {"EMAIL_BACKEND": CONSOLE}
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ImproperlyConfigured(
            f"EMAIL_URL must look like smtp://user:password@host:587, not {hidden(url)!r}."
        )
    options = parse_qs(parts.query)
    tls = options.get("tls", ["true"])[0].lower() not in ("0", "false", "no", "off")
    secure = parts.scheme == "smtps"
    try:
        port = parts.port or (465 if secure else 587)
    except ValueError:
        raise ImproperlyConfigured(
            f"EMAIL_URL has a port that is not a number: {hidden(url)!r}."
        ) from None
    return {
        "EMAIL_BACKEND": SMTP,
        "EMAIL_HOST": parts.hostname,
        "EMAIL_PORT": port,
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_SSL": secure,
        "EMAIL_USE_TLS": tls and not secure,
        "EMAIL_TIMEOUT": 20,
    }


def proxy_header(raw: str) -> tuple[str, str] | None:
    """ "X-Forwarded-Proto: https" as Django wants it: ("HTTP_X_FORWARDED_PROTO", "https")."""
    if not raw.strip():
        return None
    name, separator, value = raw.partition(":")
    if not separator or not name.strip() or not value.strip():
        raise ImproperlyConfigured(
            f"SECURE_PROXY_SSL_HEADER must look like “X-Forwarded-Proto: https”, not {raw!r}."
        )
    return "HTTP_" + name.strip().upper().replace("-", "_"), value.strip()


# The roles a site-wide role map may give, lowest first (mapping/access/oidc.py).
SITE_ROLES = ("viewer", "editor", "publisher", "administrator")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def hidden(url: str) -> str:
    """A URL as it may be printed: its password (if any) as ***."""
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:
        password = None
    if not password:
        return url
    return url.replace(f":{password}@", ":***@", 1)


def database_settings(url: str, **options) -> dict:
    try:
        return dj_database_url.parse(url, **options)
    except ValueError:
        raise ImproperlyConfigured(
            "DATABASE_URL must look like postgres://user:password@host:5432/name or "
            f"sqlite:////path/to/weave.sqlite3, not {hidden(url)!r}."
        ) from None


def log_level(raw: str) -> str:
    level = raw.strip().upper()
    if level not in LOG_LEVELS:
        raise ImproperlyConfigured(
            f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, not {raw!r}."
        )
    return level


def site_url(raw: str, *, hosts: list[str], https: bool) -> str:
    """WEAVE_SITE_URL, or where ALLOWED_HOSTS and WEAVE_HTTPS say the site is (the first
    host named in full), or the development server's address."""
    if raw.strip():
        parts = urlsplit(raw.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ImproperlyConfigured(
                f"WEAVE_SITE_URL must look like https://weave.example.org, not {raw!r}."
            )
        return raw.strip().rstrip("/")
    host = next((host for host in hosts if host not in ("", "*") and not host.startswith(".")),
                "")  # fmt: skip
    if host in ("", "127.0.0.1", "localhost"):
        return "http://127.0.0.1:8000"
    return f"{'https' if https else 'http'}://{host}"


def role_map(raw: str) -> dict[str, str]:
    """WEAVE_OIDC_ROLE_MAP, "group=role,group=role": a group the provider names, and the
    site-wide role it gives. A pair that cannot be read stops start-up, rather than
    quietly give nobody the role."""
    found = {}
    for pair in (item.strip() for item in raw.split(",")):
        if not pair:
            continue
        group, equals, role = (part.strip() for part in pair.partition("="))
        if not equals or not group or role.lower() not in SITE_ROLES:
            raise ImproperlyConfigured(
                f"WEAVE_OIDC_ROLE_MAP: {pair!r} must be group=role, the role one of "
                f"{', '.join(SITE_ROLES)}."
            )
        found[group] = role.lower()
    return found
