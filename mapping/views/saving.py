"""The shapes every edit takes: save a form or say whose save came first, retire with a
reason, restore. Links, elements and frameworks all go through these."""

from __future__ import annotations

import copy
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from mapping.forms.editing import RetireForm
from mapping.forms.text import add_refusal
from mapping.models import Change, EditConflict
from mapping.models.retiring import restore
from mapping.views.lookups import HtmxHttpRequest, flash


@dataclass
class Edit:
    """An edit form as the page shows it: bound to the post or not, saved, or refused
    because someone else saved first (conflict: their version)."""

    form: forms.ModelForm
    conflict: models.Model | None = None
    saved: bool = False

    @property
    def status(self) -> int:
        return 409 if self.conflict is not None else 400 if self.form.errors else 200


def save_edit(request: HttpRequest, form_class, instance, save=None, **form_options) -> Edit:
    """The edit form of a link, element or framework: on a GET, as the instance stands; on
    a POST, bound to it and, if it is valid, saved through save(changes, revision) (by
    default Change.objects.apply, which records it). When someone else saved first, the
    conflict is their version and the form keeps what this editor typed, at the new
    revision, so that saving again is a choice made knowing what the other person wrote."""
    if request.method != "POST":
        initial = {"revision": instance.revision}
        return Edit(form_class(instance=instance, initial=initial, **form_options))
    if save is None:

        def save(changes: dict, revision: int) -> None:
            Change.objects.apply(instance, changes, by=request.user, revision=revision)

    # The form works on a copy: the instance stays as loaded, for the history's "before".
    form = form_class(request.POST, instance=copy.copy(instance), **form_options)
    if not form.is_valid():
        return Edit(form)
    saved = getattr(form, "saved_fields", form_class.Meta.fields)
    try:
        save({name: form.cleaned_data[name] for name in saved}, form.cleaned_data["revision"])
    except EditConflict as error:
        data = request.POST.copy()
        data["revision"] = error.current.revision
        form = form_class(data, instance=copy.copy(error.current), **form_options)
        form.is_valid()
        for field in form.fields.values():  # the page starts at what happened, not a field
            field.widget.attrs.pop("autofocus", None)
        return Edit(form, conflict=error.current)
    except ValidationError as error:
        add_refusal(form, error)
        return Edit(form)
    return Edit(form, saved=True)


def retire_page(
    request: HtmxHttpRequest, subject, retire, *, name: str, template: str, back: str,
    context: dict,
) -> HttpResponse:  # fmt: skip
    """The page that retires an element or a framework through retire(subject, by=, reason=,
    revision=), with the reason, refusing a stale form; back to its page when done."""
    form = RetireForm(request.POST or None, initial={"revision": subject.revision})
    if request.method == "POST" and form.is_valid():
        try:
            retire(
                subject,
                by=request.user,
                reason=form.cleaned_data["reason"],
                revision=form.cleaned_data["revision"],
            )
        except EditConflict:
            form.add_error(None, f"Someone changed {name} since you opened this page.")
        except ValidationError as error:
            add_refusal(form, error)
        else:
            flash(request, f"Retired {name}.")
            return redirect(back)
    context |= {"retire_form": form, "retire_name": name, "cancel_url": back}
    return render(request, template, context, status=400 if form.errors else 200)


def restore_page(request: HtmxHttpRequest, subject, *, name: str, back: str) -> HttpResponse:
    try:
        restored = restore(subject, by=request.user)
    except ValidationError as error:  # what it sits under is retired: nothing written
        messages.error(request, " ".join(error.messages))
        return redirect(back)
    if restored is not None:
        flash(request, f"Restored {name}.")
    return redirect(back)
