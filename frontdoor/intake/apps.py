from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "frontdoor.intake"
    label = "intake"

    def ready(self) -> None:
        from frontdoor.intake import corrections

        corrections.register_changes()
        from frontdoor.intake.sections import register_child_sections

        register_child_sections()
