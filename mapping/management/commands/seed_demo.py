import os
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from pydantic import ValidationError

from mapping.roles import Role
from mapping.schemas import MappingPayload
from standards.schemas import FrameworkPayload

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
FRAMEWORK_FILES = ["cih-professional-standards-2021.json", "example-homes-behaviours.json"]
MAPPING_FILES = ["example-homes-mapping.json"]
DEMO_ACCOUNTS = [
    ("viewer", Role.VIEWER),
    ("editor", Role.EDITOR),
    ("publisher", Role.PUBLISHER),
    ("admin", None),
]


class Command(BaseCommand):
    help = (
        "Load the CIH Professional Standards, the illustrative Example Homes behaviours and "
        "their mapping, and a demo account per role (viewer, editor, publisher, admin). "
        "Safe to run again: it only adds what is missing "
        "and never overwrites edits."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=os.environ.get("WEAVE_DEMO_PASSWORD", ""),
            help="Password for the demo accounts (default: $WEAVE_DEMO_PASSWORD, or a "
            "generated one, printed, when an account is first created).",
        )

    @transaction.atomic
    def handle(self, *args, password: str, **options):
        created = 0
        try:
            for name in FRAMEWORK_FILES:
                payload = FrameworkPayload.model_validate_json((FIXTURES / name).read_text())
                created += payload.save()[1]
            for name in MAPPING_FILES:
                payload = MappingPayload.model_validate_json((FIXTURES / name).read_text())
                created += payload.save()[1]
        except (ValidationError, ValueError) as error:
            raise CommandError(f"The demo data in {FIXTURES} is not valid: {error}") from error
        self.stdout.write(
            f"Demo register: {created} new rows" if created else "Demo register: already loaded"
        )
        self.stdout.write("Demo logins, one per role:")
        for username, role in DEMO_ACCOUNTS:
            self._ensure_account(username, role, password)

    def _ensure_account(self, username: str, role: str | None, password: str) -> None:
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        label = role.label.lower() if role else "administrator (every role, and the admin)"
        if user is None:
            password = password or secrets.token_urlsafe(12)
            if role is None:
                User.objects.create_superuser(username, f"{username}@example.invalid", password)
            else:
                user = User.objects.create_user(username, f"{username}@example.invalid", password)
                user.groups.add(Group.objects.get_or_create(name=role)[0])
            self.stdout.write(f"  {label}: {username} / {password}")
        elif password and not user.check_password(password):
            user.set_password(password)
            user.save(update_fields=["password"])
            self.stdout.write(f"  {label}: {username} / {password} (password updated)")
        else:
            shown = password or "(unchanged; set WEAVE_DEMO_PASSWORD to reset it)"
            self.stdout.write(f"  {label}: {username} / {shown}")
