from django.apps import AppConfig


class RestrictedConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "frontdoor.restricted"
    verbose_name = "Restricted records and break-glass"

    def ready(self) -> None:
        from frontdoor.audit.services import access_guard_register
        from frontdoor.people.chronology import Category, category_register
        from frontdoor.restricted.guard import restricted_guard

        access_guard_register(restricted_guard)
        category_register(Category("restricted", "Restricted record", ("restricted.",)))
