from django.apps import AppConfig


class OversightConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "frontdoor.oversight"
    verbose_name = "Supervision and management oversight"

    def ready(self) -> None:
        from frontdoor.oversight.queues import SOURCE
        from frontdoor.people.chronology import Category, category_register
        from frontdoor.work.queues import queue_source_register

        category_register(
            Category(
                "oversight", "Supervision and management oversight", ("oversight.", "supervision.")
            )
        )
        queue_source_register(SOURCE)
        from frontdoor.oversight.selectors import oversight_for_child
        from frontdoor.people.sections import ChildSection, child_section_register

        child_section_register(
            ChildSection(
                "oversight",
                order=50,
                template="oversight/_child_section.html",
                context=lambda request, child: {
                    "oversight_for_child": oversight_for_child(child, request.user)
                },
            )
        )
