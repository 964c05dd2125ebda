from django.apps import AppConfig


class FindingConfig(AppConfig):
    name = "frontdoor.finding"
    label = "finding"
    verbose_name = "Finding work: contact search, decisions and closures, caseloads, downloads"

    def ready(self) -> None:
        from frontdoor.finding.decisions import builtin_kinds_register

        builtin_kinds_register()
