"""The links mirror (library-links.json) read back during a rebuild, damaged in every way.

The damage comes from operators (truncation at every length, byte flips, wrong types put
in each field), not from hand-made cases: whatever is valid is restored, the rest is
named in a warning, a copy of the damaged file is kept, and nothing is invented.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from ksad_player.core.library.index import NEVER, LibraryIndex

FOLDERS = ["/music/Ballads", "/music/OST 드라마"]
LINKS = {"/music/Ballads/rain.ogg": "baekhyun-soyou-rain", "/music/OST 드라마/x.mp3": None}


@pytest.fixture
def index(tmp_path) -> Path:
    path = tmp_path / "library.sqlite3"
    with LibraryIndex(path) as idx:
        for f in FOLDERS:
            idx.add_folder(f)
        for p, e in LINKS.items():
            idx.link(p, e)
    return path


def rebuild_with_mirror(index: Path, mirror: bytes) -> LibraryIndex:
    """Break the index so it is rebuilt from `mirror`; the caller closes what comes back."""
    index.with_name("library-links.json").write_bytes(mirror)
    index.write_bytes(b"no database here " * 64)
    for extra in ("-wal", "-shm"):
        index.with_name(index.name + extra).unlink(missing_ok=True)
    idx = LibraryIndex(index)
    assert idx.rebuilt
    return idx


def restored(idx: LibraryIndex) -> tuple[list[str], dict[str, str | None]]:
    links = {p: (None if e == NEVER else e) for p, e in idx.links().items()}
    return idx.folders(), links


def damaged_copies(index: Path) -> list[Path]:
    return list(index.parent.glob("library-links.json.damaged-*"))


def valid_mirror(index: Path) -> dict:
    return json.loads(index.with_name("library-links.json").read_text())


def test_an_intact_mirror_restores_everything_without_a_warning(index):
    mirror = index.with_name("library-links.json").read_bytes()
    with rebuild_with_mirror(index, mirror) as idx:
        assert restored(idx) == (FOLDERS, LINKS)
        assert not any("links file" in m for m in idx.messages)
    assert damaged_copies(index) == []


# Each operator puts a wrong value where the mirror has a right one.
WRONG_VALUES = [None, 5, 1.5, True, "", "relative/folder", "/", [], {}, ["/a"], {"path": "/a"}]


# Operator results that are a valid mirror after all (no warning is due).
STILL_VALID = {"folders=[]", "links=[]", "folders=['/a']", "folder[0]='/a'", "link[0].path='/a'"}


def _mutations(state: dict) -> list[tuple[str, dict]]:
    out = []
    for value in WRONG_VALUES:
        out.append((f"folders={value!r}", {**state, "folders": value}))
        out.append((f"links={value!r}", {**state, "links": value}))
        out.append((f"folder[0]={value!r}", {**state, "folders": [value, *state["folders"][1:]]}))
        for key in ("path", "entry"):
            if key == "entry" and (value is None or (isinstance(value, str) and value)):
                continue  # None ("never this song") and any text are entries as valid as any
            link0 = {**state["links"][0], key: value}
            out.append(
                (f"link[0].{key}={value!r}", {**state, "links": [link0, *state["links"][1:]]})
            )
    return out


def test_wrong_types_keep_what_is_valid_warn_and_keep_a_copy(index):
    state = valid_mirror(index)
    first = state["links"][0]["path"]
    for name, bad in _mutations(state):
        text = json.dumps(bad).encode()
        with rebuild_with_mirror(index, text) as idx:
            folders, links = restored(idx)
            warned = any("links file" in m for m in idx.messages)
        # Nothing invented ("/a" is a folder the operator itself wrote in).
        assert set(folders) <= {*FOLDERS, "/a"} and all(len(f) > 1 for f in folders), name
        assert all(LINKS.get(p, "missing") == e for p, e in links.items() if p != "/a"), name
        # What the operator did not touch is all still there.
        if not name.startswith("folder"):
            assert folders == FOLDERS, name
        if not name.startswith("link"):
            assert links == LINKS, name
        if name.startswith("link[0]"):
            assert {p: e for p, e in links.items() if p != first} == {
                p: e for p, e in LINKS.items() if p != first
            }, name
        # Whatever was lost was said, and the file as it was is kept.
        assert warned == (name not in STILL_VALID), name
        copies = damaged_copies(index)
        assert bool(copies) == warned, name
        if warned:
            assert [c.read_bytes() for c in copies] == [text], name
        for c in copies:
            c.unlink()


def test_folders_given_as_one_string_are_one_folder_not_one_per_letter(index):
    state = valid_mirror(index)
    with rebuild_with_mirror(index, json.dumps({**state, "folders": FOLDERS[0]}).encode()) as idx:
        assert idx.folders() == [FOLDERS[0]]
        assert any("one text instead of a list" in m for m in idx.messages)


def test_a_link_whose_path_is_a_number_is_skipped_and_named(index):
    state = valid_mirror(index)
    bad = {**state, "links": [{"path": 5, "entry": "taeyeon-fine"}, *state["links"]]}
    with rebuild_with_mirror(index, json.dumps(bad).encode()) as idx:
        assert restored(idx) == (FOLDERS, LINKS)
        assert any("link 1 has no absolute path (5)" in m for m in idx.messages)


def _spans(good: bytes) -> dict[str, tuple[int, int]]:
    """Where each link's object lies in the mirror's bytes."""
    spans = {}
    for path in LINKS:
        at = good.find(json.dumps(path).encode())
        spans[path] = (good.rfind(b"{", 0, at), good.find(b"}", at) + 1)
    return spans


def test_truncated_or_flipped_json_keeps_every_whole_link_and_a_copy(index):
    good = index.with_name("library-links.json").read_bytes()
    spans = _spans(good)
    rng = random.Random(6)
    cases = [(good[:n], range(n, len(good))) for n in range(0, len(good) - 1, 11)]
    for _ in range(40):
        b = bytearray(good)
        at = rng.randrange(len(b))
        b[at] ^= 1 << rng.randrange(8)
        cases.append((bytes(b), range(at, at + 1)))
    cases.append((b"[" * 100_000, range(0)))  # nested past any recursion limit
    cases.append((b"\xff\xfe" + good, range(0, 1)))  # not UTF-8
    checked = 0
    for text, damaged in cases:
        try:
            json.loads(text)
            continue  # a flip that still parses is the wrong-types test's business
        except (ValueError, RecursionError):
            pass
        checked += 1
        with rebuild_with_mirror(index, text) as idx:
            folders, links = restored(idx)
            assert any("links file" in m for m in idx.messages)
        # Nothing invented; every link whose bytes are untouched is back.
        assert set(folders) <= set(FOLDERS)
        assert all(LINKS.get(p, "missing") == e for p, e in links.items()), (text, links)
        if text.startswith(good[:10]):
            whole = {p for p, (a, z) in spans.items() if not any(a <= d < z for d in damaged)}
            assert whole <= set(links), (text, links)
        copies = damaged_copies(index)
        assert [c.read_bytes() for c in copies] == [text]
        copies[0].unlink()
    assert checked > 30


def test_after_a_damaged_mirror_the_next_change_writes_a_good_one(index):
    with rebuild_with_mirror(index, b'{"folders": "/music/Ballads", "links": 7}') as idx:
        idx.link("/music/Ballads/y.mp3", "taeyeon-fine")
    state = valid_mirror(index)
    assert state["folders"] == ["/music/Ballads"]
    assert state["links"] == [{"path": "/music/Ballads/y.mp3", "entry": "taeyeon-fine"}]
