"""Production settings refuse to start without a real secret key and say so; under the
settings a deployment behind TLS uses, `check --deploy` finds nothing; every page carries
the security headers; email and the proxy's header are read from the environment."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import NoReverseMatch, reverse

from mapping.core.environment import email_settings, proxy_header
from mapping.core.release import release_digest

ROOT = settings.BASE_DIR
STRICT = ("default-src 'self'", "script-src 'self'", "style-src 'self'",
          "frame-ancestors 'none'", "object-src 'none'", "form-action 'self'")  # fmt: skip
PRODUCTION = {
    "SECRET_KEY": "k" * 20 + "a-long-random-production-secret-for-the-test-only-9f8e7d",
    "ALLOWED_HOSTS": "weave.example", "WEAVE_HTTPS": "true",
    "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto: https",
    "CSRF_TRUSTED_ORIGINS": "https://weave.example",
    "DJANGO_SETTINGS_MODULE": "mapping.settings", "DEBUG": "false",
}  # fmt: skip


def _manage(*args, **env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items()
             if k not in ("SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")}  # fmt: skip
    clean["DJANGO_SETTINGS_MODULE"] = "mapping.settings"
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env={**clean, **env},
                          capture_output=True, text=True, timeout=120)  # fmt: skip


@pytest.mark.parametrize(("key", "said"), [
    (None, "it is missing or empty."), ("", "it is missing or empty."),
    ("  ", "it is missing or empty."),
    ("weave-insecure-development-key-do-not-use-in-production", "it is the development key."),
])  # fmt: skip
def test_production_refuses_to_start_without_a_real_secret_key(key, said):
    env = {"DEBUG": "false"} | ({"SECRET_KEY": key} if key is not None else {})
    result = _manage("check", **env)
    assert result.returncode != 0
    assert result.stderr.strip().startswith("Weave cannot start: Set SECRET_KEY")
    assert said in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(("name", "value", "said"), [
    ("DATABASE_URL", "postgres://weave:Sup3rSecret@127.0.0.1:54x39/weave",
     "DATABASE_URL must look like postgres://user:password@host:5432/name or "
     "sqlite:////path/to/weave.sqlite3, not 'postgres://weave:***@127.0.0.1:54x39/weave'."),
    ("DATABASE_URL", "nonsense", "DATABASE_URL must look like"),
    ("EMAIL_URL", "smpt://weave:Sup3rSecret@smtp.example.org:587",
     "EMAIL_URL must look like smtp://user:password@host:587, not "
     "'smpt://weave:***@smtp.example.org:587'."),
    ("EMAIL_URL", "smtp://weave:Sup3rSecret@smtp.example.org:5x7",
     "EMAIL_URL has a port that is not a number: 'smtp://weave:***@smtp.example.org:5x7'."),
    ("CACHE_URL", "redi://:Sup3rSecret@cache", "not 'redi://:***@cache'."),
    ("LOG_LEVEL", "LOUD", "LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL"),
    ("WEAVE_PDF_WORKERS", "many", "WEAVE_PDF_WORKERS must be a whole number, not 'many'."),
    ("WEAVE_PDF_WORKERS", "0", "WEAVE_PDF_WORKERS must be 1 or more."),
    ("WEAVE_SITE_URL", "weave.example.org", "WEAVE_SITE_URL must look like https://"),
    ("WEAVE_OIDC_ROLE_MAP", "weave-admins=admin,staff=viewer",
     "WEAVE_OIDC_ROLE_MAP: 'weave-admins=admin' must be group=role, the role one of viewer, "
     "editor, publisher, administrator."),
    ("WEAVE_OIDC_ISSUER", "https://id.example.org", "set WEAVE_OIDC_CLIENT_ID"),
])  # fmt: skip
def test_a_setting_that_cannot_be_read_stops_start_up_naming_it(name, value, said):
    """One line naming the setting, no traceback, and never the password it held."""
    result = _manage("check", **(PRODUCTION | {name: value}))
    assert result.returncode != 0
    assert result.stderr.strip() == result.stderr.strip().splitlines()[0]
    assert result.stderr.startswith("Weave cannot start: ") and said in result.stderr
    assert "Sup3rSecret" not in result.stderr + result.stdout


def test_emails_lead_to_the_sites_own_address_without_being_told_twice():
    """Unset, WEAVE_SITE_URL is where ALLOWED_HOSTS and WEAVE_HTTPS say the site is; the
    development server's address only where no other is named."""
    read = "from django.conf import settings; print(settings.WEAVE_SITE_URL)"
    for env, url in [
        (PRODUCTION, "https://weave.example"),
        (PRODUCTION | {"WEAVE_HTTPS": "false", "SECURE_PROXY_SSL_HEADER": ""}, "http://weave.example"),
        (PRODUCTION | {"ALLOWED_HOSTS": ".example.org,weave.example.org"}, "https://weave.example.org"),
        (PRODUCTION | {"WEAVE_SITE_URL": "https://register.example.org/"}, "https://register.example.org"),
        ({"DEBUG": "true", "ALLOWED_HOSTS": "127.0.0.1,localhost"}, "http://127.0.0.1:8000"),
    ]:  # fmt: skip
        result = _manage("shell", "-v", "0", "-c", read, **env)
        assert result.stdout.strip() == url, result.stderr


def test_check_deploy_finds_nothing_under_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr


def test_every_page_carries_the_security_headers(demo, client):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    for directive in STRICT:
        assert directive in policy, directive
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    for answer in (response, client.get("/api/mappings"), client.get("/nowhere/"),
                   client.get("/static/css/weave.css")):  # fmt: skip
        assert "camera=(), " in answer["Permissions-Policy"], answer
        assert "geolocation=(), " in answer["Permissions-Policy"]
    html = response.content.decode()
    assert "<script>" not in html and ' style="' not in html
    assert '"includeIndicatorStyles": false' in html


def test_hsts_is_sent_over_tls(demo, client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    assert "Strict-Transport-Security" not in client.get("/")
    secure = client.get("/", secure=True)
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_over_tls_everything_but_the_health_probe_is_sent_to_https(db, settings):
    settings.SECURE_SSL_REDIRECT = True
    client = Client()  # its handler reads the settings as it is made
    assert client.get("/guide/")["Location"] == "https://testserver/guide/"
    probe = client.get("/healthz")
    assert (probe.status_code, probe.content) == (200, b"ok")


def test_email_comes_from_one_url():
    assert email_settings("smtp://weave%40ex.org:p%40ss@mail.ex.org:2525") | {} == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "mail.ex.org", "EMAIL_PORT": 2525, "EMAIL_HOST_USER": "weave@ex.org",
        "EMAIL_HOST_PASSWORD": "p@ss", "EMAIL_USE_SSL": False, "EMAIL_USE_TLS": True,
        "EMAIL_TIMEOUT": 20,
    }  # fmt: skip
    assert email_settings("smtps://mail.ex.org")["EMAIL_PORT"] == 465
    assert email_settings("smtps://mail.ex.org")["EMAIL_USE_SSL"] is True
    assert email_settings("console://")["EMAIL_BACKEND"].endswith("console.EmailBackend")
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL must look like"):
        email_settings("mail.ex.org")


def test_without_email_there_is_no_password_reset_page(db, client):
    assert not settings.EMAIL_ENABLED
    with pytest.raises(NoReverseMatch):
        reverse("password_reset")
    assert client.get("/accounts/password_reset/").status_code == 404
    assert "Forgotten your password?" not in client.get(reverse("login")).content.decode()


def test_with_email_the_password_reset_sends_a_link():
    result = _manage("shell", "-c", "from django.urls import reverse; "
                     "print(reverse('password_reset'))", EMAIL_URL="console://",
                     SECRET_KEY="x" * 60, ALLOWED_HOSTS="localhost")  # fmt: skip
    assert result.returncode == 0 and result.stdout.strip().endswith("/accounts/password_reset/")


def test_the_proxys_header_is_read_as_written():
    assert proxy_header("X-Forwarded-Proto: https") == ("HTTP_X_FORWARDED_PROTO", "https")
    assert proxy_header("") is None
    with pytest.raises(ImproperlyConfigured):
        proxy_header("X-Forwarded-Proto")


@pytest.mark.parametrize("address", ["/nonexistent/", "/api/nonexistent", "/static/nope.css"])
def test_a_private_site_tells_strangers_nothing_on_its_error_pages(small, client, settings,
                                                                   address):  # fmt: skip
    settings.WEAVE_PUBLIC_READ = False
    response = client.get(address)
    assert response.status_code == 404
    page = response.content.decode()
    for secret in (small["mapping"].name, small["mapping"].organisation, "standards"):
        assert secret not in page
    assert "Page not found" in page or response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize(("address", "status"), [
    ("/accounts/login/", 200), ("/invitations/bogus/", 404),
    ("/notifications/unsubscribe/abc/", 400),
])  # fmt: skip
def test_a_private_site_tells_strangers_nothing_on_the_pages_they_can_reach(
    small, client, settings, address, status
):
    """Logging in, an invitation, unsubscribing: reachable without signing in, so they name
    no register, organisation or attribution, nor how many changes it has had."""
    settings.WEAVE_PUBLIC_READ = False
    response = client.get(address)
    assert response.status_code == status
    page = response.content.decode()
    for secret in (small["mapping"].name, small["mapping"].organisation, "standards", "edition"):
        assert secret not in page


def test_two_sites_sharing_a_cache_keep_their_pages_apart(tmp_path):
    """Two databases, one cache folder or Redis: each site's kept pages and PDFs under its own
    prefix; a second server of the same site (same database) shares the first's."""

    def prefix(database: str) -> str:
        result = _manage("shell", "-c", "from django.conf import settings; "
                         "print(settings.CACHES['default']['KEY_PREFIX'])",
                         DATABASE_URL=database, DEBUG="true")  # fmt: skip
        assert result.returncode == 0, result.stderr
        return result.stdout.split()[-1]

    one, other = f"sqlite:///{tmp_path / 'one.sqlite3'}", f"sqlite:///{tmp_path / 'two.sqlite3'}"
    assert prefix(one) == prefix(one) != prefix(other)
    assert prefix(one).startswith("weave-")


def test_an_upgrade_never_serves_what_the_release_before_kept(tmp_path):
    """What a release keeps (pages, PDFs, worked-out data) is under its own keys, so the
    next release never serves it; each register's version is shared by every release, so
    that in a rolling upgrade a write through an old server renews the new ones' pages."""
    database = f"sqlite:///{tmp_path / 'site.sqlite3'}"

    def keys(**env) -> tuple[str, str]:
        said = "print(cache.make_key('weave:page:x'), cache.make_key('weave:version:ours'))"
        result = _manage("shell", "-c", f"from django.core.cache import cache; {said}",
                         DATABASE_URL=database, DEBUG="true", **env)  # fmt: skip
        assert result.returncode == 0, result.stderr
        page, version = result.stdout.split()[-2:]
        return page, version

    (page, version), (next_page, next_version) = keys(), keys(WEAVE_RELEASE="2027.1")
    assert f":{release_digest(ROOT)}:weave:page:x" in page
    assert next_page.endswith(":2027.1:weave:page:x") and next_page != page
    assert next_version == version and version.endswith(":weave:version:ours")


def test_the_release_is_what_its_files_say(tmp_path):
    for name in ("one", "two"):
        (tmp_path / name / "templates" / "mapping").mkdir(parents=True)
        (tmp_path / name / "templates" / "mapping" / "page.html").write_text("<p>Hello</p>")
        (tmp_path / name / "mapping" / "__pycache__").mkdir(parents=True)
        (tmp_path / name / "mapping" / "views.py").write_text("x = 1\n")
    one, two = tmp_path / "one", tmp_path / "two"
    # Installed anywhere, at any time, the same files are the same release.
    assert release_digest(one) == release_digest(two)
    (two / "mapping" / "__pycache__" / "views.cpython-311.pyc").write_bytes(b"compiled")
    (two / "mapping" / "notes.swp").write_text("an editor's file")
    assert release_digest(one) == release_digest(two)
    # A changed template, stylesheet or module is another release.
    (two / "templates" / "mapping" / "page.html").write_text("<p>Hello!</p>")
    assert release_digest(one) != release_digest(two)
    (two / "templates" / "mapping" / "page.html").write_text("<p>Hello</p>")
    (two / "mapping" / "views.py").write_text("x = 2\n")
    assert release_digest(one) != release_digest(two)
