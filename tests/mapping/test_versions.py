"""New versions of a framework: importing one as replacing another builds the crosswalk
between them (same code and wording: "is the same as"; changed wording: "closely matches",
proposed for review; new and removed listed), and a register moves onto the new version
with a dry run; bad versions (the other kind, a circle, itself) are refused."""

import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from mapping.exchange.register_json.writer import live_document
from mapping.models import AuditEntry, Edition, Link, LinkStatus, Mapping, Membership
from mapping.models.notices import Watch
from mapping.register import EditionRegister, LiveRegister
from standards.models import Framework
from tests.mapping.conftest import snapshot
from tests.rows import demo_per_module

# The demo is seeded once for the module's tests, each in a savepoint of its own.
demo = demo_per_module()

CIH = "cih-professional-standards-2021"


def _run(*args, **options) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, **options)
    return out.getvalue()


def _text(response) -> str:
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html[html.find("<main") :]))


@pytest.fixture
def new_version_file(demo, tmp_path):
    """The CIH standards again, as a 2026 version: INT.4 reworded, ETH.3 removed (ETH.3 is
    linked in the demo), a new INT.7; everything else the same."""
    cih = Framework.objects.get(slug=CIH)
    rows = ["code,title,description,parent code,level label"]
    for element in cih.elements.current().select_related("parent").order_by("tree_rank"):
        if element.code == "ETH.3":
            continue
        title = element.title
        if element.code == "INT.4":
            title = "Be open, honest and transparent in decisions and communication"
        parent = element.parent.code if element.parent else ""
        description = element.description.replace('"', '""')
        rows.append(f'{element.code},"{title}","{description}",{parent},{element.level_label}')
    rows.append("INT.7,Declare your interests,,INT,Standard statement")
    path = tmp_path / "cih-2026.csv"
    path.write_text("\n".join(rows) + "\n")
    return path


def _import(path, **options) -> str:
    return _run("import_framework", path, slug="cih-2026", name="CIH Professional Standards",
                kind="standards", publisher="Chartered Institute of Housing",
                replaces=CIH, version_label="2026", **options)  # fmt: skip


@pytest.fixture
def imported(new_version_file, people):
    said = _import(new_version_file, apply=True, user="editor")
    assert "Applied." in said
    return Framework.objects.get(slug="cih-2026")


def test_the_dry_run_says_what_the_crosswalk_will_be(new_version_file):
    said = _import(new_version_file)
    old = Framework.objects.get(slug=CIH)
    checked = old.elements.current().exclude(code__in=["INT.4", "ETH.3"]).filter(
        source_check="checked").count()  # fmt: skip
    assert ("It is the new version of CIH Professional Standards 2021: a crosswalk between the "
            "two versions is made, 38 elements the same, 1 with changed wording (to review), 1 "
            f"new and 1 removed. Of those the same, {checked} keep their mark “checked against "
            "the source” from CIH Professional Standards 2021.") in said  # fmt: skip
    # The new version may share the old one's name: nobody is told to import into the old.
    assert "There is already a framework named" not in said
    assert not Framework.objects.filter(slug="cih-2026").exists()


def test_an_element_checked_and_unchanged_keeps_its_mark_in_the_new_version(imported):
    """What was checked against the publisher's wording, and has the same words in the new
    version, stays checked (on the same day); a reworded or new element is not."""
    old = {e.code: e for e in Framework.objects.get(slug=CIH).elements.all()}
    new = {e.code: e for e in imported.elements.all()}
    assert old["INT"].source_check == "checked"
    assert (new["INT"].source_check, new["INT"].checked_on) == ("checked", old["INT"].checked_on)
    for code in ("INT.4", "INT.7"):
        assert new[code].source_check == "unchecked"
    assert all(new[code].source_check == element.source_check for code, element in old.items()
               if code in new and code not in ("INT.4", "INT.7"))  # fmt: skip


def test_importing_a_new_version_builds_the_crosswalk(imported):
    old = Framework.objects.get(slug=CIH)
    assert imported.replaces == old
    crosswalk = Mapping.objects.get(source_framework=old, target_framework=imported)
    links = {link.source.code: link for link in crosswalk.links.select_related("source", "target")}
    assert len(links) == 39  # every code in both versions
    assert links["INT"].relation == "same_as" and links["INT"].status == LinkStatus.APPROVED
    changed = links["INT.4"]
    assert changed.relation == "closely_matches" and changed.status == LinkStatus.PROPOSED
    assert changed.rationale == (
        "Same code, changed wording, to review: the title was “Be open and honest in "
        "decisions and in communication”, now “Be open, honest and transparent in decisions "
        "and communication”."
    )
    assert "ETH.3" not in links
    # Named for both versions, made for the organisation (not credited to the publisher),
    # and naming what is new and what was removed.
    assert crosswalk.name == "CIH Professional Standards 2021 onto CIH Professional Standards 2026"
    assert crosswalk.organisation == "Example Homes (illustrative)"
    assert "New in CIH Professional Standards 2026: INT.7 Declare your interests. Removed: " \
        "ETH.3 " in crosswalk.description  # fmt: skip


def test_the_version_crosswalks_guide_names_each_version(imported, client):
    """Both ends have "characteristics": the guide names the frameworks instead."""
    crosswalk = Mapping.objects.get(target_framework=imported)
    text = _text(client.get(f"/m/{crosswalk.slug}/"))
    assert "CIH Professional Standards 2021 and what it covers in CIH Professional Standards " \
        "2026" in text  # fmt: skip
    assert "The characteristics and the characteristics they cover" not in text


def test_the_framework_pages_show_the_versions(imported, client):
    text = _text(client.get(reverse("framework_detail", args=["cih-2026"])))
    assert "A new version of CIH Professional Standards" in text
    assert "the crosswalk between the two versions" in text
    assert "Our Behaviours and the CIH Professional Standards" in text  # can move
    old = _text(client.get(reverse("framework_detail", args=[CIH])))
    assert "Replaced by CIH Professional Standards" in old


def test_a_register_moves_onto_the_new_version_with_a_dry_run(imported, as_role, demo, client,
                                                              people):  # fmt: skip
    client_ = as_role("publisher")
    url = f"/m/{demo.slug}/move/?to=cih-2026"
    page = _text(client_.get(url))
    assert "latest edition already holds it as it is" in page
    # A name ending in s owns its edition with the apostrophe alone.
    assert "Standards&#x27; latest edition" in page and "Standards&#x27;s" not in page
    edited = demo.links.order_by("pk").first()
    edited.edit(by=people["publisher"], revision=edited.revision, rationale="Said anew.")
    before = snapshot()
    dry = client_.get(url)
    assert dry.status_code == 200
    text = _text(dry)
    to_eth3 = demo.links.current().filter(target__code="ETH.3")
    to_int4 = demo.links.current().filter(target__code="INT.4")
    carried = demo.links.current().count() - to_eth3.count() - to_int4.count()
    assert f"{carried} links to unchanged elements carried as they are" in text
    assert f"{to_int4.count()} links to elements whose wording changed carried as proposed" \
        in text  # fmt: skip
    assert f"{to_eth3.count()} links to elements the new version removed left behind" in text
    assert "has changes no edition holds: its last edition is published first" in text
    assert snapshot() == before  # a dry run writes nothing
    old_editions = demo.editions.count()
    assert 'name="make_default" id="id_make_default" checked' in client_.get(url).content.decode()
    response = client_.post(f"/m/{demo.slug}/move/", {"to": "cih-2026", "name": "On 2026",
                                                      "slug": "on-2026",
                                                      "make_default": "on"})  # fmt: skip
    assert response.status_code == 302
    moved = Mapping.objects.with_frameworks().get(slug="on-2026")
    assert moved.target_framework == imported and moved.is_default
    assert moved.links.count() == carried + to_int4.count()
    review = moved.links.filter(target__code="INT.4")
    assert all(link.status == LinkStatus.PROPOSED and "To review after the move" in
               link.rationale for link in review)  # fmt: skip
    assert not moved.links.filter(target__code="ETH.3").exists()
    # The old register keeps everything; what was left behind is in its last edition.
    demo.refresh_from_db()
    assert not demo.is_default and demo.links.filter(target__code="ETH.3").exists()
    assert demo.editions.count() == old_editions + 1
    last = demo.editions.order_by("-number").first()
    frozen = EditionRegister(Edition.objects.select_related("mapping").get(pk=last.pk))
    assert {link.target.code for link in frozen.all_links()} >= {"ETH.3"}
    assert client.get(f"/m/{demo.slug}/editions/1/").status_code == 200  # citations hold
    # The old register's pages say where it carries on; a backup keeps that.
    banner = client.get(f"/m/{demo.slug}/").content.decode()
    assert 'carries on as <a href="/">On 2026</a>' in banner
    assert "The live register." not in banner and "still open to its editors" in banner
    [record] = [m for m in live_document(Mapping.objects.filter(pk=demo.pk)).mappings]
    assert record.moved_to == "on-2026"
    # An old element's address leads to the register that maps the behaviours onto it, not
    # to the crosswalk between the versions.
    response = client.get(reverse("element_detail", kwargs={"framework": CIH, "code": "INT.4"}))
    assert response["Location"] == f"/m/{demo.slug}/elements/{CIH}/INT.4/"
    assert "On 2026" in _text(client.get("/"))  # the site's home is the new register
    assert LiveRegister(moved).coverage.link_count == moved.links.count()


@pytest.mark.parametrize(("query", "said"), [
    ("?to=nope", "there is no framework “nope”"),
    ("", "Say which new version to move onto"),
    (f"?to={CIH}", "is not a new version of either framework"),
])  # fmt: skip
def test_a_move_to_no_new_version_is_a_400(imported, as_role, demo, query, said):
    response = as_role("publisher").get(f"/m/{demo.slug}/move/{query}")
    assert response.status_code == 400
    assert said in _text(response)


def test_only_site_publishers_move_registers(imported, as_role, demo, client):
    before = snapshot()
    url = f"/m/{demo.slug}/move/?to=cih-2026"
    assert as_role("editor").get(url).status_code == 403
    data = {"to": "cih-2026", "name": "X", "slug": "x"}
    assert as_role("editor").post(f"/m/{demo.slug}/move/", data).status_code == 403
    assert client.post(f"/m/{demo.slug}/move/", data).status_code == 302  # to log in
    assert snapshot() == before


def test_a_move_to_a_taken_short_name_is_refused(imported, as_role, demo):
    before = Mapping.objects.count()
    response = as_role("publisher").post(f"/m/{demo.slug}/move/", {
        "to": "cih-2026", "name": "X", "slug": "cih-cc"})  # fmt: skip
    assert response.status_code == 400
    assert "A register already has that short name" in response.content.decode()
    assert Mapping.objects.count() == before


def test_a_move_to_a_name_another_register_has_is_refused(imported, as_role, demo):
    """As everywhere a register is named: two of one name would be two identical choices."""
    taken = Mapping.objects.exclude(pk=demo.pk).first().name
    before = Mapping.objects.count()
    response = as_role("publisher").post(f"/m/{demo.slug}/move/", {
        "to": "cih-2026", "name": taken.upper(), "slug": "on-2026"})  # fmt: skip
    assert response.status_code == 400
    assert "Another register has that name" in response.content.decode()
    assert Mapping.objects.count() == before


def test_a_new_version_of_the_other_kind_is_refused(new_version_file):
    before = snapshot()
    out = io.StringIO()
    with pytest.raises(CommandError, match="The file has problems"):
        call_command("import_framework", new_version_file, slug="cih-2026", name="X",
                     kind="standards", publisher="P", replaces="example-homes-behaviours",
                     apply=True, stdout=out)  # fmt: skip
    assert "its new version must be one too, not a standards framework" in out.getvalue()
    assert snapshot() == before


@pytest.mark.parametrize(("options", "message"), [
    ({"into": CIH, "replaces": CIH}, "A new version is a new framework"),
    ({"slug": "x", "kind": "standards", "name": "X", "publisher": "P", "replaces": "nope"},
     "There is no framework with the slug nope to replace"),
])  # fmt: skip
def test_bad_version_options_are_refused(new_version_file, options, message):
    with pytest.raises(CommandError, match=message):
        _run("import_framework", new_version_file, **options)


def test_the_import_form_offers_the_choice_and_checks_the_kind(demo, as_role, new_version_file):
    client = as_role("editor")
    assert "A new version of" in client.get(reverse("framework_import")).content.decode()
    with new_version_file.open("rb") as upload:
        response = client.post(reverse("framework_import"), {
            "file": upload, "name": "X", "slug": "x", "kind": "behaviours", "publisher": "P",
            "replaces": CIH,
        })  # fmt: skip
    assert response.status_code == 400
    assert "its new version must be one too" in response.content.decode()


def test_versions_cannot_go_round_in_a_circle(imported, as_role):
    """CIH 2026 replaces CIH 2021: saying CIH 2021 replaces CIH 2026 is refused, as is a
    framework replacing itself (not even offered)."""
    client = as_role("editor")
    old = Framework.objects.get(slug=CIH)
    url = reverse("framework_edit", args=[CIH])
    data = {"name": old.name, "publisher": old.publisher, "revision": old.revision,
            "replaces": imported.pk}  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 400
    assert "versions cannot go round in a circle" in response.content.decode()
    response = client.post(url, data | {"replaces": old.pk})
    assert response.status_code == 400
    assert "Choose one of the frameworks listed" in response.content.decode()
    old.refresh_from_db()
    assert old.replaces is None and old.revision == data["revision"]
    behaviours = Framework.objects.get(slug="example-homes-behaviours")
    response = client.post(url, data | {"replaces": behaviours.pk})  # not even offered
    assert "a framework of the same kind" in response.content.decode()


def test_the_versions_survive_a_backup(imported, tmp_path):
    document = live_document(Mapping.objects.all(), whole_site=True)
    record = next(f for f in document.frameworks if f.slug == "cih-2026")
    assert record.replaces == CIH
    between = Link.objects.filter(mapping__source_framework__slug=CIH)
    assert between.filter(mapping__target_framework__slug="cih-2026").count() == 39


def test_a_short_name_taken_while_the_form_was_checked_is_said_on_the_form(
    imported, as_role, demo, monkeypatch
):
    """The form checks the short name, then the move saves it: a register given that name
    in between (by someone else) is the form's error, and nothing is moved."""
    from mapping.views import versions

    monkeypatch.setattr(versions.MoveForm, "clean_slug", lambda form: form.cleaned_data["slug"])
    Mapping.objects.create(name="Taken", slug="on-2026", source_framework=demo.source_framework,
                           target_framework=demo.target_framework)  # fmt: skip
    before = snapshot()
    response = as_role("publisher").post(f"/m/{demo.slug}/move/", {
        "to": "cih-2026", "name": "On 2026", "slug": "on-2026"})  # fmt: skip
    assert response.status_code == 400
    assert "A register already has that short name: choose another." in _text(response)
    assert snapshot() == before


def test_roles_and_watches_in_a_register_carry_on_into_the_one_it_moved_onto(
    imported, as_role, demo, people
):
    Membership.objects.create(user=people["nobody"], mapping=demo, role="editor")
    Watch.objects.create(user=people["viewer"], mapping=demo, editions=False, digest=True)
    as_role("publisher").post(f"/m/{demo.slug}/move/", {
        "to": "cih-2026", "name": "On 2026", "slug": "on-2026"})  # fmt: skip
    moved = Mapping.objects.get(slug="on-2026")
    assert Membership.objects.get(user=people["nobody"], mapping=moved).role == "editor"
    assert Membership.objects.filter(user=people["nobody"], mapping=demo).exists()  # kept
    watch = Watch.objects.get(user=people["viewer"], mapping=moved)
    assert (watch.editions, watch.digest) == (False, True)
    entry = AuditEntry.objects.get(action="role_changed", person=people["nobody"])
    assert "carried from Our Behaviours" in entry.detail and entry.actor_name == "publisher"


def test_a_move_can_leave_the_default_where_it_is(imported, as_role, demo):
    response = as_role("publisher").post(
        f"/m/{demo.slug}/move/", {"to": "cih-2026", "name": "On 2026", "slug": "on-2026"}
    )  # the box unticked
    assert response.status_code == 302
    demo.refresh_from_db()
    assert demo.is_default and not Mapping.objects.get(slug="on-2026").is_default
    assert demo.moved_to.slug == "on-2026"
