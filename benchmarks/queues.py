"""How fast the work queues and the front-door overview read, on generated demo data.

Generates a front door into a throwaway SQLite database (or the database in DATABASE_URL,
whose test copy is not used: give it an empty database), then times:

- the MASH team queue, a MASH worker's own queue, and the front-door overview (open work by
  stage and clock state, plus 28-day timeliness over all history);
- a baseline measured in the same run: a bare fetch of the same open rows (ids and due
  times, no joins, no clock reading), the least any queue could cost.

Prints milliseconds per call (median of --repeat runs) and the ratio to the baseline.
Target: the MASH team queue and the overview each under 250 ms at two years of data.

    .venv/bin/python benchmarks/queues.py [--years 2] [--contacts-per-year 12000]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 3, 11, 15, 30, tzinfo=UTC)


def median_ms(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        fn()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--years", type=float, default=2.0)
    parser.add_argument("--contacts-per-year", type=int, default=12000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    tmp = tempfile.TemporaryDirectory()
    if "DATABASE_URL" not in os.environ:
        os.environ["FRONTDOOR_SQLITE_PATH"] = str(Path(tmp.name) / "bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "frontdoor.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db.models import Q

    from frontdoor.accounts.models import User
    from frontdoor.demo.generator import generate
    from frontdoor.demo.reference import demo_users_ensure
    from frontdoor.intake.models import ContactChild
    from frontdoor.mash.models import Decision, Enquiry, PartnerRequest
    from frontdoor.protection.models import Transfer
    from frontdoor.work.queues import front_door_overview, my_queue, team_queue

    call_command("migrate", verbosity=0)
    demo_users_ensure("benchmark-password")
    began = time.perf_counter()
    summary = generate(years=args.years, contacts_per_year=args.contacts_per_year, now=NOW)
    print(
        f"generated {args.years} years at {args.contacts_per_year}/year "
        f"in {time.perf_counter() - began:.0f} s"
    )
    for line in summary.lines():
        print(f"  {line}")

    manager = User.objects.get(username="mash.manager")
    worker = User.objects.get(username="mash.worker")

    def bare() -> int:
        rows = 0
        rows += len(
            ContactChild.objects.filter(screened_at__isnull=True).values_list(
                "id", "screening_due_at"
            )
        )
        rows += len(Enquiry.objects.filter(status="open").values_list("id", "due_at"))
        rows += len(PartnerRequest.objects.filter(status="sent").values_list("id", "due_at"))
        rows += len(
            Decision.objects.filter(signed_off_at__isnull=True).values_list("id", "signoff_due_at")
        )
        rows += len(
            Transfer.objects.filter(
                Q(status="requested") | Q(status="accepted", visit__isnull=True)
            ).values_list("id", "acceptance_due_at")
        )
        return rows

    baseline = median_ms(bare, args.repeat)
    print(f"baseline: bare fetch of {bare()} open rows: {baseline:.1f} ms")
    for label, fn in [
        ("MASH team queue", lambda: team_queue(manager, NOW)),
        ("MASH worker's own queue", lambda: my_queue(worker, NOW)),
        ("front-door overview", lambda: front_door_overview(NOW)),
    ]:
        ms = median_ms(fn, args.repeat)
        print(f"{label}: {ms:.1f} ms; ratio (this / baseline) = {ms / baseline:.1f}")
    tmp.cleanup()


if __name__ == "__main__":
    main()
