from django.apps import AppConfig

from mapping import logins


class MappingConfig(AppConfig):
    name = "mapping"
    verbose_name = "Mappings and links"

    def ready(self) -> None:
        logins.connect()
