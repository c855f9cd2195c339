import os
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from pydantic import ValidationError

from mapping.exchange.schemas import MappingPayload
from mapping.models import Change, Edition, Mapping, Membership, Role
from mapping.models.suggestions import INFERRED, accept, dismiss, prefilled_rationale
from mapping.register import LiveRegister
from mapping.suggesting.listing import find
from standards.models import Framework, SourceCheck
from standards.schemas import FrameworkPayload

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
FRAMEWORK_FILES = [
    "cih-professional-standards-2021.json",
    "example-homes-behaviours.json",
    "competence-and-conduct-2025.json",
]
MAPPING_FILES = ["example-homes-mapping.json", "cih-cc-crosswalk.json"]
# The behaviours → Competence and Conduct register, started from the CIH register and the
# crosswalk: a few of its suggestions accepted by the publisher, one dismissed.
STARTED = {"slug": "example-homes-cc", "name": "Our Behaviours and the Competence and Conduct "
           "Standard", "base": "example-homes-cih", "crosswalk": "cih-cc"}  # fmt: skip
ACCEPTED = [
    ("B2.1", "CC4", "Being honest with residents and colleagues, even when it is hard, is "
     "what our code of conduct asks first."),
    ("B5", "CC1", "Keeping learning is how our staff keep the knowledge a good-quality "
     "service needs; skills and experience come from other behaviours too."),
    ("B9.1", "CC4", "Applying our policies consistently and explaining our reasons is the "
     "code of conduct applied to decisions."),
]  # fmt: skip
DISMISSED = [("B6", "CC1", "Too broad to evidence on its own: we show competence through "
              "B5 and the accepted links instead.")]  # fmt: skip
DEMO_ACCOUNTS = [
    ("viewer", Role.VIEWER),
    ("editor", Role.EDITOR),
    ("publisher", Role.PUBLISHER),
    ("admin", None),
]


class Command(BaseCommand):
    help = (
        "Load the CIH Professional Standards, the Competence and Conduct Standard, the "
        "illustrative Example Homes behaviours, their mapping onto the CIH standards, a "
        "crosswalk from the CIH standards to the Competence and Conduct Standard and a "
        "behaviours register started from the two, a demo account per role (viewer, editor, "
        "publisher, admin) and a first edition of each register to cite. Safe to run again: "
        "it only adds what is missing and never overwrites edits."
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
        mappings = []
        try:
            for name in FRAMEWORK_FILES:
                payload = FrameworkPayload.model_validate_json((FIXTURES / name).read_text())
                created += payload.save()[1]
                created += self._record_wording(payload)
            for name in MAPPING_FILES:
                payload = MappingPayload.model_validate_json((FIXTURES / name).read_text())
                mapping, count = payload.save()
                created += count
                mappings.append(mapping)
        except (ValidationError, ValueError) as error:
            raise CommandError(f"The demo data in {FIXTURES} is not valid: {error}") from error
        self.stdout.write(
            f"Demo register: {created} new rows" if created else "Demo register: already loaded"
        )
        self.stdout.write("Demo logins, one per role:")
        for username, role in DEMO_ACCOUNTS:
            self._ensure_account(username, role, password)
        started = self._start_from_crosswalk()
        for mapping in [*mappings, *([started] if started else [])]:
            self._publish_first_edition(mapping)

    def _start_from_crosswalk(self):
        """The demo's behaviours → Competence and Conduct register, as an editor would make
        it: started from what is mapped, some suggestions accepted, one dismissed."""
        if Mapping.objects.filter(slug=STARTED["slug"]).exists():
            return None
        base = Mapping.objects.with_frameworks().get(slug=STARTED["base"])
        crosswalk = Mapping.objects.with_frameworks().get(slug=STARTED["crosswalk"])
        mapping = Mapping.objects.start_from(base, crosswalk, name=STARTED["name"],
                                             slug=STARTED["slug"])  # fmt: skip
        register = LiveRegister(mapping)
        publisher = get_user_model().objects.filter(username="publisher").first()
        for source, target, why in ACCEPTED:
            suggestion = find(register, INFERRED, f"{source}:{target}")
            if suggestion is None:
                raise CommandError(f"The demo expects {source} → {target} to be inferred.")
            rationale = f"{why} {prefilled_rationale(suggestion)}"
            accept(mapping, suggestion, by=publisher, relation=suggestion.relation,
                   rationale=rationale)  # fmt: skip
        for source, target, reason in DISMISSED:
            suggestion = find(register, INFERRED, f"{source}:{target}")
            if suggestion is None:
                raise CommandError(f"The demo expects {source} → {target} to be inferred.")
            dismiss(mapping, suggestion.source, suggestion.target, by=publisher, reason=reason)
        self.stdout.write(f"Started {mapping.name} from {base.name} and {crosswalk.name}.")
        return mapping

    def _record_wording(self, payload: FrameworkPayload) -> int:
        """Bring an install seeded before elements recorded their wording up to date:
        mark what was checked against the publisher's text (where nobody has said anything
        yet), and mark withdrawn elements as not part of the published standards, keeping
        them and their links. Each is recorded in the history. Returns how many changed."""
        framework = Framework.objects.get(slug=payload.slug)
        elements = {element.code: element for element in framework.elements.all()}
        changed = 0
        for item in payload.elements:
            element = elements.get(item.code)
            untouched = element is not None and element.is_unchecked and not element.checked_on
            if untouched and item.source_check != SourceCheck.UNCHECKED:
                wording = {"source_check": item.source_check, "checked_on": item.checked_on}
                reason = "The demo data records which wording was checked against the source."
                changed += bool(Change.objects.apply(element, wording, by=None, reason=reason))
        for item in payload.withdrawn:
            element = elements.get(item.code)
            if element is not None and not element.is_not_published:
                wording = {"source_check": SourceCheck.NOT_PUBLISHED, "checked_on": None}
                changed += bool(Change.objects.apply(element, wording, by=None, reason=item.reason))
        return changed

    def _publish_first_edition(self, mapping) -> None:
        """A new install has an edition to cite; one that has editions keeps them."""
        if mapping.editions.exists():
            return
        edition = Edition.objects.publish(
            mapping,
            by=get_user_model().objects.filter(username="publisher").first(),
            title="First edition",
            notes="The demonstration register as Weave ships it.",
        )
        self.stdout.write(f"Published edition {edition.number} of {mapping.name}.")

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
                Membership.objects.create(user=user, mapping=None, role=role)
            self.stdout.write(f"  {label}: {username} / {password}")
        elif password and not user.check_password(password):
            user.set_password(password)
            user.save(update_fields=["password"])
            self.stdout.write(f"  {label}: {username} / {password} (password updated)")
        else:
            shown = password or "(unchanged; set WEAVE_DEMO_PASSWORD to reset it)"
            self.stdout.write(f"  {label}: {username} / {shown}")
