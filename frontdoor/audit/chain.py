"""The hash chains over the access log and the event history: sealing and verifying.

Rows are inserted as before (nothing on the hot path waits for the chain). Sealing — the
worker's housekeeping every minute, or ``frontdoor audit seal`` — takes the unsealed rows of a
table in id order, under a lock on the chain's head row, and gives each one

- ``seq``: its place in the chain (1, 2, 3 ...);
- ``prev_hash``: the previous entry's ``hash`` (64 zeros before the first);
- ``hash = sha256(prev_hash || canonical JSON of the row's fields)``.

An event's canonical JSON holds ``content_hash`` (sha256 of its summary, before, after and
reason) instead of that content, so a lawful redaction (which blanks the content and keeps
``content_hash``, see ``frontdoor.audit.services.event_redact``) leaves the chain intact.

``chain_verify`` recomputes a chain and names the first sequence number where it breaks: an
edited row (its hash no longer matches), a deleted one (a gap), an inserted one (a duplicate
or out-of-place number, or a hash that does not follow), a re-ordered pair, or a truncated
end (the head row remembers the last sealed entry).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from frontdoor.audit.models import AccessLogEntry, ChainHead, Event

logger = logging.getLogger("frontdoor.audit")

GENESIS = "0" * 64
SEAL_BATCH = 5000
REDACTION_ACTION = "audit.redacted"
#: An event's content: what a redaction blanks (and ``content_hash`` covers).
EVENT_CONTENT = ("summary", "before", "after", "reason")
BLANK_CONTENT: dict[str, Any] = {"summary": "", "before": {}, "after": {}, "reason": ""}


@dataclass(frozen=True)
class Chain:
    name: str
    model: type[models.Model]
    #: The columns the chain hashes (with ``seq``), in the row's canonical JSON.
    columns: tuple[str, ...]
    #: Whether the row carries a redactable content hashed separately (events).
    content: bool = False


ACCESS = Chain(
    "access",
    AccessLogEntry,
    (
        "id",
        "at",
        "user_id",
        "role",
        "agency",
        "action",
        "child_id",
        "record_type",
        "record_id",
        "path",
        "fields",
        "reason",
    ),
)
EVENTS = Chain(
    "event",
    Event,
    (
        "id",
        "at",
        "actor_id",
        "action",
        "record_type",
        "record_id",
        "child_id",
        "content_hash",
    ),
    content=True,
)
CHAINS = (ACCESS, EVENTS)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    return value


def canonical(values: Mapping[str, Any]) -> bytes:
    """Sorted keys, no spaces, UTF-8, datetimes as UTC ISO 8601 with microseconds."""
    return json.dumps(
        {k: _plain(v) for k, v in values.items()},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    ).encode()


def content_hash_of(row: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical({k: row[k] for k in EVENT_CONTENT})).hexdigest()


def row_hash(chain: Chain, prev_hash: str, row: Mapping[str, Any], seq: int) -> str:
    values = {name: row[name] for name in chain.columns}
    values["seq"] = seq
    return hashlib.sha256(prev_hash.encode() + canonical(values)).hexdigest()


# ------------------------------------------------------------------------------ sealing


def _head_locked(chain: Chain, now: datetime) -> ChainHead:
    """The chain's head row, locked until the transaction ends (created on first use)."""
    ChainHead.objects.get_or_create(name=chain.name)
    # The UPDATE takes the row lock on PostgreSQL (and the write lock on SQLite) at once.
    ChainHead.objects.filter(pk=chain.name).update(sealed_at=now)
    return ChainHead.objects.select_for_update().get(pk=chain.name)


def _write_seals(chain: Chain, sealed: list[tuple[Any, ...]]) -> None:
    """Write (seq, prev_hash, hash, content_hash, id, at) onto the rows: one statement per
    batch on PostgreSQL (``at`` lets it go straight to the row's monthly partition)."""
    table = connection.ops.quote_name(chain.model._meta.db_table)
    content = ", content_hash = v.content_hash" if chain.content else ""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            columns = list(zip(*sealed, strict=True))
            cursor.execute(
                f"UPDATE {table} AS t SET seq = v.seq, prev_hash = v.prev_hash, "
                f"hash = v.hash{content} FROM unnest(%s::bigint[], %s::varchar[], "
                "%s::varchar[], %s::varchar[], %s::bigint[], %s::timestamptz[]) "
                "AS v(seq, prev_hash, hash, content_hash, id, at) "
                "WHERE t.id = v.id AND t.at = v.at AND t.seq IS NULL",
                [list(c) for c in columns],
            )
        else:
            content = ", content_hash = %s" if chain.content else ""
            cursor.executemany(
                f"UPDATE {table} SET seq = %s, prev_hash = %s, hash = %s{content} "
                "WHERE id = %s AND seq IS NULL",
                [(*row[:3], *((row[3],) if chain.content else ()), row[4]) for row in sealed],
            )


def _seal_batch(chain: Chain, *, now: datetime, batch: int) -> int:
    with transaction.atomic():
        head = _head_locked(chain, now)
        wanted = [*chain.columns, *(EVENT_CONTENT if chain.content else ())]
        rows = list(
            chain.model._default_manager.filter(seq__isnull=True)
            .order_by("id")
            .values(*{*wanted, "at", "content_hash"} if chain.content else wanted)[:batch]
        )
        if not rows:
            return 0
        prev, seq = head.hash or GENESIS, head.seq
        sealed: list[tuple[Any, ...]] = []
        for row in rows:
            seq += 1
            if chain.content:
                row["content_hash"] = row["content_hash"] or content_hash_of(row)
            digest = row_hash(chain, prev, row, seq)
            sealed.append((seq, prev, digest, row.get("content_hash"), row["id"], row["at"]))
            prev = digest
        _write_seals(chain, sealed)
        ChainHead.objects.filter(pk=chain.name).update(seq=seq, hash=prev, sealed_at=now)
        return len(rows)


def chain_seal(
    chain: Chain, *, now: datetime | None = None, batch: int = SEAL_BATCH, limit: int | None = None
) -> int:
    """Seal the chain's unsealed rows, ``batch`` per transaction; returns how many."""
    now = now or timezone.now()
    done = 0
    while limit is None or done < limit:
        size = batch if limit is None else min(batch, limit - done)
        sealed = _seal_batch(chain, now=now, batch=size)
        done += sealed
        if sealed < size:
            break
    if done:
        # The head, in the application's log: a copy outside the database to compare with.
        head = ChainHead.objects.get(pk=chain.name)
        logger.info("audit chain %s sealed to %s %s", chain.name, head.seq, head.hash)
    return done


def audit_seal(*, now: datetime | None = None, batch: int = SEAL_BATCH) -> dict[str, int]:
    """Seal both chains: {"access": n, "event": n}."""
    return {chain.name: chain_seal(chain, now=now, batch=batch) for chain in CHAINS}


# ---------------------------------------------------------------------------- verifying


@dataclass
class Verification:
    chain: str
    checked: int = 0
    unsealed: int = 0
    redacted: int = 0
    head_seq: int = 0
    head_hash: str = ""
    broken_at: int | None = None
    problem: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.broken_at is None

    def line(self) -> str:
        if self.ok:
            return (
                f"{self.chain}: OK, {self.checked:,} sealed entries"
                f" (head {self.head_seq} {self.head_hash[:16]}...),"
                f" {self.unsealed:,} not yet sealed, {self.redacted:,} redacted"
            )
        return f"{self.chain}: BROKEN at sequence number {self.broken_at}: {self.problem}"


def _sealed_rows(chain: Chain, chunk: int) -> Iterator[dict[str, Any]]:
    wanted = {*chain.columns, "seq", "prev_hash", "hash", *(EVENT_CONTENT if chain.content else ())}
    last = 0
    manager = chain.model._default_manager
    while True:
        rows = list(manager.filter(seq__gt=last).order_by("seq", "id").values(*wanted)[:chunk])
        if not rows:
            return
        yield from rows
        last = rows[-1]["seq"]


def _redacted_ids() -> set[int]:
    return set(
        Event.objects.filter(action=REDACTION_ACTION, record_type="event").values_list(
            "record_id", flat=True
        )
    )


def chain_verify(chain: Chain, *, chunk: int = 5000) -> Verification:
    """Recompute the chain from the start; stop at the first break."""
    report = Verification(chain.name)
    head = ChainHead.objects.filter(pk=chain.name).first()
    report.head_seq, report.head_hash = (head.seq, head.hash) if head else (0, "")
    report.unsealed = chain.model._default_manager.filter(seq__isnull=True).count()
    redactions = _redacted_ids() if chain.content else set()
    expected, prev = 1, GENESIS

    def broken(seq: int, problem: str) -> Verification:
        report.broken_at, report.problem = seq, problem
        return report

    for row in _sealed_rows(chain, chunk):
        seq = row["seq"]
        if seq > expected:
            return broken(expected, f"entry {expected} is missing (deleted?)")
        if seq < expected:
            return broken(seq, f"entry {seq} appears twice (inserted?), id {row['id']}")
        if row["prev_hash"] != prev:
            return broken(seq, f"id {row['id']} does not follow entry {seq - 1}")
        if chain.content and content_hash_of(row) != row["content_hash"]:
            blank = all(row[k] == BLANK_CONTENT[k] for k in EVENT_CONTENT)
            if not (blank and row["id"] in redactions):
                return broken(seq, f"id {row['id']}: its content was changed")
            report.redacted += 1
        if row_hash(chain, prev, row, seq) != row["hash"]:
            return broken(seq, f"id {row['id']} was changed after it was sealed")
        prev = row["hash"]
        report.checked += 1
        expected += 1
    if head is None:
        if report.checked:
            return broken(report.checked, "the chain's head record is missing")
        return report
    if (report.checked, prev) != (head.seq, head.hash or GENESIS):
        if report.checked < head.seq:
            return broken(
                report.checked + 1,
                f"the chain ends at {report.checked} but was sealed up to {head.seq} "
                "(entries deleted from the end?)",
            )
        if report.checked > head.seq:
            return broken(
                head.seq + 1,
                f"entries after the recorded head {head.seq} (inserted without sealing?)",
            )
        return broken(head.seq, "the last entry does not match the recorded head")
    return report


def audit_verify() -> list[Verification]:
    return [chain_verify(chain) for chain in CHAINS]
