"""Decisions made and work closed: every kind in one list, newest first, filtered in the
database; a kind is one registration."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from frontdoor.accounts.access import Perm
from frontdoor.finding import decisions as registry
from frontdoor.finding.decisions import (
    CLOSURE,
    DECISION,
    DecisionKind,
    DecisionQuery,
    decision_kind_register,
    decision_kinds,
    decision_rows,
    decision_search,
)
from frontdoor.intake.models import ContactChild
from frontdoor.mash.models import Decision
from frontdoor.testing.factories import child_details, contact_child_of, local

pytestmark = pytest.mark.django_db


def _rows(query: DecisionQuery, user: Any) -> list[tuple[str, str, str]]:
    """(kind, child's first name, outcome label) of every row, in order."""
    return [
        (r.kind.key, r.child.first_name, r.outcome)
        for r in decision_rows(decision_search(query, user=user))
    ]


@pytest.fixture
def work(
    contact_recorded: Any, screened: Any, decided: Any, signed_off: Any, mash_worker_2: Any
) -> dict[str, Any]:
    """Monday: Amy's contact closed at screening with advice (by the second MASH worker).
    Tuesday: Ben's enquiry decided NFA and signed off (closing it).
    Wednesday: Cal's enquiry decided s17, awaiting sign-off."""
    amy = screened(
        outcome="advice_nfa",
        contact_child=contact_child_of(
            contact_recorded(children=[child_details(first_name="Amy")])
        ),
        by=mash_worker_2,
        at=local(2026, 3, 2, 11),
    )
    ben = signed_off(
        outcome="nfa",
        received_at=local(2026, 3, 2, 12),
        children=[child_details(first_name="Ben")],
        at=local(2026, 3, 3, 15),
    )
    cal = decided(
        outcome="s17",
        received_at=local(2026, 3, 3, 9),
        children=[child_details(first_name="Cal")],
        at=local(2026, 3, 4, 10),
    )
    return {"amy": amy, "ben": ben, "cal": cal}


def test_every_kind_is_listed_newest_first(work: dict[str, Any], mash_manager: Any) -> None:
    assert _rows(DecisionQuery(), mash_manager) == [
        ("mash", "Cal", "Child and family assessment (section 17)"),
        ("enquiry_closed", "Ben", "No further action"),
        ("mash_review", "Ben", "Signed off"),
        ("mash", "Ben", "No further action"),
        ("screening", "Cal", "MASH enquiry"),
        ("screening", "Ben", "MASH enquiry"),
        ("screening", "Amy", "Advice, signposting or no further action"),
        ("screening_closed", "Amy", "Advice, signposting or no further action"),
    ]


def test_a_mash_decision_shows_its_sign_off(work: dict[str, Any], mash_manager: Any) -> None:
    rows = {
        r.child.first_name: r
        for r in decision_rows(decision_search(DecisionQuery(kinds=("mash",)), user=mash_manager))
    }
    assert rows["Cal"].state == "Awaiting sign-off" and rows["Cal"].state_by is None
    assert rows["Ben"].state == "Signed off"
    assert rows["Ben"].state_by == mash_manager
    assert rows["Ben"].state_at == local(2026, 3, 3, 15)
    assert rows["Ben"].url == f"/enquiries/{work['ben'].enquiry_id}/"


def test_kinds_and_outcomes_filter_the_list(work: dict[str, Any], mash_manager: Any) -> None:
    closures = DecisionQuery(kinds=("enquiry_closed", "screening_closed"))
    assert [(k, n) for k, n, _ in _rows(closures, mash_manager)] == [
        ("enquiry_closed", "Ben"),
        ("screening_closed", "Amy"),
    ]
    nfa = DecisionQuery(outcome="mash:nfa")
    assert [(k, n) for k, n, _ in _rows(nfa, mash_manager)] == [("mash", "Ben")]
    referred = DecisionQuery(outcome="screening:mash_enquiry")
    assert [n for _, n, _ in _rows(referred, mash_manager)] == ["Cal", "Ben"]


def test_the_dates_take_whole_local_days(work: dict[str, Any], mash_manager: Any) -> None:
    tuesday = DecisionQuery(decided_from=date(2026, 3, 3), decided_to=date(2026, 3, 3))
    assert [(k, n) for k, n, _ in _rows(tuesday, mash_manager)] == [
        ("enquiry_closed", "Ben"),
        ("mash_review", "Ben"),
        ("mash", "Ben"),
        ("screening", "Cal"),
    ]
    assert len(_rows(DecisionQuery(decided_from=date(2026, 3, 5)), mash_manager)) == 0


def test_who_decided_and_their_team_filter_the_list(
    work: dict[str, Any], mash_manager: Any, mash_worker_2: Any, org: Any
) -> None:
    by_worker_2 = DecisionQuery(decided_by=mash_worker_2)
    assert [(k, n) for k, n, _ in _rows(by_worker_2, mash_manager)] == [
        ("screening", "Amy"),
        ("screening_closed", "Amy"),
    ]
    by_manager = DecisionQuery(decided_by=mash_manager)
    assert [(k, n) for k, n, _ in _rows(by_manager, mash_manager)] == [
        ("enquiry_closed", "Ben"),
        ("mash_review", "Ben"),
    ]
    assert len(_rows(DecisionQuery(team=org.mash_team), mash_manager)) == 8
    assert _rows(DecisionQuery(team=org.assessment_team), mash_manager) == []


def test_each_reader_sees_only_the_kinds_they_may_open(
    work: dict[str, Any], contact_officer: Any
) -> None:
    """A contact officer cannot open MASH enquiries, so they are not listed to them."""
    assert [k.key for k in decision_kinds(contact_officer)] == [
        "screening",
        "screening_closed",
        "open_case_acknowledged",
        "referrer_told",
    ]
    assert {k for k, _, _ in _rows(DecisionQuery(), contact_officer)} == {
        "screening",
        "screening_closed",
    }
    assert _rows(DecisionQuery(kinds=("mash",)), contact_officer) == []


def test_the_list_counts_and_pages_in_the_database(
    work: dict[str, Any], mash_manager: Any, django_assert_max_num_queries: Any
) -> None:
    qs = decision_search(DecisionQuery(), user=mash_manager)
    with django_assert_max_num_queries(1):
        assert qs.count() == 8
    with django_assert_max_num_queries(1):
        page = list(qs[3:5])
    assert [(v["row_kind"], v["row_outcome"]) for v in page] == [
        ("mash", "nfa"),
        ("screening", "mash_enquiry"),
    ]
    with django_assert_max_num_queries(3):  # children, users, teams
        decision_rows(page)


@pytest.fixture
def extra_kind() -> Iterator[DecisionKind]:
    """A kind registered by another app (here: child screenings with an early help outcome
    as 'early help offers'), removed after the test."""
    kind = DecisionKind(
        key="early_help_offer",
        label="Early help offered",
        group=CLOSURE,
        perm=Perm.CONTACT_VIEW,
        outcomes=(("early_help", "Early help"),),
        queryset=lambda: ContactChild.objects.filter(outcome="early_help"),
        at="screened_at",
        by="screened_by",
        child="child",
        outcome="outcome",
        reference="contact__reference",
        url_name="contact-detail",
        url_arg="contact_id",
    )
    decision_kind_register(kind)
    yield kind
    registry._KINDS.pop(kind.key)


def test_a_kind_registered_by_another_app_joins_the_list(
    extra_kind: DecisionKind,
    contact_recorded: Any,
    screened: Any,
    mash_manager: Any,
) -> None:
    screened(
        outcome="early_help",
        contact_child=contact_child_of(
            contact_recorded(children=[child_details(first_name="Dee")])
        ),
    )
    assert extra_kind in decision_kinds(mash_manager)
    # The same moment and record: by kind.
    assert _rows(DecisionQuery(), mash_manager) == [
        ("early_help_offer", "Dee", "Early help"),
        ("screening", "Dee", "Early help"),
        ("screening_closed", "Dee", "Early help"),
    ]
    only = DecisionQuery(kinds=("early_help_offer",))
    assert _rows(only, mash_manager) == [("early_help_offer", "Dee", "Early help")]


def test_a_kind_must_be_a_decision_or_a_closure() -> None:
    kind = next(k for k in decision_kinds() if k.group == DECISION)
    with pytest.raises(ValueError, match="group"):
        decision_kind_register(
            DecisionKind(**{**kind.__dict__, "key": "odd", "group": "Something else"})
        )
    assert "odd" not in registry._KINDS


def test_an_enquiry_transferred_to_assessment_is_not_a_closure(
    signed_off: Any, mash_manager: Any
) -> None:
    signed_off(outcome="s47", children=[child_details(first_name="Eve")])
    assert Decision.objects.get().signed_off_at is not None
    assert [k for k, _, _ in _rows(DecisionQuery(), mash_manager)] == [
        "mash_review",
        "mash",
        "screening",
    ]
