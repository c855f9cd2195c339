"""Erasing a person's details, for administrators: a page of its own that says what goes
and what stays, then asks for a reason and their username typed out
(mapping/access/forgetting.py does it)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from mapping.access import people as operations
from mapping.access.forgetting import forget, is_forgotten
from mapping.forms.people import ForgetForm
from mapping.forms.text import add_refusal
from mapping.views.lookups import flash


@require_http_methods(["GET", "HEAD", "POST"])
def person_forget(request: HttpRequest, pk: int) -> HttpResponse:
    operations.require_administrator(request.user)
    someone = get_object_or_404(get_user_model(), pk=pk)
    if is_forgotten(someone):
        flash(request, "Their personal details were erased already.")
        return redirect("person", pk=someone.pk)
    form = ForgetForm(request.POST or None, person=someone)
    if request.method == "POST" and form.is_valid():
        try:
            was = forget(someone, by=request.user, reason=form.cleaned_data["reason"],
                         request=request)  # fmt: skip
        except ValidationError as error:
            add_refusal(form, error)
        else:
            someone.refresh_from_db()
            flash(request, f"The personal details of {was} are erased: what they did is "
                           f"kept, as done by “{someone.get_full_name()}”.")  # fmt: skip
            return redirect("person", pk=someone.pk)
    status = 400 if form.errors else 200
    return render(request, "mapping/person_forget.html", {"someone": someone, "form": form},
                  status=status)  # fmt: skip
