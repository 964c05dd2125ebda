from django.apps import AppConfig


class EscalationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "frontdoor.escalations"
    verbose_name = "Escalations and professional disagreements"

    def ready(self) -> None:
        from frontdoor.escalations.queues import SOURCE
        from frontdoor.people.chronology import Category, category_register
        from frontdoor.work.queues import queue_source_register

        queue_source_register(SOURCE)
        category_register(
            Category("escalations", "Escalations and disagreements", ("escalation.",))
        )
        from frontdoor.escalations.selectors import escalations_for_child
        from frontdoor.people.sections import ChildSection, child_section_register

        child_section_register(
            ChildSection(
                "escalations",
                order=40,
                template="escalations/_child_section.html",
                context=lambda request, child: {
                    "escalations_for_child": escalations_for_child(child, request.user)
                },
            )
        )
