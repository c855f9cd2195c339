"""Every register on this site: each mapping, with its editions."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Max
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from mapping.access.policy import may_import_framework, require
from mapping.caching.pages import cached_page
from mapping.coverage.across import every_register
from mapping.forms.registers import MappingForm, RegisterDetailsForm, StartFromForm
from mapping.forms.text import add_refusal
from mapping.models import Mapping, Role
from mapping.register import LiveRegister
from mapping.register.addresses import RegisterUrls
from mapping.views.lookups import HtmxHttpRequest, flash, get_live_register, get_mapping


@require_safe
@cached_page
def mapping_list(request: HtmxHttpRequest) -> HttpResponse:
    """Every register and crosswalk, with its coverage figures and editions."""
    latest = dict(
        Mapping.objects.annotate(latest=Max("editions__number")).values_list("pk", "latest")
    )
    rows = every_register()
    for row in rows:
        row.latest = latest.get(row.register.mapping.pk)
    context = {"rows": rows, "can_import_framework": may_import_framework(request.user)}
    return render(request, "mapping/mappings.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def mapping_create(request: HtmxHttpRequest) -> HttpResponse:
    """A new register from any framework onto any other (behaviours onto standards, or a
    crosswalk between two sets of standards), to fill by hand or by import; its pages are
    under /m/<slug>/. Making registers is the site's business: site-wide editors."""
    require(request.user, Role.EDITOR)
    # The start form says so itself: with no route chosen, its fields are still its own.
    starting = request.method == "POST" and ("starting" in request.POST or "route" in request.POST)
    form = MappingForm(request.POST if request.method == "POST" and not starting else None)
    # Ids of its own: the two forms share field names, and labels find fields by id.
    start = StartFromForm(request.POST if starting else None, auto_id="start-%s")
    if starting and start.is_valid():
        try:
            mapping = start.save()
        except ValidationError as error:
            add_refusal(start, error)
        else:
            _default_if_first(mapping, request.user)
            register = LiveRegister(mapping)
            count = len(register.inferred)
            said = f"{count} suggestion{pluralize(count)} inferred through the crosswalk"
            flash(request, f"Added the register {mapping.name}, with {said} to review.")
            return redirect(register.urls.suggestions)
    elif request.method == "POST" and not starting and form.is_valid():
        mapping = form.save()
        _default_if_first(mapping, request.user)
        flash(request, f"Added the register {mapping.name}. Add links, or import them.")
        return redirect(RegisterUrls(mapping).home)
    status = 400 if form.errors or start.errors else 200
    context = {"form": form, "start": start}
    return render(request, "mapping/mapping_form.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def mapping_edit(request: HtmxHttpRequest, slug: str | None = None) -> HttpResponse:
    """A register's own details, for its publishers: saved as any write is (its pages,
    PDF and exports renew); an edition keeps what it said when it was published."""
    register = get_live_register(request, slug, need=Role.PUBLISHER)
    form = RegisterDetailsForm(request.POST or None, instance=register.mapping)
    if request.method == "POST" and form.is_valid():
        mapping = form.save()
        flash(request, f"Saved the details of {mapping.name}.")
        return redirect(RegisterUrls(mapping).home)
    context = {"form": form, "register": register}
    return render(request, "mapping/mapping_edit.html", context, status=400 if form.errors else 200)


def _default_if_first(mapping: Mapping, user) -> None:
    """A site's first register is its default (the one its home page shows) until a
    publisher makes another the default."""
    if not Mapping.objects.filter(is_default=True).exists():
        mapping.make_default(by=user)


@require_POST
def mapping_make_default(request: HtmxHttpRequest, slug: str | None = None) -> HttpResponse:
    """Make a register the site's default: its pages move to the top of the site. The
    site's business: site-wide publishers."""
    require(request.user, Role.PUBLISHER)
    mapping = get_mapping(slug)
    mapping.make_default(by=request.user)
    flash(request, f"{mapping.name} is now the site's default register.")
    return redirect("home")
