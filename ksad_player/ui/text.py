"""Text from files and catalogs is shown literally, never interpreted as markup."""

from __future__ import annotations

import html


def plain_tooltip(text: str) -> str:
    """Tooltips render rich text when it looks like HTML: escape, so '<img src=x>' shows as is."""
    return "<p style='white-space:pre-wrap'>" + html.escape(text) + "</p>"


_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def one_line(text: str) -> str:
    """Tag text for a list row: control characters and line breaks become visible escapes,
    so one file never looks like two rows (or hides text behind an ESC)."""
    import unicodedata

    if text.isprintable():
        return text
    return "".join(
        _NAMED.get(c, f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}")
        if unicodedata.category(c) in ("Cc", "Zl", "Zp")
        else c
        for c in text
    )
