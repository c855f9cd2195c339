"""The forms of the People pages: a role (site-wide or in one register) with a reason, an
account's activity with a reason, an invitation, accepting one, and the audit log's
filters."""

from __future__ import annotations

import re

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from mapping.access.people import ADMINISTRATOR, NO_ROLE, why_not_invite
from mapping.forms.query import AskedOnce
from mapping.forms.text import TextField
from mapping.models import Audit, Mapping, Role
from mapping.models.search import QUOTES

AT_ONCE = 200  # invitations in one go
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


class ForgetForm(forms.Form):
    """Erasing someone's details: with a reason, and their username typed out, as the
    one thing that says the administrator means this person."""

    reason = REASON
    username = forms.CharField(
        label="Type their username to confirm", max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": "Type their username to confirm."},
    )  # fmt: skip

    def __init__(self, *args, person, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.person = person

    def clean_username(self) -> str:
        typed = self.cleaned_data["username"].strip()
        if typed != self.person.get_username():
            raise forms.ValidationError(
                f"That is not their username: type “{self.person.get_username()}”."
            )
        return typed


class InviteForm(_Where):
    email = forms.CharField(
        label="Email addresses", max_length=AT_ONCE * 100,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off", "spellcheck": "false"}),
        help_text=f"One or more, one a line or separated by commas or semicolons, or pasted "
                  f"from an address book (Jane Smith <jane@example.org>): up to {AT_ONCE} at "
                  "once, all with the role chosen below.",
        error_messages={"required": "Give the email address to invite."},
    )  # fmt: skip
    role = forms.ChoiceField(
        label="Role",
        choices=Role.choices,
        help_text=ROLE_HELP,
        initial=Role.VIEWER,
        error_messages={"invalid_choice": "Choose a role from the list."},
    )
    field_order = ["email", "role", "mapping"]

    def clean_email(self) -> list[str]:
        """The addresses typed or pasted, each once, in lower case; a bad one is named."""
        found = list(dict.fromkeys(a.lower() for a in addresses_in(self.cleaned_data["email"])))
        if not found:
            raise ValidationError("Give the email address to invite.")
        if len(found) > AT_ONCE:
            raise ValidationError(f"That is {len(found)} addresses: invite up to {AT_ONCE} at "
                                  "once.")  # fmt: skip
        # Every address that cannot be invited, named at once (at most the first ten).
        taken = why_not_invite([address for address in found if _is_email(address)])
        problems = [
            taken[address] if _is_email(address)
            else f"“{address}” is not an email address: write it as name@example.org."
            for address in found if address in taken or not _is_email(address)
        ]  # fmt: skip
        if problems:
            raise ValidationError(problems[:10] + ([f"… and {len(problems) - 10} more."]
                                                   if len(problems) > 10 else []))  # fmt: skip
        return found


def addresses_in(text: str) -> list[str]:
    """The addresses in what was pasted: one a line, or separated by commas, semicolons or
    spaces; or as an address book copies them, "Smith, Jane <jane@example.org>; …", where
    each <address> is one and the names around them are not."""
    text = re.sub(r'"[^"]*"', " ", text)  # a quoted name ("Jones, Bob") is no address
    if "<" in text:
        named = re.findall(r"<([^<>]*)>", text)
        rest = re.sub(r"<[^<>]*>", " ", text)
        return [a.strip() for a in named if a.strip()] + [
            word for word in re.split(r"[\s,;]+", rest) if "@" in word
        ]  # fmt: skip
    return [word for word in re.split(r"[\s,;]+", text) if word]


def _is_email(address: str) -> bool:
    try:
        validate_email(address)
    except ValidationError:
        return False
    return len(address) <= 254


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


class LogFilter(AskedOnce):
    action = forms.ChoiceField(
        label="What happened",
        required=False,
        choices=[("", "Everything"), *Audit.choices],
        error_messages={"invalid_choice": "Choose from the list."},
    )
    person = forms.CharField(label="Who (username)", required=False, max_length=150)
    page = forms.IntegerField(required=False, min_value=1, max_value=100_000)


class PeopleFilter(AskedOnce):
    """/people/'s query string: whom to find (quote marks round it left out, curly
    apostrophes read as straight ones, as the link table's search does), and the page."""

    def clean_q(self) -> str:
        typed = self.cleaned_data["q"].translate(QUOTES).replace('"', "")
        return " ".join(typed.split())

    q = forms.CharField(
        label="Find by name or email", required=False, max_length=200,
        error_messages={"max_length": "Keep it under %(limit_value)d characters."},
    )  # fmt: skip
    page = forms.IntegerField(required=False, min_value=1, max_value=1_000_000,
                              error_messages={"invalid": "The page must be a whole number.",
                                              "min_value": "Pages start at 1."})  # fmt: skip
