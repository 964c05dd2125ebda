"""PostgreSQL only: partition the access log by month on ``at`` (a no-op on SQLite).

The table is rebuilt as ``PARTITION BY RANGE (at)`` with a default partition (an insert never
fails) and one partition per month (UTC) from the oldest entry to three months ahead;
housekeeping creates later months. The database's primary key becomes ``(id, at)`` because a
partitioned table's unique keys must include the partition key; Django keeps ``id`` as the
model's primary key, which is safe because ids come from one sequence, are never updated, and
every query and update names rows by id (see docs/adr/0012-sealed-hash-chain.md).
"""

from datetime import UTC, datetime

from django.db import migrations

TABLE = "audit_accesslogentry"
OLD = "audit_accesslogentry_unpartitioned"
AHEAD = 3


def _month(when):
    when = when.astimezone(UTC)
    return datetime(when.year, when.month, 1, tzinfo=UTC)


def _next(start):
    if start.month == 12:
        return datetime(start.year + 1, 1, 1, tzinfo=UTC)
    return datetime(start.year, start.month + 1, 1, tzinfo=UTC)


def _literal(when):
    return f"'{when:%Y-%m-%d} 00:00:00+00'"


def partition(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as c:
        c.execute(
            "SELECT indexname, indexdef FROM pg_indexes "
            "WHERE schemaname = current_schema() AND tablename = %s",
            [TABLE],
        )
        indexes = [(n, d) for n, d in c.fetchall() if n != f"{TABLE}_pkey"]
        c.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'f'",
            [TABLE],
        )
        foreign_keys = c.fetchall()
        c.execute(f"SELECT min(at), coalesce(max(id), 0) FROM {TABLE}")
        oldest, max_id = c.fetchone()
        c.execute(f"ALTER TABLE {TABLE} RENAME TO {OLD}")
        c.execute(
            f"CREATE TABLE {TABLE} (LIKE {OLD} INCLUDING DEFAULTS INCLUDING STORAGE) "
            "PARTITION BY RANGE (at)"
        )
        c.execute(f"CREATE TABLE {TABLE}_default PARTITION OF {TABLE} DEFAULT")
        start = _month(oldest or datetime.now(UTC))
        last = _month(datetime.now(UTC))
        for _ in range(AHEAD):
            last = _next(last)
        while start <= last:
            end = _next(start)
            c.execute(
                f"CREATE TABLE {TABLE}_y{start:%Y}m{start:%m} PARTITION OF {TABLE} "
                f"FOR VALUES FROM ({_literal(start)}) TO ({_literal(end)})"
            )
            start = end
        c.execute(f"INSERT INTO {TABLE} SELECT * FROM {OLD}")
        c.execute(f"DROP TABLE {OLD}")
        c.execute(f"CREATE SEQUENCE {TABLE}_id_seq OWNED BY {TABLE}.id")
        c.execute(f"ALTER TABLE {TABLE} ALTER COLUMN id SET DEFAULT nextval('{TABLE}_id_seq')")
        if max_id:
            c.execute(f"SELECT setval('{TABLE}_id_seq', %s)", [max_id])
        c.execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {TABLE}_pkey PRIMARY KEY (id, at)")
        for _name, definition in indexes:
            c.execute(definition)
        for name, definition in foreign_keys:
            c.execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {name} {definition}")


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_hash_chain"),
    ]

    operations = [migrations.RunPython(partition, migrations.RunPython.noop, elidable=False)]
