"""An element reviewed and left unlinked on purpose says so, with the reason, wherever a
reader meets it without links: the guide, the PDF's link table and index, its own page and
its parent's, the evidence pack (Markdown, Word and PDF) and an edition's pages. Before,
only the coverage page and its CSV said it; everywhere else read "not covered yet"."""

from __future__ import annotations

import io
import subprocess

import docx
from django.core.management import call_command
from django.urls import reverse

from mapping.models import Edition, ReviewedGap
from standards.models import Element

WHY_B3 = "Curiosity is part of B1 for now."
WHY_S3 = "Learning belongs to the training team."
WHY_S13 = "Plain speaking is covered by the style guide."


def _decided(small, people) -> dict:
    mapping = small["mapping"]
    b3 = Element.objects.create(framework=small["b1"].framework, code="B3", title="Be curious",
                                level_label="Behaviour", position=3)  # fmt: skip
    s3 = Element.objects.create(framework=small["s1"].framework, code="S3", title="Learning",
                                level_label="Top", position=3)  # fmt: skip
    s13 = Element.objects.create(framework=small["s1"].framework, code="S1.3",
                                 parent=small["s1"], title="Speak plainly", level_label="Child",
                                 position=3)  # fmt: skip
    for element, why in ((b3, WHY_B3), (s3, WHY_S3), (s13, WHY_S13)):
        ReviewedGap.objects.create(mapping=mapping, element=element, reason=why,
                                   decided_by=people["publisher"])  # fmt: skip
    call_command("announce_changes", stdout=io.StringIO())
    return {"b3": b3, "s3": s3, "s13": s13}


def _flat(html: bytes) -> str:
    return " ".join(html.decode().split())


def test_the_guide_gives_each_decision_where_it_lists_the_element(small, people, client):
    _decided(small, people)
    guide = _flat(client.get("/").content)
    assert f"Reviewed and left unlinked on purpose: {WHY_B3}" in guide
    assert f"no behaviour; reviewed and left unlinked on purpose: {WHY_S3}" in guide
    assert f"reviewed and left unlinked on purpose: {WHY_S13}" in guide
    # The behaviours' headline says one of those not linked was decided.
    assert "not linked</strong>, of which 1 was reviewed and left unlinked on purpose" in guide


def test_element_pages_give_the_decision_and_an_editions_say_no_links_not_yet(
    small, people, client
):
    decided = _decided(small, people)
    s1 = _flat(client.get(reverse("element_detail", args=["the-standards", "S1"])).content)
    assert "Reviewed and left unlinked on purpose</strong> (" in s1 and WHY_S13 in s1
    s3 = _flat(client.get(reverse("element_detail", args=["the-standards", "S3"])).content)
    assert WHY_S3 in s3
    edition = Edition.objects.publish(small["mapping"], by=people["publisher"], title="One")
    assert edition.elements.filter(element=decided["s13"]).exists()
    url = reverse("element_detail", kwargs={"number": edition.number, "framework": "the-standards",
                                            "code": "S1"})  # fmt: skip
    page = _flat(client.get(url).content)
    assert WHY_S13 in page and "No links yet." not in page


def test_the_pdf_and_the_evidence_pack_give_the_decisions(small, people, client, tmp_path):
    _decided(small, people)
    pdf = client.get(reverse("guide_pdf")).content
    text = " ".join(subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True,
                                   check=True).stdout.decode().split())  # fmt: skip
    assert f"Reviewed and left unlinked on purpose: {WHY_B3}" in text  # the link table
    assert f"not covered: reviewed and left unlinked on purpose: {WHY_S3}" in text  # the index
    assert f"not covered: reviewed and left unlinked on purpose: {WHY_S13}" in text

    pack = reverse("evidence_pack", kwargs={"framework": "the-standards", "code": "S1",
                                            "extension": "md"})  # fmt: skip
    markdown = client.get(pack).content.decode()
    assert "No links. Reviewed and left unlinked on purpose on " in markdown
    assert WHY_S13 in markdown
    word = docx.Document(io.BytesIO(client.get(pack[:-2] + "docx").content))
    assert any(WHY_S13 in p.text and p.text.startswith("No links.") for p in word.paragraphs)
    path = tmp_path / "pack.pdf"
    path.write_bytes(client.get(pack[:-2] + "pdf").content)
    packed = " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True,
                                     text=True, check=True).stdout.split())  # fmt: skip
    assert "No links. Reviewed and left unlinked on purpose" in packed and WHY_S13 in packed


def test_a_decision_made_or_withdrawn_gives_the_register_a_new_fingerprint(small, people):
    """The live PDF is made again when what it shows changes (its fingerprint): a gap's
    decision, and its withdrawal, are among what it shows."""
    from mapping.register import LiveRegister

    mapping = small["mapping"]

    def fingerprint() -> str:
        return LiveRegister(mapping).fingerprint()[0]

    before = fingerprint()
    decided = _decided(small, people)
    after = fingerprint()
    assert after != before
    ReviewedGap.objects.filter(element=decided["s13"]).delete()
    assert fingerprint() not in (before, after)


def test_an_editions_guide_and_pdf_never_say_yet(small, people, client):
    """An edition never changes: what it leaves unlinked is not linked, not "not yet"."""
    mapping = small["mapping"]
    Element.objects.create(framework=small["b1"].framework, code="B3", title="Be curious",
                           level_label="Behaviour", position=3)  # fmt: skip
    edition = Edition.objects.publish(mapping, by=people["publisher"], title="One")
    guide = _flat(client.get(reverse("home", kwargs={"number": edition.number})).content)
    assert "Not linked." in guide and "yet" not in guide.split("<main", 1)[1].lower()
    assert "Not linked yet." in _flat(client.get("/").content)
