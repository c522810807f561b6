"""Text from files and catalogs is shown literally, never interpreted as markup."""

from __future__ import annotations

import html


def plain_tooltip(text: str) -> str:
    """Tooltips render rich text when it looks like HTML: escape, so '<img src=x>' shows as is."""
    return "<p style='white-space:pre-wrap'>" + html.escape(text) + "</p>"
