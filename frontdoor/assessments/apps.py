from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "frontdoor.assessments"
    verbose_name = "Child and family assessments"

    def ready(self) -> None:
        from frontdoor.assessments.queues import SOURCE
        from frontdoor.people.chronology import Category, category_register
        from frontdoor.work.queues import queue_source_register

        queue_source_register(SOURCE)
        category_register(Category("assessments", "Assessments", ("assessment.",)))
