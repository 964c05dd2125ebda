"""Forms of the children's pages: finding a child or an adult, and the chronology's filter
(categories and dates, sent by GET so it works without JavaScript)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms

from frontdoor.people.chronology import categories
from frontdoor.people.forms import clean_nhs_number
from frontdoor.web.fields import GovDateField, PartialDateField, optional_text, required

ORDERS = [("oldest", "Oldest first"), ("newest", "Newest first")]


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


@dataclass(frozen=True)
class ChronologyFilter:
    """What the page shows: the valid parts of what was asked for."""

    categories: list[str] | None
    since: date | None
    until: date | None
    newest_first: bool

    def describe(self) -> str:
        """The filter in words (printed on every page)."""
        labels = {c.key: c.label for c in categories()}
        parts = [
            "All categories"
            if self.categories is None
            else "Categories: " + ", ".join(labels[k] for k in self.categories)
        ]
        if self.since and self.until:
            parts.append(f"from {long_date(self.since)} to {long_date(self.until)}")
        elif self.since:
            parts.append(f"from {long_date(self.since)}")
        elif self.until:
            parts.append(f"up to {long_date(self.until)}")
        else:
            parts.append("all dates")
        parts.append("newest first" if self.newest_first else "oldest first")
        return "; ".join(parts)


class ChronologyFilterForm(forms.Form):
    category = forms.MultipleChoiceField(
        choices=lambda: [(c.key, c.label) for c in categories()],
        required=False,
        error_messages={"invalid_choice": "Select categories from the list"},
    )
    since = GovDateField(label_text="Date from", required=False)
    until = GovDateField(label_text="Date to", required=False)
    order = forms.ChoiceField(choices=ORDERS, required=False, initial="oldest")

    def __init__(self, data: Any = None, **kwargs: Any) -> None:
        if data is not None and not data.get("order"):
            data = data.copy()  # a filter link without an order: oldest first, shown ticked
            data["order"] = "oldest"
        super().__init__(data, **kwargs)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", "Date to must be the same as or after date from")
        return data

    def chosen(self) -> ChronologyFilter:
        """The filter to apply: invalid parts are left out (their errors are shown)."""
        if not self.is_bound:
            return ChronologyFilter(None, None, None, False)
        self.is_valid()
        data = self.cleaned_data
        keys = data.get("category") or None
        return ChronologyFilter(
            categories=list(keys) if keys else None,
            since=data.get("since"),
            until=data.get("until"),
            newest_first=data.get("order") == "newest",
        )


SEARCH_WHO = [
    ("child", "Children"),
    ("adult", "Adults: parents, carers and others linked to a child"),
    ("any", "Children and adults"),
]
SEARCH_KINDS: dict[str, tuple[str, ...]] = {
    "child": ("child",),
    "adult": ("adult",),
    "any": ("child", "adult"),
}


class ChildSearchForm(forms.Form):
    """Find a child (or an adult: "Find a person") by any of what is known; partial dates of
    birth are allowed."""

    who = forms.ChoiceField(
        choices=SEARCH_WHO,
        required=False,
        error_messages=required("Select who you are looking for"),
    )
    first_name = optional_text(100)
    last_name = optional_text(100)
    date_of_birth = PartialDateField(label_text="Date of birth", required=False)
    postcode = optional_text(10)
    nhs_number = optional_text(14)

    def clean_nhs_number(self) -> str:
        return clean_nhs_number(self.cleaned_data.get("nhs_number", ""))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not any(data.get(f) for f in self.fields if f != "who"):
            raise forms.ValidationError(
                "Enter at least one of: a name, a date of birth, a postcode or an NHS number"
            )
        return data

    def kinds(self) -> tuple[str, ...]:
        return SEARCH_KINDS.get(self.cleaned_data.get("who") or "child", ("child",))
