import pytest
from django.contrib.auth import get_user_model

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
    assert admin_client.get(url).status_code == 200


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
            "rationale": "Rewritten in the admin.",
            "example": "",
        },
    )
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.rationale == "Rewritten in the admin."
    assert link.updated_by.username == "admin"


def test_the_admin_refuses_a_link_to_the_wrong_framework(admin_client, demo):
    link = demo.links.first()
    behaviour = demo.source_framework.elements.get(code="B1")
    response = admin_client.post(
        f"/admin/mapping/link/{link.pk}/change/",
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


def test_anonymous_visitors_are_sent_to_log_in(client, demo):
    response = client.get("/admin/mapping/link/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
