"""The change history: every recorded change, filtered, and reverting one."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect

from mapping.access.policy import may_revert, require
from mapping.caching.pages import cached_page
from mapping.forms.editing import RevertForm
from mapping.forms.filters import ChangeFilterForm
from mapping.models import Change, EditConflict, Role
from mapping.models.history import name_parents
from mapping.models.reverting import note_refusals
from mapping.views.lookups import HtmxHttpRequest, back_to, page_of, wants_fragment


@require_safe
@cached_page
def changes(request: HtmxHttpRequest) -> HttpResponse:
    """Recent changes across every register, newest first, with filters."""
    form = ChangeFilterForm(request.GET)
    context = {"form": form, "page": None}
    if form.is_valid():
        page = page_of(form, form.apply(Change.objects.with_people()), "changes")
        name_parents(page or [])
        mark_revertable(request.user, page or [])  # a register's publisher: its changes
        context["page"] = page
        # Across every register, each change says which it belongs to.
        context["name_registers"] = not form.cleaned_data.get("register")
        context["any_revertable"] = any(change.revertable for change in page or [])
    template_name = "mapping/changes.html"
    if wants_fragment(request):
        template_name += "#results"
    response = render(request, template_name, context, status=400 if form.errors else 200)
    patch_vary_headers(response, ["HX-Request"])
    return response


def mark_revertable(user, changes, *, subject=None) -> list | None:
    """The changes, each with .revertable (of a kind that can be reverted, by this reader:
    a publisher in its register, or over the framework it changed) and, where it is,
    .refused: why reverting it now would be refused, or "". subject: what they all changed,
    as loaded already. None (an edition keeps no history) stays None."""
    if changes is None:
        return None
    changes, allowed = list(changes), {}
    for change in changes:
        where = (change.mapping_id, change.framework_id)
        if change.can_be_reverted and user.is_authenticated and where not in allowed:
            allowed[where] = may_revert(user, change)
        change.revertable = change.can_be_reverted and allowed.get(where, False)
    note_refusals([change for change in changes if change.revertable], subject=subject)
    return changes


@require_POST
def change_revert(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Undo a change: a publisher's, in its register (or over its framework)."""
    change = get_object_or_404(Change.objects.with_people().select_related("framework"), pk=pk)
    if change.mapping_id is not None:
        require(request.user, Role.PUBLISHER, change.mapping_id)
    else:
        require(request.user, Role.PUBLISHER, framework=change.framework)
    why = RevertForm(request.POST)
    try:
        if not why.is_valid():
            raise ValidationError([e for errors in why.errors.values() for e in errors])
        undone = change.revert(by=request.user, why=why.cleaned_data["reason"])
    except (ValidationError, EditConflict) as error:
        text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        messages.error(request, f"Could not revert: {text}")
    else:
        retired = undone.after.get("status") == "retired"  # a new link, undone
        messages.success(request, f"Reverted: {change}." + (
            f" {change.subject_label} is now retired." if retired else ""))  # fmt: skip
    target = back_to(request, reverse("changes"))
    if wants_fragment(request):
        return HttpResponseClientRedirect(target)
    return redirect(target)
