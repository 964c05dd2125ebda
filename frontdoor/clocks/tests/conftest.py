"""Clocks tests are framework-free and run with ``-p no:django``.

The project-wide ``conftest.py`` has an autouse fixture that needs
pytest-django's ``settings`` fixture; override it here with a no-op so this
package's tests run without Django loaded.
"""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _test_settings() -> None:
    """No Django settings are needed for the pure-Python clocks package."""
