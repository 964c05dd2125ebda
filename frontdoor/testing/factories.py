"""factory_boy factories, and journeys built through the real services.

Raw factories (``AgencyFactory``, ``PersonFactory`` …) are for rows whose state does not
matter. Anything with a clock or a workflow state is built by the journey helpers below
(``contact_recorded``, ``screened_to_mash``, ``decided``, ``signed_off``, ``transferred``,
``accepted``, ``visited``), which call the same service functions the views call, so a
test never holds a row that the services could not have produced.

Time: every journey step takes an explicit ``at=`` and defaults to a known week with no bank
holidays and no clock change (Monday 2 to Friday 6 March 2026, Europe/London = UTC):

    contact received   Mon 2 Mar 10:00      (recorded 10:05)
    screened to MASH   Mon 2 Mar 11:00      (the enquiry's clock starts here)
    request sent       Mon 2 Mar 11:30
    decision recorded  Tue 3 Mar 10:00
    signed off         Tue 3 Mar 12:00
    transfer requested Tue 3 Mar 13:00
    transfer accepted  Tue 3 Mar 15:00
    first visit        Wed 4 Mar 10:00      (recorded 11:00)

Each default is relative to the step before (e.g. sign-off = decision + 2 hours), so moving
the contact moves the whole journey.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import factory
from factory.django import DjangoModelFactory, Password

from frontdoor.accounts.models import Agency, AgencyKind, Role, Team, TeamKind, User
from frontdoor.audit.models import AccessLogEntry, Event
from frontdoor.intake.models import (
    Channel,
    ConsentStatus,
    Contact,
    ContactChild,
    LawfulBasis,
    ReferralSource,
    ScreeningOutcome,
)
from frontdoor.mash.models import (
    Decision,
    DecisionOutcome,
    Enquiry,
    PartnerRequest,
    RequestTemplate,
)
from frontdoor.people.models import Person, PersonKind, Sex
from frontdoor.people.services import ChildDetails
from frontdoor.transfers.models import Transfer, Visit

LONDON = ZoneInfo("Europe/London")
PASSWORD = "pw-test-1234"


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """An aware Europe/London wall-clock time."""
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


def end_of_day(year: int, month: int, day: int) -> datetime:
    """23:59:59.999999 local time: when a working-day clock is due."""
    return datetime(year, month, day, 23, 59, 59, 999999, tzinfo=LONDON)


# The known week (see the module docstring).
RECEIVED_AT = local(2026, 3, 2, 10)
RECORD_DELAY = timedelta(minutes=5)
SCREEN_AFTER = timedelta(hours=1)
REQUEST_AFTER = timedelta(minutes=30)
DECIDE_AFTER = timedelta(hours=23)
SIGN_OFF_AFTER = timedelta(hours=2)
TRANSFER_AFTER = timedelta(hours=1)
ACCEPT_AFTER = timedelta(hours=2)
VISIT_AFTER = timedelta(hours=19)
VISIT_RECORD_DELAY = timedelta(hours=1)


# --------------------------------------------------------------------------- factories


class AgencyFactory(DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"agency-{n}")
    name = factory.LazyAttribute(lambda o: o.code.replace("-", " ").title())
    kind = AgencyKind.OTHER
    receives_requests = True
    active = True


class TeamFactory(DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Team {n}")
    # Not MASH or assessment: the services route work to the first team of those kinds.
    kind = TeamKind.PARTNER
    agency = factory.SubFactory(AgencyFactory)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"Test{n}")
    last_name = "User"
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = Password(PASSWORD)
    role = ""
    team = None
    agency = None
    is_active = True


class PersonFactory(DjangoModelFactory):
    """A child (no events: use ``contact_recorded`` for a child the front door has met)."""

    class Meta:
        model = Person

    kind = PersonKind.CHILD
    first_name = factory.Sequence(lambda n: f"Child{n}")
    last_name = "Example"
    date_of_birth = date(2018, 5, 1)
    sex = Sex.UNKNOWN
    created_at = RECEIVED_AT


class RequestTemplateFactory(DjangoModelFactory):
    class Meta:
        model = RequestTemplate
        django_get_or_create = ("agency",)

    agency = factory.SubFactory(AgencyFactory)
    questions = factory.LazyFunction(
        lambda: ["Is the family known to you?", "Any concerns about the adults in the home?"]
    )


def _default_policy() -> Any:
    from frontdoor.policies.services import policy_ensure_default

    return policy_ensure_default()


class ContactFactory(DjangoModelFactory):
    """A bare contact row with no children and no clock. Prefer ``contact_recorded``."""

    class Meta:
        model = Contact

    reference = factory.Sequence(lambda n: f"T{n:07d}")
    received_at = RECEIVED_AT
    channel = Channel.PHONE
    source = ReferralSource.S2A
    concern = "A teacher saw bruising on the child's arm."
    consent_status = ConsentStatus.GIVEN
    lawful_basis = LawfulBasis.PUBLIC_TASK
    recorded_by = factory.SubFactory(UserFactory, role=Role.CONTACT_OFFICER)
    recorded_at = factory.LazyAttribute(lambda o: o.received_at + RECORD_DELAY)
    policy = factory.LazyFunction(_default_policy)


# ------------------------------------------------------------------- reading rows back


def events_of(record: Any) -> list[Event]:
    """A record's events, oldest first."""
    return list(
        Event.objects.filter(record_type=record._meta.model_name, record_id=record.pk).order_by(
            "at", "id"
        )
    )


def actions_of(record: Any) -> list[str]:
    return [e.action for e in events_of(record)]


def access_entries_of(record: Any) -> list[AccessLogEntry]:
    return list(
        AccessLogEntry.objects.filter(
            record_type=record._meta.model_name, record_id=record.pk
        ).order_by("at", "id")
    )


# ------------------------------------------------------------ journeys through services


def child_details(**overrides: Any) -> ChildDetails:
    values: dict[str, Any] = {
        "first_name": "Sam",
        "last_name": "Example",
        "date_of_birth": date(2018, 5, 1),
        "sex": Sex.MALE,
        "postcode": "ab1 2cd",
        "address_line_1": "1 Example Street",
    }
    values.update(overrides)
    return ChildDetails(**values)


def contact_kwargs(**overrides: Any) -> dict[str, Any]:
    """Valid keyword arguments for ``contact_record`` (override any of them)."""
    from frontdoor.testing.personas import persona

    received_at = overrides.pop("received_at", RECEIVED_AT)
    values: dict[str, Any] = {
        "received_at": received_at,
        "channel": Channel.PHONE,
        "source": ReferralSource.S2A,
        "concern": "A teacher saw bruising on the child's arm.",
        "immediate_risk": False,
        "consent_status": ConsentStatus.GIVEN,
        "lawful_basis": LawfulBasis.PUBLIC_TASK,
        "referrer_name": "Pat Teacher",
        "referrer_role": "Designated safeguarding lead",
        "referrer_agency": "Example Primary School",
        "referrer_email": "dsl@school.example.org",
        "at": received_at + RECORD_DELAY,
    }
    values.update(overrides)
    if "children" not in values:
        values["children"] = [child_details()]
    if "by" not in values:
        values["by"] = persona("contact_officer")
    return values


def contact_recorded(**overrides: Any) -> Contact:
    """A contact recorded through ``contact_record`` (one child unless ``children=``)."""
    from frontdoor.intake.services import contact_record

    return contact_record(**contact_kwargs(**overrides))


def contact_child_of(contact: Contact, index: int = 0) -> ContactChild:
    return list(contact.children.order_by("id"))[index]


def screened(
    *,
    outcome: str = ScreeningOutcome.MASH_ENQUIRY,
    rating: str = "",
    contact_child: ContactChild | None = None,
    by: User | None = None,
    at: datetime | None = None,
    rationale: str = "Bruising needs partner information before a decision.",
    **contact_overrides: Any,
) -> ContactChild:
    """A child's screening decision recorded through ``contact_screen``."""
    from frontdoor.intake.services import contact_screen
    from frontdoor.testing.personas import persona

    if contact_child is None:
        contact_child = contact_child_of(contact_recorded(**contact_overrides))
    return contact_screen(
        contact_child=contact_child,
        outcome=outcome,
        rationale=rationale,
        rating=rating,
        by=by or persona("mash_worker"),
        at=at or contact_child.contact.received_at + SCREEN_AFTER,
    )


def screened_to_mash(
    *,
    rating: str = "AMBER",
    contact_child: ContactChild | None = None,
    by: User | None = None,
    at: datetime | None = None,
    **contact_overrides: Any,
) -> Enquiry:
    """A contact screened into a MASH enquiry at ``rating``: returns the enquiry."""
    link = screened(
        outcome=ScreeningOutcome.MASH_ENQUIRY,
        rating=rating,
        contact_child=contact_child,
        by=by,
        at=at,
        **contact_overrides,
    )
    return Enquiry.objects.get(referral__contact_child=link)


def request_sent(
    *,
    enquiry: Enquiry | None = None,
    agency: Agency | str = "police",
    by: User | None = None,
    at: datetime | None = None,
    note: str = "",
) -> PartnerRequest:
    """An information request sent through ``request_send`` (to the police by default)."""
    from frontdoor.mash.services import request_send
    from frontdoor.testing.personas import org_agency, persona

    enquiry = enquiry or screened_to_mash()
    if isinstance(agency, str):
        agency = org_agency(agency)
    return request_send(
        enquiry=enquiry,
        agency=agency,
        by=by or persona("mash_worker"),
        at=at or enquiry.entered_at + REQUEST_AFTER,
        note=note,
    )


def decided(
    *,
    outcome: str = DecisionOutcome.S17_ASSESSMENT,
    enquiry: Enquiry | None = None,
    rating: str = "AMBER",
    by: User | None = None,
    at: datetime | None = None,
    rationale: str = "Partner information shows a pattern of injuries.",
    referrer_feedback: str = "Thank you: the family will be offered an assessment.",
    **contact_overrides: Any,
) -> Decision:
    """A MASH decision recorded through ``decision_record`` (not yet signed off)."""
    from frontdoor.mash.services import decision_record
    from frontdoor.testing.personas import persona

    enquiry = enquiry or screened_to_mash(rating=rating, **contact_overrides)
    return decision_record(
        enquiry=enquiry,
        outcome=outcome,
        rationale=rationale,
        referrer_feedback=referrer_feedback,
        by=by or persona("mash_worker"),
        at=at or enquiry.entered_at + DECIDE_AFTER,
    )


def signed_off(
    *,
    outcome: str = DecisionOutcome.S17_ASSESSMENT,
    decision: Decision | None = None,
    by: User | None = None,
    at: datetime | None = None,
    oversight: str = "Agreed: the threshold for an assessment is met.",
    **decided_overrides: Any,
) -> Decision:
    """A decision signed off by the MASH manager through ``decision_sign_off``."""
    from frontdoor.mash.services import decision_sign_off
    from frontdoor.testing.personas import persona

    decision = decision or decided(outcome=outcome, **decided_overrides)
    return decision_sign_off(
        decision=decision,
        oversight=oversight,
        by=by or persona("mash_manager"),
        at=at or decision.recorded_at + SIGN_OFF_AFTER,
    )


def transferred(
    *,
    decision: Decision | None = None,
    route: str | None = None,
    transfer_rating: str | None = None,
    by: User | None = None,
    at: datetime | None = None,
    summary: str = "MASH information: repeated bruising; police hold two call-outs.",
    **signed_off_overrides: Any,
) -> Transfer:
    """A transfer to the assessment team requested through ``transfer_request``.

    The route follows the decision (s17/s47) and the transfer's rating the enquiry's, unless
    ``route=`` / ``transfer_rating=`` are given (``rating=`` rates the enquiry).
    """
    from frontdoor.testing.personas import persona
    from frontdoor.transfers.services import transfer_request

    decision = decision or signed_off(**signed_off_overrides)
    # As a view would: read the decision, enquiry and referral afresh.
    decision = Decision.objects.select_related("enquiry__referral").get(pk=decision.pk)
    enquiry = decision.enquiry
    return transfer_request(
        referral=enquiry.referral,
        route=route or decision.outcome,
        rating=transfer_rating or enquiry.rating,
        summary=summary,
        by=by or persona("mash_worker"),
        at=at or (decision.signed_off_at or decision.recorded_at) + TRANSFER_AFTER,
    )


def accepted(
    *,
    transfer: Transfer | None = None,
    allocated_to: User | None = None,
    by: User | None = None,
    at: datetime | None = None,
    **transferred_overrides: Any,
) -> Transfer:
    """A transfer accepted by the assessment manager and allocated (``transfer_accept``)."""
    from frontdoor.testing.personas import persona
    from frontdoor.transfers.services import transfer_accept

    transfer = transfer or transferred(**transferred_overrides)
    return transfer_accept(
        transfer=transfer,
        allocated_to=allocated_to or persona("assessment_worker"),
        by=by or persona("assessment_manager"),
        at=at or transfer.requested_at + ACCEPT_AFTER,
    )


def visited(
    *,
    transfer: Transfer | None = None,
    visited_at: datetime | None = None,
    child_seen: bool = True,
    seen_alone: bool = True,
    by: User | None = None,
    at: datetime | None = None,
    **accepted_overrides: Any,
) -> Visit:
    """The first visit recorded through ``visit_record`` after an accepted transfer."""
    from frontdoor.testing.personas import persona
    from frontdoor.transfers.services import visit_record

    transfer = transfer or accepted(**accepted_overrides)
    visited_at = visited_at or (transfer.responded_at or transfer.requested_at) + VISIT_AFTER
    return visit_record(
        transfer=transfer,
        visited_at=visited_at,
        child_seen=child_seen,
        seen_alone=seen_alone,
        notes="Seen at school with the designated safeguarding lead.",
        by=by or persona("assessment_worker"),
        at=at or visited_at + VISIT_RECORD_DELAY,
    )


def referral_document(**overrides: Any) -> dict[str, Any]:
    """A valid partner/online referral (the ``ReferralIn`` JSON shape); override any key."""
    document: dict[str, Any] = {
        "referrer": {
            "kind": "professional",
            "name": "Dana Teacher",
            "role": "Designated safeguarding lead",
            "organisation": "Hill Primary School",
            "organisation_type": "school",
            "email": "dana.teacher@school.example",
            "phone": "01632 960000",
        },
        "children": [
            {
                "first_name": "Riley",
                "last_name": "Example",
                "date_of_birth": "2016-03-04",
                "sex": "F",
                "nhs_number": "943 476 5919",
                "address_line_1": "1 Example Street",
                "town": "Exampleton",
                "postcode": "pe1 1aa",
            }
        ],
        "concern": "Riley came to school with a bruise and said she was scared to go home.",
        "when_and_where": "This morning at school",
        "immediate_risk": False,
        "parental_responsibility": "Mother, Jo Example",
        "consent_status": "not_sought",
        "consent_reason": "Asking could put Riley at greater risk",
        "lawful_basis": "public_task",
    }
    document.update(overrides)
    return document
