"""The one access policy: which role may do what, to which objects. The default is deny.

Every view and API endpoint declares a ``Perm``; ``can`` answers for one object and the
``visible_*`` functions filter querysets. Nothing else in the code base decides access.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.db.models import Q, QuerySet

from frontdoor.accounts.models import Role


class Perm(StrEnum):
    CONTACT_CREATE = "contact_create"
    CONTACT_VIEW = "contact_view"
    SCREEN = "screen"
    ENQUIRY_VIEW = "enquiry_view"
    ENQUIRY_WORK = "enquiry_work"  # rate, lived experience, send requests, record decision
    SIGN_OFF = "sign_off"  # review a MASH decision: sign it off, send it back or replace it
    REQUEST_VIEW = "request_view"
    REQUEST_ANSWER = "request_answer"
    TRANSFER_REQUEST = "transfer_request"
    TRANSFER_VIEW = "transfer_view"
    TRANSFER_RESPOND = "transfer_respond"
    VISIT_RECORD = "visit_record"
    CHILD_VIEW = "child_view"
    QUEUE_VIEW = "queue_view"
    OVERVIEW_VIEW = "overview_view"
    ACCESS_LOG_VIEW = "access_log_view"
    RECONCILIATION_VIEW = "reconciliation_view"
    DUPLICATE_REVIEW = "duplicate_review"  # merge child records, undo, "not the same"
    # After the front door (issue 5)
    STRATEGY_VIEW = "strategy_view"  # partners: discussions their agency is invited to
    STRATEGY_WORK = "strategy_work"  # convene, invite, attendance, outcome, minutes, actions
    PROTECTION_WORK = "protection_work"  # section 47 outcome, book and record the ICPC
    ASSESSMENT_VIEW = "assessment_view"
    ASSESSMENT_WORK = "assessment_work"  # start, visits, outcome
    ASSESSMENT_AUTHORISE = "assessment_authorise"  # a manager authorises the assessment
    ESCALATION_RAISE = "escalation_raise"
    ESCALATION_VIEW = "escalation_view"  # the ones raised by or concerning the user
    ESCALATION_RESPOND = "escalation_respond"  # answer the stage the user owns
    SUPERVISION_RECORD = "supervision_record"  # a manager records case supervision
    SUPERVISION_VIEW = "supervision_view"  # own supervision; managers: their team's
    OVERSIGHT_RECORD = "oversight_record"  # a manager's management-oversight entry
    # Trust (issue 6)
    RESTRICT_MANAGE = "restrict_manage"  # mark a child restricted and name who may see it
    BREAK_GLASS = "break_glass"  # open a restricted child's record with a recorded reason
    AUDIT_VIEW = "audit_view"  # who accessed this child / what this user accessed, export
    SUBJECT_ACCESS = "subject_access"  # export everything held about a child
    RETENTION_REVIEW = "retention_review"  # review and approve retention deletions
    # The journey tells the truth (issue 12)
    DUTY_TAKE = "duty_take"  # a MASH manager takes duty (alerted of immediate-risk contacts)
    OPEN_CASE_ACT = "open_case_act"  # acknowledge new information on an open case (own/team)
    FEEDBACK_RECORD = "feedback_record"  # record a call or letter telling the referrer
    # Finding work (issue 12)
    CASELOAD_VIEW = "caseload_view"  # managers: their team's caseloads (head of service: all)
    # Correcting records (issue 12): a child's, an adult's or a contact's details, addresses,
    # other names, and the adults linked to a child. Staff who work the case, not partners.
    RECORD_EDIT = "record_edit"


P = Perm
_CASE_READ = {
    P.CONTACT_VIEW,
    P.ENQUIRY_VIEW,
    P.TRANSFER_VIEW,
    P.CHILD_VIEW,
    P.STRATEGY_VIEW,
    P.ASSESSMENT_VIEW,
    P.BREAK_GLASS,
}
#: Everyone with a role may raise an escalation and see the ones they raised.
_ESCALATE = {P.ESCALATION_RAISE, P.ESCALATION_VIEW}
_PRACTITIONER = _ESCALATE | {P.ESCALATION_RESPOND, P.SUPERVISION_VIEW}
_MANAGER = _PRACTITIONER | {P.SUPERVISION_RECORD, P.OVERSIGHT_RECORD, P.CASELOAD_VIEW}
_MASH = _CASE_READ | {
    P.RECORD_EDIT,
    P.SCREEN,
    P.ENQUIRY_WORK,
    P.TRANSFER_REQUEST,
    P.QUEUE_VIEW,
    P.OVERVIEW_VIEW,
    P.REQUEST_VIEW,
    P.STRATEGY_WORK,
    P.OPEN_CASE_ACT,
    P.FEEDBACK_RECORD,
}
_ASSESSMENT = _CASE_READ | {
    P.RECORD_EDIT,
    P.VISIT_RECORD,
    P.QUEUE_VIEW,
    P.STRATEGY_WORK,
    P.PROTECTION_WORK,
    P.ASSESSMENT_WORK,
    P.OPEN_CASE_ACT,
}

ROLE_PERMISSIONS: dict[str, frozenset[Perm]] = {
    Role.CONTACT_OFFICER: frozenset(
        _ESCALATE
        | {
            P.CONTACT_CREATE,
            P.CONTACT_VIEW,
            P.CHILD_VIEW,
            P.QUEUE_VIEW,
            P.OVERVIEW_VIEW,
            P.BREAK_GLASS,
            P.RECORD_EDIT,
        }
    ),
    Role.CONTACT_CENTRE_MANAGER: frozenset(
        _MANAGER
        | {
            P.CONTACT_CREATE,
            P.CONTACT_VIEW,
            P.CHILD_VIEW,
            P.QUEUE_VIEW,
            P.OVERVIEW_VIEW,
            P.RECONCILIATION_VIEW,
            P.DUPLICATE_REVIEW,
            P.BREAK_GLASS,
            P.FEEDBACK_RECORD,
            P.RECORD_EDIT,
        }
    ),
    Role.MASH_SOCIAL_WORKER: frozenset(_MASH | _PRACTITIONER | {P.CONTACT_CREATE}),
    Role.MASH_MANAGER: frozenset(
        _MASH
        | _MANAGER
        | {
            P.CONTACT_CREATE,
            P.SIGN_OFF,
            P.RECONCILIATION_VIEW,
            P.DUPLICATE_REVIEW,
            P.PROTECTION_WORK,
            P.RESTRICT_MANAGE,
            P.DUTY_TAKE,
        }
    ),
    Role.PARTNER_PRACTITIONER: frozenset(
        _ESCALATE
        | {P.REQUEST_VIEW, P.REQUEST_ANSWER, P.QUEUE_VIEW, P.STRATEGY_VIEW, P.ESCALATION_RESPOND}
    ),
    Role.ASSESSMENT_SOCIAL_WORKER: frozenset(_ASSESSMENT | _PRACTITIONER),
    Role.ASSESSMENT_MANAGER: frozenset(
        _ASSESSMENT | _MANAGER | {P.TRANSFER_RESPOND, P.OVERVIEW_VIEW, P.ASSESSMENT_AUTHORISE}
    ),
    Role.PERFORMANCE_ANALYST: frozenset({P.OVERVIEW_VIEW}),
    Role.AUDITOR: frozenset(
        _CASE_READ
        | {
            P.REQUEST_VIEW,
            P.OVERVIEW_VIEW,
            P.ACCESS_LOG_VIEW,
            P.RECONCILIATION_VIEW,
            P.ESCALATION_VIEW,
            P.SUPERVISION_VIEW,
            P.AUDIT_VIEW,
        }
    ),
    Role.PARTNERSHIP_LEAD: frozenset(_ESCALATE | {P.OVERVIEW_VIEW, P.ESCALATION_RESPOND}),
    Role.HEAD_OF_SERVICE: frozenset(
        _CASE_READ
        | _MANAGER
        | {
            P.REQUEST_VIEW,
            P.QUEUE_VIEW,
            P.OVERVIEW_VIEW,
            P.ASSESSMENT_AUTHORISE,
            P.RESTRICT_MANAGE,
            P.OPEN_CASE_ACT,
        }
    ),
    Role.DATA_PROTECTION_OFFICER: frozenset(
        {
            P.ACCESS_LOG_VIEW,
            P.AUDIT_VIEW,
            P.SUBJECT_ACCESS,
            P.RETENTION_REVIEW,
            P.RESTRICT_MANAGE,
        }
    ),
    Role.ADMINISTRATOR: frozenset({P.OVERVIEW_VIEW, P.ACCESS_LOG_VIEW}),
}


def permissions_for(user: Any) -> frozenset[Perm]:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    return ROLE_PERMISSIONS.get(user.role, frozenset())


def can(user: Any, perm: Perm, obj: Any = None) -> bool:
    """May ``user`` do ``perm`` (to ``obj``, when given)? Deny unless a rule allows."""
    if perm not in permissions_for(user):
        return False
    if obj is None:
        return True
    model = type(obj).__name__
    if model == "PartnerRequest":
        if user.role == Role.PARTNER_PRACTITIONER:
            return bool(user.agency_id) and obj.agency_id == user.agency_id
        return perm == P.REQUEST_VIEW
    if model == "Decision" and perm == P.SIGN_OFF:
        return bool(obj.recorded_by_id != user.pk)
    if model == "OpenCaseInformation" and perm == P.OPEN_CASE_ACT:
        # The allocated worker; a manager of their team; the head of service.
        if obj.worker_id == user.pk or user.role == Role.HEAD_OF_SERVICE:
            return True
        return P.SUPERVISION_RECORD in permissions_for(user) and (
            bool(user.team_id) and obj.team_id == user.team_id
        )
    if model == "Transfer" and perm in (P.TRANSFER_RESPOND, P.VISIT_RECORD):
        return bool(user.team_id) and obj.to_team_id == user.team_id
    if model == "Transfer" and user.role in (
        Role.ASSESSMENT_SOCIAL_WORKER,
        Role.ASSESSMENT_MANAGER,
    ):
        return (bool(user.team_id) and obj.to_team_id == user.team_id) or (
            obj.allocated_to_id == user.pk
        )
    return True


def visible_requests(user: Any, qs: QuerySet[Any]) -> QuerySet[Any]:
    """Partner practitioners see only the requests sent to their own agency."""
    if P.REQUEST_VIEW not in permissions_for(user):
        return qs.none()
    if user.role == Role.PARTNER_PRACTITIONER:
        return qs.filter(agency_id=user.agency_id) if user.agency_id else qs.none()
    return qs


def visible_case_records(user: Any, qs: QuerySet[Any], perm: Perm) -> QuerySet[Any]:
    """Contacts, enquiries, transfers and children: all or nothing by role for now."""
    return qs if perm in permissions_for(user) else qs.none()


def visible_transfers(user: Any, qs: QuerySet[Any]) -> QuerySet[Any]:
    if P.TRANSFER_VIEW not in permissions_for(user):
        return qs.none()
    if user.role in (Role.ASSESSMENT_SOCIAL_WORKER, Role.ASSESSMENT_MANAGER):
        return qs.filter(Q(to_team_id=user.team_id) | Q(allocated_to=user))
    return qs
