"""How a child's chronology names contacts and referrals (registered from ``ready()``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils import timezone

from frontdoor.accounts.access import Perm
from frontdoor.audit.models import Event
from frontdoor.people.chronology import Link, RecordKind, Viewing, record_kind_register


def _contacts(ids: set[int]) -> Mapping[int, Any]:
    from frontdoor.intake.models import Contact

    return {c.pk: c for c in Contact.objects.filter(pk__in=ids)}


def _contact(pk: int, contact: Any, viewing: Viewing) -> tuple[str, Link]:
    reference = contact.reference if contact else f"#{pk}"
    return f"Contact {reference}", ("contact-detail", pk) if viewing.may(
        Perm.CONTACT_VIEW
    ) else None


def _contact_received(event: Event, contact: Any, viewing: Viewing) -> tuple[str, str] | None:
    """For a child named in a contact: how and from whom it came, and the concern."""
    if event.action != "contact.child_added" or contact is None:
        return None
    received = timezone.localtime(contact.received_at)
    source = contact.get_source_display()
    if contact.referrer_agency:
        source += f" ({contact.referrer_agency})"
    summary = (
        f"Contact {contact.reference} received {received:%-d %b %Y %H:%M}. "
        f"Channel: {contact.get_channel_display()}. Source: {source}."
    )
    return summary, contact.concern if viewing.shown(Perm.CONTACT_VIEW) else ""


def _referrals(ids: set[int]) -> Mapping[int, Any]:
    from frontdoor.intake.models import Referral

    return {
        pk: (contact_id, reference)
        for pk, contact_id, reference in Referral.objects.filter(pk__in=ids).values_list(
            "pk", "contact_child__contact_id", "contact_child__contact__reference"
        )
    }


def _referral(pk: int, found: Any, viewing: Viewing) -> tuple[str, Link]:
    contact_id, reference = found or (0, "")
    link = ("contact-detail", contact_id) if contact_id and viewing.may(Perm.CONTACT_VIEW) else None
    return f"Referral from contact {reference}".strip(), link


def register() -> None:
    record_kind_register(RecordKind("contact", _contacts, _contact, _contact_received))
    record_kind_register(RecordKind("referral", _referrals, _referral))
