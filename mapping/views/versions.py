"""Moving a register onto a new version of one of its frameworks: the dry run (what is
carried, what is carried for review, what is left on the old version's edition), then the
move, which publishes the old register's last edition if it needs one and makes the
register on the new version. The site's publishers do it: it publishes and makes a
register."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from mapping.access.policy import require
from mapping.forms.registers import name_of_its_own
from mapping.forms.text import TextField, add_refusal
from mapping.models import Mapping, Role
from mapping.register import LiveRegister
from mapping.register.words import counted, possessive
from mapping.versions.moving import MovePlan
from mapping.views.lookups import HtmxHttpRequest, flash, get_live_register
from standards.models import Framework


class MoveForm(forms.Form):
    to = forms.SlugField(widget=forms.HiddenInput, error_messages={
        "required": "Say which new version to move onto (?to=<its short name>)."})  # fmt: skip
    name = TextField(max_length=200, label="Name of the register on the new version")
    slug = forms.SlugField(
        max_length=80,
        label="Its short name, for addresses",
        help_text="Letters, digits and hyphens: /m/<short name>/.",
    )
    make_default = forms.BooleanField(
        required=False, initial=True,
        label="Make it the site's default register (its pages at the top of the site)",
    )  # fmt: skip

    def clean_name(self) -> str:
        return name_of_its_own(self.cleaned_data["name"])

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"]
        if slug == "new" or Mapping.objects.filter(slug=slug).exists():
            raise forms.ValidationError("A register already has that short name: choose another.")
        return slug


@require_http_methods(["GET", "HEAD", "POST"])
def register_move(request: HtmxHttpRequest, slug: str | None = None) -> HttpResponse:
    register = get_live_register(request, slug)
    require(request.user, Role.PUBLISHER)
    data = request.POST if request.method == "POST" else request.GET
    wanted = Framework.objects.filter(slug=data.get("to", "")).first()
    plan, problem = None, ""
    try:
        if wanted is None:
            raise ValidationError("Say which new version to move onto: there is no framework "
                                  f"“{data.get('to', '')}”.")  # fmt: skip
        plan = MovePlan.of(register.mapping, wanted)
    except ValidationError as error:
        problem = " ".join(error.messages)
    if plan is None:
        context = {"register": register, "problem": problem}
        return render(request, "mapping/register_move.html", context, status=400)
    form = MoveForm(request.POST if request.method == "POST" else None,
                    initial={"to": wanted.slug, "name": plan.name, "slug": plan.slug})  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            data = form.cleaned_data
            moved = plan.apply(by=request.user, name=data["name"], slug=data["slug"],
                               make_default=data["make_default"])  # fmt: skip
        except (ValidationError, IntegrityError) as error:
            if isinstance(error, IntegrityError) or "slug" in getattr(error, "error_dict", {}):
                # The short name taken by someone else since the form checked it.
                form.add_error("slug", "A register already has that short name: choose another.")
            else:  # whatever else the move refused, said as it said it
                add_refusal(form, error)
        else:
            carried = len(plan.carried) + len(plan.review)
            flash(request, f"Moved onto {wanted.name_with_version}: {counted(carried, 'link')} "
                           f"carried, {len(plan.review)} of them for review; {len(plan.left)} left "
                           f"on {possessive(register.name)} last edition.")  # fmt: skip
            return redirect(LiveRegister(moved).urls.home)
    context = {"register": register, "plan": plan, "form": form}
    return render(request, "mapping/register_move.html", context,
                  status=400 if form.errors else 200)  # fmt: skip
