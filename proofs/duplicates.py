"""The duplicate proof: one submission sent by many clients at the same instant is one referral.

Against a fresh database and the real gunicorn server, ``--threads`` client threads (each
with its own warm keep-alive connection) are released together by a ``threading.Barrier``:

- identical rounds (``--rounds``): every thread sends the same body with the same
  Idempotency-Key. Every response must be 200 or 201 with the same reference, exactly one of
  them 201 (only one request created anything). Then every thread sends the same key with a
  different body, together: every response must be 409.
- mixed rounds (``--mixed-rounds``): a fresh key, half the threads send body A and half body
  B, together. Exactly one body wins: its requests all get 200/201 with one reference (one
  201), the other body's all get 409.
- afterwards, each key is sent once more with its winning body: 200 and the same reference.

The real worker (``manage.py worker``) runs beside the server, as in production
(``FRONTDOOR_INTAKE_CONVERT=worker``: a request only stores the submission, the worker makes
it a contact), so it converts while the races run, and is left to finish. Then the conversion
race: with the worker stopped, ``--race-volleys`` volleys of ``--threads`` distinct referrals
are stored, and ``--race-workers`` workers are started together on that backlog (each
submission must become one contact however many workers reach for it). The workers are
stopped, and ``manage.py tick`` runs once: it must find nothing left to convert.
Then the database must hold exactly one submission and one contact per key, each whole (the
checks of ``proofs.common.database_check``). Prints a report and exits 1 on any failure.

    .venv/bin/python -m proofs.duplicates [--database sqlite|postgres] [--threads 50]
        [--rounds 5] [--mixed-rounds 3] [--race-volleys 6] [--race-workers 3]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass

from proofs.common import (
    API_PATH,
    DATABASES,
    Acknowledged,
    CpuSnapshot,
    DatabaseKind,
    HttpClient,
    HttpResult,
    Server,
    ThrowawayDatabase,
    Worker,
    api_headers,
    database_check,
    drain,
    log,
    print_check,
    referral_document,
)


@dataclass(frozen=True)
class Shot:
    """One request of a round: what was sent and what came back."""

    body_name: str
    result: HttpResult
    started: float
    reference: str


class Volley:
    """``size`` threads with warm connections that fire one request each, together."""

    def __init__(self, size: int, port: int, token: str) -> None:
        self.size = size
        self.port = port
        self.token = token
        self.ready = threading.Barrier(size + 1)
        self.release = threading.Barrier(size)
        self.done = threading.Barrier(size + 1)
        self.jobs: list[tuple[str, str, bytes] | None] = [None] * size
        self.shots: list[Shot | None] = [None] * size
        self.finished = False
        self.threads = [
            threading.Thread(target=self._run, args=(i,), daemon=True) for i in range(size)
        ]
        for thread in self.threads:
            thread.start()

    def _run(self, index: int) -> None:
        http = HttpClient(self.port, timeout=60)
        http.request("GET", "/")  # open the keep-alive connection before the first round
        while True:
            self.ready.wait()
            if self.finished:
                http.close()
                return
            job = self.jobs[index]
            assert job is not None
            key, body_name, body = job
            self.release.wait()  # every thread leaves this line at the same moment
            started = time.perf_counter()
            result = http.request("POST", API_PATH, body, api_headers(self.token, key))
            data = result.json()
            reference = data.get("reference", "") if isinstance(data, dict) else ""
            self.shots[index] = Shot(body_name, result, started, str(reference or ""))
            self.done.wait()

    def fire(self, jobs: list[tuple[str, str, bytes]]) -> list[Shot]:
        self.jobs = list(jobs)
        self.shots = [None] * self.size
        self.ready.wait()
        self.done.wait()
        return [shot for shot in self.shots if shot is not None]

    def close(self) -> None:
        self.finished = True
        self.ready.wait()
        for thread in self.threads:
            thread.join(timeout=10)


def overlap(shots: list[Shot]) -> int:
    """The most requests that were in flight at one instant."""
    edges = sorted(
        [(s.started, 1) for s in shots] + [(s.started + s.result.seconds, -1) for s in shots]
    )
    most = current = 0
    for _, step in edges:
        current += step
        most = max(most, current)
    return most


def describe(shots: list[Shot]) -> str:
    counts = Counter(s.result.status or s.result.error.split(":")[0] for s in shots)
    return ", ".join(f"{status}: {n}" for status, n in sorted(counts.items(), key=str))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=DATABASES, default="sqlite")
    parser.add_argument("--threads", type=int, default=50, help="clients released together")
    parser.add_argument("--rounds", type=int, default=5, help="identical-body rounds")
    parser.add_argument("--mixed-rounds", type=int, default=3, help="two-body rounds")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--server-threads", type=int, default=16, help="threads per worker")
    parser.add_argument(
        "--race-volleys",
        type=int,
        default=6,
        help="volleys of --threads distinct referrals stored for the conversion race",
    )
    parser.add_argument(
        "--race-workers", type=int, default=3, help="workers started together for the race"
    )
    parser.add_argument(
        "--drain-stall",
        type=float,
        default=90.0,
        help="the workers make every submission a contact; the proof fails if this many "
        "seconds pass without one more becoming a contact",
    )
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(1_000_000)
    kind: DatabaseKind = args.database
    db = ThrowawayDatabase(kind, "proof")
    db.create()
    try:
        sys.exit(prove(args, db, random.Random(seed), seed))
    finally:
        if args.keep:
            print(f"kept {db.describe()} ({db.env})")
        else:
            db.release_this_process()
            db.drop()


def prove(args: argparse.Namespace, db: ThrowawayDatabase, rng: random.Random, seed: int) -> int:
    print(f"== Duplicate proof on {db.describe()} (seed {seed})")
    db.migrate()
    token = db.seed()
    db.use_in_this_process()
    server = Server(
        db.child_env(),
        log_path=db.tmp / "gunicorn.log",
        workers=args.workers,
        threads=args.server_threads,
    )
    worker = Worker(db.child_env(), log_path=db.tmp / "worker.log")
    racers: list[Worker] = []
    log(f"starting {server.describe()}")
    server.start()
    log(f"starting {worker.describe()}")
    worker.start()
    failures: list[str] = []
    acknowledged: dict[str, Acknowledged] = {}
    winners: dict[str, tuple[bytes, str]] = {}
    sent: set[str] = set()
    run_id = f"{rng.randrange(100000):05d}"
    volley = Volley(args.threads, server.port, token)
    requests = 0

    def document(tag: str) -> tuple[dict[str, object], bytes]:
        doc = referral_document(tag, rng)
        return doc, json.dumps(doc).encode()

    def accept(key: str, doc: dict[str, object], body: bytes, shots: list[Shot], what: str) -> None:
        """Shots that all sent ``body`` with ``key``: one 201, the rest 200, one reference."""
        statuses = Counter(s.result.status for s in shots)
        references = {s.reference for s in shots}
        if set(statuses) - {200, 201}:
            failures.append(f"{what}: responses {describe(shots)}; expected only 200 and 201")
        if statuses[201] != 1:
            failures.append(f"{what}: {statuses[201]} responses were 201 (created); expected 1")
        if len(references) != 1 or "" in references:
            failures.append(f"{what}: references returned {sorted(references)}; expected one")
        reference = next(iter(sorted(references - {""})), "")
        if reference:
            referrer = doc["referrer"]
            children = doc["children"]
            assert isinstance(referrer, dict) and isinstance(children, list)
            acknowledged[key] = Acknowledged(
                key=key,
                reference=reference,
                concern=str(doc["concern"]),
                children=len(children),
                has_email=bool(referrer.get("email")),
            )
            winners[key] = (body, reference)

    try:
        for r in range(1, args.rounds + 1):
            key = f"dup-{run_id}-same-{r}"
            sent.add(key)
            doc, body = document(key)
            shots = volley.fire([(key, "A", body)] * args.threads)
            requests += len(shots)
            what = f"identical round {r}"
            log(
                f"{what}: {args.threads} x same key and body, {overlap(shots)} in flight at "
                f"once: {describe(shots)}"
            )
            accept(key, doc, body, shots, what)
            jobs = []
            for i in range(args.threads):
                _, other = document(f"{key}-different-{i}")
                jobs.append((key, f"B{i}", other))
            shots = volley.fire(jobs)
            requests += len(shots)
            log(f"{what}: {args.threads} x same key, different bodies: {describe(shots)}")
            if any(s.result.status != 409 for s in shots):
                failures.append(f"{what}, different bodies: {describe(shots)}; expected all 409")
        for r in range(1, args.mixed_rounds + 1):
            key = f"dup-{run_id}-mixed-{r}"
            sent.add(key)
            doc_a, body_a = document(f"{key}-A")
            doc_b, body_b = document(f"{key}-B")
            shots = volley.fire(
                [
                    (key, "A", body_a) if i % 2 == 0 else (key, "B", body_b)
                    for i in range(args.threads)
                ]
            )
            requests += len(shots)
            what = f"mixed round {r}"
            log(
                f"{what}: {args.threads} x same key, bodies A and B, {overlap(shots)} in flight "
                f"at once: {describe(shots)}"
            )
            a = [s for s in shots if s.body_name == "A"]
            b = [s for s in shots if s.body_name == "B"]
            a_won = any(s.result.status in (200, 201) for s in a)
            b_won = any(s.result.status in (200, 201) for s in b)
            if a_won and b_won:
                failures.append(
                    f"{what}: both bodies were accepted under one key "
                    f"(A: {describe(a)}; B: {describe(b)})"
                )
            elif not (a_won or b_won):
                failures.append(f"{what}: neither body was accepted ({describe(shots)})")
            else:
                won, lost = (a, b) if a_won else (b, a)
                accept(key, doc_a if a_won else doc_b, body_a if a_won else body_b, won, what)
                if any(s.result.status != 409 for s in lost):
                    failures.append(f"{what}: the losing body got {describe(lost)}; expected 409")
        replay = HttpClient(server.port)
        for key, (body, reference) in winners.items():
            result = replay.request("POST", API_PATH, body, api_headers(token, key))
            requests += 1
            data = result.json()
            got = data.get("reference") if isinstance(data, dict) else None
            if result.status != 200 or got != reference:
                failures.append(f"replay of {key}: {result.status} {got}; expected 200 {reference}")
        replay.close()
        log(f"replayed {len(winners)} keys once more, one at a time")
        drained = drain([worker], stall=args.drain_stall)
        log(
            f"the worker: {drained.waiting} submissions were waiting; {drained.left} left after "
            f"{drained.seconds:.1f} s"
        )
        # The conversion race: several workers started together on one backlog.
        worker.stop()
        race_keys = 0
        for v in range(1, args.race_volleys + 1):
            jobs = []
            docs = {}
            for i in range(args.threads):
                key = f"dup-{run_id}-race-{v}-{i:02d}"
                doc, body = document(key)
                jobs.append((key, key, body))
                docs[key] = doc
                sent.add(key)
            shots = volley.fire(jobs)
            requests += len(shots)
            race_keys += len(jobs)
            for shot in shots:
                key = shot.body_name
                if shot.result.status != 201 or not shot.reference:
                    failures.append(f"race referral {key}: {describe([shot])}; expected 201")
                    continue
                doc = docs[key]
                referrer, children = doc["referrer"], doc["children"]
                assert isinstance(referrer, dict) and isinstance(children, list)
                acknowledged[key] = Acknowledged(
                    key=key,
                    reference=shot.reference,
                    concern=str(doc["concern"]),
                    children=len(children),
                    has_email=bool(referrer.get("email")),
                )
        racers = [
            Worker(db.child_env(), log_path=db.tmp / f"worker-race-{n}.log")
            for n in range(1, args.race_workers + 1)
        ]
        for racer in racers:
            racer.launch()
        for racer in racers:
            racer.wait_ready()
        cpu0 = CpuSnapshot.take()
        raced = drain(racers, stall=args.drain_stall)
        cpu1 = CpuSnapshot.take()
        race_cpu = [cpu1.used_since(cpu0, group=racer.group) for racer in racers]
        log(
            f"conversion race: {race_keys} referrals stored with no worker running, then "
            f"{len(racers)} workers started together; {raced.waiting} still waiting when all "
            f"were ready, {raced.left} left {raced.seconds:.1f} s later"
        )
    finally:
        volley.close()
        server.stop()
        worker.stop()
        for racer in racers:
            racer.stop()
    tick = db.tick()
    log(f"manage.py tick, with the worker stopped: {tick}")
    if drained.left:
        failures.append(
            f"{drained.left} submissions still without a contact {drained.seconds:.0f} s after "
            f"the races, none made one in the last {args.drain_stall:.0f} s (conversion "
            f"errors: {drained.errors or 'none'})"
        )
    if raced.left:
        failures.append(
            f"conversion race: {raced.left} submissions still without a contact "
            f"{raced.seconds:.0f} s after {len(racers)} workers started "
            f"(conversion errors: {raced.errors or 'none'})"
        )
    if drained.worker_exits or raced.worker_exits:
        failures.append(
            f"a worker exited by itself {drained.worker_exits + raced.worker_exits} times"
        )
    if tick["contacts made"]:
        failures.append(f"manage.py tick made {tick['contacts made']} contacts the worker had left")

    check = database_check(acknowledged, sent_keys=sent)
    from frontdoor.intake.models import Contact, Submission

    print(f"Server: {server.describe()}; {worker.describe()}")
    print(
        f"Keys: {len(sent)} ({args.rounds} identical rounds, {args.mixed_rounds} mixed rounds "
        f"with {args.threads} clients released together; {race_keys} for the conversion race); "
        f"{requests} requests"
    )
    per_key = Counter(Submission.objects.values_list("idempotency_key", flat=True))
    contacts = Contact.objects.count()
    print(
        f"Submissions per key: {sorted(Counter(per_key.values()).items())} "
        f"(submissions per key, keys); contacts: {contacts}, made by the worker (manage.py "
        f"tick afterwards made {tick['contacts made']})"
    )
    print(
        f"Conversion race: {race_keys} referrals stored with no worker running, then "
        f"{len(racers)} workers started together; {raced.waiting} still waiting when all were "
        f"ready, made contacts {raced.seconds:.1f} s later; CPU seconds each worker used in "
        f"that time: {', '.join(f'{c:.2f}' for c in race_cpu)}"
    )
    for w in [worker, *racers]:
        worker_errors = w.log_errors()
        if worker_errors:
            print(f"Exceptions in {w.log_path.name}:")
            for line in worker_errors:
                print(f"  {line}")
    if contacts != len(sent):
        failures.append(f"{contacts} contacts for {len(sent)} keys")
    print_check(check)
    failures += check.failures
    if failures:
        print(f"DUPLICATE PROOF FAILED on {db.kind}: {len(failures)} failures")
        for message in failures[:40]:
            print(f"  - {message}")
        print(server.log_tail(15))
        for w in [worker, *racers]:
            print(w.log_tail(15))
        return 1
    print(
        f"DUPLICATE PROOF PASSED on {db.kind}: {len(sent) - race_keys} keys raced by "
        f"{args.threads} clients each, one submission and one contact (made by the worker) per "
        f"key; conflicting bodies refused with 409; {race_keys} submissions raced by "
        f"{len(racers)} workers, one contact each"
    )
    return 0


if __name__ == "__main__":
    main()
