"""`manage.py import_framework` and `import_links`: the same dry run as the import page,
printed; --apply applies it, all or nothing."""

import io
import re

import pytest
from django.core.management import CommandError, call_command

from mapping.models import Change, Link
from standards.models import Framework
from tests.mapping.conftest import snapshot


def _run(*args, **options) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, **options)
    return out.getvalue()


def test_a_framework_is_dry_run_then_applied(small, tmp_path, people):
    path = tmp_path / "values.csv"
    path.write_text("code,title,description,parent code,level label\n"
                    "V1,Be kind,,,Value\nV1.1,Listen,,V1,Descriptor\n")  # fmt: skip
    said = _run("import_framework", path, slug="values", name="Our values", kind="behaviours",
                publisher="Us")  # fmt: skip
    assert "Framework into Our values: 2 to add, 0 to change" in said
    assert "  Add V1.1 Listen" in said and "This was a dry run" in said
    assert not Framework.objects.filter(slug="values").exists()
    said = _run("import_framework", path, slug="values", name="Our values", kind="behaviours",
                publisher="Us", apply=True, user="editor")  # fmt: skip
    assert "Applied." in said
    framework = Framework.objects.get(slug="values")
    assert Change.objects.filter(framework=framework, user=people["editor"]).count() == 3
    said = _run("import_framework", path, into="values", apply=True)
    assert "The file changes nothing" in said


def test_links_with_a_problem_are_refused_and_nothing_is_written(small, tmp_path):
    path = tmp_path / "links.csv"
    path.write_text("behaviour code,standard code,relation,rationale\n"
                    "B2,S2,supports,Why.\nB9,S2,supports,Why.\n")  # fmt: skip
    before = snapshot()
    with pytest.raises(CommandError, match="The file has problems, so nothing was changed"):
        _run("import_links", path, apply=True)
    assert snapshot() == before
    path.write_text("behaviour code,standard code,relation,rationale\nB2,S2,supports,Why.\n")
    said = _run("import_links", path, mapping="ours", status="approved", apply=True)
    assert "Links into Our ways to the standards: 1 to add" in said
    assert Link.objects.get(source__code="B2", target__code="S2").is_approved


@pytest.mark.parametrize(("args", "options", "message"), [
    (["import_framework", "{dir}/nope.csv"], {"into": "our-ways"}, "cannot be read"),
    (["import_framework", "{dir}/f.txt"], {"into": "our-ways"}, "is not a .csv, .xlsx or CASE"),
    (["import_framework", "{dir}/f.csv"], {"into": "nope"}, "no framework with the slug nope"),
    (["import_framework", "{dir}/f.csv"], {"slug": "x"}, "Say which framework to import into"),
    (["import_framework", "{dir}/f.csv"], {"slug": "x", "kind": "standards", "name": "X"},
     "The new framework's details are not complete. Give the new framework's publisher."),
    (["import_links", "{dir}/f.csv"], {"mapping": "nope"}, "There is no register nope"),
    (["import_links", "{dir}/f.csv"], {"user": "ghost"}, "There is no user called ghost"),
    (["import_links", "{dir}/bad.csv"], {}, "The columns are not right"),
])  # fmt: skip
def test_each_mistake_gets_its_message(small, tmp_path, args, options, message):
    (tmp_path / "f.csv").write_text("code,title,level label\nX1,Kind,Top\n")
    (tmp_path / "f.txt").write_text("x")
    (tmp_path / "bad.csv").write_text("what,ever\n1,2\n")
    args = [arg.format(dir=tmp_path) for arg in args]
    before = snapshot()
    with pytest.raises(CommandError, match=re.escape(message)):
        _run(*args, **options)
    assert snapshot() == before
