"""The thresholds are data an administrator edits; every change is an event."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.test import Client

from frontdoor.audit.models import Event
from frontdoor.matching.models import MatchSettings
from frontdoor.matching.selectors import match_settings
from frontdoor.matching.services import match_settings_save

pytestmark = pytest.mark.django_db


def test_without_a_row_the_defaults_apply() -> None:
    assert match_settings().duplicate_at == MatchSettings().duplicate_at


def test_saving_keeps_one_row_and_records_the_change(administrator: Any) -> None:
    match_settings_save(settings=MatchSettings(high_at=20.0), by=administrator)
    match_settings_save(settings=MatchSettings(high_at=18.0), by=administrator)

    assert MatchSettings.objects.count() == 1
    assert match_settings().high_at == 18.0
    event = Event.objects.filter(action="match_settings.changed").last()
    assert event is not None
    assert event.before["high_at"] == 20.0 and event.after["high_at"] == 18.0
    assert "high_at 18" in event.summary


def test_bands_out_of_order_are_refused_and_nothing_is_saved(administrator: Any) -> None:
    with pytest.raises(ValidationError):
        match_settings_save(settings=MatchSettings(show_at=30.0, medium_at=10.0), by=administrator)
    assert not MatchSettings.objects.exists()
    assert not Event.objects.filter(action="match_settings.changed").exists()


def test_the_admin_edits_the_thresholds() -> None:
    boss = get_user_model().objects.create_superuser("boss", "boss@example.org", "pw-12345678")
    client = Client()
    client.force_login(boss)
    assert client.get("/admin/matching/matchsettings/add/").status_code == 200
    data = {
        "show_at": "5",
        "medium_at": "10",
        "high_at": "16",
        "duplicate_at": "13",
        "auto_link_at": "30",
        "auto_link_margin": "10",
        "max_candidates": "10",
    }
    response = client.post("/admin/matching/matchsettings/add/", data)
    assert response.status_code == 302, response.content[:2000]
    assert match_settings().duplicate_at == 13.0
    assert Event.objects.filter(action="match_settings.changed", actor=boss).exists()
