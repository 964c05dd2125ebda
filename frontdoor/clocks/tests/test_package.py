"""The clocks package is framework-free and exports the agreed public API."""

from __future__ import annotations

import subprocess
import sys

import frontdoor.clocks


def test_the_public_api_is_importable_from_the_package() -> None:
    for name in (
        "OfficeHours",
        "WorkingCalendar",
        "Unit",
        "Timescale",
        "ClockState",
        "ClockReading",
        "evaluate",
    ):
        assert name in frontdoor.clocks.__all__
        assert getattr(frontdoor.clocks, name) is not None


def test_importing_the_clocks_package_does_not_import_django() -> None:
    code = (
        "import sys, frontdoor.clocks; "
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] == 'django'); "
        "sys.exit(', '.join(loaded) or None)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
