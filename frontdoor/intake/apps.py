from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "frontdoor.intake"
    label = "intake"

    def ready(self) -> None:
        from frontdoor.intake import chronology, corrections, twins

        corrections.register_changes()
        chronology.register()
        twins.register()
        from frontdoor.intake.sections import register_child_sections

        register_child_sections()
