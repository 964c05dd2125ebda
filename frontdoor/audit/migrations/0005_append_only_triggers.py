"""Append-only at the database: triggers refusing UPDATE and DELETE of the audit tables.

PostgreSQL: an UPDATE may only fill the sealing columns of a row not yet sealed (``seq``,
``prev_hash``, ``hash``; an event's ``content_hash`` once), or redact an event (blank its
summary, before, after and reason and set ``redacted_at``); every DELETE is refused (except
rows moved out of the access log's default partition by ``partitions_ensure``, which sets
``frontdoor.audit_maintenance`` for its own transaction). TRUNCATE is not a row operation: grant
the application's role no TRUNCATE (docs/audit-trail.md).

SQLite (development and tests): the same UPDATE rules. DELETE is not refused there, because
Django's test runner empties tables with DELETE; a deleted row is still caught by
``frontdoor audit verify``.
"""

from django.db import migrations

ACCESS_COLUMNS = (
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
)
EVENT_HEADER = ("id", "at", "actor_id", "action", "record_type", "record_id", "child_id")
EVENT_CONTENT = ("summary", "before", "after", "reason", "redacted_at")

PG_FORWARD = """
CREATE OR REPLACE FUNCTION audit_access_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE kept record;
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF current_setting('frontdoor.audit_maintenance', true) = 'on' THEN
      RETURN OLD;
    END IF;
    RAISE EXCEPTION 'the access log is append-only: DELETE refused (id %)', OLD.id
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF OLD.seq IS NULL THEN
    kept := NEW;
    kept.seq := OLD.seq;
    kept.prev_hash := OLD.prev_hash;
    kept.hash := OLD.hash;
    IF kept IS NOT DISTINCT FROM OLD THEN
      RETURN NEW;
    END IF;
  END IF;
  RAISE EXCEPTION 'the access log is append-only: UPDATE refused (id %)', OLD.id
    USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER audit_access_append_only BEFORE UPDATE OR DELETE ON audit_accesslogentry
FOR EACH ROW EXECUTE FUNCTION audit_access_append_only();

CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE kept record;
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'the event history is append-only: DELETE refused (id %)', OLD.id
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  kept := NEW;
  IF OLD.seq IS NULL THEN
    kept.seq := OLD.seq;
    kept.prev_hash := OLD.prev_hash;
    kept.hash := OLD.hash;
  END IF;
  IF OLD.content_hash = '' THEN
    kept.content_hash := OLD.content_hash;
  END IF;
  IF OLD.redacted_at IS NULL AND NEW.redacted_at IS NOT NULL AND NEW.summary = ''
     AND NEW.before = '{}'::jsonb AND NEW.after = '{}'::jsonb AND NEW.reason = '' THEN
    kept.summary := OLD.summary;
    kept.before := OLD.before;
    kept.after := OLD.after;
    kept.reason := OLD.reason;
    kept.redacted_at := OLD.redacted_at;
  END IF;
  IF kept IS NOT DISTINCT FROM OLD THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'the event history is append-only: UPDATE refused (id %)', OLD.id
    USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event
FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();
"""

PG_BACKWARD = """
DROP TRIGGER IF EXISTS audit_access_append_only ON audit_accesslogentry;
DROP FUNCTION IF EXISTS audit_access_append_only();
DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event;
DROP FUNCTION IF EXISTS audit_event_append_only();
"""


def _changed(columns):
    return " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in columns)


SQLITE_FORWARD = [
    f"""
CREATE TRIGGER audit_access_append_only BEFORE UPDATE ON audit_accesslogentry
WHEN OLD.seq IS NOT NULL OR {_changed(ACCESS_COLUMNS)}
BEGIN SELECT RAISE(ABORT, 'the access log is append-only: UPDATE refused'); END
""",
    f"""
CREATE TRIGGER audit_event_append_only BEFORE UPDATE ON audit_event
WHEN (OLD.seq IS NOT NULL AND ({_changed(("seq", "prev_hash", "hash"))}))
  OR (OLD.content_hash != '' AND NEW.content_hash IS NOT OLD.content_hash)
  OR {_changed(EVENT_HEADER)}
  OR (({_changed(EVENT_CONTENT)}) AND NOT (
      OLD.redacted_at IS NULL AND NEW.redacted_at IS NOT NULL AND NEW.summary = ''
      AND NEW.before = '{{}}' AND NEW.after = '{{}}' AND NEW.reason = ''))
BEGIN SELECT RAISE(ABORT, 'the event history is append-only: UPDATE refused'); END
""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS audit_access_append_only",
    "DROP TRIGGER IF EXISTS audit_event_append_only",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor, [])
        for statement in statements:
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0004_access_log_monthly_partitions"),
    ]

    operations = [
        migrations.RunPython(
            _run({"postgresql": [PG_FORWARD], "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": [PG_BACKWARD], "sqlite": SQLITE_BACKWARD}),
        )
    ]
