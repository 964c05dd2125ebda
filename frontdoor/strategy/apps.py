from django.apps import AppConfig


class StrategyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "frontdoor.strategy"
    verbose_name = "Strategy discussions, section 47 enquiries and conferences"

    def ready(self) -> None:
        from frontdoor.people.chronology import Category, category_register
        from frontdoor.strategy.queues import SOURCE
        from frontdoor.work.queues import queue_source_register

        queue_source_register(SOURCE)
        # "strategy." events already belong to "Strategy discussions and meetings".
        category_register(
            Category("protection", "Section 47 enquiries and conferences", ("s47.", "conference."))
        )
        from frontdoor.people.sections import ChildSection, child_section_register
        from frontdoor.strategy.selectors import strategy_for_child

        child_section_register(
            ChildSection(
                "strategy",
                order=20,
                template="strategy/_child_section.html",
                context=lambda request, child: {
                    "strategy_for_child": strategy_for_child(child, request.user)
                },
            )
        )
