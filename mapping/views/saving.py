"""The shapes every edit takes: save a form or say whose save came first, retire with a
reason, restore. Links, elements and frameworks all go through these."""

from __future__ import annotations

import copy

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from mapping.forms.editing import RetireForm
from mapping.models import EditConflict
from mapping.models.retiring import restore
from mapping.views.lookups import HtmxHttpRequest, flash


def save_edit(request: HttpRequest, form_class, instance, save, **form_options):
    """Bind an edit form to the post and, if it is valid, save it through save(changes,
    revision). Returns (form, conflict, saved). When someone else saved first, conflict is
    their version and the form keeps what this editor typed, at the new revision, so that
    saving again is a choice made knowing what the other person wrote."""
    # The form works on a copy: the instance stays as loaded, for the history's "before".
    form = form_class(request.POST, instance=copy.copy(instance), **form_options)
    if not form.is_valid():
        return form, None, False
    try:
        save(
            {name: form.cleaned_data[name] for name in form_class.Meta.fields},
            form.cleaned_data["revision"],
        )
    except EditConflict as error:
        data = request.POST.copy()
        data["revision"] = error.current.revision
        form = form_class(data, instance=copy.copy(error.current), **form_options)
        form.is_valid()
        return form, error.current, False
    except ValidationError as error:
        form.add_error(None, error)
        return form, None, False
    return form, None, True


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
            form.add_error(None, error)
        else:
            flash(request, f"Retired {name}.")
            return redirect(back)
    context |= {"retire_form": form, "retire_name": name, "cancel_url": back}
    return render(request, template, context, status=400 if form.errors else 200)


def restore_page(request: HtmxHttpRequest, subject, *, name: str, back: str) -> HttpResponse:
    if restore(subject, by=request.user) is not None:
        flash(request, f"Restored {name}.")
    return redirect(back)
