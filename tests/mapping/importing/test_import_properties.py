"""Whatever a file holds, the importer never fails with an unhandled error, and a file is
written whole or not at all: after an apply, the same file's dry run has nothing left to
do; a file with problems changes nothing."""

import csv
import io

import pytest
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from mapping.exchange.tabular import FRAMEWORK_COLUMNS, LINK_COLUMNS
from mapping.importing.batches import run_apply, run_dry_run
from mapping.models import ImportBatch
from standards.models import Framework
from tests.mapping.conftest import snapshot

CELLS = st.one_of(
    st.sampled_from(["B1", "B1.1", "B1.2", "B2", "S1", "S1.1", "S2", "S9", "B 1", "", " ",
                     "supports", "fully covers", "skos:exactMatch", "frobs", "Top", "Child",
                     "=1+1", "@x", "-3", "2", "1e9", "Why it relates."]),
    st.text(max_size=12),
)  # fmt: skip
WORDS = st.one_of(
    st.sampled_from(["Why it relates.", "Because.", "=1+1", "@cmd", "Kind", "Ünïcödé ✓"]),
    st.sampled_from(["", " "]),
    st.text(max_size=10),
)
SOUND = st.sampled_from(["Why it relates.", "Because.", "=1+1", "@cmd", "Ünïcödé ✓", "a\nb"])
BAD = st.one_of(st.sampled_from(["", "B9", "S1", "B 1", "frobs", "Q", "-1", "x"]), WORDS)


def _mostly_right(row: st.SearchStrategy, *, key) -> st.SearchStrategy:
    """Rows of a well-formed table, one cell of them (one time in three) spoiled."""

    @st.composite
    def rows(draw):
        found = draw(st.lists(row.map(list), unique_by=key, min_size=1, max_size=6))
        if draw(st.integers(0, 2)) == 0:
            where = draw(st.integers(0, len(found) - 1))
            column = draw(st.integers(0, len(found[where]) - 1))
            found[where][column] = draw(BAD)
        return found

    return rows()


# Rows that are mostly right, so that many files get as far as being applied.
LINK_ROWS = _mostly_right(
    st.tuples(
        st.sampled_from(["B1", "B1.1", "B1.2", "B2"]),
        st.sampled_from(["S1", "S1.1", "S1.2", "S2"]),
        st.sampled_from(["supports", "fully covers", "partly_covers", "skos:exactMatch",
                         "Closely matches"]),
        SOUND,
        st.one_of(st.just(""), SOUND),
    ),
    key=lambda row: (row[0], row[1]),
)  # fmt: skip
ELEMENT_ROWS = _mostly_right(
    st.tuples(
        st.sampled_from(["B1", "B1.2", "B2", "B3", "V1"]),
        SOUND,
        st.one_of(st.just(""), SOUND),
        st.sampled_from(["", "", "B1"]),
        st.sampled_from(["Top", "Child"]),
        st.sampled_from(["", "1", "2"]),
    ),
    key=lambda row: row[0],
)
ANY_ROWS = st.lists(st.lists(CELLS, max_size=7), max_size=8)
HEADERS = {
    "links": st.one_of(
        st.just(list(LINK_COLUMNS)),
        st.just(list(LINK_COLUMNS)),
        st.permutations(LINK_COLUMNS),
        st.lists(st.sampled_from([*LINK_COLUMNS, "reference", "colour", ""]), max_size=6),
    ),
    "framework": st.one_of(
        st.just(list(FRAMEWORK_COLUMNS)),
        st.just(list(FRAMEWORK_COLUMNS)),
        st.permutations(FRAMEWORK_COLUMNS),
        st.lists(st.sampled_from([*FRAMEWORK_COLUMNS, "wording", "colour", ""]), max_size=7),
    ),
}
EXAMPLES = settings(
    max_examples=80, deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)  # fmt: skip


def _csv(header, rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode()


def _check(content: bytes, **fields) -> None:
    """One file through the dry run and the apply, inside a transaction rolled back after."""
    with transaction.atomic():
        batch = ImportBatch.objects.create(filename="fuzz.csv", file_format="csv",
                                           content=content, **fields)  # fmt: skip
        before = snapshot()
        run_dry_run(batch)
        assert batch.state in (ImportBatch.State.PLANNED, ImportBatch.State.FAILED)
        assert "Something went wrong" not in batch.error, batch.error
        event(f"{batch.state}, can be applied: {batch.can_be_applied}")
        if batch.is_planned:
            applicable = batch.can_be_applied
            run_apply(batch, by=None)
            if applicable:
                assert batch.is_applied, batch.error
                if "details" in fields:  # the second time, into the framework it made
                    made = Framework.objects.get(slug=fields["details"]["slug"])
                    fields = {**fields, "details": {}, "framework": made}
                again = ImportBatch.objects.create(filename="fuzz.csv", file_format="csv",
                                                   content=content, **fields)  # fmt: skip
                run_dry_run(again)
                assert not any(part["has_work"] for part in again.summary), again.summary
            else:
                assert not batch.is_applied
                assert snapshot() == before
        else:
            assert snapshot() == before
        transaction.set_rollback(True)


@pytest.mark.django_db
@EXAMPLES
@given(header=HEADERS["links"], rows=st.one_of(LINK_ROWS, LINK_ROWS, ANY_ROWS),
       retire=st.booleans())  # fmt: skip
def test_any_table_of_links(small, header, rows, retire):
    _check(_csv(header, rows), kind="links", mapping=small["mapping"],
           options={"retire_missing": retire})  # fmt: skip


@pytest.mark.django_db
@EXAMPLES
@given(rows=LINK_ROWS, retire=st.booleans())
def test_tables_of_links_that_are_mostly_right(small, rows, retire):
    _check(_csv(LINK_COLUMNS, rows), kind="links", mapping=small["mapping"],
           options={"retire_missing": retire})  # fmt: skip


@pytest.mark.django_db
@EXAMPLES
@given(rows=ELEMENT_ROWS, retire=st.booleans(), official=st.booleans())
def test_tables_of_elements_that_are_mostly_right(small, rows, retire, official):
    _check(_csv(FRAMEWORK_COLUMNS, rows), kind="framework", framework=small["behaviours"],
           options={"retire_missing": retire, "official_wording": official})  # fmt: skip


@pytest.mark.django_db
@EXAMPLES
@given(header=HEADERS["framework"], rows=st.one_of(ELEMENT_ROWS, ELEMENT_ROWS, ANY_ROWS),
       into_existing=st.booleans(), retire=st.booleans(), official=st.booleans())  # fmt: skip
def test_any_table_of_elements(small, header, rows, into_existing, retire, official):
    options = {"retire_missing": retire, "official_wording": official}
    if into_existing:
        _check(_csv(header, rows), kind="framework", framework=small["behaviours"],
               options=options)  # fmt: skip
    else:
        details = {"name": "New", "slug": "fresh", "kind": "standards", "publisher": "P"}
        _check(_csv(header, rows), kind="framework", options=options, details=details)


@pytest.mark.django_db
@EXAMPLES
@given(content=st.one_of(st.binary(max_size=200),
                         st.text(max_size=200).map(lambda t: t.encode("utf-8", "replace"))),
       kind=st.sampled_from(["links", "framework"]))  # fmt: skip
def test_any_bytes_at_all(small, content, kind):
    where = {"mapping": small["mapping"]} if kind == "links" else {"framework": small["standards"]}
    _check(content, kind=kind, **where)
