"""Normalisation: total, stable under case/spacing/width, and right on real decorations."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from ksad_player.core.match.normalize import (
    fold,
    is_useless_artist,
    is_useless_title,
    key,
    parse_artists,
    parse_title,
)


@given(st.text())
def test_normalisers_never_raise(s):
    fold(s), key(s), parse_title(s), parse_title(s, from_file_name=True), parse_artists([s])


@given(st.text(alphabet=st.characters(codec="utf-8", categories=["L", "N", "Zs"]), max_size=40))
def test_key_ignores_case_and_spacing(s):
    assume(s.upper().casefold() == s.casefold())  # dotless ı and friends change letter
    assert key(s) == key(s.upper().replace(" ", "  ")) == key(" ".join(s.lower().split()))


def test_full_width_and_apostrophes_fold():
    assert key("ＢＬＡＣＫＰＩＮＫ") == key("blackpink")
    assert key("Girls’ Generation") == key("Girls' Generation") == key("Girls Generation")
    assert key("Baby I`m Sorry") == key("Baby I'm Sorry")


@pytest.mark.parametrize(
    "raw,title,featured,versions",
    [
        ("Stay With Me (Goblin OST Part 1)", "Stay With Me", (), ()),
        ("[MV] Rain", "Rain", (), ()),
        ("Let Me Out (Prod. by Jonghyun)", "Let Me Out", (), ()),
        ("사랑이었다 (Feat. 루나)", "사랑이었다", ("루나",), ()),
        ("It Was Love feat. Luna", "It Was Love", ("Luna",), ()),
        ("LOSER (Live at Seoul)", "LOSER", (), ("live",)),
        ("Fine - Instrumental", "Fine", (), ("instrumental",)),
        ("Butterfly (Remastered 2020)", "Butterfly", (), ()),
    ],
)
def test_title_decorations(raw, title, featured, versions):
    info = parse_title(raw)
    assert info.candidates[0] == title
    assert info.featured == featured and info.versions == versions


def test_file_name_track_numbers_are_stripped():
    assert parse_title("01 Fine", from_file_name=True).candidates[0] == "Fine"
    assert parse_title("1-03. Fine", from_file_name=True).candidates[0] == "Fine"
    assert parse_title("2002", from_file_name=False).candidates == ("2002",)


def test_artist_credit_forms():
    info = parse_artists(["BAEKHYUN (EXO) x 소유"])
    assert {"BAEKHYUN", "소유"} <= set(info.primary) and info.hints == ("EXO",)
    assert "Chanyeol" in parse_artists(["EXO's Chanyeol"]).primary
    assert parse_artists(["Unknown Artist", ""]).primary == ()


def test_useless_values():
    assert is_useless_artist("Various Artists") and is_useless_artist("알 수 없는 아티스트")
    assert (
        is_useless_title("Track 07") and is_useless_title("") and not is_useless_title("Untitled")
    )
