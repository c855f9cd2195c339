"""Frameworks: the list, each framework's page with its elements and history, and
adding, editing, retiring and restoring them."""

from __future__ import annotations

from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mapping.access.roles import Role, role_required
from mapping.caching.pages import cached_page
from mapping.forms.editing import FrameworkEditForm, FrameworkForm
from mapping.models import Change, Mapping
from mapping.models.retiring import retire_framework
from mapping.register.addresses import RegisterUrls
from mapping.views.lookups import HtmxHttpRequest, flash
from mapping.views.saving import restore_page, retire_page, save_edit
from standards.models import Framework

HISTORY_ON_PAGE = 20


def _get_framework(slug: str) -> Framework:
    return get_object_or_404(Framework, slug=slug)


@require_GET
@cached_page
def framework_list(request: HtmxHttpRequest) -> HttpResponse:
    frameworks = Framework.objects.annotate(element_count=Count("elements")).order_by(
        "retired", "kind", "name"
    )
    return render(request, "mapping/frameworks.html", {"frameworks": frameworks})


@require_GET
@cached_page
def framework_detail(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """A framework with every element (each linked to its page in a register that maps it,
    the default one first) and its history."""
    framework = _get_framework(slug)
    mapping = Mapping.objects.using_framework(framework).order_by("-is_default").first()
    elements = framework.elements.in_tree_order()
    if mapping is not None:
        urls = RegisterUrls(mapping)
        for element in elements:
            element.url = urls.element(framework.kind, element.code)
    context = {
        "framework": framework,
        "elements": elements,
        "history": Change.objects.for_object(framework).with_people()[:HISTORY_ON_PAGE],
        "mapped_in": mapping,
    }
    return render(request, "mapping/framework_detail.html", context)


@role_required(Role.EDITOR)
@require_http_methods(["GET", "POST"])
def framework_create(request: HtmxHttpRequest) -> HttpResponse:
    form = FrameworkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        framework = form.save(commit=False)
        Change.objects.save_new(framework, by=request.user)
        flash(request, f"Added the framework {framework.name}.")
        return redirect(framework.get_absolute_url())
    context = {"form": form, "framework": None}
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

        form, conflict, saved = save_edit(request, FrameworkEditForm, framework, save)
        if saved:
            flash(request, f"Saved {framework.name}.")
            return redirect(framework.get_absolute_url())
    else:
        form = FrameworkEditForm(instance=framework, initial={"revision": framework.revision})
    context = {"form": form, "framework": framework, "conflict": conflict}
    status = 409 if conflict else 400 if form.errors else 200
    return render(request, "mapping/framework_form.html", context, status=status)


@role_required(Role.EDITOR)
@require_http_methods(["GET", "POST"])
def framework_retire(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """Retire a framework that no mapping uses, with the reason."""
    framework = _get_framework(slug)
    return retire_page(
        request, framework, retire_framework, name=framework.name,
        back=framework.get_absolute_url(), template="mapping/framework_form.html",
        context={"framework": framework},
    )  # fmt: skip


@role_required(Role.EDITOR)
@require_POST
def framework_restore(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    framework = _get_framework(slug)
    return restore_page(request, framework, name=framework.name, back=framework.get_absolute_url())
