"""How many referrals a second the partner intake API sustains, and how fast it answers;
and how fast the worker then makes them contacts.

For each database (a throwaway SQLite file and a throwaway PostgreSQL database, migrated and
seeded with one agency and one API token), starts the real gunicorn (``frontdoor.wsgi``,
gthread workers, the same ``--workers`` and ``--threads`` throughout) with
``FRONTDOOR_BENCHMARK_VIEWS=1`` and ``FRONTDOOR_INTAKE_CONVERT=worker`` (the production
default), and at 10 and 50 concurrent clients (each a thread with its own keep-alive
connection, sending the next request as soon as the last is answered) times:

- the partner API: ``POST /api/v1/intake/referrals``, a valid referral (one to three
  children) with a distinct Idempotency-Key each time. This is the production request path,
  which only stores the submission (``submission_receive``); the worker is NOT running during
  these cells, so it does not compete for the CPU, and no contact is made while they run;
- the baseline, measured in the same run against the same server: ``POST /bench/bare-insert/``
  (``frontdoor/benchmarking.py``), the same body, answered after one INSERT in one
  transaction: the least a durable write through this stack can cost.

After ``--warmup`` seconds, counts the 2xx answers completed in ``--duration`` seconds and
their latency (send to last byte). Prints a table (requests per second, p50 and p99 in ms,
errors, CPU cores used by the client, by gunicorn and by the whole machine) and, per cell, the
ratio partner API / baseline for throughput and p99.
Goal: at 50 clients on PostgreSQL, at least 0.8 of the baseline's throughput and p99 ≤ 100 ms.

Then, with gunicorn stopped, the conversion: every submission the API cells stored (warm-up
included) is made a contact by ``submissions_convert_pending(limit=50)``, called until it
makes none, in one process of its own, as the worker's intake thread calls it (``python -m
proofs.common convert-pending``); timed, it gives contacts made per second by one worker.

    .venv/bin/python benchmarks/intake.py [--databases sqlite,postgres] [--duration 10]
        [--clients 10,50] [--workers 4] [--threads 4] [--no-convert]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from proofs.common import (  # noqa: E402
    API_PATH,
    BARE_PATH,
    DATABASES,
    CpuSnapshot,
    HttpClient,
    Server,
    ThrowawayDatabase,
    api_headers,
    log,
    machine_cpu_busy_seconds,
    percentile,
    postgres_available,
    referral_document,
)

ENDPOINTS = {"bare insert": BARE_PATH, "partner API": API_PATH}
GOAL_RATIO = 0.8
GOAL_P99_MS = 100.0


@dataclass(frozen=True)
class Cell:
    database: str
    clients: int
    endpoint: str
    ok: int
    errors: int
    seconds: float
    p50_ms: float
    p99_ms: float
    client_cores: float
    server_cores: float
    postgres_cores: float
    machine_cores: float

    @property
    def server_ms_per_request(self) -> float:
        """CPU milliseconds gunicorn and PostgreSQL spent per answered request."""
        return (self.server_cores + self.postgres_cores) * 1000 / max(self.per_second, 1e-9)

    @property
    def other_cores(self) -> float:
        """CPU the machine spent on anything else (other programs, the kernel)."""
        return max(
            0.0, self.machine_cores - self.client_cores - self.server_cores - self.postgres_cores
        )

    @property
    def per_second(self) -> float:
        return self.ok / self.seconds


def measure(
    server: Server,
    token: str,
    *,
    database: str,
    database_name: str,
    endpoint: str,
    clients: int,
    warmup: float,
    duration: float,
) -> Cell:
    path = ENDPOINTS[endpoint]
    began = time.monotonic()
    window_from = began + warmup
    window_to = window_from + duration
    samples: list[list[tuple[float, float, int]]] = [[] for _ in range(clients)]
    tag = f"{database[:2]}-{clients}-{endpoint.split()[0]}-{int(time.time() * 1000) % 10**7}"

    def client(index: int) -> None:
        rng = random.Random(index)
        http = HttpClient(server.port, timeout=30)
        own = samples[index]
        n = 0
        while True:
            n += 1
            key = f"bench-{tag}-{index}-{n}"
            body = json.dumps(referral_document(key, rng)).encode()
            result = http.request("POST", path, body, api_headers(token, key))
            done = time.monotonic()
            own.append((done, result.seconds, result.status))
            if done >= window_to:
                break
        http.close()

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    time.sleep(max(0.0, window_from - time.monotonic()))
    cpu0, snap0, (busy0, total0) = (
        time.process_time(),
        CpuSnapshot.take(),
        machine_cpu_busy_seconds(),
    )
    time.sleep(max(0.0, window_to - time.monotonic()))
    cpu1, snap1, (busy1, total1) = (
        time.process_time(),
        CpuSnapshot.take(),
        machine_cpu_busy_seconds(),
    )
    for thread in threads:
        thread.join(timeout=60)
    cores = os.cpu_count() or 1
    in_window = [
        (seconds, status)
        for own in samples
        for done, seconds, status in own
        if window_from <= done < window_to
    ]
    ok = [seconds * 1000 for seconds, status in in_window if 200 <= status < 300]
    return Cell(
        database=database,
        clients=clients,
        endpoint=endpoint,
        ok=len(ok),
        errors=len(in_window) - len(ok),
        seconds=duration,
        p50_ms=percentile(ok, 0.50),
        p99_ms=percentile(ok, 0.99),
        client_cores=(cpu1 - cpu0) / duration,
        server_cores=snap1.used_since(snap0, group=server.group) / duration,
        postgres_cores=(
            snap1.used_since(snap0, title_contains=f" {database_name} ") / duration
            if database == "postgres"
            else 0.0
        ),
        machine_cores=(busy1 - busy0) / max(total1 - total0, 1e-9) * cores,
    )


@dataclass(frozen=True)
class Conversion:
    """``submissions_convert_pending`` run to completion over what the API cells stored."""

    database: str
    waiting: int
    made: int
    left: int
    seconds: float
    converter_cpu: float  # CPU seconds of the converting process
    postgres_cpu: float  # CPU seconds of its PostgreSQL backend

    @property
    def per_second(self) -> float:
        return self.made / max(self.seconds, 1e-9)

    @property
    def ms_per_contact(self) -> float:
        """CPU milliseconds (converter + its PostgreSQL backend) per contact made."""
        return (self.converter_cpu + self.postgres_cpu) * 1000 / max(self.made, 1)


def baseline_mounted(server: Server) -> bool:
    http = HttpClient(server.port)
    result = http.request("POST", BARE_PATH, b"{}", {"Content-Type": "application/json"})
    http.close()
    return result.status == 201


def print_table(cells: list[Cell], conversions: list[Conversion]) -> None:
    print()
    print(
        "Partner API = the production request path: the submission stored, answered 201; the "
        "worker was NOT running during these cells (no contact made, no competition for CPU)."
    )
    print(
        f"{'':<57}CPU cores used by: client, gunicorn, PostgreSQL, anything else; "
        "server CPU ms per request"
    )
    print(
        f"{'database':<9} {'clients':>7}  {'endpoint':<12} {'req/s':>6} {'p50 ms':>7} "
        f"{'p99 ms':>7} {'errors':>6}  {'client':>6} {'gunicorn':>8} {'pg':>5} {'other':>5} "
        f"{'ms/req':>6}"
    )
    for cell in cells:
        print(
            f"{cell.database:<9} {cell.clients:>7}  {cell.endpoint:<12} {cell.per_second:>6.0f} "
            f"{cell.p50_ms:>7.1f} {cell.p99_ms:>7.1f} {cell.errors:>6}  "
            f"{cell.client_cores:>6.2f} {cell.server_cores:>8.2f} {cell.postgres_cores:>5.2f} "
            f"{cell.other_cores:>5.2f} {cell.server_ms_per_request:>6.1f}"
        )
    print()
    print("Ratio partner API / bare insert (same run, same server):")
    pairs: dict[tuple[str, int], dict[str, Cell]] = {}
    for cell in cells:
        pairs.setdefault((cell.database, cell.clients), {})[cell.endpoint] = cell
    for (database, clients), pair in pairs.items():
        api, bare = pair.get("partner API"), pair.get("bare insert")
        if api is None or bare is None or not bare.ok:
            continue
        ratio = api.per_second / bare.per_second
        print(
            f"  {database:<10} {clients:>3} clients: throughput {ratio:.2f}"
            f", p99 {api.p99_ms / max(bare.p99_ms, 1e-9):.1f}x"
            f" ({api.p99_ms:.0f} ms vs {bare.p99_ms:.0f} ms)"
        )
    goal = pairs.get(("postgres", 50), {})
    api, bare = goal.get("partner API"), goal.get("bare insert")
    if api is not None and bare is not None and bare.ok:
        ratio = api.per_second / bare.per_second
        print(
            f"Goal (PostgreSQL, 50 clients): throughput >= {GOAL_RATIO} of the baseline: "
            f"{'met' if ratio >= GOAL_RATIO else 'NOT met'} ({ratio:.2f}); "
            f"p99 <= {GOAL_P99_MS:.0f} ms: "
            f"{'met' if api.p99_ms <= GOAL_P99_MS else 'NOT met'} ({api.p99_ms:.0f} ms)"
        )
    if not conversions:
        return
    print()
    print(
        "Conversion afterwards (gunicorn stopped): submissions_convert_pending(limit=50) until "
        "none is left, in one process, as the worker's intake thread runs it"
    )
    print(
        f"{'database':<9} {'submissions':>11} {'contacts':>8} {'left':>5} {'seconds':>7} "
        f"{'contacts/s':>10}  {'converter':>9} {'pg':>5} {'ms/contact':>10}"
    )
    for c in conversions:
        print(
            f"{c.database:<9} {c.waiting:>11} {c.made:>8} {c.left:>5} {c.seconds:>7.1f} "
            f"{c.per_second:>10.1f}  {c.converter_cpu / max(c.seconds, 1e-9):>9.2f} "
            f"{c.postgres_cpu / max(c.seconds, 1e-9):>5.2f} {c.ms_per_contact:>10.1f}"
        )
    print("  (converter, pg: CPU cores used by the converting process and its PostgreSQL backend)")
    for c in conversions:
        api_cells = [
            cell
            for cell in cells
            if cell.database == c.database and cell.endpoint == "partner API" and cell.ok
        ]
        if not api_cells:
            continue
        fastest = max(api_cells, key=lambda cell: cell.per_second)
        print(
            f"  {c.database}: one worker makes {c.per_second:.0f} contacts a second; the API "
            f"received up to {fastest.per_second:.0f} a second ({fastest.clients} clients), "
            f"{fastest.per_second / max(c.per_second, 1e-9):.1f}x that. Server CPU per "
            f"referral: receipt {fastest.server_ms_per_request:.1f} ms + conversion "
            f"{c.ms_per_contact:.1f} ms"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--clients", default="10,50", help="comma-separated client counts")
    parser.add_argument("--duration", type=float, default=10.0, help="measured seconds per cell")
    parser.add_argument("--warmup", type=float, default=2.0, help="unmeasured seconds per cell")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument(
        "--convert",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="afterwards, time making every stored submission a contact (default: yes)",
    )
    args = parser.parse_args()
    databases = [d.strip() for d in args.databases.split(",") if d.strip()]
    client_counts = [int(c) for c in args.clients.split(",") if c.strip()]
    for database in databases:
        if database not in DATABASES:
            parser.error(f"unknown database {database!r}")
    busy0, total0 = machine_cpu_busy_seconds()
    time.sleep(2)
    busy1, total1 = machine_cpu_busy_seconds()
    idle_load = (busy1 - busy0) / max(total1 - total0, 1e-9) * (os.cpu_count() or 1)
    print(
        f"Machine: {os.cpu_count()} CPU cores, shared by the client, gunicorn and PostgreSQL; "
        f"{idle_load:.2f} cores busy before the benchmark started"
        + (" (other work is running: figures will be low)" if idle_load > 0.25 else "")
    )
    cells: list[Cell] = []
    conversions: list[Conversion] = []
    for database in databases:
        if database == "postgres" and not postgres_available():
            print("PostgreSQL is not reachable: skipped (set DATABASE_URL)")
            continue
        db = ThrowawayDatabase("postgres" if database == "postgres" else "sqlite", "bench")
        db.create()
        server = Server(
            # FRONTDOOR_INTAKE_CONVERT=worker (child_env's default): the request only stores
            # the submission; no worker runs during the cells.
            db.child_env(FRONTDOOR_BENCHMARK_VIEWS="1"),
            log_path=db.tmp / "gunicorn.log",
            workers=args.workers,
            threads=args.threads,
        )
        try:
            db.migrate()
            token = db.seed()
            server.start()
            log(f"{db.describe()}; {server.describe()}")
            if not baseline_mounted(server):
                print(
                    f"The baseline view does not answer at {BARE_PATH}: mount "
                    "frontdoor.benchmarking in frontdoor/urls.py when "
                    "settings.FRONTDOOR_BENCHMARK_VIEWS (see docs/proofs.md)."
                )
                sys.exit(2)
            for clients in client_counts:
                for endpoint in ENDPOINTS:
                    cell = measure(
                        server,
                        token,
                        database=database,
                        database_name=db.name,
                        endpoint=endpoint,
                        clients=clients,
                        warmup=args.warmup,
                        duration=args.duration,
                    )
                    log(
                        f"{database} {clients} clients {endpoint}: {cell.per_second:.0f}/s, "
                        f"p50 {cell.p50_ms:.1f} ms, p99 {cell.p99_ms:.1f} ms, "
                        f"{cell.errors} errors"
                    )
                    cells.append(cell)
            server.stop()
            if args.convert:
                log(f"{database}: making the stored submissions contacts (no worker running)")
                done = db.convert_pending(batch=50)
                conversion = Conversion(
                    database=database,
                    waiting=int(done["waiting"]),
                    made=int(done["made"]),
                    left=int(done["left"]),
                    seconds=done["seconds"],
                    converter_cpu=done["converter_cpu"],
                    postgres_cpu=done["postgres_cpu"],
                )
                log(
                    f"{database}: {conversion.made} of {conversion.waiting} submissions made "
                    f"contacts in {conversion.seconds:.1f} s, {conversion.per_second:.1f}/s"
                )
                conversions.append(conversion)
        finally:
            server.stop()
            db.drop()
    print_table(cells, conversions)


if __name__ == "__main__":
    main()
