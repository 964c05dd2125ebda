"""Finding a contact: by its reference, the referrer, their agency, when it arrived, how, and
what screening decided. One query, filtered and ordered in the database (newest first).

* **Reference**: exact, whatever the case and spacing, through the unique indexes. A contact's
  own reference (``C0000123``; ``C123`` is read as ``C0000123``) or the reference its referrer
  was given by the online form or the partner API (``FD-ABCD-2345``).
* **Referrer** (name, role, email or phone) and **agency**: "contains", case-insensitive; a
  phone number matches whatever spaces or hyphens either side has.
* **Received from / to**: local dates, both inclusive.
* **Outcome**: a screening outcome any of the contact's children had, or ``awaiting`` (a child
  still waiting for the screening decision).

A contact about a restricted child the user may not see is listed masked (the page names the
child "Restricted record (record N)" and shows nothing of the referrer), and is never found
by the referrer's or agency's details, so a search cannot tell who referred that child.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Replace
from django.utils import timezone

from frontdoor.intake.models import Contact, ContactChild, Submission
from frontdoor.restricted.selectors import hidden_child_ids

AWAITING = "awaiting"
CONTACT_REFERENCE = re.compile(r"C(\d{1,7})")
PHONE_LIKE = re.compile(r"^[\d\s()+-]+$")
PHONE_SEPARATORS = (" ", "-")


@dataclass(frozen=True)
class ContactQuery:
    reference: str = ""
    referrer: str = ""
    agency: str = ""
    received_from: date | None = None
    received_to: date | None = None
    channel: str = ""
    outcome: str = ""  # "", AWAITING or a ScreeningOutcome value

    @property
    def reference_only(self) -> bool:
        """Only a reference was given (so one exact match can open the contact itself)."""
        return bool(self.reference) and not any(
            (
                self.referrer,
                self.agency,
                self.received_from,
                self.received_to,
                self.channel,
                self.outcome,
            )
        )

    @property
    def by_referrer(self) -> bool:
        return bool(self.referrer or self.agency)


def reference_normalise(text: str) -> str:
    """``" c 123 "`` -> ``C0000123``; other references upper-case without spaces."""
    compact = "".join(text.split()).upper()
    found = CONTACT_REFERENCE.fullmatch(compact)
    return f"C{int(found.group(1)):07d}" if found else compact


def contact_ids_for_reference(text: str) -> list[int]:
    """The contacts a reference names: the contact's own, or its submission's (two lookups
    through unique indexes)."""
    reference = reference_normalise(text)
    if not reference:
        return []
    ids = set(Contact.objects.filter(reference=reference).values_list("pk", flat=True))
    ids |= set(
        Submission.objects.filter(reference=reference, contact__isnull=False).values_list(
            "contact_id", flat=True
        )
    )
    return sorted(ids)


def local_day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _phone_digits(text: str) -> str:
    for separator in PHONE_SEPARATORS:
        text = text.replace(separator, "")
    return text


def _referrer_q(text: str) -> Q:
    q = (
        Q(referrer_name__icontains=text)
        | Q(referrer_role__icontains=text)
        | Q(referrer_email__icontains=text)
        | Q(referrer_phone__icontains=text)
    )
    digits = _phone_digits(text)
    if PHONE_LIKE.match(text) and sum(c.isdigit() for c in digits) >= 3:
        q |= Q(phone_compact__contains=digits)
    return q


def _compact_phone() -> Any:
    expression: Any = "referrer_phone"
    for separator in PHONE_SEPARATORS:
        expression = Replace(expression, Value(separator), Value(""))
    return expression


def hidden_contacts_q(hidden: set[int]) -> Q:
    """Contacts naming any of these children."""
    return Q(
        Exists(ContactChild.objects.filter(contact=OuterRef("pk"), child_id__in=sorted(hidden)))
    )


def contact_search(
    query: ContactQuery, *, user: Any, hidden: set[int] | None = None
) -> QuerySet[Contact]:
    """The contacts matching ``query``, newest first (``hidden``: the restricted children
    hidden from ``user``, if already read)."""
    qs = Contact.objects.all()
    if query.reference:
        qs = qs.filter(pk__in=contact_ids_for_reference(query.reference))
    if query.referrer:
        text = query.referrer.strip()
        if PHONE_LIKE.match(text):
            qs = qs.annotate(phone_compact=_compact_phone())
        qs = qs.filter(_referrer_q(text))
    if query.agency:
        qs = qs.filter(referrer_agency__icontains=query.agency.strip())
    if query.received_from:
        qs = qs.filter(received_at__gte=local_day_start(query.received_from))
    if query.received_to:
        qs = qs.filter(received_at__lt=local_day_start(query.received_to + timedelta(days=1)))
    if query.channel:
        qs = qs.filter(channel=query.channel)
    if query.outcome == AWAITING:
        qs = qs.filter(
            Exists(ContactChild.objects.filter(contact=OuterRef("pk"), screened_at__isnull=True))
        )
    elif query.outcome:
        qs = qs.filter(
            Exists(ContactChild.objects.filter(contact=OuterRef("pk"), outcome=query.outcome))
        )
    if query.by_referrer:
        hidden = hidden_child_ids(user) if hidden is None else hidden
        if hidden:
            qs = qs.exclude(hidden_contacts_q(hidden))
    return qs.order_by("-received_at", "-pk")


def with_children(qs: QuerySet[Contact]) -> QuerySet[Contact]:
    """Read each contact's children (and their records) with the page, in two queries."""
    return qs.prefetch_related(
        Prefetch(
            "children",
            queryset=ContactChild.objects.select_related("child").order_by("pk"),
        )
    )


@dataclass
class ContactRow:
    """One contact as a list shows it; ``masked`` when it names a restricted child the
    reader may not see (then nothing of the referrer is shown)."""

    contact: Contact
    links: list[ContactChild] = field(default_factory=list)
    masked: bool = False

    @property
    def awaiting(self) -> bool:
        return any(link.screened_at is None for link in self.links)


def contact_rows(contacts: Any, hidden: set[int]) -> list[ContactRow]:
    rows = []
    for contact in contacts:
        links = list(contact.children.all())
        rows.append(
            ContactRow(contact, links, masked=any(link.child_id in hidden for link in links))
        )
    return rows
