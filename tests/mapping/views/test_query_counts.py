"""Every register page, live and at an edition, costs the same number of queries with 100
links as with 10,000. The two registers are built once, for this module, inside a
transaction that is rolled back when it ends; each test runs inside it."""

import pytest
from django.contrib.auth.models import User
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from mapping.models import Change, Edition, Link, Mapping, Membership, Role
from mapping.register import EditionRegister, LiveRegister
from tests.synthetic import build_register

pytestmark = pytest.mark.slow

SIZES = (100, 10_000)
# On SQLite a search first asks its index how common each word is (mapping/search.py).
PROBE = 1 if connection.vendor == "sqlite" else 0

# (page, live queries, edition queries). A page is the same view under /m/<slug>/ (live)
# and under /m/<slug>/editions/2/ (frozen). Every page first finds its register: a live
# one is the mapping (1 query), an edition's the mapping, the edition and its two frozen
# frameworks (3). A live page then shows how many changes there have been since the
# latest edition (1), except downloads; the link page shows its own history instead. An
# edition's downloads never change, so they are kept by the edition's digest: looking it
# up is one more query (mapping/pagecache.py), and the only one once the file is kept.
# Pages that show coverage also read the links inferred through crosswalks (1): live, one
# query joining this register's links to its crosswalks'; frozen, the edition's kept copy.
PAGES = [
    ("", 7, 7),  # + both frameworks' elements, the links, the reviewed gaps (+ when it last
    # changed, for citing the live register)
    # + elements, the count (up to 2,000), the page's rows, read in order from an index
    ("links/?sort=target&page=2", 5, 6),
    ("links/?source=B1&q=rationale&sort=-relation", 5 + PROBE, 6 + PROBE),
    # + the link with its elements, its twin (in the latest edition, or live), its history
    # and what reverted any of it (live), and the behaviours' level name, which names them
    # in the page's words
    ("links/1/", 7, 6),
    ("matrix/", 6, 7),  # + elements, links, gaps, inferred links
    # + the open cell's links, whole, for their citations (COinS spans)
    ("matrix/?expand=B1,S1&cell=B1.1:S1.1", 7, 8),
    ("map/", 6, 7),
    ("map.json", 5, 8),  # a download: no banner
    ("coverage/", 6, 7),
    ("coverage.csv", 5, 8),
    # + elements, its links' narrow rows, the listed ones in full, its twin (+ its history,
    # live)
    # A behaviour's live page also shows where it stands in every standards framework (+4):
    # the registers from its framework, the standards frameworks, its links in each of
    # those registers (one query) and what crosswalks infer elsewhere (one query), however
    # many registers and frameworks there are.
    # Its links and those under it, live and as the edition has them (+2, live and pinned):
    # whether the live page still reads as the edition published it.
    ("elements/<slug>-behaviours/B1/", 14, 10),
    ("elements/<slug>-standards/S1.1/", 10, 10),
    # Exports, with no banner: + elements, the links (+ their count, frozen)
    ("links.csv?relation=supports", 3, 6),
    ("links.xlsx", 3, 6),
    ("elements/<slug>-standards.csv", 2, 5),  # + the framework's elements
    ("elements/<slug>-behaviours.case.json", 4, 6),  # + elements, links, when it last changed
    ("sssom.tsv", 3, 6),
    ("kumu.json", 3, 6),
    # live: every row of the register with its history, editions and reviewed pairs, and
    # each edition's inferred links; frozen: the edition's
    ("register.json", 20, 9),
]


@pytest.fixture(scope="module")
def sized(django_db_setup, django_db_blocker):
    """Two registers, of 100 and 10,000 links, each with two editions; rolled back after."""
    with django_db_blocker.unblock(), transaction.atomic():
        editor = User.objects.create_user("sized-editor")
        for size in SIZES:
            mapping = build_register(size, slug=f"size-{size}", default=False)
            # As autovacuum would have after a large import: PostgreSQL otherwise plans the
            # edition's inferred links for the tables as earlier tests left them (a nested
            # loop over 10,000 links twice, about 25 s each, in the middle of the suite).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE mapping_link")
            Edition.objects.publish(mapping, by=None, title="One")
            first = mapping.links.order_by("pk").first()
            Change.objects.apply(first, {"rationale": "Changed for two."}, by=editor)
            Edition.objects.publish(mapping, by=None, title="Two")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as autovacuum would have, after loading a register
        links = {size: Link.objects.get(mapping__slug=f"size-{size}", source__code="B1",
                                        target__code="S1") for size in SIZES}  # fmt: skip
        yield links
        transaction.set_rollback(True)


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


def _counts(client, sized, page: str, edition: bool) -> dict[int, int]:
    counts = {}
    for size in SIZES:
        prefix = f"/m/size-{size}/" + ("editions/2/" if edition else "")
        # the page of the link from B1 to S1, whatever its id; its frameworks' slugs
        page_here = page.replace("links/1/", f"links/{sized[size].pk}/")
        counts[size] = _queries(client, prefix + page_here.replace("<slug>", f"size-{size}"))
    return counts


@pytest.mark.parametrize(("page", "live", "frozen"), PAGES)
def test_a_live_page_costs_the_same_at_any_size(sized, client, db, page, live, frozen):
    assert _counts(client, sized, page, edition=False) == dict.fromkeys(SIZES, live)


@pytest.mark.parametrize(("page", "live", "frozen"), PAGES)
def test_an_edition_page_costs_the_same_at_any_size(sized, client, db, page, live, frozen):
    assert _counts(client, sized, page, edition=True) == dict.fromkeys(SIZES, frozen)


@pytest.mark.parametrize(
    ("page", "queries"),
    [
        ("editions/", 3),  # the mapping, its editions with their counts, the banner
        ("editions/compare/?old=1&new=2", 9),  # + each edition's links, elements and gaps
    ],
)
def test_the_edition_list_and_comparison_cost_the_same_at_any_size(
    sized, client, db, page, queries
):
    assert _counts(client, sized, page, edition=False) == dict.fromkeys(SIZES, queries)


@pytest.mark.parametrize("edition", [False, True], ids=["live", "edition"])
def test_coverage_itself_costs_the_same_at_any_size(sized, db, edition):
    """Once the register is found: both frameworks' elements, the links, the gaps, and the
    links inferred through crosswalks (live: one query over both registers' links; frozen:
    the edition's kept copy)."""
    for size in SIZES:
        mapping = Mapping.objects.with_frameworks().get(slug=f"size-{size}")
        register = (
            EditionRegister(mapping.editions.get(number=2)) if edition else LiveRegister(mapping)
        )
        with CaptureQueriesContext(connection) as queries:
            assert register.coverage.link_count == size
        assert len(queries) == 4


# The API's list endpoints, under /api/mappings/size-<n>/, cost the same at any size.
# Each finds its register (1 live, 3 frozen) and when it last changed (2 live: its
# history, and its latest edition).
API_LISTS = [
    ("links", 7),  # + elements, the count, the page's ids, its rows
    ("links?edition=2&sort=target&page=2", 7),
    ("links?source=B1&q=rationale", 7 + PROBE),
    ("elements/target", 4),  # + elements
    ("elements/source?edition=2", 4),
    ("coverage", 7),  # + elements, links, reviewed gaps, inferred links
    ("coverage?edition=2", 7),
    ("editions", 4),  # + the editions
    ("", 5),  # the register: + its latest edition, elements, the link count
]


@pytest.mark.parametrize(("path", "queries"), API_LISTS)
def test_an_api_list_costs_the_same_at_any_size(sized, client, db, path, queries):
    counts = {}
    for size in SIZES:
        base = f"/api/mappings/size-{size}"
        counts[size] = _queries(client, f"{base}/{path}" if path and path[0] != "?" else base)
    assert counts == dict.fromkeys(SIZES, queries)


def test_the_suggestions_page_costs_the_same_at_any_size(sized, client, db):
    """For an editor, the first time: the register, the session, the person and their
    memberships (4); both frameworks' elements; what crosswalks infer, and the pairs
    already linked or dismissed (3); the links accepted from suggestions, to see whether
    their paths changed; the banner; what was dismissed, listed with who and why (1). Once
    kept for this version of the register, only the first four, the flagged links and the
    banner remain (6)."""
    editor = User.objects.get(username="sized-editor")
    Membership.objects.create(user=editor, mapping=None, role=Role.EDITOR)
    client.force_login(editor)
    counts = {size: _queries(client, f"/m/size-{size}/suggestions/") for size in SIZES}
    assert counts == dict.fromkeys(SIZES, 11)
