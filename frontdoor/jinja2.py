"""The Jinja2 environment for GOV.UK Frontend pages."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.messages import get_messages
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from jinja2 import ChoiceLoader, Environment, PackageLoader, PrefixLoader

from frontdoor.people.masking import SHOWN, masked_attribute


def url(name: str, *args: Any, **kwargs: Any) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


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


def escalation_may_raise(user: Any, record: Any) -> bool:
    """May ``user`` raise an escalation about ``record`` (for "Raise an escalation" links)?"""
    from frontdoor.escalations.access import can_raise_about

    return can_raise_about(user, record)


def assessment_may_start(user: Any, transfer: Any) -> bool:
    """May ``user`` start the assessment on ``transfer`` (for the "Start" button)?"""
    from frontdoor.assessments.access import can_start_assessment

    return can_start_assessment(user, transfer)


class FrontDoorEnvironment(Environment):
    """Every attribute a template reads passes ``masked_attribute``: a restricted child's
    identifying details (name, date of birth, NHS number, UPN, addresses, aliases ...) are
    masked for a reader who may not see the child, whatever the template asks for
    (``frontdoor.people.masking``)."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        shown = masked_attribute(obj, attribute)
        if shown is SHOWN:
            return super().getattr(obj, attribute)
        return shown

    def getitem(self, obj: Any, argument: Any) -> Any:
        if isinstance(argument, str):
            shown = masked_attribute(obj, argument)
            if shown is not SHOWN:
                return shown
        return super().getitem(obj, argument)


def environment(**options: Any) -> Environment:
    base_loader = options.pop("loader")
    env = FrontDoorEnvironment(**options)
    govuk = PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")})
    env.loader = ChoiceLoader([base_loader, govuk])
    env.globals.update(
        {
            "static": static,
            "url": url,
            "escalation_may_raise": escalation_may_raise,
            "assessment_may_start": assessment_may_start,
            "get_messages": get_messages,
            "service_name": settings.FRONTDOOR_SERVICE_NAME,
            "council_name": settings.FRONTDOOR_COUNCIL_NAME,
        }
    )
    from frontdoor.accounts.templating import access_globals
    from frontdoor.restricted.templating import restricted_globals

    env.globals.update(access_globals())
    env.globals.update(restricted_globals())
    from frontdoor.audit.changes import event_changes

    env.globals["event_changes"] = event_changes
    env.filters.update({"datetime": local_datetime, "date": local_date})
    return env
