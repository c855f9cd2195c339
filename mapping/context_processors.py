from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from mapping.models import Edition
from mapping.roles import Role, has_role, role_label


def register(request: HttpRequest) -> dict:
    """What every page's header needs: the reader's role, and the latest edition with how
    many changes have been recorded since (the live pages say so). Each is looked up only
    if the page shows it."""
    user = request.user

    def latest_edition() -> Edition | None:
        return (
            Edition.objects.filter(mapping__is_default=True)
            .with_changes_since()
            .latest_first()
            .only("number", "title", "published_at", "mapping_id")
            .first()
        )

    return {
        "can_edit": SimpleLazyObject(lambda: has_role(user, Role.EDITOR)),
        "can_publish": SimpleLazyObject(lambda: has_role(user, Role.PUBLISHER)),
        "role_label": SimpleLazyObject(lambda: role_label(user)),
        "latest_edition": SimpleLazyObject(latest_edition),
    }
