"""`manage.py backup` and `restore`: the whole site into an empty database, identical,
accounts and tokens included, on SQLite and PostgreSQL alike (CI runs both), with an
element whose parent was added after it (the case `dumpdata`/`loaddata` could not load)
and timestamps to the microsecond."""

import io
import json

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client

from mapping.models import ApiToken, Change, Edition
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
    framework = published["mapping"].behaviours_framework
    child = Element.objects.create(framework=framework, code="B11.1", title="Added first",
                                   level_label="Descriptor")  # fmt: skip
    parent = Element.objects.create(framework=framework, code="B11", title="Added after",
                                    level_label="Behaviour")  # fmt: skip
    Change.objects.apply(child, {"parent_id": parent.pk}, by=people["editor"])
    assert child.pk < parent.pk
    _token, key = ApiToken.issue(people["viewer"], "Intranet")
    User.objects.filter(username="sam").delete()
    sam = User.objects.create_user("sam", password="sams-own-password-1", email="s@ex.org")
    sam.groups.add(people["editor"].groups.get())
    before = _backup(tmp_path / "one.json")
    assert ".".join(before["site"]["changes"][-1]["at"].split(".")[1:])  # microseconds kept

    _empty_the_database()
    assert not User.objects.exists() and not Element.objects.exists()
    out = io.StringIO()
    call_command("restore", tmp_path / "one.json", stdout=out)
    assert "Restored" in out.getvalue()
    assert _backup(tmp_path / "two.json") == before
    assert Element.objects.get(code="B11.1").parent.code == "B11"
    assert Edition.objects.count() == 2
    # People log in as before; tokens open the API as before.
    logged_in = Client().post("/accounts/login/", {"username": "sam",
                                                   "password": "sams-own-password-1"})  # fmt: skip
    assert logged_in.status_code == 302
    api = Client().get("/api/mappings", headers={"Authorization": f"Bearer {key}"})
    assert api.status_code == 200
    assert User.objects.get(username="sam").groups.get().name == "editor"


def test_restore_refuses_a_database_in_use(demo, tmp_path):
    call_command("backup", output=tmp_path / "b.json", stderr=io.StringIO())
    with pytest.raises(CommandError, match="already has accounts"):
        call_command("restore", tmp_path / "b.json")
    (tmp_path / "bad.json").write_text('{"format": "weave-backup"}')
    with pytest.raises(CommandError, match="is not a Weave backup"):
        call_command("restore", tmp_path / "bad.json")
