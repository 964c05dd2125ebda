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
        from frontdoor.assessments.selectors import assessments_for_child
        from frontdoor.people.sections import ChildSection, child_section_register

        child_section_register(
            ChildSection(
                "assessments",
                order=30,
                template="assessments/_child_section.html",
                context=lambda request, child: {
                    "assessments_for_child": assessments_for_child(child, request.user)
                },
            )
        )
