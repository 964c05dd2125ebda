"""batch.py: blocking, clustering and linking.

Reading CSV files is tested in test_batch_reading; ``frontdoor match`` (the command's files and
errors, and ``match reindex``) in test_batch_command.
"""

from __future__ import annotations

from itertools import combinations
from pathlib import Path

import pytest

from frontdoor.matching import batch
from frontdoor.matching.batch import read_records
from frontdoor.matching.keys import record_keys
from frontdoor.matching.record import MatchRecord
from frontdoor.matching.tests.batch_files import CHILD, STRANGERS, read_csv, write

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
