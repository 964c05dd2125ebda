from django.apps import AppConfig


class MatchingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "frontdoor.matching"
    verbose_name = "Person matching"
