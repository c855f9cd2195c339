"""Playwright driving Debian's Chromium against the live test server."""

import io
import os
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

# Playwright's sync API runs an event loop in this thread; the ORM calls the live server
# and fixtures make here are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

AXE = Path(__file__).resolve().parent.parent / "vendor" / "axe-core-4.14.1" / "axe.min.js"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


def settle(page) -> None:
    """Wait for requests still in flight (a debounced htmx search, say): the live server
    must be done with the database before the test's data is flushed."""
    page.wait_for_load_state("networkidle")


@pytest.fixture
def make_page(browser):
    """Pages in fresh browser contexts (a phone, no JavaScript …), settled and closed after."""
    opened = []

    def make(**context_options):
        # axe is injected as a script of the test's own, which the site's CSP would
        # refuse; test_csp_browser.py loads the pages with the policy in force.
        context = browser.new_context(
            **{"viewport": {"width": 1280, "height": 900}, "bypass_csp": True,
               **context_options}
        )  # fmt: skip
        page = context.new_page()
        page.set_default_timeout(10_000)
        opened.append((context, page))
        return page

    yield make
    for context, page in opened:
        settle(page)
        context.close()


@pytest.fixture
def page(make_page):
    return make_page()


@pytest.fixture
def live_demo(live_server, transactional_db):
    call_command("seed_demo", password="demo-password-for-tests", stdout=io.StringIO())
    return live_server


def axe_violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async () => {
            const results = await axe.run(document, {
                runOnly: {
                    type: "tag",
                    values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa",
                             "best-practice"],
                },
                // WCAG 2.2's 24 px target size: axe leaves it off unless asked.
                rules: { "target-size": { enabled: true } },
            });
            return results.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ")),
            }));
        }"""
    )


DEMO_PASSWORD = "demo-password-for-tests"


def log_in(page, base_url: str, username: str) -> None:
    """Log in through the login page, as a person would."""
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base_url}/")
