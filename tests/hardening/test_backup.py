"""`manage.py backup` and `restore`: the whole site into an empty database, identical,
accounts and tokens included, on SQLite and PostgreSQL alike (CI runs both), with an
element whose parent was added after it (the case `dumpdata`/`loaddata` could not load)
and timestamps to the microsecond."""

import io
import json
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client

from mapping.models import ApiToken, Change, Edition, Link, Membership
from mapping.models.frozen import EditionInferred
from mapping.models.inference import ReviewedPair
from mapping.models.notices import Preferences, Watch
from mapping.models.people import Audit, AuditEntry, Invitation
from standards.models import Element


def _empty_the_database() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False, verbosity=0)


def _backup(path) -> dict:
    call_command("backup", output=path, stderr=io.StringIO())
    document = json.loads(path.read_text())
    document["made_at"] = document["site"]["exported_at"] = None
    return document


def test_a_backup_restores_as_the_same_site(published, people, tmp_path):
    framework = published["mapping"].source_framework
    child = Element.objects.create(framework=framework, code="B11.1", title="Added first",
                                   level_label="Descriptor")  # fmt: skip
    parent = Element.objects.create(framework=framework, code="B11", title="Added after",
                                    level_label="Behaviour")  # fmt: skip
    Change.objects.apply(child, {"parent_id": parent.pk}, by=people["editor"])
    assert child.pk < parent.pk
    _token, key = ApiToken.issue(people["viewer"], "Intranet", lasts=timedelta(days=90))
    User.objects.filter(username="sam").delete()
    sam = User.objects.create_user("sam", password="sams-own-password-1", email="s@ex.org")
    Membership.objects.create(user=sam, mapping=None, role="viewer")
    Membership.objects.create(user=sam, mapping=published["mapping"], role="editor")
    # What is kept of people beyond their accounts: what they are emailed about, an
    # invitation standing, the audit log.
    Watch.objects.create(user=sam, mapping=published["mapping"], editions=True, digest=True)
    Preferences.objects.create(user=sam, proposals=False)
    Invitation.objects.issue("new@ex.org", "editor", published["mapping"], by=people["admin"])
    AuditEntry.objects.record(Audit.ROLE_CHANGED, by=people["admin"], person=sam,
                              detail="Editor in Example Homes.")  # fmt: skip
    kept = (Edition.objects.count(), ReviewedPair.objects.count(), EditionInferred.objects.count(),
            Link.objects.exclude(accepted_from={}).count())  # fmt: skip
    assert min(kept) > 0  # the demo has dismissed and accepted suggestions, frozen inferences
    before = _backup(tmp_path / "one.json")
    assert all(before["people"][kind] for kind in ("preferences", "watches", "invitations",
                                                   "audit"))  # fmt: skip
    assert (tmp_path / "one.json").stat().st_mode & 0o777 == 0o600  # hashes: its owner's only
    assert ".".join(before["site"]["changes"][-1]["at"].split(".")[1:])  # microseconds kept
    assert [token["expires_at"] is not None for token in before["tokens"]] == [True]

    _empty_the_database()
    assert not User.objects.exists() and not Element.objects.exists()
    out = io.StringIO()
    call_command("restore", tmp_path / "one.json", stdout=out)
    assert "Restored" in out.getvalue()
    assert _backup(tmp_path / "two.json") == before
    assert Element.objects.get(code="B11.1").parent.code == "B11"
    assert (Edition.objects.count(), ReviewedPair.objects.count(), EditionInferred.objects.count(),
            Link.objects.exclude(accepted_from={}).count()) == kept  # fmt: skip
    # People log in as before; tokens open the API as before.
    logged_in = Client().post("/accounts/login/", {"username": "sam",
                                                   "password": "sams-own-password-1"})  # fmt: skip
    assert logged_in.status_code == 302
    api = Client().get("/api/mappings", headers={"Authorization": f"Bearer {key}"})
    assert api.status_code == 200
    restored = User.objects.get(username="sam").memberships.select_related("mapping")
    held = sorted((m.mapping.slug if m.mapping else "", m.role) for m in restored)
    assert held == [("", "viewer"), ("example-homes-cih", "editor")]


def test_a_backup_of_the_time_of_groups_restores_them_as_site_wide_roles(published, tmp_path):
    call_command("backup", output=tmp_path / "new.json", stderr=io.StringIO())
    document = json.loads((tmp_path / "new.json").read_text())
    document["version"] = 1
    for account in document["accounts"]:
        held = [role["role"] for role in account.pop("roles")]
        account["groups"] = held + (["viewer"] if held else [])  # roles were groups then
    (tmp_path / "old.json").write_text(json.dumps(document))
    _empty_the_database()
    call_command("restore", tmp_path / "old.json", stdout=io.StringIO())
    publisher = User.objects.get(username="publisher").memberships.get()
    assert (publisher.mapping, publisher.role) == (None, "publisher")


def test_restore_refuses_a_database_in_use(demo, tmp_path):
    call_command("backup", output=tmp_path / "b.json", stderr=io.StringIO())
    with pytest.raises(CommandError, match="already has accounts"):
        call_command("restore", tmp_path / "b.json")
    (tmp_path / "bad.json").write_text('{"format": "weave-backup"}')
    with pytest.raises(CommandError, match="is not a Weave backup"):
        call_command("restore", tmp_path / "bad.json")


def test_a_backup_to_a_folder_that_is_not_there_says_so_in_one_line(demo, tmp_path):
    with pytest.raises(CommandError, match=r"site\.json cannot be written: No such file"):
        call_command("backup", output=tmp_path / "nowhere" / "site.json", stderr=io.StringIO())
