from django.apps import AppConfig


class RetentionConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "frontdoor.retention"
    verbose_name = "Data protection: retention and subject access"

    def ready(self) -> None:
        from frontdoor.people.chronology import Category, category_register

        category_register(Category("retention", "Retention and deletion", ("retention.",)))
