"""A reader's reference list (mapping/citing/references.py): add from any citable page or
row (a form post, with or without JavaScript), read it in APA or Harvard with each entry's
permalink, download it as BibTeX, RIS or CSL-JSON, remove one, clear it, or pin every live
entry to its register's latest edition. No account needed; nothing is written to the
database.

Adding is the one write made from kept pages, which are the same for every anonymous
reader and so carry no CSRF token: it is exempt, and refuses any request a browser marks as
coming from another site (Origin, Sec-Fetch-Site); the list's cookie is SameSite=Lax, so
another site's form never carries it either. Everything else on /references/ is a page of
its own, with the usual token."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe
from pydantic import ValidationError

from mapping.citing.citations import FORMATS
from mapping.citing.listing import (
    Registers,
    _has,
    as_file,
    as_text,
    in_style_order,
    pin_to_latest,
    resolve,
)
from mapping.citing.references import MAX_ENTRIES, Entry, ReferenceList
from mapping.views.lookups import HtmxHttpRequest, back_to

STYLES = {"apa": "APA 7th edition", "harvard": "Harvard (Cite Them Right)"}
DOWNLOADS = ("bibtex", "ris", "csl-json")
UNREADABLE = ("Your reference list could not be read (it may have been changed outside this "
              "site), so it starts again empty.")  # fmt: skip


def _entry(request: HtmxHttpRequest) -> Entry:
    data = {name: request.POST.get(name) or None
            for name in ("register", "edition", "kind", "link", "side", "code")}  # fmt: skip
    return Entry.model_validate(data)


def _said(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first.get("loc", ())) or "entry"
    return f"Not something to cite ({where}: {first.get('msg', 'not valid')})."


def _from_elsewhere(request: HtmxHttpRequest) -> bool:
    if request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
        return True
    origin = request.headers.get("Origin")
    return bool(origin) and origin.split("://", 1)[-1] != request.get_host()


def _to_the_list(request: HtmxHttpRequest) -> HttpResponse:
    """Back to the list, in the style it was read in."""
    style = request.POST.get("style", "apa")
    url = reverse("references")
    return redirect(f"{url}?style={style}" if style in STYLES and style != "apa" else url)


def _saved(response: HttpResponse, listed: ReferenceList) -> HttpResponse:
    return listed.save(response, secure=settings.SESSION_COOKIE_SECURE)


@csrf_exempt
@require_POST
def reference_add(request: HtmxHttpRequest) -> HttpResponse:
    if _from_elsewhere(request):
        return HttpResponseForbidden("Add to your list from this site's own pages.",
                                     content_type="text/plain; charset=utf-8")  # fmt: skip
    try:
        entry = _entry(request)
    except ValidationError as error:
        return HttpResponseBadRequest(_said(error), content_type="text/plain; charset=utf-8")
    registers = Registers.for_entries([entry])
    if not _has(registers.get(entry.slug, entry.edition), entry):
        return HttpResponseBadRequest("There is no such thing to cite here.",
                                      content_type="text/plain; charset=utf-8")  # fmt: skip
    listed = ReferenceList.of(request)
    try:
        added = listed.add(entry, on=timezone.localdate())
    except OverflowError as error:
        if request.htmx:
            return render(request, "mapping/references.html#added",
                          {"full": str(error), "count": len(listed)}, status=409)  # fmt: skip
        messages.error(request, str(error))
        return redirect(back_to(request, "references"))
    said = "Added to your reference list" if added else "Already in your reference list"
    if request.htmx:
        response = render(request, "mapping/references.html#added",
                          {"said": said, "count": len(listed)})  # fmt: skip
    else:
        messages.success(request, f"{said} ({len(listed)} in all).")
        response = redirect(back_to(request, "references"))
    return _saved(response, listed)


@never_cache
@require_safe
def references(request: HtmxHttpRequest) -> HttpResponse:
    listed = ReferenceList.of(request)
    style = request.GET.get("style", "apa")
    if style not in STYLES:
        return HttpResponseBadRequest("style: choose apa or harvard.",
                                      content_type="text/plain; charset=utf-8")  # fmt: skip
    registers = Registers.for_entries(listed.entries)
    resolved = resolve(listed.entries, absolute=request.build_absolute_uri,
                       today=timezone.localdate(), registers=registers,
                       added=listed.added)  # fmt: skip
    live = sum(1 for r in resolved if r.found and r.entry.is_live)
    pinned = sum(1 for r in resolved if r.found and not r.entry.is_live)
    context = {
        "style": style,
        "styles": STYLES,
        "style_label": STYLES[style],
        "entries": in_style_order(resolved, style),
        "missing": [r for r in resolved if not r.found],
        "count": len(listed),
        "live": live,
        "pinned": pinned,
        "superseded": registers.superseded(listed.entries),
        "plain": as_text(resolved, style),
        "downloads": [(name, FORMATS[name].label, FORMATS[name].extension) for name in DOWNLOADS],
        "max_entries": MAX_ENTRIES,
    }
    if listed.unreadable:
        messages.warning(request, UNREADABLE)
    response = render(request, "mapping/references.html", context)
    if listed.unreadable:
        _saved(response, listed)
    return response


@never_cache
@require_safe
def references_download(request: HtmxHttpRequest) -> HttpResponse:
    name = request.GET.get("format", "")
    if name not in (*DOWNLOADS, *STYLES):
        return HttpResponseBadRequest("format: choose bibtex, ris, csl-json, apa or harvard.",
                                      content_type="text/plain; charset=utf-8")  # fmt: skip
    listed = ReferenceList.of(request)
    resolved = resolve(listed.entries, absolute=request.build_absolute_uri,
                       today=timezone.localdate(), added=listed.added)  # fmt: skip
    text = as_text(resolved, name) if name in STYLES else as_file(resolved, name)
    spec = FORMATS[name]
    response = HttpResponse(text, content_type=f"{spec.media_type}; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"references.{spec.extension}"
    )
    return response


@require_POST
def reference_remove(request: HtmxHttpRequest) -> HttpResponse:
    listed = ReferenceList.of(request)
    try:
        entry = _entry(request)
    except ValidationError as error:
        return HttpResponseBadRequest(_said(error), content_type="text/plain; charset=utf-8")
    if listed.remove(entry):
        messages.success(request, "Removed from your reference list.")
    return _saved(_to_the_list(request), listed)


@require_POST
def references_clear(request: HtmxHttpRequest) -> HttpResponse:
    listed = ReferenceList.of(request)
    listed.clear()
    messages.success(request, "Your reference list is empty.")
    return _saved(_to_the_list(request), listed)


@require_POST
def references_pin(request: HtmxHttpRequest) -> HttpResponse:
    listed = ReferenceList.of(request)
    registers = Registers.for_entries(listed.entries)
    pinned, left, older = pin_to_latest(listed.entries, registers, listed.added)
    moved = sum(1 for old, new in zip(listed.entries, pinned, strict=True) if old != new)
    for old, new in zip(list(listed.entries), pinned, strict=True):
        if old != new:
            listed.replace(old, new)
    said = f"Pinned {moved} entr{'y' if moved == 1 else 'ies'} to the latest edition."
    if older:
        said = (f"Pinned {moved} entr{'y' if moved == 1 else 'ies'} to an edition. To an "
                "earlier edition than the latest, because it reads as you read it and the "
                "latest does not: " + "; ".join(older) + ".")  # fmt: skip
    if left:
        said += " Left live: " + "; ".join(left) + "."
    messages.success(request, said)
    return _saved(_to_the_list(request), listed)
