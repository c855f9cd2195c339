"""Personal API tokens: made on your account page and shown once, kept only as a digest,
needed by the API when the site is private, and dead once revoked."""

import hashlib
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from mapping.models import ApiToken
from tests.rows import demo_per_module

# The demo is seeded once for the module's tests, each in a savepoint of its own.
demo = demo_per_module()

API = "/api/mappings/example-homes-cih/links"


@pytest.fixture
def private(settings):
    settings.WEAVE_PUBLIC_READ = False
    settings.MIDDLEWARE = [*settings.MIDDLEWARE,
                           "django.contrib.auth.middleware.LoginRequiredMiddleware"]  # fmt: skip


def _made(response) -> str:
    return re.search(r'id="new-token" type="text" readonly value="([^"]+)"',
                     response.content.decode()).group(1)  # fmt: skip


def test_a_token_is_shown_once_and_kept_as_a_digest(demo, as_role):
    viewer = as_role("viewer")
    page = viewer.get(reverse("account"))
    assert "You have no tokens." in page.content.decode()
    # How to send one, on a public site too (where none is needed yet).
    assert "Send it as <code>Authorization: Bearer &lt;token&gt;</code>." in page.content.decode()
    response = viewer.post(reverse("account"), {"name": "College intranet"})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    key = _made(response)
    token = ApiToken.objects.get()
    assert token.digest == hashlib.sha256(key.encode()).hexdigest() and key not in token.digest
    assert key.startswith(token.prefix) and token.name == "College intranet"
    again = viewer.get(reverse("account")).content.decode()
    assert key not in again and f"{token.prefix}…" in again


def test_a_token_needs_a_name(demo, as_role):
    response = as_role("viewer").post(reverse("account"), {"name": ""})
    assert response.status_code == 400 and "Say what the token is for." in response.content.decode()
    assert not ApiToken.objects.exists()


def test_a_private_site_reads_the_api_with_a_token_only(demo, private, as_role, client):
    refused = client.get(API)
    assert refused.status_code == 401  # not sent to the login page
    assert refused.json()["detail"].startswith("This site is private")
    assert refused["WWW-Authenticate"] == 'Bearer realm="weave"'
    key = _made(as_role("viewer").post(reverse("account"), {"name": "Intranet"}))
    allowed = client.get(API, headers={"Authorization": f"Bearer {key}"})
    assert allowed.status_code == 200 and allowed["Cache-Control"] == "private, no-cache"
    assert client.get(API, headers={"Authorization": f"Bearer {key}x"}).status_code == 401
    assert client.get(API, headers={"Authorization": "Basic abc"}).status_code == 401
    assert as_role("viewer").get(API).status_code == 200  # a logged-in session reads too
    assert ApiToken.objects.get().last_used_at is not None


def test_a_revoked_token_opens_nothing(demo, private, as_role, client, people):
    viewer = as_role("viewer")
    key = _made(viewer.post(reverse("account"), {"name": "Intranet"}))
    token = ApiToken.objects.get()
    assert as_role("editor").post(reverse("token_revoke", args=[token.pk])).status_code == 404
    assert client.get(API, headers={"Authorization": f"Bearer {key}"}).status_code == 200
    response = viewer.post(reverse("token_revoke", args=[token.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("account")
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert client.get(API, headers={"Authorization": f"Bearer {key}"}).status_code == 401
    assert "Revoked" in viewer.get(reverse("account")).content.decode()


def test_a_token_the_site_does_not_know_is_refused_and_said_to_be_unknown(demo, as_role, client):
    """On a public site no token is needed, but one sent that would not work where one is
    (revoked, mistyped) is refused at once, saying so, not quietly ignored; a known one
    and no token at all read alike."""
    key = _made(as_role("viewer").post(reverse("account"), {"name": "Intranet"}))
    assert client.get(API).status_code == 200
    assert client.get(API, headers={"Authorization": f"Bearer {key}"}).status_code == 200
    refused = client.get(API, headers={"Authorization": f"Bearer {key}x"})
    assert refused.status_code == 401
    assert refused.json()["detail"].startswith("The token sent is not one this site knows")
    assert refused["WWW-Authenticate"] == 'Bearer realm="weave"'
    ApiToken.objects.update(revoked_at=timezone.now())
    assert client.get(API, headers={"Authorization": f"Bearer {key}"}).status_code == 401


def test_a_deactivated_persons_token_opens_nothing(demo, private, people, client):
    _token, key = ApiToken.issue(people["viewer"], "Intranet")
    people["viewer"].is_active = False
    people["viewer"].save()
    refused = client.get(API, headers={"Authorization": f"Bearer {key}"})
    assert refused.status_code == 401  # and says why: the person cannot make another
    said = "The token sent belongs to an account that has been deactivated: ask an administrator"
    assert refused.json()["detail"] == f"{said} of this site."


def test_a_token_lasts_as_long_as_its_maker_chose(demo, private, as_role, client):
    """Ninety days unless chosen otherwise; after that a 401 that says when it expired, and
    the account page says so too."""
    viewer = as_role("viewer")
    form = viewer.get(reverse("account")).content.decode()
    assert '<option value="90" selected>90 days</option>' in form
    assert '<option value="never">Until I revoke it</option>' in form
    made = viewer.post(reverse("account"), {"name": "Coursework script", "lasts": "30"})
    key = _made(made)
    token = ApiToken.objects.get()
    lasts = token.expires_at - token.created_at
    assert timedelta(days=30) - timedelta(seconds=5) < lasts <= timedelta(days=30)
    ends = f"{timezone.localtime(token.expires_at):%-d %B %Y}"
    assert f"It opens the API until {ends}," in made.content.decode()
    assert client.get(API, headers={"Authorization": f"Bearer {key}"}).status_code == 200

    ApiToken.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    expired = timezone.localtime(ApiToken.objects.get().expires_at)
    refused = client.get(API, headers={"Authorization": f"Bearer {key}"})
    assert refused.status_code == 401
    assert refused.json()["detail"] == (
        f"The token sent expired on {expired:%-d %B %Y}: make a new one on your account page."
    )
    page = viewer.get(reverse("account")).content.decode()
    assert '<td data-label="State">Expired</td>' in page
    assert "Revoke<span" not in page


def test_a_token_may_last_until_revoked_and_a_length_not_offered_is_refused(demo, as_role):
    viewer = as_role("viewer")
    viewer.post(reverse("account"), {"name": "Intranet", "lasts": "never"})
    assert ApiToken.objects.get().expires_at is None
    # Not said at all (a form of an older page): 90 days, as the form offers first.
    viewer.post(reverse("account"), {"name": "Older page"})
    lasts = ApiToken.objects.get(name="Older page")
    assert (lasts.expires_at - lasts.created_at).days in (89, 90)
    assert '<td data-label="Expires">never</td>' in viewer.get(reverse("account")).content.decode()
    refused = viewer.post(reverse("account"), {"name": "Another", "lasts": "99999999999"})
    assert refused.status_code == 400
    assert "Choose one of the lengths offered." in refused.content.decode()
    assert ApiToken.objects.count() == 2


@pytest.mark.parametrize("header", ["Token weave_abc", "weave_abc", "Bearer", "Digest x=1"])
def test_an_authorization_header_of_another_kind_is_refused_saying_so(demo, client, header):
    """On a public site too: a script sending its token wrongly learns it at once, not when
    the site goes private. HTTP Basic (a proxy's own sign-in, passed on) reads as none."""
    refused = client.get(API, headers={"Authorization": header})
    assert refused.status_code == 401
    assert refused.json()["detail"].startswith("The Authorization header is not “Bearer <token>”")
    assert client.get(API, headers={"Authorization": "Basic dXNlcjpwYXNz"}).status_code == 200


def test_a_tokens_use_is_logged_with_where_it_came_from(demo, people, client):
    from mapping.models.people import Audit, AuditEntry

    _token, key = ApiToken.issue(people["viewer"], "Intranet")
    client.get(API, headers={"Authorization": f"Bearer {key}"}, REMOTE_ADDR="192.0.2.7")
    used = AuditEntry.objects.get(action=Audit.TOKEN_USED)
    assert (used.person, used.address) == (people["viewer"], "192.0.2.7")


def test_the_account_page_asks_anonymous_visitors_to_log_in(db, client):
    response = client.get(reverse("account"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_private_site_asks_a_stranger_for_a_token_before_anything_else(demo, private, client):
    """A 401 first, whatever the query (a 400 listing the parameters came before it)."""
    response = client.get(API, {"bogus": "1"})
    assert response.status_code == 401
    assert response.json()["detail"].startswith("This site is private")
