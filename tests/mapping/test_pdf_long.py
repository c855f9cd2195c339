"""The PDF of registers built for the purpose: long tables across pages, and the link table
cut into parts for the workers (tests/mapping/test_pdf.py has the demo's PDF)."""

import io
import re
import subprocess

import pytest
from django.urls import reverse
from pypdf import PdfReader

from mapping.models import Link
from mapping.pdf import document as register_pdf_module
from mapping.pdf import parts as pdf_parts
from tests.mapping.test_pdf import pdftotext
from tests.synthetic import build_register

URL = reverse("guide_pdf")


def test_long_tables_repeat_their_header_and_never_split_a_row(client, db):
    build_register(150)
    # Tall rows, so that a row left free to split across pages would do so.
    filler = "It goes on for a while to make the row tall. " * 6
    Link.objects.update(rationale=f"Row starts. {filler}Row ends.")
    reader = PdfReader(io.BytesIO(client.get(URL).content))
    table_pages = 0
    for number, page in enumerate(reader.pages, start=1):
        text = " ".join(page.extract_text().split())
        if "Row starts." not in text and "Row ends." not in text:
            continue
        table_pages += 1
        assert "Reference Standard · relation — then why" in text, (
            f"no table header on page {number}"
        )
        assert text.count("Row starts.") == text.count("Row ends."), (
            f"a row splits on page {number}"
        )
        assert text.index("Row starts.") < text.index("Row ends."), f"a row splits on page {number}"
    assert table_pages > 3


def test_without_a_mapping_it_is_not_found(client, db):
    assert client.get(URL).status_code == 404


def test_the_link_table_is_cut_into_parts_without_losing_or_repeating_a_link(db, monkeypatch):
    from mapping.register import LiveRegister

    monkeypatch.setattr(register_pdf_module, "LINKS_PER_PART", 40)
    mapping = build_register(300)
    parts = register_pdf_module.link_table_parts(LiveRegister(mapping).coverage)
    links = [link.pk for part in parts for group in part for link in group.links]
    assert sorted(links) == sorted(mapping.links.values_list("pk", flat=True))
    assert all(sum(len(g.links) for g in part) <= 40 for part in parts)
    for part in parts:
        for group in part:
            # a behaviour continues only at the start of a part
            assert not group.continued or group is part[0]


@pytest.mark.parametrize(
    "links, workers, parts",
    [
        (90, 2, 1),  # one part: nothing to share out
        (90, 4, 1),
        (2000, 1, 8),  # at most 250 links a part
        (2000, 2, 9),  # 9 runs and the index: five long parts for each of two workers
        (2000, 4, 11),
        (500, 2, 3),
        (750, 2, 3),
    ],
)
def test_the_link_table_is_cut_so_that_its_parts_and_the_index_share_out_evenly(
    links, workers, parts
):
    count = register_pdf_module.part_count(links, workers)
    assert count == parts
    assert -(-links // count) <= register_pdf_module.LINKS_PER_PART


def test_a_continued_behaviour_is_titled_and_bookmarked_once(client, db, monkeypatch):
    monkeypatch.setattr(register_pdf_module, "LINKS_PER_PART", 30)
    build_register(100)
    content = client.get(URL).content
    assert "(continued)" in " ".join(pdftotext(content).split())
    outline = PdfReader(io.BytesIO(content)).outline
    links_index = [i.title for i in outline if not isinstance(i, list)].index(
        "The link table, by behaviour"
    )
    labels = [item.title for item in outline[links_index + 1]]
    assert len(labels) == len(set(labels))


def test_a_long_word_wraps_inside_the_page(client, db):
    """A pasted address in an example breaks inside its cell rather than run off the page
    (pdftotext's bounding boxes: every word ends inside the page's right margin)."""
    build_register(6)
    Link.objects.filter(pk=Link.objects.first().pk).update(
        example="See https://example.org/" + "averyveryverylongpathsegment" * 12
    )
    content = client.get(URL).content
    boxes = subprocess.run(
        ["pdftotext", "-bbox", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()
    pages = re.findall(r'<page width="([\d.]+)".*?</page>', boxes, flags=re.S)
    right_edges = [
        (float(x_max), word)
        for x_max, word in re.findall(r'xMax="([\d.]+)"[^>]*>([^<]*)</word>', boxes)
    ]
    assert "averyvery" in boxes
    page_width = float(pages[0])
    assert [word for x_max, word in right_edges if x_max > page_width - 30] == []


def render(mapping) -> bytes:
    from django.utils import timezone

    from mapping.register import LiveRegister

    context = register_pdf_module.document_context(
        LiveRegister(mapping), "http://testserver/", timezone.localdate()
    )
    return register_pdf_module.render_register_pdf(context)


def edit_rationale(link: Link, rationale: str) -> None:
    from mapping.models import Change

    Change.objects.apply(link, {"rationale": rationale}, by=None)


def test_after_an_edit_only_the_part_holding_the_edited_link_is_laid_out_again(db, monkeypatch):
    from mapping.pdf import pool

    monkeypatch.setenv("WEAVE_PDF_WORKERS", "1")  # laid out here, where it can be counted
    monkeypatch.setattr(register_pdf_module, "LINKS_PER_PART", 40)
    mapping = build_register(200)
    laid_out = []
    monkeypatch.setattr(pool, "render_part", lambda *args: laid_out.append(args[0]) or real(*args))
    real = pdf_parts.render_part
    render(mapping)
    assert len(laid_out) == 5 + 4 + 1  # five runs, index, guide, contents draft, stamps; contents

    laid_out.clear()
    link = mapping.links.order_by("pk")[150]
    edit_rationale(link, "A reason written again by an editor.")
    content = render(mapping)
    assert len(laid_out) == 1, "only the run of the link table that holds the link"
    assert "A reason written again by an editor." in laid_out[0]
    assert "A reason written again by an editor." in pdftotext(content)


def test_a_pdf_made_partly_from_kept_parts_is_the_pdf_made_afresh(db, monkeypatch):
    from django.core.cache import cache

    from tests.mapping.test_pdf_accessible import structure

    monkeypatch.setattr(register_pdf_module, "LINKS_PER_PART", 40)
    mapping = build_register(200)
    render(mapping)
    edit_rationale(mapping.links.order_by("pk")[10], "Changed, in the first run.")
    partly_kept = render(mapping)
    cache.clear()
    afresh = render(mapping)
    assert pdftotext(partly_kept) == pdftotext(afresh)
    assert structure(partly_kept) == structure(afresh)
    assert bookmarks(partly_kept) == bookmarks(afresh)


def bookmarks(content: bytes) -> list[tuple[str, int]]:
    reader = PdfReader(io.BytesIO(content))

    def flat(items):
        for item in items:
            if isinstance(item, list):
                yield from flat(item)
            else:
                yield item.title, reader.get_destination_page_number(item)

    return list(flat(reader.outline))


def test_a_part_kept_is_named_by_all_it_is_laid_out_from():
    from mapping.pdf.pool import part_key

    part = ("<p>Part</p>", "/base", "p { margin: 0 }", True, "p1-")
    assert part_key(part) == part_key(tuple(part))
    for index, other in enumerate(["<p>Other</p>", "/elsewhere", "", False, "p2-"]):
        changed = (*part[:index], other, *part[index + 1 :])
        assert part_key(changed) != part_key(part)
