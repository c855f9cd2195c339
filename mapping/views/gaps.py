"""Reviewing a gap, from the coverage page: an element of either framework with no link
can be left unlinked on purpose, with the reason (the coverage figures then count it as
reviewed, and say why), or opened again for review. For the register's editors."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from mapping.models import ReviewedGap, Role, Side
from mapping.views.lookups import HtmxHttpRequest, back_to, flash, get_live_register

REASON_LIMIT = ReviewedGap._meta.get_field("reason").max_length


@require_POST
def gap_review(request: HtmxHttpRequest, slug: str | None = None) -> HttpResponse:
    register = get_live_register(request, slug, need=Role.EDITOR)
    back = back_to(request, register.urls.coverage)
    side, code = request.POST.get("side", ""), request.POST.get("code", "")
    element = register.element(side, code) if side in Side.values else None
    if element is None or getattr(element, "retired", False):
        return HttpResponse("Choose an element of this register's frameworks.", status=400,
                            content_type="text/plain; charset=utf-8")  # fmt: skip
    mapping = register.mapping
    if request.POST.get("action") == "reopen":
        deleted, _ = ReviewedGap.objects.filter(mapping=mapping, element=element).delete()
        flash(request, f"{element.code} is open for review again." if deleted
              else f"{element.code} was not marked as reviewed.")  # fmt: skip
        return redirect(back)
    reason = " ".join(request.POST.get("reason", "").split())
    if not reason or len(reason) > REASON_LIMIT:
        messages.error(request, f"Say why {element.code} is left unlinked, in at most "
                       f"{REASON_LIMIT:,} characters: nothing was changed.")  # fmt: skip
        return redirect(back)
    coverage = register.coverage
    entry = next(e for e in [*coverage.sources, *coverage.targets] if e.element.pk == element.pk)
    if entry.covered:
        messages.error(request, f"{element.code} has links now: nothing was changed.")
        return redirect(back)
    ReviewedGap.objects.update_or_create(
        mapping=mapping, element=element, defaults={"reason": reason, "decided_by": request.user}
    )
    flash(request, f"Left {element.code} unlinked on purpose: {reason}")
    return redirect(back)
