from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_save
from django.utils.module_loading import import_string

from mapping.access import logins
from mapping.caching import versioning


def _watch(sender, connection, **kwargs) -> None:
    if versioning.note_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(versioning.note_writes)


def _later(path: str):
    """A receiver named by its dotted path and found when first called: its module needs
    the models, which are not loaded yet when this app is."""

    def receive(*args, **kwargs):
        return import_string(path)(*args, **kwargs)

    return receive


class MappingConfig(AppConfig):
    name = "mapping"
    verbose_name = "Mappings and links"

    def ready(self) -> None:
        logins.connect()
        connection_created.connect(_watch, dispatch_uid="weave-watch-writes")
        # PDFs are rendered in the background as soon as the register changes or an
        # edition is published (mapping/tasks.py).
        versioning.written.connect(
            _later("mapping.tasks.queue_live_pdfs"), weak=False, dispatch_uid="weave-live-pdfs"
        )
        post_save.connect(
            _later("mapping.tasks.queue_edition_pdf"),
            sender="mapping.Edition",
            weak=False,
            dispatch_uid="weave-edition-pdf",
        )
