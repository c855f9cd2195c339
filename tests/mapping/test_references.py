"""A reader's reference list: added to from links, elements, rows and the guide with or
without JavaScript, read in APA and Harvard in each style's order, downloaded as BibTeX,
RIS and CSL-JSON (each read back by an independent parser or the CSL schema), pinned to the
latest edition; odd input refused with a message and nothing written to the database."""

import html
import json
import re
from urllib.parse import parse_qs

import bibtexparser
import jsonschema
import pytest
import rispy
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mapping.citing.references import COOKIE, MAX_ENTRIES, Entry, decode, encode
from mapping.models import Change, Link
from tests.mapping.test_citations import csl_schema
from tests.rows import demo_per_module

# The demo is seeded once for the module's tests, each in a savepoint of its own.
demo = demo_per_module()

SLUG = "example-homes-cih"


def add(client, **fields):
    data = {"register": SLUG, **fields}
    return client.post("/references/add/", data)


def entries(client) -> list[Entry]:
    raw = client.cookies.get(COOKIE)
    return decode(raw.value) if raw is not None and raw.value else []


@pytest.fixture
def listed(client, published):
    """Four entries from three places: a link, an element pinned to edition 1, the
    register, and another link from edition 1."""
    mapping = published["mapping"]
    first, second = mapping.links.order_by("pk")[:2]
    assert add(client, kind="link", link=first.pk, next="/links/").status_code == 302
    assert add(client, kind="element", side="target", code="INT", edition=1).status_code == 302
    assert add(client, kind="register").status_code == 302
    assert add(client, kind="link", link=second.pk, edition=1).status_code == 302
    return {"first": first, "second": second, **published}


def test_adding_without_javascript_goes_back_with_a_message(client, published):
    response = add(client, kind="link", link=published["mapping"].links.first().pk,
                   next="/links/?source=B1")  # fmt: skip
    assert response.status_code == 302 and response["Location"] == "/links/?source=B1"
    page = client.get("/links/?source=B1").content.decode()
    assert "Added to your reference list (1 in all)." in page
    assert '<span id="reference-count"> (1)</span>' in page
    again = add(client, kind="link", link=published["mapping"].links.first().pk)
    assert again.status_code == 302 and again["Location"] == "/references/"
    assert "Already in your reference list (1 in all)." in client.get("/links/").content.decode()
    assert len(entries(client)) == 1


def test_adding_with_htmx_answers_a_fragment_with_the_count(client, published):
    response = client.post("/references/add/", {"register": SLUG, "kind": "register"},
                           headers={"HX-Request": "true"})  # fmt: skip
    html = response.content.decode()
    assert response.status_code == 200 and "Added to your reference list." in html
    assert 'id="reference-count" hx-swap-oob="true"> (1)' in html


def test_every_citable_place_offers_it_and_a_coins_span(client, published):
    link = published["mapping"].links.order_by("pk").first()
    for url in ("/", "/links/", f"/links/{link.pk}/", "/elements/example-homes-behaviours/B1/",
                "/editions/1/elements/cih-professional-standards-2021/INT/",
                "/matrix/?expand=B1&cell=B1.1:INC"):  # fmt: skip
        page = client.get(url).content.decode()
        assert 'action="/references/add/"' in page, url
    # Zotero's COinS spans, kept out of what a screen reader reads of each row.
    table = client.get("/links/").content.decode()
    assert table.count('class="Z3988"') >= 25
    assert table.count('class="Z3988"') == len(
        re.findall(r'Z3988" title="[^"]+" aria-hidden', table)
    )


def test_nothing_is_written_to_the_database(client, published):
    before = (Link.objects.count(), Change.objects.count(), Session.objects.count())
    with CaptureQueriesContext(connection) as queries:
        add(client, kind="register")
        client.get("/references/")
        client.post("/references/clear/")
    writes = [q["sql"] for q in queries if q["sql"].split()[0] in ("INSERT", "UPDATE", "DELETE")]
    assert writes == []
    assert (Link.objects.count(), Change.objects.count(), Session.objects.count()) == before


def test_the_list_in_apa_and_harvard_each_in_its_own_order(client, listed):
    apa = client.get("/references/").content.decode()
    items = re.findall(r'<p class="citation">(.*?)</p>', apa)
    assert len(items) == 4
    # One author: APA orders by date, a year alone (an edition) before exact dates (pages
    # of the live register, read on a day), then by date.
    dates = [re.search(r"\((\d{4})([a-z]?)((?:, [A-Z][a-z]+ \d+)?)\)", item).groups()
             for item in items]  # fmt: skip
    assert [year for year, _, _ in dates] == ["2026"] * 4
    assert not dates[0][2] and not dates[1][2] and all(day for _, _, day in dates[2:])
    # One author, one year: the letters that tell the four apart in the text, in order.
    assert [letter for _, letter, _ in dates] == ["a", "b", "c", "d"]
    live = items[2]  # a page of the live register: APA's retrieval date before its address
    assert re.search(r"Retrieved [A-Z][a-z]+ \d+, 2026, from http://testserver/", live)
    assert "/editions/1/" in items[0] and "/editions/1/" in items[1]
    assert "Retrieved" not in items[0] + items[1]  # an edition never changes: no date read
    harvard = client.get("/references/?style=harvard").content.decode()
    assert "Harvard (Cite Them Right)" in harvard
    assert "Available at:" in harvard
    listed_harvard = " ".join(re.findall(r'<p class="citation">(.*?)</p>', harvard))
    assert re.findall(r"\(2026([a-z])\)", listed_harvard) == ["a", "b", "c", "d"]
    assert listed_harvard.count("(Accessed: ") == 4  # Harvard gives the day read for all
    assert "Your list mixes live pages and editions." in apa


@pytest.mark.parametrize("style", ["apa", "harvard"])
def test_the_page_and_copy_all_list_in_one_order(client, published, style):
    """A register's own title is the start of its pages' titles: HTML's markup must not sort
    it after them on screen while the plain text puts it first."""
    links = published["mapping"].links.order_by("pk")[:3]
    for link in links:
        add(client, kind="link", link=link.pk)
    add(client, kind="register")
    add(client, kind="element", side="target", code="INT")
    add(client, kind="element", side="source", code="B1")
    page = client.get(f"/references/?style={style}").content.decode()
    shown = [html.unescape(re.sub(r"<[^>]+>", "", item))
             for item in re.findall(r'<p class="citation">(.*?)</p>', page, re.S)]  # fmt: skip
    text = client.get(f"/references/download/?format={style}").content.decode()
    assert len(shown) == 6 and shown == text.strip().split("\n\n")


def test_downloads_are_read_back_by_independent_parsers(client, listed):
    bib = client.get("/references/download/?format=bibtex")
    assert bib["Content-Disposition"] == 'attachment; filename="references.bib"'
    library = bibtexparser.parse_string(bib.content.decode())
    assert len(library.entries) == 4 and not library.failed_blocks
    urls = {entry.fields_dict["url"].value for entry in library.entries}
    assert "http://testserver/m/example-homes-cih/" in urls
    assert any("/editions/1/" in url for url in urls)
    ris = rispy.loads(client.get("/references/download/?format=ris").content.decode())
    assert len(ris) == 4 and {r["type_of_reference"] for r in ris} == {"ELEC", "RPRT"}
    data = json.loads(client.get("/references/download/?format=csl-json").content)
    assert list(jsonschema.Draft3Validator(csl_schema()).iter_errors(data)) == []
    assert len(data) == 4 and len({item["id"] for item in data}) == 4


def test_remove_clear_and_pin(client, listed):
    assert len(entries(client)) == 4
    client.post("/references/remove/", {"register": SLUG, "kind": "register"})
    assert len(entries(client)) == 3
    response = client.post("/references/pin/")
    assert response.status_code == 302
    assert all(entry.edition for entry in entries(client))
    page = client.get("/references/").content.decode()
    assert "Pinned 1 entry to the latest edition." in page
    assert "mixes live pages" not in page
    # Clearing is asked twice (the list is kept nowhere else): one tap opens the question.
    question = page[page.index('<details class="clear-list') : page.index("</details>")]
    assert "<summary>Clear the list…</summary>" in question
    assert "removes all 3 entries from this browser, and cannot be undone" in question
    assert 'action="/references/clear/"' in question
    client.post("/references/clear/")
    assert entries(client) == []
    assert "Your list is empty." in client.get("/references/").content.decode()


def test_remove_and_pin_go_back_to_the_style_being_read(client, listed):
    page = client.get("/references/?style=harvard").content.decode()
    assert page.count('<input type="hidden" name="style" value="harvard">') >= 2
    removed = client.post("/references/remove/",
                          {"register": SLUG, "kind": "register", "style": "harvard"})  # fmt: skip
    assert removed["Location"] == "/references/?style=harvard"
    assert client.post("/references/pin/", {"style": "harvard"})["Location"] == \
        "/references/?style=harvard"  # fmt: skip
    assert client.post("/references/pin/", {"style": "<odd>"})["Location"] == "/references/"


def test_a_newer_edition_than_the_one_cited_is_pointed_out(client, listed, people):
    from mapping.models import Edition

    newest = Edition.objects.publish(listed["mapping"], by=people["publisher"], title="Later")
    page = client.get("/references/").content.decode()
    assert page.count("Entries from <strong>edition 1</strong>") == 1
    assert re.search(rf'<a href="[^"]*/editions/{newest.number}/">Edition {newest.number}</a> '
                     "has been published since", page)  # fmt: skip
    assert len(re.findall(r'<p class="citation">', page)) == 4, "nothing moved by itself"
    client.post("/references/clear/")
    add(client, kind="register", edition=newest.number)
    assert "has been published since" not in client.get("/references/").content.decode()


def test_what_became_of_retired_links_and_missing_editions(client, listed, people):
    link = listed["first"]
    reason = "Superseded by a better link."
    Link.objects.get(pk=link.pk).retire(by=people["editor"], reason=reason)
    missing = Entry(register=SLUG, edition=99, kind="register")
    client.cookies[COOKIE] = encode([*entries(client), missing])
    page = client.get("/references/").content.decode()
    assert "Retired since you added it: Superseded by a better link." in page
    assert "The register has no edition 99." in page


def test_a_tampered_or_overfull_list_gets_a_message_never_a_500(client, published):
    client.cookies[COOKIE] = "not-signed:at-all"
    page = client.get("/references/")
    assert page.status_code == 200
    assert "could not be read" in page.content.decode()
    assert page.cookies[COOKIE].value == ""  # dropped
    full = [Entry(register=SLUG, kind="link", link=10_000 + n) for n in range(MAX_ENTRIES)]
    client.cookies[COOKIE] = encoded = encode(full)
    assert len(encoded) < 4000, "500 entries fit a browser's cookie"
    response = add(client, kind="register", next="/links/")
    assert response.status_code == 302
    assert "the most it can hold" in client.get("/links/").content.decode()
    assert len(entries(client)) == MAX_ENTRIES


@pytest.mark.parametrize("fields", [
    {"kind": "link"}, {"kind": "element", "side": "target"}, {"kind": "nonsense"},
    {"kind": "link", "link": "99999"}, {"kind": "link", "link": "-1"},
    {"kind": "element", "side": "target", "code": "NOPE"}, {"kind": "register", "edition": "7"},
    {"kind": "register", "register": "no-such-register"}, {"kind": "register", "edition": "x"},
    {"kind": "element", "side": "target", "code": "INT\x00"},
])  # fmt: skip
def test_bad_entries_are_refused_with_a_message(client, published, fields):
    response = client.post("/references/add/", {"register": SLUG, **fields})
    assert response.status_code == 400
    assert response.content and COOKIE not in response.cookies


def test_another_site_cannot_add_to_the_list(client, published):
    response = client.post("/references/add/", {"register": SLUG, "kind": "register"},
                           headers={"Origin": "https://elsewhere.example"})  # fmt: skip
    assert response.status_code == 403 and COOKIE not in response.cookies
    assert client.get("/references/add/").status_code == 405
    assert client.get("/references/?style=mla").status_code == 400
    assert client.get("/references/download/?format=docx").status_code == 400


def test_coins_spans_carry_the_citations_titles_dates_and_urls(client, published):
    page = client.get("/links/").content.decode()
    spans = re.findall(r'class="Z3988" title="([^"]+)"', page)
    assert spans
    for title in spans[:10]:
        fields = parse_qs(title.replace("&amp;", "&"))
        assert fields["rft_val_fmt"] == ["info:ofi/fmt:kev:mtx:dc"]
        url = fields["rft.identifier"][0]
        [item] = json.loads(client.get(url.removeprefix("http://testserver"),
                                        {"format": "csl-json"}).content)  # fmt: skip
        assert fields["rft.title"] == [item["title"]]
        assert fields["rft.date"] == ["-".join(f"{p:02d}" for p in item["issued"]["date-parts"][0])]
        assert url == item["URL"]


def test_the_header_count_leaves_kept_pages_kept(client, published):
    client.get("/links/")
    add(client, kind="register")
    client.get("/links/")  # shows the message "Added …", made afresh
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/links/").content.decode()
    assert '<span id="reference-count"> (1)</span>' in page
    assert len(queries) == 0, "still the kept page, with the count filled in"


def test_the_header_count_is_never_kept_in_a_304_and_its_length_is_right(client, published):
    add(client, kind="register")
    client.get("/links/")  # the message "Added …"
    first = client.get("/links/")
    assert '<span id="reference-count"> (1)</span>' in first.content.decode()
    assert int(first["Content-Length"]) == len(first.content)
    assert client.get("/links/", headers={"If-None-Match": first["ETag"]}).status_code == 304
    add(client, kind="link", link=published["mapping"].links.first().pk)
    client.get("/links/")
    again = client.get("/links/", headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 200, "the count changed: the old tag no longer matches"
    assert '<span id="reference-count"> (2)</span>' in again.content.decode()
    assert int(again["Content-Length"]) == len(again.content)


def test_a_live_entry_is_cited_as_read_on_the_day_it_was_added(client, published, people):
    """The list keeps the day each entry was added: the live citation's retrieval date is
    that day, not the day the list is shown; one changed after it says so; pinning keeps
    the day; a list written before days were kept still reads (dated today)."""
    from datetime import date, timedelta

    from django.utils import timezone

    from mapping.citing.references import decode_with_days

    link = published["mapping"].links.order_by("pk").first()
    entry = Entry(register=SLUG, kind="link", link=link.pk)
    read = timezone.localdate() - timedelta(days=40)
    Link.objects.filter(pk=link.pk).update(updated_at=timezone.now() - timedelta(days=50))
    link.refresh_from_db()
    client.cookies[COOKIE] = encode([entry], {entry: read})
    page = html.unescape(client.get("/references/").content.decode())
    assert f"Retrieved {read:%B} {read.day}, {read.year}" in page
    assert "after you added it" not in page
    download = client.get("/references/download/", {"format": "ris"}).content.decode()
    assert f"Y2  - {read:%Y/%m/%d}" in download or f"{read:%Y/%m/%d}" in download
    link.edit(by=people["publisher"], revision=link.revision, rationale="Reworded since.")
    today = timezone.localdate()
    page = html.unescape(client.get("/references/").content.decode())
    assert f"Changed on {today.day} {today:%B %Y}, after you added it" in page
    # Pinned to the edition, it keeps the day it was read.
    client.post("/references/pin/")
    [(pinned, day)] = decode_with_days(client.cookies[COOKIE].value)[1].items()
    assert not pinned.is_live and day == read
    # Added today through the page, it is dated today; a cookie without days reads as before.
    add(client, kind="register")
    assert decode_with_days(client.cookies[COOKIE].value)[1][
        Entry(register=SLUG, kind="register")] == today  # fmt: skip
    client.cookies[COOKIE] = encode([entry])
    assert decode_with_days(client.cookies[COOKIE].value) == ([entry], {})
    assert f"Retrieved {today:%B} {today.day}, {today.year}" in html.unescape(
        client.get("/references/").content.decode())  # fmt: skip
    # 500 entries, each added on a day of its own half-year, still fit a browser's cookie.
    full = [Entry(register=SLUG, kind="link", link=10_000 + n) for n in range(MAX_ENTRIES)]
    days = {e: date(2026, 6, 1) + timedelta(days=n % 180) for n, e in enumerate(full)}
    assert len(encode(full, days)) < 4000


def test_an_entry_left_live_by_pinning_is_named_as_its_reader_knows_it(client, published, people):
    mapping = published["mapping"]
    linked = set(mapping.links.values_list("source", "target"))
    source, target = next(
        (s, t) for s in mapping.source_framework.elements.all()
        for t in mapping.target_framework.elements.all() if (s.pk, t.pk) not in linked
    )  # fmt: skip
    new = Link.objects.create_draft(mapping, source=source, target=target, by=people["editor"],
                                    relation="supports", rationale="Unpublished.")  # fmt: skip
    assert add(client, kind="link", link=new.pk).status_code == 302
    client.post("/references/pin/")
    page = html.unescape(client.get("/references/").content.decode())
    assert f"Left live: {new.reference}: not in edition" in page


def test_pinning_takes_the_edition_that_reads_as_the_page_did_when_it_was_added(
    client, published, people
):
    """Added yesterday, when the live page read as the edition then published, then changed
    and published as the next: pinned to the first, saying so. One changed between the
    reading and the first (so neither edition reads as it was read) is left live; one never
    changed goes to the latest. (A list keeps the day an entry was added; a change on that
    day counts as made before the reading.)"""
    from datetime import timedelta

    from django.utils import timezone

    from mapping.models import Edition

    mapping, edition = published["mapping"], published["edition"]
    day = timezone.localdate() - timedelta(days=1)
    midnight = timezone.make_aware(
        timezone.datetime.combine(timezone.localdate(), timezone.datetime.min.time())
    )
    Change.objects.update(at=midnight - timedelta(days=60))  # the demo's history, long ago
    read, twice, kept = mapping.links.filter(status="approved").order_by("pk")[:3]
    listed = [Entry(register=SLUG, kind="link", link=each.pk) for each in (read, twice, kept)]
    client.cookies[COOKIE] = encode(listed, dict.fromkeys(listed, day))
    for link in (read, twice):
        link.refresh_from_db()
        link.edit(by=people["publisher"], revision=link.revision, rationale="Reworded.")
    # twice's change came between the reading and edition 1 (made after midnight, before it).
    Change.objects.filter(subject_type="link", subject_id=twice.pk, at__gt=midnight).update(
        at=midnight + (edition.published_at - midnight) / 2
    )
    Edition.objects.publish(mapping, by=people["publisher"], title="Second", notes="")
    client.post("/references/pin/")
    assert {entry.link: entry.edition for entry in entries(client)} == {
        read.pk: edition.number, twice.pk: None, kept.pk: edition.number + 1,
    }  # fmt: skip
    page = html.unescape(client.get("/references/").content.decode())
    assert ("Pinned 2 entries to an edition. To an earlier edition than the latest, because "
            f"it reads as you read it and the latest does not: {read.reference} (edition "
            f"{edition.number})."
            ) in page  # fmt: skip
    assert (f"Left live: {twice.reference}: no edition reads as it did when you added it on "
            f"{day.day} {day:%B %Y}") in page  # fmt: skip


def test_pinning_a_long_list_costs_what_a_short_one_does(client, published):
    """The changes of every link a list names, and each register's editions, are read
    once, not once an entry."""
    from datetime import timedelta

    from django.utils import timezone

    day = timezone.localdate() - timedelta(days=1)
    links = list(published["mapping"].links.order_by("pk").values_list("pk", flat=True))

    def queries(count: int) -> int:
        listed = [Entry(register=SLUG, kind="link", link=pk) for pk in links[:count]]
        client.cookies[COOKIE] = encode(listed, dict.fromkeys(listed, day))
        with CaptureQueriesContext(connection) as done:
            assert client.post("/references/pin/").status_code == 302
        return len(done.captured_queries)

    assert len(links) >= 20
    assert queries(20) == queries(2)
