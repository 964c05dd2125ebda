"""The chronology's filter: categories and dates, sent by GET so it works without JavaScript."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms

from frontdoor.people.chronology import categories
from frontdoor.web.fields import GovDateField

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
