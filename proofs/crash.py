"""The crash proof: kill the server and the worker mid-flight, again and again; lose and
double nothing.

Against a fresh database (SQLite or PostgreSQL), the real gunicorn server and the real worker
(``manage.py worker``: with ``FRONTDOOR_INTAKE_CONVERT=worker``, the default, a request only
stores the submission and the worker makes it a contact), ``--clients`` threads each post
distinct referrals to ``POST /api/v1/intake/referrals`` for ``--duration`` seconds, each with
its own Idempotency-Key. ``--kills`` times, at random moments, SIGKILL goes to the whole
gunicorn process group (master and every worker), or to the worker, or to both at once (each
target in turn, in a random order); what was killed is started again at once. Like a
partner's system, a client that gets no answer (connection refused, reset, timed out) or a
5xx retries the same body with the same key until it gets 200 or 201, and records the
reference it was given.

When the load is over, the worker is left to make every waiting submission a contact (the
proof fails if ``--drain-stall`` seconds pass without one more becoming a contact); then it is
stopped and
``manage.py tick`` runs once: it must find nothing left to convert. Then, in the database:

- every acknowledged reference is stored exactly once, under the key it was acknowledged for,
  holding the referral sent with that key (its concern, its number of children);
- no key has more than one submission, and no submission has a key nobody sent or that was
  never acknowledged;
- nothing is half stored: every submission has a contact naming every child sent, each child
  with a screening due time, received at the submission's ``received_at``; every contact has
  a submission; no child record is left without a contact; a submission with a referrer
  email has exactly one acknowledgement message and ``acknowledgement_queued_at`` (none
  without); each
  submission has exactly one ``submission.received`` and one ``submission.converted`` event,
  and its contact has events.

Prints a report and exits 1 on any failure.

    .venv/bin/python -m proofs.crash [--database sqlite|postgres] [--clients 16] [--kills 6]
        [--duration 60]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

from proofs.common import (
    API_PATH,
    DATABASES,
    Acknowledged,
    DatabaseKind,
    HttpClient,
    Server,
    ThrowawayDatabase,
    Worker,
    api_headers,
    contact_id_gaps,
    database_check,
    drain,
    log,
    print_check,
    referral_document,
)

TARGETS = ("gunicorn", "worker", "both")


@dataclass
class KeyRecord:
    """One referral (one idempotency key) as its client saw it."""

    key: str
    body: bytes
    concern: str
    children: int
    has_email: bool
    statuses: list[int] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    reference: str = ""
    final_status: int = 0
    detail: str = ""
    gave_up: bool = False


@dataclass
class Kill:
    at: float
    target: str  # "gunicorn", "worker" or "both"
    processes: int
    in_flight: int  # HTTP requests in flight
    waiting: int  # submissions not yet made contacts (the worker's backlog)
    cut_conversions: int | None = None  # PostgreSQL: contact inserts the kill rolled back
    restart_seconds: float = 0.0

    def describe(self) -> str:
        what = {
            "gunicorn": "gunicorn",
            "worker": "the worker",
            "both": "gunicorn and the worker",
        }[self.target]
        text = f"{what}: {self.processes} process{'es' if self.processes != 1 else ''}"
        if self.target != "worker":
            text += f", {self.in_flight} requests in flight"
        text += f", {self.waiting} submissions waiting for the worker"
        if self.cut_conversions is not None and self.target != "gunicorn":
            text += (
                f", {self.cut_conversions} conversion{'s' if self.cut_conversions != 1 else ''}"
                " killed after inserting the contact"
            )
        if self.restart_seconds:
            text += f"; running again after {self.restart_seconds:.1f} s"
        return text


def kill_targets(kills: int, rng: random.Random) -> list[str]:
    """Gunicorn, the worker, and both at once, in turn, in a random order."""
    targets = [TARGETS[i % len(TARGETS)] for i in range(kills)]
    rng.shuffle(targets)
    return targets


def waiting_submissions() -> int:
    from frontdoor.intake.models import Submission

    return Submission.objects.filter(contact__isnull=True).count()


class Run:
    def __init__(self, port: int, token: str, *, request_timeout: float, give_up: float) -> None:
        self.port = port
        self.token = token
        self.request_timeout = request_timeout
        self.give_up = give_up
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.records: dict[str, KeyRecord] = {}
        self.in_flight = 0
        self.run_id = f"{int(time.time()) % 100000:05d}"

    def client(self, index: int, seed: int) -> None:
        rng = random.Random(seed * 1000 + index)
        http = HttpClient(self.port, timeout=self.request_timeout)
        n = 0
        while not self.stop.is_set():
            n += 1
            key = f"crash-{self.run_id}-{index:02d}-{n:05d}"
            document = referral_document(key, rng)
            body = json.dumps(document).encode()
            record = KeyRecord(
                key=key,
                body=body,
                concern=document["concern"],
                children=len(document["children"]),
                has_email=bool(document["referrer"].get("email")),
            )
            with self.lock:
                self.records[key] = record
            headers = api_headers(self.token, key)
            deadline = time.monotonic() + self.give_up
            backoff = 0.05
            while True:  # the same key and body until the server acknowledges it
                with self.lock:
                    self.in_flight += 1
                result = http.request("POST", API_PATH, body, headers)
                with self.lock:
                    self.in_flight -= 1
                record.statuses.append(result.status)
                if result.error:
                    record.errors[result.error.split(":")[0]] += 1
                if result.status in (200, 201):
                    data = result.json()
                    reference = data.get("reference") if isinstance(data, dict) else None
                    record.final_status = result.status
                    if isinstance(reference, str) and reference:
                        record.reference = reference
                    else:
                        record.detail = (
                            f"{result.status} without a reference: {result.body[:200]!r}"
                        )
                    break
                if result.status and result.status < 500 and result.status != 429:
                    record.final_status = result.status
                    record.detail = result.body[:300].decode(errors="replace")
                    break
                if time.monotonic() > deadline:
                    record.gave_up = True
                    record.final_status = result.status
                    record.detail = result.error or result.body[:300].decode(errors="replace")
                    break
                time.sleep(result.retry_after or backoff * (0.5 + rng.random()))
                backoff = min(backoff * 2, 1.0)
        http.close()


def replay(run: Run, port: int, rng: random.Random, sample: int) -> list[str]:
    """After the last restart, send acknowledged keys again: each must answer 200 with the
    reference first given. Every key that needed a retry, and ``sample`` others."""
    acked = [r for r in run.records.values() if r.reference]
    retried = [r for r in acked if len(r.statuses) > 1]
    others = [r for r in acked if len(r.statuses) == 1]
    chosen = retried + rng.sample(others, min(sample, len(others)))
    http = HttpClient(port, timeout=run.request_timeout)
    failures = []
    for record in chosen:
        result = http.request("POST", API_PATH, record.body, api_headers(run.token, record.key))
        data = result.json()
        got = data.get("reference") if isinstance(data, dict) else None
        if result.status != 200 or got != record.reference:
            failures.append(
                f"{record.key}: replayed after the run, got {result.status or result.error} "
                f"{got}; expected 200 {record.reference}"
            )
    http.close()
    log(
        f"replayed {len(chosen)} acknowledged keys ({len(retried)} that needed a retry): "
        f"{len(chosen) - len(failures)} answered 200 with the same reference"
    )
    return failures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=DATABASES, default="sqlite")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument(
        "--kills",
        type=int,
        default=6,
        help="SIGKILLs, to gunicorn, to the worker, or to both at once, in turn",
    )
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=8, help="threads per gunicorn worker")
    parser.add_argument(
        "--housekeeping-seconds",
        type=int,
        default=5,
        help="the worker's housekeeping round (which also converts, retrying failures), "
        "FRONTDOOR_HOUSEKEEPING_SECONDS; 60 in production, shorter here so that it runs, "
        "beside the intake thread, between the kills",
    )
    parser.add_argument(
        "--drain-stall",
        type=float,
        default=60.0,
        help="after the load, the worker makes every submission a contact; the proof fails if "
        "this many seconds pass without one more becoming a contact",
    )
    parser.add_argument("--seed", type=int, default=None, help="random seed (kill times, bodies)")
    parser.add_argument("--request-timeout", type=float, default=15.0)
    parser.add_argument("--give-up", type=float, default=120.0, help="seconds a client retries")
    parser.add_argument(
        "--replay-sample",
        type=int,
        default=100,
        help="acknowledged keys sent again at the end, besides every key that needed a retry",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(1_000_000)
    rng = random.Random(seed)
    kind: DatabaseKind = args.database

    db = ThrowawayDatabase(kind, "proof")
    db.create()
    try:
        sys.exit(prove(args, db, rng, seed))
    finally:
        if args.keep:
            print(f"kept {db.describe()} ({db.env})")
        else:
            db.release_this_process()
            db.drop()


class Backlog:
    """The most submissions waiting for the worker at once, sampled while the proof sleeps."""

    def __init__(self) -> None:
        self.most = 0

    def sleep_until(self, moment: float, every: float = 1.0) -> None:
        while True:
            self.most = max(self.most, waiting_submissions())
            left = moment - time.monotonic()
            if left <= 0:
                return
            time.sleep(min(every, left))


def prove(args: argparse.Namespace, db: ThrowawayDatabase, rng: random.Random, seed: int) -> int:
    print(f"== Crash proof on {db.describe()} (seed {seed})")
    db.migrate()
    token = db.seed()
    db.use_in_this_process()  # this process reads the database: backlog, then the checks
    server = Server(
        db.child_env(), log_path=db.tmp / "gunicorn.log", workers=args.workers, threads=args.threads
    )
    worker = Worker(
        db.child_env(FRONTDOOR_HOUSEKEEPING_SECONDS=str(args.housekeeping_seconds)),
        log_path=db.tmp / "worker.log",
    )
    log(f"starting {server.describe()}")
    server.start()
    log(f"starting {worker.describe()}")
    worker.start()
    run = Run(server.port, token, request_timeout=args.request_timeout, give_up=args.give_up)
    threads = [
        threading.Thread(target=run.client, args=(i, seed), daemon=True)
        for i in range(args.clients)
    ]
    kills: list[Kill] = []
    backlog = Backlog()
    targets = kill_targets(args.kills, rng)
    gaps_seen = 0  # contact ids drawn but never committed, as of the last worker kill
    began = time.monotonic()
    for thread in threads:
        thread.start()
    try:
        for i, target in enumerate(targets):
            backlog.sleep_until(began + args.duration * (i + rng.uniform(0.2, 0.9)) / args.kills)
            with run.lock:
                in_flight = run.in_flight
            waiting = waiting_submissions()
            killed = 0
            if target in ("gunicorn", "both"):
                killed += server.kill()
            cut = None
            if target in ("worker", "both"):
                killed += worker.kill()
                # Only the worker inserts contacts, and it is dead: every id drawn and not
                # committed since the last worker kill is a conversion this kill cut short.
                gaps = contact_id_gaps()
                if gaps is not None:
                    cut, gaps_seen = gaps - gaps_seen, gaps
            kill = Kill(
                at=time.monotonic() - began,
                target=target,
                processes=killed,
                in_flight=in_flight,
                waiting=waiting,
                cut_conversions=cut,
            )
            log(f"kill {i + 1}/{args.kills} at {kill.at:.1f} s: SIGKILL to {kill.describe()}")
            time.sleep(rng.uniform(0.0, 0.5))  # down for a moment: clients meet refusals
            restart = time.perf_counter()
            if target in ("gunicorn", "both"):
                server.start()
            if target in ("worker", "both"):
                worker.start()
            kill.restart_seconds = time.perf_counter() - restart
            kills.append(kill)
            log(f"restarted: running again after {kill.restart_seconds:.1f} s")
        backlog.sleep_until(began + args.duration)
        log("load over; clients finish the referral they are sending")
        run.stop.set()
        for thread in threads:
            thread.join(timeout=args.give_up + args.request_timeout + 30)
        stuck = sum(thread.is_alive() for thread in threads)
        load_seconds = time.monotonic() - began
        waiting_at_end = waiting_submissions()
        backlog.most = max(backlog.most, waiting_at_end)
        replay_failures = replay(run, server.port, rng, args.replay_sample)
        log("the worker makes the waiting submissions contacts")
        drained = drain([worker], stall=args.drain_stall)
        log(
            f"{drained.waiting} submissions were waiting; {drained.left} left after "
            f"{drained.seconds:.1f} s"
        )
    finally:
        run.stop.set()
        server.stop()
        worker.stop()
    tick = db.tick()
    log(f"manage.py tick, with the worker stopped: {tick}")

    records = list(run.records.values())
    attempts = sum(len(r.statuses) for r in records)
    statuses = Counter(s for r in records for s in r.statuses)
    errors: Counter[str] = Counter()
    for r in records:
        errors.update(r.errors)
    acked = [r for r in records if r.reference]
    replayed_after_failure = [r for r in acked if r.final_status == 200 and len(r.statuses) > 1]
    redone_after_failure = [r for r in acked if r.final_status == 201 and len(r.statuses) > 1]
    client_failures: list[str] = []
    for r in records:
        if r.gave_up:
            client_failures.append(
                f"{r.key}: no acknowledgement after {len(r.statuses)} tries ({r.detail})"
            )
        elif not r.reference:
            client_failures.append(f"{r.key}: {r.final_status} {r.detail}")
        elif r.final_status == 200 and len(r.statuses) == 1:
            client_failures.append(f"{r.key}: 200 (a replay) on its first request")
    client_failures += replay_failures
    if stuck:
        client_failures.append(f"{stuck} client threads did not finish")
    if len(kills) < args.kills:
        client_failures.append(f"only {len(kills)} of {args.kills} kills happened")
    if not acked:
        client_failures.append("nothing was acknowledged: the proof proved nothing")
    worker_failures: list[str] = []
    if drained.left:
        worker_failures.append(
            f"{drained.left} submissions still without a contact {drained.seconds:.0f} s after "
            f"the load, none made one in the last {args.drain_stall:.0f} s (conversion errors: "
            f"{drained.errors or 'none'})"
        )
    if drained.worker_exits:
        worker_failures.append(f"the worker exited by itself {drained.worker_exits} times")
    if tick["contacts made"]:
        worker_failures.append(
            f"manage.py tick made {tick['contacts made']} contacts the worker had left"
        )

    check = database_check(
        {
            r.key: Acknowledged(
                key=r.key,
                reference=r.reference,
                concern=r.concern,
                children=r.children,
                has_email=r.has_email,
            )
            for r in acked
        },
        sent_keys=run.records.keys(),
    )
    gaps = contact_id_gaps()

    print(
        f"Load: {args.clients} clients for {args.duration:.0f} s ({load_seconds:.0f} s with the "
        f"last retries); {server.describe()}; {worker.describe()}"
    )
    print(
        f"Kills: {len(kills)} (SIGKILL to a whole process group, then restart): "
        + ", ".join(f"{t} {sum(k.target == t for k in kills)}" for t in TARGETS)
    )
    for n, kill in enumerate(kills, 1):
        print(f"  {n}. at {kill.at:5.1f} s: {kill.describe()}")
    print(f"Referrals (distinct idempotency keys): {len(records)}")
    print(f"HTTP requests sent: {attempts} ({attempts - len(records)} retries)")
    print(
        "Responses: "
        + ", ".join(f"{'no response' if s == 0 else s}: {n}" for s, n in sorted(statuses.items()))
    )
    if errors:
        print("  no-response errors: " + ", ".join(f"{e} {n}" for e, n in errors.most_common()))
    print(
        f"Acknowledged: {len(acked)} ({sum(r.final_status == 201 for r in acked)} with 201, "
        f"{sum(r.final_status == 200 for r in acked)} with 200)"
    )
    print(
        f"  acknowledged after a failed try: {len(redone_after_failure)} created on the retry "
        f"(201), {len(replayed_after_failure)} found already stored (200: the lost answer's "
        "request had committed)"
    )
    print(
        f"Worker: at most {backlog.most} submissions waiting at once during the load "
        f"(sampled each second); {waiting_at_end} when the load ended, {drained.waiting} "
        f"after the replay, all made contacts {drained.seconds:.1f} s later"
        + (f"; {drained.left} LEFT" if drained.left else "")
    )
    if gaps is not None:
        print(
            "  contact inserts rolled back (PostgreSQL contact ids drawn, never committed): "
            f"{gaps} in all, {sum(k.cut_conversions or 0 for k in kills)} of them by the worker "
            "kills (conversions killed mid-transaction after inserting the contact)"
        )
    print(
        "manage.py tick afterwards, worker stopped: "
        + ", ".join(f"{name} {value}" for name, value in tick.items())
    )
    server_errors = sum(n for status, n in statuses.items() if status >= 500)
    if server_errors:
        print(f"Server errors (5xx, retried by the clients): {server_errors}; in the gunicorn log:")
        for line in server.log_errors():
            print(f"  {line}")
    worker_errors = worker.log_errors()
    if worker_errors:
        print("Exceptions in the worker's log:")
        for line in worker_errors:
            print(f"  {line}")
    print_check(check)
    failures = client_failures + worker_failures + check.failures
    for title, group in (("CLIENT", client_failures), ("WORKER", worker_failures)):
        if group:
            print(f"{title} FAILURES ({len(group)}):")
            for message in group[:40]:
                print(f"  - {message}")
    if failures:
        print(f"CRASH PROOF FAILED on {db.kind}: {len(failures)} failures")
        print(server.log_tail(15))
        print(worker.log_tail(15))
        return 1
    print(
        f"CRASH PROOF PASSED on {db.kind}: {len(acked)} acknowledged referrals, each stored "
        f"once and whole and made a contact by the worker, across {len(kills)} SIGKILLs "
        f"({', '.join(f'{t} {sum(k.target == t for k in kills)}' for t in TARGETS)})"
    )
    return 0


if __name__ == "__main__":
    main()
