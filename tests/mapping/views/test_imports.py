"""Importing as an editor sees it: the upload form, the dry run page (with its progress
while it runs), applying, and the new-register and default-register pages."""

import io
import json
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from mapping.importing.batches import progress_key
from mapping.models import ImportBatch, Link, LinkStatus, Mapping
from standards.models import Framework, SourceCheck
from tests.mapping.conftest import snapshot

LINKS = "source code,target code,relation,rationale,example\n"


def _file(name: str, content: str | bytes, media_type="text/csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content if isinstance(content, bytes) else content.encode(),
                              content_type=media_type)  # fmt: skip


def test_an_editor_uploads_reads_the_dry_run_and_applies(small, as_role):
    editor = as_role("editor")
    page = editor.get(reverse("link_import")).content.decode()
    assert "Import links into Our ways to the standards" in page
    assert reverse("import_template", args=["links", "csv"]) in page
    assert "Approved" not in page  # only a publisher may import links approved
    response = editor.post(reverse("link_import"), {
        "file": _file("links.csv", LINKS + "B2,S2,supports,Bravery serves people.,\n"
                                   "B1.1,S1.1,partly covers,Listening is part of it.,\n"),
        "status": "proposed",
    })  # fmt: skip
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == batch.get_absolute_url()
    page = editor.get(batch.get_absolute_url()).content.decode()
    assert "Dry run: Our ways to the standards" in page
    assert '<p class="lead">Links into the register Our ways to the standards, uploaded' in page
    assert "B2 → S2: Supports" in page
    assert "<del>Fully covers</del>" in page and "<ins>Partly covers</ins>" in page
    assert "Apply this import" in page
    assert not Link.objects.filter(source=small["b2"], target=small["s2"]).exists()

    response = editor.post(reverse("import_apply", args=[batch.pk]))
    assert response.status_code == 302
    made = Link.objects.get(source=small["b2"], target=small["s2"])
    assert made.status == LinkStatus.PROPOSED and made.created_by.username == "editor"
    page = editor.get(batch.get_absolute_url()).content.decode()
    assert "Applied on" in page and "Apply this import" not in page
    # What it did: before and after, not "now" and "from the file".
    assert '<th scope="col">Before</th><th scope="col">After</th>' in page
    assert "New links: proposed." in page and "are saved" not in page
    # A second click applies nothing twice.
    before = snapshot()
    editor.post(reverse("import_apply", args=[batch.pk]))
    assert snapshot() == before


def test_the_dry_runs_first_line_counts_what_it_would_retire(small, as_role):
    editor = as_role("editor")
    upload = _file("links.csv", LINKS + "B2,S2,supports,Why.,\n")
    editor.post(reverse("link_import"), {"file": upload, "status": "draft", "retire_missing": "on"})
    page = editor.get(ImportBatch.objects.get().get_absolute_url()).content.decode()
    assert "The dry run is ready: 1 to add, 0 to change, 3 to retire, 0 problems." in page


def test_a_file_with_problems_cannot_be_applied(small, as_role):
    editor = as_role("editor")
    upload = _file("links.csv", LINKS + "B1,S2,frobs,,\nB9,S2,supports,Why.,\n")
    editor.post(reverse("link_import"), {"file": upload, "status": "draft"})
    batch = ImportBatch.objects.get()
    page = editor.get(batch.get_absolute_url()).content.decode()
    assert "Problems to put right before it can be applied" in page
    assert "<strong>Row 2, column “relation”</strong>: “frobs” is not a relation" in page
    assert "<strong>Row 3, column “source code”</strong>: “B9” is not a behaviour" in page
    assert "Apply this import" not in page
    assert f'and <a href="{reverse("link_import")}">upload it again</a>.' in page
    before = snapshot()
    editor.post(reverse("import_apply", args=[batch.pk]))
    assert snapshot() == before


def test_an_unreadable_file_says_why_and_changes_nothing(small, as_role):
    editor = as_role("editor")
    editor.post(reverse("link_import"), {"file": _file("links.csv", b"\xff\xfe\x00junk"),
                                         "status": "draft"})  # fmt: skip
    page = editor.get(ImportBatch.objects.get().get_absolute_url()).content.decode()
    assert "The file could not be read" in page and "not UTF-8 text" in page
    assert "Nothing was changed." in page


@pytest.mark.parametrize(("name", "content", "message"), [
    ("links.txt", b"x", "“links.txt” is not a file Weave imports: choose a .csv, an .xlsx"),
    ("links.xlsx", b"code,title\n", "“links.xlsx” is called .xlsx but is not an Excel workbook."),
    ("big.csv", b"x" * 2048, "The file is 2.0\xa0KB: files up to 1.0\xa0KB can be imported."),
    ("just.csv", b"x" * 1025, "The file is 1,025 bytes: files up to 1,024 bytes (1.0\xa0KB) can "
     "be imported."),
    ("empty.csv", b"", "The submitted file is empty."),
])  # fmt: skip
def test_an_upload_of_the_wrong_size_or_type_is_refused_with_a_message(
    small, as_role, settings, name, content, message
):
    settings.WEAVE_IMPORT_MAX_BYTES = 1024
    response = as_role("editor").post(reverse("link_import"), {"file": _file(name, content),
                                                              "status": "draft"})  # fmt: skip
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_an_editor_cannot_import_links_approved(small, as_role):
    upload = _file("links.csv", LINKS + "B2,S2,supports,Why.,\n")
    response = as_role("editor").post(reverse("link_import"), {"file": upload,
                                                              "status": "approved"})  # fmt: skip
    assert response.status_code == 400 and not ImportBatch.objects.exists()
    assert "Approved" in as_role("publisher").get(reverse("link_import")).content.decode()


def test_a_new_framework_by_upload_and_the_details_it_needs(small, as_role):
    editor = as_role("editor")
    response = editor.post(reverse("framework_import"), {
        "file": _file("values.csv", "code,title,level label\nV1,Be kind,Value\n")})  # fmt: skip
    assert response.status_code == 400
    page = " ".join(response.content.decode().split())
    for said in (
        "Give the new framework&#x27;s name.",
        "Choose its kind: the file does not say it.",
        "Give its publisher.",
    ):
        assert said in page, said  # fmt: skip
    assert "Give it a short name" not in page  # made from the name, which is what to give
    # Listed first, and the file to choose again (a browser keeps none after an error).
    assert "Put these right" in page
    assert "Choose the file again" in page
    response = editor.post(reverse("framework_import"), {
        "file": _file("values.csv", "code,title,level label\nV1,Be kind,Value\n"),
        "name": "Our values", "slug": "", "kind": "behaviours", "publisher": "Us",
    })  # fmt: skip
    batch = ImportBatch.objects.get()  # its short name made from its name: our-values
    dry_run = editor.get(batch.get_absolute_url()).content.decode()
    assert "A new behaviours framework, Our values, made by this import." in dry_run
    assert '<p class="lead">A new framework, uploaded' in dry_run
    assert "To add: 1" in dry_run
    editor.post(reverse("import_apply", args=[batch.pk]))
    values = Framework.objects.get(slug="our-values")
    assert values.elements.get().title == "Be kind"
    # What it did, in the past tense, and where to go next: the framework, then a register.
    done = editor.get(batch.get_absolute_url()).content.decode()
    assert "Added: 1" in done and "To add" not in done
    assert '<a href="/frameworks/our-values/">See Our values</a>' in done
    assert f'<a href="{reverse("mapping_create")}">add a register</a>' in done


def test_a_new_version_by_upload_takes_what_it_is_not_told_from_the_old(small, as_role):
    """On the form, a new version needs its short name and its version; its name, kind,
    publisher, source and citation note are the old version's where left blank."""
    old = small["standards"]
    Framework.objects.filter(pk=old.pk).update(
        source_url="https://standards.example/", citation_note="Cite the body's page.",
        version_label="2021", level_plurals={"Criterion": "Criteria"})  # fmt: skip
    editor, url = as_role("editor"), reverse("framework_import")
    rows = "code,title,level label\nS1,Respect,Top\nS2,Service,Top\n"
    refused = editor.post(url, {"file": _file("v2.csv", rows), "replaces": old.slug})
    assert refused.status_code == 400
    said = refused.content.decode()
    assert "Give the new version a short name of its own" in said
    assert "Say which version it is, such as 2026." in said
    editor.post(url, {"file": _file("v2.csv", rows), "replaces": old.slug, "slug": "standards-v2",
                      "version_label": "2026"})  # fmt: skip
    editor.post(reverse("import_apply", args=[ImportBatch.objects.get().pk]))
    new = Framework.objects.get(slug="standards-v2")
    assert (new.name, new.kind, new.publisher, new.version_label, new.replaces) == (
        old.name, old.kind, old.publisher, "2026", old)  # fmt: skip
    assert (new.source_url, new.citation_note) == ("https://standards.example/",
                                                   "Cite the body's page.")  # fmt: skip
    assert new.level_plurals == {"Criterion": "Criteria"}  # its levels' plurals too
    crosswalk = Mapping.objects.get(source_framework=old, target_framework=new)
    assert crosswalk.name == f"{old.name} 2021 onto {old.name} 2026"


def test_official_wording_is_shown_side_by_side_then_marked_checked(small, as_role):
    editor = as_role("editor")
    editor.post(reverse("framework_import"), {
        "file": _file("official.csv", "code,title,level label\nS1,Respect for all,Top\n"),
        "framework": small["standards"].pk, "official_wording": "on"})  # fmt: skip
    batch = ImportBatch.objects.get()
    page = editor.get(batch.get_absolute_url()).content.decode()
    assert "<del>Respect</del>" in page and "<ins>Respect for all</ins>" in page
    assert "the publisher&#x27;s own wording" in page
    editor.post(reverse("import_apply", args=[batch.pk]))
    small["s1"].refresh_from_db()
    assert small["s1"].title == "Respect for all"
    assert small["s1"].source_check == SourceCheck.CHECKED


def test_a_change_of_spacing_alone_says_so_in_the_dry_run(small, as_role):
    """A non-breaking space that became a plain one looks the same struck out and inserted:
    the dry run says what differs."""
    from standards.models import Element

    Element.objects.filter(pk=small["s1"].pk).update(title="Respect\xa0for all")
    editor = as_role("editor")
    editor.post(reverse("framework_import"), {
        "file": _file("plain.csv", "code,title,level label\nS1,Respect for all,Top\n"),
        "framework": small["standards"].pk})  # fmt: skip
    page = editor.get(ImportBatch.objects.get().get_absolute_url()).content.decode()
    assert "<ins>Respect for all</ins> <span class=\"muted small\">(only non-breaking spaces " \
        "differ)</span>" in page  # fmt: skip


def test_while_it_runs_the_page_shows_progress_and_follows_it(small, as_role, people):
    batch = ImportBatch.objects.create(kind="links", file_format="csv", filename="big.csv",
                                       content=b"", mapping=small["mapping"])  # fmt: skip
    cache.set(progress_key(batch.pk), {"stage": "Checking", "done": 2000, "total": 10000})
    editor = as_role("editor")
    page = editor.get(batch.get_absolute_url()).content.decode()
    assert '<progress max="10000" value="2000">' in page
    assert f'hx-get="{batch.get_absolute_url()}"' in page and 'hx-trigger="load delay:1s"' in page
    fragment = editor.get(batch.get_absolute_url(), headers={"HX-Request": "true"})
    assert fragment.content.decode().lstrip().startswith('<div id="import-status"')
    assert "Checking 2000 of 10000" in fragment.content.decode()
    cache.delete(progress_key(batch.pk))
    assert "Nothing has started on it" not in page


def test_an_import_into_a_register_shows_that_register_around_it(small, as_role):
    other = Mapping.objects.create(
        name="Another register", slug="another", organisation="Org",
        source_framework=small["behaviours"], target_framework=small["standards"],
    )  # fmt: skip
    batch = ImportBatch.objects.create(kind="links", file_format="csv", filename="a.csv",
                                       content=b"", mapping=other)  # fmt: skip
    page = as_role("editor").get(batch.get_absolute_url()).content.decode()
    header = page.split("</header>")[0]
    assert "Another register" in header and small["mapping"].name not in header
    assert 'href="/m/another/links/"' in header


def test_a_file_nobody_starts_checking_says_the_worker_may_not_be_running(small, as_role):
    batch = ImportBatch.objects.create(kind="links", file_format="csv", filename="big.csv",
                                       content=b"", mapping=small["mapping"])  # fmt: skip
    editor = as_role("editor")
    assert "Nothing has started on it" not in editor.get(batch.get_absolute_url()).content.decode()
    ImportBatch.objects.filter(pk=batch.pk).update(created_at=timezone.now() - timedelta(minutes=2))
    page = editor.get(batch.get_absolute_url(), headers={"HX-Request": "true"}).content.decode()
    assert "Nothing has started on it since it was uploaded, 2\xa0minutes ago." in page
    assert "python manage.py weave_worker" in page


def test_an_editor_adds_a_register_and_fills_it_by_import(small, as_role):
    editor = as_role("editor")
    page = editor.get(reverse("mapping_create")).content.decode()
    assert "Add a register" in page
    response = editor.post(reverse("mapping_create"), {
        "name": "A second view", "slug": "second", "organisation": "Org",
        "source_framework": small["behaviours"].pk,
        "target_framework": small["standards"].pk,
        "licence_url": "https://creativecommons.org/licenses/by/4.0/"})  # fmt: skip
    assert response.status_code == 302 and response["Location"] == "/m/second/"
    assert "A second view" in editor.get("/m/second/").content.decode()
    upload = _file("links.csv", LINKS + "B2,S2,supports,Why.,\n")
    editor.post("/m/second/links/import/", {"file": upload, "status": "draft"})
    editor.post(reverse("import_apply", args=[ImportBatch.objects.get().pk]))
    assert Mapping.objects.get(slug="second").links.count() == 1
    assert small["mapping"].links.count() == 3


@pytest.mark.parametrize(("field", "value", "message"), [
    ("slug", "new", "“new” is kept for this page"),
    ("slug", "ours", "Another register has that short name: choose another."),
    ("name", "", "Give the register a name."),
    ("source_framework", "standards", "A register links two different frameworks"),
])  # fmt: skip
def test_a_new_register_is_checked(small, as_role, field, value, message):
    data = {"name": "X", "slug": "x", "organisation": "Org",
            "source_framework": small["behaviours"].pk,
            "target_framework": small["standards"].pk}  # fmt: skip
    data[field] = small[value].pk if value == "standards" else value
    response = as_role("editor").post(reverse("mapping_create"), data)
    assert response.status_code == 400 and message in response.content.decode()
    assert Mapping.objects.count() == 1


def test_a_publisher_makes_a_register_the_default(small, as_role):
    Mapping.objects.create(name="Second", slug="second", organisation="Org",
                           source_framework=small["behaviours"],
                           target_framework=small["standards"])  # fmt: skip
    publisher = as_role("publisher")
    page = publisher.get(reverse("mapping_list")).content.decode()
    # Asked twice, saying what moves: one tap changed what every top-of-site address shows.
    assert "<summary>Make it the default…" in page
    assert "then show Second instead. Permalinks and citations name their register" in page
    response = publisher.post(reverse("mapping_make_default", args=["second"]))
    assert response.status_code == 302
    assert Mapping.objects.get(is_default=True).slug == "second"
    assert "Second" in as_role("anonymous").get("/").content.decode()


def test_every_page_links_its_downloads(published, client):
    guide = client.get("/").content.decode()
    for ending in ("register.json", "links.csv", "links.xlsx", "sssom.tsv", "kumu.json",
                   "elements/example-homes-behaviours.csv",
                   "elements/cih-professional-standards-2021.xlsx",
                   "elements/cih-professional-standards-2021.case.json"):  # fmt: skip
        assert f'href="/{ending}"' in guide, ending
    edition = client.get("/editions/2/").content.decode()
    assert 'href="/editions/2/sssom.tsv"' in edition
    table = client.get("/links/?relation=supports").content.decode()
    assert 'href="/links.csv?relation=supports"' in table
    assert 'href="/editions/2/register.json"' in client.get("/editions/").content.decode()


def test_a_new_organisation_imports_the_standards_weave_ships(db, people, as_role, settings):
    """fixtures/ holds CIH's standards in Weave's own framework file: a new organisation
    imports them as they are (it was refused as "not a CASE package")."""
    path = settings.BASE_DIR / "fixtures" / "cih-professional-standards-2021.json"
    editor = as_role("editor")
    response = editor.post(reverse("framework_import"), {"file": _file(path.name,
                           path.read_bytes(), "application/json")})  # fmt: skip
    assert response.status_code == 302, response.content.decode()
    batch = ImportBatch.objects.get()
    page = editor.get(batch.get_absolute_url()).content.decode()
    assert (
        "A new standards framework, CIH Professional Standards 2021, made by this import." in page
    )
    assert batch.can_be_applied
    editor.post(reverse("import_apply", args=[batch.pk]))
    cih = Framework.objects.get(slug="cih-professional-standards-2021")
    shipped = json.loads(path.read_text())
    assert cih.publisher == shipped["publisher"] and cih.kind == "standards"
    assert cih.elements.count() == len(shipped["elements"])
    assert cih.elements.get(code="INT.3").parent.code == "INT"


@pytest.mark.parametrize("name", ["example-homes-behaviours", "competence-and-conduct-2025"])
def test_the_command_imports_weaves_own_framework_file(db, settings, name):
    path = settings.BASE_DIR / "fixtures" / f"{name}.json"
    shipped = json.loads(path.read_text())
    call_command("import_framework", str(path), "--apply", stdout=io.StringIO())
    framework = Framework.objects.get(slug=shipped["slug"])
    assert framework.elements.count() == len(shipped["elements"])


def test_a_file_that_says_its_kind_is_read_as_it_says(db, people, as_role, settings):
    """The Regulator's standards, as a new framework with a short name of its own: a
    standards framework, as the file says (the form's first kind, behaviours, won), with a
    warning that one of that name is already here."""
    path = settings.BASE_DIR / "fixtures" / "competence-and-conduct-2025.json"
    editor = as_role("editor")
    form = editor.get(reverse("framework_import")).content.decode()
    assert '<option value="" selected>Choose, unless the file says</option>' in form
    for slug in ("", "cc-copy"):
        editor.post(reverse("framework_import"), {
            "file": _file(path.name, path.read_bytes(), "application/json"), "slug": slug,
            "kind": ""})  # fmt: skip
        batch = ImportBatch.objects.latest("created_at")
        editor.post(reverse("import_apply", args=[batch.pk]))
    assert set(Framework.objects.values_list("slug", "kind")) == {
        ("competence-and-conduct-2025", "standards"), ("cc-copy", "standards")}  # fmt: skip
    page = editor.get(batch.get_absolute_url()).content.decode()
    assert "There is already a framework named Competence and Conduct Standard" in page


def test_a_dry_run_nobody_applies_is_let_go_after_the_days_kept(small, people, as_role, settings):
    """An abandoned upload leaves the review queue, its address answers 404, and its file is
    deleted with the next upload; an applied one, or one still within the days, stays."""
    settings.WEAVE_IMPORT_KEEP_DAYS = 30
    made = {}
    for name, state, age in [
        ("old.csv", "planned", 31),
        ("failed.csv", "failed", 40),
        ("recent.csv", "planned", 29),
        ("applied.csv", "applied", 90),
    ]:
        made[name] = ImportBatch.objects.create(
            kind="links", file_format="csv", filename=name, content=b"x" * 1000, state=state,
            summary=[{"blocked": False, "has_work": True}], mapping=small["mapping"],
            created_by=people["editor"],
        )  # fmt: skip
        ImportBatch.objects.filter(pk=made[name].pk).update(
            created_at=timezone.now() - timedelta(days=age)
        )
    publisher = as_role("publisher")
    queue = publisher.get(reverse("review")).content.decode()
    assert "recent.csv" in queue and "old.csv" not in queue
    assert publisher.get(made["old.csv"].get_absolute_url()).status_code == 404
    assert publisher.get(made["recent.csv"].get_absolute_url()).status_code == 200
    assert publisher.get(made["applied.csv"].get_absolute_url()).status_code == 200

    publisher.post(reverse("link_import"), {
        "file": _file("new.csv", LINKS + "B2,S2,supports,Bravery serves people.,\n"),
        "status": "proposed",
    })  # fmt: skip
    kept = set(ImportBatch.objects.values_list("filename", flat=True))
    assert kept == {"recent.csv", "applied.csv", "new.csv"}
