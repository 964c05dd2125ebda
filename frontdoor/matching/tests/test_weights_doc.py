"""docs/matching.md shows the weights the scorer really uses."""

from __future__ import annotations

from frontdoor.matching.scorer import PROBABILITIES
from frontdoor.matching.weights_doc import DOC, LEVEL_LABELS, documented_table, weights_table


def test_every_level_has_words() -> None:
    levels = {level for levels in PROBABILITIES.values() for level in levels}
    assert levels <= set(LEVEL_LABELS)


def test_the_documented_table_is_the_scorers() -> None:
    assert documented_table(DOC.read_text()) == weights_table(), (
        "Run: python -m frontdoor.matching.weights_doc"
    )
