"""Who sees an escalation, who answers each stage, who may raise one about what.

Built on ``frontdoor.accounts.access`` (``Perm``, ``can``); the object rules:

- **Seeing**: auditors and heads of service see every escalation; anyone sees the ones they
  raised (a partner practitioner: the ones raised by their agency, and the ones about their
  agency); managers see the ones about their team's records; practitioners the ones about
  their own work (or their team's, when no practitioner is named); the partnership lead the
  ones that reached the partnership stage.
- **Answering** the current stage of an open escalation (never one you raised):
  practitioner stage: the practitioner concerned (or, with none named, the practitioners of
  the team that owns the record) and, for an escalation about a partner agency, that agency's
  practitioners; team manager stage: the managers of the team that owns the record; head of
  service stage: heads of service; partnership stage: the partnership lead.
- **Raising**: anyone with ``ESCALATION_RAISE``; a partner practitioner only about records
  of enquiries their agency was asked about.
- **Withdrawing or escalating as the raiser**: the person who raised it (a partner: anyone
  from the same agency).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model, Q, QuerySet

from frontdoor.accounts.access import ROLE_PERMISSIONS, Perm, can
from frontdoor.accounts.models import Role, User
from frontdoor.escalations.models import Escalation, EscalationStageName
from frontdoor.intake.models import ContactChild
from frontdoor.mash.models import Decision, Enquiry, PartnerRequest

SEE_ALL_ROLES = (Role.AUDITOR, Role.HEAD_OF_SERVICE)
MANAGER_ROLES = (Role.MASH_MANAGER, Role.ASSESSMENT_MANAGER, Role.CONTACT_CENTRE_MANAGER)
PRACTITIONER_ROLES = (
    Role.MASH_SOCIAL_WORKER,
    Role.ASSESSMENT_SOCIAL_WORKER,
    Role.CONTACT_OFFICER,
)
STAGE = EscalationStageName


def _is_partner(user: Any) -> bool:
    return getattr(user, "role", "") == Role.PARTNER_PRACTITIONER


def raised_by_user(user: Any) -> Q:
    """The escalations ``user`` counts as the raiser of."""
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    mine = Q(raised_by=user)
    if _is_partner(user) and user.agency_id:
        mine |= Q(raiser_agency_id=user.agency_id, raised_by__role=Role.PARTNER_PRACTITIONER)
    return mine


def visible_escalations(user: Any, qs: QuerySet[Escalation]) -> QuerySet[Escalation]:
    """The escalations ``user`` may see (see the module docstring)."""
    if not can(user, Perm.ESCALATION_VIEW):
        return qs.none()
    if user.role in SEE_ALL_ROLES:
        return qs
    seen = raised_by_user(user)
    if _is_partner(user) and user.agency_id:
        seen |= Q(concerns_agency_id=user.agency_id)
    elif user.role in MANAGER_ROLES and user.team_id:
        seen |= Q(team_id=user.team_id)
    elif user.role in PRACTITIONER_ROLES:
        seen |= Q(practitioner=user)
        if user.team_id:
            seen |= Q(team_id=user.team_id, practitioner__isnull=True, concerns_agency__isnull=True)
    elif user.role == Role.PARTNERSHIP_LEAD:
        seen |= Q(stages__stage=STAGE.PARTNERSHIP)
    return qs.filter(seen).distinct()


def can_view(user: Any, escalation: Escalation) -> bool:
    return visible_escalations(user, Escalation.objects.filter(pk=escalation.pk)).exists()


def is_raiser(user: Any, escalation: Escalation) -> bool:
    """Is ``user`` the raiser (a partner: from the raiser's agency)?"""
    if not getattr(user, "is_authenticated", False) or escalation.raised_by_id is None:
        return False
    if escalation.raised_by_id == user.pk:
        return True
    raiser = escalation.raised_by
    return bool(
        _is_partner(user)
        and user.agency_id
        and raiser is not None
        and raiser.role == Role.PARTNER_PRACTITIONER
        and escalation.raiser_agency_id == user.agency_id
    )


def owns_stage(user: Any, escalation: Escalation, stage: str) -> bool:
    """Does ``user`` answer ``stage`` of ``escalation``? (Whatever its state.)"""
    if not can(user, Perm.ESCALATION_RESPOND) or not user.is_active:
        return False
    if stage == STAGE.PRACTITIONER:
        if escalation.concerns_agency_id is not None:
            return _is_partner(user) and user.agency_id == escalation.concerns_agency_id
        if escalation.practitioner_id is not None and escalation.practitioner_id == user.pk:
            return True
        return bool(
            escalation.practitioner_id is None
            and user.role in PRACTITIONER_ROLES
            and escalation.team_id is not None
            and user.team_id == escalation.team_id
        )
    if stage == STAGE.TEAM_MANAGER:
        return bool(
            user.role in MANAGER_ROLES
            and escalation.team_id is not None
            and user.team_id == escalation.team_id
        )
    if stage == STAGE.HEAD_OF_SERVICE:
        return bool(user.role == Role.HEAD_OF_SERVICE)
    if stage == STAGE.PARTNERSHIP:
        return bool(user.role == Role.PARTNERSHIP_LEAD)
    return False


def can_respond(user: Any, escalation: Escalation) -> bool:
    """May ``user`` answer the current stage of ``escalation`` now?"""
    return (
        escalation.is_open
        and not is_raiser(user, escalation)
        and owns_stage(user, escalation, escalation.stage)
    )


def stage_owners(escalation: Escalation, stage: str) -> QuerySet[User]:
    """The active users who answer ``stage`` (the people told when it starts)."""
    users = User.objects.filter(is_active=True)
    if stage == STAGE.PRACTITIONER:
        if escalation.concerns_agency_id is not None:
            found = users.filter(
                role=Role.PARTNER_PRACTITIONER, agency_id=escalation.concerns_agency_id
            )
        elif escalation.practitioner_id is not None:
            found = users.filter(pk=escalation.practitioner_id)
        elif escalation.team_id is not None:
            found = users.filter(role__in=PRACTITIONER_ROLES, team_id=escalation.team_id)
        else:
            found = users.none()
    elif stage == STAGE.TEAM_MANAGER and escalation.team_id is not None:
        found = users.filter(role__in=MANAGER_ROLES, team_id=escalation.team_id)
    elif stage == STAGE.HEAD_OF_SERVICE:
        found = users.filter(role=Role.HEAD_OF_SERVICE)
    elif stage == STAGE.PARTNERSHIP:
        found = users.filter(role=Role.PARTNERSHIP_LEAD)
    else:
        found = users.none()
    if escalation.raised_by_id is not None:
        found = found.exclude(pk=escalation.raised_by_id)
    responders = [r for r, perms in ROLE_PERMISSIONS.items() if Perm.ESCALATION_RESPOND in perms]
    return found.filter(role__in=responders).order_by("last_name", "first_name", "username")


def owner_description(escalation: Escalation, stage: str) -> str:
    """Who answers ``stage``, in words (stored on the stage row)."""
    if stage == STAGE.PRACTITIONER:
        if escalation.concerns_agency is not None:
            return f"Practitioners at {escalation.concerns_agency.name}"
        if escalation.practitioner is not None:
            return f"{escalation.practitioner.display_name} (the practitioner concerned)"
        team = escalation.team.name if escalation.team else "the team"
        return f"Practitioners in {team}"
    if stage == STAGE.TEAM_MANAGER:
        team = escalation.team.name if escalation.team else "the team"
        return f"Managers of {team}"
    if stage == STAGE.HEAD_OF_SERVICE:
        return "Head of service"
    return "Safeguarding partnership lead"


def can_raise_about(user: Any, record: Model) -> bool:
    """May ``user`` raise an escalation about ``record``?"""
    if not can(user, Perm.ESCALATION_RAISE):
        return False
    if not _is_partner(user):
        return True
    if not user.agency_id:
        return False
    enquiry_id: int | None = None
    if isinstance(record, PartnerRequest):
        return bool(record.agency_id == user.agency_id)
    if isinstance(record, Enquiry):
        enquiry_id = record.pk
    elif isinstance(record, Decision):
        enquiry_id = record.enquiry_id
    elif isinstance(record, ContactChild):
        enquiry_id = (
            Enquiry.objects.filter(referral__contact_child=record)
            .values_list("pk", flat=True)
            .first()
        )
    if enquiry_id is None:
        return False
    return PartnerRequest.objects.filter(enquiry_id=enquiry_id, agency_id=user.agency_id).exists()
