"""Hostile catalogs: huge fields, huge lists, deep nesting and arbitrary JSON are refused
with a message, by `catalog check` and by loading, and the built-in catalog keeps working."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ksad_player.core import catalog as catalog_mod

FUZZ = settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
LONG = settings(max_examples=3000, deadline=None, suppress_health_check=list(HealthCheck))


def run_cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ksad_player", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


_BASE = catalog_mod.load_file(catalog_mod.paths.builtin_catalog_path())


def _entry(**fields: object) -> dict[str, object]:
    base: dict[str, object] = {
        "id": "my-song",
        "title": "Grey",
        "artists": [{"name": "Me", "aliases": ["나"]}],
        "moods": ["heartbreak"],
        "blurb": "Why it hurts.",
    }
    return {**base, **fields}


# The shapes a hostile catalog takes, each built by an operator on a valid entry.
HOSTILE = {
    "huge title": {"entries": [_entry(title="x" * 1_000_000)]},
    "huge alias": {"entries": [_entry(artists=[{"name": "Me", "aliases": ["y" * 300_000]}])]},
    "many aliases": {"entries": [_entry(title_aliases=[f"t{i}" for i in range(100_000)])]},
    "many entries": {"entries": [_entry(id=f"s-{i}") for i in range(catalog_mod.MAX_ENTRIES + 1)]},
    "huge blurb": {"entries": [_entry(blurb="sad " * 500_000)]},
    "huge mood label": {
        "moods": [{"id": "m", "label": "L" * 500_000, "description": "d", "colour": "#000000"}]
    },
}


@pytest.mark.parametrize("shape", sorted(HOSTILE))
def test_oversized_overlay_fails_check_and_loading_uses_the_builtin(tmp_path, shape):
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(HOSTILE[shape]), encoding="utf-8")
    with pytest.raises(catalog_mod.CatalogError) as caught:
        catalog_mod.load_file(path, base=_BASE)
    text = "; ".join(caught.value.problems)
    assert "too long" in text or "too many" in text
    assert len(text) < 5000  # the reason, not the field echoed back
    loaded = catalog_mod.load(path)
    assert loaded.warnings and "built-in catalog used" in loaded.warnings[0]
    assert len(loaded.catalog.entries) == 40


def test_catalog_check_names_the_field_too_long(tmp_path):
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(HOSTILE["huge title"]), encoding="utf-8")
    r = run_cli("catalog", "check", "--overlay", str(path))
    assert r.returncode == 1
    assert "my-song: title: too long (1,000,000 characters; at most 200)" in r.stderr
    assert len(r.stderr) < 1000


def test_huge_title_overlay_no_longer_hangs_match(tmp_path, make_track):
    """The user-visible outcome: `match` finishes quickly with the built-in catalog."""
    config = tmp_path / "cfg"
    (config / "ksad-player").mkdir(parents=True)
    (config / "ksad-player" / "catalog.json").write_text(
        json.dumps(HOSTILE["huge title"]), encoding="utf-8"
    )
    track = make_track("mp3", "stay.mp3", title="Stay", artists=["BLACKPINK"])
    env_cmd = [sys.executable, "-m", "ksad_player", "match", "--json", str(track)]
    import os

    r = subprocess.run(
        env_cmd,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "XDG_CONFIG_HOME": str(config)},
    )
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)[0]["entry"] == "blackpink-stay"
    assert "user catalog ignored" in r.stderr


@pytest.mark.parametrize("opener", ["[", '{"a":'])
def test_deep_nesting_is_a_message_not_a_recursion_error(tmp_path, opener):
    path = tmp_path / "deep.json"
    path.write_text(opener * 100_000, encoding="utf-8")
    r = run_cli("catalog", "check", "--overlay", str(path))
    assert r.returncode == 1
    assert "nested more than" in r.stderr and "line 1, column" in r.stderr
    assert "Traceback" not in r.stderr and "RecursionError" not in r.stderr
    loaded = catalog_mod.load(path)
    assert len(loaded.catalog.entries) == 40 and "nested" in loaded.warnings[0]


def test_deep_user_catalog_does_not_stop_the_commands(tmp_path, make_track):
    import os

    config = tmp_path / "cfg"
    (config / "ksad-player").mkdir(parents=True)
    (config / "ksad-player" / "catalog.json").write_text("[" * 100_000, encoding="utf-8")
    track = make_track("mp3", "stay.mp3", title="Stay", artists=["BLACKPINK"])
    env = {**os.environ, "XDG_CONFIG_HOME": str(config)}
    r = subprocess.run(
        [sys.executable, "-m", "ksad_player", "match", str(track)],
        capture_output=True, text=True, timeout=60, env=env,
    )  # fmt: skip
    assert r.returncode == 0 and "blackpink-stay" in r.stdout
    assert "Traceback" not in r.stderr and "nested" in r.stderr


def test_a_file_too_large_is_refused_before_parsing(tmp_path):
    path = tmp_path / "big.json"
    with path.open("w") as f:
        f.write('{"entries": [' + ", ".join(["1"] * (catalog_mod.MAX_FILE_BYTES // 3)) + "]}")
    with pytest.raises(catalog_mod.CatalogError, match="too large"):
        catalog_mod.load_file(path)


def test_strings_with_brackets_do_not_count_as_nesting(tmp_path):
    doc = {"entries": [_entry(blurb='[[[[[[[[[[[[[[[[[[[[ {{{{{{{{{{{{ \\" [[[[[[[[')]}
    path = tmp_path / "c.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    base = catalog_mod.load_file(catalog_mod.paths.builtin_catalog_path())
    cat = catalog_mod.load_file(path, base=base)
    assert cat.entry("my-song") is not None


# -- fuzzing: any JSON document is a catalog or a list of problems, never an exception ----
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda kids: (
        st.lists(kids, max_size=5) | st.dictionaries(st.text(max_size=8), kids, max_size=5)
    ),
    max_leaves=30,
)
FIELDS = ["id", "title", "artists", "moods", "blurb", "title_aliases", "accepted_versions",
          "artist", "year", "intensity", "source", "album", "content_note", "name", "aliases",
          "label", "description", "colour", "list", "kind"]  # fmt: skip
near_entries = st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=8)
documents = st.one_of(
    json_values,
    st.fixed_dictionaries(
        {},
        optional={
            "moods": st.lists(near_entries, max_size=3) | json_values,
            "entries": st.lists(
                st.builds(lambda a, b: {**a, **b}, st.just(_entry()), near_entries), max_size=4
            )
            | json_values,
            "sources": st.lists(near_entries, max_size=2) | json_values,
        },
    ),
)


def _load_any(tmp_path: Path, doc: object, base: catalog_mod.Catalog | None) -> None:
    path = tmp_path / "fuzz.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    try:
        cat = catalog_mod.load_file(path, base=base)
    except catalog_mod.CatalogError as exc:
        assert exc.problems and all(p.strip() for p in exc.problems)
        return
    for e in cat.entries:  # what loaded is usable by the matcher and the player
        assert e.title and e.blurb and e.moods and e.artists
        assert all(isinstance(n, str) for a in e.artists for n in a.names)


@FUZZ
@given(doc=documents)
def test_fuzzed_overlays_load_or_give_problems(tmp_path_factory, doc):
    _load_any(tmp_path_factory.mktemp("c"), doc, _BASE)


@FUZZ
@given(doc=documents)
def test_fuzzed_catalogs_load_or_give_problems(tmp_path_factory, doc):
    _load_any(tmp_path_factory.mktemp("c"), doc, None)


@pytest.mark.fuzz
@LONG
@given(doc=documents)
def test_fuzz_long_catalog_loader(tmp_path_factory, doc):
    _load_any(tmp_path_factory.mktemp("c"), doc, _BASE)
    _load_any(tmp_path_factory.mktemp("c"), doc, None)


def test_check_is_quick_on_the_largest_allowed_catalog(tmp_path):
    """Bounded by outcome: the limits themselves keep a full-size catalog cheap to check."""
    doc = {
        "entries": [_entry(id=f"s-{i}", title="t" * 200) for i in range(catalog_mod.MAX_ENTRIES)]
    }
    path = tmp_path / "c.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    started = time.monotonic()
    catalog_mod.load_file(path, base=_BASE)
    assert time.monotonic() - started < 20
