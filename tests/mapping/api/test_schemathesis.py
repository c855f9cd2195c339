"""The API judged by a real OpenAPI client: Schemathesis reads /api/openapi.json and
sends every operation generated requests (valid and not), with every one of its checks:
no 5xx, every response matches its declared status, content type, headers and schema,
schema-valid requests are accepted and invalid ones refused, and with the site private, a
request without the token is refused. Each operation's documented examples (the demo
register's) answer 200, so the generated requests reach real data too."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import CHECKS, load_all_checks

from mapping.models import ApiToken

pytestmark = pytest.mark.slow

# The description is read once; it needs no data. Each generated request then runs against
# the demo register, published twice, through the whole Django stack in this process.
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())
load_all_checks()
EVERY_CHECK = CHECKS.get_all()
EXAMPLES = settings(
    max_examples=25, deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)  # fmt: skip


@pytest.fixture
def token(published, people, settings):
    settings.WEAVE_PUBLIC_READ = False  # so that Schemathesis can check the token is needed
    # As Django's test client does: the request must not close the test's connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    # An editor's: every operation answers it (a register's suggestions are its editors').
    yield ApiToken.issue(people["editor"], "schemathesis")[1]
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@EXAMPLES
def test_the_api_keeps_every_promise_of_its_openapi_description(case, token):
    # Uncompressed: the in-process WSGI transport does not undo gzip as a client would.
    headers = {"Authorization": f"Bearer {token}", "Accept-Encoding": "identity"}
    case.call_and_validate(headers=headers, checks=EVERY_CHECK)


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
