"""batch.py and ``frontdoor match``: reading CSV files whatever is in them, blocking,
clustering, linking, the command's files and errors, and ``match reindex``."""

from __future__ import annotations

import csv
import io
from datetime import date
from itertools import combinations
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError

from frontdoor.matching import batch
from frontdoor.matching.batch import COLUMNS, InputError, read_records
from frontdoor.matching.keys import record_keys, stored_keys
from frontdoor.matching.record import MatchRecord

HEADER = ",".join(COLUMNS)


def write(path: Path, *rows: str, header: str = HEADER, encoding: str = "utf-8") -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding=encoding)
    return path


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


# Three records of one child (nickname, day and month swapped, typos), one of another.
CHILD = [
    "1,William,Smith,2015-03-04,M,PE1 1XX,1 Mill Lane,",
    "2,Bill,Smith,2015-04-03,male,PE1 1XX,1 Mill Lane,",
    "3,Wiliam,Smyth,2015-03-04,m,pe11xx,1 Mill Ln,",
    "4,Olivia,Brown,2011-09-22,F,NR2 4TT,7 Station Road,",
]


# Five different children born on the same day: they share only the date key.
STRANGERS = [("Sam", "Jones"), ("Olivia", "Brown"), ("Kwame", "Mensah"), ("Isla", "Patel"),
             ("Hugo", "Fraser")]  # fmt: skip


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


# --- Blocking, clustering, linking ------------------------------------------------------


def records_of(tmp_path: Path, *rows: str, name: str = "in.csv") -> list[MatchRecord]:
    records, _ = read_records(write(tmp_path / name, *rows))
    return records


def test_candidate_pairs_are_the_pairs_sharing_a_key_each_once(tmp_path: Path) -> None:
    records = records_of(tmp_path, *CHILD, "5,Will,Smith,2015-03-04,M,PE1 1XX,,")
    blocks = batch.blocks_for_dedupe(records)
    pairs = list(batch.candidate_pairs(blocks))
    keys = [record_keys(r) for r in records]
    expected = [(i, j) for i, j in combinations(range(len(records)), 2) if keys[i] & keys[j]]
    assert pairs == expected
    assert len(set(pairs)) == len(pairs)


def test_blocks_larger_than_the_cap_are_skipped_and_counted(tmp_path: Path) -> None:
    rows = [f"{i},{given},{family},2015-03-04,,,," for i, (given, family) in enumerate(STRANGERS)]
    records = records_of(tmp_path, *rows)
    assert list(batch.candidate_pairs(batch.blocks_for_dedupe(records, max_block=5)))
    blocks = batch.blocks_for_dedupe(records, max_block=4)
    assert blocks.skipped >= 1
    assert blocks.largest_skipped == 5
    assert list(batch.candidate_pairs(blocks)) == []
    result = batch.dedupe(records, threshold=-100, max_block=4)
    assert result.stats.skipped_blocks == blocks.skipped
    assert result.stats.pairs_scored == 0


def test_dedupe_clusters_the_records_of_one_child(tmp_path: Path) -> None:
    records = records_of(tmp_path, *CHILD)
    result = batch.dedupe(records, threshold=12)
    assert result.cluster_ids == ["1", "1", "1", "4"]
    assert result.cluster_count == 2
    assert result.stats.records == 4
    assert result.stats.pairs_scored >= 3
    assert result.stats.matches == len(result.matches)
    assert all(weight >= 12 for _, _, weight in result.matches)


def test_a_higher_threshold_splits_clusters(tmp_path: Path) -> None:
    records = records_of(tmp_path, *CHILD)
    assert batch.dedupe(records, threshold=1000).cluster_ids == ["1", "2", "3", "4"]


def test_clusters_are_transitive_and_named_by_the_smallest_id() -> None:
    ids = ["10", "9", "b", "a", "100", "x"]
    # 10-9, 9-100 joined (10, 9, 100); b-a joined; x alone.
    assert batch.clusters(ids, [(0, 1), (1, 4), (2, 3)]) == ["9", "9", "a", "a", "9", "x"]
    # Whole numbers before text, numbers compared as numbers.
    assert batch.clusters(["b", "12", "3"], [(0, 1), (1, 2)]) == ["3", "3", "3"]


def test_the_cluster_name_does_not_depend_on_the_order_of_the_pairs() -> None:
    ids = ["5", "3", "8", "1"]
    pairs = [(0, 1), (1, 2), (2, 3)]
    assert batch.clusters(ids, pairs) == batch.clusters(ids, list(reversed(pairs))) == ["1"] * 4


def test_link_pairs_records_across_the_files_only(tmp_path: Path) -> None:
    left = records_of(tmp_path, CHILD[0], CHILD[1], name="left.csv")
    right = records_of(tmp_path, CHILD[2], CHILD[3], name="right.csv")
    result = batch.link(left, right, threshold=12)
    assert [(left[i].id, right[j].id) for i, j, _ in result.matches] == [("1", "3"), ("2", "3")]
    assert result.stats.records == 4


def test_link_uses_a_block_only_when_both_files_are_in_it(tmp_path: Path) -> None:
    left = records_of(tmp_path, CHILD[0], CHILD[1], name="left.csv")
    right = records_of(tmp_path, CHILD[3], name="right.csv")
    blocks = batch.blocks_for_link(left, right)
    assert list(batch.candidate_pairs(blocks)) == []


def test_progress_is_reported(tmp_path: Path) -> None:
    records = records_of(tmp_path, *CHILD)
    seen: list[batch.Progress] = []
    batch.dedupe(records, threshold=12, progress=seen.append, every=1)
    stages = {p.stage for p in seen}
    assert stages == {"keys", "scoring"}
    assert "pairs/s" in next(p for p in seen if p.stage == "scoring").message
    assert "records/s" in seen[0].message


def test_a_nan_threshold_or_a_tiny_block_is_refused() -> None:
    with pytest.raises(ValueError, match="threshold"):
        batch.dedupe([], threshold=float("nan"))
    with pytest.raises(ValueError, match="at least 2"):
        batch.link([], [], threshold=1, max_block=1)


def test_writers_write_the_header_and_a_row_each(tmp_path: Path) -> None:
    records = records_of(tmp_path, *CHILD)
    batch.write_clusters(tmp_path / "clusters.csv", records, batch.dedupe(records, threshold=12))
    assert read_csv(tmp_path / "clusters.csv") == [
        ["id", "cluster_id"],
        ["1", "1"],
        ["2", "1"],
        ["3", "1"],
        ["4", "4"],
    ]
    assert list(tmp_path.glob(".clusters.csv.*")) == []  # no temporary file left


# --- The command ------------------------------------------------------------------------


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("match", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_dedupe_command_writes_one_row_per_input_id(tmp_path: Path) -> None:
    source = write(tmp_path / "in.csv", *CHILD, "5,Ann,Lee,2001-02-30,,,,")
    out, err = run("dedupe", str(source), "--out", str(tmp_path / "out.csv"), "--threshold", "12")
    assert read_csv(tmp_path / "out.csv") == [
        ["id", "cluster_id"],
        ["1", "1"],
        ["2", "1"],
        ["3", "1"],
        ["4", "4"],
        ["5", "5"],
    ]
    assert "dedupe: 5 records, 1 warning(s)" in out
    assert "threshold 12: 3 clusters, 1 of them with more than one record" in out
    assert "in.csv: row 6 (id '5'): date of birth '2001-02-30' is not a real date" in err


def test_link_command_writes_one_row_per_proposed_match(tmp_path: Path) -> None:
    left = write(tmp_path / "left.csv", CHILD[0], CHILD[3])
    right = write(tmp_path / "right.csv", CHILD[1], CHILD[2], "9,Olivia,Browne,2011-09-22,,,,")
    target = str(tmp_path / "pairs.csv")
    out, _ = run("link", str(left), str(right), "--out", target, "--threshold", "12")
    rows = read_csv(tmp_path / "pairs.csv")
    assert rows[0] == ["left_id", "right_id", "score"]
    assert sorted((r[0], r[1]) for r in rows[1:]) == [("1", "2"), ("1", "3"), ("4", "9")]
    for row in rows[1:]:
        assert float(row[2]) >= 12
        assert row[2] == f"{float(row[2]):.2f}"
    assert "link: 5 records, 0 warning(s)" in out
    assert "3 proposed matches" in out


def test_progress_goes_to_stderr_and_quiet_hides_it(tmp_path: Path) -> None:
    source = write(tmp_path / "in.csv", *CHILD, "5,,,13/01/2001,,,,")
    target = str(tmp_path / "out.csv")
    every = ("--progress-every", "1")
    _, err = run("dedupe", str(source), "--out", target, "--threshold", "12", *every)
    assert "reading: 5 rows (" in err
    assert "rows/s" in err
    assert "pairs/s" in err
    assert "records/s" in err
    out, err = run("dedupe", str(source), "--out", target, "--threshold", "12", "--quiet")
    assert err == ""
    assert "1 warning(s)" in out  # still counted


@pytest.mark.django_db
def test_the_default_threshold_is_the_duplicate_weight_of_the_settings(tmp_path: Path) -> None:
    from frontdoor.matching.models import MatchSettings

    source = write(tmp_path / "in.csv", *CHILD)
    target = tmp_path / "out.csv"
    out, _ = run("dedupe", str(source), "--out", str(target))
    assert "threshold 12:" in out  # the model's default
    MatchSettings.objects.create(duplicate_at=500, show_at=1, medium_at=2, high_at=3)
    out, _ = run("dedupe", str(source), "--out", str(target))
    assert "threshold 500:" in out
    assert [row[1] for row in read_csv(target)[1:]] == ["1", "2", "3", "4"]


def test_without_a_settings_table_the_model_default_threshold_is_used(tmp_path: Path) -> None:
    source = write(tmp_path / "in.csv", *CHILD)
    with mock.patch(
        "frontdoor.matching.selectors.match_settings", side_effect=DatabaseError("no such table")
    ):
        out, _ = run("dedupe", str(source), "--out", str(tmp_path / "out.csv"))
    assert "threshold 12:" in out


@pytest.mark.parametrize(
    ("rows", "header", "message"),
    [
        pytest.param(("1,Sam",), "id,given_name", "has no column(s) family_name, date_of_birth",
                     id="missing-columns"),
        pytest.param(("1,,,,,,,", "1,,,,,,,"), HEADER, "every id must be different", id="dup-ids"),
    ],
)  # fmt: skip
def test_command_errors_for_files_it_cannot_use(
    tmp_path: Path, rows: tuple[str, ...], header: str, message: str
) -> None:
    source = write(tmp_path / "in.csv", *rows, header=header)
    target = tmp_path / "out.csv"
    with pytest.raises(CommandError, match=message.replace("(", "\\(").replace(")", "\\)")):
        run("dedupe", str(source), "--out", str(target), "--threshold", "12")
    assert not target.exists()


def test_command_errors_for_missing_empty_and_non_utf8_files(tmp_path: Path) -> None:
    target = str(tmp_path / "out.csv")
    with pytest.raises(CommandError, match="no such file"):
        run("dedupe", str(tmp_path / "nope.csv"), "--out", target, "--threshold", "12")
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(CommandError, match="is empty"):
        run("link", str(empty), str(empty), "--out", target, "--threshold", "12")
    latin = write(tmp_path / "latin.csv", "1,Zoë,,,,,,", encoding="cp1252")
    with pytest.raises(CommandError, match="is not UTF-8"):
        good = str(write(tmp_path / "ok.csv"))
        run("link", good, str(latin), "--out", target, "--threshold", "1")


def test_command_refuses_to_overwrite_its_input(tmp_path: Path) -> None:
    source = write(tmp_path / "in.csv", *CHILD)
    with pytest.raises(CommandError, match="is an input file"):
        run("dedupe", str(source), "--out", str(source), "--threshold", "12")
    assert read_csv(source)[0] == list(COLUMNS)


def test_command_reports_an_output_it_cannot_write(tmp_path: Path) -> None:
    source = write(tmp_path / "in.csv", *CHILD)
    with pytest.raises(CommandError, match="cannot write"):
        target = str(tmp_path / "no" / "such" / "out.csv")
        run("dedupe", str(source), "--out", target, "--threshold", "12")


@pytest.mark.parametrize(
    "args",
    [
        ("--threshold", "twelve"),
        ("--threshold", "nan"),
        ("--max-block", "1"),
        ("--progress-every", "0"),
    ],
)
def test_command_refuses_bad_options(tmp_path: Path, args: tuple[str, ...]) -> None:
    source = write(tmp_path / "in.csv", *CHILD)
    with pytest.raises(CommandError):
        run("dedupe", str(source), "--out", str(tmp_path / "out.csv"), *args)


def test_command_reports_skipped_blocks(tmp_path: Path) -> None:
    rows = [f"{i},{given},{family},2015-03-04,,,," for i, (given, family) in enumerate(STRANGERS)]
    source = write(tmp_path / "in.csv", *rows)
    target = str(tmp_path / "o.csv")
    out, _ = run("dedupe", str(source), "--out", target, "--threshold", "12", "--max-block", "4")
    assert "block(s) larger than 4 records skipped (largest 5)" in out


def test_an_empty_input_gives_an_output_with_only_the_header(tmp_path: Path) -> None:
    source = write(tmp_path / "in.csv")
    run("dedupe", str(source), "--out", str(tmp_path / "out.csv"), "--threshold", "12")
    assert read_csv(tmp_path / "out.csv") == [["id", "cluster_id"]]


# --- reindex ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_reindex_rebuilds_every_live_persons_keys(tmp_path: Path) -> None:
    from frontdoor.matching.models import MatchKey
    from frontdoor.matching.selectors import people_for_matching, record_for_person
    from frontdoor.people.models import Alias, Person
    from frontdoor.people.services import child_create
    from frontdoor.testing.factories import child_details

    children = [
        child_create(details=child_details(first_name=name, last_name=family), by=None)
        for name, family in [("William", "Smith"), ("Olivia", "Brown"), ("Мария", "Иванова")]
    ]
    Alias.objects.create(person=children[0], first_name="Bill", last_name="Smith-Jones")
    merged = child_create(details=child_details(first_name="Will", last_name="Smith"), by=None)
    Person.objects.filter(pk=merged.pk).update(merged_into=children[0])
    MatchKey.objects.filter(person=children[1]).delete()  # lost
    MatchKey.objects.create(person=children[2], key="stale:key")  # out of date
    assert MatchKey.objects.filter(person=merged).exists()  # left over from before the merge

    out, err = run("reindex", "--chunk", "2")

    for person in people_for_matching([c.pk for c in children]):
        expected = stored_keys(record_for_person(person))
        stored = set(MatchKey.objects.filter(person=person).values_list("key", flat=True))
        assert stored == expected
    assert not MatchKey.objects.filter(person=merged).exists()
    assert MatchKey.objects.filter(person=children[0], key__startswith="nm:").count() > 1
    assert "reindex: rebuilt the blocking keys of 3 people" in out
    assert "reindex: 2 of 3 people" in err
    assert "reindex: 3 of 3 people" in err


@pytest.mark.django_db
def test_reindex_quiet_and_with_nobody() -> None:
    out, err = run("reindex", "--quiet")
    assert err == ""
    assert "rebuilt the blocking keys of 0 people (0 keys)" in out
