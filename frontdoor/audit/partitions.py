"""Monthly partitions of the access log on PostgreSQL (a no-op on SQLite).

The table ``audit_accesslogentry`` is partitioned by range on ``at`` (months in UTC), with a
default partition so an insert never fails. Housekeeping (and ``frontdoor audit partitions``)
creates the current month and the next months ahead; if rows for a month already landed in the
default partition (housekeeping was stopped), they are moved into the new month's partition.
See docs/adr/0012-sealed-hash-chain.md.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.db import connection, transaction
from django.utils import timezone

TABLE = "audit_accesslogentry"
DEFAULT = f"{TABLE}_default"
MONTHS_AHEAD = 3


def month_start(when: datetime) -> datetime:
    when = when.astimezone(UTC)
    return datetime(when.year, when.month, 1, tzinfo=UTC)


def next_month(start: datetime) -> datetime:
    return (
        datetime(start.year + 1, 1, 1, tzinfo=UTC)
        if start.month == 12
        else datetime(start.year, start.month + 1, 1, tzinfo=UTC)
    )


def partition_name(start: datetime) -> str:
    return f"{TABLE}_y{start:%Y}m{start:%m}"


def _literal(when: datetime) -> str:
    return f"'{when:%Y-%m-%d} 00:00:00+00'"


def is_partitioned() -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid "
            "WHERE c.relname = %s AND c.relnamespace = current_schema()::regnamespace",
            [TABLE],
        )
        return cursor.fetchone() is not None


def partition_of(entry_id: int) -> str | None:
    """The partition holding an access log entry (PostgreSQL), for tests and diagnosis."""
    if not is_partitioned():
        return None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT tableoid::regclass::text FROM {TABLE} WHERE id = %s", [entry_id])
        row = cursor.fetchone()
    return row[0] if row else None


def partitions_ensure(*, now: datetime | None = None, ahead: int = MONTHS_AHEAD) -> list[str]:
    """Create this month's partition and the next ``ahead`` months'; returns the new names."""
    if not is_partitioned():
        return []
    start = month_start(now or timezone.now())
    created = []
    for _ in range(ahead + 1):
        end = next_month(start)
        name = partition_name(start)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass(%s)", [name])
            (exists,) = cursor.fetchone()
            if exists is None:
                _create(cursor, name, start, end)
                created.append(name)
        start = end
    return created


def _create(cursor: object, name: str, start: datetime, end: datetime) -> None:
    execute = cursor.execute  # type: ignore[attr-defined]
    bounds = f"FROM ({_literal(start)}) TO ({_literal(end)})"
    where = f"at >= {_literal(start)} AND at < {_literal(end)}"
    # Serialise with inserts while the default partition is checked and the month attached.
    execute(f"LOCK TABLE {TABLE} IN SHARE ROW EXCLUSIVE MODE")
    execute(f"SELECT count(*) FROM {DEFAULT} WHERE {where}")
    (waiting,) = cursor.fetchone()  # type: ignore[attr-defined]
    if not waiting:
        execute(f"CREATE TABLE {name} PARTITION OF {TABLE} FOR VALUES {bounds}")
        return
    # Rows for this month are in the default partition: move them, then attach the month.
    execute(f"CREATE TABLE {name} (LIKE {TABLE} INCLUDING DEFAULTS)")
    execute(f"INSERT INTO {name} SELECT * FROM {DEFAULT} WHERE {where}")
    execute("SET LOCAL frontdoor.audit_maintenance = 'on'")
    execute(f"DELETE FROM {DEFAULT} WHERE {where}")
    execute("SET LOCAL frontdoor.audit_maintenance = 'off'")
    execute(f"ALTER TABLE {TABLE} ATTACH PARTITION {name} FOR VALUES {bounds}")
