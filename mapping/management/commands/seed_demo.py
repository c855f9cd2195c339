import os
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from pydantic import ValidationError

from mapping.schemas import MappingPayload
from standards.schemas import FrameworkPayload

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
FRAMEWORK_FILES = ["cih-professional-standards-2021.json", "example-homes-behaviours.json"]
MAPPING_FILES = ["example-homes-mapping.json"]


class Command(BaseCommand):
    help = (
        "Load the CIH Professional Standards, the illustrative Example Homes behaviours and "
        "their mapping, and an admin account. Safe to run again: it only adds what is missing "
        "and never overwrites edits."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=os.environ.get("WEAVE_DEMO_PASSWORD", ""),
            help="Password for the demo admin account (default: $WEAVE_DEMO_PASSWORD, "
            "or a generated one, printed, when the account is first created).",
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
        self._ensure_admin(password)

    def _ensure_admin(self, password: str) -> None:
        User = get_user_model()
        admin = User.objects.filter(username="admin").first()
        if admin is None:
            password = password or secrets.token_urlsafe(12)
            User.objects.create_superuser("admin", "admin@example.invalid", password)
            self.stdout.write(f"Admin login: admin / {password}")
        elif password and not admin.check_password(password):
            admin.set_password(password)
            admin.save(update_fields=["password"])
            self.stdout.write(f"Admin login: admin / {password} (password updated)")
        else:
            shown = password or "(unchanged; set WEAVE_DEMO_PASSWORD to reset it)"
            self.stdout.write(f"Admin login: admin / {shown}")
