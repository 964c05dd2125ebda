"""GOV.UK-style form fields: a date as three inputs (day, month, year) and a 24-hour time,
and the helpers every page's form builds its fields with (one message for "required" and
"not one of the choices", text with a length limit, a date and a time made into a moment)."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Any

from django import forms
from django.utils import timezone

YES_NO = [("yes", "Yes"), ("no", "No")]
#: The longest free text a page accepts, unless a field says otherwise.
LONG_TEXT = 10000


def required(message: str) -> dict[str, str]:
    """Error messages for a choice: the same words whether it is missing or not a choice."""
    return {"required": message, "invalid_choice": message}


def choice(message: str, choices: Any, **kwargs: Any) -> forms.ChoiceField:
    """One of ``choices``; ``message`` is the error when none (or not one of them) is given."""
    return forms.ChoiceField(choices=choices, error_messages=required(message), **kwargs)


def too_long(max_length: int, name: str = "Must be", *, grouped: bool = False) -> str:
    """``Must be 200 characters or fewer`` (``grouped``: ``10,000``)."""
    number = f"{max_length:,}" if grouped else str(max_length)
    lead = name if name == "Must be" else f"{name} must be"
    return f"{lead} {number} characters or fewer"


def text(
    message: str = "",
    max_length: int = LONG_TEXT,
    *,
    name: str = "Must be",
    grouped: bool = False,
    nulls: bool = False,
    **kwargs: Any,
) -> forms.CharField:
    """A text answer; ``message`` is the error when it is left empty (no message: optional).
    ``name`` and ``grouped`` word the error when it is too long (see ``too_long``); ``nulls``
    words the error for a null character with ``name`` too ("Name must not contain null
    characters") rather than Django's own."""
    messages = {"required": message, "max_length": too_long(max_length, name, grouped=grouped)}
    if nulls:
        messages["null_characters_not_allowed"] = f"{name} must not contain null characters"
    return forms.CharField(
        required=bool(message), max_length=max_length, error_messages=messages, **kwargs
    )


def optional_text(max_length: int = 200, **kwargs: Any) -> forms.CharField:
    """Text that may be left empty (200 characters unless told)."""
    return text("", max_length, **kwargs)


def combine(day: Any, at: Any) -> datetime:
    """A date and a time of day, in local time, as one moment."""
    return timezone.make_aware(datetime.combine(day, at))


class DateInputWidget(forms.Widget):
    """Reads ``<name>-day``, ``<name>-month`` and ``<name>-year``; renders through a macro."""

    parts = ("day", "month", "year")

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        return {part: (data.get(f"{name}-{part}") or "").strip() for part in self.parts}

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return not any(f"{name}-{part}" in data for part in self.parts)


class GovDateField(forms.Field):
    widget = DateInputWidget

    def __init__(self, *, label_text: str, **kwargs: Any) -> None:
        self.label_text = label_text
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> date | None:
        if isinstance(value, date):
            return value
        if not value or not any(value.values()):
            return None
        missing = [p for p in ("day", "month", "year") if not value.get(p)]
        if missing:
            raise forms.ValidationError(f"{self.label_text} must include a {missing[0]}")
        try:
            day, month, year = int(value["day"]), int(value["month"]), int(value["year"])
        except ValueError as exc:
            raise forms.ValidationError(f"{self.label_text} must be a real date") from exc
        if year < 1900 or year > 2100:
            raise forms.ValidationError(f"{self.label_text} must have a 4-digit year")
        try:
            return date(year, month, day)
        except ValueError as exc:
            raise forms.ValidationError(f"{self.label_text} must be a real date") from exc

    def validate(self, value: Any) -> None:
        if value is None and self.required:
            raise forms.ValidationError(f"Enter the {self.label_text.lower()}")

    def bound_parts(self, data: Any, name: str) -> dict[str, str]:
        return {part: (data.get(f"{name}-{part}") or "") for part in ("day", "month", "year")}


TIME_RE = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")


class GovTimeField(forms.CharField):
    """A 24-hour time such as 14:30."""

    def __init__(self, *, label_text: str, **kwargs: Any) -> None:
        self.label_text = label_text
        kwargs.setdefault("max_length", 5)
        kwargs.setdefault(
            "error_messages",
            {
                "required": f"Enter the {label_text.lower()}",
                "max_length": f"{label_text} must be a 24-hour time, for example 14:30",
            },
        )
        super().__init__(**kwargs)

    def clean(self, value: Any) -> time | None:
        text = super().clean(value)
        if not text:
            return None
        match = TIME_RE.match(text)
        if not match:
            raise forms.ValidationError(
                f"{self.label_text} must be a 24-hour time, for example 14:30"
            )
        hour, minute = int(match.group(1)), int(match.group(2))
        if hour > 23 or minute > 59:
            raise forms.ValidationError(f"{self.label_text} must be a real time")
        return time(hour, minute)


class PartialDate(tuple[int, int | None, int | None]):
    """(year, month or None, day or None): what a search knows of a date of birth."""

    @property
    def year(self) -> int:
        return self[0]

    @property
    def month(self) -> int | None:
        return self[1]

    @property
    def day(self) -> int | None:
        return self[2]

    def full(self) -> date | None:
        if self.month and self.day:
            return date(self.year, self.month, self.day)
        return None


class PartialDateField(GovDateField):
    """A date of birth as far as it is known: a year, a month and year, or the whole date."""

    def to_python(self, value: Any) -> PartialDate | None:  # type: ignore[override]
        if not value or not any(value.values()):
            return None
        label = self.label_text
        try:
            parts = {p: int(value[p]) if value.get(p) else None for p in ("day", "month", "year")}
        except ValueError as exc:
            raise forms.ValidationError(
                f"{label} must be a real date, or a month and year, or a year"
            ) from exc
        day, month, year = parts["day"], parts["month"], parts["year"]
        if year is None:
            raise forms.ValidationError(f"{label} must include a year")
        if year < 1900 or year > 2100:
            raise forms.ValidationError(f"{label} must have a 4-digit year")
        if day is not None and month is None:
            raise forms.ValidationError(f"{label} must include a month if it includes a day")
        if month is not None and not 1 <= month <= 12:
            raise forms.ValidationError(f"{label} must have a month from 1 to 12")
        if day is not None and month is not None:
            try:
                date(year, month, day)
            except ValueError as exc:
                raise forms.ValidationError(f"{label} must be a real date") from exc
        return PartialDate((year, month, day))
