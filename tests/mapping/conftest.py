import pytest

from mapping.importing.batches import run_apply, run_dry_run
from mapping.models import Change, ImportBatch, Link, Mapping
from standards.models import Element, Framework

FORMATS = {"csv": "csv", "xlsx": "xlsx", "json": "case"}


@pytest.fixture
def dry_run(db):
    """Upload a file as an editor would and run its dry run: dry_run("links", text)."""

    def run(kind: str, content: str | bytes, filename: str = "upload.csv", **fields):
        if isinstance(content, str):
            content = content.encode()
        batch = ImportBatch.objects.create(
            kind=kind, file_format=FORMATS[filename.rsplit(".", 1)[1]], filename=filename,
            content=content, **fields,
        )  # fmt: skip
        run_dry_run(batch)
        batch.refresh_from_db()
        return batch

    return run


@pytest.fixture
def apply(db):
    def run(batch: ImportBatch, by=None) -> ImportBatch:
        run_apply(batch, by=by)
        batch.refresh_from_db()
        return batch

    return run


def snapshot():
    """Every row an import could write, to show that a refused one wrote nothing."""
    return (
        list(Framework.objects.order_by("pk").values()),
        list(Element.objects.order_by("pk").values()),
        list(Mapping.objects.order_by("pk").values()),
        list(Link.objects.order_by("pk").values()),
        Change.objects.count(),
    )


def problems_said(part: dict) -> list[str]:
    """A dry run's problems as the page says them: "Row 2, column “code”: …"."""
    return [f"{p['where'][:1].upper()}{p['where'][1:]}: {p['message']}" for p in part["problems"]]
