from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "frontdoor.outbox"
    label = "outbox"
    verbose_name = "Outbox"

    def ready(self) -> None:
        from frontdoor.outbox import checks  # noqa: F401  (registers the system checks)
