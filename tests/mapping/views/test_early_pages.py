"""Kept pages answered to anonymous readers before the middleware stack runs
(mapping/caching/early.py): the same body and headers as the long way, security headers and
all, 304s, gzip or not as asked; never for a signed-in reader, a reader with a session or
messages, a private site, or a page not kept yet."""

from unittest import mock

import pytest
from django.contrib.sessions.middleware import SessionMiddleware
from django.test import Client

from mapping.caching import early
from tests.rows import demo_per_module

# The demo is seeded once for the module's tests, each in a savepoint of its own.
demo = demo_per_module()

KEPT = ["/", "/links/", "/matrix/", "/map.json", "/coverage/",
        "/elements/example-homes-behaviours/B1/", "/editions/1/links/"]  # fmt: skip
PER_ANSWER = {"Date", "Content-Length"}


@pytest.fixture(autouse=True)
def clean():
    early.forget()
    yield
    early.forget()


def stack_runs(client: Client, url: str, **headers) -> tuple[bool, object]:
    """Whether the request went through the middleware stack (its session middleware), and
    the response."""
    original = SessionMiddleware.process_request
    with mock.patch.object(
        SessionMiddleware, "process_request", autospec=True, side_effect=original
    ) as called:
        response = client.get(url, headers=headers)  # fmt: skip
    return called.called, response


@pytest.mark.parametrize("url", KEPT)
def test_the_second_anonymous_reader_is_answered_before_the_stack(published, url):
    stacked, first = stack_runs(Client(), url, accept_encoding="gzip")
    assert stacked and first.status_code == 200
    stacked, second = stack_runs(Client(), url, accept_encoding="gzip")
    assert not stacked, "answered early"
    assert second.status_code == 200 and second.content == first.content
    same = {k: v for k, v in first.items() if k not in PER_ANSWER}
    assert {k: v for k, v in second.items() if k not in PER_ANSWER} == same
    for header in ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options",
                   "Referrer-Policy", "ETag", "Cache-Control", "Vary"):  # fmt: skip
        assert second.has_header(header), header


def test_gzip_only_for_those_who_ask(demo):
    stack_runs(Client(), "/links/", accept_encoding="gzip")
    stack_runs(Client(), "/links/")
    _, zipped = stack_runs(Client(), "/links/", accept_encoding="gzip")
    stacked, plain = stack_runs(Client(), "/links/")
    assert not stacked
    assert zipped["Content-Encoding"] == "gzip" and not plain.has_header("Content-Encoding")
    assert b"<html" in plain.content


def test_a_matching_etag_gets_a_304_with_the_security_headers(demo):
    _, first = stack_runs(Client(), "/links/", accept_encoding="gzip")
    stacked, again = stack_runs(Client(), "/links/", accept_encoding="gzip",
                                if_none_match=first["ETag"])  # fmt: skip
    assert not stacked and again.status_code == 304 and again.content == b""
    assert again["ETag"] == first["ETag"] and again.has_header("Content-Security-Policy")
    assert not again.has_header("Content-Type")


def test_signed_in_readers_and_sessions_go_the_long_way(demo, people):
    stack_runs(Client(), "/links/")
    reader = Client()
    reader.force_login(people["editor"])
    stacked, page = stack_runs(reader, "/links/")
    assert stacked and b"editor" in page.content.lower()
    with_messages = Client()
    with_messages.cookies["messages"] = "something"
    assert stack_runs(with_messages, "/links/")[0]


def test_a_private_site_answers_nothing_early(demo, settings):
    stack_runs(Client(), "/links/")
    settings.WEAVE_PUBLIC_READ = False
    settings.MIDDLEWARE = [*settings.MIDDLEWARE,
                           "django.contrib.auth.middleware.LoginRequiredMiddleware"]  # fmt: skip
    stacked, response = stack_runs(Client(), "/links/")
    assert stacked and response.status_code == 302


def test_a_write_is_seen_at_once(demo, as_role):
    stack_runs(Client(), "/links/")
    assert not stack_runs(Client(), "/links/")[0]
    link = demo.links.first()
    link.rationale = "A rationale nobody has read before."
    link.save()
    from mapping.caching.versioning import bump, register_name

    bump([register_name(None)])
    stacked, after = stack_runs(Client(), "/links/")
    assert stacked and b"A rationale nobody has read before." in after.content


def test_odd_requests_go_the_long_way(demo):
    stack_runs(Client(), "/links/")
    assert Client().get("/links/?q=%00").status_code == 400  # refused by the stack
    assert stack_runs(Client(), "/nowhere/")[0]
    assert Client().post("/links/").status_code in (403, 405)
