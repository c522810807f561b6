"""The `ksad-player` command: no subcommand opens the window; the rest drive the core."""

from __future__ import annotations

import argparse
import os
import sys

from ksad_player import __version__
from ksad_player.core.display import display_path, for_terminal

# Only what --help needs is imported here (json, pathlib, random, signal and typing cost
# more than Python's own start); each command imports the rest. See bench/startup.py.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from typing import Any, NoReturn

    from ksad_player.core.library.identify import Identified
    from ksad_player.core.library.scanner import ScanEvent, ScanProgress
    from ksad_player.core.session import Session

# The queue orders, spelled here so that --help needs no core import (a test checks
# they equal ksad_player.core.play.queue.ORDERS).
ORDER_CHOICES = ("shuffle", "arc")


class _Formatter(argparse.HelpFormatter):
    """argparse's own help layout, sized without importing shutil (and its zlib, bz2, lzma)."""

    def __init__(self, prog: str) -> None:
        try:
            columns = int(os.environ.get("COLUMNS", "")) or os.get_terminal_size().columns
        except (ValueError, OSError):
            columns = 80
        super().__init__(prog, width=columns - 2)


class _Parser(argparse.ArgumentParser):
    """Bad arguments: one line on stderr and exit code 2."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def _warn(message: str) -> None:
    print(f"ksad-player: warning: {for_terminal(message)}", file=sys.stderr)


def _session(args: argparse.Namespace) -> Session:
    """The one core object, as every command uses it; its warnings go to stderr."""
    from pathlib import Path

    from ksad_player.core.session import Session

    index = getattr(args, "index", None)
    session = Session(index_path=Path(index) if index else None, on_wait=_warn)
    for w in session.messages:
        _warn(w)
    return session


def _open_library(session: Session) -> Session:
    """Open the index now, so that what opening it said is printed before the results."""
    seen = len(session.messages)
    session.index  # noqa: B018 - opening is the point
    for w in session.messages[seen:]:
        _warn(w)
    return session


def _record(item: Identified) -> dict[str, Any]:
    t = item.tags
    m = item.match
    return {
        # The path as the OS gave it: undecodable bytes stay surrogate escapes (\udcXX in
        # the JSON), so os.fsencode(record["path"]) is the file's real name.
        "path": item.path,
        "display_path": display_path(item.path),
        "entry": m.entry_id if m else None,
        "score": m.score if m else 0.0,
        "title": t.title if t else None,
        "artist": t.artist if t else None,
        "error": item.error,
    }


def cmd_catalog_check(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ksad_player.core import catalog as catalog_mod

    base = None
    path = Path(args.file) if args.file else None
    try:
        if path is None:
            cat = catalog_mod.load_file(catalog_mod.paths.builtin_catalog_path())
            path = catalog_mod.paths.builtin_catalog_path()
        else:
            if args.overlay:
                base = catalog_mod.load_file(catalog_mod.paths.builtin_catalog_path())
            cat = catalog_mod.load_file(path, base=base)
    except catalog_mod.CatalogError as exc:
        print(f"{for_terminal(str(exc.origin))}: {len(exc.problems)} problem(s)", file=sys.stderr)
        for p in exc.problems:
            print(f"  {for_terminal(str(p))}", file=sys.stderr)
        return 1
    print(f"{for_terminal(str(path))}: OK — {len(cat.entries)} entries, {len(cat.moods)} moods")
    return 0


def cmd_match(args: argparse.Namespace) -> int:
    import json

    session = _session(args)
    results: Iterable[Identified]
    if args.paths:
        results = session.identify(args.paths, _warn)
    else:
        results = _open_library(session).library_matches()
    if args.json:
        import re

        text = json.dumps([_record(r) for r in results], ensure_ascii=False, indent=1)
        # Lone surrogates (undecodable name bytes) as JSON escapes; the rest stays readable.
        print(re.sub("[\ud800-\udfff]", lambda m: f"\\u{ord(m[0]):04x}", text))
        return 0
    for r in results:
        rec = _record(r)
        path = for_terminal(rec["display_path"])
        if rec["error"]:
            print(f"!  {path}  ({for_terminal(rec['error'])})")
        elif rec["entry"]:
            print(f"{for_terminal(rec['entry'])}  {rec['score']:.2f}  {path}")
        else:
            print(f"-  {path}")
    return 0


def cmd_queue(args: argparse.Namespace) -> int:
    import json
    import random

    session = _session(args)
    cat = session.catalog
    if cat.mood(args.mood) is None:
        known = ", ".join(m.id for m in cat.moods)
        print(
            f"ksad-player: error: unknown mood '{for_terminal(args.mood)}'; choose from {known}",
            file=sys.stderr,
        )
        return 2
    if args.paths:
        matched = [
            (r.tags, r.match.entry_id, r.match.score)
            for r in session.identify(args.paths, _warn)
            if r.tags and r.match and r.match.entry_id
        ]
    else:
        _open_library(session).index.sync_catalog(session.matcher)
        matched = session.matched()
    items = session.queue_for(args.mood, matched, order=args.order, rng=random.Random(args.seed))
    if args.m3u8:
        from ksad_player.core.play.playlist import write_m3u8

        try:
            n = write_m3u8(items, args.m3u8)
        except OSError as exc:
            print(f"ksad-player: error: could not write {args.m3u8}: {exc.strerror or exc}",
                  file=sys.stderr)  # fmt: skip
            return 1
        print(f"Wrote {n} song{'s' * (n != 1)} to {display_path(args.m3u8)}", file=sys.stderr)
    if args.json:
        out = [
            {
                "position": n,
                "entry": it.entry.id,
                "title": it.title,
                "artist": it.artist,
                "path": display_path(it.path),
                "duration": round(it.duration, 3),
                "moods": list(it.entry.moods),
                "blurb": it.blurb,
                "content_note": it.entry.content_note,
            }
            for n, it in enumerate(items, 1)
        ]
        json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
        print()
        return 0
    if not items:
        print(f"No songs for {for_terminal(args.mood)} in these folders.")
    for n, it in enumerate(items, 1):
        title, artist, path = (for_terminal(x) for x in (it.title, it.artist, it.path))
        print(f"{n:2}. {title} — {artist}  [{path}]")
        print(f"    {for_terminal(it.blurb)}")
    return 0


def _bar(p: ScanProgress, width: int = 30) -> str:
    from ksad_player.core.library.scanner import ScanPhase

    if p.phase is ScanPhase.READING and p.to_read:
        done = p.read / p.to_read
        fill = int(done * width)
        return f"\r[{'#' * fill}{'.' * (width - fill)}] {p.read:,}/{p.to_read:,} read, {p.matched:,} matched"
    return f"\r{p.seen:,} files seen, {p.to_read:,} to read …"


def cmd_scan(args: argparse.Namespace) -> int:
    import signal

    from ksad_player.core.library.scanner import ScanProgress
    from ksad_player.core.session import ScanRequest
    from ksad_player.core.tags import AUDIO_EXTENSIONS, TOO_LONG

    session = _session(args)
    previous = signal.signal(signal.SIGINT, lambda *_: session.cancel_scan())
    tty = sys.stderr.isatty()
    try:
        with _open_library(session).index as idx:
            if not args.paths and not idx.folders():
                print(
                    "ksad-player: no library folders yet: ksad-player scan FOLDER...",
                    file=sys.stderr,
                )
                return 1
            for p in args.paths:
                if not os.path.isdir(p):
                    print(f"ksad-player: error: {for_terminal(p)}: not a folder", file=sys.stderr)
                    return 2

            def show(event: ScanEvent) -> None:
                if isinstance(event, ScanProgress):
                    if tty:
                        print(_bar(event).ljust(70), end="", file=sys.stderr, flush=True)
                elif (
                    args.verbose
                    or event.reason == TOO_LONG  # rare, and worth a look: always said
                    or not event.path.endswith(tuple(AUDIO_EXTENSIONS))
                ):
                    if tty:
                        print(file=sys.stderr)
                    _warn(f"{event.path}: {event.reason}")

            summary = session.scan_now(ScanRequest(tuple(args.paths)), show)
            if tty:
                print(file=sys.stderr)
    finally:
        signal.signal(signal.SIGINT, previous)
    s = summary
    state = "cancelled; everything read so far is kept" if s.cancelled else "done"
    def n(count: int, one: str, many: str) -> str:
        return f"{count:,} {one if count == 1 else many}"

    # This scan's files, then the library's total (which a scan of one folder also shows).
    print(
        f"{n(s.files, 'file', 'files')}: {s.new:,} new, {s.changed:,} changed, "
        f"{s.removed:,} removed, {n(s.errors, 'unreadable', 'unreadable')}, "
        f"{s.offline:,} offline; the library has {n(s.matched, 'matched file', 'matched files')}"
        f" — {s.seconds:.1f} s ({state})"
    )
    return 130 if s.cancelled else 0


def cmd_library(args: argparse.Namespace) -> int:
    session = _session(args)
    with _open_library(session).index as idx:
        for folder in args.remove or ():
            try:
                n = session.remove_folder(folder)  # waits for another process's scan
            except KeyError:
                print(
                    f"ksad-player: error: {for_terminal(folder)}: not a library folder",
                    file=sys.stderr,
                )
                return 2
            print(f"removed {for_terminal(os.path.abspath(folder))} from the library: "
                  f"{n:,} file{'' if n == 1 else 's'} forgotten (nothing deleted from the disk)")  # fmt: skip
        infos = idx.folder_info()
        if not infos:
            print("No library folders yet. Add one: ksad-player scan FOLDER")
            return 0
        for f in infos:
            offline = f", {f.offline:,} offline" if f.offline else ""
            print(f"{for_terminal(f.path)}  {f.files:,} files, {f.matched:,} matched{offline}")
        print(
            f"total: {idx.count():,} files, {idx.matched_count():,} matched, {len(idx.links())} manual links"
        )
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="ksad-player",
        usage="ksad-player [--demo] [--style light|dark] [PATH ...] | ksad-player COMMAND ...",
        description="Sad K-pop, played by mood. Without a command the window opens; "
        "PATHs given then are added to the library (.m3u/.m3u8 playlists are queued), "
        "--demo adds a demo library, --style forces a light or dark palette.",
    )
    p.add_argument("--version", action="version", version=f"ksad-player {__version__}")
    sub = p.add_subparsers(dest="command", parser_class=_Parser, prog="ksad-player")

    c = sub.add_parser("catalog", help="inspect the catalog")
    csub = c.add_subparsers(dest="catalog_command", required=True, parser_class=_Parser)
    chk = csub.add_parser("check", help="validate a catalog file (default: the built-in one)")
    chk.add_argument("file", nargs="?", help="a catalog JSON file")
    chk.add_argument(
        "--overlay", action="store_true", help="check FILE as a user catalog over the built-in one"
    )
    chk.set_defaults(func=cmd_catalog_check)

    index_help = "the library index file (default: the one in $XDG_DATA_HOME/ksad-player)"
    sc = sub.add_parser("scan", help="add folders to the library and scan it into the index")
    sc.add_argument("paths", nargs="*", help="folders to add; none: rescan every library folder")
    sc.add_argument("--index", help=index_help)
    sc.add_argument("-v", "--verbose", action="store_true", help="also list every unreadable file")
    sc.set_defaults(func=cmd_scan)

    lb = sub.add_parser("library", help="list the library folders and their counts")
    lb.add_argument("--index", help=index_help)
    lb.add_argument(
        "--remove", metavar="FOLDER", action="append",
        help="take a folder out of the library first (its files stay on the disk)",
    )  # fmt: skip
    lb.set_defaults(func=cmd_library)

    m = sub.add_parser("match", help="say which catalog song each audio file is")
    m.add_argument(
        "paths", nargs="*", help="folders or files, walked recursively (none: the library)"
    )
    m.add_argument("--index", help=index_help)
    m.add_argument("--json", action="store_true", help="a JSON array on stdout")
    m.set_defaults(func=cmd_match)

    q = sub.add_parser("queue", help="the queue the player would play for a mood")
    q.add_argument("--mood", required=True, help="a mood id, e.g. heartbreak")
    q.add_argument(
        "paths", nargs="*", help="folders or files, walked recursively (none: the library)"
    )
    q.add_argument("--index", help=index_help)
    q.add_argument("--order", choices=ORDER_CHOICES, default="shuffle")
    q.add_argument("--seed", type=int, default=None, help="make shuffle reproducible")
    q.add_argument("--json", action="store_true", help="a JSON array on stdout")
    q.add_argument("--m3u8", metavar="FILE", help="also write the queue as an M3U8 playlist")
    q.set_defaults(func=cmd_queue)

    d = sub.add_parser(
        "install-desktop", help="add ksad-player to your applications menu (for this user)"
    )
    d.add_argument("--uninstall", action="store_true", help="remove it from the menu again")
    d.set_defaults(func=cmd_install_desktop)
    return p


def cmd_install_desktop(args: argparse.Namespace) -> int:
    from ksad_player.desktop.install import main as install_main

    return install_main(args.uninstall)


def _opens_window(argv: list[str]) -> bool:
    """True when argv names no subcommand, so it belongs to the window."""
    first = next((a for a in argv if not a.startswith("-")), None)
    return first not in {"catalog", "match", "queue", "scan", "library", "install-desktop"}


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    if _opens_window(argv) and not {"-h", "--help", "--version"} & set(argv):
        gui = _Parser(prog="ksad-player")
        gui.add_argument("--demo", action="store_true")
        gui.add_argument("--style", choices=("light", "dark"), default=None)
        gui.add_argument("paths", nargs="*")
        args = gui.parse_args(argv)
        return run_gui(args.paths, demo=args.demo, style=args.style)
    args = parser.parse_args(argv)
    try:
        code = int(args.func(args))
        sys.stdout.flush()
    except BrokenPipeError:
        return _closed_pipe()
    except KeyboardInterrupt:  # Ctrl+C outside a scan (which handles it itself): no traceback
        import signal

        print(file=sys.stderr)
        return 128 + signal.SIGINT
    except Exception as exc:
        from ksad_player.core.library.index import IndexUnavailable

        if not isinstance(exc, IndexUnavailable):
            raise
        # Busy, read-only or a full disk: said plainly; the index is left as it was.
        print(f"ksad-player: error: {for_terminal(str(exc))}", file=sys.stderr)
        return 1
    return code


def _closed_pipe() -> int:
    """`ksad-player match | head`: the reader has gone, so stop quietly, as `ls` does.
    Output still buffered would fail again at exit; it goes to /dev/null instead."""
    import signal

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return 128 + signal.SIGPIPE


def run_gui(paths: list[str], *, demo: bool, style: str | None = None) -> int:
    try:  # a window already runs: hand it the paths and leave (before any heavy import)
        from ksad_player.desktop.single_instance import forward

        if forward(paths, demo=demo):
            return 0
    except ImportError:
        pass
    try:
        from ksad_player.ui.app import run
    except ImportError:
        print(
            "ksad-player: the window is not built yet; use a subcommand "
            "(catalog check, match, queue). See --help.",
            file=sys.stderr,
        )
        return 1
    return run(paths, demo=demo, style=style)
