"""The JSON API (django-ninja): see ``frontdoor.api.api`` and docs/api.md."""
