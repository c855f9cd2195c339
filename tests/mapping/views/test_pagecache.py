"""Pages kept ready: served from the cache without touching the database, per role, with
each reader's own account area and CSRF token; a write of any kind shows on the very next
request; ETags and 304s; compressed for those who ask."""

import gzip
import io
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mapping.models import Link, Membership, Role
from tests.rows import demo_per_module

# The demo is seeded once for the module's tests, each in a savepoint of its own.
demo = demo_per_module()


def _queries(client, url, **headers) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
    return len(queries), response


KEPT = ["/", "/links/", "/matrix/", "/map.json", "/coverage/",
        "/elements/example-homes-behaviours/B1/", "/links.csv",
        "/editions/1/links/"]  # fmt: skip


@pytest.mark.parametrize("url", KEPT)
def test_a_kept_page_is_served_without_the_database(published, client, url):
    first, response = _queries(client, url)
    assert response.status_code == 200 and first > 0
    again, kept = _queries(client, url)
    assert again == 0
    assert kept.content == response.content
    assert kept["ETag"] == response["ETag"]


def test_a_write_of_any_kind_shows_on_the_next_request(published, as_role, client, people):
    link = published["mapping"].links.order_by("pk").first()
    client.get(f"/links/{link.pk}/")
    # Through the page, as an editor would.
    as_role("publisher").post(reverse("link_edit", args=[link.pk]), {
        "relation": link.relation, "rationale": "Changed through the form.",
        "example": "", "revision": link.revision})  # fmt: skip
    assert "Changed through the form." in client.get(f"/links/{link.pk}/").content.decode()
    # Through the ORM by another road (the admin, a shell): the model signals announce it.
    link.refresh_from_db()
    link.rationale = "Changed by a save."
    link.save()
    assert "Changed by a save." in client.get(f"/links/{link.pk}/").content.decode()
    # Behind every model method's back: announced by hand, as the README says to.
    Link.objects.filter(pk=link.pk).update(rationale="Changed by an UPDATE.")
    call_command("announce_changes", stdout=io.StringIO())
    assert "Changed by an UPDATE." in client.get(f"/links/{link.pk}/").content.decode()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE mapping_link SET rationale = %s WHERE id = %s",
                       ["Changed in raw SQL.", link.pk])  # fmt: skip
    call_command("announce_changes", "--register", published["mapping"].slug,
                 stdout=io.StringIO())  # fmt: skip
    assert "Changed in raw SQL." in client.get(f"/links/{link.pk}/").content.decode()


def test_each_role_gets_its_own_page(demo, as_role):
    link = demo.links.first()
    edit = reverse("link_edit", args=[link.pk])
    assert edit not in as_role("anonymous").get("/links/").content.decode()
    assert edit in as_role("editor").get("/links/").content.decode()
    assert edit not in as_role("viewer").get("/links/").content.decode()
    assert edit in as_role("editor").get("/links/").content.decode()


def test_each_reader_gets_their_own_name_and_csrf_token(demo, people):
    from django.contrib.auth.models import User

    other = User.objects.create_user("second-editor", password="pw")
    Membership.objects.create(user=other, mapping=None, role=Role.EDITOR)
    pages = {}
    for user in (people["editor"], other):
        client = Client(enforce_csrf_checks=True)
        client.force_login(user)
        html = client.get("/links/").content.decode()
        assert f">{user.username}</a>" in html
        assert "__weave_csrf__" not in html and "weave:account" not in html
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        pages[user.username] = (client, token)
    # Each reader's token is their own: a form on the kept page posts.
    link = demo.links.first()
    for client, token in pages.values():
        response = client.post(reverse("link_propose", args=[link.pk]),
                               {"csrfmiddlewaretoken": token})  # fmt: skip
        assert response.status_code != 403


def test_a_message_after_a_save_is_never_lost_to_a_kept_page(demo, as_role):
    editor = as_role("editor")
    link = demo.links.first()
    editor.get(link.get_absolute_url())  # kept
    response = editor.post(reverse("link_edit", args=[link.pk]), {
        "relation": link.relation, "rationale": "A new reason.", "example": "",
        "revision": link.revision}, follow=True)  # fmt: skip
    # (An editor's edit of an approved link goes back to a publisher, and says so.)
    assert f"Saved {link.reference}, and sent to a publisher for approval." in \
        response.content.decode()  # fmt: skip


def test_etags_give_304s_and_compression_is_offered(demo, client):
    page = client.get("/links/")
    assert page["Cache-Control"] == "public, no-cache"
    again = client.get("/links/", headers={"If-None-Match": page["ETag"]})
    assert again.status_code == 304 and again.content == b""
    packed = client.get("/links/", headers={"Accept-Encoding": "gzip"})
    assert packed["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.content) == page.content
    assert "Accept-Encoding" in packed["Vary"]


def test_a_new_release_gives_a_page_a_new_etag(demo, client, settings):
    """A release can change how a page reads though the register did not change: a reader
    who kept the page before it gets the new one, not a 304."""
    page = client.get("/links/")
    settings.WEAVE_RELEASE = settings.WEAVE_RELEASE + "-next"
    after = client.get("/links/", headers={"If-None-Match": page["ETag"]})
    assert after.status_code == 200 and after["ETag"] != page["ETag"]


def test_an_editions_downloads_never_change_and_say_so(published, client):
    response = client.get("/editions/1/links.csv")
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    Link.objects.update(rationale="Changed live.")
    assert client.get("/editions/1/links.csv").content == response.content
    assert b"Changed live." in client.get("/links.csv").content


def test_without_the_cache_pages_are_rendered_each_time(demo, client, settings):
    settings.WEAVE_PAGE_CACHE = False
    first, _ = _queries(client, "/links/")
    again, _ = _queries(client, "/links/")
    # Only the element tree is kept between requests (once per version of the register).
    assert first - 1 == again > 0


# Addresses with the query strings people use: every parameter is one the page reads.
ASKED = ["/links/?sort=target&page=2", "/links/?source=B1&q=rationale&sort=-relation",
         "/matrix/?expand=B1", "/links.csv?relation=supports",
         "/changes/?action=edited", "/editions/1/links/?relation=supports&page=1"]  # fmt: skip


@pytest.mark.parametrize("url", ASKED)
def test_a_page_is_kept_per_query_it_asks_for_and_made_afresh_with_one_it_ignores(
    published, client, url
):
    """A parameter the page never reads (a tracking tag, a made-up name) would otherwise
    keep one more copy of it for every value anyone sends; such a page is made afresh, and
    answered all the same."""
    from mapping.caching import pages

    assert _queries(client, url)[1].status_code == 200
    assert _queries(client, url)[0] == 0
    kept = len(pages._near)
    for value in range(5):
        first, response = _queries(client, f"{url}&utm_source=letter-{value}")
        assert response.status_code == 200 and first > 0
        again, response = _queries(client, f"{url}&utm_source=letter-{value}")
        assert response.status_code == 200 and again > 0
    assert len(pages._near) == kept
