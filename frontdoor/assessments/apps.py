from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "frontdoor.assessments"
    verbose_name = "Child and family assessments"
