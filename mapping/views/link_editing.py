"""Adding and editing links in place: on the link table and element pages a row turns
into a form and back (htmx); without JavaScript each is an ordinary page and POST."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import trigger_client_event

from mapping.forms.editing import LinkEditForm, LinkForm, RetireForm, SeenForm
from mapping.forms.text import add_refusal
from mapping.models import EditConflict, Link, Role
from mapping.models.suggestions import still_holds
from mapping.views.links import link_page, live_banner
from mapping.views.lookups import (
    HtmxHttpRequest,
    back_to,
    flash,
    get_link_for_editing,
    get_live_register,
    wants_fragment,
)
from mapping.views.saving import save_edit


@require_http_methods(["GET", "HEAD", "POST"])
def link_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Edit a link's relation and wording. htmx swaps the row for this form and back."""
    link, register = get_link_for_editing(request, pk)
    if link.is_retired:
        return link_page(
            request, register, link, partial="row", status=409,
            error="A retired link cannot be edited; restore it first.",
        )  # fmt: skip

    def save(changes: dict, revision: int) -> None:
        link.edit(by=request.user, revision=revision, **changes)

    # Ids unique to this row: the link table's filters have a "relation" field too.
    was_approved = link.is_approved
    edit = save_edit(request, LinkEditForm, link, save, auto_id=f"link-{pk}-%s",
                     words=register.words)  # fmt: skip
    if edit.saved:
        sent_back = was_approved and not link.is_approved
        flash(request, f"Saved {link.history_label}" + (
            ", and sent to a publisher for approval." if sent_back else "."))  # fmt: skip
        if wants_fragment(request):
            saved = "Saved, and sent to a publisher for approval." if sent_back else True
            response = link_page(request, register, link, partial="row", saved=saved,
                                 focus_row=True)  # fmt: skip
            return _off_the_form(request, response, link)
        return redirect(back_to(request, link.url))
    return link_page(request, register, link, partial="row_form", status=edit.status,
                     form=edit.form, conflict=edit.conflict)  # fmt: skip


@require_http_methods(["GET", "HEAD", "POST"])
def link_retire(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Retire a link, with the reason: it leaves the live register and stays in history."""
    link, register = get_link_for_editing(request, pk)
    form = RetireForm(request.POST or None, initial={"revision": link.revision},
                      auto_id=f"retire-{pk}-%s")  # fmt: skip
    if request.method == "POST" and form.is_valid():
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
            add_refusal(form, error)
        else:
            flash(request, f"Retired {link.history_label}.")
            if wants_fragment(request):
                response = link_page(request, register, link, partial="row", just_retired=True)
                # The table's counts above the row redraw themselves (link_table.html).
                return trigger_client_event(_off_the_form(request, response, link), "linkRetired")
            return redirect(back_to(request, link.url))
    status = 400 if form.errors else 200
    return link_page(request, register, link, partial="retire_form", status=status,
                     retire_form=form)  # fmt: skip


def _off_the_form(request: HtmxHttpRequest, response: HttpResponse, link) -> HttpResponse:
    """A form opened as a page of its own (/links/N/edit/), saved in place: the address
    becomes the link's, so that reloading does not open the form again."""
    if urlsplit(request.htmx.current_url or "").path == request.path:
        response["HX-Replace-Url"] = link.url
        # ...and the tab's title the link page's (static/js/weave.js sets it).
        title = f"{link.reference} · {link.mapping.name} · Weave"
        response = trigger_client_event(response, "weaveTitle", {"value": title}, after="settle")
    return response


def _status_action(
    request: HtmxHttpRequest, pk: int, action: str, need: Role = Role.EDITOR
) -> HttpResponse:
    """Propose, approve or restore a link: its row comes back showing the new status."""
    link, register = get_link_for_editing(request, pk, need=need)
    seen = SeenForm(request.POST)
    if not seen.is_valid():
        return link_page(request, register, link, partial="row", status=400,
                         error=" ".join(seen.errors["revision"]))  # fmt: skip
    try:
        getattr(link, action)(by=request.user, revision=seen.cleaned_data["revision"])
    except EditConflict:
        # Shown as it is now, to be read before deciding again.
        link, register = get_link_for_editing(request, pk, need=need)
        message = (f"{link.updated_by or 'Someone'} changed this link since you opened the "
                   "page: read it again as it is now, then decide.")  # fmt: skip
        return link_page(request, register, link, partial="row", status=409, error=message)
    except ValidationError as error:
        message = " ".join(error.messages)
        return link_page(request, register, link, partial="row", status=409, error=message)
    flash(request, f"{link.history_label} is now {link.get_status_display().lower()}.")
    if wants_fragment(request):
        said = f"{link.get_status_display()}."  # "Approved.", "Proposed.": what was done
        return link_page(request, register, link, partial="row", saved=said, focus_row=True)
    return redirect(back_to(request, link.url))


@require_POST
def link_propose(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return _status_action(request, pk, "propose")


@require_POST
def link_restore(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return _status_action(request, pk, "restore")


@require_POST
def link_approve(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return _status_action(request, pk, "approve", Role.PUBLISHER)


@require_http_methods(["GET", "HEAD", "POST"])
def link_create(request: HtmxHttpRequest, slug: str | None = None) -> HttpResponse:
    """Add a link, as a draft. On the link table and element pages it opens in place."""
    register = get_live_register(request, slug, need=Role.EDITOR)
    options = {"register": register, "auto_id": "new-link-%s"}
    created = None
    if request.method == "POST":
        form = LinkForm(request.POST, **options)
        if form.is_valid():
            try:
                created = Link.objects.create_draft(
                    register.mapping,
                    by=request.user,
                    propose=bool(request.POST.get("propose")),
                    **{name: form.cleaned_data[name] for name in LinkForm.field_order},
                )
            except IntegrityError:
                # Someone added the same pair a moment ago.
                form.add_error(None, "That pair was linked a moment ago: reload to see it.")
            else:
                register.show(created)
                flash(request, f"Added {created.history_label}.")
                if not wants_fragment(request):
                    return redirect(back_to(request, created.url))
                form = LinkForm(initial=_prefill(request.POST), **options)
    else:
        form = LinkForm(initial=_prefill(request.GET), **options)
    context = {
        "register": register,
        "form": form,
        "created": created,
        "next": back_to(request, register.urls.links),
        "in_place": wants_fragment(request),
    }
    template_name = "mapping/link_create.html"
    if wants_fragment(request) and request.method == "GET" and request.GET.get("closed"):
        # Close: the button that opens the form again, in focus.
        template_name += "#add_button"
        context["closed"] = True
    elif wants_fragment(request):
        template_name += "#add_form"
    response = render(request, template_name, context, status=400 if form.errors else 200)
    patch_vary_headers(response, ["HX-Request"])
    if created is not None:
        response.content += live_banner(request, register)
        trigger_client_event(response, "linksChanged")
    return response


def _prefill(data) -> dict:
    """A new link's ends from ?source= / ?target= codes (once ?behaviour= / ?standard=)."""
    found = {}
    for name, old in (("source", "behaviour"), ("target", "standard")):
        if code := data.get(name) or data.get(old):
            found[name] = code
    return found


@require_POST
def link_still_holds(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """An editor of its register has checked that a link accepted from an inference still
    holds, now that its path has changed: it is no longer flagged for review."""
    link, _register = get_link_for_editing(request, pk)
    if still_holds(link, by=request.user) is not None:
        flash(request, f"Checked: {link.history_label} still holds. It is no longer flagged.")
    else:
        flash(request, f"{link.history_label} was not waiting to be checked.")
    return redirect(back_to(request, link.url))
