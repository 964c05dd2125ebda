"""The crash proof: kill the server mid-flight, again and again; lose and double nothing.

Against a fresh database (SQLite or PostgreSQL) and the real gunicorn server, ``--clients``
threads each post distinct referrals to ``POST /api/v1/intake/referrals`` for ``--duration``
seconds, each with its own Idempotency-Key. ``--kills`` times, at random moments, the whole
gunicorn process group (master and every worker) gets SIGKILL, and is started again at once.
Like a partner's system, a client that gets no answer (connection refused, reset, timed out)
or a 5xx retries the same body with the same key until it gets 200 or 201, and records the
reference it was given.

Then, in the database:

- every acknowledged reference is stored exactly once, under the key it was acknowledged for,
  holding the referral sent with that key (its concern, its number of children);
- no key has more than one submission, and no submission has a key nobody sent or that was
  never acknowledged;
- nothing is half stored: every submission has a contact naming every child sent, each child
  with a screening due time; every contact has a submission; no child record is left without
  a contact; a submission with a referrer email has exactly one acknowledgement message
  (none without); each submission has exactly one ``submission.received`` event and its
  contact has events.

Prints a report and exits 1 on any failure.

    .venv/bin/python -m proofs.crash [--database sqlite|postgres] [--clients 16] [--kills 5]
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
    api_headers,
    database_check,
    log,
    print_check,
    referral_document,
)


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
    processes: int
    in_flight: int
    restart_seconds: float = 0.0


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
    parser.add_argument("--kills", type=int, default=5)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=8, help="threads per gunicorn worker")
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
            db.drop()


def prove(args: argparse.Namespace, db: ThrowawayDatabase, rng: random.Random, seed: int) -> int:
    print(f"== Crash proof on {db.describe()} (seed {seed})")
    db.migrate()
    token = db.seed()
    server = Server(
        db.child_env(), log_path=db.tmp / "gunicorn.log", workers=args.workers, threads=args.threads
    )
    log(f"starting {server.describe()}")
    server.start()
    run = Run(server.port, token, request_timeout=args.request_timeout, give_up=args.give_up)
    threads = [
        threading.Thread(target=run.client, args=(i, seed), daemon=True)
        for i in range(args.clients)
    ]
    kills: list[Kill] = []
    began = time.monotonic()
    for thread in threads:
        thread.start()
    try:
        for i in range(args.kills):
            at = began + args.duration * (i + rng.uniform(0.2, 0.9)) / args.kills
            time.sleep(max(0.0, at - time.monotonic()))
            with run.lock:
                in_flight = run.in_flight
            killed = server.kill()
            kill = Kill(at=time.monotonic() - began, processes=killed, in_flight=in_flight)
            log(
                f"kill {i + 1}/{args.kills} at {kill.at:.1f} s: SIGKILL to {killed} processes, "
                f"{in_flight} requests in flight"
            )
            time.sleep(rng.uniform(0.0, 0.5))  # down for a moment: clients meet refusals
            kill.restart_seconds = server.start()
            kills.append(kill)
            log(f"restarted; answering after {kill.restart_seconds:.1f} s")
        time.sleep(max(0.0, began + args.duration - time.monotonic()))
        log("load over; clients finish the referral they are sending")
        run.stop.set()
        for thread in threads:
            thread.join(timeout=args.give_up + args.request_timeout + 30)
        stuck = sum(thread.is_alive() for thread in threads)
        replay_failures = replay(run, server.port, rng, args.replay_sample)
    finally:
        run.stop.set()
        server.stop()
    elapsed = time.monotonic() - began

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

    db.use_in_this_process()
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

    print(
        f"Load: {args.clients} clients for {args.duration:.0f} s ({elapsed:.0f} s with the "
        f"last retries); {server.describe()}"
    )
    print(f"Kills: {len(kills)} (SIGKILL to the whole process group, then restart)")
    for n, kill in enumerate(kills, 1):
        print(
            f"  {n}. at {kill.at:5.1f} s: {kill.processes} processes, {kill.in_flight} requests "
            f"in flight; answering again after {kill.restart_seconds:.1f} s"
        )
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
    server_errors = sum(n for status, n in statuses.items() if status >= 500)
    if server_errors:
        print(f"Server errors (5xx, retried by the clients): {server_errors}; in the gunicorn log:")
        for line in server.log_errors():
            print(f"  {line}")
    print_check(check)
    failures = client_failures + check.failures
    if client_failures:
        print(f"CLIENT FAILURES ({len(client_failures)}):")
        for message in client_failures[:40]:
            print(f"  - {message}")
    if failures:
        print(f"CRASH PROOF FAILED on {db.kind}: {len(failures)} failures")
        print(server.log_tail(15))
        return 1
    print(
        f"CRASH PROOF PASSED on {db.kind}: {len(acked)} acknowledged referrals, each stored "
        f"once and whole, across {len(kills)} SIGKILLs"
    )
    return 0


if __name__ == "__main__":
    main()
