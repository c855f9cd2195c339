"""Reading the settings that come as one string from the environment: an e-mail server
as a URL, and the header a TLS-terminating proxy sets."""

from __future__ import annotations

from urllib.parse import parse_qs, unquote, urlsplit

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
            f"EMAIL_URL must look like smtp://user:password@host:587, not {url!r}."
        )
    options = parse_qs(parts.query)
    tls = options.get("tls", ["true"])[0].lower() not in ("0", "false", "no", "off")
    secure = parts.scheme == "smtps"
    try:
        port = parts.port or (465 if secure else 587)
    except ValueError:
        raise ImproperlyConfigured(f"EMAIL_URL has a port that is not a number: {url!r}.") from None
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
