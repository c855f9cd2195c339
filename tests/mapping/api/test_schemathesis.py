"""The API judged by a real OpenAPI client: Schemathesis reads /api/openapi.json and
sends every operation generated requests (valid and not), with every one of its checks:
no 5xx, every response matches its declared status, content type, headers and schema,
schema-valid requests are accepted and invalid ones refused, and with the site private, a
request without the token is refused. It runs against both configurations: a public site
(no token sent; the description says the reader's token is optional) and a private one
(a token sent; the description says it is required). Each operation's documented examples (the demo
register's) answer 200, so the generated requests reach real data too."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import override_settings
from hypothesis import HealthCheck, settings
from schemathesis.checks import CHECKS, load_all_checks

from mapping.models import ApiToken

pytestmark = pytest.mark.slow

# The description is read once per configuration; it needs no data. Each generated request
# then runs against the demo register, published twice, through the whole Django stack in
# this process.
with override_settings(WEAVE_PUBLIC_READ=True):
    public = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())
with override_settings(WEAVE_PUBLIC_READ=False):
    private = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())
load_all_checks()
EVERY_CHECK = CHECKS.get_all()
EXAMPLES = settings(
    max_examples=25, deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)  # fmt: skip


@pytest.fixture
def in_process():
    # As Django's test client does: the request must not close the test's connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(published, people, settings, in_process):
    settings.WEAVE_PUBLIC_READ = False  # so that Schemathesis can check the token is needed
    # An editor's: every operation answers it (a register's suggestions are its editors').
    return ApiToken.issue(people["editor"], "schemathesis")[1]


@private.parametrize()
@EXAMPLES
def test_a_private_site_keeps_every_promise_of_its_openapi_description(case, token):
    # Uncompressed: the in-process WSGI transport does not undo gzip as a client would.
    headers = {"Authorization": f"Bearer {token}", "Accept-Encoding": "identity"}
    case.call_and_validate(headers=headers, checks=EVERY_CHECK)


@public.parametrize()
@EXAMPLES
def test_a_public_site_keeps_every_promise_without_a_token(case, published, settings,
                                                          in_process):  # fmt: skip
    settings.WEAVE_PUBLIC_READ = True
    case.call_and_validate(headers={"Accept-Encoding": "identity"}, checks=EVERY_CHECK)


def test_the_description_says_a_token_is_optional_only_on_a_public_site(client, settings):
    def security(public: bool) -> dict[str, list]:
        settings.WEAVE_PUBLIC_READ = public
        paths = client.get("/api/openapi.json").json()["paths"]
        return {path: methods["get"]["security"] for path, methods in paths.items()}

    public, private = security(True), security(False)
    suggestions = "/api/mappings/{slug}/suggestions"
    assert public[suggestions] == private[suggestions] == [{"EditorAuth": []}]
    readers = [path for path in public if path != suggestions]
    assert len(readers) > 10
    assert all(public[path] == [{}, {"ReaderAuth": []}] for path in readers)
    assert all(private[path] == [{"ReaderAuth": []}] for path in readers)


def test_every_operation_answers_its_documented_examples(client, token, published):
    description = client.get("/api/openapi.json").json()
    for path, methods in description["paths"].items():
        parameters = methods["get"].get("parameters", [])
        url, query = path, {}
        for parameter in parameters:
            examples = parameter.get("schema", {}).get("examples") or parameter.get("examples")
            if parameter["name"] == "link_id":  # ids run on between tests on PostgreSQL
                examples = [published["mapping"].links.order_by("pk").first().pk]
            if parameter["in"] == "path":
                url = url.replace(f"{{{parameter['name']}}}", str(examples[0]))
            elif parameter.get("required"):
                query[parameter["name"]] = examples[0]
        response = client.get(url, query, headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200, (url, query, response.content[:300])
