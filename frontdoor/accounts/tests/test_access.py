"""The access policy (frontdoor.accounts.access): who may do what, to which records.

The table below is the policy, written out by hand. Changing ROLE_PERMISSIONS must change
this table too, so every change to who may do what is reviewed as a test change.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from frontdoor.accounts.access import (
    Perm,
    can,
    permissions_for,
    visible_case_records,
    visible_requests,
    visible_transfers,
)
from frontdoor.accounts.models import Role, TeamKind, User
from frontdoor.intake.models import Contact
from frontdoor.mash.models import PartnerRequest
from frontdoor.testing.factories import TeamFactory, UserFactory, local
from frontdoor.testing.personas import PERSONAS
from frontdoor.transfers.models import Transfer

COLUMNS = {
    "CC": Perm.CONTACT_CREATE,
    "CV": Perm.CONTACT_VIEW,
    "SC": Perm.SCREEN,
    "EV": Perm.ENQUIRY_VIEW,
    "EW": Perm.ENQUIRY_WORK,
    "SO": Perm.SIGN_OFF,
    "RV": Perm.REQUEST_VIEW,
    "RA": Perm.REQUEST_ANSWER,
    "TQ": Perm.TRANSFER_REQUEST,
    "TV": Perm.TRANSFER_VIEW,
    "TR": Perm.TRANSFER_RESPOND,
    "VR": Perm.VISIT_RECORD,
    "CH": Perm.CHILD_VIEW,
    "QV": Perm.QUEUE_VIEW,
    "OV": Perm.OVERVIEW_VIEW,
    "AL": Perm.ACCESS_LOG_VIEW,
    "RC": Perm.RECONCILIATION_VIEW,
    "DR": Perm.DUPLICATE_REVIEW,
    "SV": Perm.STRATEGY_VIEW,
    "SW": Perm.STRATEGY_WORK,
    "PW": Perm.PROTECTION_WORK,
    "AV": Perm.ASSESSMENT_VIEW,
    "AW": Perm.ASSESSMENT_WORK,
    "AA": Perm.ASSESSMENT_AUTHORISE,
    "ER": Perm.ESCALATION_RAISE,
    "EE": Perm.ESCALATION_VIEW,
    "EX": Perm.ESCALATION_RESPOND,
    "SR": Perm.SUPERVISION_RECORD,
    "SP": Perm.SUPERVISION_VIEW,
    "MO": Perm.OVERSIGHT_RECORD,
    "RM": Perm.RESTRICT_MANAGE,
    "BG": Perm.BREAK_GLASS,
    "AU": Perm.AUDIT_VIEW,
    "SA": Perm.SUBJECT_ACCESS,
    "RR": Perm.RETENTION_REVIEW,
    "DT": Perm.DUTY_TAKE,
    "OC": Perm.OPEN_CASE_ACT,
    "FR": Perm.FEEDBACK_RECORD,
    "CL": Perm.CASELOAD_VIEW,
    "RE": Perm.RECORD_EDIT,
}

# "x" = allowed, "." = refused. "(none)" is an active user with no role.
TABLE = """
role                      CC CV SC EV EW SO RV RA TQ TV TR VR CH QV OV AL RC DR
contact_officer           x  x  .  .  .  .  .  .  .  .  .  .  x  x  x  .  .  .
contact_centre_manager    x  x  .  .  .  .  .  .  .  .  .  .  x  x  x  .  x  x
mash_social_worker        x  x  x  x  x  .  x  .  x  x  .  .  x  x  x  .  .  .
mash_manager              x  x  x  x  x  x  x  .  x  x  .  .  x  x  x  .  x  x
partner_practitioner      .  .  .  .  .  .  x  x  .  .  .  .  .  x  .  .  .  .
assessment_social_worker  .  x  .  x  .  .  .  .  .  x  .  x  x  x  .  .  .  .
assessment_manager        .  x  .  x  .  .  .  .  .  x  x  x  x  x  x  .  .  .
performance_analyst       .  .  .  .  .  .  .  .  .  .  .  .  .  .  x  .  .  .
auditor                   .  x  .  x  .  .  x  .  .  x  .  .  x  .  x  x  x  .
partnership_lead          .  .  .  .  .  .  .  .  .  .  .  .  .  .  x  .  .  .
head_of_service           .  x  .  x  .  .  x  .  .  x  .  .  x  x  x  .  .  .
data_protection_officer   .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  x  .  .
administrator             .  .  .  .  .  .  .  .  .  .  .  .  .  .  x  x  .  .
(none)                    .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
"""

# After the front door: strategy discussions, section 47, assessments, escalations,
# supervision and management oversight.
TABLE_2 = """
role                      SV SW PW AV AW AA ER EE EX SR SP MO
contact_officer           .  .  .  .  .  .  x  x  .  .  .  .
contact_centre_manager    .  .  .  .  .  .  x  x  x  x  x  x
mash_social_worker        x  x  .  x  .  .  x  x  x  .  x  .
mash_manager              x  x  x  x  .  .  x  x  x  x  x  x
partner_practitioner      x  .  .  .  .  .  x  x  x  .  .  .
assessment_social_worker  x  x  x  x  x  .  x  x  x  .  x  .
assessment_manager        x  x  x  x  x  x  x  x  x  x  x  x
performance_analyst       .  .  .  .  .  .  .  .  .  .  .  .
auditor                   x  .  .  x  .  .  .  x  .  .  x  .
partnership_lead          .  .  .  .  .  .  x  x  x  .  .  .
head_of_service           x  .  .  x  .  x  x  x  x  x  x  x
data_protection_officer   .  .  .  .  .  .  .  .  .  .  .  .
administrator             .  .  .  .  .  .  .  .  .  .  .  .
(none)                    .  .  .  .  .  .  .  .  .  .  .  .
"""


def _parse(table: str) -> dict[str, frozenset[Perm]]:
    header, *rows = [line.split() for line in table.strip().splitlines()]
    columns = [COLUMNS[code] for code in header[1:]]
    expected: dict[str, frozenset[Perm]] = {}
    for role, *marks in rows:
        assert len(marks) == len(columns), role
        assert set(marks) <= {"x", "."}, role
        expected["" if role == "(none)" else role] = frozenset(
            perm for perm, mark in zip(columns, marks, strict=True) if mark == "x"
        )
    return expected


# Trust: restricted records, break-glass, the audit trail and data protection.
TABLE_3 = """
role                      RM BG AU SA RR
contact_officer           .  x  .  .  .
contact_centre_manager    .  x  .  .  .
mash_social_worker        .  x  .  .  .
mash_manager              x  x  .  .  .
partner_practitioner      .  .  .  .  .
assessment_social_worker  .  x  .  .  .
assessment_manager        .  x  .  .  .
performance_analyst       .  .  .  .  .
auditor                   .  x  x  .  .
partnership_lead          .  .  .  .  .
head_of_service           x  x  .  .  .
data_protection_officer   x  .  x  x  x
administrator             .  .  .  .  .
(none)                    .  .  .  .  .
"""

# The journey tells the truth: duty, new information on open cases, feedback to referrers.
TABLE_4 = """
role                      DT OC FR
contact_officer           .  .  .
contact_centre_manager    .  .  x
mash_social_worker        .  x  x
mash_manager              x  x  x
partner_practitioner      .  .  .
assessment_social_worker  .  x  .
assessment_manager        .  x  .
performance_analyst       .  .  .
auditor                   .  .  .
partnership_lead          .  .  .
head_of_service           .  x  .
data_protection_officer   .  .  .
administrator             .  .  .
(none)                    .  .  .
"""

# Finding work: caseloads (team managers and the head of service).
TABLE_5 = """
role                      CL
contact_officer           .
contact_centre_manager    x
mash_social_worker        .
mash_manager              x
partner_practitioner      .
assessment_social_worker  .
assessment_manager        x
performance_analyst       .
auditor                   .
partnership_lead          .
head_of_service           x
data_protection_officer   .
administrator             .
(none)                    .
"""

# Correcting records: staff who work the case, never partners or readers.
TABLE_6 = """
role                      RE
contact_officer           x
contact_centre_manager    x
mash_social_worker        x
mash_manager              x
partner_practitioner      .
assessment_social_worker  x
assessment_manager        x
performance_analyst       .
auditor                   .
partnership_lead          .
head_of_service           .
data_protection_officer   .
administrator             .
(none)                    .
"""

_TABLES = [
    _parse(TABLE),
    _parse(TABLE_2),
    _parse(TABLE_3),
    _parse(TABLE_4),
    _parse(TABLE_5),
    _parse(TABLE_6),
]
EXPECTED = {role: frozenset().union(*(t[role] for t in _TABLES)) for role in _TABLES[0]}
CASES = [(role, perm) for role in EXPECTED for perm in Perm]


def test_the_table_covers_every_role_and_every_permission():
    assert set(COLUMNS.values()) == set(Perm)
    assert len(COLUMNS) == len(Perm)
    assert set(EXPECTED) == {*Role.values, ""}


@pytest.mark.parametrize(("role", "perm"), CASES, ids=[f"{r or 'none'}-{p}" for r, p in CASES])
def test_each_role_has_exactly_the_permissions_in_the_table(role, perm):
    user = User(username="someone", role=role, is_active=True)

    assert can(user, perm) is (perm in EXPECTED[role])


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(PERSONAS))
def test_each_persona_has_its_roles_permissions(make_persona, name):
    user = make_persona(name)

    assert permissions_for(user) == EXPECTED[user.role]


@pytest.mark.parametrize("perm", list(Perm))
def test_an_anonymous_visitor_may_do_nothing(perm):
    assert not can(AnonymousUser(), perm)
    assert not can(None, perm)


@pytest.mark.parametrize("perm", list(Perm))
def test_a_deactivated_user_may_do_nothing(perm):
    user = User(username="leaver", role=Role.MASH_MANAGER, is_active=False)

    assert not can(user, perm)


def test_an_unknown_role_may_do_nothing():
    assert permissions_for(User(username="x", role="superhero", is_active=True)) == frozenset()


# ---------------------------------------------------------------- partner requests


@pytest.fixture
def police_and_health_requests(screened_to_mash, request_sent):
    enquiry = screened_to_mash()
    police = request_sent(enquiry=enquiry, agency="police")
    health = request_sent(enquiry=enquiry, agency="health")
    return police, health


@pytest.mark.django_db
def test_a_police_practitioner_can_view_and_answer_police_requests_but_not_health_requests(
    police_and_health_requests, police_practitioner
):
    police, health = police_and_health_requests

    assert can(police_practitioner, Perm.REQUEST_VIEW, police)
    assert can(police_practitioner, Perm.REQUEST_ANSWER, police)
    assert not can(police_practitioner, Perm.REQUEST_VIEW, health)
    assert not can(police_practitioner, Perm.REQUEST_ANSWER, health)


@pytest.mark.django_db
def test_a_partner_practitioner_with_no_agency_can_see_no_request(
    police_and_health_requests, make_persona
):
    police, _ = police_and_health_requests
    agencyless = UserFactory(role=Role.PARTNER_PRACTITIONER, agency=None)

    assert not can(agencyless, Perm.REQUEST_VIEW, police)
    assert not visible_requests(agencyless, PartnerRequest.objects.all()).exists()


@pytest.mark.django_db
def test_mash_staff_can_view_every_request_but_answer_none(
    police_and_health_requests, mash_worker, auditor
):
    for request in police_and_health_requests:
        for user in (mash_worker, auditor):
            assert can(user, Perm.REQUEST_VIEW, request)
            assert not can(user, Perm.REQUEST_ANSWER, request)


@pytest.mark.django_db
def test_visible_requests_filters_by_the_practitioners_agency(
    police_and_health_requests, police_practitioner, health_practitioner, mash_worker, auditor
):
    police, health = police_and_health_requests
    everything = PartnerRequest.objects.all()

    assert list(visible_requests(police_practitioner, everything)) == [police]
    assert list(visible_requests(health_practitioner, everything)) == [health]
    assert set(visible_requests(mash_worker, everything)) == {police, health}
    assert set(visible_requests(auditor, everything)) == {police, health}


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["outsider", "analyst", "partnership_lead", "contact_officer"])
def test_people_without_request_access_see_no_requests(
    police_and_health_requests, make_persona, name
):
    user = make_persona(name)
    police, _ = police_and_health_requests

    assert not visible_requests(user, PartnerRequest.objects.all()).exists()
    assert not can(user, Perm.REQUEST_VIEW, police)


@pytest.mark.django_db
def test_an_anonymous_visitor_sees_no_requests_and_no_case_records(police_and_health_requests):
    anonymous = AnonymousUser()

    assert not visible_requests(anonymous, PartnerRequest.objects.all()).exists()
    assert not visible_case_records(anonymous, Contact.objects.all(), Perm.CONTACT_VIEW).exists()
    assert not visible_transfers(anonymous, Transfer.objects.all()).exists()


# ---------------------------------------------------------------- case records


@pytest.mark.django_db
def test_case_records_are_visible_by_role(contact_recorded, contact_officer, outsider, analyst):
    contact = contact_recorded()
    contacts = Contact.objects.all()

    assert list(visible_case_records(contact_officer, contacts, Perm.CONTACT_VIEW)) == [contact]
    assert not visible_case_records(outsider, contacts, Perm.CONTACT_VIEW).exists()
    assert not visible_case_records(analyst, contacts, Perm.CONTACT_VIEW).exists()
    assert not can(outsider, Perm.CONTACT_VIEW, contact)


# ---------------------------------------------------------------- sign-off


@pytest.mark.django_db
def test_only_a_manager_who_is_not_the_author_may_sign_off_a_decision(
    decided, mash_manager, mash_manager_2, mash_worker
):
    by_manager = decided(by=mash_manager)

    assert not can(mash_manager, Perm.SIGN_OFF, by_manager)
    assert can(mash_manager_2, Perm.SIGN_OFF, by_manager)
    assert not can(mash_worker, Perm.SIGN_OFF, by_manager)


@pytest.mark.django_db
def test_a_manager_may_sign_off_a_social_workers_decision(decided, mash_manager, mash_worker_2):
    decision = decided(by=mash_worker_2)

    assert can(mash_manager, Perm.SIGN_OFF, decision)
    assert not can(mash_worker_2, Perm.SIGN_OFF, decision)


# ---------------------------------------------------------------- transfers


@pytest.fixture
def other_assessment_team(db):
    return TeamFactory(name="Assessment team North", kind=TeamKind.ASSESSMENT)


@pytest.mark.django_db
def test_only_the_receiving_team_may_respond_to_a_transfer(
    transferred, assessment_manager, other_assessment_team, mash_manager
):
    transfer = transferred()
    elsewhere = UserFactory(role=Role.ASSESSMENT_MANAGER, team=other_assessment_team)
    teamless = UserFactory(role=Role.ASSESSMENT_MANAGER, team=None)

    assert can(assessment_manager, Perm.TRANSFER_RESPOND, transfer)
    assert not can(elsewhere, Perm.TRANSFER_RESPOND, transfer)
    assert not can(teamless, Perm.TRANSFER_RESPOND, transfer)
    assert not can(mash_manager, Perm.TRANSFER_RESPOND, transfer)


@pytest.mark.django_db
def test_only_the_receiving_team_may_record_the_visit(
    accepted, assessment_worker, other_assessment_team
):
    transfer = accepted()
    elsewhere = UserFactory(role=Role.ASSESSMENT_SOCIAL_WORKER, team=other_assessment_team)

    assert can(assessment_worker, Perm.VISIT_RECORD, transfer)
    assert not can(elsewhere, Perm.VISIT_RECORD, transfer)


@pytest.mark.django_db
def test_assessment_staff_see_transfers_to_their_team_or_allocated_to_them(
    transferred, assessment_worker, other_assessment_team, mash_worker, auditor, outsider
):
    ours = transferred()
    theirs = transferred(received_at=local(2026, 3, 2, 9))
    Transfer.objects.filter(pk=theirs.pk).update(to_team=other_assessment_team)
    elsewhere = UserFactory(role=Role.ASSESSMENT_SOCIAL_WORKER, team=other_assessment_team)
    transfers = Transfer.objects.all()

    assert list(visible_transfers(assessment_worker, transfers)) == [ours]
    assert list(visible_transfers(elsewhere, transfers)) == [theirs]
    assert set(visible_transfers(mash_worker, transfers)) == {ours, theirs}
    assert set(visible_transfers(auditor, transfers)) == {ours, theirs}
    assert not visible_transfers(outsider, transfers).exists()

    Transfer.objects.filter(pk=theirs.pk).update(allocated_to=assessment_worker)
    assert set(visible_transfers(assessment_worker, transfers)) == {ours, theirs}


@pytest.mark.django_db
def test_an_assessment_worker_cannot_open_a_transfer_to_another_team(
    transferred, other_assessment_team
):
    transfer = transferred()
    elsewhere = UserFactory(role=Role.ASSESSMENT_SOCIAL_WORKER, team=other_assessment_team)

    assert not visible_transfers(elsewhere, Transfer.objects.all()).exists()
    assert not can(elsewhere, Perm.TRANSFER_VIEW, transfer)
