import io

import pytest
from django.core.management import call_command
from django.db import transaction

from mapping.models import Link, Mapping
from tests.rows import build_people, build_site, build_small


@pytest.fixture(autouse=True)
def tasks_at_once():
    """Each test's background tasks run at once, as tests/settings.py says, whatever a test
    before it chose (override_settings(TASKS=…) has been seen, under xdist, to leave the
    database's queue in place after its test): a test that wants the queue overrides this
    in turn."""
    from django.test import override_settings

    from tests import settings as test_settings

    with override_settings(TASKS=test_settings.TASKS):
        yield


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with nothing kept: no page kept for another test's data."""
    forget_everything_kept()


def forget_everything_kept() -> None:
    from django.core.cache import cache

    from mapping.caching.pages import forget
    from mapping.caching.versioning import forget_kept

    cache.clear()
    forget()
    forget_kept()


@pytest.fixture
def demo(db):
    """The shipped demo register: CIH standards, Example Homes behaviours, their mapping."""
    seed_demo()
    return Mapping.objects.default()


@pytest.fixture(scope="module")
def demo_once(django_db_setup, django_db_blocker):
    """The demo seeded once for a whole module whose tests may share it (as site_once):
    a module opts in by overriding demo with demo_per_module()."""
    forget_everything_kept()  # before the first test's empty_cache: kept for other data
    with django_db_blocker.unblock(), transaction.atomic():
        seed_demo()
        yield
        transaction.set_rollback(True)


def seed_demo() -> None:
    call_command("seed_demo", password="demo-password-for-tests", stdout=io.StringIO())


@pytest.fixture
def small(db):
    """A hand-built register small enough to reason about in a test.

    Behaviours: B1 (B1.1, B1.2), B2.  Standards: S1 (S1.1, S1.2), S2.
    Links: B1.1→S1.1 fully, B1→S2 supports, B2→S1.2 partly.
    """
    return build_small()


@pytest.fixture
def people(db):
    """One account per site-wide role, plus nobody with any role."""
    return build_people()


@pytest.fixture
def as_role(people):
    """A logged-in test client for a role: as_role("editor"). "anonymous" logs nobody in."""
    from django.test import Client

    def client(role: str) -> Client:
        c = Client()
        if role != "anonymous":
            c.force_login(people[role])
        return c

    return client


@pytest.fixture
def published(demo, people):
    """The demo register published as edition 1, with one draft link that must stay out."""
    from mapping.models import Edition

    draft = Link.objects.create(
        mapping=demo,
        source=demo.source_framework.elements.get(code="B1"),
        target=demo.target_framework.elements.get(code="LEA"),
        relation="supports",
        rationale="A draft nobody approved.",
    )
    edition = Edition.objects.publish(demo, by=people["publisher"], title="Launch", notes="First.")
    return {"mapping": demo, "edition": edition, "draft": draft}


@pytest.fixture
def site(small, people):
    """Something of every kind a page can name, for the table of every view and the
    fuzzing: the small register with every link approved and published as edition 1, a
    second mapping between the same frameworks, also published, a change, an import and
    an API token. Returns the ids the table's addresses name."""
    return build_site(small, people)


@pytest.fixture(scope="module")
def site_once(django_db_setup, django_db_blocker):
    """The site fixture's rows (and small's and people's) made once for a whole module
    whose tests may share them: the module's tests run each in a savepoint of one
    transaction, rolled back after its last test. A module opts in by overriding small,
    people and site with site_per_module()."""
    forget_everything_kept()
    with django_db_blocker.unblock(), transaction.atomic():
        small = build_small()
        people = build_people()
        yield small, people, build_site(small, people)
        transaction.set_rollback(True)
