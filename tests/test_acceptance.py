"""A realistic library: every catalog song in several tag forms, and same-title decoys.

Precision must be perfect (a wrong song in a sad queue is worse than a missing one);
recall at least 0.97.
"""

from __future__ import annotations

import re

from ksad_player.core.library.identify import identify_paths
from tests.corpus.generate import OTHER_ARTISTS, corpus

# Same titles by other artists: the generator's list, plus one title no other list has.
DECOYS = [*OTHER_ARTISTS, ("Everyone Has", "Unknown Band")]
VERSIONS = [
    ("Stay (Remix)", "BLACKPINK"),
    ("LOSER (Live)", "BIGBANG"),
    ("눈, 코, 입 (Inst.)", "태양"),
    ("Lonely - Acoustic Ver.", "Jonghyun"),
    ("Fine (Cover)", "Taeyeon"),
]


def safe(s: str) -> str:
    return re.sub(r'[\\/:*?"<>|]', "", s)


def build(make_track, catalog):
    expected = {}
    for n, e in enumerate(catalog.entries):
        ko_title = next((t for t in e.title_aliases if re.search("[가-힣]", t)), None)
        ko_artists = [
            a.aliases[0] if a.aliases and re.search("[가-힣]", a.aliases[0]) else a.name
            for a in e.artists
        ]
        en = [a.name for a in e.artists]
        forms = [
            ("mp3", f"en/{e.id}.mp3", dict(title=e.title, artists=[e.credit])),
            (
                "flac",
                f"ko/{e.id}.flac",
                dict(title=ko_title or e.title, artists=[", ".join(ko_artists)]),
            ),
            (
                "m4a",
                f"deco/{e.id}.m4a",
                dict(
                    title=f"[MV] {e.title} (Official Audio)"
                    if n % 2
                    else f"{e.title} ({e.drama or 'Single'} OST Part {n % 5 + 1})",
                    artists=[f"{en[0]} ({ko_artists[0]})", *en[1:]],
                ),
            ),
            ("ogg", f"names/{n:02d} {safe(e.credit)} - {safe(e.title)}.ogg", {}),
            (
                "mp3",
                f"cp949/{e.id}.mp3",
                dict(
                    title=ko_title or e.title,
                    artists=[" & ".join(ko_artists)],
                    id3_version=3,
                    cp949=True,
                ),
            ),
            (
                "opus",
                f"reversed/{e.id}.opus",
                dict(title=e.title.upper(), artists=list(reversed(en))),
            ),
        ]
        for fmt, rel, kw in forms:
            expected[str(make_track(fmt, rel, **kw))] = e.id
    for i, (title, artist) in enumerate(DECOYS + VERSIONS):
        expected[str(make_track("mp3", f"decoys/{i:02d}.mp3", title=title, artists=[artist]))] = (
            None
        )
    return expected


def test_precision_is_perfect_and_recall_high(make_track, catalog, matcher, tmp_path):
    expected = build(make_track, catalog)
    assert sum(v is None for v in expected.values()) >= 30 + len(VERSIONS)
    results = {r.path: r for r in identify_paths([tmp_path / "lib"], matcher, print)}
    assert set(results) == set(expected)
    assert all(r.error is None for r in results.values())
    predicted = {p: r.match.entry_id for p, r in results.items()}
    wrong = {p: (expected[p], got) for p, got in predicted.items() if got and got != expected[p]}
    assert not wrong, wrong  # precision 1.0
    positives = [p for p, want in expected.items() if want]
    found = [p for p in positives if predicted[p] == expected[p]]
    missed = sorted(set(positives) - set(found))
    print(f"recall {len(found)}/{len(positives)}", missed)
    assert len(found) / len(positives) >= 0.97, missed
    # Every song is found in at least one of its forms, so every mood can be played.
    assert {expected[p] for p in found} == {e.id for e in catalog.entries}


# -- the generated library (tests/corpus/generate.py) ----------------------------------------
def _as_read(case):
    """The Tags the reader makes of this case's tag values and path (its own fallbacks to
    the file name, folders and album artist included), without writing the file."""
    from ksad_player.core.tags.reader import Tags, _apply_fallbacks

    return _apply_fallbacks(
        Tags(
            path=f"/music/{case.path}",
            title=case.title,
            artists=case.artists,
            albumartist=case.albumartist,
        )
    )


def _failures(cases, got):
    """One readable line per wrong or missed case: what was expected, what came, and why."""
    lines = []
    for case, m in zip(cases, got, strict=True):
        if m.entry_id != case.expected:
            lines.append(
                f"{case.expected or 'no match'} <- got {m.entry_id or 'nothing'} "
                f"[{case.form}] {case.path} title={case.title!r} artists={list(case.artists)} "
                f"({m.verdict})"
            )
    return "\n".join(lines)


def test_generated_corpus_precision_is_perfect_and_recall_high(catalog, matcher):
    cases = corpus(catalog)
    positives = [c for c in cases if c.expected]
    decoys = [c for c in cases if not c.expected]
    assert len(positives) >= 250 and len(decoys) >= 150
    assert {c.expected for c in positives} == {e.id for e in catalog.entries}
    got = [matcher.match(_as_read(c)) for c in cases]
    wrong = [
        (c, m) for c, m in zip(cases, got, strict=True) if m.entry_id and m.entry_id != c.expected
    ]
    assert not wrong, "wrong songs:\n" + _failures(*zip(*wrong, strict=True))
    found = sum(m.entry_id == c.expected for c, m in zip(cases, got, strict=True) if c.expected)
    recall = found / len(positives)
    assert recall >= 0.97, f"recall {recall:.3f}; missed:\n" + _failures(cases, got)
    # Every form the corpus holds is recognised somewhere (none is dead weight).
    by_form: dict[str, int] = {}
    for c, m in zip(cases, got, strict=True):
        if c.expected:
            by_form[c.form] = by_form.get(c.form, 0) + (m.entry_id == c.expected)
    assert all(by_form.values()), by_form


def test_generated_corpus_sample_as_real_files(make_track, catalog, matcher, tmp_path):
    """A sample of the corpus written as real tagged files and found through the scanner's
    own walk and tag reader: one case of every form, and every seventh case besides."""
    cases = corpus(catalog)
    seen: set[str] = set()
    sample = []
    for n, c in enumerate(cases):
        if c.form not in seen or n % 7 == 0:
            seen.add(c.form)
            sample.append(c)
    expected = {}
    for c in sample:
        path = make_track(
            c.fmt,
            c.path,
            title=c.title or None,
            artists=c.artists,
            albumartist=c.albumartist or None,
        )
        expected[str(path)] = c
    results = {r.path: r for r in identify_paths([tmp_path / "lib"], matcher, print)}
    assert set(results) == set(expected)
    assert all(r.error is None for r in results.values()), [r.error for r in results.values()]
    order = list(expected)
    lines = _failures([expected[p] for p in order], [results[p].match for p in order])
    assert not lines, lines
