"""Comparing two editions, as pure rules over what each edition says."""

from mapping.models import Edition
from mapping.register.comparison import EditionContent, ElementRow, LinkRow, diff

ELEMENTS = [("source", "B1", "Kind"), ("source", "B2", "Brave"),
            ("target", "S1", "Respect"), ("target", "S2", "Service")]  # fmt: skip
TITLES = {code: title for _side, code, title in ELEMENTS}


def content(links, elements=ELEMENTS) -> EditionContent:
    """links as (b, s, relation, rationale); elements as (side, code, title)."""
    titles = TITLES | {code: title for _side, code, title in elements}
    return EditionContent(
        links={
            (b, s): LinkRow(f"{b} {titles[b]}", f"{s} {titles[s]}", relation, why, "")
            for b, s, relation, why in links
        },
        elements={
            (side, code): ElementRow(side, code, title, "", "L") for side, code, title in elements
        },
    )


def test_the_diff_of_identical_editions_is_empty():
    one = content([("B1", "S1", "supports", "Why")])
    assert diff(one, one).is_empty


def test_the_diff_finds_added_removed_and_changed_links():
    old = content(
        [("B1", "S1", "supports", "Why"), ("B1", "S2", "supports", "Gone"),
         ("B2", "S1", "fully_covers", "Same")]
    )  # fmt: skip
    new = content(
        [("B2", "S1", "fully_covers", "Same"), ("B1", "S1", "partly_covers", "Why"),
         ("B2", "S2", "supports", "New")]
    )  # fmt: skip
    result = diff(old, new)
    assert [(r.source, r.target) for r in result.added_links] == [("B2 Brave", "S2 Service")]
    assert [(r.source, r.target) for r in result.removed_links] == [("B1 Kind", "S2 Service")]
    assert len(result.changed_links) == 1
    changed = result.changed_links[0]
    assert changed.fields == ("relation",)
    assert (changed.before.relation, changed.after.relation) == ("supports", "partly_covers")
    assert not result.added_elements and not result.removed_elements
    assert not result.changed_elements


def test_the_diff_lists_codes_as_people_order_them():
    """B2 before B10, S1.2 before S1.10: not as text, where B10 came first."""
    codes = ["B10", "B2", "B1.10", "B1.2"]
    elements = [*ELEMENTS, *(("source", code, "T") for code in codes), ("target", "S10", "T")]
    new = content([(code, "S10", "supports", "Why") for code in codes]
                  + [(code, "S2", "supports", "Why") for code in codes], elements)  # fmt: skip
    added = [row.source.split()[0] + "→" + row.target.split()[0]
             for row in diff(content([]), new).added_links]  # fmt: skip
    assert added == ["B1.2→S2", "B1.2→S10", "B1.10→S2", "B1.10→S10", "B2→S2", "B2→S10",
                     "B10→S2", "B10→S10"]  # fmt: skip


def test_the_diff_matches_elements_by_code_not_id():
    old = content([])
    new = content([], [("source", "B0", "First"), *ELEMENTS[:2], ("target", "S1", "Respect all")])
    result = diff(old, new)
    assert [e.code for e in result.added_elements] == ["B0"]
    assert [e.code for e in result.removed_elements] == ["S2"]
    assert [(c.before.title, c.after.title, c.fields) for c in result.changed_elements] == [
        ("Respect", "Respect all", ("title",))
    ]


def test_what_an_edition_says_is_read_in_three_queries(published, django_assert_num_queries):
    with django_assert_num_queries(3):  # links, elements, gaps
        said = EditionContent.of(published["edition"])
    assert len(said.links) == 86
    row = said.links[("B1.1", "INC.3")]
    assert row.source.startswith("B1.1 ") and row.target.startswith("INC.3 ")
    assert ("target", "INT") in said.elements
    assert diff(said, EditionContent.of(Edition.objects.get(pk=published["edition"].pk))).is_empty
