from __future__ import annotations

import csv

from django.conf import settings
from django.core.paginator import EmptyPage, Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET
from django_htmx.middleware import HtmxDetails

from mapping.coverage import (
    RELATION_SYMBOLS,
    build_matrix,
    compute_coverage,
    map_nodes_and_edges,
)
from mapping.forms import LinkFilterForm, MatrixForm
from mapping.models import Link, LinkSort, Mapping, Relation
from mapping.pdf import register_pdf
from mapping.schemas import MapData
from standards.models import Element, Framework, subtree_ids

# Vendored under static/vendor with its licence; no CDN.
CYTOSCAPE = "vendor/cytoscape-3.34.4/cytoscape.min.js"


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def _get_default_mapping() -> Mapping:
    mapping = Mapping.objects.default()
    if mapping is None:
        raise Http404("No mapping has been set up yet.")
    return mapping


def _get_element(framework: Framework, code: str) -> Element:
    return get_object_or_404(
        Element.objects.select_related("framework", "parent__framework"),
        framework=framework,
        code=code,
    )


def _wants_fragment(request: HtmxHttpRequest) -> bool:
    # A history restore (Back after the cache is empty) needs the whole page.
    return bool(request.htmx) and not request.htmx.history_restore_request


@require_GET
def guide(request: HtmxHttpRequest) -> HttpResponse:
    """The QuickStart guide, the site's home: the register at a glance."""
    mapping = Mapping.objects.default()
    context = {
        "mapping": mapping,
        "coverage": compute_coverage(mapping) if mapping else None,
        "relations": list(Relation),
    }
    return render(request, "mapping/guide.html", context)


@require_GET
def matrix(request: HtmxHttpRequest) -> HttpResponse:
    """Behaviours down, standards across; open a row or column, choose a cell to read it."""
    mapping = _get_default_mapping()
    coverage = compute_coverage(mapping)
    form = MatrixForm(
        request.GET,
        behaviour_codes={entry.element.code for entry in coverage.behaviours},
        standard_codes={entry.element.code for entry in coverage.standards},
    )
    context = {
        "mapping": mapping,
        "form": form,
        "matrix": None,
        "chosen": None,
        "symbols": [(RELATION_SYMBOLS[r.value], r.label) for r in Relation],
    }
    if form.is_valid():
        expanded = form.cleaned_data["expand"]
        grid = build_matrix(coverage, expanded)
        for axis in [*grid.rows, *grid.columns]:
            # the expand= value that opens or closes this row or column
            axis.toggle = ",".join(sorted(expanded ^ {axis.element.code}))
        context["matrix"] = grid
        context["expanded"] = ",".join(sorted(form.cleaned_data["expand"]))
        if form.cleaned_data["cell"]:
            context["chosen"] = grid.cell(*form.cleaned_data["cell"])
            if context["chosen"] is None:
                form.add_error("cell", "That cell is hidden inside a closed row or column.")
    template_name = "mapping/matrix.html"
    if _wants_fragment(request):
        template_name += "#cell_detail" if request.htmx.target == "cell-detail" else "#grid"
    response = render(request, template_name, context, status=400 if form.errors else 200)
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


@require_GET
def map_page(request: HtmxHttpRequest) -> HttpResponse:
    """The interactive map, with a list of every element as its accessible alternative."""
    mapping = _get_default_mapping()
    coverage = compute_coverage(mapping)
    context = {
        "mapping": mapping,
        "coverage": coverage,
        "relations": list(Relation),
        "cytoscape": CYTOSCAPE,
    }
    return render(request, "mapping/map.html", context)


@require_GET
def map_json(request: HtmxHttpRequest) -> JsonResponse:
    mapping = _get_default_mapping()
    nodes, edges = map_nodes_and_edges(compute_coverage(mapping))
    for node in nodes:
        node["url"] = request.build_absolute_uri(node.pop("element").get_absolute_url())
    data = MapData(
        title=mapping.name,
        relations={relation.value: relation.label for relation in Relation},
        nodes=nodes,
        edges=edges,
    )
    return JsonResponse(data.model_dump())


@require_GET
def coverage_report(request: HtmxHttpRequest) -> HttpResponse:
    """The gap report: how complete the mapping is, and what is missing."""
    mapping = _get_default_mapping()
    context = {"mapping": mapping, "coverage": compute_coverage(mapping)}
    return render(request, "mapping/coverage.html", context)


@require_GET
def coverage_csv(request: HtmxHttpRequest) -> HttpResponse:
    mapping = _get_default_mapping()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"{mapping.slug}-coverage-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=filename
    )
    csv.writer(response).writerows(compute_coverage(mapping).csv_rows())
    return response


@require_GET
def guide_pdf(request: HtmxHttpRequest) -> HttpResponse:
    """The printable register, as an A4 PDF download named by the date of its content."""
    mapping = _get_default_mapping()
    pdf = register_pdf(mapping, permalink=request.build_absolute_uri(reverse("home")))
    response = HttpResponse(pdf.content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=pdf.filename
    )
    response["ETag"] = f'"{pdf.digest}"'
    return response


@require_GET
def link_table(request: HtmxHttpRequest) -> HttpResponse:
    mapping = _get_default_mapping()
    form = LinkFilterForm(
        request.GET,
        behaviours=mapping.behaviours_framework.elements.in_tree_order(),
        standards=mapping.standards_framework.elements.in_tree_order(),
    )
    context = {"mapping": mapping, "form": form, "page": None}
    status = 200
    if form.is_valid():
        paginator = Paginator(form.apply(mapping.links.all()), settings.WEAVE_LINKS_PER_PAGE)
        try:
            page = paginator.page(form.cleaned_data["page"])
        except EmptyPage:
            form.add_error(
                "page",
                f"There is no page {form.cleaned_data['page']}: these results have "
                f"{paginator.num_pages} page{pluralize(paginator.num_pages)}.",
            )
        else:
            # Sort and slice narrow rows, then fetch only this page's links in full: the
            # database never sorts every link with its text (a deferred join).
            page_ids = list(page.object_list.values_list("pk", flat=True))
            page.object_list = Link.objects.with_elements().in_id_order(page_ids)
            context |= {
                "page": page,
                "page_numbers": paginator.get_elided_page_range(page.number),
            }
    if form.errors:
        status = 400
    template_name = "mapping/link_table.html"
    if _wants_fragment(request):
        template_name += "#results"
    response = render(request, template_name, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _element_page(request: HtmxHttpRequest, code: str, *, behaviours: bool) -> HttpResponse:
    mapping = _get_default_mapping()
    framework = mapping.behaviours_framework if behaviours else mapping.standards_framework
    element = _get_element(framework, code)
    parents = framework.elements.parent_map()
    subtree = subtree_ids(parents.items(), element.pk)
    links = mapping.links.with_elements()
    if behaviours:
        links = links.touching_behaviours(subtree).sorted_by(LinkSort.STANDARD)
    else:
        links = links.touching_standards(subtree).sorted_by(LinkSort.BEHAVIOUR)
    own_id = "behaviour_id" if behaviours else "standard_id"
    links = list(links)
    children = list(element.children.select_related("framework").order_by("position", "code"))
    through_children = []
    for child in children:
        branch = subtree_ids(parents.items(), child.pk)
        through_children.append(
            (child, [link for link in links if getattr(link, own_id) in branch])
        )
    context = {
        "mapping": mapping,
        "element": element,
        "ancestors": list(reversed(element.ancestors())),
        "children": children,
        "direct_links": [link for link in links if getattr(link, own_id) == element.pk],
        "through_children": through_children,
        "is_behaviour": behaviours,
        "other_framework": mapping.standards_framework
        if behaviours
        else mapping.behaviours_framework,
    }
    return render(request, "mapping/element_detail.html", context)


@require_GET
def behaviour_detail(request: HtmxHttpRequest, code: str) -> HttpResponse:
    return _element_page(request, code, behaviours=True)


@require_GET
def standard_detail(request: HtmxHttpRequest, code: str) -> HttpResponse:
    return _element_page(request, code, behaviours=False)
