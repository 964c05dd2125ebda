"""``frontdoor match``: the command's files and errors, and ``match reindex``."""

from __future__ import annotations

import io
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError

from frontdoor.matching.batch import COLUMNS
from frontdoor.matching.keys import stored_keys
from frontdoor.matching.tests.batch_files import CHILD, HEADER, STRANGERS, read_csv, write

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
