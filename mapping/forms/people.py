"""The forms of the People pages: a role (site-wide or in one register) with a reason, an
account's activity with a reason, an invitation, accepting one, and the audit log's
filters."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model, password_validation

from mapping.access.people import ADMINISTRATOR, NO_ROLE
from mapping.forms.text import TextField
from mapping.models import Audit, Mapping, Role

ROLE_CHOICES = [(NO_ROLE, "No role"), *Role.choices, (ADMINISTRATOR, "Administrator")]
# What a role decides, said where one is chosen: reading is not a register's to give.
ROLE_HELP = ("Anyone signed in reads every register, with or without a role (on a public site, "
             "anyone at all). A role decides who edits and who publishes: in one register, or "
             "in all of them.")  # fmt: skip
REASON = TextField(
    label="Reason", max_length=500, widget=forms.TextInput,
    help_text="Kept in the audit log.",
    error_messages={"required": "Say why: it is kept in the audit log."},
)  # fmt: skip


class _Where(forms.Form):
    mapping = forms.ModelChoiceField(
        label="Where", queryset=Mapping.objects.order_by("name"), required=False,
        empty_label="The whole site",
        error_messages={"invalid_choice": "There is no such register: choose one from the list."},
    )  # fmt: skip

    def clean(self):
        data = super().clean()
        if data.get("role") == ADMINISTRATOR and data.get("mapping") is not None:
            self.add_error("role", "An administrator is one for the whole site: choose “The "
                                   "whole site”.")  # fmt: skip
        return data


class RoleForm(_Where):
    role = forms.ChoiceField(
        label="Role",
        choices=ROLE_CHOICES,
        help_text=ROLE_HELP,
        error_messages={"invalid_choice": "Choose a role from the list."},
    )
    reason = REASON
    yourself = forms.BooleanField(
        label="I am taking away my own administrator role", required=False,
        help_text="You will no longer manage people or the site's settings.",
    )  # fmt: skip


class ActiveForm(forms.Form):
    active = forms.TypedChoiceField(choices=[("true", "Reactivate"), ("false", "Deactivate")],
                                    coerce=lambda value: value == "true")  # fmt: skip
    reason = REASON


class InviteForm(_Where):
    email = forms.EmailField(label="Email address", max_length=254, error_messages={
        "invalid": "Enter an email address, such as name@example.org.",
        "required": "Give the email address to invite.",
    })  # fmt: skip
    role = forms.ChoiceField(
        label="Role",
        choices=Role.choices,
        help_text=ROLE_HELP,
        initial=Role.VIEWER,
        error_messages={"invalid_choice": "Choose a role from the list."},
    )
    field_order = ["email", "role", "mapping"]

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


class AcceptForm(forms.Form):
    name = TextField(label="Your name", max_length=200)
    username = forms.RegexField(
        label="Username", max_length=150, regex=r"^[\w.@+-]+\Z",
        help_text="What you sign in with: letters, digits and @ . + - _ only.",
        error_messages={"invalid": "Use letters, digits and @ . + - _ only."},
    )  # fmt: skip
    password = forms.CharField(label="Password", strip=False, widget=forms.PasswordInput(
        attrs={"autocomplete": "new-password"}))  # fmt: skip
    password_again = forms.CharField(label="The password again", strip=False,
                                     widget=forms.PasswordInput(
                                         attrs={"autocomplete": "new-password"}))  # fmt: skip

    def __init__(self, *args, email: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        data = super().clean()
        password, again = data.get("password"), data.get("password_again")
        if password and again and password != again:
            self.add_error("password_again", "The two passwords differ: type the same twice.")
        elif password:
            someone = get_user_model()(username=data.get("username", ""), email=self.email)
            try:
                password_validation.validate_password(password, someone)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return data


class LogFilter(forms.Form):
    action = forms.ChoiceField(
        label="What happened",
        required=False,
        choices=[("", "Everything"), *Audit.choices],
        error_messages={"invalid_choice": "Choose from the list."},
    )
    person = forms.CharField(label="Who (username)", required=False, max_length=150)
    page = forms.IntegerField(required=False, min_value=1, max_value=100_000)
