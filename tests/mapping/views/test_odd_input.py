"""What a review found by sending odd input to every page and form (a helper's fuzzing of
the running demo, 2026-12-06): each case refused with a clear message and nothing written,
or a page shown, never a server error."""

import re

import pytest
from django.urls import reverse

from mapping.models import Invitation, Link
from standards.models import Element, Framework
from tests.mapping.conftest import snapshot

HTMX = {"HX-Request": "true"}


def _framework_edit(client, **changed):
    framework = Framework.objects.get(slug="our-ways")
    data = {"name": framework.name, "publisher": framework.publisher,
            "revision": framework.revision} | changed  # fmt: skip
    return client.post(reverse("framework_edit", args=["our-ways"]), data)


@pytest.mark.parametrize("year", ["-5", "0", "1799", "2201", "2500"])
def test_a_frameworks_year_is_one_every_export_can_write(small, as_role, client, year):
    before = snapshot()
    response = _framework_edit(as_role("editor"), year=year)
    assert response.status_code == 400
    assert "Give a year from 1800 to 2200." in response.content.decode()
    assert "greater than or equal" not in response.content.decode()
    assert snapshot() == before
    # So the exports that write the year (which refuse one outside that range) still work.
    assert client.get("/api/frameworks/our-ways").status_code == 200
    assert client.get(reverse("register_export")).status_code == 200


def test_a_year_in_range_is_saved(small, as_role):
    assert _framework_edit(as_role("editor"), year="2025").status_code == 302
    assert Framework.objects.get(slug="our-ways").year == 2025


@pytest.mark.parametrize("slug", ["new", "import"])
def test_a_framework_cannot_take_the_address_of_a_page(small, as_role, slug):
    data = {"name": "Ours", "slug": slug, "kind": "behaviours", "publisher": "Us"}
    response = as_role("editor").post(reverse("framework_create"), data)
    assert response.status_code == 400
    assert f"“{slug}” is the address of a page of its own" in response.content.decode()
    assert not Framework.objects.filter(slug=slug).exists()
    upload = {"file": _csv(), "name": "Ours", "slug": slug, "kind": "behaviours",
              "publisher": "Us"}  # fmt: skip
    response = as_role("editor").post(reverse("framework_import"), upload)
    assert response.status_code == 400
    assert f"“{slug}” is the address of a page of its own" in response.content.decode()


def _csv():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("values.csv", b"code,title,level label\nV1,Be kind,Value\n",
                              content_type="text/csv")  # fmt: skip


@pytest.mark.parametrize(
    ("position", "message"),
    [("0", "Give a position from 1."), ("-3", "Give a position from 1."),
     ("9223372036854775807", "no higher than 100,000")],
)  # fmt: skip
def test_a_new_elements_position_is_from_1_to_100000(small, as_role, position, message):
    data = {"code": "B9", "title": "New", "level_label": "Top", "position": position}
    response = as_role("editor").post(reverse("element_create", args=["our-ways"]), data)
    assert response.status_code == 400 and message in response.content.decode()
    assert "greater than or equal" not in response.content.decode()
    assert not Element.objects.filter(code="B9").exists()


def test_a_field_that_is_wrong_is_not_also_said_to_be_missing(small, as_role):
    upload = {"file": _csv(), "name": "Ours", "slug": "not a slug", "kind": "odd",
              "publisher": "Us"}  # fmt: skip
    page = as_role("editor").post(reverse("framework_import"), upload).content.decode()
    assert "digits and hyphens (no spaces or accents). “ours” would do." in page
    assert "Choose its kind: the file does not say it." not in page
    upload = {"file": _csv(), "framework": "999"}
    page = as_role("editor").post(reverse("framework_import"), upload).content.decode()
    assert "Give the new framework&#x27;s name." not in page


@pytest.mark.parametrize("element", ["²", "٣", "9" * 5000, "-1", "1.5"])
def test_an_odd_element_on_a_link_page_is_ignored(small, client, element):
    link = small["b11_s11"]
    url = reverse("link_detail", args=[link.pk])

    def main(response) -> str:
        html = response.content.decode()
        html = re.sub(r"(\?|%3F)element(=|%3D)[^\"&]*", "", html)  # where "next" leads back
        return html[html.index("<main") : html.index("</main>")]

    response = client.get(url, {"element": element})
    assert response.status_code == 200
    assert main(response) == main(client.get(url))  # as if it were not there
    response = client.get(url, {"element": element}, headers=HTMX)
    assert response.status_code == 200
    assert link.rationale in response.content.decode()


@pytest.mark.parametrize("pk", [2**63, 10**20])
def test_a_link_id_too_big_for_a_database_is_not_found(published, client, pk):
    assert client.get(f"/links/{pk}/").status_code == 404
    assert client.get(f"/editions/1/links/{pk}/").status_code == 404
    assert client.get(f"/editions/1/links/{pk}/?format=apa").status_code == 404
    assert Link.objects.exists()


def test_withdrawing_an_invitation_twice_says_so_to_the_administrator(db, people, admin_client):
    invitation, _key = Invitation.objects.issue("new@example.org", "viewer", None, by=None)
    url = reverse("invitation_withdraw", args=[invitation.pk])
    admin_client.post(url)
    page = admin_client.post(url, follow=True).content.decode()
    assert "The invitation to new@example.org was already withdrawn." in page
    assert "Ask whoever invited you" not in page


@pytest.mark.parametrize("next_", ["zz", "0", "null", "B1 Put", "//elsewhere.example/x"])
def test_a_next_that_is_not_a_path_here_returns_to_the_page_it_would_have(small, as_role, next_):
    """A bare word in next= was taken by redirect() for a view's name: a 500 after the
    retirement had been saved."""
    link = small["b2_s12"]
    response = as_role("editor").post(
        reverse("link_retire", args=[link.pk]), {"reason": "Gone.", "revision": 1, "next": next_}
    )
    assert response.status_code == 302
    assert response["Location"] == link.get_absolute_url()
    link.refresh_from_db()
    assert link.retired_reason == "Gone."


def test_a_reference_added_with_an_odd_next_goes_to_my_references(small, client):
    response = client.post(reverse("reference_add"), {
        "register": small["mapping"].slug, "kind": "register", "next": "zz",
    })  # fmt: skip
    assert response.status_code == 302 and response["Location"] == reverse("references")


@pytest.mark.parametrize(
    ("path", "params", "host"),
    [
        ("/links/", {f"f{i}": "x" for i in range(1100)}, "testserver"),  # too many fields
        ("/api/mappings", {f"f{i}": "x" for i in range(1100)}, "testserver"),
        ("/healthz", {}, "elsewhere.example"),  # a host this site is not
    ],
)
def test_a_request_refused_before_anyone_is_known_is_a_400_not_a_500(small, path, params, host):
    from django.test import Client

    response = Client(raise_request_exception=False).get(path, params, headers={"host": host})
    assert response.status_code == 400
    assert "<h1>Bad request</h1>" in response.content.decode()


def test_a_post_too_large_to_read_is_a_400(small, as_role):
    link = small["b2_s12"]
    client = as_role("editor")
    client.raise_request_exception = False
    response = client.post(reverse("link_retire", args=[link.pk]),
                           {"reason": "x" * 8_000_000, "revision": 1})  # fmt: skip
    assert response.status_code == 400
    assert "more than this site takes" in response.content.decode()
    link.refresh_from_db()
    assert not link.retired_reason


def test_a_form_sent_with_a_stale_token_says_what_happened_and_saves_nothing(small, people):
    from django.test import Client

    link = small["b2_s12"]
    client = Client(enforce_csrf_checks=True)
    client.force_login(people["editor"])
    client.get(reverse("link_table"))  # the token cookie is set
    stale = {"reason": "Gone.", "revision": 1, "csrfmiddlewaretoken": "x" * 64}
    response = client.post(reverse("link_retire", args=[link.pk]), stale)
    assert response.status_code == 403
    page = response.content.decode()
    assert "This form could not be sent" in page and "Nothing was saved" in page
    assert "DEBUG" not in page and "<header" in page  # the site's own page, not Django's
    link.refresh_from_db()
    assert not link.retired_reason


def test_an_element_code_differing_only_in_case_is_refused(small, as_role):
    data = {"code": "b1", "title": "New", "level_label": "Top", "position": "3"}
    response = as_role("editor").post(reverse("element_create", args=["our-ways"]), data)
    assert response.status_code == 400
    assert (
        "Our ways already has an element B1: give this one another code."
        in response.content.decode()
    )
    assert not Element.objects.filter(code="b1").exists()


@pytest.mark.parametrize(
    ("version", "said"),
    [("2025", "published by Org, 2025."), ("Second", "published by Org, Second (2025).")],
)
def test_a_framework_whose_version_is_its_year_says_it_once(small, client, version, said):
    Framework.objects.filter(slug="our-ways").update(version_label=version, year=2025)
    page = client.get(reverse("framework_detail", args=["our-ways"])).content.decode()
    assert said in page
    assert ("(2025)" in page) == (version != "2025")
