"""A register's suggestions to review, for its editors: links inferred through crosswalks
and lexical ones, each accepted (a new link) or dismissed (with the reason), one at a time or
many at once; and the links accepted from an inference whose path has changed since."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from mapping.forms.filters import PageForm
from mapping.forms.suggestions import (
    AcceptForm,
    BulkForm,
    DismissForm,
    OfferAgainForm,
    SuggestionForm,
)
from mapping.forms.text import add_refusal
from mapping.models import Relation, Role
from mapping.models.suggestions import accept, dismiss, offer_again, prefilled_rationale
from mapping.register import LiveRegister
from mapping.suggesting.listing import find, inferred_in_order, lexical, to_review
from mapping.views.lookups import HtmxHttpRequest, flash, get_live_register, wants_fragment

PER_PAGE = 50
# The lexical suggestions a page offers: the best, by how much the two texts share.
LEXICAL_SHOWN = 50
GONE = ("This is no longer suggested: someone has linked it or dismissed it, or the path it "
        "was inferred through has changed. The suggestions below are as they are now.")  # fmt: skip


@require_safe
def suggestions(request: HtmxHttpRequest, slug: str | None = None) -> HttpResponse:
    register = get_live_register(request, slug, need=Role.EDITOR)
    return _page(request, register)


def _page(request, register: LiveRegister, *, status: int = 200, **extra) -> HttpResponse:
    form = PageForm(request.GET)
    inferred = inferred_in_order(register)
    paginator = Paginator(inferred, PER_PAGE)
    number = (form.cleaned_data["page"] if form.is_valid() else None) or 1
    if number > paginator.num_pages:
        form.add_error("page", f"There is no page {number}: the inferred suggestions have "
                       f"{paginator.num_pages} page{pluralize(paginator.num_pages)}.")  # fmt: skip
        number = 1
    if form.errors:
        status, extra["problem"] = 400, _said(form)
    page = paginator.page(number)
    register.with_paths(list(page.object_list))
    words = lexical(register)
    context = {
        "register": register, "page": page, "inferred_count": len(inferred),
        "lexical": words[:LEXICAL_SHOWN], "lexical_count": len(words),
        "to_review": to_review(register),
        "bulk": extra.pop("bulk", None) or BulkForm(None, offered=[]),
        "dismissed": register.mapping.reviewed_pairs.select_related(
            "source", "target", "decided_by").order_by("-decided_at", "-pk"),
    } | extra  # fmt: skip
    return render(request, "mapping/suggestions.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def suggestion_accept(request: HtmxHttpRequest, slug: str | None = None) -> HttpResponse:
    """One suggestion as a new link: its relation and reason to check (an inference's are
    filled in from its strongest path), then saved."""
    register = get_live_register(request, slug, need=Role.EDITOR)
    named = SuggestionForm(request.POST if request.method == "POST" else request.GET)
    if not named.is_valid():
        return _page(request, register, status=400, problem=_said(named))
    suggestion = find(register, named.cleaned_data["kind"], named.cleaned_data["pair"])
    if suggestion is None:
        return _page(request, register, status=409, problem=GONE)
    if request.method == "POST":
        form = AcceptForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                link = accept(register.mapping, suggestion, by=request.user,
                              relation=data["relation"], rationale=data["rationale"],
                              example=data["example"])  # fmt: skip
            except ValidationError as error:
                add_refusal(form, error)
            else:
                flash(request, f"Accepted {link.history_label} as "
                               f"{link.get_status_display().lower()}.")  # fmt: skip
                return redirect(register.urls.suggestions)
    else:
        inferred = suggestion.is_inferred
        form = AcceptForm(initial={
            **named.cleaned_data,
            "relation": suggestion.relation if inferred else Relation.SUPPORTS,
            "rationale": prefilled_rationale(suggestion) if inferred else "",
        })  # fmt: skip
    context = {"register": register, "suggestion": suggestion, "form": form}
    status = 409 if form.non_field_errors() else 400 if form.errors else 200
    return render(request, "mapping/suggestion_accept.html", context, status=status)


@require_POST
def suggestion_dismiss(request: HtmxHttpRequest, slug: str | None = None) -> HttpResponse:
    """Dismiss one suggestion with the reason; an htmx request gets its row back saying so."""
    register = get_live_register(request, slug, need=Role.EDITOR)
    named = SuggestionForm(request.POST)
    if not named.is_valid():
        return _row_or_page(request, register, status=400, problem=_said(named))
    suggestion = find(register, named.cleaned_data["kind"], named.cleaned_data["pair"])
    if suggestion is None:
        return _row_or_page(request, register, status=409, problem=GONE)
    form = DismissForm(request.POST)
    if not form.is_valid():
        return _row_or_page(request, register, status=400, suggestion=suggestion,
                            dismiss_error=_said(form))  # fmt: skip
    try:
        dismiss(register.mapping, suggestion.source, suggestion.target, by=request.user,
                reason=form.cleaned_data["reason"])  # fmt: skip
    except ValidationError as error:
        return _row_or_page(request, register, status=409, problem=" ".join(error.messages))
    said = f"Dismissed {suggestion.reference}: it will not be suggested again."
    flash(request, said)
    if wants_fragment(request):
        return _row_or_page(request, register, done=said, suggestion=suggestion)
    return redirect(register.urls.suggestions)


@require_POST
def suggestion_offer_again(request: HtmxHttpRequest, slug: str | None = None) -> HttpResponse:
    """A dismissed pair suggested again: the dismissal was a mistake, or things changed."""
    register = get_live_register(request, slug, need=Role.EDITOR)
    chosen = OfferAgainForm(request.POST)
    if not chosen.is_valid():
        return _page(request, register, status=400, problem=_said(chosen))
    try:
        pair = offer_again(register.mapping, chosen.cleaned_data["dismissed"], by=request.user)
    except ValidationError as error:
        return _page(request, register, status=409, problem=" ".join(error.messages))
    flash(request, f"{pair.source.code} → {pair.target.code} will be suggested again, where "
                   "something still suggests it.")  # fmt: skip
    return redirect(register.urls.suggestions)


def _row_or_page(request, register, *, status: int = 200, **context) -> HttpResponse:
    if not wants_fragment(request):
        return _page(request, register, status=status, **context)
    response = render(request, "mapping/suggestions.html#row", {"register": register, **context},
                      status=status)  # fmt: skip
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_POST
def suggestions_bulk(request: HtmxHttpRequest, slug: str | None = None) -> HttpResponse:
    """Many suggestions accepted or dismissed at once, with one reason; all or nothing."""
    register = get_live_register(request, slug, need=Role.EDITOR)
    offered = {s.choice: s for s in [*register.inferred, *lexical(register)]}
    form = BulkForm(request.POST, offered=list(offered))
    if not form.is_valid():
        return _page(request, register, status=400, bulk=form)
    chosen = [offered[value] for value in form.cleaned_data["chosen"]]
    reason, action = form.cleaned_data["reason"], form.cleaned_data["action"]
    register.with_paths([s for s in chosen if s.is_inferred])
    try:
        with transaction.atomic():
            for suggestion in chosen:
                if action == "dismiss":
                    dismiss(register.mapping, suggestion.source, suggestion.target,
                            by=request.user, reason=reason)  # fmt: skip
                    continue
                inferred = suggestion.is_inferred
                said = reason.strip()
                said += "" if said.endswith((".", "!", "?")) else "."
                rationale = f"{said} {prefilled_rationale(suggestion)}" if inferred else reason
                relation = suggestion.relation if inferred else Relation.SUPPORTS
                accept(register.mapping, suggestion, by=request.user, relation=relation,
                       rationale=rationale)  # fmt: skip
    except ValidationError as error:
        form.add_error(None, f"Nothing was changed: {' '.join(error.messages)}")
        return _page(request, register, status=409, bulk=form)
    done = "Accepted" if action == "accept" else "Dismissed"
    flash(request, f"{done} {len(chosen)} suggestion{'s' if len(chosen) != 1 else ''}.")
    return redirect(register.urls.suggestions)


def _said(form) -> str:
    # Each thing said once: a form missing both its hidden fields needs one message.
    return " ".join(dict.fromkeys(error for errors in form.errors.values() for error in errors))
