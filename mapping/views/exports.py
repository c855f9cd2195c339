"""The register's exports, for anyone who may read it, live or from any edition: the link
table (with its filters) and each framework as CSV and Excel, each framework as a CASE
package, the whole register as JSON, the links as SSSOM and the map as a Kumu blueprint.
Each is named by register, edition and date."""

from __future__ import annotations

import json

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from mapping.access.policy import may
from mapping.exchange.case.writer import case_package
from mapping.exchange.kumu import kumu_blueprint
from mapping.exchange.register_json.writer import edition_document, live_document
from mapping.exchange.schemas import LinkPayload
from mapping.exchange.sssom import sssom_tsv
from mapping.exchange.tabular import (
    FRAMEWORK_COLUMNS,
    FRAMEWORK_FIELDS,
    LINK_FIELDS,
    csv_bytes,
    xlsx_bytes,
)
from mapping.forms.filters import LinkFilterForm
from mapping.models import Mapping, Role, Side
from mapping.register import Register
from mapping.suggesting.listing import lexical
from mapping.views.lookups import HtmxHttpRequest, get_register, register_page
from standards.models import SourceCheck
from standards.schemas import FrameworkPayload

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LINK_EXPORT_COLUMNS = (
    "reference", "source code", "source", "relation", "target code", "target",
    "rationale", "example", "status", "last changed",
)  # fmt: skip


def _download(register: Register, content, what: str, extension: str, media_type: str):
    response = HttpResponse(content, content_type=media_type)
    name = register.file_name(what, extension, dated=timezone.localdate())
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
    return response


def _table(register: Register, header, rows, what: str, extension: str) -> HttpResponse:
    if extension == "csv":
        return _download(register, csv_bytes(header, rows), what, "csv", "text/csv; charset=utf-8")
    content = xlsx_bytes(header, rows, title=f"{register.name} {what}")
    return _download(register, content, what, "xlsx", XLSX)


def _link_row(link) -> list:
    """A link as the table's row: the import's columns (from its payload), then columns
    for reading, which an import passes over."""
    payload = LinkPayload.of(link)
    cells = {column: getattr(payload, field) for column, field in LINK_FIELDS.items()}
    cells["relation"] = payload.relation.label
    changed = timezone.localtime(link.updated_at).strftime("%Y-%m-%d %H:%M")
    cells |= {"reference": link.reference, "source": link.source.title,
              "target": link.target.title, "status": link.get_status_display(),
              "last changed": changed}  # fmt: skip
    return [cells[column] for column in LINK_EXPORT_COLUMNS]


@require_safe
@register_page(frozen_when_edition=True)
def links_export(request: HtmxHttpRequest, register: Register, extension: str) -> HttpResponse:
    """The link table as it is filtered and sorted, every page of it."""
    form = LinkFilterForm(request.GET, register=register)
    if not form.is_valid():
        errors = "; ".join(f"{name}: {' '.join(e)}" for name, e in form.errors.items())
        return HttpResponse(f"Some filters are not valid: {errors}", status=400,
                            content_type="text/plain; charset=utf-8")  # fmt: skip

    rows = (_link_row(link) for link in register.fetch(register.links(form.chosen())))
    return _table(register, LINK_EXPORT_COLUMNS, rows, "links", extension)


@require_safe
@register_page(frozen_when_edition=True)
def framework_export(
    request: HtmxHttpRequest, register: Register, framework: str, extension: str
) -> HttpResponse:
    """One of the register's two frameworks (named by its slug): as a table (the import's
    columns) or a CASE package with the register's links as associations."""
    side = register.side_of(framework)
    if side is None:
        raise Http404(f"{register.name} does not map a framework “{framework}”.")
    what = register.words.many(side).replace(" ", "-")
    if extension == "case.json":
        package = case_package(
            register, side, absolute=register.urls.lasting(request.build_absolute_uri)
        )
        content = json.dumps(package, ensure_ascii=False, indent=2)
        return _download(register, content, f"{what}-case", "json", "application/json")
    payload = FrameworkPayload.of(register.framework(side), register.elements(side))
    rows = (
        [getattr(element, field) for field in FRAMEWORK_FIELDS.values()]
        + [SourceCheck(element.source_check).label]
        for element in payload.elements
    )
    return _table(register, (*FRAMEWORK_COLUMNS, "wording"), rows, what, extension)


@require_safe
@register_page(frozen_when_edition=True)
def register_export(request: HtmxHttpRequest, register: Register) -> HttpResponse:
    """The whole register as JSON: live, every row of it (for its editors, a complete
    backup of this register; anyone else is not given the suggestions dismissed, with why,
    as on the suggestions page); from an edition, the register as it was published."""
    if register.edition is None:
        editor = may(request.user, Role.EDITOR, register.mapping)
        document = live_document(Mapping.objects.filter(pk=register.mapping.pk), dismissed=editor)
    else:
        document = edition_document(register.edition)
    return _download(register, document.model_dump_json(indent=2), "register", "json",
                     "application/json")  # fmt: skip


EXTRAS = ("inferred", "lexical")


@require_safe
@register_page(frozen_when_edition=True)
def sssom_export(request: HtmxHttpRequest, register: Register) -> HttpResponse:
    """The links as SSSOM; with ?include=inferred (and/or lexical), the links inferred
    through a crosswalk (anyone may read those: the pages show them) and the lexical
    suggestions (the register's editors only, live only) too, each marked as such."""
    asked = {part.strip() for part in request.GET.get("include", "").split(",") if part.strip()}
    if unknown := sorted(asked - set(EXTRAS)):
        return _refused(400, f"include: “{unknown[0]}” is not something to include; give "
                        "inferred, lexical or both, separated by a comma.")  # fmt: skip
    if "lexical" in asked and register.edition is not None:
        return _refused(400, "include: an edition keeps no lexical suggestions; ask the live "
                        "register for them.")  # fmt: skip
    if "lexical" in asked and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())  # as for every page of editors
    if "lexical" in asked and not may(request.user, Role.EDITOR, register.mapping):
        return _refused(403, "include: only the register's editors see its lexical "
                        "suggestions.")  # fmt: skip
    inferred = register.with_paths(list(register.inferred)) if "inferred" in asked else []
    content = sssom_tsv(register, absolute=register.urls.lasting(request.build_absolute_uri),
                        today=timezone.localdate(), inferred=inferred,
                        lexical=lexical(register) if "lexical" in asked else [])  # fmt: skip
    return _download(register, content, "sssom", "tsv", "text/tab-separated-values; charset=utf-8")


def _refused(status: int, said: str) -> HttpResponse:
    return HttpResponse(said, status=status, content_type="text/plain; charset=utf-8")


@require_safe
@register_page(frozen_when_edition=True)
def kumu_export(request: HtmxHttpRequest, register: Register) -> HttpResponse:
    blueprint = kumu_blueprint(register, absolute=register.urls.lasting(request.build_absolute_uri))
    return _download(register, json.dumps(blueprint, ensure_ascii=False, indent=2), "kumu",
                     "json", "application/json")  # fmt: skip


@require_safe
def framework_moved(
    request: HtmxHttpRequest, side: str, extension: str, slug: str | None = None,
    number: int | None = None,
) -> HttpResponse:  # fmt: skip
    """A framework download's old address (behaviours.csv, standards.xlsx): its address now."""
    register = get_register(request, slug, number)
    end = Side.SOURCE if side == "behaviours" else Side.TARGET
    return HttpResponsePermanentRedirect(register.urls.framework_download(end, extension))
