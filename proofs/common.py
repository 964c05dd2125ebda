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

import abc
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
from collections.abc import Collection, Iterator, Mapping, Sequence
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
        # The production default, whatever this shell says: a request only stores the
        # submission, and the worker (``manage.py worker``) makes it a contact.
        env["FRONTDOOR_INTAKE_CONVERT"] = "worker"
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

    def tick(self) -> dict[str, int]:
        """Run ``manage.py tick`` (one housekeeping round) once; what it reported, e.g.
        ``{"contacts made": 0, "emails re-queued": 0, ...}``."""
        done = subprocess.run(
            [PYTHON, "manage.py", "tick"],
            cwd=ROOT,
            env=self.child_env(),
            check=True,
            capture_output=True,
            text=True,
        )
        report = {
            name.strip().lower(): int(value)
            for name, value in re.findall(r"([A-Za-z][A-Za-z -]*): (\d+)", done.stdout)
        }
        if "contacts made" not in report:
            raise RuntimeError(f"manage.py tick said {done.stdout!r} {done.stderr[-500:]!r}")
        return report

    def convert_pending(self, *, batch: int = 50) -> dict[str, float]:
        """Make every waiting submission a contact, in a process of its own, as the worker's
        intake thread does (``submissions_convert_pending(limit=batch)`` until it makes none);
        what ``python -m proofs.common convert-pending`` measured."""
        done = subprocess.run(
            [PYTHON, "-m", "proofs.common", "convert-pending", "--batch", str(batch)],
            cwd=ROOT,
            env=self.child_env(),
            check=True,
            capture_output=True,
            text=True,
        )
        result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
        return result

    def use_in_this_process(self) -> None:
        """Point this process's Django at the database (once per process, before setup)."""
        for key in ("DATABASE_URL", "FRONTDOOR_SQLITE_PATH"):
            os.environ.pop(key, None)
        os.environ.update(self.env)
        os.environ["DEBUG"] = "0"
        os.environ["FRONTDOOR_INTAKE_CONVERT"] = "worker"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "frontdoor.settings")
        if str(ROOT) not in sys.path:
            sys.path.insert(0, str(ROOT))
        import django

        django.setup()

    def release_this_process(self) -> None:
        """Close this process's connections to the database, if it opened any."""
        from django.conf import settings

        if settings.configured:
            from django.db import connections

            connections.close_all()


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


class ProcessGroup(abc.ABC):
    """A command started in its own session, so that it and every process it starts form
    one process group, which can be SIGKILLed whole and started again."""

    label = "process"

    def __init__(self, env: Mapping[str, str], *, log_path: Path) -> None:
        self.env = dict(env)
        self.log_path = log_path
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0

    @abc.abstractmethod
    def command(self) -> list[str]:
        """The command line to start."""

    def describe(self) -> str:
        return self.label

    def start(self, *, ready_timeout: float = 60.0) -> float:
        """Start the command and wait until it is ready; the seconds that took."""
        began = time.perf_counter()
        self.launch()
        self.wait_ready(ready_timeout)
        return time.perf_counter() - began

    def launch(self) -> None:
        """Start the command, without waiting for it to be ready (see ``wait_ready``)."""
        self._before_start()
        with open(self.log_path, "ab") as logfile:
            self.proc = subprocess.Popen(
                self.command(),
                cwd=ROOT,
                env=self.env,
                stdout=logfile,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.starts += 1

    def _before_start(self) -> None:  # noqa: B027 - a hook subclasses may override
        """Anything to do before each start (nothing by default)."""

    @abc.abstractmethod
    def wait_ready(self, timeout: float = 60.0) -> None:
        """Return once the process serves, or raise after ``timeout`` seconds."""

    def _check_alive(self) -> None:
        assert self.proc is not None
        if self.proc.poll() is not None:
            raise RuntimeError(f"{self.label} exited ({self.proc.returncode}); {self.log_tail()}")

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def group_members(self) -> list[int]:
        """Live (not zombie) processes in the process group."""
        if self.proc is None:
            return []
        return [
            pid
            for pid, _, state, group, _ in _process_table()
            if group == self.proc.pid and state not in ("Z", "X")
        ]

    @property
    def group(self) -> int:
        """The process group (the first process's pid)."""
        return self.proc.pid if self.proc is not None else -1

    def kill(self) -> int:
        """SIGKILL the whole process group at once: no handler runs, nothing is flushed.

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
        """SIGTERM (a graceful stop), and SIGKILL after 15 s."""
        if self.proc is None or self.proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill()

    def log_errors(self, limit: int = 10) -> list[str]:
        """The distinct exception lines in the log (with how often each appeared)."""
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
            return f"no {self.label} log"
        return f"{self.label} log (tail):\n" + "\n".join(text.splitlines()[-lines:])


class Server(ProcessGroup):
    """gunicorn serving ``frontdoor.wsgi`` (master and gthread workers, one process group)."""

    label = "gunicorn"

    def __init__(
        self,
        env: Mapping[str, str],
        *,
        log_path: Path,
        workers: int = 2,
        threads: int = 8,
        port: int | None = None,
    ) -> None:
        super().__init__(env, log_path=log_path)
        self.workers = workers
        self.threads = threads
        self.port = port or free_port()

    def describe(self) -> str:
        return (
            f"gunicorn frontdoor.wsgi, {self.workers} gthread workers x {self.threads} threads, "
            f"127.0.0.1:{self.port}"
        )

    def command(self) -> list[str]:
        return [
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
        ]

    def wait_ready(self, timeout: float = 60.0) -> None:
        """Ready: it answers ``GET /`` with anything below 500."""
        deadline = time.monotonic() + timeout
        client = HttpClient(self.port, timeout=5)
        while time.monotonic() < deadline:
            self._check_alive()
            result = client.request("GET", "/")
            if 0 < result.status < 500:
                client.close()
                return
            time.sleep(0.05)
        raise RuntimeError(f"gunicorn did not answer within {timeout:.0f} s; {self.log_tail()}")


WORKER_READY = "Starting worker worker_id="


class Worker(ProcessGroup):
    """``manage.py worker``: the django-tasks database worker, plus the threads that make
    submissions contacts (every FRONTDOOR_INTAKE_POLL_SECONDS) and keep house (every
    FRONTDOOR_HOUSEKEEPING_SECONDS), in one process of its own process group."""

    label = "worker"

    def __init__(self, env: Mapping[str, str], *, log_path: Path) -> None:
        super().__init__(env, log_path=log_path)
        self._ready_marks = 0

    def describe(self) -> str:
        return (
            "manage.py worker (task worker, intake thread every "
            f"{self.env.get('FRONTDOOR_INTAKE_POLL_SECONDS', '1')} s, housekeeping every "
            f"{self.env.get('FRONTDOOR_HOUSEKEEPING_SECONDS', '60')} s)"
        )

    def command(self) -> list[str]:
        return [PYTHON, "manage.py", "worker", "--no-reload"]

    def _marks(self) -> int:
        try:
            return self.log_path.read_text(errors="replace").count(WORKER_READY)
        except OSError:
            return 0

    def _before_start(self) -> None:
        self._ready_marks = self._marks()

    def wait_ready(self, timeout: float = 60.0) -> None:
        """Ready: it logged that its task loop started (after starting its intake and
        housekeeping threads)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self._check_alive()
            if self._marks() > self._ready_marks:
                return
            time.sleep(0.05)
        raise RuntimeError(f"the worker did not start within {timeout:.0f} s; {self.log_tail()}")


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


_FIRST = [
    "Sam", "Alex", "Jordan", "Riley", "Casey", "Morgan", "Taylor", "Jamie", "Robin", "Kai",
    "Noah", "Isla", "Leo", "Ava", "Finn", "Maya", "Ezra", "Ruby", "Theo", "Zara",
]  # fmt: skip
# Family names and postcodes are drawn from thousands, as in a real caseload: the worker
# looks for each child among the known records sharing a name, date or postcode key
# (frontdoor.matching), and a few shared names (every child a Jones at PE1 1XX) would make
# each conversion score the most candidates the matcher allows, so the drain, not the proof,
# would take the run's time (3,000 waiting on PostgreSQL took over three minutes).
_FAMILY_START = [
    "Bar", "Cal", "Dun", "Fen", "Gor", "Hal", "Kir", "Lom", "Mor", "Nes",
    "Pel", "Ros", "Sel", "Tor", "Wex", "Vin", "Jub", "Quil", "Zan", "Rad",
]  # fmt: skip
_FAMILY_MIDDLE = ["b", "d", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v"]
_FAMILY_END = [
    "by", "ton", "well", "ford", "ham", "ley", "wick", "more", "stone", "field",
    "dale", "croft", "worth", "shaw", "land",
]  # fmt: skip


def _family_name(rng: random.Random) -> str:
    """One of 3,600 family names (about 2,500 sounds)."""
    middle = rng.choice(_FAMILY_MIDDLE)
    return f"{rng.choice(_FAMILY_START)}e{middle}{rng.choice(_FAMILY_END)}"


def _postcode(rng: random.Random) -> str:
    """One of about 20,000 Peterborough postcodes."""
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    return f"PE{rng.randint(1, 30)} {rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"


def referral_document(tag: str, rng: random.Random) -> dict[str, Any]:
    """A valid referral naming one to three children; about one in six has no email."""
    last_name = _family_name(rng)
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
            child.update(
                address_line_1="1 High Street", town="Peterborough", postcode=_postcode(rng)
            )
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
            "received_at",
            "acknowledgement_queued_at",
        )
    ]
    contacts = {
        c["id"]: c for c in Contact.objects.values("id", "reference", "channel", "received_at")
    }
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
    converted_events = Counter(
        Event.objects.filter(record_type="submission", action="submission.converted").values_list(
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
        "submission.received events": sum(received_events.values()),
        "submission.converted events": sum(converted_events.values()),
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
            if contact is not None and contact["received_at"] != sub["received_at"]:
                fail(
                    f"submission {ref} received at {sub['received_at']}, its contact "
                    f"{contact['reference']} at {contact['received_at']}: the screening clock "
                    "does not run from receipt"
                )
            if contact_events[sub["contact_id"]] < 1:
                fail(f"submission {ref}: no event for its contact")
            if converted_events[sub["id"]] != 1:
                fail(f"submission {ref}: {converted_events[sub['id']]} submission.converted events")
        want = 1 if sub["referrer_email"] else 0
        got = acknowledgements.get(f"submission:{sub['id']}", 0)
        if got != want:
            fail(f"submission {ref}: {got} acknowledgement messages, expected {want}")
        if bool(sub["acknowledgement_queued_at"]) != bool(sub["referrer_email"]):
            fail(
                f"submission {ref}: acknowledgement_queued_at "
                f"{sub['acknowledgement_queued_at']} with referrer email {sub['referrer_email']!r}"
            )
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
    orphan_events = (set(received_events) | set(converted_events)) - {
        sub["id"] for sub in submissions
    }
    if orphan_events:
        fail(f"submission events for missing submissions {sorted(orphan_events)[:10]}")
    orphans = Person.objects.filter(contacts__isnull=True).count()
    if orphans:
        fail(f"{orphans} child records belong to no contact (half-stored referrals)")
    return result


@dataclass(frozen=True)
class Drained:
    """How the worker made the last waiting submissions contacts after the load."""

    waiting: int  # submissions without a contact when the load ended
    seconds: float
    left: int  # still without a contact at the timeout (0: all done)
    errors: list[tuple[str, str]]  # (reference, conversion error) of some of those left
    worker_exits: int  # times the worker was found exited by itself, and started again


def drain(
    workers: Sequence[Worker], *, stall: float, limit: float = 1800.0, poll: float = 0.2
) -> Drained:
    """Keep the workers running until no submission is without a contact.

    Gives up when ``stall`` seconds pass without one more submission becoming a contact (a
    worker that is stuck, or leaves some behind), or after ``limit`` seconds in all. Needs
    ``ThrowawayDatabase.use_in_this_process()`` first. A worker that has exited by itself is
    counted and started again.
    """
    from frontdoor.intake.models import Submission

    waiting = Submission.objects.filter(contact__isnull=True)
    at_start = left = waiting.count()
    began = progressed = time.monotonic()
    exits = 0
    while left:
        now = time.monotonic()
        if now - progressed > stall or now - began > limit:
            break
        for worker in workers:
            if not worker.running:
                exits += 1
                log(f"a worker had exited by itself: starting it again; {worker.log_tail(10)}")
                worker.start()
        time.sleep(poll)
        now_left = waiting.count()
        if now_left < left:
            progressed = time.monotonic()
        left = now_left
    errors = [
        (str(ref), str(error))
        for ref, error in waiting.exclude(conversion_error="").values_list(
            "reference", "conversion_error"
        )[:10]
    ]
    return Drained(
        waiting=at_start,
        seconds=time.monotonic() - began,
        left=left,
        errors=errors,
        worker_exits=exits,
    )


def contact_id_gaps() -> int | None:
    """PostgreSQL only: contact ids drawn but never committed (a contact insert rolled back,
    e.g. a conversion killed mid-transaction); None on SQLite, which reuses them."""
    from django.db import connection

    from frontdoor.intake.models import Contact

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [Contact._meta.db_table])
        sequence = cursor.fetchone()[0]
        cursor.execute(f"SELECT last_value, is_called FROM {sequence}")
        last_value, is_called = cursor.fetchone()
    drawn = int(last_value) if is_called else 0
    return drawn - Contact.objects.count()


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


def _process_cpu_seconds(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            raw = fh.read().decode(errors="replace")
    except OSError:
        return 0.0
    rest = raw[raw.rfind(")") + 2 :].split()
    return (int(rest[11]) + int(rest[12])) / _CLOCK_TICKS


def _convert_main(batch: int) -> None:
    """Time ``submissions_convert_pending`` to completion; print JSON (the last line)."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "frontdoor.settings")
    import django

    django.setup()
    from django.db import connection

    from frontdoor.intake.models import Submission
    from frontdoor.intake.submissions import submissions_convert_pending

    waiting = Submission.objects.filter(contact__isnull=True).count()
    backend = 0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = int(cursor.fetchone()[0])
    pg0 = _process_cpu_seconds(backend) if backend else 0.0
    cpu0, began = time.process_time(), time.perf_counter()
    made = 0
    while True:
        n = submissions_convert_pending(limit=batch)
        if not n:
            break
        made += n
    seconds = time.perf_counter() - began
    cpu = time.process_time() - cpu0
    pg = (_process_cpu_seconds(backend) - pg0) if backend else 0.0
    left = Submission.objects.filter(contact__isnull=True).count()
    print(
        json.dumps(
            {
                "waiting": waiting,
                "made": made,
                "left": left,
                "seconds": seconds,
                "converter_cpu": cpu,
                "postgres_cpu": pg,
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    seed = sub.add_parser("seed", help="seed an agency and a token; print the token")
    seed.add_argument("--rate-limit", type=int, default=10_000_000)
    sub.add_parser("postgres-available", help="exit 0 when PostgreSQL answers")
    convert = sub.add_parser(
        "convert-pending", help="make every waiting submission a contact, timed; print JSON"
    )
    convert.add_argument("--batch", type=int, default=50)
    args = parser.parse_args()
    if args.command == "seed":
        _seed_main(args.rate_limit)
    elif args.command == "convert-pending":
        _convert_main(args.batch)
    else:
        sys.exit(0 if postgres_available() else 1)


if __name__ == "__main__":
    main()
