"""Frameworks: the list, each framework's page with its elements and history, and
adding, editing, retiring and restoring them."""

from __future__ import annotations

from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from mapping.access.policy import may, may_change_framework, may_import_framework, require
from mapping.caching.pages import cached_page
from mapping.forms.editing import FrameworkEditForm, FrameworkForm
from mapping.models import Change, Mapping, Role
from mapping.models.retiring import retire_framework
from mapping.register import LiveRegister
from mapping.register.addresses import RegisterUrls
from mapping.versions.crosswalk import version_crosswalk
from mapping.views.history import mark_revertable
from mapping.views.lookups import HtmxHttpRequest, flash, get_framework_for_editing
from mapping.views.saving import restore_page, retire_page, save_edit
from standards.models import Framework

HISTORY_ON_PAGE = 20


@require_safe
@cached_page
def framework_list(request: HtmxHttpRequest) -> HttpResponse:
    frameworks = Framework.objects.annotate(element_count=Count("elements")).order_by(
        "retired", "kind", "name"
    )
    context = {"frameworks": frameworks, "can_import_framework": may_import_framework(request.user)}
    return render(request, "mapping/frameworks.html", context)


@require_safe
@cached_page
def framework_detail(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """A framework with every element (each linked to its page in a register that maps it,
    MappingQuerySet.read_for) and its history."""
    framework = get_object_or_404(Framework.objects.select_related("replaces"), slug=slug)
    mapping = Mapping.objects.read_for(framework).first()
    elements = framework.elements.in_tree_order()
    if mapping is not None:
        urls = RegisterUrls(mapping)
        for element in elements:
            element.url = urls.element_in(framework.slug, element.code)
    old = framework.replaces
    crosswalk = version_crosswalk(old, framework) if old else None
    # The registers on the version this one replaces, which may move onto it.
    on_old = Mapping.objects.none()
    if old is not None:
        on_old = Mapping.objects.with_frameworks().using_framework(old).order_by("name")
        on_old = on_old.exclude(pk=crosswalk.pk) if crosswalk else on_old
    context = {
        "framework": framework,
        "can_edit": may_change_framework(request.user, framework),
        "can_publish_site": may(request.user, Role.PUBLISHER),
        "newer": list(framework.replaced_by.order_by("name")),
        "from_old": LiveRegister(crosswalk) if crosswalk else None,
        "movable": [LiveRegister(m) for m in on_old],
        "elements": elements,
        "history": mark_revertable(
            request.user,
            Change.objects.for_object(framework).with_people()[:HISTORY_ON_PAGE],
            subject=framework,
        ),
        "mapped_in": mapping,
    }
    return render(request, "mapping/framework_detail.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def framework_create(request: HtmxHttpRequest) -> HttpResponse:
    """A new framework: the site's business (site-wide editors), until a register maps it."""
    require(request.user, Role.EDITOR)
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


@require_http_methods(["GET", "HEAD", "POST"])
def framework_edit(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    framework = get_framework_for_editing(request, slug)
    edit = save_edit(request, FrameworkEditForm, framework, user=request.user)
    if edit.saved:
        flash(request, f"Saved {framework.name}.")
        return redirect(framework.get_absolute_url())
    context = {"form": edit.form, "framework": framework, "conflict": edit.conflict}
    return render(request, "mapping/framework_form.html", context, status=edit.status)


@require_http_methods(["GET", "HEAD", "POST"])
def framework_retire(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """Retire a framework that no mapping uses, with the reason."""
    framework = get_framework_for_editing(request, slug)
    return retire_page(
        request, framework, retire_framework, name=framework.name,
        back=framework.get_absolute_url(), template="mapping/framework_form.html",
        context={"framework": framework},
    )  # fmt: skip


@require_POST
def framework_restore(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    framework = get_framework_for_editing(request, slug)
    return restore_page(request, framework, name=framework.name, back=framework.get_absolute_url())
