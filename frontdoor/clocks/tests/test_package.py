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


def test_the_package_and_its_tests_never_read_the_wall_clock() -> None:
    """Every instant here is an argument (``now=``, ``at=``), so these tests give the same
    result whatever the moment: ``.ci/run`` runs them once, not at each of the four moments
    (docs/adr/0020-tests-pass-at-any-moment.md)."""
    import ast
    from pathlib import Path

    readers = {"now", "today", "utcnow", "fromtimestamp", "localtime", "time_ns"}
    root = Path(frontdoor.clocks.__file__).parent
    found = []
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import | ast.ImportFrom):
                if isinstance(node, ast.ImportFrom):
                    names = [f"{node.module}.{alias.name}" for alias in node.names]
                    modules = {node.module or "", *names}
                else:
                    modules = {alias.name for alias in node.names}
                if {"time", "time_machine", "django.utils.timezone"} & modules:
                    found.append(f"{path.name}:{node.lineno} imports a clock")
            elif isinstance(node, ast.Attribute) and node.attr in readers:
                found.append(f"{path.name}:{node.lineno} .{node.attr}")
    assert found == []
