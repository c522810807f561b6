"""CP949 bytes read as Latin-1 come back as Hangul; real Latin-1 text is never touched."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ksad_player.core.tags.mojibake import repair

KOREAN = [
    "태연",
    "정승환",
    "소녀시대",
    "눈, 코, 입",
    "그 여름 (0805)",
    "아름답고도 아프구나",
    "빅뱅 (BIGBANG)",
]


@pytest.mark.parametrize("text", KOREAN)
def test_cp949_and_utf8_mojibake_come_back(text):
    assert repair(text.encode("cp949").decode("latin-1")) == text
    assert repair(text.encode("utf-8").decode("latin-1")) == text


@pytest.mark.parametrize(
    "text",
    [
        "café",
        "Beyoncé",
        "Motörhead",
        "Sigur Rós",
        "Björk",
        "Mötley Crüe",
        "Hüsker Dü",
        "Zoë",
        "Déjà Vu",
        "Åsa",
        "Größe",
        "plain ascii",
        "태연",
    ],
)
def test_everything_else_is_left_alone(text):
    assert repair(text) is None


@given(st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0xFF), max_size=30))
def test_repair_never_raises_and_only_ever_yields_hangul(text):
    out = repair(text)
    assert out is None or any("\uac00" <= c <= "\ud7a3" for c in out)
