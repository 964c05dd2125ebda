"""How fast the access log takes entries, and how fast sealing chains them.

Migrates a throwaway SQLite database (or the database in DATABASE_URL: give it an empty one),
creates one user and 1,000 children, then times, for N rows (default 100,000):

- baseline: a bare ``bulk_create`` of N access log rows (1,000 per statement, no guards, no
  chain), the least any logging could cost;
- ``access_log_record``: N calls, one child each (as pages log a view), 1,000 per
  transaction; and 1,000 more calls each in its own transaction, as in a request; and N/10
  calls with its guards switched off, to show what the restricted-records guard costs;
- sealing: ``audit_seal`` over the N (+ 1,000) unsealed rows (batches of 5,000);
- verifying: ``chain_verify`` over the N sealed rows.

Prints rows per second for each, and each one's ratio against the baseline (house rule:
benchmarks print figures and ratios; tests never assert timings).

    .venv/bin/python benchmarks/audit.py [--rows 100000]
    DATABASE_URL=postgres://... .venv/bin/python benchmarks/audit.py
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
START = datetime(2026, 3, 2, 9, tzinfo=UTC)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    rows = args.rows

    tmp = tempfile.TemporaryDirectory()
    if "DATABASE_URL" not in os.environ:
        os.environ["FRONTDOOR_SQLITE_PATH"] = str(Path(tmp.name) / "bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "frontdoor.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from frontdoor.accounts.models import User
    from frontdoor.audit.chain import ACCESS, audit_seal, chain_verify
    from frontdoor.audit.models import AccessAction, AccessLogEntry
    from frontdoor.audit.partitions import partitions_ensure
    from frontdoor.audit.services import access_log_record
    from frontdoor.people.models import Person

    call_command("migrate", verbosity=0)
    partitions_ensure(now=START)
    user = User.objects.create(username="bench.user", role="mash_social_worker")
    children = Person.objects.bulk_create(
        [Person(first_name=f"C{i}", last_name="Bench", created_at=START) for i in range(1000)]
    )
    print(f"database: {connection.vendor}; rows: {rows:,}")

    def at(i: int) -> datetime:
        return START + timedelta(seconds=i)

    # Baseline: bare bulk insert of the same rows.
    began = time.perf_counter()
    for offset in range(0, rows, 1000):
        with transaction.atomic():
            AccessLogEntry.objects.bulk_create(
                [
                    AccessLogEntry(
                        at=at(i),
                        user=user,
                        role=user.role,
                        action=AccessAction.VIEW,
                        child=children[i % 1000],
                        record_type="person",
                        record_id=children[i % 1000].pk,
                        path=f"/children/{children[i % 1000].pk}/",
                    )
                    for i in range(offset, min(offset + 1000, rows))
                ]
            )
    baseline = rows / (time.perf_counter() - began)
    print(f"baseline: bare bulk insert: {baseline:,.0f} rows/s")
    sealed_baseline = audit_seal()["access"]  # seal the baseline rows out of the way

    def log(i: int) -> None:
        child = children[i % 1000]
        access_log_record(
            user=user,
            children=[child],
            record=child,
            action=AccessAction.VIEW,
            at=at(i),
            path=f"/children/{child.pk}/",
        )

    # The function's own cost: N calls, 1,000 per transaction (as the baseline commits).
    began = time.perf_counter()
    for offset in range(0, rows, 1000):
        with transaction.atomic():
            for i in range(offset, min(offset + 1000, rows)):
                log(i)
    inserts = rows / (time.perf_counter() - began)
    print(
        f"access_log_record, 1,000 calls per transaction: {inserts:,.0f} rows/s; "
        f"ratio (this / baseline) = {inserts / baseline:.3f}"
    )
    # As in a request: one call per transaction (the commit's flush to disk dominates).
    sample = min(rows, 1000)
    began = time.perf_counter()
    for i in range(rows, rows + sample):
        with transaction.atomic():
            log(i)
    single = sample / (time.perf_counter() - began)
    print(
        f"access_log_record, one call per transaction ({sample:,} calls): {single:,.0f} rows/s; "
        f"ratio (this / baseline) = {single / baseline:.3f}"
    )

    # The guards' share (restricted records: one query a call): the same calls without them.
    from frontdoor.audit import services as audit_services

    guards = list(audit_services._GUARDS)
    audit_services._GUARDS.clear()
    unguarded_from = rows + sample
    began = time.perf_counter()
    for offset in range(unguarded_from, unguarded_from + rows // 10, 1000):
        with transaction.atomic():
            for i in range(offset, min(offset + 1000, unguarded_from + rows // 10)):
                log(i)
    unguarded = (rows // 10) / (time.perf_counter() - began)
    audit_services._GUARDS.extend(guards)
    print(
        f"access_log_record without its guards ({rows // 10:,} calls, 1,000 per transaction): "
        f"{unguarded:,.0f} rows/s; guarded / unguarded = {inserts / unguarded:.3f}"
    )

    began = time.perf_counter()
    sealed = audit_seal()["access"]
    seal_rate = sealed / (time.perf_counter() - began)
    print(
        f"sealing {sealed:,} rows: {seal_rate:,.0f} rows/s; "
        f"ratio (this / baseline) = {seal_rate / baseline:.3f}"
    )

    began = time.perf_counter()
    report = chain_verify(ACCESS)
    verify_rate = report.checked / (time.perf_counter() - began)
    print(
        f"verifying {report.checked:,} rows ({sealed_baseline:,} + {sealed:,}): "
        f"{verify_rate:,.0f} rows/s; ratio (this / baseline) = {verify_rate / baseline:.3f}; "
        f"{'OK' if report.ok else 'BROKEN'}"
    )
    tmp.cleanup()


if __name__ == "__main__":
    main()
