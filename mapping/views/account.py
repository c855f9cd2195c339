"""Your account: who you are, your role, and your personal API tokens (for reading the
API when the site is private). A new token is shown once; only its digest is kept."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_http_methods, require_POST

from mapping.access import oidc
from mapping.access.logins import account_name, address_locked
from mapping.access.people import revoke_token
from mapping.forms.text import SaysWhatIsMissing, TextField, missing
from mapping.models import ApiToken, Audit, AuditEntry, Membership, Role
from mapping.tasks import send_password_reset
from mapping.views.lookups import flash


class SignInForm(SaysWhatIsMissing, AuthenticationForm):
    """Django's form, which tells a deactivated person who gives their right password why
    they cannot come in, rather than that the password is wrong."""

    error_messages = AuthenticationForm.error_messages | {
        "invalid_login": "That username (or email address) and password do not match an "
        "account here. Check them and try again.",
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Username or email address"
        self.fields["username"].error_messages["required"] = missing(self.fields["username"])

    def get_invalid_login_error(self) -> ValidationError:
        username, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
        person = get_user_model()._default_manager.filter(  # typed as sign-in takes it
            **{get_user_model().USERNAME_FIELD: account_name(username)}).first()  # fmt: skip
        if person is not None and not person.is_active and person.check_password(password):
            return ValidationError(
                "This account has been deactivated, so it cannot sign in. Ask an "
                "administrator of this site if you need it again.", code="inactive",
            )  # fmt: skip
        return super().get_invalid_login_error()


class LoginView(auth_views.LoginView):
    """Django's login, refused outright from an address with too many failed logins."""

    authentication_form = SignInForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "provider_button": settings.WEAVE_OIDC_BUTTON if oidc.enabled() else "",
            "passwords": settings.WEAVE_PASSWORD_LOGIN,
        }

    def form_invalid(self, form):
        """A refused login: both fields point at why (the summary), and the password field,
        not the name already typed, is where to start again."""
        if form.non_field_errors():
            for field in form.fields.values():
                field.widget.attrs.pop("autofocus", None)
                field.widget.attrs["aria-describedby"] = "login-error"
                field.widget.attrs["aria-invalid"] = "true"
            form.fields["password"].widget.attrs["autofocus"] = True
        elif form.errors:  # a field left empty: the page starts at it (weave.js), not the name
            form.fields["username"].widget.attrs.pop("autofocus", None)
        return super().form_invalid(form)

    def post(self, request, *args, **kwargs):
        if address_locked(request):
            return render(request, "registration/locked_out.html", status=429)
        if not settings.WEAVE_PASSWORD_LOGIN:
            response = self.get(request, *args, **kwargs)
            response.status_code = 403  # the form is not offered: nothing to post
            return response
        return super().post(request, *args, **kwargs)


class LoggedPassword:
    """Django's own password view, with the new password in the people log (how: said)."""

    said = ""

    def form_valid(self, form):
        response = super().form_valid(form)
        AuditEntry.objects.record(Audit.PASSWORD_SET, by=form.user, person=form.user,
                                  detail=self.said, request=self.request)  # fmt: skip
        return response

    def form_invalid(self, form):
        """Two passwords that differ: both boxes come back empty, so the first (where
        focus goes) says to type it in both again, not the second alone."""
        mismatch = form.has_error("new_password2", "password_mismatch")
        if mismatch and not form.has_error("new_password1"):
            form.add_error("new_password1", "The two did not match: type the new password in "
                                            "both boxes again.")  # fmt: skip
            form.errors.pop("new_password2")  # said once, where focus goes
        return super().form_invalid(form)


class ChangePasswordForm(SaysWhatIsMissing, PasswordChangeForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password2"].error_messages["required"] = "Type the new password again."


class PasswordChangeView(LoggedPassword, auth_views.PasswordChangeView):
    said = "Changed by themselves."
    form_class = ChangePasswordForm


class PasswordResetView(auth_views.PasswordResetView):
    """The address typed is handed to the worker (mapping/tasks.py), whatever it is: the
    answer takes as long, and says as little, whether or not it has an account here, and
    the reset link is made and sent by the worker alone."""

    def form_valid(self, form):
        send_password_reset.enqueue(form.cleaned_data["email"])
        return redirect(self.get_success_url())


class PasswordResetConfirmView(LoggedPassword, auth_views.PasswordResetConfirmView):
    said = "With a reset link sent by email."


# How long a new token may last, in days ("never": until revoked); 90 unless chosen otherwise.
LASTING = [("30", "30 days"), ("90", "90 days"), ("365", "A year"), ("never", "Until I revoke it")]


class TokenForm(forms.Form):
    name = TextField(
        label="What the token is for", max_length=100,
        help_text="A name you will recognise, such as “College intranet”.",
        error_messages={"required": "Say what the token is for."},
    )  # fmt: skip
    lasts = forms.TypedChoiceField(
        label="How long it lasts", choices=LASTING, initial="90", required=False,
        coerce=lambda days: None if days == "never" else timedelta(days=int(days)),
        empty_value=timedelta(days=90),
        help_text="After that it no longer opens the API, and you make a new one.",
        error_messages={"invalid_choice": "Choose one of the lengths offered."},
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    made = None
    if request.method == "POST" and form.is_valid():
        token, key = ApiToken.issue(request.user, form.cleaned_data["name"],
                                    lasts=form.cleaned_data["lasts"])  # fmt: skip
        AuditEntry.objects.record(Audit.TOKEN_MADE, by=request.user, person=request.user,
                                  detail=str(token), request=request)  # fmt: skip
        made, form = {"token": token, "key": key}, TokenForm()
    tokens = request.user.api_tokens.order_by("revoked_at", "-created_at")
    context = {"form": form, "made": made, "tokens": tokens, "roles": _roles_in_words(request.user),
               "public_read": settings.WEAVE_PUBLIC_READ}  # fmt: skip
    response = render(request, "mapping/account.html", context,
                      status=400 if form.errors else 200)  # fmt: skip
    add_never_cache_headers(response)  # a new key is on this page once, never in a cache
    return response


def _roles_in_words(user) -> str:
    """What the person may do, where: "the editor role for the whole site and the publisher
    role in Ours onto CIH", say."""
    if user.is_superuser:
        return "the administrator role: every role, in every register"
    held = Membership.objects.filter(user=user).select_related("mapping")
    said = []
    for membership in sorted(held, key=lambda m: (m.mapping is not None, str(m.mapping))):
        where = f"in {membership.mapping.name}" if membership.mapping else "for the whole site"
        said.append(f"the {Role(membership.role).label.lower()} role {where}")
    if not said:
        return "no role: you read what the site shows, as anyone signed in"
    return ", ".join(said[:-1]) + (" and " if len(said) > 1 else "") + said[-1]


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    revoke_token(token, by=request.user, request=request)
    flash(request, f"Revoked the token “{token.name}”: it no longer opens the API.")
    return redirect("account")
