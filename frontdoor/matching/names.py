"""Names made comparable: transliterated, cleaned, split, coded by sound, and grouped by nickname.

Everything here is pure and cached, so a batch run and a search compute each name once.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import jellyfish
from anyascii import anyascii
from nicknames import NickNamer

MAX_NAME = 100
_NOT_LETTERS = re.compile(r"[^a-z-]+")
_HYPHEN = re.compile(r"\s*-[\s-]*")
_SEPARATORS = re.compile(r"[\s-]+")
_nicknamer = NickNamer()


def clean(value: str | None) -> str:
    """Lower-case ASCII letters, spaces and hyphens: ``Zoë O'Brien-Łukasz`` → ``zoe obrien-lukasz``.

    Names in any script are transliterated (``Мария`` → ``mariya``), so they can be compared
    with a Latin spelling of the same name. Very long values are cut to ``MAX_NAME``.
    """
    letters = "".join(" " if _symbol(ch) else ch for ch in (value or "")[:MAX_NAME])
    text = anyascii(letters).lower().replace("'", "")
    text = _NOT_LETTERS.sub(" ", text)
    text = _HYPHEN.sub("-", text).strip(" -")
    return " ".join(text.split())


def _symbol(ch: str) -> bool:
    """Emoji and other symbols are not letters: anyascii would spell them out (😀 → grinning)."""
    return unicodedata.category(ch)[0] in "SC"


def parts(name: str) -> tuple[str, ...]:
    """The parts of a hyphenated or double name: ``smith-jones`` → ``(smith, jones)``."""
    return tuple(p for p in _SEPARATORS.split(name) if p)


@lru_cache(maxsize=65536)
def sound(token: str) -> str:
    """A phonetic code (Double-Metaphone-like Metaphone from jellyfish); empty for empty."""
    if not token:
        return ""
    return jellyfish.metaphone(token.replace("-", " ").replace(" ", "")) or token[:4]


@lru_cache(maxsize=65536)
def canonical_forms(token: str) -> frozenset[str]:
    """The name and the full names it can be a short form of: ``bill`` → william, billy..."""
    if not token:
        return frozenset()
    return frozenset({token, *_nicknamer.canonicals_of(token)})


def nickname_of_each_other(a: str, b: str) -> bool:
    """Bill/William, Alex/Alexandra, Sandy/Alex (both short forms of Alexander)."""
    if not a or not b or a == b:
        return False
    fa, fb = canonical_forms(a), canonical_forms(b)
    return a in fb or b in fa or bool(fa & fb)


@dataclass(frozen=True, slots=True)
class Name:
    """One name as written, with what comparing it needs."""

    text: str  # cleaned, e.g. "smith-jones"
    parts: tuple[str, ...]  # ("smith", "jones")
    sound: str  # phonetic code of the whole name
    part_sounds: tuple[str, ...]

    @classmethod
    def of(cls, value: str | None) -> Name | None:
        text = clean(value)
        if not text:
            return None
        split = parts(text)
        return cls(
            text=text,
            parts=split,
            sound=sound(text),
            part_sounds=tuple(sound(p) for p in split),
        )
