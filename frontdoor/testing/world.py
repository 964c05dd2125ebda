"""A small world of real records for the permission matrix, built through the services.

``world_build()`` makes one of everything a route's address can name (contact, document,
enquiry in each state, partner requests, transfers, strategy discussions, section 47 enquiry,
assessment, escalations at every stage, supervision, merge, referral links) and returns a
``World`` whose ``slots`` fill a route's URL arguments for a given user.

A slot holds candidate records and a visibility rule: each user gets the first candidate they
may see (so every role that may use a route at all has a record of its own to open), or the
first candidate when they may see none (so the route's object rules are what is tested).

Adding a route: ``SLOT_BY_SEGMENT`` maps ``(first path segment, URL argument)`` to a slot, so
``children/<int:pk>/anything/`` needs nothing; ``SLOT_BY_ROUTE`` names the slot for one route
when the default would be the wrong record.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, cast

from django.utils import timezone

from frontdoor.accounts.models import Role, Team, TeamKind, User
from frontdoor.people.services import ChildDetails
from frontdoor.testing.factories import (
    PersonFactory,
    UserFactory,
    accepted,
    child_details,
    contact_child_of,
    contact_recorded,
    decided,
    local,
    referral_document,
    request_sent,
    screened,
    screened_to_mash,
    signed_off,
    transferred,
)
from frontdoor.testing.personas import org_agency, org_setup, persona
from frontdoor.testing.routes import COLUMNS, Route

Pick = Callable[[Any], Any]  # user (None: anonymous) -> the URL argument's value


@dataclass
class Slot:
    """Candidate records, best first, and who may see each."""

    candidates: list[Any]
    visible: Callable[[Any, Any], bool] | None = None
    value: Callable[[Any], Any] = field(default=lambda obj: obj.pk)

    def __call__(self, user: Any) -> Any:
        if user is not None and self.visible is not None:
            for candidate in self.candidates:
                if self.visible(user, candidate):
                    return self.value(candidate)
        return self.value(self.candidates[0])


#: Default slot for a URL argument, by the route's first path segment.
SLOT_BY_SEGMENT: dict[tuple[str, str], str] = {
    ("contacts", "pk"): "contact",
    ("children", "pk"): "child",
    ("enquiries", "pk"): "enquiry",
    ("enquiries", "id"): "enquiry",
    ("requests", "pk"): "request",
    ("requests", "id"): "request",
    ("transfers", "pk"): "transfer",
    ("strategy", "pk"): "discussion",
    ("strategy", "action_pk"): "strategy_action",
    ("s47", "pk"): "s47",
    ("assessments", "pk"): "assessment",
    ("escalations", "pk"): "escalation",
    ("supervision", "pk"): "supervision",
    ("duplicates", "a"): "duplicate_a",
    ("duplicates", "b"): "duplicate_b",
    ("duplicates", "pk"): "merge",
    ("refer", "index"): "child_index",
    ("refer", "token"): "resume_token",
    ("referral-outcome", "token"): "outcome_token",
    ("referral-outcome", "pk"): "public_escalation",
    ("intake", "reference"): "submission_reference",
    ("retention", "pk"): "retention_review",
    ("feedback", "pk"): "feedback",
    ("open-case", "pk"): "open_case",
    ("people", "pk"): "child",
    ("people", "address_pk"): "address",
    ("people", "alias_pk"): "alias",
    ("relationships", "pk"): "relationship",
}

#: Route-specific slots, where the default record would be in the wrong state.
SLOT_BY_ROUTE: dict[str, dict[str, str]] = {
    "contact-document": {"pk": "document_contact", "document_pk": "document"},
    "contact-screen": {"pk": "unscreened_contact", "link_pk": "unscreened_link"},
    "enquiry-sign-off": {"pk": "enquiry_decided"},
    "enquiry-transfer": {"pk": "enquiry_signed_off"},
    "transfer-accept": {"pk": "transfer_pending"},
    "transfer-return": {"pk": "transfer_pending"},
    "supervision-new": {"pk": "supervision_child"},
    "supervision-worker": {"pk": "worker"},
    "supervision-worker-csv": {"pk": "worker"},
    "caseload-worker": {"pk": "caseload_worker"},
    "caseload-worker-csv": {"pk": "caseload_worker"},
    "supervision-action-done": {"pk": "supervision_action"},
    "escalation-respond": {"pk": "escalation_to_answer"},
    "escalation-escalate": {"pk": "escalation_raised"},
    "escalation-withdraw": {"pk": "escalation_raised"},
    "assessment-review": {"pk": "assessment"},
    "retention-exclude": {"pk": "retention_item"},
    "retention-include": {"pk": "retention_item"},
    "person-detail": {"pk": "adult"},
}


def slot_name(route: Route, kwarg: str) -> str | None:
    named = SLOT_BY_ROUTE.get(route.key, {}).get(kwarg)
    return named or SLOT_BY_SEGMENT.get((route.first_segment, kwarg))


@dataclass
class World:
    users: dict[str, User]  # by persona name
    slots: dict[str, Pick]
    records: dict[str, Any]  # named records for the object-level tests

    def kwargs_for(self, route: Route, user: Any) -> dict[str, Any]:
        """The route's URL arguments for ``user``; KeyError names an argument with no slot."""
        values: dict[str, Any] = {}
        for kwarg in route.kwargs:
            name = slot_name(route, kwarg)
            if name is None or name not in self.slots:
                raise KeyError(f"{route.key}: no slot fills <{kwarg}>")
            values[kwarg] = self.slots[name](user)
        return values


def _token(body: str, pattern: str) -> str:
    found = re.search(pattern, body)
    assert found is not None, f"no link matching {pattern} in {body!r}"
    return found.group(1)


class Naming:
    """How the world names the children it makes: by default their plain first names ("Sam
    Example"). The restricted-record leak test (``frontdoor/restricted/tests/test_leaks.py``)
    builds a second world whose children have names and identifiers found nowhere else."""

    #: Added to the world's idempotency keys, so a second world is not a replay of the first.
    tag = ""

    def details(self, first_name: str) -> ChildDetails:
        """A new child's details, for the contact that names it."""
        return child_details(first_name=first_name)

    def person(self, first_name: str, last_name: str) -> dict[str, Any]:
        """A child made as a bare record (``PersonFactory``)."""
        return {"first_name": first_name, "last_name": last_name}

    def document(self) -> dict[str, Any]:
        """The partner agency's online referral."""
        return referral_document()


def world_build(naming: Naming | None = None) -> World:
    """Build the world (call with the database unblocked; ~2 s on SQLite). It may be built
    again in the same database with another ``naming``: the users are shared."""
    from frontdoor.accounts.access import visible_requests, visible_transfers
    from frontdoor.assessments.access import can_view_assessment
    from frontdoor.assessments.services import assessment_start
    from frontdoor.escalations.access import can_respond, can_view, is_raiser
    from frontdoor.escalations.models import Escalation
    from frontdoor.escalations.records import record_facts, record_key
    from frontdoor.escalations.services import escalation_escalate, escalation_raise
    from frontdoor.finding.access import can_view_caseload
    from frontdoor.intake.documents import document_check
    from frontdoor.intake.payload import ReferralIn
    from frontdoor.intake.submissions import (
        draft_save_for_later,
        draft_start,
        submission_receive,
    )
    from frontdoor.mash.models import Enquiry, PartnerRequest
    from frontdoor.matching.merge import person_merge
    from frontdoor.outbox.models import Message
    from frontdoor.oversight.access import (
        can_complete_action,
        can_record_supervision,
        can_view_supervision,
        can_view_worker,
    )
    from frontdoor.oversight.services import ActionDraft, supervision_record
    from frontdoor.people.models import Person
    from frontdoor.retention.services import retention_propose
    from frontdoor.strategy.access import can_view_discussion, can_view_s47, visible_actions
    from frontdoor.strategy.models import S47Enquiry, StrategyAction
    from frontdoor.strategy.services import (
        AttendanceRow,
        action_add,
        attendance_record,
        discussion_convene,
        discussion_hold,
    )
    from frontdoor.transfers.models import Transfer

    org_setup()
    users = {name: persona(name) for _, name, _ in COLUMNS if name}
    for extra in ("health_practitioner", "mash_manager_2"):
        users[extra] = persona(extra)
    # The administrator uses the Django admin (the demo's administrator is staff too).
    User.objects.filter(pk=users["administrator"].pk).update(is_staff=True)
    users["administrator"].refresh_from_db()
    msw, mm, asw, am = (
        users[n] for n in ("mash_worker", "mash_manager", "assessment_worker", "assessment_manager")
    )
    police = org_agency("police")

    # ---- the section 47 journey: requests, decision, strategy, s47, transfer, assessment
    naming = naming or Naming()
    kids = {
        name: naming.details(name)
        for name in ["Sam", "Robin", "Jules", "Dee", "Ellis", "Frankie", "Gray"]
    }
    enquiry = screened_to_mash(rating="RED", children=[kids["Sam"]])
    request_police = request_sent(enquiry=enquiry, agency="police")
    request_health = request_sent(enquiry=enquiry, agency="health")
    decision = signed_off(decision=decided(enquiry=enquiry, outcome="s47"))
    child = Person.objects.get(pk=enquiry.child_id)
    convened_at = (decision.signed_off_at or decision.recorded_at) + timedelta(minutes=30)
    discussion = discussion_convene(
        enquiry=enquiry,
        reason="Bruising to a non-mobile baby.",
        agencies=[org_agency(a) for a in ("council", "police", "health")],
        by=msw,
        at=convened_at,
    )
    attendance_record(
        discussion=discussion,
        rows=[
            AttendanceRow(agency=i.agency, attendance="attended")
            for i in discussion.invitations.select_related("agency")
        ],
        by=msw,
        at=convened_at + timedelta(hours=2, minutes=15),
    )
    held_at = convened_at + timedelta(hours=1, minutes=30)
    discussion = discussion_hold(
        discussion=discussion,
        held_at=held_at,
        information_shared="Police: two call-outs. Health: missed appointments.",
        decision="s47",
        s47_kind="joint",
        contingency_plan="Child to stay with grandmother tonight.",
        by=mm,
        at=held_at + timedelta(hours=1),
    )
    strategy_action = action_add(
        discussion=discussion,
        description="Check the police national computer",
        due_on=date(2026, 3, 6),
        owner_agency=police,
        owner_name="DC Patel",
        by=msw,
        at=held_at + timedelta(hours=1, minutes=5),
    )
    s47 = S47Enquiry.objects.get(start_discussion=discussion)
    transfer = accepted(decision=decision)
    child.refresh_from_db()
    assessment = assessment_start(
        transfer=transfer, started_on=date(2026, 3, 4), by=asw, at=local(2026, 3, 4, 12)
    )
    supervision = supervision_record(
        child=child,
        held_at=local(2026, 3, 20, 10),
        lived_experience="Sam says home is noisy at night.",
        working_well="School attendance is good.",
        worries="Two police call-outs in March.",
        analysis="A pattern of harm at home.",
        decisions="Continue the assessment; review in 4 weeks.",
        actions=[ActionDraft("Joint visit with police", asw, date(2026, 3, 25))],
        by=am,
        at=local(2026, 3, 20, 12),
    )
    supervision_action = supervision.actions.get()

    # ---- the child's record: another name, and a parent linked to the child (issue 12)
    from frontdoor.people.households import AdultDetails, Link, adult_link
    from frontdoor.people.records import alias_add

    alias = alias_add(
        person=child,
        first_name="Sammy",
        last_name="Example",
        reason="Known by this name at school",
        by=msw,
        at=local(2026, 3, 20, 13),
    )
    parent, (relationship,) = adult_link(
        details=AdultDetails(first_name="Morgan", last_name="Example", postcode="AB1 2CD"),
        children=[child],
        link=Link(kind="parent", parental_responsibility=True, household_member=True),
        by=msw,
        at=local(2026, 3, 20, 13, 5),
    )

    # ---- a discussion the police were not invited to (another child)
    other_decision = signed_off(outcome="s47", rating="RED", children=[kids["Robin"]])
    other_discussion = discussion_convene(
        enquiry=other_decision.enquiry,
        reason="Domestic abuse with a baby in the home.",
        agencies=[org_agency(a) for a in ("council", "health")],
        by=msw,
        at=(other_decision.signed_off_at or other_decision.recorded_at) + timedelta(minutes=30),
    )

    # ---- the front door in each state
    transfer_pending = transferred(children=[kids["Jules"]])
    enquiry_decided = decided(children=[kids["Dee"]]).enquiry
    enquiry_signed_off = signed_off(children=[kids["Ellis"]]).enquiry
    enquiry_open = screened_to_mash(children=[kids["Frankie"]])
    contact = enquiry_open.referral.contact_child.contact
    unscreened = contact_recorded(children=[kids["Gray"]])
    unscreened_link = contact_child_of(unscreened)

    # ---- a partner agency's online referral: a document, the referrer's outcome link, and
    # the referrer's disagreement through it
    received_at = timezone.now() - timedelta(days=3)
    document = document_check(filename="note.pdf", content=b"%PDF-1.4\n% matrix\n")
    submission = submission_receive(
        referral=ReferralIn.model_validate(naming.document()),
        channel="partner_api",
        idempotency_scope="agency:education",
        idempotency_key=f"matrix-1{naming.tag}",
        extra_documents=[document],
        at=received_at,
    ).submission
    submission.refresh_from_db()
    body = Message.objects.get(about=f"submission:{submission.pk}").body
    outcome_token = _token(body, r"/referral-outcome/([^/\s]+)/")
    assert submission.contact is not None
    link = contact_child_of(submission.contact)
    screened(
        outcome="mash_enquiry",
        rating="AMBER",
        contact_child=link,
        at=received_at + timedelta(hours=1),
    )
    public_enquiry = Enquiry.objects.get(referral__contact_child=link)
    public_decision = signed_off(decision=decided(outcome="nfa", enquiry=public_enquiry))
    record_type, record_id = record_key(public_decision)
    public_escalation = escalation_raise(
        child=Person.objects.get(pk=record_facts(public_decision).child_id),
        record_type=record_type,
        record_id=record_id,
        about="decision",
        disagreement="Riley told me she is scared to go home.",
        outcome_sought="A social worker visits Riley this week.",
        by=None,
        raiser_name="Dana Teacher",
        raiser_organisation="Hill Primary School",
        raiser_email="dana.teacher@school.example",
        submission=submission,
    )
    draft = draft_start()
    draft_save_for_later(draft=draft, email="referrer@example.org")
    resume_body = Message.objects.filter(to="referrer@example.org").latest("id").body
    resume_token = _token(resume_body, r"/refer/resume/([^/\s]+)/")

    # ---- escalations: one for each role to open, answer, or take further as the raiser
    raised_at = local(2026, 3, 4, 10)

    def esc(record: Any, by: User, *, stages: int = 0) -> Escalation:
        kind, pk = record_key(record)
        found = escalation_raise(
            child=Person.objects.get(pk=record_facts(record).child_id),
            record_type=kind,
            record_id=pk,
            about="decision",
            disagreement="The threshold for a strategy discussion is met.",
            outcome_sought="Hold a strategy discussion this week.",
            by=by,
            at=raised_at,
        )
        for step in range(stages):
            found = escalation_escalate(
                escalation=found,
                reason="No answer in time.",
                by=by,
                at=raised_at + timedelta(days=14 * (step + 1)),
            )
        return found

    # One open escalation per raiser and record (raising again returns the open one).
    waiting = contact_child_of(contact_recorded(children=[naming.details("Ira")]))
    escalations = [
        esc(decision, asw),  # practitioner stage: the MASH worker who decided
        esc(decision, users["contact_officer"], stages=1),  # team manager: the MASH managers
        esc(decision, users["contact_manager"], stages=2),  # head of service stage
        esc(decision, am, stages=3),  # partnership stage
        esc(request_police, msw),  # about the police: police practitioners answer
        esc(request_police, users["police_practitioner"]),
        esc(transfer, msw),  # about the assessment team's work
        esc(transfer, mm, stages=1),
        esc(waiting, msw),  # a contact waiting for screening: the contact centre answers
        esc(waiting, mm, stages=1),
    ]
    for name in ("mash_manager", "partnership_lead", "head_of_service"):
        escalations.append(esc(decision, users[name]))
    escalation_health = esc(request_health, users["health_practitioner"])

    # ---- duplicates: a pair to compare and a merge to undo
    twin_a: Any = PersonFactory(**naming.person("Kim", "Twin"))
    twin_b: Any = PersonFactory(**naming.person("Kym", "Twin"))
    merged_a: Any = PersonFactory(**naming.person("Lee", "Merged"))
    merged_b: Any = PersonFactory(**naming.person("Leigh", "Merged"))
    merge = person_merge(
        kept=merged_a, merged=merged_b, by=users["contact_manager"], reason="The same child."
    )

    # ---- a retention review: a contact that ended in no further action seven years ago
    old = contact_recorded(received_at=local(2019, 3, 4, 10), children=[naming.details("Harper")])
    screened(
        outcome="advice_nfa",
        contact_child=contact_child_of(old),
        at=local(2019, 3, 4, 12),
        rationale="Advice given to the school; no further action.",
    )
    review = retention_propose(by=users["data_protection_officer"])
    assert review is not None, "the 2019 contact should be due for deletion"

    # ---- what decisions leave behind: feedback to phone, new information on an open case
    phoned = screened(
        outcome="advice_nfa",
        referrer_email="",
        referrer_phone="01632 960123",
        children=[naming.details("Quinn")],
    )
    feedback = phoned.feedback.get()
    again = contact_child_of(contact_recorded(children=[child]))
    open_case = screened(
        outcome="allocated_worker", contact_child=again, rationale="The case is open."
    ).open_case

    # ---- people the object-level tests need (made last: work is routed to the first team)
    east, _ = Team.objects.get_or_create(
        name="Assessment team east",
        defaults={"kind": TeamKind.ASSESSMENT, "agency": org_agency("council")},
    )
    for username, team in (("assessment_worker_east", east), ("assessment_worker_2", asw.team)):
        users[username] = User.objects.filter(username=username).first() or cast(
            User,
            UserFactory(
                username=username,
                role=Role.ASSESSMENT_SOCIAL_WORKER,
                team=team,
                agency=org_agency("council"),
            ),
        )

    def own(user: Any) -> Any:
        return user.pk if user is not None and can_view_worker(user, user) else asw.pk

    def first_child_slot(*candidates: Any, visible: Any = None) -> Slot:
        return Slot(list(candidates), visible)

    slots: dict[str, Pick] = {
        "contact": Slot([contact]),
        "document_contact": Slot([submission.contact]),
        "document": Slot([submission.documents.get()]),
        "unscreened_contact": Slot([unscreened]),
        "unscreened_link": Slot([unscreened_link]),
        "child": Slot([child]),
        "adult": Slot([parent]),
        "address": Slot([child.addresses.order_by("id").first()]),
        "alias": Slot([alias]),
        "relationship": Slot([relationship]),
        "supervision_child": first_child_slot(
            child,
            enquiry_open.child,
            visible=lambda u, c: c.allocated_worker_id is None or can_record_supervision(u, c),
        ),
        "enquiry": Slot([enquiry_open]),
        "enquiry_decided": Slot([enquiry_decided]),
        "enquiry_signed_off": Slot([enquiry_signed_off]),
        "request": Slot(
            [request_police, request_health],
            lambda u, r: visible_requests(u, PartnerRequest.objects.filter(pk=r.pk)).exists(),
        ),
        "transfer": Slot(
            [transfer],
            lambda u, t: visible_transfers(u, Transfer.objects.filter(pk=t.pk)).exists(),
        ),
        "transfer_pending": Slot([transfer_pending]),
        "discussion": Slot([discussion, other_discussion], can_view_discussion),
        "strategy_action": Slot(
            [strategy_action],
            lambda u, a: visible_actions(u, StrategyAction.objects.filter(pk=a.pk)).exists(),
        ),
        "s47": Slot([s47], can_view_s47),
        "assessment": Slot([assessment], can_view_assessment),
        "escalation": Slot(escalations, can_view),
        "escalation_to_answer": Slot(escalations, can_respond),
        "escalation_raised": Slot(escalations, is_raiser),
        "supervision": Slot([supervision], can_view_supervision),
        "supervision_action": Slot([supervision_action], can_complete_action),
        "worker": own,
        "caseload_worker": Slot(
            [asw, msw, users["contact_officer"]], lambda u, w: can_view_caseload(u, w)
        ),
        "duplicate_a": Slot([twin_a]),
        "duplicate_b": Slot([twin_b]),
        "merge": Slot([merge]),
        "child_index": lambda user: 0,
        "resume_token": lambda user: resume_token,
        "outcome_token": lambda user: outcome_token,
        "public_escalation": Slot([public_escalation]),
        "submission_reference": Slot([submission], value=lambda s: s.reference),
        "retention_review": Slot([review]),
        "retention_item": Slot([review.items.order_by("id").first()]),
        "feedback": Slot([feedback]),
        "open_case": Slot([open_case]),
    }
    records = {
        "child": child,
        "adult": parent,
        "relationship": relationship,
        "enquiry": enquiry,
        "request_police": request_police,
        "request_health": request_health,
        "discussion": discussion,
        "other_discussion": other_discussion,
        "s47": s47,
        "transfer": transfer,
        "assessment": assessment,
        "supervision": supervision,
        "escalation_health": escalation_health,
        "escalation_police": escalations[5],
    }
    assert users["police_practitioner"].role == Role.PARTNER_PRACTITIONER
    return World(users=users, slots=slots, records=records)
