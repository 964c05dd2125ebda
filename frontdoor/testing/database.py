"""The throwaway test database, made cheaper to write to.

Registered for the whole suite in the root ``conftest.py``. Only processes running pytest load
it, so nothing here reaches the settings a deployment runs with.

PostgreSQL: every connection a test process opens (the test runner's, the live server's, the
ones Playwright journeys open between page actions) sets ``synchronous_commit`` off for
itself, so a commit does not wait for the write-ahead log to reach the disk. A crash of the
server could lose the last moments of commits, which a throwaway test database does not
mind; what each transaction sees, its locks and its constraints are unchanged. The proofs
(``scripts/proofs``) run outside pytest and keep the server's settings.
"""

from __future__ import annotations

from typing import Any

import pytest


def _commit_without_waiting_for_the_disk(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")


def pytest_configure(config: pytest.Config) -> None:
    if not config.pluginmanager.hasplugin("django"):
        return  # framework-free packages (frontdoor/clocks) run with -p no:django
    from django.db.backends.signals import connection_created

    connection_created.connect(
        _commit_without_waiting_for_the_disk, dispatch_uid="frontdoor-test-database"
    )
