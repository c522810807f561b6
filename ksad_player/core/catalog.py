"""The catalog: moods and the songs that belong to them, loaded and checked as data.

The built-in catalog ships with the program; a user catalog may add moods and entries
or override built-in entries field by field. A broken user catalog is reported and
ignored, never fatal.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ksad_player.core import paths

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
VERSION_KINDS = (
    "instrumental",
    "live",
    "remix",
    "cover",
    "acoustic",
    "sped-up",
    "language",
    "demo",
    "video",  # dance practice, reaction, teaser: a video, not the recording
)
SOURCE_KINDS = ("song", "music video", "drama OST")

# Limits that keep every later step (matching, the window, the queue) bounded, whatever a
# user catalog holds. The built-in catalog sits far below each of them.
MAX_FILE_BYTES = 4 * 1024 * 1024
MAX_DEPTH = 8  # the deepest real catalog path: entries[i].artists[j].aliases[k]
MAX_ENTRIES = 5000
MAX_MOODS = 100
MAX_LIST = 50  # artists, aliases, title aliases, accepted versions
MAX_NAME = 200  # titles, artist names, aliases, albums, dramas, labels, ids
MAX_TEXT = 2000  # blurbs, descriptions, content notes
_TEXT_FIELDS = frozenset({"blurb", "description", "content_note"})


@dataclass(frozen=True)
class Mood:
    id: str
    label: str
    description: str
    colour: str


@dataclass(frozen=True)
class Artist:
    name: str
    aliases: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class Source:
    id: str
    label: str
    kind: str


@dataclass(frozen=True)
class Entry:
    """One catalog song, with everything the matcher and the player show."""

    id: str
    title: str
    artists: tuple[Artist, ...]
    moods: tuple[str, ...]
    blurb: str
    title_aliases: tuple[str, ...] = ()
    artist: str = ""
    artist_korean: str | None = None
    year: int | None = None
    album: str | None = None
    drama: str | None = None
    drama_korean: str | None = None
    source_list: str | None = None
    source_kind: str | None = None
    content_note: str | None = None
    intensity: int = 3
    accepted_versions: tuple[str, ...] = ()

    @property
    def titles(self) -> tuple[str, ...]:
        return (self.title, *self.title_aliases)

    @property
    def credit(self) -> str:
        return self.artist or " & ".join(a.name for a in self.artists)


@dataclass(frozen=True)
class Catalog:
    moods: tuple[Mood, ...]
    entries: tuple[Entry, ...]
    sources: tuple[Source, ...] = ()
    _by_id: Mapping[str, Entry] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {e.id: e for e in self.entries})

    def entry(self, entry_id: str) -> Entry | None:
        return self._by_id.get(entry_id)

    def mood(self, mood_id: str) -> Mood | None:
        return next((m for m in self.moods if m.id == mood_id), None)

    def source(self, source_id: str | None) -> Source | None:
        return next((s for s in self.sources if s.id == source_id), None)

    def entries_for(self, mood_id: str) -> tuple[Entry, ...]:
        return tuple(e for e in self.entries if mood_id in e.moods)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a catalog file, named by where it is and which field."""

    where: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.field}: {self.message}"


class CatalogError(Exception):
    """A catalog that cannot be used, with every problem found in it."""

    def __init__(self, origin: str, problems: list[Problem] | list[str]):
        self.origin = origin
        self.problems = [str(p) for p in problems]
        super().__init__(f"{origin}: " + "; ".join(self.problems))


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"?')
_BRACKET = re.compile(r"[\[\]{}]")


def _too_deep(text: str) -> tuple[int, int] | None:
    """(line, column) where the nesting passes MAX_DEPTH, found in one pass without
    recursion, so that `[` × 100,000 is an error message rather than a RecursionError."""
    depth = 0
    pos = 0
    for m in _JSON_STRING.finditer(text):
        for b in _BRACKET.finditer(text, pos, m.start()):
            depth += 1 if b.group() in "[{" else -1
            if depth > MAX_DEPTH:
                return _line_col(text, b.start())
        pos = m.end()
    for b in _BRACKET.finditer(text, pos):
        depth += 1 if b.group() in "[{" else -1
        if depth > MAX_DEPTH:
            return _line_col(text, b.start())
    return None


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def read_json(path: Path) -> Any:
    """Parse a JSON file; a syntax error names the file, line and column. Files larger
    than MAX_FILE_BYTES or nested deeper than MAX_DEPTH are refused before parsing."""
    try:
        with path.open("rb") as f:
            raw = f.read(MAX_FILE_BYTES + 1)
    except IsADirectoryError as exc:
        raise CatalogError(str(path), ["is a folder, not a catalog file"]) from exc
    except OSError as exc:
        raise CatalogError(str(path), [f"cannot read: {exc.strerror or exc}"]) from exc
    if len(raw) > MAX_FILE_BYTES:
        limit = MAX_FILE_BYTES // (1024 * 1024)
        raise CatalogError(str(path), [f"too large: a catalog may be at most {limit} MB"])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CatalogError(str(path), [f"not UTF-8 text (byte {exc.start})"]) from exc
    deep = _too_deep(text)
    if deep is not None:
        raise CatalogError(
            str(path),
            [f"line {deep[0]}, column {deep[1]}: nested more than {MAX_DEPTH} levels deep"],
        )
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise CatalogError(
            str(path), [f"line {exc.lineno}, column {exc.colno}: invalid JSON: {exc.msg}"]
        ) from exc
    except RecursionError as exc:  # cannot happen below MAX_DEPTH; kept as a last guard
        raise CatalogError(str(path), [f"nested more than {MAX_DEPTH} levels deep"]) from exc


def _str(v: Any) -> bool:
    return isinstance(v, str) and bool(v.strip())


def _str_list(v: Any) -> bool:
    return isinstance(v, list) and all(_str(x) for x in v)


def _too_long(where: str, name: str, value: Any) -> list[Problem]:
    """Size limits for one field: strings by characters, lists by items (and their strings)."""
    if isinstance(value, str):
        limit = MAX_TEXT if name in _TEXT_FIELDS else MAX_NAME
        if len(value) > limit:
            return [
                Problem(where, name, f"too long ({len(value):,} characters; at most {limit:,})")
            ]
    elif isinstance(value, list):
        if len(value) > MAX_LIST:
            return [Problem(where, name, f"too many items ({len(value):,}; at most {MAX_LIST})")]
        out = []
        for j, item in enumerate(value):
            if isinstance(item, dict):
                for k, v in item.items():
                    out += _too_long(where, f"{name}[{j}].{k}", v)
            else:
                out += _too_long(where, f"{name}[{j}]", item)
        return out
    elif isinstance(value, dict):
        return [p for k, v in value.items() for p in _too_long(where, f"{name}.{k}", v)]
    return []


def _sizes(where: str, doc: dict[str, Any]) -> list[Problem]:
    return [p for k, v in doc.items() for p in _too_long(where, str(k), v)]


def _where(kind: str, i: int, doc: dict[str, Any]) -> str:
    """A readable place for a problem: the id when it is a short string, else the index."""
    ident = doc.get("id")
    if isinstance(ident, str) and 0 < len(ident) <= MAX_NAME:
        return f"{kind} {ident!r}" if kind == "mood" else ident
    return f"{kind}s[{i}]" if kind == "mood" else f"entries[{i}]"


def _check_mood(i: int, m: Any) -> list[Problem]:
    if not isinstance(m, dict):
        return [Problem(f"moods[{i}]", "-", "must be an object")]
    where = _where("mood", i, m)
    out = _sizes(where, m)
    if not (isinstance(m.get("id"), str) and SLUG.match(m["id"])):
        out.append(Problem(where, "id", "must be a lower-case slug"))
    for f in ("label", "description"):
        if not _str(m.get(f)):
            out.append(Problem(where, f, "must be a non-empty string"))
    if not (isinstance(m.get("colour"), str) and COLOUR.match(m["colour"])):
        out.append(Problem(where, "colour", "must be a colour like #a1b2c3"))
    return out


def _check_entry(where: str, e: dict[str, Any], mood_ids: set[str], partial: bool) -> list[Problem]:
    """Field checks; `partial` entries (overrides) need only the fields they change."""
    out: list[Problem] = []

    def need(f: str) -> bool:
        return f in e or not partial

    if need("title") and not _str(e.get("title")):
        out.append(Problem(where, "title", "must be a non-empty string"))
    if need("blurb") and not _str(e.get("blurb")):
        out.append(Problem(where, "blurb", "must be a non-empty string"))
    if need("artists"):
        arts = e.get("artists")
        if not (isinstance(arts, list) and arts):
            out.append(Problem(where, "artists", "must be a non-empty list"))
        else:
            for j, a in enumerate(arts):
                if not (isinstance(a, dict) and _str(a.get("name"))):
                    out.append(Problem(where, f"artists[{j}].name", "must be a non-empty string"))
                elif "aliases" in a and not _str_list(a["aliases"]):
                    out.append(Problem(where, f"artists[{j}].aliases", "must be a list of strings"))
    if need("moods"):
        moods = e.get("moods")
        if not (
            isinstance(moods, list)
            and 1 <= len(moods) <= 3
            and all(isinstance(x, str) for x in moods)
        ):
            out.append(Problem(where, "moods", "must list 1 to 3 mood ids"))
        else:
            for x in moods:
                if x not in mood_ids:
                    out.append(Problem(where, "moods", f"unknown mood {x!r}"))
    for f in ("title_aliases", "accepted_versions"):
        if f in e and not _str_list(e[f]):
            out.append(Problem(where, f, "must be a list of strings"))
    versions = e.get("accepted_versions")
    for v in versions if isinstance(versions, list) else []:
        if isinstance(v, str) and v not in VERSION_KINDS:
            out.append(Problem(where, "accepted_versions", f"unknown version {v!r}"))
    for f in ("artist", "artist_korean", "album", "drama", "drama_korean", "content_note"):
        if e.get(f) is not None and not _str(e[f]):
            out.append(Problem(where, f, "must be a non-empty string or null"))
    if e.get("year") is not None and not (isinstance(e["year"], int) and 1900 <= e["year"] <= 2100):
        out.append(Problem(where, "year", "must be a year like 2016"))
    if "intensity" in e and not (isinstance(e["intensity"], int) and 1 <= e["intensity"] <= 5):
        out.append(Problem(where, "intensity", "must be a whole number from 1 to 5"))
    src = e.get("source")
    if src is not None and not (
        isinstance(src, dict) and _str(src.get("list")) and src.get("kind") in SOURCE_KINDS
    ):
        out.append(Problem(where, "source", f"needs a list id and a kind in {SOURCE_KINDS}"))
    return out


def validate(data: Any, *, base: Catalog | None = None) -> list[Problem]:
    """Every problem in a catalog document at once; `base` makes it a user overlay."""
    if not isinstance(data, dict):
        return [Problem("catalog", "-", "must be a JSON object with 'moods' and 'entries'")]
    out: list[Problem] = []
    moods = data.get("moods", [] if base else None)
    entries = data.get("entries", [] if base else None)
    if not isinstance(moods, list):
        out.append(Problem("catalog", "moods", "must be a list"))
        moods = []
    if not isinstance(entries, list):
        out.append(Problem("catalog", "entries", "must be a list"))
        entries = []
    if len(moods) > MAX_MOODS:
        out.append(Problem("catalog", "moods", f"too many ({len(moods):,}; at most {MAX_MOODS})"))
        moods = moods[:MAX_MOODS]
    if len(entries) > MAX_ENTRIES:
        out.append(
            Problem("catalog", "entries", f"too many ({len(entries):,}; at most {MAX_ENTRIES:,})")
        )
        entries = entries[:MAX_ENTRIES]
    sources = data.get("sources")
    if sources is not None and not (
        isinstance(sources, list)
        and len(sources) <= MAX_MOODS
        and all(isinstance(s, dict) and _str(s.get("id")) and _str(s.get("label")) for s in sources)
    ):
        out.append(
            Problem("catalog", "sources", "must be a list of objects with an id and a label")
        )
    elif sources:
        out.extend(p for i, s in enumerate(sources) for p in _sizes(f"sources[{i}]", s))
    for i, m in enumerate(moods):
        out.extend(_check_mood(i, m))
    mood_ids: set[str] = {
        m["id"] for m in moods if isinstance(m, dict) and isinstance(m.get("id"), str)
    }
    known_ids: set[str] = set()
    if base:
        mood_ids |= {m.id for m in base.moods}
        known_ids = {e.id for e in base.entries}
    seen: set[str] = set()
    for i, e in enumerate(entries):
        if not isinstance(e, dict):
            out.append(Problem(f"entries[{i}]", "-", "must be an object"))
            continue
        eid = e.get("id")
        where = _where("entry", i, e)
        sized = _sizes(where, e)
        out.extend(sized)
        if not (isinstance(eid, str) and SLUG.match(eid)):
            if not any(p.field == "id" for p in sized):
                out.append(Problem(where, "id", "must be a lower-case slug"))
            where = f"entries[{i}]"
        else:
            if eid in seen:
                out.append(Problem(where, "id", "appears more than once"))
            seen.add(eid)
        if sized:
            continue  # a field too large is not worth checking further
        out.extend(
            _check_entry(where, e, mood_ids, partial=isinstance(eid, str) and eid in known_ids)
        )
    if not base:
        for mood in mood_ids:
            if mood and not any(
                isinstance(e, dict) and isinstance(e.get("moods"), list) and mood in e["moods"]
                for e in entries
            ):
                out.append(Problem(f"mood {mood!r}", "entries", "no entry has this mood"))
    return out


def _entry(d: Mapping[str, Any]) -> Entry:
    src = d.get("source") or {}
    return Entry(
        id=d["id"],
        title=d["title"].strip(),
        artists=tuple(
            Artist(a["name"].strip(), tuple(a.get("aliases") or ())) for a in d["artists"]
        ),
        moods=tuple(d["moods"]),
        blurb=d["blurb"].strip(),
        title_aliases=tuple(d.get("title_aliases") or ()),
        artist=d.get("artist") or "",
        artist_korean=d.get("artist_korean"),
        year=d.get("year"),
        album=d.get("album"),
        drama=d.get("drama"),
        drama_korean=d.get("drama_korean"),
        source_list=src.get("list"),
        source_kind=src.get("kind"),
        content_note=d.get("content_note"),
        intensity=d.get("intensity", 3),
        accepted_versions=tuple(d.get("accepted_versions") or ()),
    )


def _raw(entry: Entry) -> dict[str, Any]:
    """An Entry back to its document form, so overrides can merge field by field."""
    return {
        "id": entry.id,
        "title": entry.title,
        "title_aliases": list(entry.title_aliases),
        "artists": [{"name": a.name, "aliases": list(a.aliases)} for a in entry.artists],
        "artist": entry.artist or None,
        "artist_korean": entry.artist_korean,
        "year": entry.year,
        "album": entry.album,
        "drama": entry.drama,
        "drama_korean": entry.drama_korean,
        "source": {"list": entry.source_list, "kind": entry.source_kind}
        if entry.source_list
        else None,
        "moods": list(entry.moods),
        "content_note": entry.content_note,
        "intensity": entry.intensity,
        "accepted_versions": list(entry.accepted_versions),
        "blurb": entry.blurb,
    }


def build(data: Mapping[str, Any]) -> Catalog:
    """A Catalog from an already validated document."""
    return Catalog(
        moods=tuple(
            Mood(m["id"], m["label"], m["description"], m["colour"]) for m in data["moods"]
        ),
        entries=tuple(_entry(e) for e in data["entries"]),
        sources=tuple(Source(s["id"], s["label"], s["kind"]) for s in data.get("sources") or ()),
    )


def overlay(base: Catalog, data: Mapping[str, Any]) -> Catalog:
    """The base catalog with a validated user document's moods and entries laid over it."""
    moods = {m.id: m for m in base.moods}
    for m in data.get("moods") or ():
        moods[m["id"]] = Mood(m["id"], m["label"], m["description"], m["colour"])
    entries: dict[str, Entry] = {e.id: e for e in base.entries}
    for e in data.get("entries") or ():
        merged = {**_raw(entries[e["id"]]), **e} if e["id"] in entries else e
        entries[e["id"]] = _entry(merged)
    sources = {s.id: s for s in base.sources}
    for s in data.get("sources") or ():
        if isinstance(s, dict) and _str(s.get("id")) and _str(s.get("label")):
            sources[s["id"]] = Source(s["id"], s["label"], s.get("kind", "song"))
    return Catalog(tuple(moods.values()), tuple(entries.values()), tuple(sources.values()))


def load_file(path: Path, *, base: Catalog | None = None) -> Catalog:
    """Load and validate one catalog file (as an overlay on `base` when given)."""
    data = read_json(path)
    problems = validate(data, base=base)
    if problems:
        raise CatalogError(str(path), problems)
    return overlay(base, data) if base else build(data)


@dataclass(frozen=True)
class LoadedCatalog:
    catalog: Catalog
    warnings: tuple[str, ...] = ()


def load(user_path: Path | None = None, builtin_path: Path | None = None) -> LoadedCatalog:
    """The built-in catalog plus the user's overlay; a broken overlay becomes a warning."""
    base = load_file(builtin_path or paths.builtin_catalog_path())
    user = user_path if user_path is not None else paths.user_catalog_path()
    if not user.exists():
        return LoadedCatalog(base)
    try:
        return LoadedCatalog(load_file(user, base=base))
    except CatalogError as exc:
        msg = f"user catalog ignored, built-in catalog used: {exc}"
        return LoadedCatalog(base, (msg,))


def mood_counts(catalog: Catalog, entry_ids: Iterable[str]) -> dict[str, int]:
    """How many distinct entries of each mood are among `entry_ids`."""
    have = set(entry_ids)
    return {m.id: sum(1 for e in catalog.entries_for(m.id) if e.id in have) for m in catalog.moods}
