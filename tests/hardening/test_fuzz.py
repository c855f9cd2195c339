"""Whatever comes in, no answer is a 500: hypothesis sends every GET route (from the
every-view table, for every kind of register) odd paths and query strings, and every form
odd fields, as a publisher, on this run's database (CI runs SQLite and PostgreSQL). Each
request runs in a transaction rolled back after it."""

import pytest
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.mapping.views.test_every_view import VIEWS

pytestmark = pytest.mark.slow

ODD = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", "0", "-1", "9" * 30, "B1", "S1.1", "B1,S1,,", "B1.1:S1.1", "x:y:z",
                     "%00", "\x00", "../", "<script>", "'; drop table x; --", "１２", "∞",
                     "2026-02-30", "supports", "-relation", "true", "apa", "null", " ",
                     "²", "٣", "9" * 5000]),
)  # fmt: skip
KEYS = st.sampled_from(["q", "source", "target", "behaviour", "standard", "relation", "status",
                        "sort", "page", "expand", "cell", "format", "download", "who", "kind",
                        "action", "after", "before", "old", "new", "parent", "next", "register",
                        "page_size", "edition", "side", "element"])  # fmt: skip
FIELDS = st.sampled_from([
    "source", "target", "relation", "rationale", "example", "revision", "reason",
    "title", "description", "source_check", "checked_on", "code", "level_label", "parent",
    "position", "name", "slug", "kind", "publisher", "version_label", "year", "source_url",
    "citation_note", "notes", "status", "retire_missing", "official_wording", "framework",
    "organisation", "source_framework", "target_framework", "licence_url", "next",
])  # fmt: skip
READ = [v for v in VIEWS if "GET" in v.methods]
WRITE = [v for v in VIEWS if "POST" in v.methods]
PREFIXES = ["", "/editions/1", "/m/other", "/m/other/editions/1"]
EXAMPLES = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])  # fmt: skip


@pytest.fixture
def publisher(people) -> Client:
    client = Client()
    client.force_login(people["admin"])  # every role everywhere, and the People pages
    return client


def _url(view, odd: str) -> str:
    names = ("link", "element", "change", "batch", "token", "person", "invitation", "token_holder",
             "invitation_key", "unsubscribe")  # fmt: skip
    return view.url.format(**{k: (odd or "x") for k in names})


def _answer(client: Client, method: str, url: str, data: dict) -> int:
    with transaction.atomic():
        response = getattr(client, method)(url, data)
        transaction.set_rollback(True)
    return response.status_code


@EXAMPLES
@given(view=st.sampled_from(READ), prefix=st.sampled_from(PREFIXES), odd=ODD,
       query=st.dictionaries(KEYS, ODD, max_size=4), htmx=st.booleans())  # fmt: skip
def test_no_page_answers_a_500(site, publisher, view, prefix, odd, query, htmx):
    url = (prefix if view.register_page else "") + _url(view, odd)
    headers = {"HX-Request": "true"} if htmx else {}
    with transaction.atomic():
        response = publisher.get(url, query, headers=headers)
        transaction.set_rollback(True)
    assert response.status_code < 500, (url, query, response.status_code)


@EXAMPLES
@given(view=st.sampled_from(WRITE), odd=ODD, data=st.dictionaries(FIELDS, ODD, max_size=8))
def test_no_form_answers_a_500(site, publisher, view, odd, data):
    url = _url(view, odd if odd.isdigit() and len(odd) < 9 else "")
    status = _answer(publisher, "post", url, data)
    assert status < 500, (url, data, status)


@EXAMPLES
@given(odd=ODD, query=st.dictionaries(KEYS, ODD, max_size=4))
def test_no_api_call_answers_a_500(site, publisher, odd, query):
    client = publisher
    for url in (
        f"/api/mappings/{odd}/links",
        "/api/mappings/ours/links",
        f"/api/mappings/ours/elements/target/{odd}",
        f"/api/frameworks/{odd}",
    ):
        with transaction.atomic():
            status = client.get(url, query).status_code
            transaction.set_rollback(True)
        assert status < 500, (url, query, status)
