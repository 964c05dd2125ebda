from django.apps import AppConfig


class StrategyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "frontdoor.strategy"
    verbose_name = "Strategy discussions, section 47 enquiries and conferences"
