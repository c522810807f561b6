"""Deciding which catalog song a file is, or that it is none, and saying why.

Precision comes first: a wrong song in a sad queue is worse than a missing one. A title
must agree and, unless the artist is unknown and the title distinctive, so must an artist.
The catalog is indexed by title keys (with one-edit neighbours), so the work per file does
not grow with the size of the catalog.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from ksad_player.core.catalog import Catalog, Entry
from ksad_player.core.match.normalize import (
    fold,
    has_hangul,
    key,
    parse_artists,
    parse_title,
    roman_key,
    sound_key,
)
from ksad_player.core.tags.reader import Tags


@dataclass(frozen=True)
class MatchWeights:
    """Thresholds and weights, passed in rather than global so tests can vary them."""

    title: float = 0.55
    artist: float = 0.45
    min_title: float = 0.9
    min_artist: float = 0.85
    typo: float = 0.92  # a one-letter difference
    romanized: float = 0.95  # Hangul against an English form through romanization
    title_only: float = 0.7  # distinctive title, unknown artist
    hint_only: float = 0.5  # only a bracketed group name agrees ("Chanyeol (EXO)" vs EXO)
    fuzzy_min_length: int = 5


@dataclass(frozen=True)
class Reason:
    """One field's part in the decision: what the file said, which alias it met, how well."""

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


def _deletions(k: str) -> set[str]:
    return {k[:i] + k[i + 1 :] for i in range(len(k))}


@dataclass
class _Alias:
    key: str
    text: str


class Matcher:
    """Indexes a catalog once; `match(tags)` then costs about the same for any catalog size."""

    def __init__(self, catalog: Catalog, weights: MatchWeights | None = None) -> None:
        self.catalog = catalog
        self.w = weights or MatchWeights()
        self._entries: list[Entry] = list(catalog.entries)
        self._titles: dict[str, dict[int, str]] = defaultdict(dict)  # key -> entry -> alias
        self._near: dict[str, set[str]] = defaultdict(set)  # deletion -> title keys
        self._artists: list[list[dict[str, str]]] = []  # entry -> artist -> key -> alias
        for i, e in enumerate(self._entries):
            for t in e.titles:
                for c in parse_title(t).candidates:
                    k = key(c)
                    self._titles[k].setdefault(i, t)
            per_artist = []
            for a in e.artists:
                keys: dict[str, str] = {}
                for n in a.names:
                    for k in (key(n), roman_key(n)):
                        if k:
                            keys.setdefault(k, n)
                    if not has_hangul(n) and len(key(n)) >= 6:
                        keys.setdefault("~" + sound_key(n), n)
                per_artist.append(keys)
            self._artists.append(per_artist)
        for k in self._titles:
            if len(k) >= self.w.fuzzy_min_length:
                self._near[k].add(k)
                for d in _deletions(k):
                    self._near[d].add(k)

    # -- titles -------------------------------------------------------------------------
    def _title_hits(self, candidate: str) -> dict[int, tuple[float, str, str]]:
        """entry -> (score, alias, key) for one title reading."""
        k = key(candidate)
        hits: dict[int, tuple[float, str, str]] = {}
        if not k:
            return hits
        for i, alias in self._titles.get(k, {}).items():
            hits[i] = (1.0, alias, k)
        if hits or len(k) < self.w.fuzzy_min_length:
            return hits
        near: set[str] = set(self._near.get(k, ()))
        for d in _deletions(k):
            near |= self._near.get(d, set())
        for ck in near:
            if Levenshtein.distance(k, ck, score_cutoff=1) <= 1:
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
        if rk and "~" + sound_key(name) in keys:
            return self.w.romanized, keys["~" + sound_key(name)]
        best = (0.0, "")
        for ak, alias in keys.items():
            long_enough = min(len(k), len(ak)) >= self.w.fuzzy_min_length
            if ak[0] != "~" and long_enough and Levenshtein.distance(k, ak, score_cutoff=1) <= 1:
                best = max(best, (self.w.typo, alias))
        return best

    def _artist_score(
        self, i: int, names: tuple[str, ...], hints: tuple[str, ...]
    ) -> tuple[float, list[Reason]]:
        per_artist = self._artists[i]
        matched: list[Reason] = []
        for keys in per_artist:
            best = max(((*self._name_score(n, keys), n) for n in names), default=(0.0, "", ""))
            if best[0] >= self.w.min_artist:
                matched.append(Reason("artist", best[2], best[1], best[0]))
        if matched:
            coverage = len(matched) / len(per_artist)
            score = sum(r.score for r in matched) / len(matched) * (0.9 + 0.1 * coverage)
            return score, matched
        for keys in per_artist:
            for h in hints:
                s, alias = self._name_score(h, keys)
                if s >= self.w.min_artist:
                    note = "only a bracketed group or possessive name agrees"
                    return self.w.hint_only, [Reason("artist", h, alias, self.w.hint_only, note)]
        return 0.0, []

    # -- the decision -------------------------------------------------------------------
    def match(self, tags: Tags) -> Match:
        """The best entry for these tags, or none; with the reasons either way."""
        info = parse_title(tags.title, from_file_name=tags.title_source == "filename")
        hits: dict[int, tuple[float, str, str, str]] = {}
        for c in info.candidates:
            for i, (s, alias, k) in self._title_hits(c).items():
                if i not in hits or s > hits[i][0]:
                    hits[i] = (s, alias, k, c)
        if not hits:
            return NO_MATCH
        artists = parse_artists([*tags.artists, *info.featured])
        folder = () if artists.primary else parse_artists(list(tags.folder_artists)).primary
        best: Match | None = None
        for i, (ts, alias, k, c) in hits.items():
            entry = self._entries[i]
            cand = self._judge(
                entry, i, ts, alias, k, c, info.versions, artists.primary, folder, artists.hints
            )
            if best is None or (cand.matched, cand.score) > (best.matched, best.score):
                best = cand
        assert best is not None
        return best

    def _judge(
        self,
        entry: Entry,
        i: int,
        ts: float,
        alias: str,
        title_key: str,
        read: str,
        versions: tuple[str, ...],
        names: tuple[str, ...],
        folder: tuple[str, ...],
        hints: tuple[str, ...],
    ) -> Match:
        title_reason = Reason("title", read, alias, ts, "" if ts == 1.0 else "one letter differs")
        bad_versions = [v for v in versions if v not in entry.accepted_versions]
        if bad_versions:
            return Match(
                None,
                round(self.w.title * ts, 4),
                (title_reason,),
                f"{entry.id}: a {bad_versions[0]} version is not the catalog's recording",
            )
        if ts < self.w.min_title:
            return Match(None, round(self.w.title * ts, 4), (title_reason,), "title too far")
        a_score, a_reasons = self._artist_score(i, names or folder, hints)
        score = round(min(1.0, self.w.title * ts + self.w.artist * a_score), 4)
        reasons = (title_reason, *a_reasons)
        if a_score >= self.w.min_artist:
            return Match(entry.id, score, reasons, f"title and artist agree with {entry.id}")
        artist_known = bool(names)
        if not artist_known and ts == 1.0 and self._distinctive(title_key, alias):
            note = Reason("artist", "", "", 0.0, "artist unknown; title is distinctive")
            return Match(
                entry.id,
                self.w.title_only,
                (title_reason, note),
                f"distinctive title alone names {entry.id}",
            )
        why = (
            "artist unknown and title not distinctive"
            if not artist_known
            else (f"same title, but {', '.join(names[:2]) or 'the artist'} is not {entry.credit}")
        )
        return Match(None, score, reasons, why)
