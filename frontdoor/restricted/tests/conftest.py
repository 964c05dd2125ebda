"""Builders for restricted-record tests: a child on a MASH enquiry, restricted by the MASH
manager (its owner), optionally naming other users."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from frontdoor.people.models import Person
from frontdoor.restricted.models import Restriction


def counts() -> dict[str, int]:
    """Rows of every Front Door model, this app's and the outbox's included."""
    from django.apps import apps

    from frontdoor.testing.fixtures import row_counts

    extra = {
        m._meta.label: m._default_manager.count()
        for label in ("restricted", "outbox")
        for m in apps.get_app_config(label).get_models()
    }
    return {**row_counts(), **extra}


@pytest.fixture
def restrict(mash_manager: Any) -> Callable[..., Restriction]:
    def build(child: Person, *, named: tuple[Any, ...] = (), by: Any = None) -> Restriction:
        from frontdoor.restricted.services import restriction_create

        return restriction_create(
            child=child,
            category="staff_relative",
            reason="The child's mother works in the MASH.",
            named=named,
            by=by or mash_manager,
        )

    return build
