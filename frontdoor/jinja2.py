"""The Jinja2 environment for GOV.UK Frontend pages."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.messages import get_messages
from django.middleware.csrf import get_token
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from jinja2 import ChoiceLoader, Environment, PackageLoader, PrefixLoader
from markupsafe import Markup, escape


def url(name: str, *args: Any, **kwargs: Any) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


def csrf_input(request: Any) -> Markup:
    return Markup('<input type="hidden" name="csrfmiddlewaretoken" value="{}">').format(
        escape(get_token(request))
    )


def local_datetime(value: Any, fmt: str = "%-d %b %Y %H:%M") -> str:
    if value is None:
        return ""
    if hasattr(value, "tzinfo") and value.tzinfo is not None:
        value = timezone.localtime(value)
    return str(value.strftime(fmt))


def local_date(value: Any) -> str:
    if value is None:
        return ""
    return str(value.strftime("%-d %b %Y"))


def environment(**options: Any) -> Environment:
    base_loader = options.pop("loader", None)
    env = Environment(**options)
    loaders = [PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")})]
    if base_loader is not None:
        loaders.insert(0, base_loader)
    env.loader = ChoiceLoader(loaders) if base_loader is None else ChoiceLoader(loaders)
    env.globals.update(
        {
            "static": static,
            "url": url,
            "csrf_input": csrf_input,
            "get_messages": get_messages,
            "service_name": settings.FRONTDOOR_SERVICE_NAME,
            "council_name": settings.FRONTDOOR_COUNCIL_NAME,
        }
    )
    env.filters.update({"datetime": local_datetime, "date": local_date})
    return env
