"""The filters of the contact search and the decisions list (read from the query string)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.db.models import Q, QuerySet

from frontdoor.accounts.models import Role, Team, User
from frontdoor.finding.access import CASELOAD_TEAM_KINDS
from frontdoor.finding.contacts import AWAITING, ContactQuery
from frontdoor.finding.decisions import DecisionQuery, decision_kinds, outcome_value
from frontdoor.intake.models import Channel, ScreeningOutcome
from frontdoor.web.fields import GovDateField, optional_text


def _choice(choices: list[tuple[str, str]], message: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        required=False, choices=choices, error_messages={"invalid_choice": message}
    )


def _date_range(form: forms.Form, start: str, end: str, what: str) -> None:
    first: date | None = form.cleaned_data.get(start)
    last: date | None = form.cleaned_data.get(end)
    if first and last and last < first:
        form.add_error(end, f"The '{what} to' date must be the same as or after the 'from' date")


CHANNEL_CHOICES = [("", "Any channel"), *Channel.choices]
OUTCOME_CHOICES = [
    ("", "Any outcome"),
    (AWAITING, "Awaiting screening"),
    *ScreeningOutcome.choices,
]


class ContactSearchForm(forms.Form):
    reference = optional_text(40, name="Reference")
    referrer = optional_text(name="Referrer")
    agency = optional_text(name="Agency")
    received_from = GovDateField(label_text="Received from", required=False)
    received_to = GovDateField(label_text="Received to", required=False)
    channel = _choice(CHANNEL_CHOICES, "Select a channel from the list")
    outcome = _choice(OUTCOME_CHOICES, "Select a screening outcome from the list")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _date_range(self, "received_from", "received_to", "received")
        return data

    def query(self) -> ContactQuery:
        data = self.cleaned_data
        return ContactQuery(
            reference=data["reference"],
            referrer=data["referrer"],
            agency=data["agency"],
            received_from=data["received_from"],
            received_to=data["received_to"],
            channel=data["channel"],
            outcome=data["outcome"],
        )


def deciders() -> QuerySet[User]:
    """Everyone who may have decided or closed something: members of the contact centre,
    MASH and assessment teams, and heads of service (those who have left included)."""
    return User.objects.filter(
        Q(team__kind__in=CASELOAD_TEAM_KINDS) | Q(role=Role.HEAD_OF_SERVICE)
    ).order_by("last_name", "first_name", "username")


def decision_teams() -> QuerySet[Team]:
    return Team.objects.filter(kind__in=CASELOAD_TEAM_KINDS).order_by("name")


class _UserChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.display_name} ({obj.team.name})" if obj.team else obj.display_name


class DecisionFilterForm(forms.Form):
    kind = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select kinds from the list"},
    )
    outcome = _choice([], "Select an outcome from the list")
    decided_from = GovDateField(label_text="Decided from", required=False)
    decided_to = GovDateField(label_text="Decided to", required=False)
    decided_by = _UserChoice(
        queryset=User.objects.none(),
        required=False,
        empty_label="Anyone",
        error_messages={"invalid_choice": "Select a person from the list"},
    )
    team = forms.ModelChoiceField(
        queryset=Team.objects.none(),
        required=False,
        empty_label="Any team",
        error_messages={"invalid_choice": "Select a team from the list"},
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kinds = decision_kinds(user)
        kind_field: Any = self.fields["kind"]
        kind_field.choices = [(k.key, k.label) for k in self.kinds]
        outcome: Any = self.fields["outcome"]
        outcome.choices = [("", "Any outcome")] + [
            (outcome_value(k, code), f"{k.label}: {label}")
            for k in self.kinds
            for code, label in k.outcomes
        ]
        people: Any = self.fields["decided_by"]
        people.queryset = deciders().select_related("team")
        teams: Any = self.fields["team"]
        teams.queryset = decision_teams()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _date_range(self, "decided_from", "decided_to", "decided")
        kinds, outcome = data.get("kind") or [], data.get("outcome") or ""
        if kinds and outcome and outcome.partition(":")[0] not in kinds:
            self.add_error("outcome", "Select an outcome of a kind you chose, or any outcome")
        return data

    def query(self) -> DecisionQuery:
        data = self.cleaned_data
        return DecisionQuery(
            kinds=tuple(data["kind"]),
            outcome=data["outcome"],
            decided_from=data["decided_from"],
            decided_to=data["decided_to"],
            decided_by=data["decided_by"],
            team=data["team"],
        )
