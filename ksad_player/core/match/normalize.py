"""Turning titles and artist credits as people tag them into comparable keys.

Everything here is pure and total: any string in, a (possibly empty) result out.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from anyascii import anyascii

_APOSTROPHES = str.maketrans({c: "'" for c in "’‘`´ʼ′＇"})
_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)
_HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")

# Bracketed or dashed decorations that say nothing about which song it is.
_NOISE = re.compile(
    r"^(?:"
    r"m\s*/?\s*v|official(?:\s+\w+)*|audio|lyrics?(?:\s+video)?|video|visualizer|hd|hq|4k|"
    r"prod(?:uced)?\.?(?:\s+by)?\b.*|"
    r".*\bost\b.*|.*\bo\.s\.t\.?.*|.*soundtrack.*|from\s+.*|.*\bdrama\b.*|"
    r".*remaster(?:ed)?.*|bonus(?:\s+track)?|title\s+track|explicit|clean|single|"
    r"korean\s+ver(?:sion|\.)?|kor(?:ean)?\.?\s*ver\.?|original(?:\s+ver(?:sion|\.)?)?|"
    r"\d{4}|"
    r"드라마.*|.*삽입곡.*|타이틀곡|"
    r")$",
    re.IGNORECASE,
)
_FEAT = re.compile(
    r"^(?:feat(?:uring)?\.?|ft\.?|with|피처링|피쳐링)\s*(?P<names>.+)$", re.IGNORECASE
)
# Versions that are a different recording from the catalog's song.
_VERSIONS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "instrumental",
        re.compile(r"\b(?:inst\.?|instrumental|mr|karaoke|off\s*vocal)\b|연주곡|반주", re.I),
    ),
    ("live", re.compile(r"\blive\b|라이브", re.I)),
    ("remix", re.compile(r"\b(?:remix|rmx|mix)\b|리믹스", re.I)),
    ("cover", re.compile(r"\bcover(?:ed)?\b|커버", re.I)),
    ("acoustic", re.compile(r"\b(?:acoustic|unplugged|piano|orchestra(?:l)?|string)\s*ver", re.I)),
    ("sped-up", re.compile(r"\b(?:sped\s*up|slowed|nightcore|8d)\b", re.I)),
    ("language", re.compile(r"\b(?:japanese|english|chinese|jp|eng|chn)\.?\s*ver", re.I)),
    ("demo", re.compile(r"\bdemo\b", re.I)),
)
_TRACK_PREFIX = re.compile(
    r"^\s*(?:(?:cd|disc)\s*\d+\s*[-.]?\s*)?(?:\d{1,2}\s*[-.]\s*)?\d{1,3}\s*(?:[-._)]\s*|\s+)(?=\S)",
    re.IGNORECASE,
)
_TAG_TRACK_PREFIX = re.compile(r"^\s*(?:\d{1,3}\s*[.)_-]|0\d)\s+(?=\S)")
_BRACKETS = re.compile(r"[\(\[\{（［【「『<]([^\)\]\}）］】」』>]*)[\)\]\}）］】」』>]")
_DASH_TAIL = re.compile(r"\s+[-–—~]\s+(.+)$")
_ARTIST_SPLIT = re.compile(
    r"\s*(?:,|&|＆|;|/|\+|×|、|\s[xX]\s|\band\b|\bwith\b|\bfeat(?:uring)?\.?|\bft\.?|"
    r"\bvs\.?|피처링|피쳐링)\s*",
    re.IGNORECASE,
)
_POSSESSIVE = re.compile(r"^(?P<group>.+?)'s\s+(?P<name>.+)$", re.IGNORECASE)

_USELESS_ARTISTS = {
    "",
    "unknown",
    "unknownartist",
    "artist",
    "variousartists",
    "various",
    "va",
    "none",
    "null",
    "unknownartists",
    "noartist",
    "아티스트",
    "알수없는아티스트",
    "알수없음",
    "여러아티스트",
}
_USELESS_TITLE = re.compile(
    r"^(?:|track\s*\d*|트랙\s*\d*|unknown(?:\s+title)?|audio\s*track\s*\d*|\d+|"
    r"알\s*수\s*없는\s*제목|제목\s*없음|new\s+recording\s*\d*)$",
    re.IGNORECASE,
)


def fold(text: str) -> str:
    """Case, width, accents of composition and punctuation folded away; words kept."""
    text = unicodedata.normalize("NFKC", text or "").translate(_APOSTROPHES).casefold()
    text = text.replace("'", "")
    return " ".join(_NON_WORD.sub(" ", text).replace("_", " ").split())


@lru_cache(maxsize=65536)
def key(text: str) -> str:
    """The folded text without any spaces: '눈, 코, 입' and '눈코입' meet here."""
    return fold(text).replace(" ", "")


@lru_cache(maxsize=65536)
def roman_key(text: str) -> str:
    """A romanized key, only for text that holds Hangul (else the empty string)."""
    if not _HANGUL.search(text or ""):
        return ""
    return key(anyascii(unicodedata.normalize("NFC", text)))


_SOUNDS = (
    ("eo", "u"),
    ("oo", "u"),
    ("ee", "i"),
    ("wo", "u"),
    ("g", "k"),
    ("b", "p"),
    ("d", "t"),
    ("r", "l"),
    ("sh", "s"),
)


@lru_cache(maxsize=65536)
def sound_key(text: str) -> str:
    """A loose key on which romanizations of one Korean name agree (Jeong/Jung, Hun/Hoon)."""
    out = key(anyascii(unicodedata.normalize("NFC", text or ""))).lower()
    for a, b in _SOUNDS:
        out = out.replace(a, b)
    return out


def has_hangul(text: str) -> bool:
    return bool(_HANGUL.search(text or ""))


def is_useless_artist(text: str) -> bool:
    return key(text) in _USELESS_ARTISTS


def is_useless_title(text: str) -> bool:
    return bool(_USELESS_TITLE.match(fold(text)))


def strip_track_number(text: str) -> str:
    """'01 ', '1-03. ', 'CD2 - 04 ' and the like off the front of a file name."""
    return _TRACK_PREFIX.sub("", text, count=1) or text


@dataclass(frozen=True)
class TitleInfo:
    """What a raw title tag says: the names it may stand for, featured artists, version."""

    candidates: tuple[str, ...]
    featured: tuple[str, ...]
    versions: tuple[str, ...]


def version_of(text: str) -> tuple[str, ...]:
    return tuple(name for name, rx in _VERSIONS if rx.search(text))


def parse_title(raw: str, *, from_file_name: bool = False) -> TitleInfo:
    """Split decorations, featured artists and version words from a title tag."""
    text = unicodedata.normalize("NFKC", raw or "").strip()
    numbered = _TAG_TRACK_PREFIX.match(text)
    if from_file_name:
        text = strip_track_number(text)
    elif numbered:
        # "01. Fine" in a title tag: offer both readings, the artist decides.
        return _merge(_parse(text), _parse(text[numbered.end() :]))
    return _parse(text)


def _merge(a: TitleInfo, b: TitleInfo) -> TitleInfo:
    return TitleInfo(
        tuple(dict.fromkeys(a.candidates + b.candidates)),
        tuple(dict.fromkeys(a.featured + b.featured)),
        tuple(dict.fromkeys(a.versions + b.versions)),
    )


def _parse(text: str) -> TitleInfo:
    featured: list[str] = []
    versions: list[str] = []
    inner_titles: list[str] = []

    def take(part: str) -> bool:
        """True when the part is decoration (dropped), False when it is title text."""
        part = part.strip(" -–—~.")
        if not part:
            return True
        feat = _FEAT.match(part)
        if feat:
            featured.extend(split_artist_names(feat.group("names")))
            return True
        found = version_of(part)
        if found:
            versions.extend(found)
            return True
        return bool(_NOISE.match(part))

    def bracket(m: re.Match[str]) -> str:
        if take(m.group(1)):
            return " "
        inner_titles.append(m.group(1).strip())
        return f" ({m.group(1)}) "

    text = _BRACKETS.sub(bracket, text)
    # A trailing " - Live" or " - Prod. X" style suffix (only when it is decoration).
    tail = _DASH_TAIL.search(text)
    if tail and take(tail.group(1)):
        text = text[: tail.start()]
    # "Title feat. X" without brackets.
    feat_inline = re.search(r"\s(?:feat(?:uring)?\.?|ft\.)\s+(.+)$", text, re.IGNORECASE)
    if feat_inline:
        featured.extend(split_artist_names(feat_inline.group(1)))
        text = text[: feat_inline.start()]
    full = " ".join(text.split())
    bare = " ".join(_BRACKETS.sub(" ", full).split())
    candidates: list[str] = []
    for c in (full, bare, *inner_titles):
        if key(c) and c not in candidates:
            candidates.append(c)
    return TitleInfo(tuple(candidates), tuple(featured), tuple(dict.fromkeys(versions)))


@dataclass(frozen=True)
class ArtistInfo:
    """Names credited on a file: primary names, and hints (a group in brackets, 'EXO's')."""

    primary: tuple[str, ...]
    hints: tuple[str, ...]


def split_artist_names(raw: str) -> list[str]:
    return [p.strip(" .-") for p in _ARTIST_SPLIT.split(raw or "") if key(p)]


def parse_artists(values: tuple[str, ...] | list[str]) -> ArtistInfo:
    """'BAEKHYUN (EXO) & 소유', 'EXO's Chanyeol', '태연 (TAEYEON)' → names and hints."""
    primary: list[str] = []
    hints: list[str] = []
    for value in values:
        value = unicodedata.normalize("NFKC", value or "").translate(_APOSTROPHES).strip()
        if not key(value) or is_useless_artist(value):
            continue
        primary.append(value)  # the whole credit may itself be an alias ("TOMORROW X TOGETHER")
        inside = [m.group(1) for m in _BRACKETS.finditer(value)]
        outside = _BRACKETS.sub(" ", value)
        for name in split_artist_names(outside):
            m = _POSSESSIVE.match(name)
            if m:
                primary.append(m.group("name"))
                hints.append(m.group("group"))
            else:
                primary.append(name)
        for group in inside:
            if _FEAT.match(group.strip()):
                primary.extend(split_artist_names(group))
            else:
                # "태연 (TAEYEON)" names the same person twice; "BAEKHYUN (EXO)" names a group.
                hints.extend(split_artist_names(group))
    return ArtistInfo(tuple(dict.fromkeys(primary)), tuple(dict.fromkeys(hints)))
