"""``frontdoor match``: batch linkage of CSV files, and rebuilding the search's blocking keys.

    frontdoor match dedupe INPUT.csv --out clusters.csv [--threshold 12] [--max-block 2000]
    frontdoor match link LEFT.csv RIGHT.csv --out pairs.csv [--threshold 12] [--max-block 2000]
    frontdoor match reindex [--chunk 2000]

Input files have the columns ``id,given_name,family_name,date_of_birth,sex,postcode,address,
nhs_number`` (values may be blank; dates as YYYY-MM-DD). ``dedupe`` writes ``id,cluster_id``
(one row per input id), ``link`` writes ``left_id,right_id,score`` (one row per proposed
match). The threshold is a match weight, by default the "likely duplicates" weight of the
matching settings. Warnings about rows and progress go to standard error (``--quiet`` hides
them), the summary to standard output. The work is done by ``frontdoor.matching.batch``; see
``docs/matching-batch.md``.
"""

from __future__ import annotations

import math
import time
from argparse import ArgumentParser, ArgumentTypeError
from collections import Counter
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, transaction

from frontdoor.matching import batch
from frontdoor.matching.record import MatchRecord


def _threshold(value: str) -> float:
    try:
        number = float(value)
    except ValueError as exc:
        raise ArgumentTypeError(f"not a number: {value!r}") from exc
    if not math.isfinite(number):
        raise ArgumentTypeError(f"not a finite number: {value!r}")
    return number


def _at_least(minimum: int) -> Any:
    def parse(value: str) -> int:
        try:
            number = int(value)
        except ValueError as exc:
            raise ArgumentTypeError(f"not a whole number: {value!r}") from exc
        if number < minimum:
            raise ArgumentTypeError(f"must be at least {minimum}: {value!r}")
        return number

    return parse


def default_threshold() -> float:
    """The "likely duplicates" weight of the matching settings (the model's default if the
    database has no settings table yet)."""
    from frontdoor.matching.models import MatchSettings
    from frontdoor.matching.selectors import match_settings

    try:
        return float(match_settings().duplicate_at)
    except DatabaseError:
        return float(MatchSettings().duplicate_at)


class Command(BaseCommand):
    help = "Deduplicate or link CSV files of people, or rebuild every person's blocking keys."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

        dedupe = actions.add_parser("dedupe", help="Find the records of one file that match.")
        dedupe.add_argument("input", help="CSV file (see docs/matching-batch.md).")
        linking = actions.add_parser("link", help="Find the records of two files that match.")
        linking.add_argument("left", help="First CSV file.")
        linking.add_argument("right", help="Second CSV file.")
        for sub, wrote in ((dedupe, "id,cluster_id"), (linking, "left_id,right_id,score")):
            sub.add_argument("--out", required=True, help=f"CSV file to write ({wrote}).")
            sub.add_argument(
                "--threshold",
                type=_threshold,
                default=None,
                help="Match weight from which two records match "
                "(default: the matching settings' duplicate weight).",
            )
            sub.add_argument(
                "--max-block",
                type=_at_least(2),
                default=batch.DEFAULT_MAX_BLOCK,
                help="Skip any blocking key shared by more records than this "
                f"(default {batch.DEFAULT_MAX_BLOCK}).",
            )
            sub.add_argument(
                "--progress-every",
                type=_at_least(1),
                default=batch.DEFAULT_PROGRESS_EVERY,
                help="Report progress every this many records and pairs "
                f"(default {batch.DEFAULT_PROGRESS_EVERY}).",
            )
            sub.add_argument(
                "--quiet", action="store_true", help="No progress and no per-row warnings."
            )
            sub.add_argument(
                "--no-twins-rule",
                dest="twins",
                action="store_false",
                help="Do not count a different first name with the same date of birth and "
                "last name as twins (for data without families, such as lists of adults).",
            )

        reindex = actions.add_parser(
            "reindex", help="Rebuild every live person's blocking keys (used by search)."
        )
        reindex.add_argument(
            "--chunk",
            type=_at_least(1),
            default=2000,
            help="People read and rewritten per transaction (default 2000).",
        )
        reindex.add_argument("--quiet", action="store_true", help="No progress.")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "reindex":
            self._reindex(chunk=options["chunk"], quiet=options["quiet"])
            return
        quiet: bool = options["quiet"]
        every: int = options["progress_every"]
        threshold = options["threshold"]
        if threshold is None:
            threshold = default_threshold()
        out = Path(options["out"])
        inputs = [options["input"]] if action == "dedupe" else [options["left"], options["right"]]
        for given in inputs:
            if Path(given).resolve() == out.resolve():
                raise CommandError(f"--out {out} is an input file: choose another name")
        began = time.monotonic()

        def progress(at: batch.Progress) -> None:
            self.stderr.write(at.message)

        report = None if quiet else progress
        files: list[list[MatchRecord]] = []
        warnings = 0
        for given in inputs:
            records, warned = self._read(Path(given), progress=report, every=every)
            files.append(records)
            warnings += warned
        try:
            if action == "dedupe":
                records = files[0]
                result = batch.dedupe(
                    records,
                    threshold=threshold,
                    max_block=options["max_block"],
                    progress=report,
                    every=every,
                    twins=options["twins"],
                )
                batch.write_clusters(out, records, result)
                stats = result.stats
                sizes = Counter(result.cluster_ids)
                shared = sum(1 for size in sizes.values() if size > 1)
                found = f"{len(sizes):,} clusters, {shared:,} of them with more than one record"
            else:
                left, right = files
                linked = batch.link(
                    left,
                    right,
                    threshold=threshold,
                    max_block=options["max_block"],
                    progress=report,
                    every=every,
                    twins=options["twins"],
                )
                batch.write_pairs(out, left, right, linked)
                stats = linked.stats
                found = f"{stats.matches:,} proposed matches"
        except OSError as exc:
            raise CommandError(f"cannot write {out}: {exc.strerror or exc}") from exc
        skipped = (
            f"; {stats.skipped_blocks:,} block(s) larger than {options['max_block']:,} records "
            f"skipped (largest {stats.largest_skipped:,})"
            if stats.skipped_blocks
            else ""
        )
        self.stdout.write(
            f"{action}: {stats.records:,} records, {warnings:,} warning(s); "
            f"{stats.pairs_scored:,} candidate pairs scored in {stats.blocks:,} blocks{skipped}; "
            f"threshold {threshold:g}: {found}; wrote {out} "
            f"in {time.monotonic() - began:.1f} s"
        )

    def _read(
        self, path: Path, *, progress: batch.ProgressCallback | None, every: int
    ) -> tuple[list[MatchRecord], int]:
        """The file's records and how many warnings it gave (shown with the progress)."""
        try:
            records, warnings = batch.read_records(path, progress=progress, every=every)
        except batch.InputError as exc:
            raise CommandError(str(exc)) from exc
        if progress is not None:
            for warning in warnings:
                self.stderr.write(f"{path.name}: {warning}")
        return records, len(warnings)

    def _reindex(self, *, chunk: int, quiet: bool) -> None:
        from frontdoor.matching.models import MatchKey
        from frontdoor.matching.services import match_keys_rebuild
        from frontdoor.people.models import Person

        began = time.monotonic()
        live = Person.objects.filter(merged_into__isnull=True)
        total = live.count()
        # A merged record is no longer searched: drop any keys it still has.
        MatchKey.objects.filter(person__merged_into__isnull=False).delete()
        done = 0
        last = 0
        while True:
            people = list(
                live.filter(pk__gt=last)
                .order_by("pk")
                .prefetch_related("aliases", "addresses")[:chunk]
            )
            if not people:
                break
            with transaction.atomic():
                done += match_keys_rebuild(people, batch=chunk)
            last = people[-1].pk
            if not quiet:
                seconds = time.monotonic() - began
                self.stderr.write(
                    f"reindex: {done:,} of {total:,} people ({done / max(seconds, 1e-9):,.0f}/s)"
                )
        keys = MatchKey.objects.count()
        self.stdout.write(
            f"reindex: rebuilt the blocking keys of {done:,} people ({keys:,} keys) "
            f"in {time.monotonic() - began:.1f} s"
        )
