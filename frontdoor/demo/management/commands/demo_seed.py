"""``frontdoor seed``: reference data, demo logins and (once) two years of generated history."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from frontdoor.demo.generator import generate
from frontdoor.demo.intake import demo_tokens_text, demo_tokens_write
from frontdoor.demo.reference import (
    DEFAULT_PASSWORD,
    demo_devices_ensure,
    demo_users_ensure,
    reference_data_ensure,
)
from frontdoor.intake.models import Contact


def logins_table(rows: list[tuple[str, str, str]]) -> str:
    """A plain-text table of logins, with each one's two-factor secret (type it into an
    authenticator app; in ``frontdoor demo`` the code page also shows the current code)."""
    keys = demo_devices_ensure()
    header = ("Username", "Role", "Password", "Two-factor secret")
    table = [(*r, keys.get(r[0], "")) for r in rows]
    widths = [max(len(r[i]) for r in [header, *table]) for i in range(4)]
    lines = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(header)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(r)).rstrip() for r in table]
    return "\n".join(lines)


def tokens_text(address: str = "127.0.0.1:8000") -> str:
    """How to try the partner intake API with the demo's tokens (empty when there are none)."""
    text = demo_tokens_text()
    if not text:
        return ""
    lines = ["Partner intake API tokens (docs at /api/v1/docs):"]
    lines += [f"  {line}" for line in text.splitlines()]
    lines += [
        f"Online referral form: http://{address}/refer/",
        "",
    ]
    return "\n".join(lines)


class Command(BaseCommand):
    help = (
        "Create the demo council's agencies, teams and logins, then generate a history of "
        "contacts (only when there are none yet, unless --fresh). Assumes a migrated database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (default 2026).")
        parser.add_argument(
            "--years", type=float, default=2.0, help="Years of history (default 2)."
        )
        parser.add_argument(
            "--contacts-per-year",
            type=int,
            default=12000,
            help="Contacts a year (default 12000).",
        )
        parser.add_argument(
            "--password",
            default=DEFAULT_PASSWORD,
            help=f"Password for every demo login (default {DEFAULT_PASSWORD!r}).",
        )
        parser.add_argument(
            "--fresh",
            action="store_true",
            help="Delete ALL data in the database first (flush), then seed.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["fresh"]:
            self.stdout.write("Flushing the database...")
            call_command("flush", interactive=False, verbosity=0)
        reference_data_ensure()
        rows = demo_users_ensure(options["password"])
        self.stdout.write(f"Reference data and {len(rows)} demo logins ready.")
        if Contact.objects.exists():
            self.stdout.write(
                "The database already has contacts: nothing generated (use --fresh to start again)."
            )
        else:
            self.stdout.write(
                f"Generating {options['years']:g} years at {options['contacts_per_year']} "
                "contacts a year (several minutes; each phase reports its progress)..."
            )
            summary = generate(
                seed=options["seed"],
                years=options["years"],
                contacts_per_year=options["contacts_per_year"],
                progress=lambda message: self.stdout.write(f"  {message}"),
            )
            self.stdout.write("\n".join(summary.lines()))
            if summary.tokens:
                demo_tokens_write(summary.tokens)
        self.stdout.write("")
        self.stdout.write(logins_table(rows))
        self.stdout.write("")
        self.stdout.write(tokens_text())
