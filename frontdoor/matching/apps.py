from django.apps import AppConfig


class MatchingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "frontdoor.matching"
    verbose_name = "Person matching"

    def ready(self) -> None:
        from frontdoor.matching.sections import register_child_sections
        from frontdoor.matching.services import match_keys_refresh
        from frontdoor.people.services import person_changed_register

        register_child_sections()
        # The children app tells the matcher when a person's details change.
        person_changed_register(match_keys_refresh)
