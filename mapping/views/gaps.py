"""Reviewing a gap, from the coverage page: an element of either framework with no link
can be left unlinked on purpose, with the reason (the coverage figures then count it as
reviewed, and say why), or opened again for review. For the register's editors."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from mapping.forms.text import TextField
from mapping.models import ReviewedGap, Role, Side
from mapping.views.lookups import HtmxHttpRequest, back_to, flash, get_live_register

REASON_LIMIT = ReviewedGap._meta.get_field("reason").max_length


class GapReviewForm(forms.Form):
    side = forms.ChoiceField(choices=Side.choices)
    code = forms.CharField(max_length=100)
    action = forms.ChoiceField(choices=[("leave", "Leave unlinked"), ("reopen", "Review again")],
                               required=False)  # fmt: skip
    reason = TextField(max_length=REASON_LIMIT, required=False)


@require_POST
def gap_review(request: HtmxHttpRequest, slug: str | None = None) -> HttpResponse:
    register = get_live_register(request, slug, need=Role.EDITOR)
    back = back_to(request, register.urls.coverage)
    form = GapReviewForm(request.POST)
    form.is_valid()  # a bad reason is said below; a bad element or action is refused here
    data, element = form.cleaned_data, None
    if not {"side", "code", "action"} & set(form.errors):
        element = register.element(data["side"], data["code"])
    if element is None or getattr(element, "retired", False):
        return HttpResponse("Choose an element of this register's frameworks.", status=400,
                            content_type="text/plain; charset=utf-8")  # fmt: skip
    mapping = register.mapping
    if data["action"] == "reopen":
        flash(request, f"{element.code} is open for review again."
              if mapping.review_again(element, by=request.user)
              else f"{element.code} was not marked as reviewed.")  # fmt: skip
        return redirect(back)
    reason = " ".join(data.get("reason", "").split())
    if "reason" in form.errors or not reason:
        messages.error(request, _reason_refused(element.code, request.POST.get("reason", ""),
                                                form))  # fmt: skip
        return redirect(back)
    coverage = register.coverage
    entry = next(e for e in [*coverage.sources, *coverage.targets] if e.element.pk == element.pk)
    if entry.covered:
        messages.error(request, f"{element.code} has links now: nothing was changed.")
        return redirect(back)
    try:
        mapping.leave_unlinked(element, reason=reason, by=request.user)
    except ValidationError as error:
        messages.error(request, f"{' '.join(error.messages)} Nothing was changed.")
        return redirect(back)
    flash(request, f"Left {element.code} unlinked on purpose: {reason}")
    return redirect(back)


def _reason_refused(code: str, typed: str, form: GapReviewForm) -> str:
    """Why the reason given was not taken, in one sentence of its own a case."""
    if len(typed) > REASON_LIMIT:
        return (f"The reason for {code} is {len(typed):,} characters long: say it in at most "
                f"{REASON_LIMIT:,}. Nothing was changed.")  # fmt: skip
    if "reason" in form.errors and typed.strip():  # something in it is refused
        return f"The reason for {code}: {' '.join(form.errors['reason'])} Nothing was changed."
    return f"Say why {code} is left unlinked: nothing was changed."
