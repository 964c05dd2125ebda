from django.apps import AppConfig


class MatchingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "frontdoor.matching"
    verbose_name = "Person matching"

    def ready(self) -> None:
        from frontdoor.matching.sections import register_child_sections

        register_child_sections()
