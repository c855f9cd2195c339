from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_delete, post_save
from django.utils.module_loading import import_string

from mapping.access import logins

# The rows a register shows: saving or deleting one by any road announces it (the safety
# net of mapping/models/events.py).
REGISTER_ROWS = (
    "standards.Framework", "standards.Element", "mapping.Mapping", "mapping.Link",
    "mapping.ReviewedGap", "mapping.Edition", "mapping.ReviewedPair",
)  # fmt: skip
# Who listens when the write path announces that registers changed: their versions (and so
# their kept pages) renew, then their PDFs are queued.
LISTENERS = (
    "mapping.caching.versioning.registers_changed", "mapping.tasks.registers_changed",
    "mapping.notifying.queue.registers_changed",
)  # fmt: skip


def _later(path: str):
    """A receiver named by its dotted path and found when first called: its module needs
    the models, which are not loaded yet when this app is."""

    def receive(*args, **kwargs):
        return import_string(path)(*args, **kwargs)

    return receive


class MappingConfig(AppConfig):
    default = True
    name = "mapping"
    verbose_name = "Mappings and links"

    def ready(self) -> None:
        logins.connect()
        changed = import_string("mapping.models.events.registers_changed")
        for path in LISTENERS:
            changed.connect(_later(path), weak=False, dispatch_uid=path)
        net = import_string("mapping.models.events.announce_saved")
        for model in REGISTER_ROWS:
            for signal in (post_save, post_delete):
                signal.connect(net, sender=model, dispatch_uid=f"weave-net-{model}")


class WeaveAdminConfig(admin_apps.AdminConfig):
    """Django's admin, on a site that refuses signed-in people who are not staff (named in
    INSTALLED_APPS in its place)."""

    default = False
    default_site = "mapping.access.admin_site.WeaveAdminSite"
