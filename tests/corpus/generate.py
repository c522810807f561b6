"""A realistic K-pop fan's library, generated from public naming conventions.

Nothing here is written case by case: each form is a template or an operator applied to
every catalog entry (or to every decoy), so a new catalog entry gets all of them too.

Conventions used (all public):
- yt-dlp's default output template `%(title)s [%(id)s].%(ext)s`, with its full-width
  stand-ins for characters a file name may not hold (⧸ ： ｜ ＂ ？ ＊);
- youtube-dl's old default `%(title)s-%(id)s.%(ext)s`, and `--restrict-filenames`, which
  writes `_` for spaces and forbidden characters;
- video titles as label channels write them (1theK "[MV] ARTIST(한글) _ Title",
  SMTOWN "ARTIST 한글 'Title' MV", HYBE "ARTIST (한글) 'Title' Official MV",
  Stone Music "[MV] ARTIST(한글) _ Title [드라마 OST Part N]", SM "[STATION] ...") and as
  lyric channels do ("ARTIST - Title (Color Coded Lyrics Han/Rom/Eng)", "[Lyrics/가사]");
  auto-generated "ARTIST - Topic" channels with the bare song title;
- spotDL's `{artists} - {title}` (artists joined by ", ");
- Korean stores' downloads: Melon `아티스트 - 제목`, Genie `01-아티스트-제목`,
  Bugs `제목 - 아티스트`;
- Apple Music's `Album Artist/Album/01 Title.m4a`, where only the album artist is set;
- hand-named files: `Artist-Title`, `artist_title`, `title_artist`, `Title (Artist)`;
- tag mistakes: "Artist - Title" in the title tag under "Various Artists"; swapped tags;
- typo operators (swap, drop, double, change one letter) and romanization operators
  (spaces/hyphens, family name last, eo/u, eu/u) applied to the catalog's own names.

Decoys: every version word (slowed, sped up, reverb, 8D, nightcore, covers, karaoke, MR,
inst, live, Japanese/Chinese/English ver., dance practice, reaction) put in the title
tag, the file name or the video title of each entry; and same-title songs by other artists
in the same forms.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from ksad_player.core.catalog import Catalog, Entry

HANGUL = re.compile(r"[가-힣]")


@dataclass(frozen=True)
class Case:
    """One file of the generated library: what its tags and name say, and what it is."""

    form: str
    path: str
    title: str = ""
    artists: tuple[str, ...] = ()
    albumartist: str = ""
    expected: str | None = None

    @property
    def fmt(self) -> str:
        """The template format for a real file: the extension, as yt-dlp -x writes it."""
        return self.path.rsplit(".", 1)[-1]


# -- operators -----------------------------------------------------------------------------
def typo(text: str, op: str, rng: random.Random) -> str:
    """One edit of a kind people make: swap two neighbouring letters, drop, double or
    change one letter (never the first, which people rarely get wrong)."""
    letters = [i for i, c in enumerate(text) if c.isalpha() and i > 0]
    if op == "swap":
        pairs = [i for i in letters if i + 1 < len(text) and text[i + 1].isalpha()]
        pairs = [i for i in pairs if text[i].lower() != text[i + 1].lower()]
        i = rng.choice(pairs)
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    i = rng.choice(letters)
    if op == "drop":
        return text[:i] + text[i + 1 :]
    if op == "double":
        return text[:i] + text[i] + text[i:]
    c = text[i]
    if HANGUL.match(c):
        new = chr(ord(c) + 28 * 4) if ord(c) + 112 <= 0xD7A3 else chr(ord(c) - 112)
    else:
        new = "x" if c.lower() != "x" else "q"
    return text[:i] + new + text[i + 1 :]


TYPOS = ("swap", "drop", "double", "change")


def romanizations(name: str) -> list[str]:
    """Other common spellings of a romanized Korean personal name (2 or 3 words)."""
    words = name.replace("-", " ").split()
    if not (2 <= len(words) <= 3 and all(w.isalpha() for w in words)) or name.isupper():
        return []
    family, given = words[0], words[1:]
    out = {
        f"{family} {'-'.join(given).capitalize()}",  # Lee Sun-hee
        f"{family} {''.join(given).capitalize()}",  # Lee Sunhee
        f"{' '.join(given)} {family}",  # Sun Hee Lee
        f"{''.join(given).capitalize()} {family}",  # Sunhee Lee
    }
    swapped = name.replace("eo", "u") if "eo" in name else name.replace("u", "eo", 1)
    out.add(swapped)
    if "eu" in name:
        out.add(name.replace("eu", "u"))
    out.discard(name)
    return sorted(out)


def yt_dlp_name(title: str, vid: str, ext: str) -> str:
    """yt-dlp's default template, with its full-width stand-ins."""
    table = str.maketrans({"/": "⧸", ":": "：", "|": "｜", '"': "＂", "?": "？", "*": "＊"})
    return f"{title.translate(table)} [{vid}].{ext}"


def youtube_dl_name(title: str, vid: str, ext: str, *, restrict: bool = False) -> str:
    """youtube-dl's old template; forbidden characters (and with --restrict-filenames,
    spaces and non-ASCII too) become '_'."""
    t = re.sub(r'[/:|"?*]', "_", title)
    if restrict:
        t = re.sub(r"[^A-Za-z0-9_.\-]", "_", t)
        t = re.sub(r"_+", "_", t).strip("_")
    return f"{t}-{vid}.{ext}"


def video_id(rng: random.Random) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    while True:
        vid = "".join(rng.choice(alphabet) for _ in range(11))
        if re.search(r"\d", vid):
            return vid


# -- names of one entry ----------------------------------------------------------------------
@dataclass(frozen=True)
class Names:
    title: str
    ko_title: str | None
    en: tuple[str, ...]  # English artist names
    ko: tuple[str, ...]  # Korean artist names (English where none)
    credit: str


def names(e: Entry) -> Names:
    ko_title = next((t for t in e.title_aliases if HANGUL.search(t) and "(" not in t), None)
    ko = tuple(
        next((n for n in a.aliases if HANGUL.fullmatch(n[:1] or "x")), a.name) for a in e.artists
    )
    return Names(e.title, ko_title, tuple(a.name for a in e.artists), ko, e.credit)


def _safe(s: str) -> str:
    return re.sub(r'[\\/:*?"<>|]', "", s)


# -- the library -----------------------------------------------------------------------------
LABELS = ("1theK (원더케이)", "SMTOWN", "HYBE LABELS", "Stone Music Entertainment")
LYRIC_CHANNELS = ("kpop lyrics daily", "Color Coded Lyrics Hub")


def video_titles(n: Names, i: int, drama: str | None) -> list[tuple[str, str]]:
    """(channel, video title) pairs as label and lyric channels write them."""
    a_en = " & ".join(x.upper() for x in n.en)
    a_both = ", ".join(
        f"{e.upper()}({k})" if k != e else e.upper() for e, k in zip(n.en, n.ko, strict=True)
    )
    t_both = f"{n.title}({n.ko_title})" if n.ko_title else n.title
    ost = f" [{drama} OST Part {i % 5 + 1}]" if drama else ""
    return [
        ("1theK (원더케이)", f"[MV] {a_both} _ {t_both}"),
        (
            "SMTOWN",
            f"{a_en} {n.ko[0]} '{n.title}' MV" if n.ko[0] != n.en[0] else f"{a_en} '{n.title}' MV",
        ),
        ("HYBE LABELS", f"{a_en} ({n.ko[0]}) '{n.title}' Official MV"),
        ("Stone Music Entertainment", f"[MV] {a_both} _ {n.title}{ost}"),
        ("SMTOWN", f"[STATION] {a_en} '{n.title}'"),
        (
            LYRIC_CHANNELS[0],
            f"{a_en} ({n.ko[0]}) - {n.title} (Color Coded Lyrics Han/Rom/Eng/가사)",
        ),
        (LYRIC_CHANNELS[1], f"[Lyrics/가사] {n.title} - {n.credit}"),
        ("4K Video Downloader", f"{n.credit} - {n.title} (Official Audio)"),
    ]


def positives(catalog: Catalog, seed: int = 7) -> list[Case]:
    rng = random.Random(seed)
    out: list[Case] = []
    for i, e in enumerate(catalog.entries):
        n = names(e)
        vids = video_titles(n, i, e.drama)
        # Two video-rip forms per entry (rotating through the channel styles), tagged.
        for channel, vt in (vids[i % len(vids)], vids[(i + 3) % len(vids)]):
            vid = video_id(rng)
            out.append(
                Case(
                    "yt-dlp tagged video",
                    f"yt/{yt_dlp_name(vt, vid, 'opus')}",
                    vt,
                    (channel,),
                    expected=e.id,
                )
            )
        # A video rip with no tags: the file name alone.
        channel, vt = vids[(i + 5) % len(vids)]
        out.append(
            Case("yt-dlp file name", f"yt/{yt_dlp_name(vt, video_id(rng), 'm4a')}", expected=e.id)
        )
        channel, vt = vids[(i + 6) % len(vids)]
        restrict = i % 2 == 0 and not HANGUL.search(vt)
        out.append(
            Case(
                "youtube-dl file name",
                f"ytdl/{youtube_dl_name(vt, video_id(rng), 'mp3', restrict=restrict)}",
                expected=e.id,
            )
        )
        # An auto-generated Topic channel: the bare title, the artist as "X - Topic".
        out.append(
            Case(
                "Topic channel",
                f"topic/{yt_dlp_name(n.title, video_id(rng), 'm4a')}",
                n.title,
                (f"{n.en[0]} - Topic",),
                expected=e.id,
            )
        )
        # spotDL: tagged, and its file name alone.
        spot = f"{', '.join(n.en)} - {n.title}"
        out.append(Case("spotDL file name", f"spotdl/{_safe(spot)}.mp3", expected=e.id))
        # Korean stores.
        store = [
            ("Melon", f"{' & '.join(n.ko)} - {n.ko_title or n.title}"),
            ("Genie", f"{i % 12 + 1:02d}-{n.ko[0]}-{n.ko_title or n.title}"),
            ("Bugs", f"{n.ko_title or n.title} - {n.ko[0]}"),
        ][i % 3]
        out.append(Case(f"{store[0]} file name", f"store/{_safe(store[1])}.mp3", expected=e.id))
        # Apple Music: only the album artist is set.
        album = e.album or e.drama or "Single"
        out.append(
            Case(
                "Apple Music album artist",
                f"{_safe(n.credit)}/{_safe(album)}/{i % 9 + 1:02d} {_safe(n.title)}.m4a",
                n.title,
                (),
                albumartist=n.credit,
                expected=e.id,
            )
        )
        # Hand-named files.
        hand = [
            f"{n.en[0]}-{n.title}".replace(" ", ""),
            f"{n.en[0]}_{n.title}".lower().replace(" ", "_"),
            f"{n.title}_{n.en[0]}".lower().replace(" ", "_"),
            f"{n.title} ({n.credit})",
        ][i % 4]
        hand2 = [
            f"{n.title} ({n.credit})",
            f"{n.en[0]}-{n.title}".lower(),
            f"{n.en[0]}_{n.title}".replace(" ", "_"),
            f"{n.title}_{n.en[0]}".replace(" ", "_"),
        ][i % 4]
        for h in (hand, hand2):
            out.append(Case("hand-named file", f"hand/{_safe(h)}.mp3", expected=e.id))
        # Tag mistakes.
        out.append(
            Case(
                "title tag holds artist and title",
                f"va/{i:02d}.mp3",
                f"{n.credit} - {n.title}",
                ("Various Artists",),
                expected=e.id,
            )
        )
        out.append(Case("swapped tags", f"swap/{i:02d}.mp3", n.credit, (n.title,), expected=e.id))
        # Typos in the catalog's own names (only long ones: short names stay exact).
        if len(re.sub(r"\W", "", n.title)) >= 6:
            t = typo(n.title, TYPOS[i % 4], rng)
            out.append(
                Case(
                    f"title typo ({TYPOS[i % 4]})",
                    f"typo/t{i:02d}.mp3",
                    t,
                    (n.credit,),
                    expected=e.id,
                )
            )
        if len(re.sub(r"\W", "", n.en[0])) >= 6:
            a = typo(n.en[0], TYPOS[(i + 1) % 4], rng)
            out.append(
                Case(
                    f"artist typo ({TYPOS[(i + 1) % 4]})",
                    f"typo/a{i:02d}.mp3",
                    n.title,
                    (a, *n.en[1:]),
                    expected=e.id,
                )
            )
        # Romanizations of Korean personal names.
        for a in e.artists:
            for r in romanizations(a.name)[:2]:
                out.append(
                    Case(
                        "romanization",
                        f"roman/{i:02d}-{_safe(r)}.mp3",
                        n.title,
                        (r,),
                        expected=e.id,
                    )
                )
        # K-pop prefixes, where the song has one on its album.
        if e.id == "bts-house-of-cards":
            for pre in ("Outro : House of Cards", "Outro： House of Cards", "outro_house_of_cards"):
                out.append(
                    Case(
                        "K-pop prefix", f"prefix/{_safe(pre)}.mp3", pre, (n.credit,), expected=e.id
                    )
                )
            out.append(
                Case(
                    "K-pop prefix file name",
                    "prefix/BTS - Outro_ House of Cards.mp3",
                    expected=e.id,
                )
            )
    return out


VERSION_WORDS = (
    "Slowed + Reverb",
    "sped up",
    "Reverb",
    "8D Audio",
    "Nightcore",
    "Piano Cover",
    "Acoustic Cover",
    "Band Cover",
    "Cover by Jane Doe",
    "Karaoke",
    "MR",
    "Inst.",
    "Instrumental",
    "Live",
    "Japanese ver.",
    "Chinese Ver.",
    "English Version",
    "Dance Practice",
    "Reaction",
)

OTHER_ARTISTS = [
    ("Rain", "Taeyeon"),
    ("Rain", "BTS"),
    ("Stay", "Rihanna"),
    ("Stay", "Zedd & Alessia Cara"),
    ("Lonely", "2NE1"),
    ("Lonely", "Akon"),
    ("Butterfly", "Jessica"),
    ("Butterfly", "Crazy Town"),
    ("Goodbye", "Air Supply"),
    ("안녕", "폴킴"),
    ("Memories", "Maroon 5"),
    ("Promise", "Jimin"),
    ("약속", "태연"),
    ("Fine", "Nell"),
    ("Hush", "miss A"),
    ("Stay With Me", "Sam Smith"),
    ("Breathe", "Taeyeon"),
    ("Loser", "Beck"),
    ("If You", "Red Velvet"),
    ("Untitled", "Simple Plan"),
    ("Let Me Out", "Gorillaz"),
    ("I Miss You", "Blink-182"),
    ("Apology", "Alanis Morissette"),
    ("Timeless", "The Weeknd"),
    ("Wasted", "Juice WRLD"),
    ("The Fool", "Ryan Bingham"),
    ("Starlight", "Muse"),
    ("Goblin", "Tyler, The Creator"),
    ("House of Cards", "Radiohead"),
    ("Sailing", "Rod Stewart"),
    ("The Light", "Common"),
    ("Memories", "Conan Gray"),
    ("Beautiful Liar", "Beyoncé & Shakira"),
    ("Downpour", "I Prevail"),
    ("사랑이었다", "이적"),
    ("소나기", "이클립스"),
    ("비가 와", "김범수"),
    ("Windflower", "Nomad"),
    ("Will Be Back", "Someone Else"),
    ("Beautiful Pain", "Anonymous Band"),
]


def decoys(catalog: Catalog, seed: int = 11) -> list[Case]:
    rng = random.Random(seed)
    out: list[Case] = []
    words = list(VERSION_WORDS)
    for i, e in enumerate(catalog.entries):
        n = names(e)
        w1, w2, w3, w4 = (words[(i * 4 + k) % len(words)] for k in range(4))
        out.append(
            Case(
                f"version in title tag ({w1})",
                f"ver/t{i:02d}.mp3",
                f"{n.title} ({w1})",
                (n.credit,),
            )
        )
        out.append(
            Case(
                f"version in file name ({w2})",
                f"ver/{_safe(f'{n.credit} - {n.title} ({w2})')}.mp3",
                n.title,
                (n.credit,),
            )
        )
        vt = f"{n.credit} - {n.title} | {w3}"
        out.append(
            Case(
                f"version in video title ({w3})",
                f"ver/{yt_dlp_name(vt, video_id(rng), 'opus')}",
                vt,
                ("Some Channel",),
            )
        )
        out.append(
            Case(
                f"version in untagged file name ({w4})",
                f"ver/{_safe(f'{n.en[0]}_{n.title}_{w4}'.replace(' ', '_'))}.mp3",
            )
        )
        # A rip from a channel whose name is the version ("Piano Cover Channel").
        vid = video_id(rng)
        out.append(
            Case(
                f"version in the channel's name ({w1})",
                f"ver/{yt_dlp_name(n.title, vid, 'opus')}",
                n.title,
                (f"{w1} Channel",),
            )
        )
    # A catalog title credited to another catalog artist: both names are known, the pair is not.
    entries = list(catalog.entries)
    for i, e in enumerate(entries):
        other = next(
            o for o in entries[i + 1 :] + entries[:i]
            if not {a.name for a in o.artists} & {a.name for a in e.artists}
        )  # fmt: skip
        n, o = names(e), names(other)
        out.append(
            Case(
                "catalog title, other catalog artist (tags)",
                f"cross/t{i:02d}.mp3",
                n.title,
                (o.credit,),
            )
        )
        out.append(
            Case(
                "catalog title, other catalog artist (file name)",
                f"cross/{_safe(f'{o.en[0]}_{n.title}'.replace(' ', '_'))}.mp3",
            )
        )
        vt = f"[MV] {o.en[0].upper()}({o.ko[0]}) _ {n.title}"
        out.append(
            Case(
                "catalog title, other catalog artist (video)",
                f"cross/{yt_dlp_name(vt, video_id(rng), 'opus')}",
                vt,
                ("1theK (원더케이)",),
            )
        )
    for i, (title, artist) in enumerate(OTHER_ARTISTS):
        out.append(Case("same title, other artist (tags)", f"other/t{i:02d}.mp3", title, (artist,)))
        out.append(
            Case(
                "same title, other artist (file name)", f"other/{_safe(f'{artist} - {title}')}.mp3"
            )
        )
        vt = f"[MV] {artist} - {title}"
        out.append(
            Case(
                "same title, other artist (video)",
                f"other/{yt_dlp_name(vt, video_id(rng), 'opus')}",
                vt,
                ("1theK (원더케이)",),
            )
        )
        out.append(
            Case(
                "same title, other artist (title tag, VA)",
                f"other/va{i:02d}.mp3",
                f"{artist} - {title}",
                ("Various Artists",),
            )
        )
    return out


def corpus(catalog: Catalog) -> list[Case]:
    return positives(catalog) + decoys(catalog)


if __name__ == "__main__":  # print the library as a list, to read it
    from ksad_player.core import catalog as catalog_mod

    cat = catalog_mod.load_file(catalog_mod.paths.builtin_catalog_path())
    for c in corpus(cat):
        print(f"{c.expected or '-':45} {c.form:38} {c.path}  | {c.title!r} {c.artists!r}")
