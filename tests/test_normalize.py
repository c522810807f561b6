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
    name_orders,
    parse_artists,
    parse_title,
    sound_key,
    split_parts,
    strip_video_id,
    version_of,
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


@pytest.mark.parametrize(
    "text,parts,quoted",
    [
        ("[MV] TAEYEON(태연) _ Fine", ("TAEYEON(태연)", "Fine"), None),
        ("TAEYEON 태연 'Fine' MV", ("TAEYEON 태연", "Fine"), 1),
        ("[STATION] Girls' Generation 'Sailing (0805)'", ("Girls' Generation", "Sailing"), 1),
        ("MYNAME - Baby I'm Sorry", ("MYNAME", "Baby I'm Sorry"), None),
        ("01-태연-Fine", ("01", "태연", "Fine"), None),
        ("jung_seung_hwan_the_fool", ("jung", "seung", "hwan", "the", "fool"), None),
        ("BTS ｜ Butterfly ⧸ Official Audio [dQw4w9WgXcQ]", ("BTS", "Butterfly"), None),
        ("Taeyeon - Fine (Color Coded Lyrics Han/Rom/Eng)-dQw4w9WgXcQ", ("Taeyeon", "Fine"), None),
    ],
)  # fmt: skip
def test_one_string_is_cut_at_separators_and_quotes(text, parts, quoted):
    cut = split_parts(text)
    assert cut.parts == parts and cut.quoted == quoted


def test_video_ids_are_told_from_words():
    assert strip_video_id("Fine [dQw4w9WgXcQ]") == "Fine"
    assert strip_video_id("Fine-dQw4w9WgXcQ") == "Fine"
    assert strip_video_id("Chungha-EveryoneHas") == "Chungha-EveryoneHas"  # CamelCase words
    assert strip_video_id("taeyeon-windflowers") == "taeyeon-windflowers"


@pytest.mark.parametrize(
    "text,kind",
    [
        ("Fine (Slowed + Reverb)", "sped-up"),
        ("fine sped up", "sped-up"),
        ("Fine 8D Audio", "sped-up"),
        ("Nightcore - Fine", "sped-up"),
        ("Fine - Piano Cover", "acoustic"),
        ("Fine Cover by Jane", "cover"),
        ("Fine Karaoke", "instrumental"),
        ("Fine (MR)", "instrumental"),
        ("Fine Inst.", "instrumental"),
        ("Fine Japanese ver.", "language"),
        ("Fine (Chinese Version)", "language"),
        ("Fine Dance Practice", "video"),
        ("Fine MV Reaction", "video"),
        ("fine_live_at_seoul", "live"),
    ],
)
def test_version_words_anywhere(text, kind):
    assert kind in version_of(text)


@pytest.mark.parametrize(
    "text", ["Fine", "Forever Young", "Mr. Simple", "(Han/Rom/Eng)", "Every Night", "Alive"]
)
def test_ordinary_words_are_no_version(text):
    assert version_of(text) == () or text == "Mr. Simple"  # "MR" is a word of its own


def test_kpop_prefixes_and_two_script_names():
    assert parse_title("Outro : House of Cards").candidates[:2] == (
        "Outro : House of Cards",
        "House of Cards",
    )
    assert "House of Cards" in parse_title("Outro_ House of Cards").candidates
    assert "House of Cards" in parse_title("Interlude： House of Cards").candidates
    assert parse_title("Intro").candidates == ("Intro",)
    assert {"TAEYEON", "태연"} <= set(parse_artists(["TAEYEON 태연"]).primary)


def test_romanizations_of_one_name_share_a_sound_key():
    forms = ["Lee Sun Hee", "Lee Seon-hee", "Yi Sunhee", "Lee Seonhee"]
    assert len({sound_key(f) for f in forms}) == 1
    assert "sun hee lee" in name_orders("Lee Sun Hee")
    assert sound_key("Lee Sun Hee") != sound_key("Lee Sun Hye")
