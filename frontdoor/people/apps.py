from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "frontdoor.people"
    label = "people"

    def ready(self) -> None:
        from frontdoor.people import households, records

        records.register_changes()
        households.register_changes()
