from __future__ import annotations

import csv

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage, Paginator
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect, trigger_client_event
from django_htmx.middleware import HtmxDetails

from mapping.coverage import (
    RELATION_SYMBOLS,
    build_matrix,
    compute_coverage,
    map_nodes_and_edges,
)
from mapping.editions import EditionRegister, EditionSnapshot, LiveRegister, diff_snapshots
from mapping.forms import (
    ChangeFilterForm,
    CompareForm,
    EditionForm,
    ElementCreateForm,
    ElementEditForm,
    FrameworkEditForm,
    FrameworkForm,
    LinkEditForm,
    LinkFilterForm,
    LinkForm,
    MatrixForm,
    RetireForm,
)
from mapping.models import (
    Change,
    EditConflict,
    Edition,
    Link,
    LinkSort,
    LinkStatus,
    Mapping,
    Relation,
)
from mapping.pdf import register_pdf
from mapping.roles import Role, role_required
from mapping.schemas import MapData
from standards.models import Element, Framework, subtree_ids

Register = LiveRegister | EditionRegister

# Vendored under static/vendor with its licence; no CDN.
CYTOSCAPE = "vendor/cytoscape-3.34.4/cytoscape.min.js"
# The most recent changes an element page lists; /changes/ has the rest.
HISTORY_ON_PAGE = 20


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def _get_default_mapping() -> Mapping:
    mapping = Mapping.objects.default()
    if mapping is None:
        raise Http404("No mapping has been set up yet.")
    return mapping


def _live() -> LiveRegister:
    return LiveRegister(_get_default_mapping())


def _get_edition(number: int) -> Edition:
    return get_object_or_404(
        Edition.objects.select_related("published_by"), mapping__is_default=True, number=number
    )


def _get_link(pk: int) -> Link:
    """A link of the default mapping, retired or not."""
    return get_object_or_404(Link.objects.with_elements(), mapping__is_default=True, pk=pk)


def _register_context(register: Register) -> dict:
    return {
        "register": register,
        "mapping": register.mapping,
        "edition": register.edition,
        "urls": register.urls,
    }


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
    if mapping is None:
        return render(request, "mapping/guide.html", {"mapping": None})
    return _guide(request, LiveRegister(mapping))


@require_GET
def edition_guide(request: HtmxHttpRequest, number: int) -> HttpResponse:
    return _guide(request, _get_edition(number).register())


def _guide(request: HtmxHttpRequest, register: Register) -> HttpResponse:
    context = _register_context(register) | {
        "coverage": register.coverage(),
        "relations": list(Relation),
    }
    return render(request, "mapping/guide.html", context)


@require_GET
def matrix(request: HtmxHttpRequest) -> HttpResponse:
    """Behaviours down, standards across; open a row or column, choose a cell to read it."""
    return _matrix(request, _live())


@require_GET
def edition_matrix(request: HtmxHttpRequest, number: int) -> HttpResponse:
    return _matrix(request, _get_edition(number).register())


def _matrix(request: HtmxHttpRequest, register: Register) -> HttpResponse:
    coverage = register.coverage()
    form = MatrixForm(
        request.GET,
        behaviour_codes={entry.element.code for entry in coverage.behaviours},
        standard_codes={entry.element.code for entry in coverage.standards},
    )
    context = _register_context(register) | {
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
    register = _live()
    coverage = register.coverage()
    context = _register_context(register) | {
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
    register = _live()
    context = _register_context(register) | {"coverage": register.coverage()}
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
    return _pdf(request, _live())


@require_GET
def edition_pdf(request: HtmxHttpRequest, number: int) -> HttpResponse:
    return _pdf(request, _get_edition(number).register())


def _pdf(request: HtmxHttpRequest, register: Register) -> HttpResponse:
    pdf = register_pdf(register, permalink=request.build_absolute_uri(register.urls.home))
    response = HttpResponse(pdf.content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=pdf.filename
    )
    response["ETag"] = f'"{pdf.digest}"'
    return response


@require_GET
def link_table(request: HtmxHttpRequest) -> HttpResponse:
    return _link_table(request, _live())


@require_GET
def edition_link_table(request: HtmxHttpRequest, number: int) -> HttpResponse:
    return _link_table(request, _get_edition(number).register())


def _link_table(request: HtmxHttpRequest, register: Register) -> HttpResponse:
    mapping = register.mapping
    if register.edition is None:
        behaviours = mapping.behaviours_framework.elements.current().in_tree_order()
        standards = mapping.standards_framework.elements.current().in_tree_order()
    else:
        behaviours, standards = register.behaviours, register.standards
    form = LinkFilterForm(request.GET, behaviours=behaviours, standards=standards)
    context = _register_context(register) | {"form": form, "page": None}
    status = 200
    if form.is_valid():
        if register.edition is None:
            links = form.apply(mapping.links.current())
        else:
            links = form.apply_to_list(register.links)
        paginator = Paginator(links, settings.WEAVE_LINKS_PER_PAGE)
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
            if register.edition is None:
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


def _element_page(
    request: HtmxHttpRequest, register: Register, code: str, *, behaviours: bool
) -> HttpResponse:
    mapping = register.mapping
    framework = mapping.behaviours_framework if behaviours else mapping.standards_framework
    own_id = "behaviour_id" if behaviours else "standard_id"
    if register.edition is None:
        element = _get_element(framework, code)
        parents = framework.elements.current().parent_map()
        subtree = subtree_ids(parents.items(), element.pk)
        links = mapping.links.current().with_elements()
        if behaviours:
            links = links.touching_behaviours(subtree).sorted_by(LinkSort.STANDARD)
        else:
            links = links.touching_standards(subtree).sorted_by(LinkSort.BEHAVIOUR)
        links = list(links)
        children = list(element.children.select_related("framework").order_by("position", "code"))
        history = list(Change.objects.for_object(element).with_people()[:HISTORY_ON_PAGE])
    else:
        side = register.behaviours if behaviours else register.standards
        element = next((e for e in side if e.code == code), None)
        if element is None:
            raise Http404(f"There is no {code} in edition {register.edition.number}.")
        parents = {e.pk: e.parent_id for e in side}
        subtree = subtree_ids(parents.items(), element.pk)
        partner = "standard" if behaviours else "behaviour"
        links = sorted(
            (link for link in register.links if getattr(link, own_id) in subtree),
            key=lambda link: (getattr(link, partner).tree_index, link.pk),
        )
        children = [e for e in side if e.parent_id == element.pk]
        history = []
    through_children = []
    for child in children:
        branch = subtree_ids(parents.items(), child.pk)
        through_children.append(
            (child, [link for link in links if getattr(link, own_id) in branch])
        )
    context = _register_context(register) | {
        "element": element,
        "ancestors": list(reversed(element.ancestors())),
        "children": children,
        "direct_links": [link for link in links if getattr(link, own_id) == element.pk],
        "through_children": through_children,
        "is_behaviour": behaviours,
        "row_style": "behaviour" if behaviours else "standard",
        "other_framework": mapping.standards_framework
        if behaviours
        else mapping.behaviours_framework,
        "history": history,
    }
    return render(request, "mapping/element_detail.html", context)


@require_GET
def behaviour_detail(request: HtmxHttpRequest, code: str) -> HttpResponse:
    return _element_page(request, _live(), code, behaviours=True)


@require_GET
def standard_detail(request: HtmxHttpRequest, code: str) -> HttpResponse:
    return _element_page(request, _live(), code, behaviours=False)


@require_GET
def edition_behaviour_detail(request: HtmxHttpRequest, number: int, code: str) -> HttpResponse:
    return _element_page(request, _get_edition(number).register(), code, behaviours=True)


@require_GET
def edition_standard_detail(request: HtmxHttpRequest, number: int, code: str) -> HttpResponse:
    return _element_page(request, _get_edition(number).register(), code, behaviours=False)


# One link: its page, and editing it in place ----------------------------------------------

ROW_STYLES = {"table", "behaviour", "standard"}


def _row_style(request: HttpRequest) -> str:
    style = request.GET.get("style") or request.POST.get("style") or "table"
    return style if style in ROW_STYLES else "table"


def _flash(request: HtmxHttpRequest, text: str) -> None:
    """A message for the next full page. An htmx swap says it in place instead, and a
    message left unread would turn up on some later page."""
    if not _wants_fragment(request):
        messages.success(request, text)


def _element_id(request: HttpRequest) -> int | None:
    """Which element page a link row is shown on (it notes links made through children)."""
    value = request.GET.get("element") or request.POST.get("element") or ""
    return int(value) if value.isdigit() else None


def _back_to(request: HttpRequest, fallback: str) -> str:
    """Where a plain form post returns to: ?next= if it is on this site, else fallback."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


def _link_page(
    request: HtmxHttpRequest,
    link: Link,
    *,
    partial: str | None = None,
    status: int = 200,
    **extra,
) -> HttpResponse:
    """The link's page, or one of its partials (a table row, or the row as a form) for htmx."""
    context = {
        "mapping": _get_default_mapping(),
        "link": link,
        "style": _row_style(request),
        "element_id": _element_id(request),
        "history": Change.objects.for_object(link).with_people(),
        "relations": list(Relation),
        "next": _back_to(request, link.get_absolute_url()),
    } | extra
    template_name = "mapping/link_detail.html"
    if partial and _wants_fragment(request):
        template_name += f"#{partial}"
    return render(request, template_name, context, status=status)


@require_GET
def link_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """A link's permanent page: what it says, its status and its whole history."""
    link = _get_link(pk)
    # As a fragment it is the row coming back after Cancel: the keyboard focus returns to it.
    return _link_page(request, link, partial="row", focus_row=_wants_fragment(request))


def _save_edit(request: HttpRequest, form_class, instance, save, **form_options):
    """Bind an edit form to the post and, if it is valid, save it through save(changes,
    revision). Returns (form, conflict, saved). When someone else saved first, conflict is
    their version and the form keeps what this editor typed, at the new revision, so that
    saving again is a choice made knowing what the other person wrote."""
    model = type(instance)
    form = form_class(request.POST, instance=model.objects.get(pk=instance.pk), **form_options)
    if not form.is_valid():
        return form, None, False
    try:
        save(
            {name: form.cleaned_data[name] for name in form_class.Meta.fields},
            form.cleaned_data["revision"],
        )
    except EditConflict as error:
        data = request.POST.copy()
        data["revision"] = error.current.revision
        form = form_class(data, instance=error.current, **form_options)
        form.is_valid()
        return form, error.current, False
    except ValidationError as error:
        form.add_error(None, error)
        return form, None, False
    return form, None, True


@role_required(Role.EDITOR)
@require_http_methods(["GET", "POST"])
def link_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Edit a link's relation and wording. htmx swaps the row for this form and back."""
    link = _get_link(pk)
    if link.is_retired:
        return _link_page(
            request, link, partial="row", status=409,
            error="A retired link cannot be edited; restore it first.",
        )  # fmt: skip
    conflict = None
    # Ids unique to this row: the link table's filters have a "relation" field too.
    ids = f"link-{pk}-%s"
    if request.method == "POST":

        def save(changes: dict, revision: int) -> None:
            link.edit(by=request.user, revision=revision, **changes)

        form, conflict, saved = _save_edit(request, LinkEditForm, link, save, auto_id=ids)
        if saved:
            _flash(request, f"Saved {link.history_label}.")
            if _wants_fragment(request):
                return _link_page(request, _get_link(pk), partial="row", saved=True, focus_row=True)
            return redirect(_back_to(request, link.get_absolute_url()))
        if conflict is not None:
            conflict = Link.objects.with_elements().select_related("updated_by").get(pk=pk)
    else:
        form = LinkEditForm(instance=link, initial={"revision": link.revision}, auto_id=ids)
    status = 409 if conflict else 400 if form.errors else 200
    return _link_page(
        request, link, partial="row_form", status=status, form=form, conflict=conflict
    )


@role_required(Role.EDITOR)
@require_http_methods(["GET", "POST"])
def link_retire(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Retire a link, with the reason: it leaves the live register and stays in history."""
    link = _get_link(pk)
    if request.method == "POST":
        form = RetireForm(request.POST, auto_id=f"retire-{pk}-%s")
        if form.is_valid():
            try:
                link.retire(
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                    revision=form.cleaned_data["revision"],
                )
            except EditConflict as error:
                form.add_error(
                    None,
                    f"{error.current.updated_by or 'Someone'} changed this link since you "
                    "opened it. Check it again before retiring it.",
                )
                form.data = form.data.copy() | {"revision": error.current.revision}
            except ValidationError as error:
                form.add_error(None, error)
            else:
                _flash(request, f"Retired {link.history_label}.")
                if _wants_fragment(request):
                    return _link_page(request, link, partial="row", just_retired=True)
                return redirect(_back_to(request, link.get_absolute_url()))
    else:
        form = RetireForm(initial={"revision": link.revision}, auto_id=f"retire-{pk}-%s")
    status = 400 if form.errors else 200
    return _link_page(request, link, partial="retire_form", status=status, retire_form=form)


def _link_status_action(request: HtmxHttpRequest, pk: int, action: str) -> HttpResponse:
    link = _get_link(pk)
    try:
        getattr(link, action)(by=request.user)
    except ValidationError as error:
        return _link_page(request, link, partial="row", status=409, error=" ".join(error.messages))
    _flash(request, f"{link.history_label} is now {link.get_status_display().lower()}.")
    if _wants_fragment(request):
        return _link_page(request, _get_link(pk), partial="row", saved=True, focus_row=True)
    return redirect(_back_to(request, link.get_absolute_url()))


@role_required(Role.EDITOR)
@require_POST
def link_propose(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return _link_status_action(request, pk, "propose")


@role_required(Role.EDITOR)
@require_POST
def link_restore(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return _link_status_action(request, pk, "restore")


@role_required(Role.PUBLISHER)
@require_POST
def link_approve(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return _link_status_action(request, pk, "approve")


@role_required(Role.EDITOR)
@require_http_methods(["GET", "POST"])
def link_create(request: HtmxHttpRequest) -> HttpResponse:
    """Add a link, as a draft. On the link table and element pages it opens in place."""
    mapping = _get_default_mapping()
    behaviours = mapping.behaviours_framework.elements.current().in_tree_order()
    standards = mapping.standards_framework.elements.current().in_tree_order()
    options = {
        "mapping": mapping,
        "behaviours": behaviours,
        "standards": standards,
        "auto_id": "new-link-%s",
    }
    created = None
    if request.method == "POST":
        form = LinkForm(request.POST, **options)
        if form.is_valid():
            created = form.save(commit=False)
            created.created_by = created.updated_by = request.user
            created.status = (
                LinkStatus.PROPOSED if request.POST.get("propose") else LinkStatus.DRAFT
            )
            try:
                with transaction.atomic():
                    created.save()
                    Change.objects.record(
                        created, action=Change.Action.CREATED, before={}, by=request.user
                    )
            except IntegrityError:
                # Someone added the same pair a moment ago.
                form.add_error(None, "That pair was linked a moment ago: reload to see it.")
                created = None
            else:
                _flash(request, f"Added {created.history_label}.")
                if not _wants_fragment(request):
                    return redirect(_back_to(request, created.get_absolute_url()))
                form = LinkForm(initial=_prefill(request.POST), **options)
    else:
        form = LinkForm(initial=_prefill(request.GET), **options)
    context = {
        "mapping": mapping,
        "form": form,
        "created": created,
        "next": _back_to(request, reverse("link_table")),
    }
    template_name = "mapping/link_create.html"
    if _wants_fragment(request):
        template_name += "#add_form"
    response = render(request, template_name, context, status=400 if form.errors else 200)
    if created is not None:
        trigger_client_event(response, "linksChanged")
    return response


def _prefill(data) -> dict:
    """A new link's behaviour and standard from ?behaviour= / ?standard= codes."""
    return {name: data.get(name, "") for name in ("behaviour", "standard") if data.get(name)}


# Elements and frameworks -------------------------------------------------------------------


def _get_framework(slug: str) -> Framework:
    return get_object_or_404(Framework, slug=slug)


@role_required(Role.EDITOR)
@require_http_methods(["GET", "POST"])
def element_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    element = get_object_or_404(Element.objects.select_related("framework", "parent"), pk=pk)
    conflict = None
    if request.method == "POST":

        def save(changes: dict, revision: int) -> None:
            Change.objects.apply(element, changes, by=request.user, revision=revision)

        form, conflict, saved = _save_edit(request, ElementEditForm, element, save)
        if saved:
            _flash(request, f"Saved {element.code}.")
            if _in_default_mapping(element.framework):
                return redirect(element.get_absolute_url())
            return redirect(element.framework.get_absolute_url())
    else:
        form = ElementEditForm(instance=element, initial={"revision": element.revision})
    context = {
        "mapping": Mapping.objects.default(),
        "element": element,
        "form": form,
        "conflict": conflict,
    }
    status = 409 if conflict else 400 if form.errors else 200
    return render(request, "mapping/element_form.html", context, status=status)


def _retire_page(
    request: HtmxHttpRequest, subject, retire, *, name: str, template: str, context: dict
) -> HttpResponse:
    """The page that retires an element or a framework through retire(subject, by=, reason=,
    revision=), with the reason, refusing a stale form; back to its page when done."""
    form = RetireForm(request.POST or None, initial={"revision": subject.revision})
    if request.method == "POST" and form.is_valid():
        try:
            retire(
                subject,
                by=request.user,
                reason=form.cleaned_data["reason"],
                revision=form.cleaned_data["revision"],
            )
        except EditConflict:
            form.add_error(None, f"Someone changed {name} since you opened this page.")
        except ValidationError as error:
            form.add_error(None, error)
        else:
            _flash(request, f"Retired {name}.")
            return redirect(subject.get_absolute_url())
    context |= {"mapping": Mapping.objects.default(), "retire_form": form, "retire_name": name}
    return render(request, template, context, status=400 if form.errors else 200)


def _restore(request: HtmxHttpRequest, subject, *, name: str) -> HttpResponse:
    if subject.retired:
        Change.objects.apply(subject, {"retired": False, "retired_reason": ""}, by=request.user)
        _flash(request, f"Restored {name}.")
    return redirect(subject.get_absolute_url())


@role_required(Role.EDITOR)
@require_http_methods(["GET", "POST"])
def element_retire(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Retire an element with everything under it and their links, with the reason."""
    element = get_object_or_404(Element.objects.select_related("framework", "parent"), pk=pk)
    return _retire_page(
        request, element, Change.objects.retire_element, name=element.code,
        template="mapping/element_form.html", context={"element": element},
    )  # fmt: skip


@role_required(Role.EDITOR)
@require_POST
def element_restore(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Bring a retired element back (its links stay retired until restored one by one)."""
    element = get_object_or_404(Element.objects.select_related("framework"), pk=pk)
    return _restore(request, element, name=element.code)


@role_required(Role.EDITOR)
@require_http_methods(["GET", "POST"])
def element_create(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    framework = _get_framework(slug)
    if request.method == "POST":
        form = ElementCreateForm(request.POST, framework=framework)
        if form.is_valid():
            try:
                with transaction.atomic():
                    element = form.save()
                    Change.objects.record(
                        element, action=Change.Action.CREATED, before={}, by=request.user
                    )
            except IntegrityError:
                form.add_error("code", "That code was taken a moment ago: choose another.")
                context = {"mapping": Mapping.objects.default(), "framework": framework}
                return render(
                    request, "mapping/element_form.html", context | {"form": form}, status=400
                )
            _flash(request, f"Added {element.code} to {framework.name}.")
            return redirect(
                element.get_absolute_url()
                if _in_default_mapping(framework)
                else framework.get_absolute_url()
            )
    else:
        parent = framework.elements.current().filter(code=request.GET.get("parent", "")).first()
        initial = {"parent": parent}
        if parent is not None:
            initial |= {
                "level_label": parent.children.values_list("level_label", flat=True).first() or "",
                "position": parent.children.count() + 1,
            }
        form = ElementCreateForm(initial=initial, framework=framework)
    context = {"mapping": Mapping.objects.default(), "framework": framework, "form": form}
    return render(request, "mapping/element_form.html", context, status=400 if form.errors else 200)


def _in_default_mapping(framework: Framework) -> bool:
    mapping = Mapping.objects.default()
    return mapping is not None and framework.pk in (
        mapping.behaviours_framework_id,
        mapping.standards_framework_id,
    )


@require_GET
def framework_list(request: HtmxHttpRequest) -> HttpResponse:
    frameworks = Framework.objects.annotate(element_count=Count("elements")).order_by(
        "retired", "kind", "name"
    )
    context = {"mapping": Mapping.objects.default(), "frameworks": frameworks}
    return render(request, "mapping/frameworks.html", context)


@require_GET
def framework_detail(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    framework = _get_framework(slug)
    context = {
        "mapping": Mapping.objects.default(),
        "framework": framework,
        "elements": framework.elements.in_tree_order(),
        "history": Change.objects.for_object(framework).with_people()[:HISTORY_ON_PAGE],
        "in_register": _in_default_mapping(framework),
        "in_use": Mapping.objects.filter(
            Q(behaviours_framework=framework) | Q(standards_framework=framework)
        ).exists(),
    }
    return render(request, "mapping/framework_detail.html", context)


@role_required(Role.EDITOR)
@require_http_methods(["GET", "POST"])
def framework_create(request: HtmxHttpRequest) -> HttpResponse:
    form = FrameworkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            framework = form.save()
            Change.objects.record(
                framework, action=Change.Action.CREATED, before={}, by=request.user
            )
        _flash(request, f"Added the framework {framework.name}.")
        return redirect(framework.get_absolute_url())
    context = {"mapping": Mapping.objects.default(), "form": form, "framework": None}
    return render(
        request, "mapping/framework_form.html", context, status=400 if form.errors else 200
    )


@role_required(Role.EDITOR)
@require_http_methods(["GET", "POST"])
def framework_edit(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    framework = _get_framework(slug)
    conflict = None
    if request.method == "POST":

        def save(changes: dict, revision: int) -> None:
            Change.objects.apply(framework, changes, by=request.user, revision=revision)

        form, conflict, saved = _save_edit(request, FrameworkEditForm, framework, save)
        if saved:
            _flash(request, f"Saved {framework.name}.")
            return redirect(framework.get_absolute_url())
    else:
        form = FrameworkEditForm(instance=framework, initial={"revision": framework.revision})
    context = {
        "mapping": Mapping.objects.default(),
        "form": form,
        "framework": framework,
        "conflict": conflict,
    }
    status = 409 if conflict else 400 if form.errors else 200
    return render(request, "mapping/framework_form.html", context, status=status)


@role_required(Role.EDITOR)
@require_http_methods(["GET", "POST"])
def framework_retire(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """Retire a framework that no mapping uses, with the reason."""
    framework = _get_framework(slug)
    return _retire_page(
        request, framework, Change.objects.retire_framework, name=framework.name,
        template="mapping/framework_form.html", context={"framework": framework},
    )  # fmt: skip


@role_required(Role.EDITOR)
@require_POST
def framework_restore(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    framework = _get_framework(slug)
    return _restore(request, framework, name=framework.name)


# History -------------------------------------------------------------------------------


@require_GET
def changes(request: HtmxHttpRequest) -> HttpResponse:
    """Recent changes across the register, newest first, with filters."""
    form = ChangeFilterForm(request.GET)
    context = {"mapping": Mapping.objects.default(), "form": form, "page": None}
    if form.is_valid():
        paginator = Paginator(
            form.apply(Change.objects.with_people()), settings.WEAVE_LINKS_PER_PAGE
        )
        try:
            context["page"] = paginator.page(form.cleaned_data["page"])
        except EmptyPage:
            form.add_error(
                "page",
                f"There is no page {form.cleaned_data['page']}: these changes have "
                f"{paginator.num_pages} page{pluralize(paginator.num_pages)}.",
            )
    template_name = "mapping/changes.html"
    if _wants_fragment(request):
        template_name += "#results"
    response = render(request, template_name, context, status=400 if form.errors else 200)
    patch_vary_headers(response, ["HX-Request"])
    return response


@role_required(Role.PUBLISHER)
@require_POST
def change_revert(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    change = get_object_or_404(Change.objects.with_people(), pk=pk)
    try:
        change.revert(by=request.user)
    except (ValidationError, EditConflict) as error:
        text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        messages.error(request, f"Could not revert: {text}")
    else:
        messages.success(request, f"Reverted: {change}.")
    fallback = reverse("changes")
    if _wants_fragment(request):
        return HttpResponseClientRedirect(_back_to(request, fallback))
    return redirect(_back_to(request, fallback))


# Editions ----------------------------------------------------------------------------


@require_GET
def edition_list(request: HtmxHttpRequest) -> HttpResponse:
    mapping = _get_default_mapping()
    editions = list(
        mapping.editions.select_related("published_by").with_changes_since().latest_first()
    )
    context = {"mapping": mapping, "editions": editions}
    return render(request, "mapping/editions.html", context)


@role_required(Role.PUBLISHER)
@require_http_methods(["GET", "POST"])
def edition_publish(request: HtmxHttpRequest) -> HttpResponse:
    """Publish the register as it stands (approved links only) as the next edition."""
    mapping = _get_default_mapping()
    form = EditionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            edition = Edition.objects.publish(
                mapping,
                by=request.user,
                title=form.cleaned_data["title"],
                notes=form.cleaned_data["notes"],
            )
        except IntegrityError:
            form.add_error(None, "Another edition was published at the same moment; try again.")
        else:
            _flash(request, f"Published edition {edition.number}.")
            return redirect(edition.get_absolute_url())
    counts = dict(mapping.links.current().order_by().values_list("status").annotate(n=Count("pk")))
    context = {
        "mapping": mapping,
        "form": form,
        "approved": counts.get(LinkStatus.APPROVED, 0),
        "waiting": counts.get(LinkStatus.PROPOSED, 0),
        "drafts": counts.get(LinkStatus.DRAFT, 0),
        "latest": mapping.editions.latest_first().first(),
    }
    return render(
        request, "mapping/edition_publish.html", context, status=400 if form.errors else 200
    )


@require_GET
def edition_compare(request: HtmxHttpRequest) -> HttpResponse:
    """Two editions side by side: links and element texts added, removed and changed."""
    mapping = _get_default_mapping()
    editions = list(mapping.editions.latest_first())
    data = request.GET
    if not data and len(editions) >= 2:
        data = {"old": editions[1].number, "new": editions[0].number}
    form = CompareForm(data or None, editions=editions)
    context = {"mapping": mapping, "form": form, "diff": None, "editions": editions}
    if form.is_bound and form.is_valid():
        by_number = {e.number: e for e in editions}
        old, new = by_number[form.cleaned_data["old"]], by_number[form.cleaned_data["new"]]
        context |= {
            "old": old,
            "new": new,
            "diff": diff_snapshots(
                EditionSnapshot.model_validate(old.snapshot),
                EditionSnapshot.model_validate(new.snapshot),
            ),
        }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "mapping/edition_compare.html", context, status=status)
