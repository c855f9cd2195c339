"""Issue 20's journeys in Chromium: an administrator invites a colleague and reads the
People pages and the audit log; the colleague sets up an account from the link; a
publisher works through the review queue. axe on every new page, and at phone width."""

from django.contrib.auth.models import User
from playwright.sync_api import expect

from mapping.models import Link, LinkStatus, Mapping
from tests.browser.conftest import DEMO_PASSWORD, axe_violations, log_in


def test_an_administrator_invites_a_colleague_who_sets_up_an_account(live_demo, make_page,
                                                                      settings):  # fmt: skip
    settings.WEAVE_SITE_URL = live_demo.url  # where the links it hands out lead
    admin = make_page(permissions=["clipboard-read", "clipboard-write"])
    log_in(admin, live_demo.url, "admin")
    admin.get_by_role("link", name="People", exact=True).click()
    admin.wait_for_url(f"{live_demo.url}/people/")
    assert axe_violations(admin) == []
    admin.get_by_role("link", name="Invite people").click()
    assert axe_violations(admin) == []
    admin.get_by_label("Email addresses").fill("robin@example.org")
    admin.get_by_label("Role").select_option("editor")
    admin.get_by_label("Where").select_option(label="Our Behaviours and the Competence and "
                                                    "Conduct Standard")  # fmt: skip
    admin.get_by_role("button", name="Send the invitation").click()
    expect(admin.locator("main .notice.made")).to_be_focused()  # shown only this once
    link = admin.get_by_label("Invitation link").input_value()
    assert link.startswith(f"{live_demo.url}/invitations/")
    copy = admin.get_by_role("button", name="Copy the invitation link")
    copy.click()
    # Its words say so for a moment (and so its name, which no longer matches the above).
    expect(admin.locator('[data-copy="invitation-link"]')).to_contain_text("Copied")
    assert admin.evaluate("navigator.clipboard.readText()") == link
    assert axe_violations(admin) == []

    colleague = make_page()
    colleague.goto(link)
    assert "as editor in Our Behaviours and the Competence" in colleague.inner_text("main")
    assert axe_violations(colleague) == []
    colleague.get_by_label("Your name").fill("Robin Hart")
    colleague.get_by_label("Username").fill("robin")
    colleague.get_by_label("Password", exact=True).fill("a long pass phrase")
    colleague.get_by_label("The password again").fill("a long pass phrase")
    colleague.get_by_role("button", name="Set up my account").click()
    colleague.wait_for_url(f"{live_demo.url}/m/example-homes-cc/")  # where they were invited
    assert "Welcome to Weave, Robin." in colleague.get_by_role("status").first.inner_text()
    assert User.objects.get(username="robin").memberships.get().mapping.slug == "example-homes-cc"

    admin.goto(f"{live_demo.url}/people/")
    assert "Editor in Our Behaviours and the Competence and Conduct Standard" in admin.inner_text(
        "main")  # fmt: skip
    admin.get_by_role("link", name="robin").click()
    assert axe_violations(admin) == []
    admin.get_by_role("button", name="Change the role").click()  # no reason: refused
    assert "Say why" in admin.inner_text("main")
    assert axe_violations(admin) == []
    admin.goto(f"{live_demo.url}/people/log/")
    assert "Invitation accepted" in admin.inner_text("main")
    assert axe_violations(admin) == []


def test_the_people_pages_on_a_phone(live_demo, make_page):
    # An administrator whose username is 150 letters without a break, beside people whose
    # names are as long: the header and the tables stay on the phone.
    long_name = "a" * 150
    User.objects.create_superuser(long_name, password=DEMO_PASSWORD, is_staff=True)
    User.objects.create_user("w" * 150, first_name="Wilhelmina " * 15)
    phone = make_page(viewport={"width": 390, "height": 844})
    log_in(phone, live_demo.url, long_name)
    for path in ("/people/", "/people/log/", "/people/invite/", "/review/",
                 "/accounts/notifications/"):  # fmt: skip
        phone.goto(f"{live_demo.url}{path}")
        assert axe_violations(phone) == [], path
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390, path
        # Checkboxes big enough for a finger (WCAG 2.2's 24 px target size).
        small = phone.evaluate("""[...document.querySelectorAll(
            'input[type=checkbox], input[type=radio]')].map(e => e.getBoundingClientRect())
            .filter(box => box.width < 24 || box.height < 24).length""")
        assert small == 0, path


def test_a_publisher_approves_from_the_review_queue(live_demo, page):
    mapping = Mapping.objects.default()
    links = list(mapping.links.order_by("pk")[:2])
    Link.objects.filter(pk__in=[link.pk for link in links]).update(status=LinkStatus.PROPOSED)
    log_in(page, live_demo.url, "publisher")
    page.get_by_role("link", name="To review").click()
    page.wait_for_url(f"{live_demo.url}/review/")
    assert axe_violations(page) == []
    for link in links:
        page.get_by_label(f"Choose {link.history_label}").check()
    page.get_by_role("button", name="Approve the chosen").click()
    assert "Approved 2 links: " in page.get_by_role("status").first.inner_text()
    assert set(Link.objects.filter(pk__in=[link.pk for link in links])
               .values_list("status", flat=True)) == {LinkStatus.APPROVED}  # fmt: skip


def test_unsubscribing_from_an_email_without_signing_in(live_demo, page):
    from mapping.models.notices import Notice, Preferences
    from mapping.notifying.sending import unsubscribe_token

    publisher = User.objects.get(username="publisher")
    token = unsubscribe_token(Notice(user=publisher, kind="proposals"))
    page.goto(f"{live_demo.url}/notifications/unsubscribe/{token}/")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Stop these emails").click()
    assert "will not email" in page.get_by_role("status").first.inner_text()
    assert axe_violations(page) == []
    assert not Preferences.of(publisher).proposals


def test_signing_in_through_the_identity_provider(live_demo, page, settings):
    from urllib.parse import quote

    import httpx
    from django.core.cache import cache
    from oidc_provider_mock import run_server_in_thread

    with run_server_in_thread() as server:
        issuer = f"http://localhost:{server.server_port}"
        settings.WEAVE_OIDC_ISSUER, settings.WEAVE_OIDC_BUTTON = issuer, "Sign in with Example"
        settings.OIDC_RP_CLIENT_ID, settings.OIDC_RP_CLIENT_SECRET = "weave", "secret"
        settings.WEAVE_OIDC_ROLES_CLAIM = "groups"
        settings.WEAVE_OIDC_ROLE_MAP = "weave-editors=editor"
        cache.clear()
        httpx.put(f"{issuer}/users/{quote('robin@example.org')}",
                  json={"email": "robin@example.org", "groups": ["weave-editors"]})  # fmt: skip
        page.goto(f"{live_demo.url}/accounts/login/")
        assert axe_violations(page) == []
        page.get_by_role("link", name="Sign in with Example").click()
        page.get_by_placeholder("sub").fill("robin@example.org")
        page.get_by_role("button", name="Authorize").click()
        page.wait_for_url(f"{live_demo.url}/")
        assert "robin" in page.locator(".site-header").inner_text()
        assert User.objects.get(email="robin@example.org").memberships.get().role == "editor"


def test_an_administrator_erases_the_details_of_someone_who_has_left(live_demo, make_page):
    """From their page once deactivated, on a phone: what goes and what stays, then their
    username typed out; axe on the page, and nothing wider than the phone."""
    User.objects.create_user("amelia", email="amelia@homes.example", first_name="Amelia",
                             is_active=False)  # fmt: skip
    phone = make_page(viewport={"width": 390, "height": 844})
    log_in(phone, live_demo.url, "admin")
    phone.goto(f"{live_demo.url}/people/")
    phone.get_by_role("link", name="amelia").click()
    phone.get_by_role("link", name="Erase their personal details").click()
    expect(phone.get_by_role("heading", name="What stays")).to_be_visible()
    assert axe_violations(phone) == []
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.get_by_label("Reason").fill("Asked to be forgotten.")
    phone.get_by_label("Type their username to confirm").fill("amelia")
    phone.get_by_role("button", name="Erase their details").click()
    expect(phone.get_by_role("status").first).to_contain_text(
        "The personal details of amelia are erased"
    )
    forgotten = User.objects.get(first_name="Former colleague")
    assert (forgotten.username, forgotten.email) == (f"former-{forgotten.pk}", "")
    assert axe_violations(phone) == []
