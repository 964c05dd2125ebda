"""The weights table in docs/matching.md, generated from the scorer so the two never differ.

``python -m frontdoor.matching.weights_doc`` rewrites the table in place.
"""

from __future__ import annotations

import re
from pathlib import Path

from frontdoor.matching.scorer import FIELD_LABELS, PROBABILITIES, WEIGHTS

DOC = Path(__file__).resolve().parents[2] / "docs" / "matching.md"
START, END = "<!-- weights:start -->", "<!-- weights:end -->"

LEVEL_LABELS = {
    "exact": "the same",
    "nickname": "a short form of each other (Bill / William)",
    "typo": "spelt slightly differently, or one digit wrong",
    "first_part": "sharing a part (Mary Ann / Mary)",
    "sounds": "sounding alike (Smyth / Smith)",
    "initial": "matching only by initial",
    "part": "sharing a part of a double or hyphenated name",
    "swapped": "swapped (day and month; or first and last names)",
    "year_month": "the same month and year, another day",
    "partial_year_month": "in the month and year searched for",
    "partial_year": "in the year searched for",
    "expected_close": "within a month of the expected date",
    "expected_near": "within three months of the expected date",
    "same": "the same",
    "previous": "the same as a previous one",
    "sector": "in the same postcode sector",
    "district": "in the same postcode district",
    "similar": "similar",
    "exact_unchecked": "the same (number not a checked NHS number)",
    "typo_unchecked": "one digit different (unchecked number)",
    "different_unchecked": "different (unchecked number)",
    "different": "different",
    "different_twin": "different, with the same date of birth and last name (twins)",
    "same_house": "the same house, in the same postcode",
    "other_house": "a different house, in the same postcode",
}


def weights_table() -> str:
    lines = ["| Field | Level | m | u | Weight (bits) |", "|---|---|---|---|---|"]
    for field, levels in PROBABILITIES.items():
        for level, (m, u) in levels.items():
            lines.append(
                f"| {FIELD_LABELS[field]} | {LEVEL_LABELS[level]} | {m:g} | {u:g} | "
                f"{WEIGHTS[field][level]:+.1f} |"
            )
    return "\n".join(lines)


def documented_table(text: str) -> str:
    match = re.search(re.escape(START) + r"\n(.*?)\n?" + re.escape(END), text, re.S)
    return match.group(1).strip() if match else ""


def rewrite(path: Path = DOC) -> None:
    text = path.read_text()
    head, rest = text.split(START, 1)
    _old, tail = rest.split(END, 1)
    path.write_text(f"{head}{START}\n{weights_table()}\n{END}{tail}")


if __name__ == "__main__":
    rewrite()
