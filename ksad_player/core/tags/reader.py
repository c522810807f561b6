"""Reading what a music file says about itself, whatever the format and however broken.

`read_tags` never raises for a user's file: it returns Tags, or the reason it could not.
"""

from __future__ import annotations

import base64
import contextlib
import os
import signal
import stat
import struct
import threading
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import mutagen
from mutagen import id3
from mutagen.aiff import AIFF
from mutagen.apev2 import APEv2
from mutagen.asf import ASF
from mutagen.flac import FLAC, Picture
from mutagen.id3 import ID3, Encoding
from mutagen.monkeysaudio import MonkeysAudio
from mutagen.mp3 import MP3
from mutagen.mp4 import MP4
from mutagen.musepack import Musepack
from mutagen.oggopus import OggOpus
from mutagen.oggvorbis import OggVorbis
from mutagen.wave import WAVE
from mutagen.wavpack import WavPack

from ksad_player.core.match.normalize import is_useless_artist, is_useless_title
from ksad_player.core.tags import AUDIO_EXTENSIONS as AUDIO_EXTENSIONS
from ksad_player.core.tags import TOO_LONG as TOO_LONG
from ksad_player.core.tags import ReadResult as ReadResult
from ksad_player.core.tags import Tags as Tags
from ksad_player.core.tags import fastflac, fastmp3, fastmp4, fastogg, filenames, mojibake
from ksad_player.core.tags import is_audio_name as is_audio_name

# Per-field budgets: what matching and display could ever use. A 10 MB title costs no
# more than a long one, and no later step sees more than this.
MAX_FIELD_CHARS = 1000
MAX_VALUES = 32
MAX_DURATION = 24 * 3600.0  # a track longer than a day is a damaged header
MIN_BITS_PER_SECOND = 2000  # below this, the header claims more sound than the bytes hold
MAX_COMPRESSED_FRAME = 16 * 1024  # a zlib ID3 frame larger than this could expand to GBs
READ_SECONDS = 10.0  # per file, where a timer can interrupt the reading (the main thread)
_LOSSLESS = {"FLAC", "WAVE", "AIFF", "WavPack", "MonkeysAudio", "ALAC", "TrueAudio", "OptimFROG"}


def _first_int(value: Any) -> int | None:
    text = str(value[0] if isinstance(value, list | tuple) and value else value or "")
    head = text.split("/")[0].strip()
    return int(head) if head.isdigit() else None


class _Fields:
    """Collects text fields, repairing mis-decoded Hangul where the format allows it."""

    def __init__(self) -> None:
        self.values: dict[str, list[str]] = {}
        self.repaired = False

    def add(self, name: str, texts: Any, *, latin1: bool = False) -> None:
        if texts is None:
            return
        if isinstance(texts, str | bytes) or not hasattr(texts, "__iter__"):
            texts = [texts]
        out = self.values.setdefault(name, [])
        for n, t in enumerate(texts):
            if n >= MAX_VALUES or len(out) >= MAX_VALUES:
                break
            if isinstance(t, bytes):
                s = t[: MAX_FIELD_CHARS * 4].decode("utf-8", "replace")
            else:
                s = t if isinstance(t, str) else str(t)
            s = s[:MAX_FIELD_CHARS].replace("\x00", " ").strip()
            if latin1:
                fixed = mojibake.repair(s)
                if fixed is not None:
                    s, self.repaired = fixed, True
            if s:
                out.append(s)

    def one(self, name: str) -> str:
        return (self.values.get(name) or [""])[0]


def _from_id3(tags: ID3, f: _Fields) -> bool:
    names = {
        "TIT2": "title",
        "TPE1": "artist",
        "TALB": "album",
        "TPE2": "albumartist",
        "TRCK": "track",
    }
    for frame_id, name in names.items():
        for frame in tags.getall(frame_id):
            f.add(name, frame.text, latin1=frame.encoding == Encoding.LATIN1)
    return _id3_has_cover(tags)


def _from_vorbis(tags: Any, f: _Fields) -> bool:
    for name, keys in {
        "title": ("title",),
        "artist": ("artist",),
        "album": ("album",),
        "albumartist": ("albumartist", "album artist"),
        "track": ("tracknumber",),
    }.items():
        for k in keys:
            f.add(name, tags.get(k))
    return "metadata_block_picture" in tags or "coverart" in tags


def _from_mp4(tags: Any, f: _Fields) -> bool:
    for name, k in {
        "title": "©nam",
        "artist": "©ART",
        "album": "©alb",
        "albumartist": "aART",
    }.items():
        f.add(name, tags.get(k))
    trkn = tags.get("trkn")
    if trkn:
        f.add("track", str(trkn[0][0]))
    return bool(tags.get("covr"))


def _from_asf(tags: Any, f: _Fields) -> bool:
    for name, k in {
        "title": "Title",
        "artist": "Author",
        "album": "WM/AlbumTitle",
        "albumartist": "WM/AlbumArtist",
        "track": "WM/TrackNumber",
    }.items():
        f.add(name, [str(v) for v in tags.get(k, [])])
    return bool(tags.get("WM/Picture"))


def _from_ape(tags: Any, f: _Fields) -> bool:
    for name, k in {
        "title": "Title",
        "artist": "Artist",
        "album": "Album",
        "albumartist": "Album Artist",
        "track": "Track",
    }.items():
        if k in tags:
            f.add(name, list(tags[k]))
    return any(k.lower().startswith("cover art") for k in tags)


def _format_name(audio: Any) -> str:
    name = type(audio).__name__
    if isinstance(audio, MP4):
        codec = getattr(audio.info, "codec", "") or ""
        return "ALAC" if codec.startswith("alac") else "AAC"
    return {"OggVorbis": "Vorbis", "OggOpus": "Opus", "OggFLAC": "FLAC"}.get(name, name)


def _extract(audio: Any, f: _Fields) -> bool:
    """Fill `f` from whichever tag system the file carries; True when a cover is embedded."""
    tags = audio.tags
    cover = False
    if isinstance(audio, FLAC):
        cover = bool(audio.pictures)
    if tags is None:
        return cover
    if isinstance(tags, ID3):
        return _from_id3(tags, f) or cover
    if isinstance(audio, MP4):
        return _from_mp4(tags, f)
    if isinstance(audio, ASF):
        return _from_asf(tags, f)
    if isinstance(tags, APEv2):
        return _from_ape(tags, f)
    return _from_vorbis(tags, f) or cover


def _apply_fallbacks(t: Tags) -> Tags:
    """Fill useless title or artist fields from the file name and folders."""
    title_useless = is_useless_title(t.title)
    artist_useless = not [a for a in t.artists if not is_useless_artist(a)]
    if not (title_useless or artist_useless):
        return t  # the common case: no path parsing at all
    guess = filenames.guess(t.path)
    changes: dict[str, Any] = {}
    if title_useless:
        changes.update(title=guess.title, title_source="filename")
    if artist_useless:
        if t.albumartist and not is_useless_artist(t.albumartist):
            changes.update(artists=(t.albumartist,), artist_source="albumartist")
        elif guess.artists:
            changes.update(artists=guess.artists, artist_source="filename")
        else:
            source = "folder" if guess.folder_artists else "none"
            changes.update(artists=(), artist_source=source, folder_artists=guess.folder_artists)
    return replace(t, **changes)


_EXPECTED_FORMATS = {
    ".mp3": {"MP3", "EasyMP3"},
    ".flac": {"FLAC"},
    ".ogg": {"Vorbis", "Opus", "FLAC", "OggSpeex", "OggTheora"},
    ".opus": {"Opus"},
    ".m4a": {"AAC", "ALAC"},
    ".wma": {"ASF"},
    ".wav": {"WAVE"},
    ".aiff": {"AIFF"},
    ".aif": {"AIFF"},
    ".wv": {"WavPack"},
    ".ape": {"MonkeysAudio"},
}


def _mislabel_warning(path: str, fmt: str) -> str | None:
    ext = os.path.splitext(path)[1].lower()
    expected = _EXPECTED_FORMATS.get(ext)
    if expected and fmt not in expected:
        return f"named {ext} but the content is {fmt}; read by content"
    return None


def _bounded(frame: Any) -> Any:
    """The frame class, refusing compressed frames large enough to be a zlib bomb (mutagen
    would expand them whole); the frame is then skipped like any junk frame."""

    def _fromData(cls: Any, header: Any, tflags: int, data: bytes) -> Any:
        flag = 0x0008 if header.version >= (2, 4, 0) else 0x0080
        if tflags & flag and len(data) > MAX_COMPRESSED_FRAME:
            raise id3.ID3JunkFrameError("compressed frame too large")
        return frame._fromData.__func__(cls, header, tflags, data)

    return type(frame.__name__, (frame,), {"_fromData": classmethod(_fromData)})


_SCAN_FRAMES = {k: _bounded(id3.Frames[k]) for k in ("TIT2", "TPE1", "TALB", "TPE2", "TRCK")}
_SCAN_FRAMES.update({k: id3.Frames_2_2[k] for k in ("TT2", "TP1", "TAL", "TP2", "TRK")})
_BY_EXTENSION: dict[str, Any] = {
    ".mp3": MP3, ".flac": FLAC, ".ogg": OggVorbis, ".oga": OggVorbis, ".opus": OggOpus,
    ".m4a": MP4, ".m4b": MP4, ".mp4": MP4, ".wma": ASF, ".asf": ASF, ".wav": WAVE,
    ".aif": AIFF, ".aiff": AIFF, ".aifc": AIFF, ".wv": WavPack, ".ape": MonkeysAudio,
    ".mpc": Musepack, ".mp+": Musepack, ".mpp": Musepack,
}  # fmt: skip


def _open_for_scan(path: str) -> Any:
    """The format class the extension names, reading only the ID3 text frames we use and
    ID3v1 only without ID3v2; content sniffing when the extension is wrong or unknown."""
    cls = _BY_EXTENSION.get(os.path.splitext(path)[1].lower())
    if cls is not None:
        try:
            if issubclass(cls, MP3):
                with open(path, "rb") as f:
                    has_v2 = f.read(3) == b"ID3"
                return cls(path, known_frames=_SCAN_FRAMES, load_v1=not has_v2)
            return cls(path)
        except Exception:  # mislabelled or damaged: let content sniffing decide
            pass
    return mutagen.File(path)


def _id3_has_cover(tags: ID3) -> bool:
    return bool(tags.getall("APIC")) or any(
        raw[:4] == b"APIC" or raw[:3] == b"PIC" for raw in tags.unknown_frames
    )


def _os_reason(exc: OSError, verb: str) -> str:
    """An operating-system error in a user's words, without the path it names."""
    if isinstance(exc, PermissionError):
        return "cannot open: Permission denied"
    if exc.strerror:
        return f"{verb}: {exc.strerror}"
    return f"{verb}: the disk would not give its data"


# Mutagen's messages, which name its internals, in the words a user needs.
_REASONS = (
    ("sync", "no audio frames found"),
    ("header", "its header is damaged"),
    ("truncated", "the file ends early"),
    ("expected", "its header is damaged"),
    ("not enough data", "the file ends early"),
    ("eof", "the file ends early"),
    ("end of file", "the file ends early"),
    ("size", "a size in its header is wrong"),
    ("invalid", "its data is damaged"),
)


def _damage_reason(exc: BaseException, path: str) -> str:
    """ "damaged FLAC file: the file ends early" rather than mutagen's own words."""
    ext = os.path.splitext(path)[1].lstrip(".").upper() or "audio"
    text = str(exc).lower()
    why = next((w for k, w in _REASONS if k in text), "its data is damaged or cut short")
    if isinstance(exc, EOFError | struct.error | IndexError):
        why = "the file ends early"
    return f"damaged {ext} file: {why}"


def _implausible(fmt: str, length: float, bitrate: int, size: int) -> str | None:
    """Why a stream's header cannot describe real audio, or None when it can: a duration
    under a day that the file's size and bitrate agree with."""
    if length <= 0:
        return None
    if length > MAX_DURATION:
        return f"not audio, or damaged: the {fmt} header claims {_hours(length)} of sound"
    if size * 8 / length < MIN_BITS_PER_SECOND:
        return (
            f"not audio, or damaged: the {fmt} header claims {_hours(length)} "
            f"of sound in {size:,} bytes"
        )
    if bitrate and length * bitrate / 8 > size * 2 + 65536:
        return (
            f"not audio, or damaged: {_hours(length)} at {bitrate // 1000:,} kbit/s "
            f"would need far more than its {size:,} bytes"
        )
    return None


def _hours(seconds: float) -> str:
    if seconds >= 3600:
        return f"{seconds / 3600:,.0f} hours"
    if seconds >= 60:
        return f"{seconds / 60:,.0f} minutes"
    return f"{seconds:,.1f} seconds"


class _TooLong(BaseException):
    """Raised by the read timer; a BaseException so no `except Exception` in mutagen eats it."""


def _on_alarm(_sig: int, _frame: Any) -> None:
    raise _TooLong


@contextlib.contextmanager
def _time_budget(seconds: float) -> Iterator[None]:
    """A per-file time limit on the main thread (the CLI, and each scan worker); elsewhere,
    or when the caller already runs a timer, nothing: a worker's own budget applies there."""
    if (
        threading.current_thread() is not threading.main_thread()
        or signal.getitimer(signal.ITIMER_REAL)[0] > 0
    ):
        yield
        return
    if signal.getsignal(signal.SIGALRM) is not _on_alarm:
        signal.signal(signal.SIGALRM, _on_alarm)  # once: it acts only while a read is timed
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def read_tags(path: str | os.PathLike[str], *, scan: bool = True, timed: bool = True) -> ReadResult:
    """Tags for one file, or the reason there are none; never raises for bad files, and
    gives up with TOO_LONG after READ_SECONDS where a timer can interrupt it.

    Every caller takes the same path (`scan` is kept for callers, and changes nothing), so
    `scan` and `match` agree on every file: the fast MP3 path, the format the extension
    names, content sniffing, then the checks that the stream is plausible. Each text field
    is bounded (MAX_FIELD_CHARS, MAX_VALUES) and no compressed frame is expanded past a
    budget, so any file is read in bounded time and memory.

    `timed=False` is for a caller that bounds each file itself: a scan worker, which the
    scan replaces when a file takes too long. The timer costs a fifth of an MP3's read."""
    spath = os.fspath(path)
    if not timed:
        return _read_tags(spath)
    try:
        with _time_budget(READ_SECONDS):
            return _read_tags(spath)
    except _TooLong:
        try:
            st = os.stat(spath)
            return ReadResult(spath, error=TOO_LONG, size=st.st_size, mtime_ns=st.st_mtime_ns)
        except OSError:
            return ReadResult(spath, error=TOO_LONG)


def _read_tags(spath: str) -> ReadResult:
    try:
        st = os.stat(spath)
    except OSError as exc:
        return ReadResult(spath, error=_os_reason(exc, "cannot open"))
    base: dict[str, Any] = {"size": st.st_size, "mtime_ns": st.st_mtime_ns}
    if not stat.S_ISREG(st.st_mode):
        return ReadResult(spath, error="not a regular file", **base)
    if st.st_size == 0:
        return ReadResult(spath, error="empty file (0 bytes)", **base)
    if spath[-4:].lower() == ".mp3":
        try:
            fast = fastmp3.read(spath)
        except fastmp3.Damaged as exc:
            return ReadResult(spath, error=str(exc), **base)
        except OSError as exc:
            return ReadResult(spath, error=_os_reason(exc, "cannot read"), **base)
        except Exception:
            fast = None  # mutagen below will say what is wrong
        if fast is not None:
            bad = _implausible("MP3", fast.length, fast.bitrate, st.st_size)
            if bad:
                return ReadResult(spath, error=bad, **base)
            f = _Fields()
            for name, values in fast.fields.items():
                for text, latin1 in values:
                    f.add(name, text, latin1=latin1)
            tags = _build(spath, f, "MP3", fast.length, fast.has_cover, fast.bitrate)
            return ReadResult(spath, tags=tags, **base)
    quick = _fast_path(spath)
    if quick is not None:
        fmt, fields, has_cover, length, bitrate = quick
        f = _Fields()
        for name, texts in fields.items():
            f.add(name, texts)
        if length <= 0 and not f.values:
            return ReadResult(spath, error=f"no audio data in this {fmt} file", **base)
        bad = _implausible(fmt, length, bitrate, st.st_size)
        if bad:
            return ReadResult(spath, error=bad, **base)
        tags = _build(spath, f, fmt, length, has_cover, bitrate)
        return ReadResult(spath, tags=tags, **base)
    try:
        audio = _open_for_scan(spath)
    except OSError as exc:
        return ReadResult(spath, error=_os_reason(exc, "cannot read"), **base)
    except Exception as exc:  # mutagen raises many kinds on damaged data
        cause = exc.__cause__ or exc.__context__
        if isinstance(cause, OSError) and not isinstance(cause, EOFError) and cause.errno:
            return ReadResult(spath, error=_os_reason(cause, "cannot read"), **base)
        return ReadResult(spath, error=_damage_reason(exc, spath), **base)
    if audio is None:
        return ReadResult(spath, error="not a recognised audio format", **base)
    f = _Fields()
    fmt = _format_name(audio)
    try:
        has_cover = _extract(audio, f)
    except Exception:
        return ReadResult(spath, error=f"damaged tags in this {fmt} file", **base)
    info = audio.info
    try:
        length = float(getattr(info, "length", 0.0) or 0.0)
        bitrate = int(getattr(info, "bitrate", 0) or 0)
    except (TypeError, ValueError, OverflowError):
        length, bitrate = 0.0, 0
    if length != length or length in (float("inf"), float("-inf")):  # NaN or infinite
        length = MAX_DURATION * 2
    length, bitrate = max(length, 0.0), max(bitrate, 0)  # below zero: a damaged count
    if length <= 0 and not f.values:
        return ReadResult(spath, error=f"no audio data in this {fmt} file", **base)
    bad = _implausible(fmt, length, bitrate, st.st_size)
    if bad:
        return ReadResult(spath, error=bad, **base)
    return ReadResult(spath, tags=_build(spath, f, fmt, length, has_cover, bitrate), **base)


_FastFields = tuple[str, dict[str, list[str]], bool, float, int]


def _fast_path(spath: str) -> _FastFields | None:
    """(format, fields, cover, length, bitrate) from the fast reader the extension names
    (M4A, FLAC, Ogg Vorbis or Opus), each checked against mutagen by a differential test;
    None when there is none, or the file is anything but plain: mutagen then reads it."""
    ext = spath[spath.rfind(".") :].lower()
    try:
        if ext in (".m4a", ".m4b", ".mp4"):
            mp4 = fastmp4.read(spath)
            if mp4 is not None:
                fmt = "ALAC" if mp4.codec == "alac" else "AAC"
                return fmt, mp4.fields, mp4.has_cover, mp4.length, mp4.bitrate
        elif ext == ".flac":
            flac = fastflac.read(spath)
            if flac is not None:
                return "FLAC", flac.fields, flac.has_cover, flac.length, flac.bitrate
        elif ext in (".ogg", ".oga", ".opus"):
            ogg = fastogg.read(spath)
            if ogg is not None:
                fmt = "Opus" if ogg.codec == "opus" else "Vorbis"
                return fmt, ogg.fields, ogg.has_cover, ogg.length, ogg.bitrate
    except Exception:  # mutagen below will say what is wrong
        return None
    return None


def _build(path: str, f: _Fields, fmt: str, length: float, cover: bool, bitrate: int) -> Tags:
    tags = Tags(
        path=path,
        format=fmt,
        title=f.one("title"),
        artists=tuple(dict.fromkeys(f.values.get("artist", []))),
        album=f.one("album"),
        albumartist=f.one("albumartist"),
        tracknumber=_first_int(f.one("track")),
        duration=length,
        has_cover=cover,
        lossless=fmt in _LOSSLESS,
        bitrate=bitrate,
        repaired=f.repaired,
        warning=_mislabel_warning(path, fmt),
    )
    return _apply_fallbacks(tags)


def read_cover(path: str) -> bytes | None:
    """The embedded front cover's bytes (or the first picture), or None; never raises."""
    try:
        audio = mutagen.File(path)
    except Exception:
        return None
    if audio is None:
        return None
    try:
        if isinstance(audio, FLAC) and audio.pictures:
            return bytes(audio.pictures[0].data)
        tags = audio.tags
        if tags is None:
            return None
        if isinstance(tags, ID3):
            pics = tags.getall("APIC")
            front = [p for p in pics if p.type == 3] or pics
            return bytes(front[0].data) if front else None
        if isinstance(audio, MP4):
            covr = tags.get("covr")
            return bytes(covr[0]) if covr else None
        if isinstance(audio, ASF):
            return None  # WMA pictures are noticed, not shown
        block = tags.get("metadata_block_picture") if hasattr(tags, "get") else None
        if block:
            return bytes(Picture(base64.b64decode(block[0])).data)
    except Exception:
        return None
    return None
