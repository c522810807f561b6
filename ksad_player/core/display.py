"""Text for people: paths and file-provided strings made safe to print on a terminal.

Light on purpose (no third-party imports): the CLI imports it before it knows which
command runs, and `ksad-player --help` must start fast.
"""

from __future__ import annotations


def display_path(path: str) -> str:
    """A path safe to print: undecodable bytes of a file name shown as U+FFFD."""
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


# What `ls -b` spells as a backslash escape; anything else unprintable becomes \xHH or \uHHHH.
_NAMED = {"\a": "\\a", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\v": "\\v", "\f": "\\f",
          "\r": "\\r", "\x1b": "\\e", "\\": "\\\\"}  # fmt: skip
# Controls (C0, DEL, C1), line/paragraph separators and the bidirectional overrides and
# isolates, which can reorder what a terminal shows.
_UNSAFE = frozenset(
    [chr(c) for c in range(0x20)] + [chr(c) for c in range(0x7F, 0xA0)]
    + ["\u2028", "\u2029", "\u061c", "\u200e", "\u200f"]
    + [chr(c) for c in range(0x202A, 0x202F)] + [chr(c) for c in range(0x2066, 0x206A)]
)  # fmt: skip


def _escape(ch: str) -> str:
    named = _NAMED.get(ch)
    if named:
        return named
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def for_terminal(text: str) -> str:
    """Text safe to print on a terminal, as `ls -b` shows names: control characters
    (ESC, BEL, CR, newline…) and direction overrides become visible escapes, so a file
    name or a tag cannot retitle or clear the terminal or fake a line of output."""
    text = display_path(text)
    if not any(ch in _UNSAFE or ch == "\\" for ch in text):
        return text
    return "".join(_escape(ch) if ch in _UNSAFE or ch == "\\" else ch for ch in text)
