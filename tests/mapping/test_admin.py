import pytest
from django.contrib.auth import get_user_model

from mapping.models import Mapping, Membership, Role
from tests.rows import demo_per_module

# The demo is seeded once for the module's tests, each in a savepoint of its own.
demo = demo_per_module()

PAGES = [
    "/admin/standards/framework/",
    "/admin/standards/element/?q=INT&level_label=Standard+statement",
    "/admin/mapping/mapping/",
    "/admin/mapping/link/?q=honest&relation=same_as",
    "/admin/autocomplete/?term=INT&app_label=mapping&model_name=link&field_name=target",
]


@pytest.fixture
def admin_client(client, demo):
    client.force_login(get_user_model().objects.get(username="admin"))
    return client


@pytest.mark.parametrize("url", PAGES)
def test_the_admin_lists_every_model_with_search_and_filters(admin_client, url):
    response = admin_client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    if "autocomplete" in url:
        assert response.json()["results"], "the search finds the demo's INT elements"
    else:
        assert 'id="result_list"' in html or 'id="content-main"' in html


def test_admin_edits_record_who_changed_a_link(admin_client, demo):
    link = demo.links.first()
    response = admin_client.post(
        f"/admin/mapping/link/{link.pk}/change/",
        {
            "mapping": demo.pk,
            "source": link.source_id,
            "target": link.target_id,
            "relation": "supports",
            "status": "approved",
            "rationale": "Rewritten in the admin, am ddw\u0302r.",  # decomposed, as pasted
            "example": "",
        },
    )
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.rationale == "Rewritten in the admin, am ddŵr."  # composed, as forms keep it
    assert link.updated_by.username == "admin"


def test_the_admin_refuses_a_link_to_the_wrong_framework(admin_client, demo):
    behaviour = demo.source_framework.elements.get(code="B1")
    response = admin_client.post(
        "/admin/mapping/link/add/",
        {
            "mapping": demo.pk,
            "source": behaviour.pk,
            "target": behaviour.pk,
            "relation": "supports",
            "status": "approved",
            "rationale": "Wrong.",
        },
    )
    assert response.status_code == 200
    assert "Choose an element of CIH Professional Standards" in response.content.decode()


def test_what_names_a_row_in_addresses_is_fixed_once_it_is_made(admin_client, demo):
    """A register's or framework's slug, an element's code, a link's ends: posted changed,
    they stay as they were (the form shows them, saying why), and the rest is saved."""
    from django.forms.models import model_to_dict

    framework = demo.target_framework
    element = framework.elements.get(code="INT.4")
    link = demo.links.filter(target=element).first()
    other = framework.elements.get(code="INT.3")
    rows = [
        (demo, "/admin/mapping/mapping/", {"slug": "eh-cih", "name": "Renamed register"}),
        (framework, "/admin/standards/framework/", {"slug": "cih-2", "name": "CIH renamed"}),
        (element, "/admin/standards/element/", {"code": "INT.7", "title": "Retitled"}),
        (link, "/admin/mapping/link/", {"target": other.pk, "rationale": "Rewritten."}),
    ]
    for row, prefix, changes in rows:
        page = admin_client.get(f"{prefix}{row.pk}/change/").content.decode()
        assert "Fixed once made: addresses and citations use it." in page, prefix
        data = {name: "" if value is None else value for name, value in model_to_dict(row).items()}
        if prefix.endswith("framework/"):
            data |= {"elements-TOTAL_FORMS": 0, "elements-INITIAL_FORMS": 0}
        response = admin_client.post(f"{prefix}{row.pk}/change/", data | changes)
        assert response.status_code == 302, (prefix, response.content.decode()[:3000])
    demo.refresh_from_db()
    assert (demo.slug, demo.name) == ("example-homes-cih", "Renamed register")
    framework.refresh_from_db()
    assert (framework.slug, framework.name) == ("cih-professional-standards-2021", "CIH renamed")
    element.refresh_from_db()
    assert (element.code, element.title) == ("INT.4", "Retitled")
    link.refresh_from_db()
    assert (link.target_id, link.rationale) == (element.pk, "Rewritten.")


def test_anonymous_visitors_are_sent_to_log_in(client, demo):
    response = client.get("/admin/mapping/link/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_roles_and_accounts_are_read_here_and_changed_on_people(admin_client, demo):
    """Who administers, who is active and who holds which role change on People, which logs
    each change and keeps the last administrator: the admin shows them and changes none."""
    admin = get_user_model().objects.get(username="admin")
    page = admin_client.get(f"/admin/auth/user/{admin.pk}/change/").content.decode()
    assert 'name="is_superuser"' not in page and 'name="is_active"' not in page
    # The last administrator, posting the form without the box ticked, stays one.
    response = admin_client.post(f"/admin/auth/user/{admin.pk}/change/", {
        "username": "admin", "first_name": "", "last_name": "", "email": "a@example.org",
        "is_superuser": "", "is_active": "",
        "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0",
    })  # fmt: skip
    assert response.status_code == 302
    admin.refresh_from_db()
    assert admin.is_superuser and admin.is_active and admin.email == "a@example.org"
    for url in ("/admin/auth/user/add/", f"/admin/auth/user/{admin.pk}/delete/",
                "/admin/mapping/membership/add/"):  # fmt: skip
        assert admin_client.get(url).status_code == 403
    membership = Membership.objects.first()
    change = admin_client.post(f"/admin/mapping/membership/{membership.pk}/change/",
                               {"user": membership.user_id, "role": "publisher"})  # fmt: skip
    assert change.status_code == 403
    assert Membership.objects.get(pk=membership.pk).role == membership.role


def test_a_register_whose_people_hold_roles_in_it_is_not_deleted_in_the_admin(admin_client, demo):
    """Deleting a register would take its people's roles unlogged: take them away on People
    first (each change logged), then it can go."""
    empty = Mapping.objects.create(
        name="Trial", slug="trial", organisation="Example Homes",
        source_framework=demo.source_framework, target_framework=demo.target_framework,
    )  # fmt: skip
    carol = get_user_model().objects.create_user("carol")
    Membership.objects.create(user=carol, mapping=empty, role=Role.PUBLISHER)
    url = f"/admin/mapping/mapping/{empty.pk}/delete/"
    page = admin_client.get(url, follow=True).content.decode()
    assert "Trial cannot be deleted: 1 person holds a role in it. Take them away on People" in page
    refused = admin_client.post(url, {"post": "yes"})
    assert refused["Location"] == f"/admin/mapping/mapping/{empty.pk}/change/"
    assert Membership.objects.filter(user=carol, mapping=empty).exists()
    Membership.objects.filter(user=carol).delete()
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert not Mapping.objects.filter(pk=empty.pk).exists()


def test_a_name_corrected_in_the_admin_is_the_name_the_history_shows(
    admin_client, demo, people, client
):
    """The history is a kept page: a name corrected in the admin makes it again."""
    editor = people["editor"]
    link = demo.links.first()
    link.edit(by=editor, revision=link.revision, rationale="Edited.")
    assert "by <bdi>editor</bdi>" in client.get("/changes/").content.decode()  # kept now
    before = Mapping.objects.get(pk=demo.pk).updated_at
    response = admin_client.post(f"/admin/auth/user/{editor.pk}/change/", {
        "username": "editor", "first_name": "Siôn", "last_name": "ap Gwyn", "email": "",
        "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0", "memberships-MAX_NUM_FORMS": "1000",
    })  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    assert "by <bdi>Siôn ap Gwyn</bdi>" in client.get("/changes/").content.decode()
    # The register whose history names them changed too: the API's Last-Modified moves.
    assert Mapping.objects.get(pk=demo.pk).updated_at > before
