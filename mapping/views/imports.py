"""Importing, as an editor sees it: upload a file, read its dry run (what will be created,
changed, left alone or retired, and every problem with its row and column), then apply it.
A large file's dry run and apply run in the background, and the page shows their progress."""

from __future__ import annotations

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from mapping.access.policy import frameworks_they_may_change, may, require
from mapping.exchange.tabular import FRAMEWORK_COLUMNS, LINK_COLUMNS, csv_bytes, xlsx_bytes
from mapping.forms.imports import FrameworkImportForm, LinkImportForm
from mapping.importing.batches import progress_key
from mapping.models import ImportBatch, Role
from mapping.register import LiveRegister
from mapping.register.addresses import RegisterUrls
from mapping.tasks import apply_import, check_import
from mapping.views.lookups import HtmxHttpRequest, get_live_register, wants_fragment

# How long a file may wait for the background worker before the page wonders why.
UNSTARTED_SECONDS = 20
TEMPLATES = {
    "framework": (FRAMEWORK_COLUMNS, [
        ["V1", "Our first value", "What it asks of everyone.", "", "Value", "1"],
        ["V1.1", "One way it shows", "", "V1", "Descriptor", "1"],
    ]),
    "links": (LINK_COLUMNS, [
        ["B1", "INC", "partly covers", "Why the source element relates to the target.", ""],
    ]),
}  # fmt: skip


def _get_batch(request: HtmxHttpRequest, pk) -> ImportBatch:
    """An import, for someone who may write what it writes to: a register's links, a
    framework, or a new framework (site-wide editors)."""
    kept = ImportBatch.objects.kept().select_related("framework", "mapping")
    batch = get_object_or_404(kept, pk=pk)
    require(request.user, Role.EDITOR, batch.mapping, framework=batch.framework)
    return batch


NEEDS_A_PUBLISHER = (
    "This import saves its links approved, which only a publisher of this register may do: "
    "ask one to apply it, or import the file again to propose its links."
)


def _may_apply(user, batch: ImportBatch) -> bool:
    """Applying is judged by the role of whoever applies, not of whoever uploaded: links
    saved approved need a publisher of the register."""
    approved = batch.kind == ImportBatch.Kind.LINKS and batch.options.get("status") == "approved"
    return not approved or may(user, Role.PUBLISHER, batch.mapping)


def _start(request: HtmxHttpRequest, form, **batch) -> HttpResponse:
    upload = form.cleaned_data["file"]
    ImportBatch.objects.abandoned().delete()  # their files are let go as new ones come
    created = ImportBatch.objects.create(
        filename=upload.name[:255], file_format=upload.weave_format, content=upload.read(),
        created_by=request.user, **batch,
    )  # fmt: skip
    check_import.enqueue(str(created.pk))
    return redirect(created.get_absolute_url())


@require_http_methods(["GET", "HEAD", "POST"])
def framework_import(request: HtmxHttpRequest) -> HttpResponse:
    """A framework from a file: a new one (for site-wide editors), or new words for one
    already in use (for whoever may change it)."""
    frameworks, can_add = frameworks_they_may_change(request.user), may(request.user, Role.EDITOR)
    if not can_add and not frameworks.exists():
        require(request.user, Role.EDITOR)  # the login page, or a 403
    form = FrameworkImportForm(
        request.POST or None, request.FILES or None, frameworks=frameworks, can_add=can_add
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        details = {name: data.get(name) for name in
                   ("name", "slug", "kind", "publisher", "version_label")}  # fmt: skip
        return _start(
            request, form, kind=ImportBatch.Kind.FRAMEWORK, framework=data["framework"],
            details={} if data["framework"] else details,
            options={"retire_missing": data["retire_missing"],
                     "official_wording": data["official_wording"],
                     "replaces": data["replaces"].slug if data.get("replaces") else None},
        )  # fmt: skip
    context = {"form": form, "kind": "framework"}
    return render(request, "mapping/import_form.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "HEAD", "POST"])
def link_import(request: HtmxHttpRequest, slug: str | None = None) -> HttpResponse:
    """A register's links from a file."""
    register = get_live_register(request, slug, need=Role.EDITOR)
    form = LinkImportForm(
        request.POST or None, request.FILES or None,
        can_approve=may(request.user, Role.PUBLISHER, register.mapping),
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        return _start(
            request, form, kind=ImportBatch.Kind.LINKS, mapping=register.mapping,
            options={"status": data["status"], "retire_missing": data["retire_missing"]},
        )  # fmt: skip
    context = {"form": form, "kind": "links", "register": register}
    return render(request, "mapping/import_form.html", context, status=400 if form.errors else 200)


@require_safe
def import_batch(request: HtmxHttpRequest, pk) -> HttpResponse:
    """An import's dry run, its progress while it runs, or what it did."""
    batch = _get_batch(request, pk)
    progress = cache.get(progress_key(batch.pk))
    waited = (timezone.now() - batch.created_at).total_seconds()
    context = {
        "batch": batch, "progress": progress,
        # Nothing has started checking the file: is the background worker running?
        "unstarted": batch.state == ImportBatch.State.CHECKING and progress is None
                     and waited > UNSTARTED_SECONDS,
        "links_url": RegisterUrls(batch.mapping).links if batch.mapping else "",
        "upload_again": (RegisterUrls(batch.mapping).link_import if batch.mapping
                         else reverse("framework_import")),
        "may_apply": _may_apply(request.user, batch), "needs_a_publisher": NEEDS_A_PUBLISHER,
    }  # fmt: skip
    if batch.mapping is not None:  # the header and its banner are that register's
        request.register = context["register"] = LiveRegister(batch.mapping)
    template_name = "mapping/import_batch.html"
    if wants_fragment(request):
        template_name += "#status"
    response = render(request, template_name, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_POST
def import_apply(request: HtmxHttpRequest, pk) -> HttpResponse:
    """Apply an import, judged by the role of whoever applies it: links saved approved need a
    publisher of the register, whoever uploaded the file."""
    batch = _get_batch(request, pk)
    if not _may_apply(request.user, batch):
        raise PermissionDenied(NEEDS_A_PUBLISHER)
    if batch.can_be_applied:
        # Claimed first, so that a second click cannot apply the same file twice.
        claimed = ImportBatch.objects.filter(pk=batch.pk, state=ImportBatch.State.PLANNED)
        if claimed.update(state=ImportBatch.State.APPLYING, error=""):
            apply_import.enqueue(str(batch.pk), request.user.pk)
    return redirect(batch.get_absolute_url())


@require_safe
def import_template(request: HtmxHttpRequest, kind: str, extension: str) -> HttpResponse:
    """A table to start from, with its columns and an example row."""
    columns, rows = TEMPLATES[kind]
    if extension == "csv":
        content, media_type = csv_bytes(columns, rows), "text/csv; charset=utf-8"
    else:
        content = xlsx_bytes(columns, rows, title=f"Weave {kind}")
        media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(content, content_type=media_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"weave-{kind}-template.{extension}"
    )
    return response
