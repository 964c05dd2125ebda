"""Each rule finds exactly what it should, and proposing writes a batch but deletes nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from frontdoor.audit.models import Event
from frontdoor.intake.models import Contact, ReferralDraft, ScreeningOutcome
from frontdoor.intake.submissions import draft_start
from frontdoor.retention.models import PeriodUnit, RetentionItem, RetentionRule, RuleKind
from frontdoor.retention.rules import due_under, rules_ensure, subtract_period
from frontdoor.retention.services import retention_propose, retention_rule_change
from frontdoor.retention.tests.conftest import NOW, OLD, RECENT, screen_all
from frontdoor.testing.factories import child_details, contact_recorded, local
from frontdoor.testing.fixtures import refused, row_counts
from frontdoor.testing.personas import persona

pytestmark = pytest.mark.django_db


def rule(kind: str) -> RetentionRule:
    rules_ensure()
    return RetentionRule.objects.get(kind=kind)


def test_periods_are_subtracted_in_calendar_units() -> None:
    assert subtract_period(local(2026, 3, 9, 10), 6, PeriodUnit.YEARS) == local(2020, 3, 9, 10)
    assert subtract_period(local(2024, 2, 29, 10), 1, PeriodUnit.YEARS) == local(2023, 2, 28, 10)
    assert subtract_period(local(2026, 3, 31, 10), 1, PeriodUnit.MONTHS) == local(2026, 2, 28, 10)
    assert subtract_period(local(2026, 3, 9, 10), 30, PeriodUnit.DAYS) == local(2026, 2, 7, 10)


def test_the_default_rules_are_in_place() -> None:
    rules = {r.kind: r for r in rules_ensure()}
    assert rules[RuleKind.NFA_CONTACT].period_text == "6 years"
    assert rules[RuleKind.NFA_CONTACT].enabled
    assert rules[RuleKind.UNSENT_DRAFT].period_text == "30 days"
    assert not rules[RuleKind.NFA_EVIDENCE].enabled


def test_the_nfa_rule_finds_only_old_contacts_where_every_child_was_nfa(
    nfa_contact: Callable[..., Contact],
) -> None:
    due = nfa_contact()
    siblings = nfa_contact(
        children=[child_details(first_name="Ann"), child_details(first_name="Ben")]
    )
    nfa_contact(received_at=RECENT)  # not old enough
    referred = screen_all(contact_recorded(received_at=OLD), ScreeningOutcome.MASH_ENQUIRY)
    early_help = screen_all(contact_recorded(received_at=OLD), ScreeningOutcome.EARLY_HELP)
    contact_recorded(received_at=OLD)  # never screened
    found = {d.record_id for d in due_under(rule(RuleKind.NFA_CONTACT), NOW)}
    assert found == {due.pk, siblings.pk}
    assert referred.pk not in found and early_help.pk not in found
    item = next(d for d in due_under(rule(RuleKind.NFA_CONTACT), NOW) if d.record_id == siblings.pk)
    assert len(item.child_ids) == 2
    assert "more than 6 years ago" in item.reason and "Every child" in item.reason


def test_a_contact_with_one_child_referred_is_not_due(nfa_contact: Callable[..., Contact]) -> None:
    contact = contact_recorded(
        received_at=OLD, children=[child_details(first_name="Ann"), child_details(first_name="Ben")]
    )
    first, second = contact.children.order_by("id")
    from frontdoor.intake.services import contact_screen

    for link, outcome in ((first, ScreeningOutcome.ADVICE_NFA), (second, "mash_enquiry")):
        contact_screen(
            contact_child=link,
            outcome=outcome,
            rationale="Checked.",
            rating="AMBER" if outcome == "mash_enquiry" else "",
            by=persona("mash_worker"),
            at=OLD + timedelta(hours=1),
        )
    assert due_under(rule(RuleKind.NFA_CONTACT), NOW) == []


def test_a_rule_switched_off_finds_nothing(nfa_contact: Callable[..., Contact]) -> None:
    nfa_contact()
    nfa = rule(RuleKind.NFA_CONTACT)
    retention_rule_change(
        rule=nfa,
        enabled=False,
        period=6,
        unit="years",
        basis=nfa.basis,
        by=persona("administrator"),
    )
    assert due_under(RetentionRule.objects.get(pk=nfa.pk), NOW) == []


def test_a_longer_period_makes_the_old_contact_not_yet_due(
    nfa_contact: Callable[..., Contact],
) -> None:
    nfa_contact()
    nfa = rule(RuleKind.NFA_CONTACT)
    changed = retention_rule_change(
        rule=nfa,
        enabled=True,
        period=8,
        unit="years",
        basis="Local schedule 4.2",
        by=persona("administrator"),
    )
    assert due_under(changed, NOW) == []
    event = Event.objects.get(action="retention.rule_changed")
    assert event.before == {"period": 6, "basis": nfa.basis}
    assert event.after == {"period": 8, "basis": "Local schedule 4.2"}
    assert event.actor == persona("administrator")


def test_a_rule_change_with_a_bad_period_is_refused(org: Any) -> None:
    nfa = rule(RuleKind.NFA_CONTACT)
    admin = persona("administrator")
    with refused("period", "at least 1"):
        retention_rule_change(rule=nfa, enabled=True, period=0, unit="years", basis="", by=admin)
    assert not Event.objects.filter(action="retention.rule_changed").exists()


def test_unsent_drafts_are_due_after_30_days(org: Any) -> None:
    old = draft_start(at=NOW - timedelta(days=45))
    draft_start(at=NOW - timedelta(days=3))
    found = due_under(rule(RuleKind.UNSENT_DRAFT), NOW)
    assert [d.record_id for d in found] == [old.pk]


def test_evidence_of_nfa_contacts_is_found_when_switched_on(
    online_nfa_contact: Callable[..., Contact], nfa_contact: Callable[..., Contact]
) -> None:
    contact = online_nfa_contact()
    online_nfa_contact(received_at=RECENT + timedelta(days=1500), key="recent")  # 2025
    evidence = rule(RuleKind.NFA_EVIDENCE)
    assert due_under(evidence, NOW) == []  # off by default
    evidence = retention_rule_change(
        rule=evidence, enabled=True, period=2, unit="years", basis="", by=persona("administrator")
    )
    found = due_under(evidence, NOW)
    assert [d.label for d in found] == [f"Evidence 'letter.pdf' of contact {contact.reference}"]


def test_proposing_writes_a_batch_and_deletes_nothing(
    nfa_contact: Callable[..., Contact],
) -> None:
    contact = nfa_contact()
    draft_start(at=NOW - timedelta(days=45))
    before = row_counts()
    review = retention_propose(at=NOW)
    assert review is not None
    after = row_counts()
    assert after.pop("audit.Event") == before.pop("audit.Event") + 1  # retention.proposed
    # The batch and its items are all that is new (the rules may be made on first use).
    assert after.pop("retention.RetentionReview") == before.pop("retention.RetentionReview") + 1
    assert after.pop("retention.RetentionItem") == before.pop("retention.RetentionItem") + 2
    after.pop("retention.RetentionRule"), before.pop("retention.RetentionRule")
    assert after == before
    assert Contact.objects.filter(pk=contact.pk).exists()
    assert ReferralDraft.objects.count() == 1
    items = {(i.record_type, i.record_id) for i in review.items.all()}
    assert ("contact", contact.pk) in items and len(items) == 2
    # Proposing again finds nothing new: the records are already waiting for review.
    assert retention_propose(at=NOW) is None
    assert RetentionItem.objects.count() == 2


def test_nothing_due_writes_no_batch(org: Any) -> None:
    assert retention_propose(at=NOW) is None
