"""The ``frontdoor`` console command: a thin wrapper over Django's management commands.

``frontdoor demo`` sets up and serves the demo (with ``DEBUG`` off, as a real service runs:
its own GOV.UK 404 and 500 pages, never Django's debug pages); ``frontdoor worker`` runs the
task worker; any other argument list is passed to ``manage.py`` (``frontdoor migrate``,
``frontdoor check``).
"""

from __future__ import annotations

import os
import sys

ALIASES = {"seed": ["demo_seed"], "demo": ["demo_run"]}


def demo_environment() -> None:
    """Before the settings load: the demo runs with ``DEBUG`` off, whatever the shell says
    (a debug 404 page lists every URL of the service)."""
    os.environ["DEBUG"] = "0"


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "frontdoor.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "demo":
        demo_environment()
    if args and args[0] in ALIASES:
        args = ALIASES[args[0]] + args[1:]
    execute_from_command_line(["frontdoor", *args])


if __name__ == "__main__":
    main()
