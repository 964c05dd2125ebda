"""Monthly partitions of the access log (PostgreSQL; a no-op on SQLite)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django.db import connection

from frontdoor.audit.chain import ACCESS, audit_seal, chain_verify
from frontdoor.audit.models import AccessAction, AccessLogEntry
from frontdoor.audit.partitions import (
    is_partitioned,
    month_start,
    next_month,
    partition_name,
    partition_of,
    partitions_ensure,
)
from frontdoor.audit.services import access_log_record
from frontdoor.testing.factories import PersonFactory, local
from frontdoor.work.housekeeping import tick

pytestmark = pytest.mark.django_db
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="partitions are PostgreSQL only"
)


def _log(user, at):
    child = PersonFactory()
    access_log_record(user=user, children=[child], record=child, action=AccessAction.VIEW, at=at)
    return AccessLogEntry.objects.order_by("-id").first()


def test_months_are_utc_calendar_months():
    assert month_start(datetime(2026, 12, 31, 23, 30, tzinfo=UTC)) == datetime(
        2026, 12, 1, tzinfo=UTC
    )
    assert next_month(datetime(2026, 12, 1, tzinfo=UTC)) == datetime(2027, 1, 1, tzinfo=UTC)
    assert partition_name(datetime(2026, 3, 1, tzinfo=UTC)) == "audit_accesslogentry_y2026m03"


@pytest.mark.skipif(connection.vendor == "postgresql", reason="SQLite")
def test_on_sqlite_there_is_nothing_to_partition(capsys):
    assert not is_partitioned()
    assert partitions_ensure() == []
    call_command("audit", "partitions")
    assert "not partitioned" in capsys.readouterr().out


@postgresql_only
def test_rows_land_in_their_months_partition(mash_worker):
    assert is_partitioned()
    created = partitions_ensure(now=local(2026, 3, 2, 9), ahead=2)
    assert created == [
        "audit_accesslogentry_y2026m03",
        "audit_accesslogentry_y2026m04",
        "audit_accesslogentry_y2026m05",
    ]
    assert partitions_ensure(now=local(2026, 3, 2, 9), ahead=2) == []

    march = _log(mash_worker, local(2026, 3, 31, 23, 30))  # 31 March, BST: still March in UTC
    april = _log(mash_worker, local(2026, 4, 1, 0, 30))  # 23:30 UTC on 31 March
    far = _log(mash_worker, datetime(2040, 1, 1, tzinfo=UTC))

    assert partition_of(march.pk) == "audit_accesslogentry_y2026m03"
    assert partition_of(april.pk) == "audit_accesslogentry_y2026m03"
    assert partition_of(far.pk) == "audit_accesslogentry_default"
    audit_seal()
    assert chain_verify(ACCESS).ok


@postgresql_only
def test_rows_already_in_the_default_partition_move_to_their_new_month(mash_worker):
    entry = _log(mash_worker, datetime(2031, 6, 15, 12, tzinfo=UTC))
    audit_seal()
    assert partition_of(entry.pk) == "audit_accesslogentry_default"

    assert partitions_ensure(now=datetime(2031, 6, 1, tzinfo=UTC), ahead=0) == [
        "audit_accesslogentry_y2031m06"
    ]

    assert partition_of(entry.pk) == "audit_accesslogentry_y2031m06"
    assert chain_verify(ACCESS).ok  # moved, not changed


@postgresql_only
def test_housekeeping_and_the_command_make_partitions_ahead(capsys):
    report = tick(now=datetime(2033, 2, 10, tzinfo=UTC))
    assert report.audit_partitions_created == 4
    call_command("audit", "partitions", "--ahead", "1")
    assert "partition" in capsys.readouterr().out
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('audit_accesslogentry_y2033m05')")
        assert cursor.fetchone()[0] is not None
