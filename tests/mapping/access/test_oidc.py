"""Signing in through an identity provider: a real OpenID provider (oidc-provider-mock) runs
on loopback for these tests; Weave reads its discovery document, sends the browser there
with state, nonce and a PKCE challenge, and checks what comes back. Each way it can go
wrong is a page that says what, and changes nothing."""

from urllib.parse import quote, urlsplit

import httpx
import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client
from oidc_provider_mock import run_server_in_thread

from mapping.access import oidc
from mapping.models import Audit, AuditEntry, Membership


@pytest.fixture(scope="module")
def provider():
    with run_server_in_thread() as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture
def configured(provider, settings, db):
    settings.WEAVE_OIDC_ISSUER = provider
    settings.OIDC_RP_CLIENT_ID = "weave"
    settings.OIDC_RP_CLIENT_SECRET = "weave-secret"
    settings.WEAVE_OIDC_ROLES_CLAIM = "groups"
    settings.WEAVE_OIDC_ROLE_MAP = "weave-editors=editor,weave-publishers=publisher"
    cache.clear()
    return provider


def _authorize(client: Client, provider: str, sub: str, claims: dict) -> str:
    """Start signing in, let the provider authorize sub; the callback address it sends
    the browser back to."""
    response = httpx.put(f"{provider}/users/{quote(sub)}", json=claims)
    assert response.status_code == 204
    start = client.get("/accounts/oidc/start/")
    assert start.status_code == 302
    sent = urlsplit(start["Location"])
    assert "code_challenge=" in sent.query and "nonce=" in sent.query and "state=" in sent.query
    authorized = httpx.post(start["Location"], data={"sub": sub})
    assert authorized.status_code == 302, authorized.text
    back = urlsplit(authorized.headers["location"])
    return f"{back.path}?{back.query}"


def _sign_in(client, provider, sub="sam@example.org", **claims):
    claims = {"email": sub, "given_name": "Sam", "family_name": "Lee"} | claims
    return client.get(_authorize(client, provider, sub, claims))


def _text(response) -> str:
    return response.content.decode()


def test_signing_in_makes_an_account_with_the_role_its_groups_give(configured):
    client = Client()
    response = _sign_in(client, configured, groups=["weave-editors", "staff"])
    assert response.status_code == 302
    sam = User.objects.get(email="sam@example.org")
    assert (sam.username, sam.first_name, sam.has_usable_password()) == ("sam", "Sam", False)
    assert Membership.objects.get(user=sam, mapping=None).role == "editor"
    assert client.get("/accounts/").status_code == 200
    assert AuditEntry.objects.filter(action=Audit.SIGNED_IN, person=sam,
                                     detail="With the identity provider.").exists()  # fmt: skip


def test_someone_removed_from_a_group_loses_the_role_at_the_next_sign_in(configured):
    _sign_in(Client(), configured, groups=["weave-publishers"])
    sam = User.objects.get(email="sam@example.org")
    assert Membership.objects.get(user=sam).role == "publisher"
    _sign_in(Client(), configured, groups=["staff"])
    assert not Membership.objects.filter(user=sam).exists()
    assert AuditEntry.objects.filter(action=Audit.ROLE_CHANGED, person=sam).count() == 2


def test_a_token_from_another_issuer_is_refused(configured):
    # Discovery says the provider is at 127.0.0.1: its tokens name that issuer, not ours.
    found = httpx.get(f"{configured}/.well-known/openid-configuration").json()
    elsewhere = configured.replace("localhost", "127.0.0.1")
    found["token_endpoint"] = found["token_endpoint"].replace(configured, elsewhere)
    cache.set(f"weave:oidc-discovery:{configured}", found, 60)
    response = _sign_in(Client(), configured)
    assert response.status_code == 400
    assert "another identity provider than the one this site trusts" in _text(response)
    assert not User.objects.filter(email="sam@example.org").exists()


def test_a_token_made_for_another_client_is_refused(configured, monkeypatch):
    monkeypatch.setattr(oidc, "audience", lambda: "another-weave")
    response = _sign_in(Client(), configured)
    assert response.status_code == 400
    assert "made for another application" in _text(response)
    assert not User.objects.exists()


def test_a_replayed_code_is_refused(configured):
    first = Client()
    callback = _authorize(first, configured, "sam@example.org", {"email": "sam@example.org"})
    assert first.get(callback).status_code == 302
    # The same address again: its state is spent.
    again = first.get(callback)
    assert again.status_code == 400
    assert "did not start on this site, or has already finished" in _text(again)
    # The spent code with a fresh state: the provider refuses to exchange it again.
    second = Client()
    fresh = _authorize(second, configured, "kim@example.org", {"email": "kim@example.org"})
    state = fresh.split("state=")[1].split("&")[0]
    code = callback.split("code=")[1].split("&")[0]
    replayed = second.get(f"/accounts/oidc/callback/?code={code}&state={state}")
    assert replayed.status_code == 400
    assert "refused this sign-in" in _text(replayed)
    assert not User.objects.filter(email="kim@example.org").exists()


def test_a_callback_without_state_or_with_anothers_state_is_refused(configured):
    theirs = Client()
    callback = _authorize(theirs, configured, "sam@example.org", {"email": "sam@example.org"})
    for client, address in ((Client(), callback), (Client(), "/accounts/oidc/callback/?code=x")):
        response = client.get(address)
        assert response.status_code == 400
        assert "did not start on this site" in _text(response)
    assert not User.objects.exists()


def test_a_provider_that_does_not_say_the_email_is_refused(configured):
    response = _sign_in(Client(), configured, sub="no-mail", email=None)
    assert response.status_code == 400
    assert "did not tell Weave your email address" in _text(response)
    assert not User.objects.exists()


def test_a_provider_that_is_down_is_a_clear_page(configured, settings):
    settings.WEAVE_OIDC_ISSUER = "http://127.0.0.1:9"  # nothing listens there
    settings.OIDC_TIMEOUT = 2
    response = Client().get("/accounts/oidc/start/")
    assert response.status_code == 503
    assert "cannot be reached just now" in _text(response)
    # …and passwords still work meanwhile.
    User.objects.create_user("pat", password="pats-password-1")
    login = Client().post("/accounts/login/", {"username": "pat", "password": "pats-password-1"})
    assert login.status_code == 302


def test_a_deactivated_account_cannot_sign_in_through_the_provider(configured):
    User.objects.create_user("sam", "sam@example.org", is_active=False)
    response = _sign_in(Client(), configured)
    assert response.status_code == 403
    assert "deactivated" in _text(response)


def test_deactivating_someone_ends_the_session_they_began_through_the_provider(configured):
    client = Client()
    assert _sign_in(client, configured).status_code == 302
    assert client.get("/accounts/").status_code == 200
    User.objects.filter(email="sam@example.org").update(is_active=False)
    response = client.get("/accounts/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_login_page_offers_the_provider_first_and_passwords_can_be_switched_off(
    configured, settings
):
    settings.WEAVE_OIDC_BUTTON = "Sign in with Example Homes"
    page = _text(Client().get("/accounts/login/"))
    assert page.index("Sign in with Example Homes") < page.index('name="password"')
    settings.WEAVE_PASSWORD_LOGIN = False
    page = _text(Client().get("/accounts/login/"))
    assert "Sign in with Example Homes" in page and 'name="password"' not in page
    User.objects.create_user("pat", password="pats-password-1")
    refused = Client().post("/accounts/login/", {"username": "pat", "password": "pats-password-1"})
    assert refused.status_code == 403
    assert "_auth_user_id" not in refused.wsgi_request.session


def test_without_a_provider_its_addresses_are_not_found(db, settings):
    settings.WEAVE_OIDC_ISSUER = ""
    assert Client().get("/accounts/oidc/start/").status_code == 404
    assert Client().get("/accounts/oidc/callback/?code=x&state=y").status_code == 404
    assert "Sign in with" not in _text(Client().get("/accounts/login/"))
