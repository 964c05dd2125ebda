"""How fast the pages everyone opens first answer, on demo data: the work queues, the
front-door overview, supervision and the duplicates list.

By default generates the default demo (six months at 12,000 contacts a year, as ``frontdoor
demo`` seeds) into a throwaway SQLite database, or into the database in DATABASE_URL (give it
an empty database). With ``--existing`` it measures the database already configured
(``FRONTDOOR_SQLITE_PATH`` or ``DATABASE_URL``, e.g. one made by ``frontdoor seed --fresh
--years 0.5``), after migrating it.

Every queue source (``queue_source_register``: assessments, strategy, oversight, escalations)
is registered, as in the running site; the script stops if one is missing. Each page is
requested through Django's test client signed in as the role that opens it, with its second
factor verified (a session as after the two-factor step). Times:

- each role's own queue (``/queue/``) and team queue (``/queue/team/``);
- ``/overview/`` (head of service and MASH manager), ``/supervision/`` (assessment manager
  and head of service) and the duplicates list (``/duplicates/``, MASH manager);
- the baseline, measured in the same run: a signed-in page that renders the layout and
  nothing else (``/bench/bare-page/``, ``frontdoor/benchmarking.py``), the least any page
  through this stack can cost.

Prints p50 and p95 in milliseconds over ``--repeat`` requests (after one warm-up request),
the SQL queries one request makes, and the ratio p95 / baseline p95.
Target: every page p95 at most 300 ms on the default demo, on both databases.

    .venv/bin/python benchmarks/queues.py [--existing] [--years 0.5] [--repeat 20]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SOURCES = {"assessments", "escalations", "strategy", "supervision"}
BARE_PATH = "/bench/bare-page/"

#: (username, path) pairs measured, in order.
PAGES: list[tuple[str, str]] = [
    *[
        (user, path)
        for user in (
            "contact.officer",
            "contact.manager",
            "mash.worker",
            "mash.manager",
            "assessment.worker",
            "assessment.manager",
            "police.practitioner",
        )
        for path in ("/queue/", "/queue/team/")
    ],
    ("head.of.service", "/overview/"),
    ("mash.manager", "/overview/"),
    ("assessment.manager", "/supervision/"),
    ("head.of.service", "/supervision/"),
    ("mash.manager", "/duplicates/"),
]


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (``share`` 0.95 for p95)."""
    ordered = sorted(values)
    rank = max(1, -(-int(share * 100 * len(ordered)) // 100))
    return ordered[min(rank, len(ordered)) - 1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--existing", action="store_true", help="Measure the configured DB.")
    parser.add_argument("--years", type=float, default=0.5)
    parser.add_argument("--contacts-per-year", type=int, default=12000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    tmp = tempfile.TemporaryDirectory()
    if not args.existing and "DATABASE_URL" not in os.environ:
        os.environ["FRONTDOOR_SQLITE_PATH"] = str(Path(tmp.name) / "bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "frontdoor.settings")
    os.environ["FRONTDOOR_BENCHMARK_VIEWS"] = "1"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from frontdoor.accounts.models import User
    from frontdoor.demo.generator import generate
    from frontdoor.demo.reference import demo_users_ensure
    from frontdoor.work.queues import queue_sources

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    demo_users_ensure("benchmark-password")
    if not args.existing:
        began = time.perf_counter()
        summary = generate(years=args.years, contacts_per_year=args.contacts_per_year)
        print(
            f"generated {args.years} years at {args.contacts_per_year}/year "
            f"in {time.perf_counter() - began:.0f} s"
        )
        for line in summary.lines():
            print(f"  {line}")
    registered = {source.key for source in queue_sources()}
    if not registered >= SOURCES:
        raise SystemExit(f"queue sources missing: {sorted(SOURCES - registered)}")
    print(f"database: {connection.vendor}; queue sources: {', '.join(sorted(registered))}")

    clients: dict[str, Any] = {}

    def client_for(username: str) -> Any:
        if username not in clients:
            user = User.objects.get(username=username)
            client = Client()
            client.force_login(user)
            device = TOTPDevice.objects.filter(user=user).first()
            if device is not None:
                session = client.session
                session[DEVICE_ID_SESSION_KEY] = device.persistent_id
                session.save()
            clients[username] = client
        return clients[username]

    def measure(username: str, path: str) -> tuple[float, float, int, int]:
        client = client_for(username)
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{username} {path}: {response.status_code}")
        times = []
        for _ in range(args.repeat):
            began = time.perf_counter()
            client.get(path)
            times.append((time.perf_counter() - began) * 1000)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        return (
            statistics.median(times),
            percentile(times, 0.95),
            len(queries.captured_queries),
            len(response.content),
        )

    base_p50, base_p95, base_queries, _ = measure("mash.manager", BARE_PATH)
    print(
        f"baseline {BARE_PATH}: p50 {base_p50:.1f} ms, p95 {base_p95:.1f} ms, "
        f"{base_queries} queries"
    )
    print(f"{'user':22} {'page':16} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'KB':>6} ratio")
    worst = 0.0
    for username, path in PAGES:
        p50, p95, queries, size = measure(username, path)
        worst = max(worst, p95)
        print(
            f"{username:22} {path:16} {p50:8.1f} {p95:8.1f} {queries:8d} {size / 1024:6.0f} "
            f"{p95 / base_p95:5.1f}"
        )
    print(f"slowest p95: {worst:.1f} ms (target: at most 300 ms)")
    tmp.cleanup()


if __name__ == "__main__":
    main()
