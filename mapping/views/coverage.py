"""How far one framework covers the other, for any register: the matrix, the map and its
data, and the gap report with its CSV."""

from __future__ import annotations

from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from mapping.coverage.graph import map_data
from mapping.coverage.matrix import RELATION_SYMBOLS, build_matrix
from mapping.exchange.tabular import csv_bytes
from mapping.forms.filters import CoverageForm, MatrixForm
from mapping.models import Relation, Side
from mapping.register import Register
from mapping.views.lookups import HtmxHttpRequest, register_page, wants_fragment

# A chosen cell lists this many of its links at most; the link table has them all.
CELL_AT_MOST = 25
# Vendored under static/vendor with its licence; no CDN.
CYTOSCAPE = "vendor/cytoscape-3.34.4/cytoscape.min.js"


@require_safe
@register_page
def matrix(request: HtmxHttpRequest, register: Register) -> HttpResponse:
    """Sources down (behaviours, say), targets across (standards); open a row or column,
    choose a cell to read it."""
    form = MatrixForm(
        request.GET,
        source_codes={element.code for element in register.elements(Side.SOURCE)},
        target_codes={element.code for element in register.elements(Side.TARGET)},
        words=register.words,
    )
    context = {
        "register": register,
        "form": form,
        "matrix": None,
        "chosen": None,
        "symbols": [(RELATION_SYMBOLS[r.value], r.label) for r in Relation],
    }
    if form.is_valid():
        expanded, cell = form.cleaned_data["expand"], form.cleaned_data["cell"]
        grid = build_matrix(register.coverage, expanded)
        # What closing would hide the chosen cell: the rows and columns it sits under.
        under = (
            _ancestors(register, Side.SOURCE, cell[0]) | _ancestors(register, Side.TARGET, cell[1])
            if cell
            else set()
        )
        for axis in [*grid.rows, *grid.columns]:
            # The query that opens or closes this row or column, keeping the chosen cell.
            code = axis.element.code
            axis.toggle = "expand=" + ",".join(sorted(expanded ^ {code}))
            if cell and not (code in expanded and code in under):
                axis.toggle += f"&cell={cell[0]}:{cell[1]}"
        context["matrix"] = grid
        context["expanded"] = ",".join(sorted(expanded))
        if form.cleaned_data["cell"]:
            context["chosen"] = chosen = grid.cell(*form.cleaned_data["cell"])
            if chosen is None and not under <= expanded:
                # A cell asked for by its address alone: open the rows and columns it is in.
                opened = ",".join(sorted(expanded | under))
                return redirect(f"{request.path}?expand={opened}&cell={cell[0]}:{cell[1]}")
            if chosen is None:
                form.add_error("cell", "That cell is hidden inside a closed row or column.")
            else:  # whole links, in one query: each is cited (its COinS span, its date)
                listed = [link.pk for link in chosen.links[:CELL_AT_MOST]]  # the rows' own
                context["cell_links"] = register.rows_by_id(listed)
                context["cell_total"] = len(chosen.links)
    template_name = "mapping/matrix.html"
    if wants_fragment(request):
        template_name += "#cell_detail" if request.htmx.target == "cell-detail" else "#grid"
    response = render(request, template_name, context, status=400 if form.errors else 200)
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


def _ancestors(register: Register, side: Side, code: str) -> set[str]:
    """The codes of the elements a code sits under, on one side of the register."""
    elements = register.elements(side)
    by_id = {element.pk: element for element in elements}
    found = next((element for element in elements if element.code == code), None)
    codes = set()
    while found is not None and found.parent_id in by_id:
        found = by_id[found.parent_id]
        codes.add(found.code)
    return codes


@require_safe
@register_page
def map_page(request: HtmxHttpRequest, register: Register) -> HttpResponse:
    """The interactive map, with a list of every element as its accessible alternative."""
    context = {
        "register": register,
        "coverage": register.coverage,
        "relations": list(Relation),
        "cytoscape": CYTOSCAPE,
    }
    return render(request, "mapping/map.html", context)


@require_safe
@register_page(frozen_when_edition=True)
def map_json(request: HtmxHttpRequest, register: Register) -> JsonResponse:
    """The map's data: the same elements and links the link table shows."""
    data = map_data(register.coverage, title=register.name, absolute=request.build_absolute_uri)
    return JsonResponse(data)


@require_safe
@register_page
def coverage_report(request: HtmxHttpRequest, register: Register) -> HttpResponse:
    """The gap report: how complete the mapping is, and what is missing; ?count=approved
    counts approved links alone."""
    form = CoverageForm(request.GET)
    approved_only = form.approved_only and register.is_live
    coverage = register.approved_coverage if approved_only else register.coverage
    context = {"register": register, "coverage": coverage, "form": form,
               "approved_only": approved_only, "every": register.coverage}  # fmt: skip
    return render(request, "mapping/coverage.html", context, status=400 if form.errors else 200)


@require_safe
@register_page(frozen_when_edition=True)
def coverage_csv(request: HtmxHttpRequest, register: Register) -> HttpResponse:
    """The gap report as CSV: one row for every element of both frameworks (?count=approved:
    counting approved links alone)."""
    form = CoverageForm(request.GET)
    if form.errors:
        return HttpResponse(" ".join(form.errors["count"]), status=400,
                            content_type="text/plain; charset=utf-8")  # fmt: skip
    approved_only = form.approved_only and register.is_live
    coverage = register.approved_coverage if approved_only else register.coverage
    header, *rows = coverage.csv_rows()
    response = HttpResponse(csv_bytes(header, rows), content_type="text/csv; charset=utf-8")
    what = "coverage-approved" if approved_only else "coverage"
    filename = register.file_name(what, "csv", dated=timezone.localdate())
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=filename
    )
    return response
