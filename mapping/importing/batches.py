"""Running an uploaded file's dry run and, when the editor says so, applying it. Both run in
the background (mapping/tasks.py) and report their progress, so a large file's page can say
how far they have got."""

from __future__ import annotations

import hashlib
import json
import logging

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from pydantic import ValidationError

from mapping.core.statistics import LIVE_TABLES, refresh_statistics
from mapping.exchange.case.reader import (
    Package,
    element_identifier,
    framework_identifier,
    read_package,
)
from mapping.exchange.problems import Problem, UnreadableFile
from mapping.exchange.schemas import LinkPayload
from mapping.exchange.tabular import (
    FRAMEWORK_COLUMNS,
    FRAMEWORK_REQUIRED,
    LINK_COLUMNS,
    LINK_REQUIRED,
    read_rows,
)
from mapping.importing import problems_of
from mapping.importing.frameworks import FrameworkImport, FrameworkPlan, elements_from_rows
from mapping.importing.links import LinkPlan, LinksImport, codes_in, links_from_rows
from mapping.importing.shown import rows_shown
from mapping.models import ImportBatch, Relation, Side
from standards.models import Framework
from standards.schemas import FROM_PEOPLE, FrameworkDetails
from standards.text import printable

logger = logging.getLogger(__name__)
DIRECTED = {Relation.FULLY_COVERS, Relation.PARTLY_COVERS}


def progress_key(batch_id) -> str:
    return f"weave:import:{batch_id}:progress"


def _reporter(batch: ImportBatch, stage: str):
    def report(done: int, total: int) -> None:
        cache.set(progress_key(batch.pk), {"stage": stage, "done": done, "total": total}, 3600)

    return report


def plans_for(batch: ImportBatch, progress) -> list:
    content = bytes(batch.content)
    package = read_package(content) if batch.file_format == ImportBatch.Format.CASE else None
    options = batch.options
    if batch.kind == ImportBatch.Kind.FRAMEWORK:
        shown = {}
        if package is not None:
            elements, problems = package.elements, list(package.problems)
        else:
            rows = read_rows(content, batch.file_format, columns=FRAMEWORK_COLUMNS,
                             required=FRAMEWORK_REQUIRED)  # fmt: skip
            elements, problems = elements_from_rows(rows)
            shown = rows_shown(rows)
        if not elements and not any(problem.blocking for problem in problems):
            problems.append(Problem("The file has no elements: it has no items (CFItems)."))
        details, replaces = None, _replaced(options.get("replaces"), problems)
        if batch.framework is None:
            details = _details(batch.details, package, problems, replaces)
        wanted = FrameworkImport(
            framework=batch.framework, details=details, elements=elements,
            source=batch.filename, retire_missing=options.get("retire_missing", False),
            official_wording=options.get("official_wording", False), replaces=replaces,
            shown=shown,
        )  # fmt: skip
        plan = FrameworkPlan(wanted, problems, progress)
        if package is not None and package.associations:
            plan.extra_notes = [
                f"The package also has {len(package.associations)} associations between its "
                "items and another framework's. Once the framework is in, import the same "
                "file into a register's links to turn them into links."
            ]
        return [plan]
    shown, in_file = {}, set()
    if package is not None:
        links, problems = _links_from_package(package, batch.mapping)
    else:
        rows = read_rows(content, batch.file_format, columns=LINK_COLUMNS, required=LINK_REQUIRED)
        links, problems = links_from_rows(rows)
        shown, in_file = rows_shown(rows), codes_in(rows)
    wanted = LinksImport(
        mapping=batch.mapping, links=links, source=batch.filename,
        status=options.get("status", "draft"),
        retire_missing=options.get("retire_missing", False), shown=shown, in_file=in_file,
    )  # fmt: skip
    return [LinkPlan(wanted, problems, progress)]


def _replaced(slug: str | None, problems: list[Problem]) -> Framework | None:
    """The framework a new one is to be the new version of, named by its slug."""
    if not slug:
        return None
    found = Framework.objects.filter(slug=slug).first()
    if found is None:
        problems.append(Problem(f"There is no framework {slug} for this to be a new version of."))
    return found


# What a new version says of itself as the one it replaces did, where nobody said otherwise
# (not its description, nor its year: those are the version's own).
CARRIED = ("name", "kind", "publisher", "source_url", "citation_note")


def _details(given: dict, package: Package | None, problems: list[Problem],
             replaces: Framework | None = None):  # fmt: skip
    """A new framework's details: the editor's, with the package's where they left a blank,
    and then (a new version) the old version's."""
    merged = dict(given)
    for name in CARRIED if replaces is not None and package is None else ():
        if not merged.get(name):
            merged[name] = getattr(replaces, name)
    if package is not None:
        for name, value in package.details.items():
            if value and not merged.get(name):
                merged[name] = value
        merged["case_identifier"] = package.identifier
        # Its identifier as stored, or as Weave derives one for what it exports (a package
        # Weave wrote, imported again as a new framework, would share every identifier).
        known = {
            framework_identifier(framework): framework for framework in Framework.objects.all()
        }
        existing = known.get(package.identifier)
        if package.identifier and existing is not None:
            problems.append(Problem(
                f"This package is already in Weave as {existing.name}: import it into that "
                "framework to bring it up to date."
            ))  # fmt: skip
    if replaces is not None and not merged.get("level_plurals"):  # the old version's words
        merged["level_plurals"] = replaces.level_plurals
    if Framework.objects.filter(slug=merged.get("slug")).exists():
        problems.append(Problem(f"There is already a framework with the slug {merged['slug']}: "
                                "give the new one a short name of its own."))  # fmt: skip
    elif (
        same := Framework.objects.filter(name=merged.get("name"))
        .exclude(
            pk=replaces.pk if replaces is not None else None  # a new version may share its name
        )
        .first()
    ):
        problems.append(Problem(
            f"There is already a framework named {same.name} ({same.slug}): if this is the same, "
            "import the file into it instead, to bring it up to date.", blocking=False,
        ))  # fmt: skip
    given = {
        k: v for k, v in merged.items() if k in FrameworkDetails.model_fields and v is not None
    }
    try:
        return FrameworkDetails.model_validate(given, context=FROM_PEOPLE)
    except ValidationError as error:
        said = " ".join(problem.message for problem in problems_of(error))
        raise UnreadableFile(f"The new framework's details are not complete. {said}") from error


def _links_from_package(package: Package, mapping) -> tuple[list, list[Problem]]:
    """The package's associations between items of the register's two frameworks, as links."""
    sides = {}
    for side, framework in ((Side.SOURCE, mapping.source_framework),
                            (Side.TARGET, mapping.target_framework)):  # fmt: skip
        for element in framework.elements.all():
            sides[str(element_identifier(framework, element))] = (side, element)
    problems, links, outside = list(package.problems), [], 0
    for association in package.associations:
        ends = [sides.get(association.origin), sides.get(association.destination)]
        if None in ends or ends[0][0] == ends[1][0]:
            outside += 1
            continue
        source, target = ends if ends[0][0] == Side.SOURCE else ends[::-1]
        if ends[0][0] != Side.SOURCE and association.relation in DIRECTED:
            problems.append(Problem(
                f"A {association.relation.label.lower()} association runs from "
                f"{mapping.target_framework.name} to {mapping.source_framework.name}: left out.",
                item=association.identifier, blocking=False,
            ))  # fmt: skip
            continue
        links.append((association.identifier, LinkPayload(
            source=source[1].code, target=target[1].code,
            relation=association.relation,  # a CASE note's controls left out, as its length
            rationale=printable(association.rationale)[:10_000],
            example=printable(association.example)[:10_000],
        )))  # fmt: skip
    if outside:
        problems.append(Problem(
            f"{outside} association{'s' if outside > 1 else ''} name items that are not in "
            f"{mapping.source_framework.name} and {mapping.target_framework.name}: "
            "left out. Import those frameworks first.", blocking=False,
        ))  # fmt: skip
    return links, problems


def _summary(plans: list) -> list[dict]:
    summaries = []
    for plan in plans:
        summary = plan.summary
        summary.notes += getattr(plan, "extra_notes", [])
        summaries.append(summary.as_dict())
    return summaries


def _digest(summary: list[dict]) -> str:
    return hashlib.sha256(json.dumps(summary, sort_keys=True, default=str).encode()).hexdigest()


def run_dry_run(batch: ImportBatch) -> None:
    try:
        summary = _summary(plans_for(batch, _reporter(batch, "Checking")))
    except UnreadableFile as error:
        batch.state, batch.error = ImportBatch.State.FAILED, str(error)
    except Exception:
        logger.exception("The dry run of import %s failed.", batch.pk)
        batch.state = ImportBatch.State.FAILED
        batch.error = "Something went wrong while checking the file."
    else:
        batch.state, batch.summary, batch.digest = (
            ImportBatch.State.PLANNED,
            summary,
            _digest(summary),
        )
    batch.save(update_fields=["state", "summary", "digest", "error"])


def run_apply(batch: ImportBatch, *, by) -> None:
    """Apply exactly the dry run the editor saw; if the register changed since, show the
    new dry run instead. All or nothing."""
    report = _reporter(batch, "Applying")
    try:
        plans = plans_for(batch, report)
        summary = _summary(plans)
        if _digest(summary) != batch.digest or any(part["blocked"] for part in summary):
            batch.state, batch.summary, batch.digest = ImportBatch.State.PLANNED, summary, \
                _digest(summary)  # fmt: skip
            batch.error = (
                "The register changed after the dry run, so nothing was applied: here is the "
                "dry run again, as things stand now."
            )
        else:
            with transaction.atomic():
                for plan in plans:
                    made = plan.apply(by=by, progress=report)
                if batch.kind == ImportBatch.Kind.FRAMEWORK and batch.framework is None:
                    batch.framework = made  # the page then leads to it
                refresh_statistics(LIVE_TABLES)
            batch.state, batch.applied_at, batch.error = ImportBatch.State.APPLIED, \
                timezone.now(), ""  # fmt: skip
    except Exception:
        logger.exception("Applying import %s failed.", batch.pk)
        batch.state = ImportBatch.State.PLANNED
        batch.error = "Applying failed, so nothing was changed. Try again, or check the file."
    batch.save(update_fields=["state", "summary", "digest", "error", "applied_at", "framework"])
    cache.delete(progress_key(batch.pk))
