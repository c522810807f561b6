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
# What counts of any one field for matching: no catalog name is near this long, and a
# bound here keeps every step below linear in it (a 10 MB tag costs what 300 letters do).
MAX_FIELD = 300
# yt-dlp's stand-ins for characters a file name may not hold (NFKC folds the rest).
_STAND_INS = str.maketrans({"⧸": "/", "⧹": "\\", "｜": "|", "：": ":", "＂": '"', "？": "?"})
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
    r"mv|m\s*/\s*v|music\s+video|(?:official\s+)?(?:lyrics?\s+)?(?:video|audio|mv)|"
    r".*\blyrics?\b.*|.*가사.*|.*\b(?:han|rom|eng|kor)\s*/\s*(?:han|rom|eng|kor)\b.*|"
    r"(?:sm\s+)?station(?:\s*[x×]?\s*\d*)?|eng\s*sub|"
    r"special\s+(?:clip|video)|performance\s+video|visuali[sz]er|"
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
        re.compile(
            r"\b(?:inst\.?|instrumental|mr|karaoke|off\s*vocal)(?!\w)|연주곡|반주|노래방", re.I
        ),
    ),
    ("live", re.compile(r"\blive\b|라이브", re.I)),
    ("remix", re.compile(r"\b(?:remix|rmx|mix)\b|리믹스", re.I)),
    ("cover", re.compile(r"\bcover(?:ed|s)?\b|커버", re.I)),
    (
        "acoustic",
        re.compile(
            r"\b(?:acoustic|unplugged|piano|orchestral|music\s*box)\b"
            r"|\b(?:orchestra|string|band|guitar)\s*ver",
            re.I,
        ),
    ),
    (
        "sped-up",
        re.compile(
            r"\b(?:sped\s*up|speed\s*up|slowed|reverb|nightcore|daycore|8\s?d|16\s?d)\b", re.I
        ),
    ),
    (
        "language",
        re.compile(
            r"\b(?:japanese|english|chinese|jp|jpn|eng|chn|cn|mandarin)\.?\s*ver"
            r"|\b(?:japanese|chinese|mandarin)\b|일본어|중국어|영어\s*버전",
            re.I,
        ),
    ),
    ("demo", re.compile(r"\bdemo\b", re.I)),
    (
        "video",
        re.compile(
            r"\bdance\s*practice\b|\breaction\b|\breacts?\b|\bteaser\b|\bchoreography\b"
            r"|안무\s*연습|리액션",
            re.I,
        ),
    ),
)
# K-pop album tracks named "Intro : X", "Outro_ X", "Interlude： X": X is the song.
_KPOP_PREFIX = re.compile(r"^\s*(?:intro|outro|interlude|skit)\s*(?:[:_]|\s-\s)\s*(?=\S)", re.I)
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
    text = text or ""
    if text.isascii():  # NFKC and the curly apostrophes change nothing in ASCII
        text = text.casefold()
    else:  # composed again after case folding: 'ῒ' and 'Ϊ̀' fold alike
        text = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES).casefold()
        text = unicodedata.normalize("NFKC", text)
    text = text.replace("'", "")
    return " ".join(_NON_WORD.sub(" ", text).replace("_", " ").split())


@lru_cache(maxsize=65536)
def key(text: str) -> str:
    """The folded text without any spaces: '눈, 코, 입' and '눈코입' meet here."""
    if text.isascii():  # the common case, letters and digits only: folding is lower case
        compact = "".join(text.split())
        if compact.isalnum():
            return compact.lower()
    return fold(text).replace(" ", "")


@lru_cache(maxsize=65536)
def roman_key(text: str) -> str:
    """A romanized key, only for text that holds Hangul (else the empty string)."""
    if not _HANGUL.search(text or ""):
        return ""
    return key(anyascii(unicodedata.normalize("NFC", text)))


_SOUNDS = (
    ("eo", "u"),
    ("eu", "u"),
    ("ch", "j"),
    ("oo", "u"),
    ("ee", "i"),
    ("wo", "u"),
    ("g", "k"),
    ("b", "p"),
    ("d", "t"),
    ("r", "l"),
    ("sh", "s"),
)


# Family names with several usual spellings, each to one form.
_FAMILY = {
    "yi": "lee", "rhee": "lee", "rhie": "lee",
    "pak": "park", "bak": "park", "bahk": "park",
    "gim": "kim", "ghim": "kim",
    "lim": "im", "yim": "im",
    "choe": "choi", "chwe": "choi",
    "gang": "kang",
    "shin": "sin",
    "yun": "yoon",
}  # fmt: skip


@lru_cache(maxsize=65536)
def sound_key(text: str) -> str:
    """A loose key on which romanizations of one Korean name agree (Jeong/Jung, Hun/Hoon)."""
    words = fold(anyascii(unicodedata.normalize("NFC", clip(text)))).split()
    if len(words) > 1:
        words = [_FAMILY.get(words[0], words[0]), *words[1:-1], _FAMILY.get(words[-1], words[-1])]
    out = "".join(words)
    for a, b in _SOUNDS:
        out = out.replace(a, b)
    return out


def name_orders(name: str) -> tuple[str, ...]:
    """A romanized Korean name family name first and last: 'Lee Sun Hee', 'Sun Hee Lee'."""
    words = fold(clip(name)).split()
    if has_hangul(name) or not 2 <= len(words) <= 4:
        return (name,)
    return (name, " ".join([*words[1:], words[0]]), " ".join([words[-1], *words[:-1]]))


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


def clip(text: str | None) -> str:
    """The part of a field that counts for matching (see MAX_FIELD)."""
    return (text or "")[:MAX_FIELD]


def prepare(text: str | None) -> str:
    """Clipped, NFKC-folded, yt-dlp's full-width stand-ins turned back, spaces trimmed."""
    text = clip(text)
    if text.isascii():
        return text.strip()
    return unicodedata.normalize("NFKC", text.translate(_STAND_INS)).strip()


# Every pattern above needs one of these substrings (lower case): a text holding none of
# them skips the regular expressions, which is most titles.
_VERSION_TRIGGERS = (
    "inst", "mr", "karaoke", "vocal", "연주곡", "반주", "노래방", "live", "라이브", "mix", "rmx",
    "리믹스", "cover", "커버", "acoustic", "unplugged", "piano", "orchestra", "string",
    "band", "guitar", "box", "sped", "speed", "slowed", "reverb", "nightcore", "daycore", "8d",
    "8 d", "16d", "16 d", "japanese", "english", "chinese", "jp", "eng", "chn", "cn",
    "mandarin", "일본어", "중국어", "영어", "demo", "dance",
    "react", "teaser", "choreography", "안무", "리액션",
)  # fmt: skip


_TRIGGER = re.compile("|".join(map(re.escape, _VERSION_TRIGGERS)))


def version_of(text: str) -> tuple[str, ...]:
    """The version words anywhere in a text: 'Fine (Live)', 'fine live 8d audio'."""
    text = clip(text).replace("_", " ")
    if not _TRIGGER.search(text.lower()):
        return ()
    return tuple(name for name, rx in _VERSIONS if rx.search(text))


def without_kpop_prefix(text: str) -> str:
    """'Outro : House of Cards' → 'House of Cards' (the text itself when it has none)."""
    if text.lstrip()[:1].lower() not in ("i", "o", "s"):
        return text
    return _KPOP_PREFIX.sub("", text, count=1) or text


@lru_cache(maxsize=8192)
def parse_title(raw: str, *, from_file_name: bool = False) -> TitleInfo:
    """Split decorations, featured artists and version words from a title tag."""
    text = prepare(raw)
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


_FEAT_INLINE = re.compile(r"\s(?:feat(?:uring)?\.?|ft\.)\s+(.+)$", re.IGNORECASE)


_PARSE_NEEDED = re.compile(r"[(\[{（［【「『<>)\]}）］】」』~–—-]|feat|ft\.", re.IGNORECASE)


def _parse(text: str) -> TitleInfo:
    if not _PARSE_NEEDED.search(text):  # no brackets, dashes or featuring: the title as is
        full = " ".join(text.split())
        forms = dict.fromkeys(f for f in (full, without_kpop_prefix(full)) if key(f))
        return TitleInfo(tuple(forms), (), ())
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
    feat_inline = _FEAT_INLINE.search(text) if "f" in text.lower() else None
    if feat_inline:
        featured.extend(split_artist_names(feat_inline.group(1)))
        text = text[: feat_inline.start()]
    full = " ".join(text.split())
    bare = " ".join(_BRACKETS.sub(" ", full).split()) if inner_titles else full
    candidates: list[str] = []
    for c in (full, bare, *inner_titles):
        for form in (c, without_kpop_prefix(c)):
            if key(form) and form not in candidates:
                candidates.append(form)
    return TitleInfo(tuple(candidates), tuple(featured), tuple(dict.fromkeys(versions)))


@dataclass(frozen=True)
class ArtistInfo:
    """Names credited on a file: primary names, and hints (a group in brackets, 'EXO's')."""

    primary: tuple[str, ...]
    hints: tuple[str, ...]


def split_artist_names(raw: str) -> list[str]:
    return [p.strip(" .-") for p in _ARTIST_SPLIT.split(raw or "") if key(p)]


# "TAEYEON 태연", "태연 TAEYEON": one name written twice, as label channels title videos.
_TWO_SCRIPTS = re.compile(
    r"^(?P<a>[^\uac00-\ud7a3]*[A-Za-z][^\uac00-\ud7a3]*?)\s+(?P<b>[\uac00-\ud7a3][\uac00-\ud7a3\s]*)$"
    r"|^(?P<c>[\uac00-\ud7a3][\uac00-\ud7a3\s]*?)\s+(?P<d>[A-Za-z][^\uac00-\ud7a3]*)$"
)
_LATIN = re.compile(r"[A-Za-z]")
MAX_CREDITS = 8  # artist values that count; a tag with thousands of them costs no more


def parse_artists(values: tuple[str, ...] | list[str]) -> ArtistInfo:
    """'BAEKHYUN (EXO) & 소유', 'EXO's Chanyeol', '태연 (TAEYEON)' → names and hints."""
    primary: list[str] = []
    hints: list[str] = []
    for value in list(values)[:MAX_CREDITS]:
        p, h = _parse_credit(clip(value))
        primary.extend(p)
        hints.extend(h)
    return ArtistInfo(tuple(dict.fromkeys(primary)), tuple(dict.fromkeys(hints)))


_OPENING = re.compile(r"[\(\[\{（［【「『<]")


@lru_cache(maxsize=8192)
def _parse_credit(value: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """One artist value's names and hints (cached: an album repeats its credit)."""
    primary: list[str] = []
    hints: list[str] = []
    value = prepare(value)
    if "`" in value:
        value = value.translate(_APOSTROPHES)
    if not value.isascii():
        value = value.translate(_APOSTROPHES)
        two = _TWO_SCRIPTS.match(value) if has_hangul(value) and _LATIN.search(value) else None
        if two:
            primary.extend(x.strip() for x in two.group("a", "b", "c", "d") if x)
    if not key(value) or is_useless_artist(value):
        return (), ()
    primary.append(value)  # the whole credit may itself be an alias ("TOMORROW X TOGETHER")
    inside: list[str] = []
    outside = value
    if _OPENING.search(value):
        inside = [m.group(1) for m in _BRACKETS.finditer(value)]
        outside = _BRACKETS.sub(" ", value)
    for name in split_artist_names(outside):
        m = _POSSESSIVE.match(name) if "'" in name else None
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
    return tuple(primary), tuple(hints)


# -- one string holding artist and title (file names, video titles) ----------------------
# A video id as yt-dlp ("Title [id]") and youtube-dl ("Title-id") append it.
_YTDLP_ID = re.compile(r"\s*\[[A-Za-z0-9_-]{11}\]\s*$")
_YTDL_ID = re.compile(r"-(?P<id>[A-Za-z0-9_-]{11})\s*$")
# Video-title noise that stands outside brackets.
_VIDEO_NOISE = re.compile(
    r"(?<!\w)(?:official\s+)?(?:m\s*/\s*v|mv|music\s+video|lyrics?\s+video|"
    r"color\s*coded\s+lyrics?|official\s+(?:video|audio|visuali[sz]er))(?!\w)",
    re.IGNORECASE,
)
_QUOTED = re.compile(r"(?:^|(?<=[\s(\[]))['‘\"“「『](?P<q>.+?)['’\"”」』](?=$|[\s)\]])")
_SEPARATORS = re.compile(r"\s*(?:[|/:_·•~]|\s[-–—]\s|[-–—])\s*")
_PREFIX_WORDS = {"intro", "outro", "interlude", "skit"}
MAX_PARTS = 10


def strip_video_id(stem: str) -> str:
    """'Fine [a1B2c3D4e5F]' and 'Fine-a1B2c3D4e5F' → 'Fine'. youtube-dl's form is taken
    only when the tail looks random (a digit, or upper case after the first letter), so
    'Taeyeon-Butterflies' keeps its last word."""
    out = _YTDLP_ID.sub("", stem)
    if out != stem:
        return out
    m = _YTDL_ID.search(stem)
    if m and _random_looking(m["id"]):
        return stem[: m.start()]
    return stem


def _random_looking(word: str) -> bool:
    """True for 'dQw4w9WgXcQ', false for 'EveryoneHas', 'STARLIGHTXX' or 'windflowers'."""
    if re.search(r"[\d_-]", word):
        return True
    return bool(re.search(r"[A-Z]", word[1:])) and not re.fullmatch(
        r"(?:[A-Z][a-z]+)+|[A-Z]+", word
    )


def has_video_id(stem: str) -> bool:
    return strip_video_id(stem) != stem


def looks_like_video_title(text: str) -> bool:
    """'[MV] …', '… (Official Audio)', '… Lyrics': a title written by a video channel."""
    t = prepare(text)
    if _VIDEO_NOISE.search(t):
        return True
    return any(
        _NOISE.match(m.group(1).strip())
        and key(m.group(1))
        and not re.fullmatch(r"\d{4}", m.group(1).strip())
        and re.search(r"(?i)mv|m/v|video|audio|lyric|가사|station|han|rom", m.group(1))
        for m in _BRACKETS.finditer(t)
    )


def is_ignorable(part: str) -> bool:
    """A piece of a split string that names neither artist nor title: a track number,
    '[MV]', 'Official Audio', 'Goblin OST Part 1', 'Outro' before the song's name."""
    f = fold(part)
    if not f or f.isdigit() or f in _PREFIX_WORDS:
        return True
    inner = _BRACKETS.sub(" ", part).strip(" .-~")
    return bool(_NOISE.match(part.strip(" .-~")) or (inner and _NOISE.match(inner))) or bool(
        version_of(part)
    )


@dataclass(frozen=True)
class Parts:
    """A string cut where a separator or a quote stands; `quoted` marks the quoted part."""

    parts: tuple[str, ...]
    quoted: int | None = None


_SPLITTABLE = re.compile(r"[|/:_·•~\-–—'‘\"“「『(\[{（［【<⧸｜：＂]")


def may_split(text: str) -> bool:
    """Whether a string has a separator, quote or bracket to be split at (cheap)."""
    return bool(_SPLITTABLE.search(text))


def split_parts(text: str) -> Parts:
    """Cut 'TAEYEON(태연) _ Fine', 'taeyeon-fine', "BTS 'Butterfly' MV" into pieces.

    Noise brackets and words go first, so pieces are names, numbers or nothing.
    """
    t = strip_video_id(prepare(text))
    t = _BRACKETS.sub(lambda m: " " if _bracket_is_noise(m.group(1)) else m.group(0), t)
    t = _VIDEO_NOISE.sub(" ", t)
    out: list[str] = []
    quoted: int | None = None
    q = _QUOTED.search(t)
    chunks = [t] if q is None else [t[: q.start()], None, t[q.end() :]]
    for chunk in chunks:
        if chunk is None:
            assert q is not None
            quoted = len(out)
            out.append(q["q"].strip())
            continue
        out.extend(p.strip(" .-~'\"") for p in _SEPARATORS.split(chunk))
    keep = [p for p in out if p or False]
    if quoted is not None:
        quoted = sum(1 for p in out[:quoted] if p)
    if len(keep) > MAX_PARTS:
        keep = [*keep[: MAX_PARTS - 1], " ".join(keep[MAX_PARTS - 1 :])]
        quoted = quoted if quoted is not None and quoted < MAX_PARTS - 1 else None
    return Parts(tuple(keep), quoted)


def _bracket_is_noise(inner: str) -> bool:
    inner = inner.strip(" .-~")
    return bool(inner) and (bool(_NOISE.match(inner)) or bool(version_of(inner)))


def split_bracket(text: str) -> tuple[str, str] | None:
    """'Fine (Taeyeon)' → ('Fine', 'Taeyeon'): the text outside and inside one bracket."""
    groups = list(_BRACKETS.finditer(text))
    if len(groups) != 1:
        return None
    inner = groups[0].group(1).strip()
    outside = " ".join(_BRACKETS.sub(" ", text).split())
    return (outside, inner) if key(inner) and key(outside) else None
