"""The review queue: everything waiting on a publisher's decision, across the registers they
may publish (editors see it for the registers they edit, without the buttons): proposed
links, suggestions accepted as drafts, imports checked and ready to apply, and links accepted
from an inference whose path has changed since. Approve or send back, one at a time or many
at once with one reason; all of a batch or none of it."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.views.decorators.http import require_http_methods

from mapping.access.policy import NotSignedIn, may, registers_where
from mapping.forms.query import AskedOnce
from mapping.forms.text import TextField
from mapping.models import Change, EditConflict, ImportBatch, Link, Role
from mapping.models.suggestions import flags
from mapping.views.lookups import HtmxHttpRequest, flash

AT_MOST = 500  # links listed at once; the filters narrow the rest


class ReviewFilter(AskedOnce):
    register = forms.SlugField(
        required=False, max_length=100,
        error_messages={"invalid": "not the address of a register (letters, digits and hyphens)."},
    )  # fmt: skip
    proposer = forms.CharField(required=False, max_length=150)


class DecisionForm(forms.Form):
    action = forms.ChoiceField(choices=[("approve", "Approve"), ("send_back", "Send back")],
                               error_messages={"invalid_choice": "Choose approve or send "
                                                                 "back."})  # fmt: skip
    chosen = forms.TypedMultipleChoiceField(coerce=int, choices=[],
                                            error_messages={"required": "Choose at least one "
                                                                        "link."})  # fmt: skip
    reason = TextField(required=False, max_length=500)

    def __init__(self, *args, offered, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["chosen"].choices = [(pk, pk) for pk in offered]
        self.fields["chosen"].error_messages["invalid_choice"] = (
            "A link chosen is no longer waiting for you: the list below is as it is now."
        )

    def clean(self):
        data = super().clean()
        # The revision of each link as the page showed it ("12:3"): a link changed since
        # is not decided on unread.
        seen = (re.fullmatch(r"(\d{1,10}):(\d{1,10})", value, re.ASCII)
                for value in self.data.getlist("seen"))  # fmt: skip
        data["seen"] = {int(found[1]): int(found[2]) for found in seen if found}
        if data.get("action") == "send_back" and not (data.get("reason") or "").strip():
            self.add_error("reason", "Say why they go back, so that their editors know what "
                                     "to do.")  # fmt: skip
        return data


def waiting_count(user) -> int:
    """What the header counts for a publisher: links and imports waiting on them, and links
    accepted from an inference whose path has changed, in the registers they publish."""
    registers = registers_where(user, Role.PUBLISHER)
    links = Link.objects.filter(mapping__in=registers)
    return (links.awaiting_decision().count()
            + len(ImportBatch.objects.ready_to_apply(registers))
            + len(flags(links.accepted_from_suggestions())))  # fmt: skip


@require_http_methods(["GET", "HEAD", "POST"])
def review(request: HtmxHttpRequest) -> HttpResponse:
    user = request.user
    if not user.is_authenticated:
        raise NotSignedIn
    editing = registers_where(user, Role.EDITOR)
    if not (may(user, Role.EDITOR) or editing.exists()):  # a site-wide role, before any register
        raise PermissionDenied("The review queue is for editors and publishers.")
    publishing = set(registers_where(user, Role.PUBLISHER).values_list("pk", flat=True))
    chosen = ReviewFilter(request.GET)
    links = Link.objects.filter(mapping__in=editing).awaiting_decision()
    links = links.select_related("mapping", "source", "target", "updated_by")
    imports = ImportBatch.objects.ready_to_apply(editing)
    status, problem = 200, ""
    if chosen.is_valid():
        if (slug := chosen.cleaned_data["register"]) and not editing.filter(slug=slug).exists():
            status, problem = 400, f"“{slug}” is not a register whose queue you can see here."
        if slug:
            links = links.filter(mapping__slug=slug)
            imports = [batch for batch in imports if batch.mapping.slug == slug]
        if proposer := chosen.cleaned_data["proposer"]:
            links = links.filter(updated_by__username=proposer)
            imports = [batch for batch in imports if batch.created_by
                       and batch.created_by.get_username() == proposer]  # fmt: skip
    else:
        status, problem = (
            400,
            " ".join(
                f"{name}: {error}" for name, errors in chosen.errors.items() for error in errors
            ),
        )
    links = list(links.order_by("mapping__name", "source_rank", "target_rank")[:AT_MOST])
    edits = Change.objects.latest_edits(links)
    for link in links:
        link.last_edit = edits.get(link.pk)
    offered = [link.pk for link in links if link.mapping_id in publishing]
    form = DecisionForm(request.POST if request.method == "POST" else None, offered=offered)
    if request.method == "POST":
        asked = {int(pk) for pk in request.POST.getlist("chosen") if pk.isascii() and
                 pk.isdigit() and len(pk) < 11}  # fmt: skip
        elsewhere = Link.objects.filter(pk__in=asked).exclude(mapping__in=publishing)
        if not publishing or (other := elsewhere.select_related("mapping").first()):
            where = f" {other.mapping.name} is not one of yours." if publishing else ""
            raise PermissionDenied(
                f"Only a register's publishers approve or send back its links.{where}"
            )
        if form.is_valid():
            try:
                done = _decide(form.cleaned_data, user)
            except (ValidationError, EditConflict) as error:
                messages = error.messages if isinstance(error, ValidationError) else [str(error)]
                status, problem = 409, " ".join(messages) + " Nothing was changed."
            else:
                flash(request, done)
                return redirect(request.get_full_path())
        else:
            status = 400
    context = {
        "links": links, "publishing": publishing, "form": form, "filters": chosen,
        "imports": imports, "problem": problem,
        "registers": editing.order_by("name"), "flags": _flags(editing, chosen),
    }  # fmt: skip
    return render(request, "mapping/review.html", context, status=status)


def _decide(data: dict, user) -> str:
    action, reason = data["action"], data["reason"].strip()
    with transaction.atomic():
        links = (Link.objects.select_related("source", "target")  # named in the message
                 .select_for_update(of=("self",)).filter(pk__in=data["chosen"]))  # fmt: skip
        for link in links:
            if (revision := data["seen"].get(link.pk)) is None:  # what did they read?
                raise ValidationError(
                    f"The page did not say which version of {link.history_label} you read: "
                    "load it again, read it, then decide."
                )
            try:
                if action == "approve":
                    link.approve(by=user, revision=revision)
                else:
                    link.send_back(by=user, reason=reason, revision=revision)
            except EditConflict:
                raise ValidationError(
                    f"{link.history_label} was changed by {link.updated_by or 'someone'} "
                    "since this page was loaded: read it again below, then decide."
                ) from None
        named = [link.history_label for link in links]
    count = len(named)
    verb = "Approved" if action == "approve" else "Sent back"
    shown = ", ".join(named[:10]) + (f" and {count - 10} more" if count > 10 else "")
    return f"{verb} {count} link{pluralize(count)}: {shown}."


def _flags(editing, chosen: ReviewFilter) -> list:
    """Links accepted from an inference whose path has changed, in every register shown
    (read at once, whatever the number of registers)."""
    slug = chosen.cleaned_data.get("register") if chosen.is_valid() else ""
    registers = editing.filter(slug=slug) if slug else editing
    accepted = Link.objects.filter(mapping__in=registers).accepted_from_suggestions()
    return flags(accepted.select_related("mapping", "source", "target")
                 .order_by("mapping__name", "source_rank", "target_rank"))  # fmt: skip
