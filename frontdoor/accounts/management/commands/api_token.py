"""``frontdoor api_token``: issue, revoke and list partner agencies' API tokens.

    frontdoor api_token issue --agency police --name "Niche RMS" --scope referrals:write \\
        [--scope referrals:read] [--expires 2027-01-01]
    frontdoor api_token revoke PREFIX --reason "Replaced by a new token"
    frontdoor api_token list [--agency police]

``issue`` prints the token once, alone on standard output (so it can be piped into a secret
store), with what was issued on standard error. Front Door keeps only a hash of it. Every
change goes through ``accounts.services`` and is recorded in the audit history (with no user:
the command line is not a signed-in person).
"""

from __future__ import annotations

from argparse import ArgumentParser, ArgumentTypeError
from datetime import datetime, time
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from frontdoor.accounts.models import Agency, ApiScope, ApiToken
from frontdoor.accounts.services import api_token_issue, api_token_revoke


def _expiry(value: str) -> datetime:
    """``2027-01-01`` (the start of that day, UK time) or an ISO 8601 date and time."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise ArgumentTypeError(f"not a date like 2027-01-01: {value!r}") from exc
    if len(value) == 10:  # a date alone
        parsed = datetime.combine(parsed.date(), time.min)
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


def _state(token: ApiToken, at: datetime) -> str:
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_at is not None and token.expires_at <= at:
        return "expired"
    return "live"


def _when(value: datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "-"


def _refused(exc: ValidationError) -> CommandError:
    return CommandError(
        "; ".join(
            f"{field}: {message}"
            for field, messages in exc.message_dict.items()
            for message in messages
        )
    )


class Command(BaseCommand):
    help = "Issue, revoke and list the API tokens partner agencies' systems use."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

        issue = actions.add_parser("issue", help="Issue a token (printed once).")
        issue.add_argument("--agency", required=True, help="The agency's code, e.g. police.")
        issue.add_argument("--name", required=True, help="The system, e.g. 'Niche RMS'.")
        issue.add_argument(
            "--scope",
            dest="scopes",
            action="append",
            required=True,
            choices=ApiScope.values,
            help="A scope the token has (repeat for more).",
        )
        issue.add_argument(
            "--expires",
            type=_expiry,
            default=None,
            help="When it stops working: a date (from the start of that day, UK time) or an "
            "ISO 8601 date and time. Default: never.",
        )

        revoke = actions.add_parser("revoke", help="Revoke a token at once.")
        revoke.add_argument("prefix", help="The token's prefix (or the whole token).")
        revoke.add_argument("--reason", required=True, help="Why it is being revoked.")

        listing = actions.add_parser("list", help="List tokens (never their secrets).")
        listing.add_argument("--agency", default=None, help="Only this agency's tokens.")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "issue":
            self.issue(options)
        elif action == "revoke":
            self.revoke(options)
        else:
            self.list_tokens(options)

    def issue(self, options: dict[str, Any]) -> None:
        agency = self._agency(options["agency"])
        try:
            token, plaintext = api_token_issue(
                agency=agency,
                name=options["name"],
                scopes=options["scopes"],
                by=None,
                expires_at=options["expires"],
            )
        except ValidationError as exc:
            raise _refused(exc) from exc
        expiry = f"expires {_when(token.expires_at)}" if token.expires_at else "does not expire"
        self.stderr.write(
            f"Issued API token {token.prefix} to {agency.name} for {token.name} "
            f"(scopes: {', '.join(token.scopes)}; {expiry}).\n"
            "Copy the token below now and give it to the agency securely: it is shown only "
            "this once."
        )
        self.stdout.write(plaintext)

    def revoke(self, options: dict[str, Any]) -> None:
        given = options["prefix"].strip()
        prefix = given.split("_")[1] if given.startswith("fd_") and given.count("_") >= 2 else given
        token = ApiToken.objects.select_related("agency").filter(prefix=prefix).first()
        if token is None:
            raise CommandError(f"There is no API token with the prefix {prefix!r}.")
        if token.revoked_at is not None:
            self.stdout.write(
                f"API token {token.prefix} was already revoked on {_when(token.revoked_at)}."
            )
            return
        try:
            api_token_revoke(token=token, by=None, reason=options["reason"])
        except ValidationError as exc:
            raise _refused(exc) from exc
        self.stdout.write(f"Revoked API token {token.prefix} ({token.agency.name}: {token.name}).")

    def list_tokens(self, options: dict[str, Any]) -> None:
        tokens = ApiToken.objects.select_related("agency").order_by("agency__code", "created_at")
        if options["agency"]:
            tokens = tokens.filter(agency=self._agency(options["agency"]))
        now = timezone.now()
        rows = [("PREFIX", "AGENCY", "NAME", "SCOPES", "STATE", "EXPIRES", "LAST USED")]
        rows += [
            (
                token.prefix,
                token.agency.code,
                token.name,
                ",".join(token.scopes),
                _state(token, now),
                _when(token.expires_at),
                _when(token.last_used_at),
            )
            for token in tokens
        ]
        if len(rows) == 1:
            self.stdout.write("No API tokens.")
            return
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        for row in rows:
            self.stdout.write(
                "  ".join(
                    cell.ljust(width) for cell, width in zip(row, widths, strict=True)
                ).rstrip()
            )

    def _agency(self, code: str) -> Agency:
        agency = Agency.objects.filter(code=code).first()
        if agency is None:
            known = ", ".join(Agency.objects.order_by("code").values_list("code", flat=True))
            raise CommandError(f"There is no agency with the code {code!r}. Known: {known}.")
        return agency
