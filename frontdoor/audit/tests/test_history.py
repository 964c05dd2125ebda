"""The event history and the access log (frontdoor.audit)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.models.signals import pre_delete, pre_save

from frontdoor.audit.event_types import EventType, event_type_register
from frontdoor.audit.models import Event
from frontdoor.audit.selectors import access_log_for_child, timeline_for, timeline_for_child
from frontdoor.audit.services import event_append
from frontdoor.mash.services import enquiry_rate, enquiry_record_lived_experience, request_answer
from frontdoor.testing.factories import PersonFactory, local

# Events only these tests append (the code's own are registered in frontdoor.audit.event_types).
event_type_register(EventType("test.note", "Test note", "other"))

pytestmark = pytest.mark.django_db


def _key(record):
    return (record._meta.model_name, record.pk)


def test_a_records_timeline_lists_its_events_oldest_first(
    decided, signed_off, mash_manager_2, mash_manager
):
    decision = decided(rating="AMBER")
    enquiry = decision.enquiry
    signed_off(decision=decision)

    timeline = list(timeline_for([_key(enquiry)]))

    assert [e.action for e in timeline] == [
        "enquiry.opened",
        "decision.recorded",
        "decision.signed_off",
    ]
    assert [e.at for e in timeline] == sorted(e.at for e in timeline)
    assert {e.record_id for e in timeline} == {enquiry.pk}


def test_a_timeline_orders_by_when_things_happened_not_when_they_were_written(
    screened_to_mash, mash_manager
):
    enquiry = screened_to_mash(rating="AMBER")  # opened Mon 11:00
    enquiry_rate(
        enquiry=enquiry,
        rating="RED",
        reason="Written first, happened later",
        by=mash_manager,
        at=local(2026, 3, 2, 14),
    )
    enquiry_record_lived_experience(
        enquiry=enquiry,
        text="Written later, happened earlier",
        by=mash_manager,
        at=local(2026, 3, 2, 12),
    )

    actions = [e.action for e in timeline_for([_key(enquiry)])][1:]

    assert actions == ["enquiry.lived_experience", "enquiry.rated"]


def test_events_at_the_same_moment_keep_the_order_they_were_written(signed_off):
    decision = signed_off()

    last_two = list(timeline_for_child(decision.enquiry.child_id))[-2:]

    assert last_two[0].at == last_two[1].at
    assert [e.action for e in last_two] == ["decision.signed_off", "feedback.requested"]


def test_a_timeline_can_merge_several_records(screened_to_mash, request_sent):
    enquiry = screened_to_mash()
    request = request_sent(enquiry=enquiry)
    contact = enquiry.referral.contact_child.contact

    timeline = list(timeline_for([_key(contact), _key(enquiry), _key(request)]))

    assert [e.action for e in timeline] == [
        "contact.recorded",
        "contact.child_added",
        "contact.screened",
        "enquiry.opened",
        "request.sent",
    ]
    assert list(timeline_for([])) == []


def test_a_childs_timeline_gathers_every_record_about_them(visited):
    visit = visited()

    actions = [e.action for e in timeline_for_child(visit.child_id)]

    assert actions == [
        "person.created",
        "contact.child_added",
        "contact.screened",
        "referral.created",
        "enquiry.opened",
        "feedback.requested",
        "decision.recorded",
        "decision.signed_off",
        "feedback.requested",
        "transfer.requested",
        "transfer.accepted",
        "enquiry.closed",  # by the MASH, when the transfer was accepted
        "visit.recorded",
    ]
    assert not timeline_for_child(PersonFactory().pk).exists()


def test_the_access_log_shows_who_touched_a_childs_record_newest_first(
    request_sent, police_practitioner, mash_worker, contact_officer
):
    request = request_sent()
    request_answer(
        request=request,
        shared=True,
        response="Known to us",
        by=police_practitioner,
        at=local(2026, 3, 2, 14),
    )

    entries = list(access_log_for_child(request.enquiry.child_id))

    assert [(e.user, e.record_type) for e in entries] == [
        (police_practitioner, "partnerrequest"),
        (mash_worker, "enquiry"),  # request sent
        (mash_worker, "enquiry"),  # enquiry opened
        (mash_worker, "contact"),  # screened
        (contact_officer, "contact"),  # recorded
    ]
    assert entries[0].agency == "police"


def test_event_append_stores_times_and_records_as_json(screened_to_mash, mash_worker):
    enquiry = screened_to_mash()
    when = local(2026, 3, 2, 12)

    event = event_append(
        record=enquiry,
        action="test.note",
        summary="x" * 400,
        at=when,
        actor=mash_worker,
        child=enquiry.child,
        before={"at": when, "who": mash_worker},
        after={"list": [when, 1, None], "nested": {"t": timedelta(hours=1)}},
    )

    event.refresh_from_db()
    assert len(event.summary) == 300
    assert event.before == {"at": when.isoformat(), "who": mash_worker.pk}
    assert event.after == {"list": [when.isoformat(), 1, None], "nested": {"t": "1:00:00"}}


def test_services_only_ever_append_events(
    django_capture_on_commit_callbacks,
    screened,
    screened_to_mash,
    request_sent,
    decided,
    signed_off,
    transferred,
    accepted,
    visited,
    mash_manager,
    police_practitioner,
    assessment_manager,
    administrator,
):
    """Run every service in turn: each adds events, and no stored event ever changes."""
    from frontdoor.intake.services import contact_add_child
    from frontdoor.mash.services import enquiry_record_lived_experience
    from frontdoor.policies.defaults import DEFAULT_OFFICE_HOURS, DEFAULT_RULES
    from frontdoor.policies.services import policy_publish
    from frontdoor.testing.factories import child_details
    from frontdoor.transfers.services import transfer_return, visit_record

    state = {}
    steps = {
        "screen out": lambda: state.update(link=screened(outcome="advice_nfa")),
        "add a child": lambda: contact_add_child(
            contact=state["link"].contact,
            child=child_details(first_name="Alex"),
            by=mash_manager,
            at=local(2026, 3, 2, 12),
        ),
        "strategy discussion": lambda: screened(outcome="strategy_discussion"),
        "open enquiry": lambda: state.update(enquiry=screened_to_mash(rating="GREEN")),
        "re-rate": lambda: enquiry_rate(
            enquiry=state["enquiry"],
            rating="AMBER",
            reason="More worrying",
            by=mash_manager,
            at=local(2026, 3, 2, 11, 15),
        ),
        "lived experience": lambda: enquiry_record_lived_experience(
            enquiry=state["enquiry"],
            text="Sam likes school",
            by=mash_manager,
            at=local(2026, 3, 2, 11, 20),
        ),
        "send request": lambda: state.update(request=request_sent(enquiry=state["enquiry"])),
        "answer request": lambda: request_answer(
            request=state["request"],
            shared=True,
            response="Known",
            by=police_practitioner,
            at=local(2026, 3, 2, 13),
        ),
        "decide": lambda: state.update(decision=decided(enquiry=state["enquiry"])),
        "sign off": lambda: state.update(decision=signed_off(decision=state["decision"])),
        "transfer": lambda: state.update(transfer=transferred(decision=state["decision"])),
        "return": lambda: transfer_return(
            transfer=state["transfer"],
            reason="Needs more",
            by=assessment_manager,
            at=local(2026, 3, 3, 14),
        ),
        "transfer again": lambda: state.update(
            transfer=transferred(decision=state["decision"], at=local(2026, 3, 3, 15))
        ),
        "accept": lambda: accepted(transfer=state["transfer"]),
        "visit": lambda: visit_record(
            transfer=state["transfer"],
            visited_at=local(2026, 3, 4, 9),
            child_seen=True,
            seen_alone=False,
            by=assessment_manager,
            at=local(2026, 3, 4, 10),
        ),
        "publish policy": lambda: policy_publish(
            office_hours=DEFAULT_OFFICE_HOURS,
            rules=DEFAULT_RULES,
            due_soon_fraction=0.3,
            effective_from=local(2026, 4, 1),
            by=administrator,
            at=local(2026, 3, 4, 10),
        ),
    }
    rewritten: list[str] = []

    def on_save(sender, instance, **kwargs):
        if instance.pk is not None:
            rewritten.append(f"save of event {instance.pk}")

    def on_delete(sender, instance, **kwargs):
        rewritten.append(f"delete of event {instance.pk}")

    pre_save.connect(on_save, sender=Event)
    pre_delete.connect(on_delete, sender=Event)
    try:
        history = list(Event.objects.order_by("id").values())
        for name, step in steps.items():
            with django_capture_on_commit_callbacks(execute=True):
                step()
            now = list(Event.objects.order_by("id").values())
            assert len(now) > len(history), f"{name} appended no event"
            assert now[: len(history)] == history, f"{name} changed an earlier event"
            history = now
    finally:
        pre_save.disconnect(on_save, sender=Event)
        pre_delete.disconnect(on_delete, sender=Event)

    assert rewritten == []
