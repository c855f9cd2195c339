"""People, for administrators: everyone with their roles, how they sign in, when they last
did and whether they are active; one person's roles and account, changed with a reason;
invitations by email; and the audit log. Accepting an invitation is for the person invited,
signed out, with the link they were sent."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from mapping.access import oidc
from mapping.access import people as operations
from mapping.access.forgetting import is_forgotten
from mapping.access.logins import locked_out_names, lockouts, unlock
from mapping.forms.people import (
    AcceptForm,
    ActiveForm,
    InviteForm,
    LogFilter,
    PeopleFilter,
    RoleForm,
)
from mapping.forms.text import add_refusal
from mapping.models import ApiToken, AuditEntry, Invitation, Membership
from mapping.models.memberships import RANK, Role, Roles
from mapping.notifying.invitations import send_invitations
from mapping.views.lookups import flash

LOG_PAGE = 100
PEOPLE_PAGE = 50
INVITATIONS_KEPT = 30  # days an invitation that ran out stays listed, to send again


def provider_only() -> bool:
    """Whether people sign in through the identity provider alone."""
    return oidc.enabled() and not settings.WEAVE_PASSWORD_LOGIN


logger = logging.getLogger("weave.people")


def _people(*, by_where: bool = False):
    """Everyone with their roles: all of them (a person's page), or, by_where, the
    site-wide role and the registers' roles apart (the list's two columns)."""
    memberships = Membership.objects.select_related("mapping").order_by("mapping__name")
    roles = [Prefetch("memberships", queryset=memberships)]
    if by_where:
        roles = [Prefetch("memberships", queryset=memberships.filter(mapping__isnull=True),
                          to_attr="site_memberships"),
                 Prefetch("memberships", queryset=memberships.filter(mapping__isnull=False),
                          to_attr="register_memberships")]  # fmt: skip
    return get_user_model().objects.prefetch_related(*roles).order_by("-is_active", "username")


def _outranked(person, role: str, mapping) -> str:
    """What to add when a role in one register is less than the person's role site-wide,
    which counts in every register: the change has no effect while that stays."""
    if mapping is None or role == operations.NO_ROLE:
        return ""
    held = Roles(get_user_model().objects.get(pk=person.pk))
    here = RANK.get(Role(role), 0) if role in Role.values else 0
    if held.superuser or held.site > here:
        above = "administrator" if held.superuser else \
            next(r.label.lower() for r, rank in RANK.items() if rank == held.site)  # fmt: skip
        return (
            f" Their role site-wide ({above}) counts in every register, {mapping.name} "
            "too: this one has no effect while that stays."
        )
    return ""


@require_safe
def people(request: HttpRequest) -> HttpResponse:
    """Everyone, PEOPLE_PAGE a page, found by name or address; the invitations waiting,
    and those that ran out in the last INVITATIONS_KEPT days without being accepted."""
    operations.require_administrator(request.user)
    form = PeopleFilter(request.GET)
    if not form.is_valid():
        return render(request, "mapping/people.html", {"form": form}, status=400)
    found = _people(by_where=True)
    invitations = Invitation.objects.select_related("mapping", "invited_by")
    if said := form.cleaned_data["q"]:
        for word in said.split():
            invitations = invitations.filter(email__icontains=word)
        for word in said.split():  # "Amelia Hughes": each word in some part of them
            found = found.filter(
                Q(username__icontains=word) | Q(email__icontains=word)
                | Q(first_name__icontains=word) | Q(last_name__icontains=word)
            )  # fmt: skip
    page = Paginator(found, PEOPLE_PAGE).get_page(form.cleaned_data["page"] or 1)
    if form.cleaned_data["page"] and form.cleaned_data["page"] > page.paginator.num_pages:
        form.add_error("page", f"There is no page {form.cleaned_data['page']}.")
        return render(request, "mapping/people.html", {"form": form}, status=400)
    waiting = invitations.pending().order_by("email")
    context = {
        "form": form, "page": page, "query": form.cleaned_data["q"],
        "invitations": waiting[:PEOPLE_PAGE], "invitations_more": waiting.count() - PEOPLE_PAGE,
        "expired": invitations.ran_out(since=timezone.now() - timedelta(days=INVITATIONS_KEPT)),
        "expired_days": INVITATIONS_KEPT, "locked": locked_out_names(),
    }  # fmt: skip
    return render(request, "mapping/people.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def person(request: HttpRequest, pk: int) -> HttpResponse:
    operations.require_administrator(request.user)
    someone = get_object_or_404(_people(), pk=pk)
    role_form = RoleForm(request.POST if "role" in request.POST else None,
                         initial={"role": operations.role_in(someone, None)})  # fmt: skip
    # One form a request: the page posts one or the other, never both.
    posts_active = "active" in request.POST and not role_form.is_bound
    # Ids of its own: both forms have a reason, and labels find fields by id.
    active_form = ActiveForm(request.POST if posts_active else None, auto_id="active-%s")
    status = 200
    for form in (role_form, active_form):
        if not form.is_bound:
            continue
        if form.is_valid():
            data = form.cleaned_data
            if form is role_form and _steps_down(request.user, someone, data):
                form.add_error("yourself", "This takes away your own administrator role: tick "
                                           "the box to go ahead.")  # fmt: skip
                status = 400
                continue
            try:
                if form is role_form:
                    changed = operations.change_role(someone, data["role"], data["mapping"],
                                                     by=request.user, reason=data["reason"],
                                                     request=request)  # fmt: skip
                    flash(request, _role_said(someone, data, changed))
                    if someone == request.user and not operations.is_administrator(someone):
                        return redirect("home")  # People is no longer theirs to see
                else:
                    revoked = operations.set_active(
                        someone, data["active"], by=request.user, reason=data["reason"],
                        request=request,
                    )  # fmt: skip
                    flash(request, _active_said(someone, data["active"], revoked))
                return redirect("person", pk=someone.pk)
            except ValidationError as error:
                add_refusal(form, error)
        status = 400
    entries = AuditEntry.objects.filter(person=someone)[:20]
    tokens = someone.api_tokens.order_by("revoked_at", "-created_at")
    context = {"someone": someone, "role_form": role_form, "active_form": active_form,
               "entries": entries, "tokens": tokens,
               "yourself": someone == request.user and someone.is_superuser,
               "is_you": someone == request.user, "forgotten": is_forgotten(someone),
               "lockouts": lockouts(someone),
               "cooloff": f"{settings.AXES_COOLOFF_TIME.total_seconds() // 60:.0f} minutes",
               # Deactivating the last administrator is refused: not offered either.
               "last_administrator": operations.is_last_administrator(someone)}  # fmt: skip
    return render(request, "mapping/person.html", context, status=status)


def _steps_down(user, someone, data) -> bool:
    """Whether an administrator is taking their own administrator role away without ticking
    the box that says they mean it (the last one may not at all: change_role says so)."""
    return (someone == user and someone.is_superuser and data["mapping"] is None
            and data["role"] != operations.ADMINISTRATOR and not data.get("yourself")
            and not operations.is_last_administrator(someone))  # fmt: skip


def _active_said(someone, active: bool, revoked: int) -> str:
    said = f"{someone.get_username()} is now {'active' if active else 'deactivated'}"
    return said + (f"; {operations.tokens_said(revoked)} revoked." if revoked else ".")


def _role_said(someone, data, changed: bool) -> str:
    """What the role form did, in words: "alice is now an editor in Ours onto CIH"."""
    if not changed:
        return "That was already their role: nothing changed."
    name = someone.get_username()
    where = f" in {data['mapping'].name}" if data["mapping"] is not None else " site-wide"
    role = data["role"]
    if role == operations.NO_ROLE:
        said = f"{name} now has no role{where}."
    elif role == operations.ADMINISTRATOR:
        said = f"{name} is now an administrator of the whole site."
    else:
        label = Role(role).label.lower()
        said = f"{name} is now {'an' if label[0] in 'aeiou' else 'a'} {label}{where}."
    return said + _outranked(someone, role, data["mapping"])


@require_POST
def person_token_revoke(request: HttpRequest, pk: int, token: int) -> HttpResponse:
    """An administrator revokes one of someone's API tokens."""
    operations.require_administrator(request.user)
    found = get_object_or_404(ApiToken, pk=token, user_id=pk)
    if operations.revoke_token(found, by=request.user, request=request):
        flash(request, f"Revoked {found.user.get_username()}'s token “{found.name}”: it no "
                       "longer opens the API.")  # fmt: skip
    else:
        flash(request, f"The token “{found.name}” was already revoked: nothing changed.")
    return redirect("person", pk=pk)


@require_POST
def person_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    """Lift a lockout after failed sign-ins, so that the person may try again at once."""
    operations.require_administrator(request.user)
    someone = get_object_or_404(_people(), pk=pk)
    if unlock(someone, by=request.user, request=request):
        flash(request, f"{someone.get_username()} may sign in again.")
    else:
        flash(request, f"{someone.get_username()} was not locked out: nothing changed.")
    return redirect("person", pk=pk)


@require_http_methods(["GET", "HEAD", "POST"])
def invite(request: HttpRequest) -> HttpResponse:
    operations.require_administrator(request.user)
    form = InviteForm(request.POST or None)
    made = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            issued = operations.invite(data["email"], data["role"], data["mapping"],
                                       by=request.user, request=request)  # fmt: skip
        except ValidationError as error:
            form.add_error("email", error)
        else:
            made, form = send_invitations(issued), InviteForm()
    context = {"form": form, "made": made, "all_sent": all(one["sent"] for one in made)}
    response = render(request, "mapping/people_invite.html", context,
                      status=400 if form.errors else 200)  # fmt: skip
    add_never_cache_headers(response)  # the link is on this page once
    return response


@require_POST
def invitation_again(request: HttpRequest, pk: int) -> HttpResponse:
    """Send an invitation again, with a new link (the old one stops working)."""
    operations.require_administrator(request.user)
    invitation = get_object_or_404(Invitation, pk=pk)
    try:
        [made] = send_invitations([operations.invite_again(invitation, by=request.user,
                                                           request=request)])  # fmt: skip
    except ValidationError as error:
        flash(request, " ".join(error.messages))
        return redirect("people")
    context = {"form": InviteForm(), "made": [made], "all_sent": made["sent"], "again": True}
    response = render(request, "mapping/people_invite.html", context)
    add_never_cache_headers(response)  # the link is on this page once
    return response


@require_POST
def invitation_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    operations.require_administrator(request.user)
    invitation = get_object_or_404(Invitation, pk=pk)
    try:
        operations.withdraw(invitation, by=request.user, request=request)
        flash(request, f"Withdrew the invitation to {invitation.email}: its link no longer works.")
    except ValidationError as error:
        flash(request, " ".join(error.messages))
    return redirect("people")


@login_not_required  # the person invited has no account yet, on a private site too
@require_http_methods(["GET", "HEAD", "POST"])
def invitation_accept(request: HttpRequest, key: str) -> HttpResponse:
    invitation = Invitation.objects.for_key(key)
    if invitation is None:
        problem = ("This invitation link is not one Weave made: check that the whole link was "
                   "copied, or ask for a new invitation.")  # fmt: skip
        return render(request, "mapping/invitation_accept.html", {"problem": problem},
                      status=404)  # fmt: skip
    problem = invitation.problem
    if invitation.accepted_at and request.user.is_authenticated:  # already signed in
        problem = problem.replace(" Sign in instead.", "")
    context = {"invitation": invitation, "problem": problem}
    if invitation.problem or request.user.is_authenticated:
        status = 410 if invitation.problem else 200  # signed in: a page saying so
        response = render(request, "mapping/invitation_accept.html", context, status=status)
    elif provider_only():
        if request.method == "POST":  # the account, then straight to the identity provider
            try:
                operations.accept(invitation, username=operations.free_username(
                    invitation.email), name="", password=None, request=request)  # fmt: skip
            except ValidationError as error:
                context["problem"] = " ".join(error.messages)
                return render(request, "mapping/invitation_accept.html", context, status=409)
            return redirect("oidc_authentication_init")
        context["provider_button"] = settings.WEAVE_OIDC_BUTTON
        response = render(request, "mapping/invitation_accept.html", context)
    else:
        form = AcceptForm(request.POST or None, email=invitation.email)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                someone = operations.accept(invitation, username=data["username"],
                                            name=data["name"], password=data["password"],
                                            request=request)  # fmt: skip
            except ValidationError as error:
                add_refusal(form, error)
            else:
                login(request, someone, backend="mapping.access.oidc.PasswordBackend")
                flash(request, f"Welcome to Weave, {someone.first_name or someone.username}.")
                # To the register they were invited to, where their role is.
                mapping = invitation.mapping
                return redirect(reverse("home", kwargs=mapping.url_kwargs) if mapping else "/")
        context["form"] = form
        response = render(request, "mapping/invitation_accept.html", context,
                          status=400 if form.errors else 200)  # fmt: skip
    add_never_cache_headers(response)
    return response


@require_safe
def people_log(request: HttpRequest) -> HttpResponse:
    operations.require_administrator(request.user)
    form = LogFilter(request.GET)
    entries = AuditEntry.objects.select_related("person")
    status = 200
    number = 1
    if form.is_valid():
        data = form.cleaned_data
        if data["action"]:
            entries = entries.filter(action=data["action"])
        if name := data["person"]:
            # SQLite folds the case of ASCII letters alone: ÅLICE is found as ålice too.
            found = Q()
            for said in {name, name.lower(), name.upper()}:
                found |= Q(subject__iexact=said) | Q(actor_name__iexact=said)
            # …and what was about them before they had an account (invited by address).
            emails = get_user_model().objects.filter(username__iexact=name).exclude(email="")
            for email in emails.values_list("email", flat=True):
                found |= Q(subject__iexact=email)
            entries = entries.filter(found)
        number = data["page"] or 1
    else:
        status = 400
    paginator = Paginator(entries, LOG_PAGE)
    page = paginator.get_page(number)
    if status == 200 and number > paginator.num_pages:  # as People says of its pages
        form.add_error("page", f"There is no page {number}: the log has "
                       f"{paginator.num_pages}.")  # fmt: skip
        status = 400
    context = {"form": form, "page": page, "days": settings.WEAVE_AUDIT_DAYS}
    return render(request, "mapping/people_log.html", context, status=status)
