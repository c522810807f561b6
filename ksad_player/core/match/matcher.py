"""Deciding which catalog song a file is, or that it is none, and saying why.

Precision comes first: a wrong song in a sad queue is worse than a missing one. A title
must agree and, unless the artist is unknown and the title distinctive, so must an artist.
The catalog is indexed by title keys (with one-deletion neighbours, so a swap, a drop, a
doubled or a changed letter is found), so the work per file does not grow with the size of
the catalog, and every input field counts only up to MAX_FIELD letters.

A file is read in several ways, cheapest first: its tags as they are; then, when that finds
nothing, the artist tag as a video channel ("X - Topic"), the tags swapped, and the title
tag and the file name as one string holding artist and title ("Artist - Title",
"artist_title", "Title (Artist)", "[MV] ARTIST(한글) _ Title"). A string is split by which
part meets a catalog title and which part meets an artist of that same song; the other
parts must be noise (a track number, "[MV]", "Official Audio", a video id).
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from rapidfuzz.distance import OSA

from ksad_player.core.catalog import Catalog, Entry
from ksad_player.core.match.normalize import (
    MAX_CREDITS,
    MAX_FIELD,
    TitleInfo,
    clip,
    fold,
    has_hangul,
    has_video_id,
    is_ignorable,
    is_useless_artist,
    key,
    looks_like_video_title,
    may_split,
    name_orders,
    parse_artists,
    parse_title,
    roman_key,
    sound_key,
    split_artist_names,
    split_bracket,
    split_parts,
    strip_video_id,
    version_of,
    without_kpop_prefix,
)
from ksad_player.core.tags.filenames import readable
from ksad_player.core.tags.reader import Tags


@dataclass(frozen=True)
class MatchWeights:
    """Thresholds and weights, passed in rather than global so tests can vary them."""

    title: float = 0.55
    artist: float = 0.45
    min_title: float = 0.9
    min_artist: float = 0.85
    typo: float = 0.92  # one edit: a swap, a dropped, doubled or changed letter
    romanized: float = 0.95  # Hangul against an English form through romanization
    title_only: float = 0.7  # distinctive title, unknown artist
    hint_only: float = 0.5  # only a bracketed group name agrees ("Chanyeol (EXO)" vs EXO)
    fuzzy_min_length: int = 5


@dataclass(frozen=True)
class Reason:
    """One field's part in the decision: what the file said, which alias it met, how well,
    and (in `note`) which part of which string was read as this field."""

    field: str
    value: str
    alias: str
    score: float
    note: str = ""


@dataclass(frozen=True)
class Match:
    entry_id: str | None
    score: float
    reasons: tuple[Reason, ...] = ()
    verdict: str = ""

    @property
    def matched(self) -> bool:
        return self.entry_id is not None


NO_MATCH = Match(None, 0.0, (), "no catalog title agrees")

# Channel names that say who uploaded, not who sings ("TAEYEON - Topic", "BTS Official").
_CHANNEL_SUFFIX = (" - topic", " official", " official channel", "vevo", " - official")
# Label and lyric channels that upload many artists' videos.
_LABEL_CHANNELS = frozenset(
    key(n)
    for n in (
        "1theK",
        "1theK (원더케이)",
        "SMTOWN",
        "HYBE LABELS",
        "BIGHIT MUSIC",
        "Stone Music Entertainment",
        "JYP Entertainment",
        "YG ENTERTAINMENT",
        "Genie Music",
        "CJ ENM Music",
        "Kakao M",
        "KBS WORLD TV",
        "Mnet K-POP",
        "M2",
        "Dingo Music",
        "STARSHIP",
        "Cube Entertainment",
        "FNC ENTERTAINMENT",
        "Woollim Entertainment",
    )
)
_Hits = dict[int, tuple[float, str, str, str]]  # entry -> score, alias, key, text read
# A path that may end in a video id (the exact test is normalize.has_video_id).
_VIDEO_ID_HINT = re.compile(r"(?:\[[\w-]{11}\]|-[\w-]{11})\.\w+$")
_ORDINAL = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth")
_MAX_DELETION_KEY = 64  # catalog keys longer than this are matched exactly only


def _deletions(k: str) -> set[str]:
    """Every one-letter deletion of a key; only ever called on keys of bounded length."""
    return {k[:i] + k[i + 1 :] for i in range(len(k))}


def _part_name(i: int, n: int) -> str:
    if n == 1:
        return "the whole"
    if i == n - 1:
        return "its last part"
    return f"its {_ORDINAL[i] if i < len(_ORDINAL) else str(i + 1) + 'th'} part"


# An artist credit holding version words: (its text, the names it reads as, the words).
_Credit = tuple[str, tuple[str, ...], tuple[str, ...]]


@dataclass(slots=True)
class _Reading:
    """One way of reading a file: which text is the title, which names are the artist."""

    title: TitleInfo
    names: tuple[str, ...]
    hints: tuple[str, ...]
    folder: tuple[str, ...]
    title_from: str
    artist_from: str
    title_only: bool  # the artist may be unknown (then only a distinctive title decides)


class Matcher:
    """Indexes a catalog once; `match(tags)` then costs about the same for any catalog size."""

    def __init__(self, catalog: Catalog, weights: MatchWeights | None = None) -> None:
        self.catalog = catalog
        self.w = weights or MatchWeights()
        self._entries: list[Entry] = list(catalog.entries)
        self._titles: dict[str, dict[int, str]] = defaultdict(dict)  # key -> entry -> alias
        self._near: dict[str, set[str]] = defaultdict(set)  # deletion -> title keys
        self._artists: list[list[dict[str, str]]] = []  # entry -> artist -> key -> alias
        self._artist_keys: set[str] = set()  # every artist key, for "is this a catalog name"
        self._members: dict[int, list[list[frozenset[str]]]] = {}  # entry -> artist -> sets
        for i, e in enumerate(self._entries):
            for t in e.titles:
                for c in parse_title(clip(t)).candidates:
                    self._titles[key(c)].setdefault(i, t)
            per_artist = []
            korean = [e.artist_korean] if e.artist_korean and len(e.artists) == 1 else []
            for a in e.artists:
                keys: dict[str, str] = {}
                for n in (*a.names, *korean):
                    for form in name_orders(n):
                        for k in (key(form), roman_key(form)):
                            if k:
                                keys.setdefault(k, n)
                        if len(key(form)) >= 6:
                            keys.setdefault("~" + sound_key(form), n)
                per_artist.append(keys)
                # An alias naming several people ("Leo & Ravi" for VIXX LR): its members,
                # credited in any order or form, stand for the unit.
                members = [
                    frozenset(key(x) for x in parts)
                    for n in a.names
                    if len(parts := split_artist_names(n)) >= 2
                ]
                self._members.setdefault(i, []).append(members)
                self._artist_keys.update(k for k in keys if k[0] != "~")
            self._artists.append(per_artist)
        # Version words an entry's own titles hold ("Live"), and those it accepts.
        self._own_versions = [
            {
                v
                for t in (*e.titles, *(n for a in e.artists for n in a.names))
                for v in version_of(t)
            }
            | set(e.accepted_versions)
            for e in self._entries
        ]
        self._max_title_key = max((len(k) for k in self._titles), default=0)
        # One edit leaves either the first or the last letters alone (two of them for keys
        # of 5 to 7 letters, three for longer ones): a key whose ends meet no catalog
        # key's ends needs no neighbour lookup at all (most titles of a library).
        self._ends: set[str] = set()
        for k in self._titles:
            if self.w.fuzzy_min_length <= len(k) <= _MAX_DELETION_KEY:
                self._ends.update((k[:2] + "<", k[-2:] + ">", k[:3] + "<", k[-3:] + ">"))
                self._near[k].add(k)
                for d in _deletions(k):
                    self._near[d].add(k)

    # -- titles -------------------------------------------------------------------------
    def _title_hits(self, candidate: str) -> dict[int, tuple[float, str, str]]:
        """entry -> (score, alias, key) for one title reading."""
        k = key(clip(candidate))
        hits: dict[int, tuple[float, str, str]] = {}
        if not k:
            return hits
        for i, alias in self._titles.get(k, {}).items():
            hits[i] = (1.0, alias, k)
        if hits or not self.w.fuzzy_min_length <= len(k) <= min(
            self._max_title_key + 1, _MAX_DELETION_KEY
        ):
            return hits  # a key longer than every catalog title + 1 cannot be one edit away
        n = 3 if len(k) >= 8 else 2
        if k[:n] + "<" not in self._ends and k[-n:] + ">" not in self._ends:
            return hits
        get = self._near.get
        near: set[str] = set(get(k, ()))
        for d in _deletions(k):
            found = get(d)
            if found:
                near |= found
        for ck in near:
            if OSA.distance(k, ck, score_cutoff=1) <= 1:
                for i, alias in self._titles[ck].items():
                    if i not in hits:
                        hits[i] = (self.w.typo, alias, ck)
        return hits

    def _distinctive(self, title_key: str, alias: str) -> bool:
        """A title that could hardly be another song: long, and unique in the catalog."""
        if len(self._titles.get(title_key, {})) != 1:
            return False
        if has_hangul(alias):
            return len(title_key) >= 4
        return len(fold(alias).split()) >= 3 and len(title_key) >= 10

    # -- artists ------------------------------------------------------------------------
    def _name_score(self, name: str, keys: dict[str, str]) -> tuple[float, str]:
        k = key(name)
        if not k:
            return 0.0, ""
        if k in keys:
            return 1.0, keys[k]
        rk = roman_key(name)
        if rk and rk in keys:
            return self.w.romanized, keys[rk]
        if (rk or len(k) >= 6) and "~" + sound_key(name) in keys:
            return self.w.romanized, keys["~" + sound_key(name)]
        best = (0.0, "")
        if len(k) < self.w.fuzzy_min_length:
            return best
        for ak, alias in keys.items():
            if (
                ak[0] != "~"
                and len(ak) >= self.w.fuzzy_min_length
                and abs(len(ak) - len(k)) <= 1
                and OSA.distance(k, ak, score_cutoff=1) <= 1
            ):
                best = max(best, (self.w.typo, alias))
        return best

    def _artist_score(
        self, i: int, names: tuple[str, ...], hints: tuple[str, ...], source: str
    ) -> tuple[float, list[Reason]]:
        per_artist = self._artists[i]
        matched: list[Reason] = []
        exact = [(key(n), n) for n in names]
        for j, keys in enumerate(per_artist):
            hit = next((n for k, n in exact if k in keys), None)  # the usual case, cheaply
            if hit is None and len(exact) >= 2:
                credited = {k for k, _ in exact}
                team = next((m for m in self._members[i][j] if m <= credited), None)
                if team is not None:
                    value = " & ".join(n for k, n in exact if k in team)
                    note = f"{source}; its members credited instead of the unit"
                    matched.append(Reason("artist", value, next(iter(keys.values())), 1.0, note))
                    continue
            best = (
                (1.0, keys[key(hit)], hit)
                if hit is not None
                else max(((*self._name_score(n, keys), n) for n in names), default=(0.0, "", ""))
            )
            if best[0] >= self.w.min_artist:
                note = source + ("" if best[0] == 1.0 else "; spelt differently")
                matched.append(Reason("artist", best[2], best[1], best[0], note))
        if matched:
            coverage = len(matched) / len(per_artist)
            score = sum(r.score for r in matched) / len(matched) * (0.9 + 0.1 * coverage)
            return score, matched
        for keys in per_artist:
            for h in hints:
                s, alias = self._name_score(h, keys)
                if s >= self.w.min_artist:
                    note = f"{source}; only a bracketed group or possessive name agrees"
                    return self.w.hint_only, [Reason("artist", h, alias, self.w.hint_only, note)]
        return 0.0, []

    def _credit_versions(
        self, i: int, credits: tuple[_Credit, ...]
    ) -> set[str]:
        """The version words of artist credits, less the part of each credit that reads as
        this song's artist: "Mix Kyung Hoon" is Min Kyung Hoon one letter off, no remix;
        a channel ("Piano Covers") or a bracket ("Taeyang (Remix)") still counts."""
        out: set[str] = set()
        for credit, names, found in credits:
            _score, reasons = self._artist_score(i, names, (), "")
            rest = credit
            for reason in reasons:
                rest = rest.replace(reason.value, " ") if reason.value else rest
            out.update(version_of(rest) if reasons else found)
        return out

    def _is_catalog_artist(self, names: tuple[str, ...]) -> bool:
        return any(key(n) in self._artist_keys for n in names)

    # -- the decision -------------------------------------------------------------------
    def match(self, tags: Tags) -> Match:
        """The best entry for these tags, or none; with the reasons either way."""
        title = clip(tags.title)
        from_name = tags.title_source == "filename"
        info = parse_title(title, from_file_name=from_name)
        stem: str | None = None  # the file name, read only when needed
        # Version words count wherever they stand: title tag (a video title too), file name.
        # Looked for only once some catalog title is in sight.
        versions: set[str] = set()
        credits: list[_Credit] = []  # artist credits holding version words, read once

        def read(r: _Reading, hits: _Hits | None = None) -> Match:
            nonlocal stem
            if stem is None:
                stem = _stem(tags.path)
                versions.update(info.versions, version_of(title))
                for a in tags.artists[:MAX_CREDITS]:  # a channel: "Piano Covers", "Nightcore X"
                    found = version_of(a)
                    if found:
                        credit = clip(a)
                        credits.append((credit, parse_artists([credit]).primary, found))
                if stem:
                    vid = _VIDEO_ID_HINT.search(tags.path)
                    # "demo" in a file name is too often the folder's own word (a demo
                    # library, "01 demo.wav"); in the title tag it still counts.
                    named = version_of(strip_video_id(stem) if vid else stem)
                    versions.update(v for v in named if v != "demo")
            return self._read(r, versions, hits, tuple(credits))

        best = NO_MATCH
        hits = self._hits(info)
        if hits:
            best = read(self._plain(tags, info, from_name), hits)
            if best.matched and best.score >= 0.9:
                return best
        if not hits and self._ordinary(tags, title):
            return best  # the common case: a song not in the catalog, tagged plainly
        for reading in self._more_readings(tags, title, bool(hits)):
            cand = read(reading)
            if (cand.matched, cand.score) > (best.matched, best.score):
                best = cand
                if best.matched and best.score >= 0.9:
                    break
        return best

    def _hits(self, info: TitleInfo) -> _Hits:
        """entry -> (score, alias, key, candidate read) over every reading of a title."""
        hits: _Hits = {}
        for c in info.candidates:
            for i, (s, alias, k) in self._title_hits(c).items():
                if i not in hits or s > hits[i][0]:
                    hits[i] = (s, alias, k, c)
        return hits

    def _plain(self, tags: Tags, info: TitleInfo, from_name: bool) -> _Reading:
        """The tags as they are: title tag (or file name), artist tags, folders."""
        artists = parse_artists([*tags.artists[:MAX_CREDITS], *info.featured])
        folder = () if artists.primary else parse_artists(list(tags.folder_artists)).primary
        return _Reading(
            info,
            artists.primary,
            artists.hints,
            folder,
            "the file name" if from_name else "the title tag",
            _artist_source(tags),
            not artists.primary,
        )

    def _ordinary(self, tags: Tags, title: str) -> bool:
        """A file no other reading can help: one real artist that is no catalog title, no
        label and no channel; a title with nothing to split; no video id in its name."""
        if tags.title_source == "filename" or len(tags.artists) != 1:
            return False
        artist = clip(tags.artists[0])
        k = key(artist)
        return not (
            k in self._titles
            or k in _LABEL_CHANNELS
            or is_useless_artist(artist)
            or _CHANNEL_RX.search(artist)
            or _SPLIT_OR_VIDEO.search(title)
            or _VIDEO_ID_HINT.search(tags.path)
        )

    def _more_readings(self, tags: Tags, title: str, title_hit: bool) -> Iterator[_Reading]:
        """Readings tried only when the tags as they are found nothing, cheapest first;
        each is built only when a title of the catalog can be in it."""
        values = [
            v for v in (clip(a) for a in tags.artists[:MAX_CREDITS]) if not is_useless_artist(v)
        ]
        channel = [v for v in values if _without_channel_suffix(v) != v.strip()]
        from_name = tags.title_source == "filename"
        for v in channel if title_hit else ():
            name = _without_channel_suffix(v)
            info = parse_artists([name])
            yield _Reading(
                parse_title(title),
                info.primary,
                info.hints,
                (),
                "the title tag",
                f"the artist tag {v!r} read as a channel of {name!r}",
                False,
            )
        stem = _stem(tags.path)
        video = (
            bool(channel)
            or has_video_id(stem)
            or any(key(v) in _LABEL_CHANNELS for v in values)
            or (_may_be_video_title(title) and looks_like_video_title(title))
        )
        # A channel that names no catalog artist is no artist: the title may decide alone.
        # "X - Topic" and "X Official" name X, though: another artist, when X is not ours.
        artist_unknown = not values or (
            video and not channel and not self._is_catalog_artist(parse_artists(values).primary)
        )
        if values and artist_unknown and title_hit:
            yield _Reading(parse_title(title), (), (), (), "the title tag", "", True)
        if (
            values
            and title
            and (
                key(values[0]) in self._titles  # exactly: swapped and misspelt is too far
                or (may_split(values[0]) and self._any_title_hit(values[0]))
            )
        ):
            yield self._swapped(title, values)
        if title and not from_name and may_split(title):
            yield from self._split_readings(title, "the title tag", artist_unknown)
        if stem and (from_name or (artist_unknown and key(stem) != key(title))) and may_split(stem):
            yield from self._split_readings(stem, "the file name", artist_unknown)

    def _swapped(self, title: str, values: list[str]) -> _Reading:
        swapped = parse_artists([title])
        return _Reading(
            parse_title(values[0]),
            swapped.primary,
            swapped.hints,
            (),
            "the artist tag (title and artist tags swapped)",
            "the title tag (title and artist tags swapped)",
            False,
        )

    def _split_readings(self, text: str, source: str, title_only: bool) -> list[_Reading]:
        """Readings of one string holding artist and title, split by what meets the catalog:
        a run of parts that meets a catalog title, and a run that meets that song's artist."""
        cut = split_parts(text)
        parts = cut.parts
        n = len(parts)
        if not n or (n == 1 and split_bracket(parts[0]) is None):
            return []  # one plain part: the tags as they are said all it says
        noise = [is_ignorable(p) for p in parts]
        out: list[_Reading] = []

        def where(i: int, j: int) -> str:
            if cut.quoted is not None and (i, j) == (cut.quoted, cut.quoted + 1):
                return f"{source}, its quoted part"
            if j - i == 1:
                return f"{source}, {_part_name(i, n)}"
            return f"{source}, parts {i + 1} to {j}"

        def clean(i: int, j: int, k: int = 0, m: int = 0) -> bool:
            """Every part outside the runs [i, j) and [k, m) is noise."""
            return all(noise[x] for x in range(n) if not (i <= x < j or k <= x < m))

        for i in range(n):
            for j in range(i + 1, n + 1):
                text_ij = " ".join(parts[i:j])
                if noise[i] or noise[j - 1] or not self._any_title_hit(text_ij):
                    continue
                info = parse_title(text_ij)
                inside = split_bracket(text_ij)
                if inside and n == 1:
                    # "Title (Artist)" and "Artist (Title)" in a part of its own.
                    for t, a in (inside, inside[::-1]):
                        names = parse_artists([a])
                        out.append(
                            _Reading(
                                parse_title(t), names.primary, names.hints, (),
                                f"{where(i, j)}, outside its brackets"
                                if t == inside[0] else f"{where(i, j)}, inside its brackets",
                                f"{where(i, j)}, inside its brackets"
                                if t == inside[0] else f"{where(i, j)}, outside its brackets",
                                False,
                            )
                        )  # fmt: skip
                if title_only and clean(i, j):
                    out.append(_Reading(info, (), (), (), where(i, j), "", True))
                for k in range(n):
                    for m in range(k + 1, n + 1):
                        if m <= i or k >= j:
                            if noise[k] or noise[m - 1] or not clean(i, j, k, m):
                                continue
                            # Each part may be a name of its own ("BAEKHYUN_SOYOU").
                            run = parts[k:m]
                            names = parse_artists([" ".join(run), *(run if len(run) > 1 else ())])
                            out.append(
                                _Reading(
                                    info, names.primary, names.hints, (),
                                    where(i, j), where(k, m), False,
                                )
                            )  # fmt: skip
        return out

    def _any_title_hit(self, text: str) -> bool:
        return any(self._title_hits(c) for c in parse_title(text).candidates)

    def _read(
        self,
        r: _Reading,
        versions: set[str],
        hits: _Hits | None = None,
        credits: tuple[_Credit, ...] = (),
    ) -> Match:
        hits = self._hits(r.title) if hits is None else hits
        first: set[str] = set()
        if r.title_only:  # a title alone decides only when nothing was left aside
            whole = r.title.candidates[0] if r.title.candidates else ""
            first = {key(whole), key(without_kpop_prefix(whole))}
        if not hits:
            return NO_MATCH
        best: Match | None = None
        if r.title.versions:
            versions = versions | set(r.title.versions)
        for i, (ts, alias, k, c) in hits.items():
            seen = versions | self._credit_versions(i, credits) if credits else versions
            cand = self._judge(i, ts, alias, k, c, key(c) in first, seen, r)
            if best is None or (cand.matched, cand.score) > (best.matched, best.score):
                best = cand
        assert best is not None
        return best

    def _judge(
        self,
        i: int,
        ts: float,
        alias: str,
        title_key: str,
        read: str,
        whole: bool,
        versions: set[str],
        r: _Reading,
    ) -> Match:
        entry = self._entries[i]
        note = r.title_from + ("" if ts == 1.0 else "; one letter differs")
        title_reason = Reason("title", read, alias, ts, note)
        # A version word the song's own title holds ("Live", say) is no version.
        bad_versions = sorted(versions - self._own_versions[i]) if versions else []
        if bad_versions:
            return Match(
                None,
                round(self.w.title * ts, 4),
                (title_reason,),
                f"{entry.id}: {_article(bad_versions[0])} {bad_versions[0]} version is not the "
                "catalog's recording",
            )
        if ts < self.w.min_title:
            return Match(None, round(self.w.title * ts, 4), (title_reason,), "title too far")
        names = r.names or r.folder
        source = r.artist_from if r.names else "the folders"
        a_score, a_reasons = self._artist_score(i, names, r.hints, source)
        score = round(min(1.0, self.w.title * ts + self.w.artist * a_score), 4)
        reasons = (title_reason, *a_reasons)
        if a_score >= self.w.min_artist:
            return Match(entry.id, score, reasons, f"title and artist agree with {entry.id}")
        artist_known = bool(r.names) and not r.title_only
        if (
            r.title_only
            and not r.names
            and whole
            and ts == 1.0
            and self._distinctive(title_key, alias)
        ):
            why = "artist unknown; title is distinctive"
            note_reason = Reason("artist", "", "", 0.0, why)
            return Match(
                entry.id,
                self.w.title_only,
                (title_reason, note_reason),
                f"distinctive title alone names {entry.id}",
            )
        why = (
            "artist unknown and title not distinctive"
            if not artist_known
            else (f"same title, but {', '.join(r.names[:2]) or 'the artist'} is not {entry.credit}")
        )
        return Match(None, score, reasons, why)


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def _stem(path: str) -> str:
    """The file name without its extension, as text: undecodable bytes read as CP949 (old
    Korean Windows) where they are, else shown as U+FFFD — as the reader reads names."""
    name = path[path.rfind(os.sep) + 1 :] if path else ""
    dot = name.rfind(".")
    stem = name[:dot] if dot > 0 else name
    if stem.isascii():
        return stem[:MAX_FIELD]
    return readable(stem[: MAX_FIELD * 4])[:MAX_FIELD]


def _artist_source(tags: Tags) -> str:
    return {
        "tag": "the artist tag",
        "filename": "the file name, its artist part",
        "albumartist": "the album artist tag",
        "folder": "the folders",
    }.get(tags.artist_source, "the artist tag")


_VIDEO_WORDS = re.compile(r"mv|m/v|video|audio|lyric|visuali|[\[(]|가사", re.IGNORECASE)


def _may_be_video_title(title: str) -> bool:
    """A cheap first look; normalize.looks_like_video_title decides."""
    return bool(_VIDEO_WORDS.search(title))


# A separator, quote or bracket to split at, or a word of a video title (cheap first look).
_SPLIT_OR_VIDEO = re.compile(
    r"[|/:_·•~\-–—'‘\"“「『(\[{（［【<⧸｜：＂]|mv|m/v|video|audio|lyric|visuali|가사", re.IGNORECASE
)
_CHANNEL_RX = re.compile(r"(?i)(?:\s-\s*topic|\sofficial(?:\s+channel)?|\s-\s*official)\s*$|vevo")


def _without_channel_suffix(value: str) -> str:
    if not _CHANNEL_RX.search(value):
        return value.strip()
    out = value.strip()
    low = out.casefold()
    for suffix in _CHANNEL_SUFFIX:
        if low.endswith(suffix):
            return out[: len(out) - len(suffix)].strip(" -")
    i = low.find("vevo")
    return (out[:i] + out[i + 4 :]).strip(" -") if i >= 0 else out
