"""names.py: names in any script made comparable; nothing a person types breaks it."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from frontdoor.matching.names import (
    MAX_NAME,
    Name,
    canonical_forms,
    clean,
    nickname_of_each_other,
    parts,
    sound,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("Zoë O'Brien-Łukasz", "zoe obrien-lukasz", id="accents-apostrophe-hyphen"),
        pytest.param("O’Brien", "obrien", id="curly-apostrophe"),
        pytest.param("Мария", "mariya", id="cyrillic"),
        pytest.param("Ἀλέξανδρος", "alexandros", id="greek"),
        pytest.param("محمد", "mhmd", id="arabic"),
        pytest.param("李小龙", "lixiaolong", id="chinese"),
        pytest.param("Nguyễn", "nguyen", id="vietnamese"),
        pytest.param("  SMITH  ", "smith", id="spaces-and-case"),
        pytest.param("Smith - Jones", "smith-jones", id="spaced-hyphen"),
        pytest.param("Smith--Jones", "smith-jones", id="double-hyphen"),
        pytest.param("-Smith-", "smith", id="hyphens-at-the-ends"),
        pytest.param("Mary   Jane", "mary jane", id="repeated-spaces"),
        pytest.param("J.R.R. (Ronnie) Tolkien!", "j r r ronnie tolkien", id="punctuation"),
        pytest.param("Anne-Marie3", "anne-marie", id="digits-dropped"),
        pytest.param("abc\x00def", "abc def", id="control-character"),
    ],
)
def test_clean_makes_names_comparable(value: str, expected: str) -> None:
    assert clean(value) == expected


@pytest.mark.parametrize("value", [None, "", "   ", "---", "123", "!?.,", "''", "\t\n"])
def test_blank_or_punctuation_only_is_no_name(value: str | None) -> None:
    assert clean(value) == ""
    assert Name.of(value) is None


def test_very_long_values_are_cut() -> None:
    name = Name.of("x" * 10_000 + " Smith")
    assert name is not None
    assert len(name.text) <= MAX_NAME
    assert name.parts == ("x" * MAX_NAME,)


def test_a_million_characters_are_cut_quickly_and_safely() -> None:
    assert len(clean("Ω" * 1_000_000)) <= MAX_NAME * 2  # a letter may become two


def test_name_of_a_double_barrelled_name_keeps_its_parts_and_their_sounds() -> None:
    name = Name.of("Smith-Jones")
    assert name is not None
    assert name.text == "smith-jones"
    assert name.parts == ("smith", "jones")
    assert name.part_sounds == (sound("smith"), sound("jones"))
    assert name.sound == sound("smith-jones")


def test_a_non_latin_name_and_its_latin_spelling_sound_alike() -> None:
    cyrillic, latin = Name.of("Мария"), Name.of("Mariya")
    assert cyrillic is not None and latin is not None
    assert cyrillic.text == latin.text
    assert cyrillic.sound == latin.sound


def test_parts_split_on_spaces_and_hyphens() -> None:
    assert parts("anne-marie smith") == ("anne", "marie", "smith")
    assert parts("") == ()


def test_sound_codes_spellings_alike() -> None:
    assert sound("smith") == sound("smyth")
    assert sound("stephen") == sound("steven")
    assert sound("") == ""


def test_canonical_forms_include_the_full_names_a_short_form_stands_for() -> None:
    assert "william" in canonical_forms("bill")
    assert "bill" in canonical_forms("bill")
    assert canonical_forms("") == frozenset()


@pytest.mark.parametrize(
    ("a", "b"),
    [("bill", "william"), ("william", "bill"), ("alex", "alexander"), ("alex", "alexandra")],
)
def test_nicknames_of_each_other(a: str, b: str) -> None:
    assert nickname_of_each_other(a, b)


@pytest.mark.parametrize(("a", "b"), [("sam", "sam"), ("", "william"), ("bill", "olivia")])
def test_not_nicknames_of_each_other(a: str, b: str) -> None:
    assert not nickname_of_each_other(a, b)


@given(st.text(max_size=300))
def test_clean_never_raises_and_gives_plain_lower_case_letters(value: str) -> None:
    text = clean(value)
    assert text == text.strip(" -")
    assert set(text) <= set("abcdefghijklmnopqrstuvwxyz -")
    name = Name.of(value)
    assert (name is None) == (text == "")
    if name is not None:
        assert name.parts
        assert len(name.part_sounds) == len(name.parts)
