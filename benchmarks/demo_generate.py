"""Benchmark the demo generator against a throwaway SQLite database.

    .venv/bin/python benchmarks/demo_generate.py                  # small, then the demo's size
    .venv/bin/python benchmarks/demo_generate.py --size small     # 0.1 years x 12,000 a year
    .venv/bin/python benchmarks/demo_generate.py --size demo      # 0.5 years: ``frontdoor demo``
    .venv/bin/python benchmarks/demo_generate.py --size default   # 2 years: ``frontdoor seed``
    .venv/bin/python benchmarks/demo_generate.py --tracemalloc    # also trace Python allocations

``demo`` is what ``./scripts/demo`` generates on an empty database (``frontdoor demo``: six
months at 12,000 contacts a year); ``default`` is ``frontdoor seed``'s two years. For each size
it prints the generator's progress lines (each phase with its time), contacts/second, wall and
CPU seconds, SQL statements per contact, peak memory, and the ratio to a baseline measured in
the same run: a bare loop of ``Contact.objects.create`` calls (one insert per contact, no
bulk_create) inside one transaction. CPU seconds hardly change with the machine's load; wall
seconds do, so the load average is printed at the start and the end. The database is a
temporary file, deleted at the end unless ``--keep``.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
import tracemalloc
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SIZES: dict[str, tuple[float, int]] = {
    "small": (0.1, 12000),
    "demo": (0.5, 12000),  # frontdoor.demo.management.commands.demo_run.DEMO_YEARS
    "default": (2.0, 12000),
}
NOW = datetime(2026, 3, 11, 15, 30, tzinfo=UTC)


@dataclass
class Measure:
    wall: float
    cpu: float
    traced_peak_mb: float | None
    statements: int = 0


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far (Linux reports KiB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def bare_insert(count: int) -> Measure:
    """One ``Contact.objects.create`` per contact in one transaction; the rows are removed."""
    from django.db import transaction
    from django.test.utils import override_settings

    from frontdoor.accounts.models import User
    from frontdoor.intake.models import Channel, ConsentStatus, Contact, LawfulBasis
    from frontdoor.policies.selectors import policy_in_force

    user = User.objects.get(username="contact.officer")
    policy = policy_in_force(NOW)
    wall, cpu = time.perf_counter(), time.process_time()
    with override_settings(DEBUG=False), transaction.atomic():
        for i in range(count):
            at = NOW - timedelta(minutes=i)
            Contact.objects.create(
                reference=f"BENCH{i:07d}",
                received_at=at,
                channel=Channel.PHONE,
                source="6",
                concern="Benchmark contact",
                consent_status=ConsentStatus.GIVEN,
                lawful_basis=LawfulBasis.PUBLIC_TASK,
                recorded_by=user,
                recorded_at=at,
                policy=policy,
            )
    measure = Measure(time.perf_counter() - wall, time.process_time() - cpu, None)
    Contact.objects.filter(reference__startswith="BENCH").delete()
    return measure


def run_generator(
    years: float, contacts_per_year: int, seed: int, trace: bool
) -> tuple[Measure, int, list[str]]:
    from django.db import connection

    from frontdoor.demo.generator import generate

    statements = 0

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal statements
        statements += 1
        return execute(sql, params, many, context)

    began = time.perf_counter()

    def say(message: str) -> None:
        print(f"    {message} [{time.perf_counter() - began:.0f} s]", flush=True)

    if trace:
        tracemalloc.start()
    wall, cpu = time.perf_counter(), time.process_time()
    with connection.execute_wrapper(count):
        summary = generate(
            seed=seed, years=years, contacts_per_year=contacts_per_year, now=NOW, progress=say
        )
    measure = Measure(time.perf_counter() - wall, time.process_time() - cpu, None, statements)
    if trace:
        measure.traced_peak_mb = tracemalloc.get_traced_memory()[1] / (1024 * 1024)
        tracemalloc.stop()
    return measure, summary.contacts, summary.lines()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--size",
        choices=["small", "demo", "default", "both"],
        default="both",
        help="both (the default): small, then demo.",
    )
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--tracemalloc", action="store_true", help="Trace allocations (slower).")
    parser.add_argument("--keep", action="store_true", help="Keep the database file.")
    args = parser.parse_args()

    directory = Path(tempfile.mkdtemp(prefix="frontdoor-bench-"))
    os.environ["FRONTDOOR_SQLITE_PATH"] = str(directory / "bench.sqlite3")
    os.environ["DJANGO_SETTINGS_MODULE"] = "frontdoor.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from frontdoor.demo.reference import demo_users_ensure, reference_data_ensure

    print(f"Database: {os.environ['FRONTDOOR_SQLITE_PATH']}")
    print(f"Load average at start: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    call_command("migrate", verbosity=0)
    sizes = ["small", "demo"] if args.size == "both" else [args.size]
    try:
        for index, name in enumerate(sizes):
            if index:
                call_command("flush", interactive=False, verbosity=0)
            reference_data_ensure()
            demo_users_ensure("benchmark")
            years, per_year = SIZES[name]
            count = round(years * per_year)
            print(f"\n== {name}: {years:g} years x {per_year} contacts a year ({count}) ==")
            base = bare_insert(count)
            print(
                f"  bare insert: {count} rows in {base.wall:.2f} s wall, {base.cpu:.2f} s CPU "
                f"({count / base.wall:.0f} rows/s)"
            )
            measure, contacts, lines = run_generator(years, per_year, args.seed, args.tracemalloc)
            print("\n".join(f"  {line}" for line in lines))
            traced = (
                f", traced Python peak {measure.traced_peak_mb:.0f} MB"
                if measure.traced_peak_mb is not None
                else ""
            )
            print(
                f"  generator: {contacts} contacts in {measure.wall:.1f} s wall, "
                f"{measure.cpu:.1f} s CPU ({contacts / measure.wall:.1f} contacts/s wall, "
                f"{contacts / measure.cpu:.1f} contacts/s CPU)"
            )
            print(
                f"  SQL statements: {measure.statements} "
                f"({measure.statements / contacts:.0f} per contact, savepoints included)"
            )
            print(f"  peak memory: RSS {peak_rss_mb():.0f} MB (process peak so far){traced}")
            per_contact = measure.wall / contacts / (base.wall / count)
            per_contact_cpu = measure.cpu / contacts / (base.cpu / count)
            print(
                f"  ratio (generator / bare insert) = {per_contact:.1f} "
                f"(per contact, wall; CPU {per_contact_cpu:.1f})"
            )
        print(f"\nLoad average at end: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    finally:
        from django.db import connection

        connection.close()
        if args.keep:
            print(f"Kept {directory}")
        else:
            shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
