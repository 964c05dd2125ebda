from django.apps import AppConfig


class EscalationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "frontdoor.escalations"
    verbose_name = "Escalations and professional disagreements"
