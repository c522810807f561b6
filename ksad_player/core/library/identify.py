"""Files to catalog songs without an index: walk, read tags, match. Used by the CLI."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ksad_player.core.library.walk import Warn, walk_audio
from ksad_player.core.match.matcher import Match, Matcher
from ksad_player.core.tags.reader import Tags, read_tags


@dataclass(frozen=True)
class Identified:
    """One audio file: its tags (or the error that stopped reading) and its match."""

    path: str
    tags: Tags | None
    match: Match | None
    error: str | None = None


def identify(tags: Tags | None, path: str, error: str | None, matcher: Matcher) -> Identified:
    if tags is None:
        return Identified(path, None, None, error or "unreadable")
    return Identified(path, tags, matcher.match(tags))


def identify_paths(
    paths: Iterable[str | os.PathLike[str]], matcher: Matcher, warn: Warn
) -> Iterator[Identified]:
    for path in walk_audio(paths, warn):
        r = read_tags(path)
        yield identify(r.tags, path, r.error, matcher)
