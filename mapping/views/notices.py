"""Choosing what Weave emails you (your account's notifications: proposals in the registers
you publish; each register you watch, for its editions and a daily digest), and leaving a
kind of email from the link in one, without signing in."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required, login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from mapping.access.policy import registers_where
from mapping.models import Mapping, Role
from mapping.models.notices import Notice, Preferences, Watch
from mapping.notifying.sending import read_token
from mapping.views.lookups import flash


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def notices(request: HttpRequest) -> HttpResponse:
    user = request.user
    preferences = Preferences.of(user)
    watches = {watch.mapping_id: watch for watch in user.watches.all()}
    registers = list(Mapping.objects.order_by("-is_default", "name"))
    publishes = registers_where(user, Role.PUBLISHER).exists()
    if request.method == "POST":
        chosen = set(request.POST.getlist("chosen"))
        with transaction.atomic():
            preferences.proposals = "proposals" in chosen
            preferences.save(update_fields=["proposals"])
            for mapping in registers:
                editions = f"editions:{mapping.pk}" in chosen
                digest = f"digest:{mapping.pk}" in chosen
                if editions or digest:
                    Watch.objects.update_or_create(user=user, mapping=mapping, defaults={
                        "editions": editions, "digest": digest})  # fmt: skip
                else:
                    Watch.objects.filter(user=user, mapping=mapping).delete()
        flash(request, "Saved what Weave emails you.")
        return redirect("notices")
    rows = [(mapping, watches.get(mapping.pk)) for mapping in registers]
    context = {"preferences": preferences, "rows": rows, "publishes": publishes,
               "has_email": bool(user.email)}  # fmt: skip
    return render(request, "mapping/notices.html", context)


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """The link in every notification: a button to stop that kind of email (a link
    scanner's GET changes nothing)."""
    found = read_token(token)
    person = get_user_model().objects.filter(pk=found["user"]).first() if found else None
    if person is None:
        return render(request, "mapping/unsubscribe.html", {"problem": True}, status=400)
    mapping = Mapping.objects.filter(pk=found["mapping"]).first() if found["mapping"] else None
    kind = found["kind"]
    context = {"person": person, "mapping": mapping, "kind": kind, "done": False}
    if request.method == "POST":
        if kind == Notice.Kind.PROPOSALS:
            Preferences.objects.update_or_create(user=person, defaults={"proposals": False})
        else:
            field = "editions" if kind == Notice.Kind.EDITION else "digest"
            Watch.objects.filter(user=person, mapping=mapping).update(**{field: False})
        context["done"] = True
    return render(request, "mapping/unsubscribe.html", context)
