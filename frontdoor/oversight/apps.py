from django.apps import AppConfig


class OversightConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "frontdoor.oversight"
    verbose_name = "Supervision and management oversight"
