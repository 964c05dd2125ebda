"""What the proofs and the intake benchmark share.

- ``ThrowawayDatabase``: a fresh SQLite file in a temporary folder, or a new PostgreSQL
  database ``frontdoor_proof_<pid>_<n>`` on DATABASE_URL's server (default
  ``postgres://postgres@127.0.0.1:5432/postgres``), migrated and seeded with an agency and an
  API token, dropped afterwards.
- ``Server``: the real gunicorn (``frontdoor.wsgi``, gthread workers) on a free localhost
  port, in its own process group so it can be SIGKILLed whole and started again.
- ``HttpClient``: one keep-alive connection (``http.client``) per client thread; every call
  returns an ``HttpResult``, a connection error or timeout being status 0.
- ``referral_document``: a valid ReferralIn body, varied (one to three children, with and
  without a referrer email).
- ``database_check``: every check of "acknowledged means stored once, whole".

Run ``python -m proofs.common seed`` (with the database's environment) to seed and print a
token; ``python -m proofs.common postgres-available`` exits 0 when PostgreSQL answers.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import math
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import TracebackType
from typing import Any, Literal
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
PYTHON = str(BIN / "python") if (BIN / "python").exists() else sys.executable
GUNICORN = str(BIN / "gunicorn") if (BIN / "gunicorn").exists() else "gunicorn"
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/postgres"
API_PATH = "/api/v1/intake/referrals"
BARE_PATH = "/bench/bare-insert/"
AGENCY_CODE = "proof-police"
DatabaseKind = Literal["sqlite", "postgres"]
DATABASES: tuple[DatabaseKind, ...] = ("sqlite", "postgres")

_counter = 0


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# --------------------------------------------------------------------------- databases


def postgres_server_url() -> str:
    return os.environ.get("DATABASE_URL") or DEFAULT_POSTGRES_URL


def postgres_available(timeout: int = 3) -> bool:
    import psycopg

    try:
        with psycopg.connect(postgres_server_url(), connect_timeout=timeout):
            return True
    except psycopg.Error:
        return False


class ThrowawayDatabase:
    """A database made for one run and dropped after it; ``env`` points Django at it."""

    def __init__(self, kind: DatabaseKind, label: str = "proof") -> None:
        global _counter
        _counter += 1
        self.kind = kind
        self.tmp = Path(tempfile.mkdtemp(prefix=f"frontdoor-{label}-"))
        self.env: dict[str, str] = {"FRONTDOOR_VAR_DIR": str(self.tmp)}
        self.name = ""
        self._server_url = ""
        if kind == "sqlite":
            self.name = str(self.tmp / "frontdoor.sqlite3")
            self.env["FRONTDOOR_SQLITE_PATH"] = self.name
        else:
            self.name = f"frontdoor_{label}_{os.getpid()}_{_counter}"
            self._server_url = postgres_server_url()
            parts = urlsplit(self._server_url)
            self.env["DATABASE_URL"] = urlunsplit(parts._replace(path="/" + self.name))

    def __enter__(self) -> ThrowawayDatabase:
        self.create()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.drop()

    def describe(self) -> str:
        return f"SQLite {self.name}" if self.kind == "sqlite" else f"PostgreSQL {self.name}"

    def create(self) -> None:
        if self.kind == "postgres":
            import psycopg
            from psycopg import sql

            with psycopg.connect(self._server_url, autocommit=True) as conn:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.name)))

    def drop(self) -> None:
        if self.kind == "postgres":
            import psycopg
            from psycopg import sql

            with psycopg.connect(self._server_url, autocommit=True) as conn:
                conn.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                        sql.Identifier(self.name)
                    )
                )
        shutil.rmtree(self.tmp, ignore_errors=True)

    def child_env(self, **extra: str) -> dict[str, str]:
        """The environment for a server or management command on this database."""
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in ("DATABASE_URL", "FRONTDOOR_SQLITE_PATH")
        }
        env.update(self.env)
        env.setdefault("DJANGO_SETTINGS_MODULE", "frontdoor.settings")
        env["DEBUG"] = "0"  # as in production: no query log, no debug pages
        env["PYTHONUNBUFFERED"] = "1"
        env.update(extra)
        return env

    def migrate(self) -> None:
        subprocess.run(
            [PYTHON, "manage.py", "migrate", "--verbosity", "0"],
            cwd=ROOT,
            env=self.child_env(),
            check=True,
        )

    def seed(self, *, rate_limit_per_minute: int = 10_000_000) -> str:
        """An agency and an API token for it (``referrals:write`` and ``:read``): the token."""
        done = subprocess.run(
            [PYTHON, "-m", "proofs.common", "seed", "--rate-limit", str(rate_limit_per_minute)],
            cwd=ROOT,
            env=self.child_env(),
            check=True,
            capture_output=True,
            text=True,
        )
        return done.stdout.strip().splitlines()[-1]

    def use_in_this_process(self) -> None:
        """Point this process's Django at the database (once per process, before setup)."""
        for key in ("DATABASE_URL", "FRONTDOOR_SQLITE_PATH"):
            os.environ.pop(key, None)
        os.environ.update(self.env)
        os.environ["DEBUG"] = "0"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "frontdoor.settings")
        if str(ROOT) not in sys.path:
            sys.path.insert(0, str(ROOT))
        import django

        django.setup()


def _seed_main(rate_limit: int) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "frontdoor.settings")
    import django

    django.setup()
    from frontdoor.accounts.models import Agency, ApiToken
    from frontdoor.accounts.services import api_token_issue
    from frontdoor.policies.services import policy_ensure_default

    policy_ensure_default()
    agency, _ = Agency.objects.get_or_create(
        code=AGENCY_CODE, defaults={"name": "Proof Constabulary", "kind": "police"}
    )
    token, plain = api_token_issue(
        agency=agency,
        name="Proof harness",
        scopes=["referrals:write", "referrals:read"],
        by=None,
    )
    ApiToken.objects.filter(pk=token.pk).update(rate_limit_per_minute=rate_limit)
    print(plain)


# --------------------------------------------------------------------------- the server


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _process_table() -> Iterator[tuple[int, str, str, int, float]]:
    """(pid, command name, state, process group, CPU seconds) of every readable process."""
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as fh:
                raw = fh.read().decode(errors="replace")
        except OSError:
            continue
        name = raw[raw.find("(") + 1 : raw.rfind(")")]
        rest = raw[raw.rfind(")") + 2 :].split()
        cpu = (int(rest[11]) + int(rest[12])) / _CLOCK_TICKS
        yield int(entry.name), name, rest[0], int(rest[2]), cpu


def _title(pid: int, name: str) -> str:
    """A PostgreSQL backend's process title names its database; others keep their name."""
    if not name.startswith("postgres"):
        return name
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            return fh.read().replace(b"\0", b" ").decode(errors="replace").strip() or name
    except OSError:
        return name


@dataclass(frozen=True)
class CpuSnapshot:
    """CPU seconds used so far by each live process: pid → (title, process group, seconds)."""

    processes: dict[int, tuple[str, int, float]]

    @classmethod
    def take(cls) -> CpuSnapshot:
        return cls(
            {pid: (_title(pid, name), group, cpu) for pid, name, _, group, cpu in _process_table()}
        )

    def used_since(
        self, before: CpuSnapshot, *, group: int | None = None, title_contains: str = ""
    ) -> float:
        """CPU seconds the matching processes used between ``before`` and this snapshot
        (a process that started in between counts whole; one that ended is not seen)."""
        total = 0.0
        for pid, (title, pgrp, cpu) in self.processes.items():
            if group is not None and pgrp != group:
                continue
            if title_contains not in title:
                continue
            earlier = before.processes.get(pid)
            total += cpu - (earlier[2] if earlier else 0.0)
        return total


def machine_cpu_busy_seconds() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, from /proc/stat."""
    with open("/proc/stat") as fh:
        values = [int(v) for v in fh.readline().split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    total = sum(values[:8])
    return (total - idle) / _CLOCK_TICKS, total / _CLOCK_TICKS


class Server:
    """gunicorn serving ``frontdoor.wsgi`` in its own process group."""

    def __init__(
        self,
        env: Mapping[str, str],
        *,
        log_path: Path,
        workers: int = 2,
        threads: int = 8,
        port: int | None = None,
    ) -> None:
        self.env = dict(env)
        self.log_path = log_path
        self.workers = workers
        self.threads = threads
        self.port = port or free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def describe(self) -> str:
        return (
            f"gunicorn frontdoor.wsgi, {self.workers} gthread workers x {self.threads} threads, "
            f"127.0.0.1:{self.port}"
        )

    def start(self, *, ready_timeout: float = 60.0) -> float:
        """Start gunicorn and wait until it answers; the seconds that took."""
        began = time.perf_counter()
        with open(self.log_path, "ab") as logfile:
            self.proc = subprocess.Popen(
                [
                    GUNICORN,
                    "frontdoor.wsgi:application",
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--worker-class",
                    "gthread",
                    "--workers",
                    str(self.workers),
                    "--threads",
                    str(self.threads),
                    "--keep-alive",
                    "30",
                    "--timeout",
                    "60",
                    "--graceful-timeout",
                    "5",
                    "--backlog",
                    "2048",
                    "--log-level",
                    "warning",
                ],
                cwd=ROOT,
                env=self.env,
                stdout=logfile,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.starts += 1
        self._wait_ready(ready_timeout)
        return time.perf_counter() - began

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        client = HttpClient(self.port, timeout=5)
        while time.monotonic() < deadline:
            assert self.proc is not None
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({self.proc.returncode}); {self.log_tail()}")
            result = client.request("GET", "/")
            if 0 < result.status < 500:
                client.close()
                return
            time.sleep(0.05)
        raise RuntimeError(f"gunicorn did not answer within {timeout:.0f} s; {self.log_tail()}")

    def group_members(self) -> list[int]:
        """Live (not zombie) processes in the server's process group."""
        if self.proc is None:
            return []
        return [
            pid
            for pid, _, state, group, _ in _process_table()
            if group == self.proc.pid and state not in ("Z", "X")
        ]

    @property
    def group(self) -> int:
        """The process group of the master and its workers (the master's pid)."""
        return self.proc.pid if self.proc is not None else -1

    def kill(self) -> int:
        """SIGKILL the whole process group (master and every worker) at once.

        Returns how many processes were killed; waits until none is left.
        """
        assert self.proc is not None
        members = self.group_members()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        deadline = time.monotonic() + 10
        while self.group_members() and time.monotonic() < deadline:
            time.sleep(0.01)
        if self.group_members():
            raise RuntimeError(f"processes survived SIGKILL: {self.group_members()}")
        return len(members)

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill()

    def log_errors(self, limit: int = 10) -> list[str]:
        """The distinct exception lines in gunicorn's log (with how often each appeared)."""
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return []
        found = Counter(
            line.strip()[:300]
            for line in text.splitlines()
            if re.match(r"^[A-Za-z_][\w.]*(Error|Exception|Exit)\b", line.strip())
        )
        return [f"{n} x {line}" for line, n in found.most_common(limit)]

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "no gunicorn log"
        return "gunicorn log (tail):\n" + "\n".join(text.splitlines()[-lines:])


# --------------------------------------------------------------------------- the client


@dataclass(frozen=True)
class HttpResult:
    status: int  # 0: no HTTP response (connection refused, reset, closed, timed out)
    body: bytes
    seconds: float
    error: str = ""
    retry_after: float | None = None

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except ValueError:
            return None


class HttpClient:
    """One keep-alive HTTP/1.1 connection to 127.0.0.1, reopened after any failure."""

    def __init__(self, port: int, *, timeout: float = 30.0, host: str = "127.0.0.1") -> None:
        self.host = host
        self.port = port
        self.timeout = timeout
        self._conn: http.client.HTTPConnection | None = None

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> HttpResult:
        began = time.perf_counter()
        try:
            if self._conn is None:
                self._conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            self._conn.request(method, path, body=body, headers=dict(headers or {}))
            response = self._conn.getresponse()
            data = response.read()
            retry_after = response.getheader("Retry-After")
            if response.will_close:
                self.close()
            return HttpResult(
                status=response.status,
                body=data,
                seconds=time.perf_counter() - began,
                retry_after=float(retry_after) if retry_after and retry_after.isdigit() else None,
            )
        except (OSError, http.client.HTTPException) as exc:
            self.close()
            return HttpResult(
                status=0,
                body=b"",
                seconds=time.perf_counter() - began,
                error=f"{type(exc).__name__}: {exc}"[:200],
            )


def api_headers(token: str, key: str) -> dict[str, str]:
    return {
        "Authorization": f"Bearer {token}",
        "Idempotency-Key": key,
        "Content-Type": "application/json",
    }


_FIRST = ["Sam", "Alex", "Jordan", "Riley", "Casey", "Morgan", "Taylor", "Jamie", "Robin", "Kai"]
_LAST = ["Jones", "Smith", "Patel", "Khan", "Brown", "Wilson", "Evans", "Taylor", "Nowak"]


def referral_document(tag: str, rng: random.Random) -> dict[str, Any]:
    """A valid referral naming one to three children; about one in six has no email."""
    last_name = rng.choice(_LAST)
    children = []
    for index in range(rng.choice([1, 1, 1, 2, 3])):
        child: dict[str, Any] = {
            "first_name": rng.choice(_FIRST),
            "last_name": last_name,
            "date_of_birth": date(
                2010 + rng.randrange(14), rng.randrange(1, 13), rng.randrange(1, 29)
            ).isoformat(),
        }
        if index == 0 and rng.random() < 0.5:
            child.update(address_line_1="1 High Street", town="Peterborough", postcode="PE1 1XX")
        children.append(child)
    if rng.random() < 1 / 6:
        referrer: dict[str, Any] = {"kind": "public", "relationship": "acquaintance"}
    else:
        referrer = {
            "kind": "professional",
            "name": "PC Lee",
            "organisation": "Proof Constabulary",
            "organisation_type": "police",
            "email": "pc.lee@police.example",
        }
    return {
        "referrer": referrer,
        "children": children,
        "concern": f"Proof referral {tag}: neighbours heard shouting and a child crying.",
        "immediate_risk": False,
        "consent_status": "not_sought",
        "consent_reason": "Police notification",
        "lawful_basis": "public_task",
        "external_reference": tag[:100],
    }


# --------------------------------------------------------------------------- checking


@dataclass(frozen=True)
class Acknowledged:
    """What the server acknowledged for one idempotency key, and what had been sent."""

    key: str
    reference: str
    concern: str
    children: int
    has_email: bool


@dataclass
class CheckResult:
    counts: dict[str, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)

    def fail(self, message: str) -> None:
        self.failures.append(message)


def database_check(
    acknowledged: Mapping[str, Acknowledged], *, sent_keys: Collection[str]
) -> CheckResult:
    """Check the database this process's Django uses (a fresh one the proof filled).

    Needs ``ThrowawayDatabase.use_in_this_process()`` first. Every acknowledged key must be
    one whole submission; nothing may be stored that no client sent; nothing may be half
    stored.
    """
    from django.db.models import Count

    from frontdoor.audit.models import Event
    from frontdoor.intake.models import Channel, Contact, ContactChild, Submission
    from frontdoor.outbox.models import Message
    from frontdoor.people.models import Person

    result = CheckResult()
    fail = result.fail
    submissions: list[dict[str, Any]] = [
        dict(row)
        for row in Submission.objects.values(
            "id",
            "reference",
            "idempotency_scope",
            "idempotency_key",
            "contact_id",
            "conversion_error",
            "referrer_email",
            "payload",
        )
    ]
    contacts = {c["id"]: c for c in Contact.objects.values("id", "reference", "channel")}
    children: dict[int, list[Any]] = defaultdict(list)
    for link in ContactChild.objects.values("contact_id", "screening_due_at"):
        children[link["contact_id"]].append(link["screening_due_at"])
    acknowledgements = Counter(
        Message.objects.filter(kind="referral_acknowledgement").values_list("about", flat=True)
    )
    received_events = Counter(
        Event.objects.filter(record_type="submission", action="submission.received").values_list(
            "record_id", flat=True
        )
    )
    contact_events = Counter(
        Event.objects.filter(record_type="contact").values_list("record_id", flat=True)
    )
    result.counts = {
        "submissions": len(submissions),
        "contacts": len(contacts),
        "contact children": sum(len(v) for v in children.values()),
        "acknowledgement messages": sum(acknowledgements.values()),
        "events": Event.objects.count(),
    }

    by_key: dict[str, list[dict[str, Any]]] = defaultdict(list)
    by_reference: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for sub in submissions:
        by_key[sub["idempotency_key"]].append(sub)
        by_reference[sub["reference"]].append(sub)
    for dup in (
        Submission.objects.values("idempotency_scope", "idempotency_key")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    ):
        fail(f"{dup['n']} submissions for one key {dup['idempotency_key']!r}")

    for key, ack in acknowledged.items():
        found = by_reference.get(ack.reference, [])
        if len(found) != 1:
            fail(f"acknowledged reference {ack.reference} (key {key}) is stored {len(found)} times")
            continue
        sub = found[0]
        if sub["idempotency_key"] != key:
            fail(
                f"reference {ack.reference} was acknowledged for key {key} but is stored for "
                f"key {sub['idempotency_key']}"
            )
        if len(by_key.get(key, [])) != 1:
            fail(f"acknowledged key {key} has {len(by_key.get(key, []))} submissions")
        if (sub["payload"] or {}).get("concern") != ack.concern:
            fail(f"submission {ack.reference} does not hold the referral sent with key {key}")
        if sub["contact_id"] is not None and len(children.get(sub["contact_id"], [])) != (
            ack.children
        ):
            fail(
                f"submission {ack.reference}: {len(children.get(sub['contact_id'], []))} "
                f"children stored, {ack.children} sent"
            )
        if bool(sub["referrer_email"]) != ack.has_email:
            fail(f"submission {ack.reference}: referrer email stored is {sub['referrer_email']!r}")

    sent = set(sent_keys)
    for sub in submissions:
        ref = sub["reference"]
        key = sub["idempotency_key"]
        if key not in sent:
            fail(f"submission {ref} has key {key!r}, which no client sent")
        elif key not in acknowledged:
            fail(f"submission {ref} (key {key}) is stored but was never acknowledged")
        if sub["contact_id"] is None or sub["conversion_error"]:
            fail(f"submission {ref} has no contact ({sub['conversion_error'] or 'no error'})")
        else:
            contact = contacts.get(sub["contact_id"])
            dues = children.get(sub["contact_id"], [])
            if contact is None:
                fail(f"submission {ref} names contact {sub['contact_id']}, which is missing")
            elif not dues:
                fail(f"submission {ref}: contact {contact['reference']} names no child")
            elif any(due is None for due in dues):
                fail(f"submission {ref}: a child has no screening due time")
            if contact_events[sub["contact_id"]] < 1:
                fail(f"submission {ref}: no event for its contact")
        want = 1 if sub["referrer_email"] else 0
        got = acknowledgements.get(f"submission:{sub['id']}", 0)
        if got != want:
            fail(f"submission {ref}: {got} acknowledgement messages, expected {want}")
        if received_events[sub["id"]] != 1:
            fail(f"submission {ref}: {received_events[sub['id']]} submission.received events")

    submission_contacts = {sub["contact_id"] for sub in submissions}
    for contact in contacts.values():
        if contact["id"] not in submission_contacts:
            fail(
                f"contact {contact['reference']} ({contact['channel']}) has no submission"
                + (" (partner API)" if contact["channel"] == Channel.PARTNER_API else "")
            )
    submission_ids = {f"submission:{sub['id']}" for sub in submissions}
    for about, n in acknowledgements.items():
        if about.startswith("submission:") and about not in submission_ids:
            fail(f"{n} acknowledgement messages about {about}, which does not exist")
    orphan_events = set(received_events) - {sub["id"] for sub in submissions}
    if orphan_events:
        fail(f"submission.received events for missing submissions {sorted(orphan_events)[:10]}")
    orphans = Person.objects.filter(contacts__isnull=True).count()
    if orphans:
        fail(f"{orphans} child records belong to no contact (half-stored referrals)")
    return result


def print_check(result: CheckResult, *, limit: int = 40) -> None:
    print("Database after the run:")
    for name, value in result.counts.items():
        print(f"  {name}: {value}")
    if result.failures:
        print(f"FAILURES ({len(result.failures)}):")
        for message in result.failures[:limit]:
            print(f"  - {message}")
        if len(result.failures) > limit:
            print(f"  ... and {len(result.failures) - limit} more")


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (``fraction`` in 0..1) of ``values``; 0 when empty."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(fraction * len(ordered))))
    return ordered[rank - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    seed = sub.add_parser("seed", help="seed an agency and a token; print the token")
    seed.add_argument("--rate-limit", type=int, default=10_000_000)
    sub.add_parser("postgres-available", help="exit 0 when PostgreSQL answers")
    args = parser.parse_args()
    if args.command == "seed":
        _seed_main(args.rate_limit)
    else:
        sys.exit(0 if postgres_available() else 1)


if __name__ == "__main__":
    main()
