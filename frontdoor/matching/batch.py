"""Batch linkage in memory: deduplicate one CSV file, or link two, with the search's scorer.

The same ``MatchRecord``, ``record_keys`` and ``score`` as a search, so a data migration or a
benchmark measures exactly what a person at the front door sees. Pure functions (no
database): ``frontdoor match dedupe`` and ``frontdoor match link`` are thin wrappers.

1. ``read_records``: a CSV file with the columns ``COLUMNS`` becomes ``MatchRecord`` s and a
   list of warnings (a date that is not a real date is left blank and reported, never fatal).
   A file that cannot be used at all raises ``InputError`` with a message for a person.
2. ``blocks_for_dedupe`` / ``blocks_for_link``: every record's blocking keys inverted into
   key -> records. A key held by more than ``max_block`` records (a very common name in one
   year, say) says little and would cost millions of comparisons: it is skipped and counted.
3. ``candidate_pairs``: the records sharing at least one kept key, each pair once.
4. ``dedupe``: every candidate pair scored once; pairs at or above the threshold joined into
   clusters (connected components, union-find); a cluster is named by its smallest id.
   ``link``: the same across two files, giving the pairs themselves.
5. ``write_clusters`` / ``write_pairs``: the output files (written whole, then moved into
   place, so a failed run never leaves half a file).
"""

from __future__ import annotations

import csv
import math
import os
import re
import sys
import tempfile
import time
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, TextIO

from frontdoor.matching.keys import record_keys
from frontdoor.matching.record import MatchRecord
from frontdoor.matching.scorer import score

COLUMNS = (
    "id",
    "given_name",
    "family_name",
    "date_of_birth",
    "sex",
    "postcode",
    "address",
    "nhs_number",
)
DEFAULT_MAX_BLOCK = 2000
DEFAULT_PROGRESS_EVERY = 100_000
# The csv module refuses fields over 128 KiB; a record with a megabyte of address is still a
# record (the matcher reads only the first few hundred characters of each value).
FIELD_LIMIT = 16 * 1024 * 1024
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_SEX = {"m": "M", "male": "M", "f": "F", "female": "F"}

# (left index, right index, weight): for ``dedupe`` both indexes are into the one file.
Pair = tuple[int, int, float]


@dataclass(frozen=True)
class Progress:
    """Where a long run has got to, for a progress line."""

    stage: str  # "reading", "keys" or "scoring"
    done: int  # rows read, or records done
    total: int  # records in all (0 while reading)
    pairs: int  # pairs scored so far
    seconds: float

    @property
    def message(self) -> str:
        if self.stage == "reading":
            rate = self.done / max(self.seconds, 1e-9)
            return f"reading: {self.done:,} rows ({rate:,.0f} rows/s)"
        if self.stage == "keys":
            rate = self.done / max(self.seconds, 1e-9)
            return f"keys: {self.done:,} of {self.total:,} records ({rate:,.0f} records/s)"
        rate = self.pairs / max(self.seconds, 1e-9)
        return (
            f"scoring: {self.pairs:,} pairs scored, {self.done:,} of {self.total:,} records "
            f"({rate:,.0f} pairs/s)"
        )


ProgressCallback = Callable[[Progress], None]


class InputError(Exception):
    """The file cannot be used at all (missing, not CSV UTF-8, missing columns, repeated ids)."""


# --- Reading ----------------------------------------------------------------------------


def _shown(value: str, limit: int = 40) -> str:
    return repr(value if len(value) <= limit else value[:limit] + "…")


def parse_date(value: str) -> tuple[date | None, str]:
    """A ``YYYY-MM-DD`` date, or ``None`` and why not (empty reason for a blank value)."""
    text = value.strip()
    if not text:
        return None, ""
    if _ISO_DATE.fullmatch(text):
        try:
            return date.fromisoformat(text), ""
        except ValueError:
            return None, f"date of birth {_shown(text)} is not a real date"
    return None, f"date of birth {_shown(text)} is not a full date like 2001-02-28"


def parse_sex(value: str) -> str:
    """``M`` or ``F`` from M/F/male/female in any case; anything else is blank."""
    return _SEX.get(value.strip().lower(), "")


@contextmanager
def _csv_field_limit(limit: int) -> Iterator[None]:
    previous = csv.field_size_limit()
    csv.field_size_limit(max(previous, limit))
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def read_records(
    path: str | Path,
    *,
    progress: ProgressCallback | None = None,
    every: int = DEFAULT_PROGRESS_EVERY,
) -> tuple[list[MatchRecord], list[str]]:
    """Every row of a CSV file as a ``MatchRecord`` (with the row's id), and the warnings.

    Rows are numbered as a spreadsheet shows them: the header is row 1. A row with no id is
    skipped with a warning; a repeated id, a missing column, an empty file or a file that is
    not UTF-8 raise ``InputError``.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path} is a folder, not a CSV file")
    reader = _Reader(path, progress=progress, every=every)
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle, _csv_field_limit(FIELD_LIMIT):
            reader.read(handle)
    except UnicodeDecodeError as exc:
        line, byte = _first_bad_line(path)
        raise InputError(
            f"{path} is not UTF-8 text (line {line} has the byte {byte:#04x}, which UTF-8 "
            "does not allow there): save it as 'CSV UTF-8' and try again"
        ) from exc
    except csv.Error as exc:
        raise InputError(f"{path}, row {reader.row + 1}: not a readable CSV row ({exc})") from exc
    except OSError as exc:
        raise InputError(f"{path}: {exc.strerror or exc}") from exc
    return reader.records, reader.warnings


def _first_bad_line(path: Path) -> tuple[int, int]:
    """The first line (from 1) that is not UTF-8, and its first offending byte."""
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError as exc:
                return number, line[exc.start]
    return 0, 0


@dataclass
class _Reader:
    path: Path
    progress: ProgressCallback | None = None
    every: int = DEFAULT_PROGRESS_EVERY
    row: int = 0  # the last row read (the header is row 1)
    records: list[MatchRecord] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def read(self, handle: TextIO) -> None:
        rows = csv.reader(handle)
        header = next(rows, None)
        self.row = 1
        if header is None:
            raise InputError(
                f"{self.path} is empty: the first row must be the header {','.join(COLUMNS)}"
            )
        names = [h.strip().lower() for h in header]
        repeated = sorted({n for n in names if n and names.count(n) > 1})
        if repeated:
            raise InputError(f"{self.path}: column(s) {', '.join(repeated)} appear more than once")
        missing = [c for c in COLUMNS if c not in names]
        if missing:
            raise InputError(
                f"{self.path} has no column(s) {', '.join(missing)}; the header must have "
                f"{','.join(COLUMNS)} (values may be blank)"
            )
        extra = [n or "(blank)" for n in names if n not in COLUMNS]
        if extra:
            self.warnings.append(f"column(s) {', '.join(extra)} are not used")
        where = [names.index(c) for c in COLUMNS]
        width = len(names)
        seen: dict[str, int] = {}
        repeats: list[str] = []
        began = time.monotonic()
        for values in rows:
            self.row += 1
            read = self.row - 1
            if self.progress is not None and read and read % self.every == 0:
                self.progress(Progress("reading", read, 0, 0, time.monotonic() - began))
            if not values or (len(values) == 1 and not values[0].strip()):
                continue  # a blank line
            if len(values) != width:
                self.warnings.append(
                    f"row {self.row}: {len(values)} values for {width} columns "
                    f"({'missing ones are blank' if len(values) < width else 'extra ones ignored'})"
                )
            cells = [values[i].strip() if i < len(values) else "" for i in where]
            record = self._record(cells)
            if record is None:
                continue
            if record.id in seen:
                repeats.append(f"{_shown(record.id)} (rows {seen[record.id]} and {self.row})")
                continue
            seen[record.id] = self.row
            self.records.append(record)
        if repeats:
            more = f" and {len(repeats) - 5} more" if len(repeats) > 5 else ""
            raise InputError(
                f"{self.path}: every id must be different; repeated: {', '.join(repeats[:5])}{more}"
            )

    def _record(self, cells: list[str]) -> MatchRecord | None:
        id_, given, family, dob, sex, postcode, address, nhs = cells
        if not id_:
            self.warnings.append(f"row {self.row}: no id, row skipped")
            return None
        born, problem = parse_date(dob)
        if problem:
            self.warnings.append(f"row {self.row} (id {_shown(id_)}): {problem}; left blank")
        return MatchRecord.build(
            id=id_,
            given_names=[given],
            family_names=[family],
            date_of_birth=born,
            sex=parse_sex(sex),
            postcodes=[postcode],
            addresses=[address],
            nhs_number=nhs,
        )


# --- Blocking ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Blocks:
    """Records filed by key: each left record's usable keys, and key -> right records.

    For one file (``dedupe``) left and right are the same records and a pair is only taken
    from its lower index (``same_file``).
    """

    keys: list[tuple[str, ...]]  # per left record, the kept keys it shares with others
    index: dict[str, list[int]]  # kept key -> right-hand record indexes, ascending
    same_file: bool
    kept: int  # blocks used (two or more records)
    skipped: int  # blocks larger than max_block, not used
    largest_skipped: int  # records in the largest skipped block


def _file(
    records: Sequence[MatchRecord],
    progress: ProgressCallback | None,
    every: int,
    began: float,
    done: int,
    total: int,
) -> tuple[list[tuple[str, ...]], dict[str, list[int]]]:
    keys_of: list[tuple[str, ...]] = []
    index: dict[str, list[int]] = {}
    for i, record in enumerate(records):
        # One string object per distinct key, however many records share it.
        keys = tuple(sys.intern(k) for k in record_keys(record))
        keys_of.append(keys)
        for key in keys:
            index.setdefault(key, []).append(i)
        if progress is not None and (done + i + 1) % every == 0:
            progress(Progress("keys", done + i + 1, total, 0, time.monotonic() - began))
    return keys_of, index


def blocks_for_dedupe(
    records: Sequence[MatchRecord],
    *,
    max_block: int = DEFAULT_MAX_BLOCK,
    progress: ProgressCallback | None = None,
    every: int = DEFAULT_PROGRESS_EVERY,
) -> Blocks:
    """One file's records filed by key; blocks of one record or over ``max_block`` dropped."""
    began = time.monotonic()
    keys_of, index = _file(records, progress, every, began, 0, len(records))
    large = [len(m) for m in index.values() if len(m) > max_block]
    kept = {k: m for k, m in index.items() if 1 < len(m) <= max_block}
    return Blocks(
        keys=[tuple(sorted(k for k in keys if k in kept)) for keys in keys_of],
        index=kept,
        same_file=True,
        kept=len(kept),
        skipped=len(large),
        largest_skipped=max(large, default=0),
    )


def blocks_for_link(
    left: Sequence[MatchRecord],
    right: Sequence[MatchRecord],
    *,
    max_block: int = DEFAULT_MAX_BLOCK,
    progress: ProgressCallback | None = None,
    every: int = DEFAULT_PROGRESS_EVERY,
) -> Blocks:
    """Two files filed by key; a block is used when both files have a record in it and it
    holds at most ``max_block`` records in all."""
    began = time.monotonic()
    total = len(left) + len(right)
    left_keys, left_index = _file(left, progress, every, began, 0, total)
    _, right_index = _file(right, progress, every, began, len(left), total)
    kept: dict[str, list[int]] = {}
    large: list[int] = []
    for key, members in right_index.items():
        if key not in left_index:
            continue
        size = len(members) + len(left_index[key])
        if size > max_block:
            large.append(size)
        else:
            kept[key] = members
    return Blocks(
        keys=[tuple(sorted(k for k in keys if k in kept)) for keys in left_keys],
        index=kept,
        same_file=False,
        kept=len(kept),
        skipped=len(large),
        largest_skipped=max(large, default=0),
    )


def candidate_pairs(blocks: Blocks) -> Iterator[tuple[int, int]]:
    """Every (left, right) pair of records sharing a kept key, each once, in index order."""
    for i, keys in enumerate(blocks.keys):
        if not keys:
            continue
        others: set[int] = set()
        for key in keys:
            members = blocks.index[key]
            others.update(members[bisect_right(members, i) :] if blocks.same_file else members)
        yield from ((i, j) for j in sorted(others))


# --- Scoring and clustering -------------------------------------------------------------


@dataclass(frozen=True)
class BatchStats:
    records: int
    blocks: int
    skipped_blocks: int
    largest_skipped: int
    pairs_scored: int
    matches: int  # pairs at or above the threshold
    seconds: float

    @property
    def pairs_per_second(self) -> float:
        return self.pairs_scored / max(self.seconds, 1e-9)

    @property
    def records_per_second(self) -> float:
        return self.records / max(self.seconds, 1e-9)


def score_pairs(
    left: Sequence[MatchRecord],
    right: Sequence[MatchRecord],
    blocks: Blocks,
    *,
    progress: ProgressCallback | None = None,
    every: int = DEFAULT_PROGRESS_EVERY,
    twins: bool = True,
) -> Iterator[Pair]:
    """Every candidate pair with its weight, scored once."""
    began = time.monotonic()
    for count, (i, j) in enumerate(candidate_pairs(blocks), start=1):
        yield i, j, score(left[i], right[j], twins=twins).weight
        if progress is not None and count % every == 0:
            progress(Progress("scoring", i + 1, len(left), count, time.monotonic() - began))


def _natural(value: str) -> tuple[int, int, str]:
    """Order ids as numbers when they are whole numbers, otherwise as text."""
    if value.isascii() and value.isdigit():
        return (0, int(value), value)
    return (1, 0, value)


def clusters(
    ids: Sequence[str], pairs: Iterable[tuple[int, int] | tuple[int, int, float]]
) -> list[str]:
    """Connected components over ``pairs`` (index pairs): each record's cluster id, the
    smallest id in its cluster (compared as numbers when the ids are whole numbers)."""
    parent = list(range(len(ids)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for pair in pairs:
        a, b = root(pair[0]), root(pair[1])
        if a != b:
            parent[max(a, b)] = min(a, b)
    smallest: dict[int, str] = {}
    for i, id_ in enumerate(ids):
        r = root(i)
        if r not in smallest or _natural(id_) < _natural(smallest[r]):
            smallest[r] = id_
    return [smallest[root(i)] for i in range(len(ids))]


@dataclass(frozen=True)
class DedupeResult:
    cluster_ids: list[str]  # per record, in input order
    matches: list[Pair]  # pairs at or above the threshold
    stats: BatchStats

    @property
    def cluster_count(self) -> int:
        return len(set(self.cluster_ids))


@dataclass(frozen=True)
class LinkResult:
    matches: list[Pair]  # (left index, right index, weight), by left record then best first
    stats: BatchStats


def _check(threshold: float, max_block: int) -> None:
    if math.isnan(threshold):
        raise ValueError("the threshold must be a number")
    if max_block < 2:
        raise ValueError("the largest block must hold at least 2 records")


def _matched(
    left: Sequence[MatchRecord],
    right: Sequence[MatchRecord],
    blocks: Blocks,
    threshold: float,
    began: float,
    *,
    records: int,
    progress: ProgressCallback | None,
    every: int,
    twins: bool,
) -> tuple[list[Pair], BatchStats]:
    """Score every candidate pair; keep those at or above ``threshold``, with the run's
    figures (``records``: how many were read; ``began``: when the run started, by
    ``time.monotonic``)."""
    scored = 0
    matches: list[Pair] = []
    for pair in score_pairs(left, right, blocks, progress=progress, every=every, twins=twins):
        scored += 1
        if pair[2] >= threshold:
            matches.append(pair)
    stats = BatchStats(
        records=records,
        blocks=blocks.kept,
        skipped_blocks=blocks.skipped,
        largest_skipped=blocks.largest_skipped,
        pairs_scored=scored,
        matches=len(matches),
        seconds=time.monotonic() - began,
    )
    return matches, stats


def dedupe(
    records: Sequence[MatchRecord],
    *,
    threshold: float,
    max_block: int = DEFAULT_MAX_BLOCK,
    progress: ProgressCallback | None = None,
    every: int = DEFAULT_PROGRESS_EVERY,
    twins: bool = True,
) -> DedupeResult:
    """Cluster one file's records: pairs at or above ``threshold`` joined transitively."""
    _check(threshold, max_block)
    began = time.monotonic()
    blocks = blocks_for_dedupe(records, max_block=max_block, progress=progress, every=every)
    matches, stats = _matched(
        records,
        records,
        blocks,
        threshold,
        began,
        records=len(records),
        progress=progress,
        every=every,
        twins=twins,
    )
    cluster_ids = clusters([r.id for r in records], matches)
    return DedupeResult(cluster_ids=cluster_ids, matches=matches, stats=stats)


def link(
    left: Sequence[MatchRecord],
    right: Sequence[MatchRecord],
    *,
    threshold: float,
    max_block: int = DEFAULT_MAX_BLOCK,
    progress: ProgressCallback | None = None,
    every: int = DEFAULT_PROGRESS_EVERY,
    twins: bool = True,
) -> LinkResult:
    """Pairs of one record from each file at or above ``threshold`` (no pairs within a file)."""
    _check(threshold, max_block)
    began = time.monotonic()
    blocks = blocks_for_link(left, right, max_block=max_block, progress=progress, every=every)
    matches, stats = _matched(
        left,
        right,
        blocks,
        threshold,
        began,
        records=len(left) + len(right),
        progress=progress,
        every=every,
        twins=twins,
    )
    matches.sort(key=lambda p: (p[0], -p[2], p[1]))
    return LinkResult(matches=matches, stats=stats)


# --- Writing ----------------------------------------------------------------------------


@contextmanager
def _replacing(path: Path) -> Iterator[IO[str]]:
    """A file written beside ``path`` and moved over it only once complete."""
    folder = path.resolve().parent
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 (closed below, then moved)
        "w", encoding="utf-8", newline="", dir=folder, prefix=f".{path.name}.", delete=False
    )
    try:
        with handle:
            yield handle
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


def write_clusters(path: str | Path, records: Sequence[MatchRecord], result: DedupeResult) -> None:
    """``id,cluster_id``: one row per input record, in input order."""
    with _replacing(Path(path)) as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["id", "cluster_id"])
        writer.writerows(zip((r.id for r in records), result.cluster_ids, strict=True))


def write_pairs(
    path: str | Path,
    left: Sequence[MatchRecord],
    right: Sequence[MatchRecord],
    result: LinkResult,
) -> None:
    """``left_id,right_id,score``: one row per proposed match (score = match weight)."""
    with _replacing(Path(path)) as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["left_id", "right_id", "score"])
        writer.writerows((left[i].id, right[j].id, f"{w:.2f}") for i, j, w in result.matches)
