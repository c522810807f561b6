"""Text for people: paths and file-provided strings made safe to print on a terminal.

Light on purpose (no third-party imports): the CLI imports it before it knows which
command runs, and `ksad-player --help` must start fast.
"""

from __future__ import annotations


def display_path(path: str) -> str:
    """A path safe to print: undecodable bytes of a file name shown as U+FFFD."""
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
