"""The throwaway test database, made cheaper to write to.

Registered for the whole suite in the root ``conftest.py``. Only processes running pytest load
it, so nothing here reaches the settings a deployment runs with.

PostgreSQL: every connection a test process opens (the test runner's, the live server's, the
ones Playwright journeys open between page actions) sets ``synchronous_commit`` off for
itself, so a commit does not wait for the write-ahead log to reach the disk. A crash of the
server could lose the last moments of commits, which a throwaway test database does not
mind; what each transaction sees, its locks and its constraints are unchanged. The proofs
(``scripts/proofs``) run outside pytest and keep the server's settings.

PostgreSQL: emptying the tables after a transactional test (``django_db(transaction=True)``:
the browser journeys, the live-server tests) and after a module's demo (``flush``) deletes
the rows instead of truncating every table. Django's ``flush`` truncates all the tables in
one statement, and a ``TRUNCATE`` gives each of the 70-odd tables, its indexes and its TOAST
table new files, which took 3 to 4.5 seconds a time on the 2-core machine; ``DELETE`` in
one transaction, with the foreign keys checked at its end (they are all deferrable), takes
under one. A table with a trigger of its own (the append-only audit tables, whose triggers
refuse ``DELETE``) is still truncated, as before. The outcome is the same: every table empty,
sequences where they were or back at 1 (``reset_sequences``, which ``manage.py flush``
asks for), as Django's ``TRUNCATE`` would leave them; a flush with ``allow_cascade`` (a
test case naming its ``available_apps``) gets Django's own ``TRUNCATE``.
``FRONTDOOR_TEST_FLUSH=truncate`` leaves Django's flush as it is (to compare, or to rule
this out).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import pytest


def _commit_without_waiting_for_the_disk(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")


_TRIGGERED_TABLES = """
SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
WHERE NOT t.tgisinternal AND c.relname = ANY(%s)
"""
_SEQUENCE_COLUMNS = """
SELECT c.relname, a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
WHERE c.relname = ANY(%s) AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
  AND pg_get_serial_sequence(quote_ident(c.relname), a.attname) IS NOT NULL
"""


def _flush_by_delete(django_sql_flush: Any) -> Any:
    """PostgreSQL's ``sql_flush``, emptying the tables with ``DELETE`` where it can."""

    def sql_flush(
        self: Any,
        style: Any,
        tables: Sequence[str],
        *,
        reset_sequences: bool = False,
        allow_cascade: bool = False,
    ) -> list[str]:
        if not tables or allow_cascade:
            return list(
                django_sql_flush(
                    self,
                    style,
                    tables,
                    reset_sequences=reset_sequences,
                    allow_cascade=allow_cascade,
                )
            )
        with self.connection.cursor() as cursor:
            cursor.execute(_TRIGGERED_TABLES, [list(tables)])
            triggered = {row[0] for row in cursor.fetchall()}
            sequences = []
            if reset_sequences:
                cursor.execute(_SEQUENCE_COLUMNS, [list(tables)])
                sequences = [{"table": t, "column": c} for t, c in cursor.fetchall()]
        quote = self.quote_name
        # flush runs these in one transaction: the foreign keys are checked at its end.
        sql = ["SET CONSTRAINTS ALL DEFERRED;"]
        sql += [f"DELETE FROM {quote(t)};" for t in tables if t not in triggered]
        if triggered:
            restart = " RESTART IDENTITY" if reset_sequences else ""
            sql.append(f"TRUNCATE {', '.join(quote(t) for t in sorted(triggered))}{restart};")
        # Sequences back to 1, as TRUNCATE ... RESTART IDENTITY would have put them.
        sql += self.sequence_reset_by_name_sql(style, sequences)
        return sql

    return sql_flush


def pytest_configure(config: pytest.Config) -> None:
    if not config.pluginmanager.hasplugin("django"):
        return  # framework-free packages (frontdoor/clocks) run with -p no:django
    from django.db.backends.postgresql.operations import DatabaseOperations
    from django.db.backends.signals import connection_created

    connection_created.connect(
        _commit_without_waiting_for_the_disk, dispatch_uid="frontdoor-test-database"
    )
    if os.environ.get("FRONTDOOR_TEST_FLUSH") == "truncate":
        return
    if not getattr(DatabaseOperations.sql_flush, "frontdoor_by_delete", False):
        flush = _flush_by_delete(DatabaseOperations.sql_flush)
        flush.frontdoor_by_delete = True
        DatabaseOperations.sql_flush = flush  # type: ignore[method-assign]
