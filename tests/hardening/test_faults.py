"""The faults a server meets, each with a plain answer and nothing half-written: the
database gone (503, try again), SQLite busy (503, nothing saved), a NUL character (400),
text too long (a form error), a refused request (one log line, no traceback)."""

import logging
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import OperationalError
from django.test import Client
from django.urls import reverse
from redis.exceptions import ConnectionError as RedisConnectionError

from mapping.core.logs import OneLineUnlessFault
from mapping.models import Link
from tests.mapping.conftest import snapshot


@pytest.fixture
def quiet_client(people):
    """A client that gets the error page the server sends, as a browser would."""
    client = Client(raise_request_exception=False)
    client.force_login(people["editor"])
    return client


@pytest.mark.parametrize(("error", "status", "said"), [
    (OperationalError("connection to server at 127.0.0.1 failed: Connection refused"), 503,
     "Weave cannot reach its database just now"),
    (OperationalError("database is locked"), 503, "The register is busy"),
    (RedisConnectionError("Error 111 connecting to 127.0.0.1:6389. Connection refused."), 503,
     "Weave cannot reach its cache just now"),
    (RuntimeError("a bug"), 500, "Something went wrong"),
])  # fmt: skip
def test_a_server_fault_is_a_plain_page(small, quiet_client, monkeypatch, error, status, said):
    def fail(*args, **kwargs):
        raise error

    monkeypatch.setattr("mapping.models.Change.objects.apply", fail)
    link = small["b11_s11"]
    before = snapshot()
    typed = {"relation": "supports", "rationale": "Typed with care.", "revision": link.revision}
    response = quiet_client.post(reverse("link_edit", args=[link.pk]), typed)
    assert response.status_code == status
    html = response.content.decode()
    assert said in html and "Traceback" not in html
    if status == 503:
        assert response["Retry-After"] == "5"
    assert snapshot() == before


@pytest.mark.parametrize(("error", "status", "said"), [
    (RedisConnectionError("Connection refused."), 503, "Try again in a moment."),
    (OperationalError("connection to server at 127.0.0.1 failed"), 503, "Try again in a moment."),
    (RuntimeError("a bug"), 500, "Something went wrong on the server; it has been logged."),
])  # fmt: skip
def test_the_apis_faults_are_in_json_too(small, monkeypatch, error, status, said):
    def fail(*args, **kwargs):
        raise error

    monkeypatch.setattr("mapping.models.mappings.MappingQuerySet.with_frameworks", fail)
    response = Client(raise_request_exception=False).get("/api/mappings")
    assert (response.status_code, response.json()) == (status, {"detail": said, "parameter": None})
    assert response.get("Retry-After") == ("5" if status == 503 else None)


@pytest.mark.parametrize("url", [
    "/elements/the-standards/%00/", "/elements/our-ways/B1%00/", "/links/?q=%00",
    "/frameworks/our-ways/elements/new/?parent=%00", "/changes/?who=%00",
])  # fmt: skip
def test_a_nul_character_is_a_400(small, as_role, url):
    response = as_role("editor").get(url)
    assert response.status_code in (400, 404), response.status_code


def test_the_api_refuses_a_nul_and_finds_nothing_named_with_one(small, client):
    for query in ("q=%00", "source=B1%00", "q%00=x"):
        response = client.get(f"/api/mappings/ours/links?{query}")
        assert response.status_code == 400 and "NUL character" in response.json()["detail"]
    assert client.get("/api/mappings/o%00urs").status_code == 404
    assert client.get("/api/frameworks/our%00-ways").status_code == 404


def test_a_nul_character_in_a_form_writes_nothing(small, as_role):
    before = snapshot()
    response = as_role("editor").post(reverse("link_create"), {
        "source": "B1.2", "target": "S1", "relation": "supports",
        "rationale": "Why\x00 not."})  # fmt: skip
    assert response.status_code == 400
    assert snapshot() == before
    page = response.content.decode()  # a page of the site, saying what to do
    assert "<h1>Bad request</h1>" in page and "The rationale has a NUL character" in page
    assert "Go back to the form" in page


@pytest.mark.parametrize(("url", "field", "limit"), [
    ("link_create", "rationale", 10_000), ("link_create", "example", 10_000),
])  # fmt: skip
def test_text_has_a_limit_everywhere(small, as_role, url, field, limit):
    data = {"source": "B1.2", "target": "S1", "relation": "supports",
            "rationale": "Why.", "example": ""}  # fmt: skip
    data[field] = "x" * (limit + 1)
    response = as_role("editor").post(reverse(url), data)
    assert response.status_code == 400
    assert f"at most {limit} characters" in response.content.decode()
    assert not Link.objects.filter(source=small["b12"], target=small["s1"]).exists()


def test_an_element_description_has_a_limit_in_the_admin(small, as_role):
    element = small["b1"]
    response = as_role("admin").post(f"/admin/standards/element/{element.pk}/change/", {
        "framework": element.framework_id, "code": "B1", "title": "Be kind",
        "description": "x" * 20_001, "level_label": "Top", "position": 1,
        "source_check": "unchecked", "revision": element.revision})  # fmt: skip
    assert response.status_code == 200
    assert "at most 20000 characters" in response.content.decode()


def _record(status: int | None, error: BaseException | None) -> logging.LogRecord:
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1,
                               "Forbidden (Permission denied): %s", ("/x/",),
                               (type(error), error, None) if error else None)  # fmt: skip
    if status is not None:
        record.status_code = status
    return record


def test_refusals_are_one_line_and_faults_keep_their_traceback():
    one_line = OneLineUnlessFault()
    refused = _record(403, PermissionError("no"))
    assert one_line.filter(refused) and refused.exc_info is None
    gone = _record(500, OperationalError("the connection is closed"))
    assert one_line.filter(gone) and gone.exc_info is None
    assert "(the database: the connection is closed)" in gone.getMessage()
    fault = _record(500, RuntimeError("a bug"))
    assert one_line.filter(fault) and fault.exc_info is not None


def test_the_console_log_uses_the_one_line_filter(settings):
    assert settings.LOGGING["handlers"]["console"]["filters"] == ["one_line"]


def test_a_refusal_logs_one_line_with_debug_on_too():
    """DEBUG (make run) adds Django's own console handler; it must not print the traceback."""
    script = (
        "import django, logging; django.setup()\n"
        "from django.core.exceptions import PermissionDenied\n"
        "try:\n    raise PermissionDenied('Only an administrator manages people.')\n"
        "except PermissionDenied:\n"
        "    logging.getLogger('django.request').warning('Forbidden (Permission denied): "
        "/people/log/', exc_info=True, extra={'status_code': 403})\n"
    )
    env = {**os.environ, "DEBUG": "true", "DJANGO_SETTINGS_MODULE": "mapping.settings"}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                          text=True, check=True, cwd=settings.BASE_DIR)  # fmt: skip
    assert done.stderr.splitlines() == ["Forbidden (Permission denied): /people/log/"]


def test_the_pdf_libraries_say_only_their_warnings_at_info():
    """LOG_LEVEL=INFO is for Weave's own lines, not every step of every PDF render."""
    for name in ("weasyprint", "fontTools", "pikepdf"):
        assert logging.getLogger(name).getEffectiveLevel() == logging.WARNING, name
