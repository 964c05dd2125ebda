from django.apps import AppConfig


class WorkConfig(AppConfig):
    name = "frontdoor.work"
    label = "work"
    verbose_name = "Work queues and housekeeping"
