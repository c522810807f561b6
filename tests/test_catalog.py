"""The built-in catalog's content, the user overlay, and `catalog check`."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ksad_player.core import catalog as catalog_mod
from ksad_player.core.match.normalize import has_hangul

from .conftest import SHARED

TSV = SHARED / "catalog-entries.tsv"
REQUIRED_MOODS = {"heartbreak", "longing", "loneliness", "regret", "farewell", "comfort"}


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ksad_player", *args], capture_output=True, text=True, timeout=60
    )


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    assert TSV.exists(), f"{TSV} is missing: ../shared must sit beside the checkout"
    with TSV.open(encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def test_the_40_entries_with_their_fixed_ids(catalog, rows):
    assert [e.id for e in catalog.entries] == [r["id"] for r in rows]
    assert len(catalog.entries) == 40


def test_titles_artists_and_korean_forms_carry_over(catalog, rows):
    for r in rows:
        e = catalog.entry(r["id"])
        assert e.title == r["title"] and e.credit == r["artist"]
        if r["korean_title"]:
            assert r["korean_title"] in e.title_aliases
        for other in filter(None, r["other_titles"].split("|")):
            assert other in e.title_aliases
        aliases = {a for artist in e.artists for a in artist.names}
        for name in re.split(r"\s*(?:&|feat\.)\s*", r["korean_artist"]):
            if name:
                assert name in aliases, (r["id"], name)
        assert e.drama == (r["drama"] or None)


def test_every_entry_has_source_moods_and_a_short_blurb(catalog):
    kinds = {
        "sad-kpop-songs": "song",
        "heartbreaking-mvs": "music video",
        "kdrama-ost": "drama OST",
    }
    for e in catalog.entries:
        assert kinds[e.source_list] == e.source_kind
        assert 1 <= len(e.moods) <= 3 and set(e.moods) <= REQUIRED_MOODS
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", e.blurb) if s.strip()]
        assert 2 <= len(sentences) <= 4, e.id
        assert catalog.source(e.source_list) is not None


def test_every_mood_is_data_with_enough_songs(catalog):
    assert {m.id for m in catalog.moods} >= REQUIRED_MOODS
    for m in catalog.moods:
        assert m.label and m.description and re.match(r"^#[0-9a-f]{6}$", m.colour)
        assert len(catalog.entries_for(m.id)) >= 5, m.id


def test_comfort_holds_the_uplifting_songs(catalog):
    comfort = {e.id for e in catalog.entries_for("comfort")}
    assert {"girls-generation-sailing", "lee-hi-breathe", "chani-starlight"} <= comfort
    assert "nell-the-day-before" not in comfort


def test_content_note_where_the_article_warns(catalog):
    assert (
        "suicide" in catalog.entry("nell-the-day-before").content_note.lower()
        or "own life" in catalog.entry("nell-the-day-before").content_note.lower()
    )


def test_korean_and_romanized_artist_aliases(catalog):
    names = {a.name: set(a.names) for e in catalog.entries for a in e.artists}
    assert {"방탄소년단", "Bangtan Boys"} <= names["BTS"]
    assert "태양" in names["Taeyang"]
    assert {"Jeong Seung-hwan", "정승환"} <= names["Jung Seung Hwan"]
    assert any(has_hangul(n) for n in names["Lasse Lindh"])


def test_no_blurb_repeats_eight_words_of_an_article(catalog):
    seeds = list((SHARED / "seeds").glob("*.txt"))
    assert seeds
    words = lambda s: re.findall(r"[\w']+", s.lower())  # noqa: E731
    grams = set()
    for p in seeds:
        w = words(p.read_text(encoding="utf-8"))
        grams |= {tuple(w[i : i + 8]) for i in range(len(w) - 7)}
    for e in catalog.entries:
        w = words(e.blurb)
        assert not any(tuple(w[i : i + 8]) in grams for i in range(len(w) - 7)), e.id


# -- the user catalog -------------------------------------------------------------------
def write_user(data: object) -> Path:
    path = catalog_mod.paths.user_catalog_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def test_user_catalog_adds_moods_and_entries_and_overrides_by_id():
    write_user(
        {
            "moods": [
                {
                    "id": "rainy-day",
                    "label": "Rainy day",
                    "description": "Grey skies.",
                    "colour": "#607080",
                }
            ],
            "entries": [
                {
                    "id": "my-song",
                    "title": "Grey",
                    "artists": [{"name": "Me"}],
                    "moods": ["rainy-day"],
                    "blurb": "Mine. All mine.",
                },
                {
                    "id": "bts-butterfly",
                    "moods": ["comfort"],
                    "blurb": "My own words. Two sentences.",
                },
            ],
        }
    )
    loaded = catalog_mod.load()
    assert not loaded.warnings
    cat = loaded.catalog
    assert cat.mood("rainy-day") and cat.entry("my-song").moods == ("rainy-day",)
    butterfly = cat.entry("bts-butterfly")
    assert butterfly.moods == ("comfort",) and butterfly.blurb.startswith("My own words")
    assert butterfly.title == "Butterfly" and butterfly.artists[0].name == "BTS"
    assert len(cat.entries) == 41


@pytest.mark.parametrize(
    "content",
    [
        "{ not json",
        json.dumps({"entries": [{"id": "x", "title": "t"}]}),
        json.dumps({"entries": [{"id": "bts-butterfly", "moods": ["no-such-mood"]}]}),
        json.dumps([1, 2, 3]),
    ],
)
def test_broken_user_catalog_never_stops_the_program(content):
    path = write_user(content)
    loaded = catalog_mod.load()
    assert len(loaded.catalog.entries) == 40
    assert loaded.warnings and str(path) in loaded.warnings[0]
    result = run_cli("queue", "--mood", "comfort", str(path.parent), "--json")
    assert result.returncode == 0 and "user catalog ignored" in result.stderr


# -- catalog check ----------------------------------------------------------------------
def test_check_builtin_prints_a_summary():
    r = run_cli("catalog", "check")
    assert r.returncode == 0
    assert r.stdout.count("\n") == 1 and "40 entries" in r.stdout and "6 moods" in r.stdout


def test_check_reports_json_syntax_with_line_and_column(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{\n  "moods": [],\n  "entries": [,]\n}\n')
    r = run_cli("catalog", "check", str(bad))
    assert r.returncode == 1
    assert str(bad) in r.stderr and "line 3, column 15" in r.stderr


def test_check_reports_every_bad_entry_and_field_at_once(tmp_path):
    doc = json.loads(catalog_mod.paths.builtin_catalog_path().read_text(encoding="utf-8"))
    doc["entries"][0]["moods"] = ["despair"]
    doc["entries"][5]["blurb"] = ""
    doc["entries"][7]["artists"] = []
    doc["entries"][9]["year"] = "twenty"
    doc["entries"][11]["id"] = doc["entries"][12]["id"]
    bad = tmp_path / "catalog.json"
    bad.write_text(json.dumps(doc), encoding="utf-8")
    r = run_cli("catalog", "check", str(bad))
    assert r.returncode == 1
    for entry_id, field in [
        ("bts-butterfly", "moods"),
        ("taeyeon-fine", "blurb"),
        ("jung-seung-hwan-the-fool", "artists"),
        ("girls-generation-sailing", "year"),
        ("bigbang-if-you", "id"),
    ]:
        assert f"{entry_id}: {field}:" in r.stderr, (entry_id, field, r.stderr)


def test_check_missing_file_is_an_error_not_a_crash(tmp_path):
    r = run_cli("catalog", "check", str(tmp_path / "nope.json"))
    assert r.returncode == 1 and "cannot read" in r.stderr and "Traceback" not in r.stderr
