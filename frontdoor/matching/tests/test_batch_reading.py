"""batch.py: reading CSV files whatever is in them."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from frontdoor.matching.batch import InputError, read_records
from frontdoor.matching.tests.batch_files import HEADER, write

# --- read_records -----------------------------------------------------------------------


def test_read_records_builds_a_record_per_row(tmp_path: Path) -> None:
    path = write(tmp_path / "in.csv", "7,Sam,Jones,2015-03-04,F,pe1 1xx,1 Mill Lane,943 476 5919")
    records, warnings = read_records(path)
    assert warnings == []
    [record] = records
    assert record.id == "7"
    assert [n.text for n in record.given] == ["sam"]
    assert [n.text for n in record.family] == ["jones"]
    assert record.date_of_birth == date(2015, 3, 4)
    assert record.sex == "F"
    assert record.postcodes == ("PE1 1XX",)
    assert record.addresses == ("1 mill lane",)
    assert record.nhs_number == "9434765919"
    assert record.nhs_checked


def test_columns_in_any_order_and_case_with_spaces(tmp_path: Path) -> None:
    header = " NHS_Number,id,Family_Name,given_name,date_of_birth,sex,postcode,address"
    path = write(tmp_path / "in.csv", ",5,Jones,Sam,,,,", header=header)
    [record], warnings = read_records(path)
    assert (record.id, record.family[0].text, record.given[0].text) == ("5", "jones", "sam")
    assert warnings == []


def test_a_utf8_file_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    path = write(tmp_path / "in.csv", "1,Zoë,Brown,,,,,", encoding="utf-8-sig")
    [record], _ = read_records(path)
    assert record.id == "1"
    assert record.given[0].text == "zoe"


def test_blank_values_give_an_empty_record(tmp_path: Path) -> None:
    [record], warnings = read_records(write(tmp_path / "in.csv", "9,,,,,,,"))
    assert record.id == "9"
    assert record.is_empty
    assert warnings == []


def test_non_latin_scripts_are_transliterated(tmp_path: Path) -> None:
    path = write(tmp_path / "in.csv", "1,Мария,Иванова,,,,,", "2,محمد,李,,,,,")
    records, warnings = read_records(path)
    assert [n.text for n in records[0].given] == ["mariya"]
    assert [n.text for n in records[0].family] == ["ivanova"]
    assert records[1].given and records[1].family
    assert warnings == []


def test_very_long_values_are_read_and_cut(tmp_path: Path) -> None:
    # Longer than the csv module's default field limit (128 KiB).
    huge = "x" * 300_000
    path = write(tmp_path / "in.csv", f"1,{huge},{huge},,,{huge},{huge},{'9' * 5000}")
    limit = csv.field_size_limit()
    [record], _ = read_records(path)
    assert csv.field_size_limit() == limit  # restored
    assert len(record.given[0].text) <= 100
    assert len(record.addresses[0]) <= 200
    assert (record.nhs_number, record.nhs_checked) == ("9" * 20, False)  # 20 characters read


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("2001-02-30", "'2001-02-30' is not a real date"),
        ("2001-13-01", "'2001-13-01' is not a real date"),
        ("2001-02", "'2001-02' is not a full date like 2001-02-28"),
        ("13/01/2001", "'13/01/2001' is not a full date like 2001-02-28"),
        ("2001", "'2001' is not a full date like 2001-02-28"),
        ("20010203", "'20010203' is not a full date like 2001-02-28"),
        ("٢٠٠١-٠٢-٠٣", "is not a full date"),  # Arabic-Indic digits
        ("yesterday", "'yesterday' is not a full date"),
    ],
)
def test_an_impossible_or_partial_date_is_blank_with_a_warning(
    tmp_path: Path, value: str, problem: str
) -> None:
    path = write(tmp_path / "in.csv", "1,Sam,Jones,2015-03-04,,,,", f"2,Sam,Jones,{value},,,,")
    records, warnings = read_records(path)
    assert records[0].date_of_birth == date(2015, 3, 4)
    assert records[1].date_of_birth is None
    assert records[1].birth_year is None
    assert len(warnings) == 1
    assert warnings[0].startswith("row 3 (id '2'): date of birth ")
    assert problem in warnings[0]
    assert warnings[0].endswith("; left blank")


def test_a_date_with_spaces_around_it_is_fine(tmp_path: Path) -> None:
    [record], warnings = read_records(write(tmp_path / "in.csv", "1,,, 2015-03-04 ,,,,"))
    assert record.date_of_birth == date(2015, 3, 4)
    assert warnings == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("M", "M"),
        ("f", "F"),
        ("Male", "M"),
        ("FEMALE", "F"),
        (" m ", "M"),
        ("U", ""),
        ("unknown", ""),
        ("x", ""),
        ("", ""),
        ("мужской", ""),
    ],
)
def test_sex_column(tmp_path: Path, value: str, expected: str) -> None:
    [record], _ = read_records(write(tmp_path / "in.csv", f"1,,,,{value},,,"))
    assert record.sex == expected


@pytest.mark.parametrize(
    ("value", "number", "checked"),
    [
        ("943 476 5919", "9434765919", True),
        ("943-476-5919", "9434765919", True),
        ("9434765918", "9434765918", False),  # wrong check digit: kept, unchecked
        ("12345", "12345", False),  # too short: kept as an unchecked identifier
        ("NHS 943", "", False),  # not digits: ignored
        ("", "", False),
    ],
)
def test_malformed_nhs_numbers_are_unchecked_identifiers(
    tmp_path: Path, value: str, number: str, checked: bool
) -> None:
    [record], warnings = read_records(write(tmp_path / "in.csv", f'1,,,,,,,"{value}"'))
    assert (record.nhs_number, record.nhs_checked) == (number, checked)
    assert warnings == []


def test_extra_columns_are_ignored_with_a_warning(tmp_path: Path) -> None:
    path = write(tmp_path / "in.csv", "1,Sam,Jones,,,,,,x,y", header=HEADER + ",notes,")
    [record], warnings = read_records(path)
    assert record.id == "1"
    assert warnings == ["column(s) notes, (blank) are not used"]


def test_rows_with_too_few_or_too_many_values_are_read_with_a_warning(tmp_path: Path) -> None:
    path = write(tmp_path / "in.csv", "1,Sam,Jones", "2,Ann,Lee,,,,,,surplus")
    records, warnings = read_records(path)
    assert [r.id for r in records] == ["1", "2"]
    assert records[0].family[0].text == "jones"
    assert warnings == [
        "row 2: 3 values for 8 columns (missing ones are blank)",
        "row 3: 9 values for 8 columns (extra ones ignored)",
    ]


def test_a_row_without_an_id_is_skipped_with_a_warning(tmp_path: Path) -> None:
    records, warnings = read_records(write(tmp_path / "in.csv", " ,Sam,Jones,,,,,", "2,,,,,,,"))
    assert [r.id for r in records] == ["2"]
    assert warnings == ["row 2: no id, row skipped"]


def test_blank_lines_are_skipped(tmp_path: Path) -> None:
    records, warnings = read_records(write(tmp_path / "in.csv", "1,,,,,,,", "", "2,,,,,,,"))
    assert [r.id for r in records] == ["1", "2"]
    assert warnings == []


def test_a_header_alone_gives_no_records(tmp_path: Path) -> None:
    assert read_records(write(tmp_path / "in.csv")) == ([], [])


def test_missing_columns_are_named(tmp_path: Path) -> None:
    path = write(tmp_path / "in.csv", "1,Sam,Jones", header="id,given_name,surname")
    with pytest.raises(InputError) as raised:
        read_records(path)
    message = str(raised.value)
    assert "has no column(s) family_name, date_of_birth, sex, postcode, address, nhs_number" in (
        message
    )
    assert HEADER in message


def test_a_column_named_twice_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="column\\(s\\) id appear more than once"):
        read_records(write(tmp_path / "in.csv", header=HEADER + ",ID"))


def test_repeated_ids_are_refused_with_their_rows(tmp_path: Path) -> None:
    path = write(tmp_path / "in.csv", "1,,,,,,,", "2,,,,,,,", "1,,,,,,,", "2 ,,,,,,,")
    with pytest.raises(InputError) as raised:
        read_records(path)
    assert "every id must be different; repeated: '1' (rows 2 and 4), '2' (rows 3 and 5)" in str(
        raised.value
    )


def test_an_empty_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes(b"")
    with pytest.raises(InputError, match="is empty: the first row must be the header id,"):
        read_records(path)


def test_a_file_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path / "in.csv", "1,Zoë,Brontë,,,,,", encoding="latin-1")
    with pytest.raises(InputError, match=r"is not UTF-8 text \(line 2 .*save it as 'CSV UTF-8'"):
        read_records(path)


def test_a_binary_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes(HEADER.encode() + b"\n1,\x89PNG\r\n\x1a\n\x00\xff\xfe,,,,,,\n")
    with pytest.raises(InputError, match="is not UTF-8 text \\(line 2 has the byte 0x89,"):
        read_records(path)


def test_a_missing_file_and_a_folder_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_records(tmp_path / "nope.csv")
    with pytest.raises(InputError, match="is a folder, not a CSV file"):
        read_records(tmp_path)
