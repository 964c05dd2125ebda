"""Input files for the batch tests: the header, writing and reading a CSV file, and the records
of one child and of strangers born on the same day."""

from __future__ import annotations

import csv
from pathlib import Path

from frontdoor.matching.batch import COLUMNS

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
