from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    name = "frontdoor.policies"
    label = "policies"
