"""Forms for strategy discussions, section 47 enquiries and conferences: parse what people
type; the services decide what is allowed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.utils import timezone

from frontdoor.accounts.models import Agency, Role, User
from frontdoor.mash.models import Rating
from frontdoor.strategy.models import (
    AbuseCategory,
    Attendance,
    DiscussionDecision,
    Invitation,
    S47Kind,
    S47Outcome,
)
from frontdoor.web.fields import (
    LONG_TEXT,
    YES_NO,
    GovDateField,
    GovTimeField,
    optional_text,
    required,
    text,
)

#: Who may chair a discussion or own an action as a council worker.
STAFF_ROLES = (
    Role.MASH_SOCIAL_WORKER,
    Role.MASH_MANAGER,
    Role.ASSESSMENT_SOCIAL_WORKER,
    Role.ASSESSMENT_MANAGER,
)


def _at(day: Any, at: Any) -> datetime | None:
    if day is None or at is None:
        return None
    return timezone.make_aware(datetime.combine(day, at))


def _both(form: forms.Form, date_field: str, time_field: str, *, required: bool) -> None:
    """A date and a time entered together (both, or neither when optional)."""
    data = form.cleaned_data
    has_date = data.get(date_field) is not None
    has_time = bool(data.get(time_field))
    if date_field in form.errors or time_field in form.errors:
        return
    if has_date and not has_time:
        form.add_error(time_field, f"Enter the {form.fields[time_field].label_text.lower()}")  # type: ignore[attr-defined]
    elif (has_time and not has_date) or (required and not has_date):
        form.add_error(date_field, f"Enter the {form.fields[date_field].label_text.lower()}")  # type: ignore[attr-defined]


def staff_choices() -> list[tuple[str, str]]:
    users = User.objects.filter(role__in=STAFF_ROLES, is_active=True).order_by(
        "last_name", "first_name", "username"
    )
    return [(str(u.pk), f"{u.display_name} ({u.get_role_display()})") for u in users]


def agency_choices() -> list[tuple[str, str]]:
    return [(str(a.pk), a.name) for a in Agency.objects.filter(active=True).order_by("name")]


class _UserChoice(forms.ChoiceField):
    def clean(self, value: Any) -> User | None:
        value = super().clean(value)
        return User.objects.filter(pk=int(value), is_active=True).first() if value else None


class _AgencyChoice(forms.ChoiceField):
    def clean(self, value: Any) -> Agency | None:
        value = super().clean(value)
        return Agency.objects.filter(pk=int(value), active=True).first() if value else None


class ConveneForm(forms.Form):
    reason = text("Enter why a strategy discussion is needed")
    rating = forms.ChoiceField(
        choices=Rating.choices, error_messages=required("Select a BRAG rating")
    )
    decided_date = GovDateField(label_text="Date it was decided to hold one")
    decided_time = GovTimeField(label_text="Time it was decided to hold one")
    scheduled_date = GovDateField(label_text="Date of the discussion", required=False)
    scheduled_time = GovTimeField(label_text="Time of the discussion", required=False)
    chair = _UserChoice(required=False, error_messages=required("Select who will chair it"))
    agencies = forms.MultipleChoiceField(
        required=False, error_messages=required("Select the agencies to invite")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["chair"].choices = [("", "Me"), *staff_choices()]  # type: ignore[attr-defined]
        self.fields["agencies"].choices = agency_choices()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _both(self, "decided_date", "decided_time", required=True)
        _both(self, "scheduled_date", "scheduled_time", required=False)
        return data

    def decided_at(self) -> datetime | None:
        return _at(self.cleaned_data.get("decided_date"), self.cleaned_data.get("decided_time"))

    def scheduled_for(self) -> datetime | None:
        return _at(self.cleaned_data.get("scheduled_date"), self.cleaned_data.get("scheduled_time"))

    def chosen_agencies(self) -> list[Agency]:
        ids = [int(i) for i in self.cleaned_data.get("agencies") or []]
        return list(Agency.objects.filter(pk__in=ids))


class InviteForm(forms.Form):
    agency = _AgencyChoice(error_messages=required("Select the agency to invite"))
    person_name = optional_text()
    person_role = optional_text()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [("", "Select an agency"), *agency_choices()]  # type: ignore[attr-defined]


class AttendanceForm(forms.Form):
    """One "attended?" question per invited agency, and one row for an agency that joined
    without an invitation (``agency``, ``person_name``, ``person_role``)."""

    agency = _AgencyChoice(required=False)
    person_name = optional_text()
    person_role = optional_text()

    def __init__(self, *args: Any, invitations: list[Invitation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.invitations = invitations
        self.fields["agency"].choices = [("", "No other agency"), *agency_choices()]  # type: ignore[attr-defined]
        for invitation in invitations:
            self.fields[self.key(invitation)] = forms.ChoiceField(
                choices=Attendance.choices,
                error_messages=required(f"Select whether {invitation.agency.name} attended"),
            )
            self.initial.setdefault(self.key(invitation), invitation.attendance or None)

    @staticmethod
    def key(invitation: Invitation) -> str:
        return f"attendance_{invitation.pk}"


class HoldForm(forms.Form):
    held_date = GovDateField(label_text="Date it was held")
    held_time = GovTimeField(label_text="Time it was held")
    information_shared = text("Enter the information shared")
    decision = forms.ChoiceField(
        choices=DiscussionDecision.choices,
        error_messages=required("Select whether there will be a section 47 enquiry"),
    )
    s47_kind = forms.ChoiceField(
        required=False,
        choices=S47Kind.choices,
        error_messages=required("Select single agency or joint"),
    )
    contingency_plan = text("Enter the contingency plan")
    quorum_reason = optional_text(LONG_TEXT)

    def held_at(self) -> datetime:
        moment = _at(self.cleaned_data["held_date"], self.cleaned_data["held_time"])
        assert moment is not None
        return moment


class MinutesForm(forms.Form):
    minutes = text("Enter the minutes")


class ActionForm(forms.Form):
    description = text("Enter the action")
    owner = _UserChoice(required=False)
    owner_agency = _AgencyChoice(required=False)
    owner_name = optional_text()
    due_on = GovDateField(label_text="Due date")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        partners = User.objects.filter(is_active=True, role=Role.PARTNER_PRACTITIONER).order_by(
            "last_name", "first_name"
        )
        self.fields["owner"].choices = (  # type: ignore[attr-defined]
            [("", "Someone not listed here")]
            + staff_choices()
            + [
                (str(u.pk), f"{u.display_name} ({u.agency.name if u.agency else 'partner'})")
                for u in partners.select_related("agency")
            ]
        )
        self.fields["owner_agency"].choices = [("", "Select an agency"), *agency_choices()]  # type: ignore[attr-defined]


class ActionDoneForm(forms.Form):
    note = optional_text(LONG_TEXT)


class CancelForm(forms.Form):
    cancel_reason = text("Enter why the discussion is cancelled")


class S47OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=S47Outcome.choices, error_messages=required("Select the outcome of the enquiry")
    )
    icpc_needed = forms.ChoiceField(
        choices=YES_NO,
        error_messages=required("Select whether an initial child protection conference is needed"),
    )
    outcome_date = GovDateField(label_text="Date of the outcome")
    outcome_time = GovTimeField(label_text="Time of the outcome")
    notes = optional_text(LONG_TEXT)

    def outcome_at(self) -> datetime:
        moment = _at(self.cleaned_data["outcome_date"], self.cleaned_data["outcome_time"])
        assert moment is not None
        return moment


class ConferenceBookForm(forms.Form):
    scheduled_date = GovDateField(label_text="Date of the conference")
    scheduled_time = GovTimeField(label_text="Time of the conference")

    def scheduled_for(self) -> datetime:
        moment = _at(self.cleaned_data["scheduled_date"], self.cleaned_data["scheduled_time"])
        assert moment is not None
        return moment


class ConferenceOutcomeForm(forms.Form):
    held_date = GovDateField(label_text="Date it was held")
    held_time = GovTimeField(label_text="Time it was held")
    plan = forms.ChoiceField(
        choices=YES_NO,
        error_messages=required("Select whether the conference made a child protection plan"),
    )
    category = forms.ChoiceField(
        required=False,
        choices=AbuseCategory.choices,
        error_messages=required("Select the category of abuse"),
    )
    notes = optional_text(LONG_TEXT)

    def held_at(self) -> datetime:
        moment = _at(self.cleaned_data["held_date"], self.cleaned_data["held_time"])
        assert moment is not None
        return moment
