from django.apps import AppConfig


class WorkConfig(AppConfig):
    name = "frontdoor.work"
    label = "work"
    verbose_name = "Work queues and housekeeping"

    def ready(self) -> None:
        from frontdoor.intake.reconciliation import gap_check_register
        from frontdoor.work.journey import FEEDBACK_CHECK, JOURNEY_CHECK

        gap_check_register(JOURNEY_CHECK)
        gap_check_register(FEEDBACK_CHECK)
