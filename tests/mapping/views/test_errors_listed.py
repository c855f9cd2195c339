"""A form sent back with two or more things to put right lists them first, each linked to
its field (focus starts there: tests/browser/test_focus_browser.py); with one, the field's
own message is enough."""

import re

import pytest
from django.urls import reverse


def listed(response) -> list[tuple[str, str]]:
    """(field id, label) for each entry in the list of what to put right."""
    html = response.content.decode()
    found = re.search(
        r'<div class="error-summary errors-listed" role="alert">(.*?)</div>', html, re.S
    )
    if found is None:
        return []
    return re.findall(r'<li><a href="#([^"]+)">([^<]+)</a>: ', found.group(1))


@pytest.mark.parametrize(
    ("role", "url", "data", "fields"),
    [
        ("editor", "framework_create", {"name": ""}, {"id_name", "id_kind", "id_publisher"}),
        ("publisher", "mapping_create", {"name": ""}, {"id_name", "id_organisation"}),
        (
            "viewer",
            "password_change",
            {"old_password": ""},
            {"id_old_password", "id_new_password1"},
        ),
        ("editor", "link_create", {"source": ""}, {"new-link-source", "new-link-target"}),
        ("editor", "framework_import", {"name": ""}, {"id_file", "id_name"}),
        ("anonymous", "login", {"username": ""}, {"id_username", "id_password"}),
    ],
)
def test_two_or_more_things_to_put_right_are_listed_with_links(
    demo, as_role, role, url, data, fields
):
    response = as_role(role).post(reverse(url), data)
    assert response.status_code in (200, 400)
    entries = listed(response)
    assert fields <= {field for field, _label in entries}, entries
    html = response.content.decode()
    for field, _label in entries:  # each link leads to a field marked as wrong
        assert re.search(
            rf'id="{field}"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="{field}"', html
        ), field


def test_one_thing_to_put_right_is_not_listed_twice(demo, as_role):
    password = "a-Long-pass-2026!"
    response = as_role("viewer").post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": password, "new_password2": password},
    )
    assert "Your old password was entered incorrectly" in response.content.decode()
    assert listed(response) == []


def test_a_choice_of_radio_buttons_is_listed_by_its_first_button(demo, as_role, people):
    html = as_role("admin").post(reverse("mapping_create"), {"starting": "1"}).content.decode()
    entries = listed_html(html)
    assert ("start-route_0", "Start from") in entries, entries
    assert 'id="start-route_0"' in html


def test_a_refusal_for_the_whole_form_is_not_counted_as_a_field(demo, as_role):
    """One field to put right and a refusal of the whole form: the field's message and the
    refusal, no list of one."""
    response = as_role("editor").post(
        reverse("link_create"),
        {"source": "B1", "target": "INC", "relation": "supports", "rationale": ""},
    )
    html = response.content.decode()
    assert "already linked" in html
    assert listed(response) == []


def listed_html(html: str) -> list[tuple[str, str]]:
    found = re.search(
        r'<div class="error-summary errors-listed" role="alert">(.*?)</div>', html, re.S
    )
    return re.findall(r'<li><a href="#([^"]*)">([^<]+)</a>: ', found.group(1)) if found else []


@pytest.mark.parametrize(
    ("role", "url", "said"),
    [
        ("editor", "framework_create",
         ["Give the name.", "Choose the kind.", "Give the publisher."]),
        ("publisher", "mapping_create",
         ["Give the register a name.", "Say which organisation publishes it."]),
        ("viewer", "password_change",
         ["Give the old password.", "Give the new password.", "Type the new password again."]),
        ("editor", "framework_import", ["Choose the file to import."]),
        ("anonymous", "login", ["Give the username or email address.", "Give the password."]),
    ],
)  # fmt: skip
def test_a_missing_field_is_named_not_said_to_be_required(demo, as_role, role, url, said):
    """Django's "This field is required." says nothing a screen reader's listener can
    place: each message names its field."""
    html = as_role(role).post(reverse(url), {"name": "", "username": ""}).content.decode()
    assert "This field is required." not in html
    for message in said:
        assert message in html, message


def test_an_element_with_errors_lists_them_first(demo, as_role):
    url = reverse("element_create", args=[demo.source_framework.slug])
    response = as_role("editor").post(url, {"code": "B1", "title": "", "level_label": ""})
    assert {"id_code", "id_title", "id_level_label"} <= {f for f, _l in listed(response)}
    assert "give this one another code" in response.content.decode()


def test_a_login_with_the_password_left_out_starts_at_it_not_at_the_name(demo, client):
    html = client.post(reverse("login"), {"username": "viewer"}).content.decode()
    assert "Give the password." in html
    username = re.search(r"<input[^>]*id=\"id_username\"[^>]*>", html)[0]
    assert "autofocus" not in username  # weave.js starts at the field marked wrong


def test_two_new_passwords_that_differ_are_said_to_differ_once(demo, as_role):
    html = as_role("viewer").post(reverse("password_change"), {
        "old_password": "demo-password-for-tests", "new_password1": "a-Long-pass-2026!",
        "new_password2": "a-Long-pass-2027!"}).content.decode()  # fmt: skip
    assert html.count("The two did not match") == 1
    assert "didn’t match" not in html and "didn&#x27;t match" not in html
