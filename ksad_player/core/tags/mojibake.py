"""Bringing back Hangul that old rippers wrote as CP949 bytes into Latin-1 tag fields.

"ÅÂ¿¬" is 태연 read through the wrong code page. The repair is strict so that genuine
Latin-1 text (café, Beyoncé, Motörhead, Sigur Rós) is never touched: the bytes must decode
cleanly, and every non-ASCII character that comes out must be Hangul.
"""

from __future__ import annotations

_OK_PUNCT = set("·…‘’“”〈〉《》「」『』【】〔〕～！？（）　")


def _is_hangul(c: str) -> bool:
    return "\uac00" <= c <= "\ud7a3"


def _looks_korean(text: str) -> bool:
    non_ascii = [c for c in text if ord(c) > 0x7F]
    hangul = sum(1 for c in non_ascii if _is_hangul(c))
    return hangul > 0 and all(_is_hangul(c) or c in _OK_PUNCT for c in non_ascii)


def _standard_pairs(raw: bytes) -> tuple[int, int]:
    """Count (KS X 1001 pairs, CP949 extension pairs) in a byte string."""
    std = ext = 0
    i = 0
    while i < len(raw):
        b = raw[i]
        if b < 0x80:
            i += 1
            continue
        trail = raw[i + 1] if i + 1 < len(raw) else 0
        if b >= 0xA1 and trail >= 0xA1:
            std += 1
        else:
            ext += 1
        i += 2
    return std, ext


def repair(text: str) -> str | None:
    """The Hangul this Latin-1-decoded text was meant to be, or None to leave it alone."""
    if not text or all(ord(c) < 0x80 for c in text) or any(ord(c) > 0xFF for c in text):
        return None
    raw = text.encode("latin-1")
    try:  # UTF-8 bytes read as Latin-1 ("íƒœì—°"): decoding cleanly is no accident.
        utf8 = raw.decode("utf-8")
        if _looks_korean(utf8):
            return utf8
    except UnicodeDecodeError:
        pass
    try:
        decoded = raw.decode("cp949")
    except UnicodeDecodeError:
        return None
    if not _looks_korean(decoded):
        return None
    std, ext = _standard_pairs(raw)
    # CP949's extension pairs take ASCII letters as trail bytes, which Latin-1 words
    # like "Åsa" produce by chance; real Korean tags are mostly the standard 2,350.
    if std == 0 or ext > std:
        return None
    return decoded
