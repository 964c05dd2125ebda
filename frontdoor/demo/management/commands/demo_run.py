"""``frontdoor demo``: migrate, seed if empty, collect the static files, start the task worker
and serve the demo with ``DEBUG`` off (``frontdoor.cli.demo_environment``): the service's own
GOV.UK 404 and 500 pages, static files served by WhiteNoise from ``STATIC_ROOT``."""

from __future__ import annotations

import signal
import subprocess
import sys
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from frontdoor.demo.management.commands.demo_seed import logins_table, tokens_text
from frontdoor.demo.reference import DEFAULT_PASSWORD, demo_users_ensure
from frontdoor.intake.models import Contact

# --no-reload: the worker would otherwise fork an autoreloading child that outlives
# terminate().
# Six months at the full council rate (about 6,000 contacts): several minutes on a 2-core
# machine, four times longer for the full two years (benchmarks/demo_generate.py, ADR 6).
DEMO_YEARS = 0.5
WORKER_COMMAND = [sys.executable, "-m", "frontdoor.cli", "worker", "--no-reload"]


def static_collect() -> None:
    """Copy the static files to ``STATIC_ROOT``, where WhiteNoise serves them with ``DEBUG``
    off (only what changed is copied again)."""
    call_command("collectstatic", interactive=False, verbosity=0)


def _exit_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)  # so that ``finally`` stops the worker


class Command(BaseCommand):
    help = (
        "Run the demo: migrate, seed the database if it has no contacts, start the task "
        "worker in the background and serve the site (Ctrl+C stops both)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--addrport",
            default="127.0.0.1:8000",
            help="Address and port to serve on (default 127.0.0.1:8000).",
        )
        parser.add_argument(
            "--no-worker", action="store_true", help="Do not start the background task worker."
        )
        parser.add_argument(
            "--years",
            type=float,
            default=DEMO_YEARS,
            help=f"Years of history to generate when the database is empty (default "
            f"{DEMO_YEARS}: the six months an Ofsted Annex A return covers; "
            f"`frontdoor seed --fresh` makes the full two years).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.DEBUG:
            # Started as ``manage.py demo_run`` with DEBUG on: off for this server all the same
            # (static files are then found where they are, and collected below too).
            settings.DEBUG = False
        call_command("migrate", interactive=False, verbosity=1)
        if not Contact.objects.exists():
            call_command(
                "demo_seed", years=options["years"], stdout=self.stdout, stderr=self.stderr
            )
        # Idempotent: makes sure the passwords printed below are the ones that work.
        rows = demo_users_ensure(DEFAULT_PASSWORD)
        # This server only: the two-factor page shows the current code (never in production).
        settings.FRONTDOOR_DEMO_MODE = not settings.PRODUCTION
        static_collect()
        worker: subprocess.Popen[bytes] | None = None
        previous = signal.signal(signal.SIGTERM, _exit_on_sigterm)
        if not options["no_worker"]:
            worker = subprocess.Popen(WORKER_COMMAND)
            self.stdout.write(f"Task worker started (process {worker.pid}).")
        try:
            addrport = options["addrport"]
            address = addrport if ":" in addrport else f"127.0.0.1:{addrport}"
            self.stdout.write("")
            self.stdout.write(self.style.SUCCESS(f"Front Door demo: http://{address}/"))
            self.stdout.write("")
            self.stdout.write(logins_table(rows))
            self.stdout.write(
                "Sign-in asks for a 6-digit code after the password: this demo shows the "
                "current code on that page (or add a secret above to an authenticator app)."
            )
            self.stdout.write("")
            self.stdout.write(tokens_text(address))
            call_command("runserver", addrport, use_reloader=False)
        finally:
            signal.signal(signal.SIGTERM, previous)
            if worker is not None and worker.poll() is None:
                worker.terminate()
                try:
                    worker.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    worker.kill()
                    worker.wait()
