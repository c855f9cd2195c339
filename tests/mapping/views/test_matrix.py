import re

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mapping.coverage.matrix import build_matrix
from mapping.models import Link, Mapping
from mapping.register import LiveRegister
from tests.synthetic import build_register

URL = reverse("matrix")


def cells(html: str) -> list[str]:
    """Each cell's accessible name, as a screen reader hears it."""
    names = []
    for cell in re.findall(r'<td class="cell heat-\d">(.*?)</td>', html, re.S):
        text = re.sub(r'<[^>]*aria-hidden="true"[^>]*>.*?</[^>]+>', "", cell, flags=re.S)
        names.append(" ".join(re.sub(r"<[^>]+>", "", text).split()))
    return names


def test_it_shows_behaviours_by_standards_with_totals(client, small):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert len(cells(html)) == 4  # B1, B2 by S1, S2
    assert "1 link, B1 and S1, 1 fully covers" in cells(html)
    assert "1 link, B1 and S2, 1 supports" in cells(html)
    assert "0 links, B2 and S2" in cells(html)
    assert 'grand-total">3<' in html


def test_opening_a_row_and_a_column_shows_what_sits_under_them(client, small):
    html = client.get(URL, {"expand": "B1,S1"}).content.decode()
    labels = cells(html)
    assert len(labels) == 4 * 4  # B1, B1.1, B1.2, B2 by S1, S1.1, S1.2, S2
    assert "1 link, B1.1 and S1.1, 1 fully covers" in labels
    assert "0 links, B1 and S1" in labels  # B1's own links only, once it is open
    assert 'aria-expanded="true"' in html
    assert 'grand-total">3<' in html


def test_the_htmx_grid_and_cell_fragments(client, small):
    grid = client.get(
        URL, {"expand": "B1"}, headers={"HX-Request": "true", "HX-Target": "matrix-grid"}
    )
    html = grid.content.decode()
    assert html.strip().startswith('<div id="matrix-grid"') and "<html" not in html
    detail = client.get(
        URL, {"cell": "B1:S1"}, headers={"HX-Request": "true", "HX-Target": "cell-detail"}
    )
    html = detail.content.decode()
    assert html.strip().startswith('<aside id="cell-detail"') and "<table" not in html
    assert "Listening is hearing people out." in html
    assert "(including what sits under each)" in html  # B1 and S1, both closed
    # With B1 open, only S1's parts are counted in: the panel says which.
    opened = client.get(URL, {"expand": "B1", "cell": "B1:S1"}).content.decode()
    assert "(including what sits under S1)" in opened


def test_a_chosen_cell_lists_its_links_on_the_full_page(client, small):
    html = client.get(URL, {"cell": "B2:S1"}).content.decode()
    assert "Bravery includes challenging unfairness." in html


def test_opening_or_closing_keeps_the_chosen_cell_unless_it_would_hide_it(client, small):
    """The toggles' addresses (pushed to the address bar) keep the cell being read, so the
    view can be shared; closing the row the cell sits under lets it go."""
    html = client.get(URL, {"expand": "B1", "cell": "B1.1:S1"}).content.decode()
    toggle = (
        r'<a class="toggle" role="button" id="[^"]+" href="\?([^"]*)"[^>]*>.*?'
        r"what sits under (\S+)</span>"
    )
    found = re.findall(toggle, html)
    toggles = {code: query for query, code in found}
    assert toggles["S1"] == "expand=B1,S1&amp;cell=B1.1:S1"
    assert toggles["B1"] == "expand="  # closing B1 would hide B1.1's row
    assert client.get(URL + "?" + toggles["S1"].replace("&amp;", "&")).status_code == 200


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"expand": "B1,ZZ"}, "“ZZ” is not in this register."),
        ({"cell": "B1"}, "“B1” is not a cell"),
        ({"cell": "S1:B1"}, "“S1:B1” is not a cell"),
    ],
)
def test_bad_values_are_a_400_that_names_them(client, small, params, message):
    response = client.get(URL, params)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_a_cell_asked_for_by_its_address_alone_opens_what_it_sits_under(client, small):
    response = client.get(URL, {"cell": "B1.1:S1.1"})
    assert response.status_code == 302
    assert response["Location"] == f"{URL}?expand=B1,S1&cell=B1.1:S1.1"
    page = client.get(response["Location"]).content.decode()
    assert "Listening is hearing people out." in page  # the cell's link, shown
    # Already open: nothing to redirect to.
    assert client.get(URL, {"expand": "B1,S1", "cell": "B1.1:S1.1"}).status_code == 200


def test_it_allows_only_get(client, small):
    assert client.post(URL).status_code == 405


def test_the_demo_matrix_totals_equal_the_gap_reports(client, demo):
    coverage = LiveRegister(demo).coverage
    matrix = build_matrix(coverage, set())
    assert matrix.total == coverage.link_count == demo.links.count()
    for (row, _cells, total), entry in zip(matrix.grid, coverage.top_sources, strict=True):
        assert row.element == entry.element
        assert total == len(entry.links)
    for column, total, entry in zip(
        matrix.columns, matrix.column_totals, coverage.top_targets, strict=True
    ):
        assert column.element == entry.element
        assert total == len(entry.links)


# build_matrix only reads the coverage it is given, so sharing one across examples is safe.
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(expand=st.sets(st.sampled_from(["B1", "B2", "B1.1", "S1", "S2", "S1.2"])))
def test_every_link_sits_in_exactly_one_cell_however_the_matrix_is_opened(small_coverage, expand):
    matrix = build_matrix(small_coverage, expand)
    placed = [
        link.pk
        for _row, row_cells, _total in matrix.grid
        for cell in row_cells
        for link in cell.links
    ]
    assert sorted(placed) == sorted(
        link.pk for entry in small_coverage.targets for link in entry.direct
    )
    assert (
        sum(total for _row, _cells, total in matrix.grid)
        == matrix.total
        == sum(matrix.column_totals)
    )


@pytest.fixture
def small_coverage(small):
    return LiveRegister(small["mapping"]).coverage


def test_uncovered_rows_and_columns_say_whether_they_were_reviewed(client, small):
    from mapping.models import ReviewedGap

    Link.objects.filter(target=small["s2"]).delete()
    ReviewedGap.objects.create(mapping=small["mapping"], element=small["b12"], reason="On purpose.")
    html = client.get(URL, {"expand": "B1"}).content.decode()
    s2_head = html.split('title="Service"')[1].split("</th>")[0]
    assert "not reviewed" in s2_head
    b12_head = html.split("Say thank you</a>")[1].split("</th>")[0]
    assert "reviewed gap" in b12_head and "On purpose." in b12_head
    b11_head = html.split("Listen well</a>")[1].split("</th>")[0]
    assert "gap-flag" not in b11_head


def test_its_gap_flags_agree_with_the_coverage_page(demo, client):
    """An element reached only by inferred links is flagged as such, not as "not
    reviewed": the matrix's flags count what the coverage page's figures count."""
    register = LiveRegister(Mapping.objects.get(slug="example-homes-cc"))
    coverage = register.coverage
    html = client.get("/m/example-homes-cc/matrix/").content.decode()
    open_ = len([e for e in [*coverage.sources, *coverage.targets]
                 if not e.covered and not e.review and not e.covered_only_by_inference
                 and e.element.depth == 0])  # fmt: skip
    inferred = [e for e in [*coverage.sources, *coverage.targets]
                if e.covered_only_by_inference and e.element.depth == 0]  # fmt: skip
    assert inferred, "the demo has elements reached only by inference"
    assert html.count('<span aria-hidden="true">!</span> not reviewed') == open_ + 1  # + legend
    assert html.count('<span aria-hidden="true">◌</span> inferred only') == len(inferred) + 1


def test_its_column_codes_are_named_in_a_key_for_those_without_a_pointer(demo, client):
    """The column heads are codes (their names are a pointer's tooltip): a key under the
    legend names each top-level column, for touch and keyboard readers alike."""
    html = client.get("/matrix/").content.decode()
    key = html[html.index('<details class="column-key">') : html.index("</details>")]
    for element in demo.target_framework.elements.filter(parent=None):
        assert f'<span class="code">{element.code}</span> {element.title}</li>' in key


def test_a_crowded_cell_lists_its_first_links_and_leads_to_all_of_them(client, db):
    """A cell of a hundred links shows 25 and the way to the rest, not a page of them all."""
    build_register(400)  # B1 and what sits under it by S1 and what sits under it: 100
    html = client.get(URL, {"cell": "B1:S1"}).content.decode()
    assert html.count('class="detail-link"') == 25
    assert ": 100 links</span></h2>" in html
    assert "The first 25 of 100 are shown." in html
    assert '<a href="/links/?source=B1&amp;target=S1">See all 100 in the link table</a>' in html
    table = client.get("/links/", {"source": "B1", "target": "S1"}).content.decode()
    assert "of 100 links" in table
    opened = client.get(URL, {"expand": "B1", "cell": "B1:S1"}).content.decode()
    assert opened.count('class="detail-link"') == 10 and "more-links" not in opened


def test_an_editions_cell_lists_its_own_links(client, small, people):
    """An edition's rows have ids of their own (the live link's is kept beside): the cell
    lists the edition's links of that cell, not rows found by the live ids."""
    from mapping.models import Edition, LinkStatus

    Link.objects.filter(mapping=small["mapping"]).update(status=LinkStatus.APPROVED)
    Edition.objects.publish(small["mapping"], by=people["publisher"], title="One")
    small["b11_s11"].refresh_from_db()
    small["b11_s11"].retire(by=people["publisher"], reason="Gone.")
    Edition.objects.publish(small["mapping"], by=people["publisher"], title="Two")
    for number in (1, 2):
        html = client.get(f"/editions/{number}/matrix/", {"cell": "B2:S1"}).content.decode()
        assert "Bravery includes challenging unfairness." in html, number
        assert html.count('class="detail-link"') == 1
