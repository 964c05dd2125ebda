from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "frontdoor.accounts"
    label = "accounts"

    def ready(self) -> None:
        from frontdoor.accounts import checks  # noqa: F401  (registers the deploy checks)
