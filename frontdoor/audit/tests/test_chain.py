"""The hash chains: sealing, verifying, tampering detected, lawful redaction, append-only."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.core.management import call_command, execute_from_command_line
from django.db import DatabaseError, connection, transaction

from frontdoor.audit.chain import (
    ACCESS,
    EVENTS,
    GENESIS,
    REDACTION_ACTION,
    audit_seal,
    audit_verify,
    canonical,
    chain_verify,
    content_hash_of,
    row_hash,
)
from frontdoor.audit.event_types import EventType, event_type_register
from frontdoor.audit.models import AccessAction, AccessLogEntry, ChainHead, Event
from frontdoor.audit.services import access_log_record, event_append, event_redact
from frontdoor.testing.factories import PersonFactory, local
from frontdoor.testing.fixtures import refused, row_counts
from frontdoor.work.housekeeping import tick

# Events only these tests append (the code's own are registered in frontdoor.audit.event_types).
event_type_register(
    EventType("test.changed", "Test change", "other"),
    EventType("t.x", "Test", "other"),
    EventType("forged", "Forged", "other"),
)

pytestmark = pytest.mark.django_db

AT = local(2026, 3, 2, 10)


@pytest.fixture
def logged(mash_worker):
    """Five access log entries and five events about two children, sealed."""
    children = [PersonFactory(), PersonFactory()]
    for i in range(5):
        child = children[i % 2]
        access_log_record(
            user=mash_worker,
            children=[child],
            record=child,
            action=AccessAction.VIEW if i % 2 else AccessAction.CHANGE,
            at=local(2026, 3, 2, 10, i),
            path=f"/children/{child.pk}/",
            fields=["name", "address"],
            reason="" if i else "Checking the address",
        )
        event_append(
            record=child,
            action="test.changed",
            summary=f"Change {i} to Ünïcode’s record",
            at=local(2026, 3, 2, 10, i),
            actor=mash_worker,
            child=child,
            before={"n": i, "when": AT, "f": 1.5},
            after={"n": i + 1, "list": [1, "two", None]},
            reason="Because",
        )
    audit_seal()
    return {"children": children, "user": mash_worker}


@contextmanager
def triggers_off() -> Iterator[None]:
    """Stand in for someone with raw database access: the append-only triggers are off for
    the block (dropped on SQLite, inside the test's transaction, so they come back after)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER audit_access_append_only")
            cursor.execute("DROP TRIGGER audit_event_append_only")
            yield
        else:
            cursor.execute("SET LOCAL session_replication_role = replica")
            yield
            cursor.execute("SET LOCAL session_replication_role = origin")


def raw(sql: str, params: list[Any] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])


def broken_at(chain: Any) -> int | None:
    return chain_verify(chain).broken_at


def verify_exit_code() -> int:
    try:
        execute_from_command_line(["frontdoor", "audit", "verify"])
    except SystemExit as exit:
        return int(exit.code or 0)
    return 0


# --------------------------------------------------------------------------- sealing


def test_sealing_chains_each_table_in_id_order(logged):
    entries = list(AccessLogEntry.objects.order_by("id"))
    events = list(Event.objects.order_by("id"))

    assert [e.seq for e in entries] == [1, 2, 3, 4, 5]
    assert [e.seq for e in events] == [1, 2, 3, 4, 5]
    for rows in (entries, events):
        assert rows[0].prev_hash == GENESIS
        assert [r.prev_hash for r in rows[1:]] == [r.hash for r in rows[:-1]]
        assert len({r.hash for r in rows}) == 5
    heads = {h.name: h for h in ChainHead.objects.all()}
    assert (heads["access"].seq, heads["access"].hash) == (5, entries[-1].hash)
    assert (heads["event"].seq, heads["event"].hash) == (5, events[-1].hash)


def test_the_hash_is_sha256_of_the_previous_hash_and_the_rows_canonical_json(logged):
    first = AccessLogEntry.objects.order_by("id").first()
    assert first is not None
    row = {
        "id": first.pk,
        "at": first.at,
        "user_id": first.user_id,
        "role": first.role,
        "agency": first.agency,
        "action": first.action,
        "child_id": first.child_id,
        "record_type": first.record_type,
        "record_id": first.record_id,
        "path": first.path,
        "fields": first.fields,
        "reason": first.reason,
    }
    expected = hashlib.sha256(GENESIS.encode() + canonical({**row, "seq": 1})).hexdigest()
    assert first.hash == expected == row_hash(ACCESS, GENESIS, row, 1)


def test_sealing_again_seals_only_new_rows_and_continues_the_chain(logged, mash_worker):
    head = ChainHead.objects.get(pk="access")
    child = logged["children"][0]
    access_log_record(
        user=mash_worker, children=[child], record=child, action=AccessAction.VIEW, at=AT
    )

    assert audit_seal() == {"access": 1, "event": 0}
    assert audit_seal() == {"access": 0, "event": 0}
    newest = AccessLogEntry.objects.order_by("-id").first()
    assert newest is not None
    assert (newest.seq, newest.prev_hash) == (6, head.hash)


def test_sealing_in_small_batches_gives_the_same_chain(mash_worker):
    child = PersonFactory()
    for i in range(7):
        access_log_record(
            user=mash_worker, children=[child], record=child, action=AccessAction.VIEW, at=AT
        )
        event_append(record=child, action="t.x", summary=str(i), at=AT, actor=None)

    assert audit_seal(batch=3) == {"access": 7, "event": 7}
    assert all(report.ok for report in audit_verify())
    assert ChainHead.objects.get(pk="access").seq == 7


def test_housekeeping_seals_new_entries(logged, mash_worker):
    child = logged["children"][0]
    access_log_record(
        user=mash_worker, children=[child], record=child, action=AccessAction.VIEW, at=AT
    )

    report = tick(now=AT)

    assert report.audit_sealed == 1
    assert not AccessLogEntry.objects.filter(seq__isnull=True).exists()


def test_the_seal_command(mash_worker, capsys):
    child = PersonFactory()
    access_log_record(
        user=mash_worker, children=[child], record=child, action=AccessAction.VIEW, at=AT
    )

    call_command("audit", "seal")

    assert "Sealed 1 access log entries and 0 events." in capsys.readouterr().out


# --------------------------------------------------------------------------- verifying


def test_a_clean_chain_verifies(logged, capsys):
    assert [r.ok for r in audit_verify()] == [True, True]
    assert verify_exit_code() == 0
    out = capsys.readouterr().out
    assert "access: OK, 5 sealed entries" in out
    assert "event: OK, 5 sealed entries" in out


def test_unsealed_entries_are_reported_but_are_not_a_break(logged, mash_worker):
    child = logged["children"][0]
    access_log_record(
        user=mash_worker, children=[child], record=child, action=AccessAction.VIEW, at=AT
    )

    report = chain_verify(ACCESS)

    assert report.ok
    assert (report.checked, report.unsealed) == (5, 1)


def test_a_tampered_access_log_row_is_detected_by_the_verify_command(logged, capsys):
    third = AccessLogEntry.objects.get(seq=3)
    with triggers_off():
        raw("UPDATE audit_accesslogentry SET reason = %s WHERE id = %s", ["Edited", third.pk])

    assert verify_exit_code() == 1
    out = capsys.readouterr()
    assert "access: BROKEN at sequence number 3" in out.out
    assert "access chain broken at sequence number 3" in out.err


@pytest.mark.parametrize(
    "column, value",
    [("user_id", None), ("at", "2026-03-01 09:00:00"), ("fields", "[]"), ("child_id", None)],
)
def test_any_edited_column_is_detected(logged, column, value):
    second = AccessLogEntry.objects.get(seq=2)
    if column == "child_id":
        value = logged["children"][0].pk if second.child_id != logged["children"][0].pk else 0
        value = logged["children"][1].pk if value == 0 else value
    if column == "at" and connection.vendor == "postgresql":
        value = "2026-03-02 10:01:30+00"
    with triggers_off():
        raw(f"UPDATE audit_accesslogentry SET {column} = %s WHERE id = %s", [value, second.pk])

    assert broken_at(ACCESS) == 2


def test_a_deleted_row_is_detected(logged):
    with triggers_off():
        raw("DELETE FROM audit_accesslogentry WHERE seq = 2")

    report = chain_verify(ACCESS)
    assert report.broken_at == 2
    assert "missing" in report.problem


def test_rows_deleted_from_the_end_are_detected(logged):
    with triggers_off():
        raw("DELETE FROM audit_event WHERE seq >= 4")

    report = chain_verify(EVENTS)
    assert report.broken_at == 4
    assert "sealed up to 5" in report.problem


def test_an_inserted_row_is_detected(logged):
    second = AccessLogEntry.objects.get(seq=2)
    forged = AccessLogEntry.objects.create(
        at=second.at,
        user=None,
        role="",
        action=AccessAction.VIEW,
        child=second.child,
        record_type="person",
        record_id=second.child_id,
    )
    with triggers_off():
        raw(
            "UPDATE audit_accesslogentry SET seq = 3, prev_hash = %s, hash = %s WHERE id = %s",
            [second.hash, "f" * 64, forged.pk],
        )

    assert broken_at(ACCESS) == 3


def test_a_row_appended_with_a_correct_hash_but_no_seal_is_detected(logged):
    last = Event.objects.get(seq=5)
    forged = event_append(record=last.child, action="forged", summary="", at=AT, actor=None)
    content = content_hash_of({"summary": "", "before": {}, "after": {}, "reason": ""})
    row = {c: getattr(forged, c) for c in EVENTS.columns} | {"content_hash": content}
    with triggers_off():
        raw(
            "UPDATE audit_event SET seq = 6, prev_hash = %s, hash = %s, content_hash = %s "
            "WHERE id = %s",
            [last.hash, row_hash(EVENTS, last.hash, row, 6), content, forged.pk],
        )

    report = chain_verify(EVENTS)
    assert report.broken_at == 6  # the head says the chain ends at 5
    assert "after the recorded head" in report.problem


def test_swapped_rows_are_detected(logged):
    two, three = AccessLogEntry.objects.get(seq=2), AccessLogEntry.objects.get(seq=3)
    with triggers_off():
        for row, other in ((two, three), (three, two)):
            raw(
                "UPDATE audit_accesslogentry SET seq = %s, prev_hash = %s, hash = %s WHERE id = %s",
                [other.seq, other.prev_hash, other.hash, row.pk],
            )

    assert broken_at(ACCESS) == 2


def test_an_edited_event_is_detected(logged):
    with triggers_off():
        raw("UPDATE audit_event SET summary = 'Nothing happened' WHERE seq = 4")

    report = chain_verify(EVENTS)
    assert report.broken_at == 4
    assert "content was changed" in report.problem


def test_an_events_content_hash_cannot_be_swapped_for_the_edits(logged):
    event = Event.objects.get(seq=2)
    before = {"n": 99}
    content = {"summary": event.summary, "before": before, "after": event.after, "reason": "x"}
    with triggers_off():
        raw(
            "UPDATE audit_event SET before = %s, reason = 'x', content_hash = %s WHERE id = %s",
            [
                '{"n": 99}',
                hashlib.sha256(canonical(content)).hexdigest(),
                event.pk,
            ],
        )

    assert broken_at(EVENTS) == 2


# --------------------------------------------------------------------------- redaction


def test_a_redacted_event_still_verifies(logged, data_protection_officer):
    event = Event.objects.get(seq=3)
    content_hash = event.content_hash

    redaction = event_redact(event, data_protection_officer, "Retention: 6 years after NFA")

    event.refresh_from_db()
    assert (event.summary, event.before, event.after, event.reason) == ("", {}, {}, "")
    assert event.redacted_at is not None
    assert (event.content_hash, event.hash, event.seq) == (content_hash, event.hash, 3)
    assert redaction.action == REDACTION_ACTION
    assert (redaction.record_type, redaction.record_id) == ("event", event.pk)
    assert redaction.reason == "Retention: 6 years after NFA"
    assert redaction.actor == data_protection_officer
    audit_seal()
    report = chain_verify(EVENTS)
    assert report.ok, report.problem
    assert report.redacted == 1


def test_an_unsealed_event_can_be_redacted_and_then_sealed(mash_worker):
    child = PersonFactory()
    event = event_append(record=child, action="t.x", summary="Name", at=AT, actor=None)

    event_redact(event=event, by=mash_worker, reason="Entered on the wrong child")
    audit_seal()

    assert chain_verify(EVENTS).ok


def test_a_blanked_event_without_a_redaction_event_is_detected(logged):
    with triggers_off():
        raw(
            "UPDATE audit_event SET summary = '', before = '{}', after = '{}', reason = '' "
            "WHERE seq = 3"
        )

    report = chain_verify(EVENTS)
    assert report.broken_at == 3


def test_a_redaction_needs_a_reason_and_happens_once(logged, data_protection_officer):
    event = Event.objects.get(seq=1)
    counts = row_counts()
    with refused("reason", "Enter why the event is being redacted"):
        event_redact(event, data_protection_officer, "  ")
    assert row_counts() == counts

    redaction = event_redact(event, data_protection_officer, "Retention")
    counts = row_counts()
    with refused(None, "already been redacted"):
        event_redact(event, data_protection_officer, "Retention")
    with refused(None, "cannot itself be redacted"):
        event_redact(redaction, data_protection_officer, "Retention")
    assert row_counts() == counts


# ----------------------------------------------------------------- append-only database


def test_the_database_refuses_to_change_a_sealed_access_log_entry(logged):
    entry = AccessLogEntry.objects.get(seq=1)
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLogEntry.objects.filter(pk=entry.pk).update(reason="Edited")
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLogEntry.objects.filter(pk=entry.pk).update(seq=99)


def test_the_database_refuses_to_change_an_unsealed_entry_except_to_seal_it(mash_worker):
    child = PersonFactory()
    access_log_record(
        user=mash_worker, children=[child], record=child, action=AccessAction.VIEW, at=AT
    )
    entry = AccessLogEntry.objects.get()
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLogEntry.objects.filter(pk=entry.pk).update(path="/elsewhere/")
    assert audit_seal()["access"] == 1


def test_the_database_refuses_to_change_an_event_except_to_redact_it(logged):
    event = Event.objects.get(seq=1)
    for change in ({"summary": "Edited"}, {"action": "x"}, {"hash": "0" * 64}, {"seq": 9}):
        with pytest.raises(DatabaseError), transaction.atomic():
            Event.objects.filter(pk=event.pk).update(**change)
    # Blanking only part of the content is not a redaction.
    with pytest.raises(DatabaseError), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(summary="", redacted_at=AT)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite keeps DELETE (the test runner needs it)"
)
def test_postgresql_refuses_to_delete_audit_rows(logged):
    for table in ("audit_accesslogentry", "audit_event"):
        with pytest.raises(DatabaseError), transaction.atomic():
            raw(f"DELETE FROM {table} WHERE seq = 1")
    assert AccessLogEntry.objects.filter(seq=1).exists()
