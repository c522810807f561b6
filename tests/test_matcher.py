"""Which catalog song a file is: decorations, credits, Hangul, typos, decoys and versions."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from ksad_player.core.catalog import Artist, Catalog, Entry
from ksad_player.core.match.matcher import Matcher, MatchWeights
from ksad_player.core.match.normalize import key
from ksad_player.core.tags.reader import Tags


def tags(title: str, *artists: str, **kw) -> Tags:
    return Tags(path="/x.mp3", title=title, artists=tuple(artists), **kw)


@pytest.mark.parametrize(
    "title,artists,expected",
    [
        ("Eyes, Nose, Lips", ["Taeyang"], "taeyang-eyes-nose-lips"),
        ("눈, 코, 입", ["태양"], "taeyang-eyes-nose-lips"),
        ("눈코입", ["TAEYANG"], "taeyang-eyes-nose-lips"),
        ("EYES NOSE LIPS", ["taeyang"], "taeyang-eyes-nose-lips"),
        ("Ｅｙｅｓ，Ｎｏｓｅ，Ｌｉｐｓ", ["ＴＡＥＹＡＮＧ"], "taeyang-eyes-nose-lips"),
        ("Eyes, Nose, Lips (눈, 코, 입)", ["태양 (TAEYANG)"], "taeyang-eyes-nose-lips"),
        (
            "[MV] Stay With Me (Goblin OST Part 1)",
            ["찬열 (CHANYEOL)", "펀치 (Punch)"],
            "chanyeol-punch-stay-with-me",
        ),
        ("Stay With Me", ["Punch & Chanyeol"], "chanyeol-punch-stay-with-me"),
        ("Stay With Me", ["EXO's Chanyeol x Punch"], "chanyeol-punch-stay-with-me"),
        ("Rain", ["BAEKHYUN (EXO), 소유"], "baekhyun-soyou-rain"),
        ("비가 와", ["Soyou with Baekhyun"], "baekhyun-soyou-rain"),
        ("사랑이었다 (Feat. LUNA of f(x))", ["ZICO"], "zico-luna-it-was-love"),
        ("It Was Love", ["Zico feat. Luna"], "zico-luna-it-was-love"),
        ("Sailing (0805)", ["Girls’ Generation"], "girls-generation-sailing"),
        ("그 여름 (0805)", ["소녀시대 (GIRLS' GENERATION)"], "girls-generation-sailing"),
        ("Baby Im Sorry", ["MYNAME"], "myname-baby-im-sorry"),
        ("Baby I`m Sorry", ["My Name"], "myname-baby-im-sorry"),
        ("이 바보야", ["Jeong Seung-hwan"], "jung-seung-hwan-the-fool"),
        ("The Fool", ["정승환"], "jung-seung-hwan-the-fool"),
        ("03. Fine", ["Taeyeon"], "taeyeon-fine"),
        ("Butterfly (Prod. Pdogg)", ["방탄소년단"], "bts-butterfly"),
        ("Butterfly", ["Bangtan Boys"], "bts-butterfly"),
        ("내 마음이 뭐가 돼", ["윤하"], "younha-wasted"),
        ("솔직히 지친다", ["CHUNG HA"], "chungha-everyone-has"),
        ("Everybody Has", ["청하"], "chungha-everyone-has"),
        ("후유증", ["민경훈", "김희철"], "min-kyung-hoon-kim-hee-chul-falling-blossoms"),
        ("Falling Blossoms", ["Kim Hee Chul"], "min-kyung-hoon-kim-hee-chul-falling-blossoms"),
        ("Will Be Back (Moon Lovers OST Part.5)", ["Lim Sun Hae"], "im-sun-hae-will-be-back"),
        ("Starlight", ["찬희 (SF9)"], "chani-starlight"),
        ("무제 (Untitled, 2014)", ["G-DRAGON"], "g-dragon-untitled"),
        ("Windflower", ["Lee Seon-hee"], "lee-sun-hee-windflower"),
    ],
)
def test_real_world_tag_forms_match(matcher, title, artists, expected):
    m = matcher.match(tags(title, *artists))
    assert m.entry_id == expected, m.verdict
    assert 0.8 <= m.score <= 1.0


@pytest.mark.parametrize(
    "title,artists",
    [
        ("Butterfy", ["BTS"]),  # title typo
        ("Eyes, Nose, Lip", ["Taeyang"]),
        ("Fine", ["Taeyon"]),  # artist typo
        ("Windflower", ["Lee Sun Hea"]),
    ],
)
def test_one_letter_typos_still_match(matcher, title, artists):
    m = matcher.match(tags(title, *artists))
    assert m.matched
    assert any("one letter" in r.note or r.score < 1 for r in m.reasons)


@pytest.mark.parametrize(
    "title,artists",
    [
        ("Rain", ["Taeyeon"]),
        ("Stay", ["Rihanna"]),
        ("Stay", ["Rihanna feat. Mikky Ekko"]),
        ("Lonely", ["2NE1"]),
        ("Butterfly", ["Jessica"]),
        ("Goodbye", ["Air Supply"]),
        ("Memories", ["Maroon 5"]),
        ("Promise", ["Jimin"]),
        ("Fine", ["Nell"]),
        ("Hush", ["Miss A"]),
        ("Stay With Me", ["Sam Smith"]),
        ("Breathe", ["Taeyeon"]),
        ("Stay", ["Chanyeol (EXO)"]),  # an EXO member's song is not EXO's
        ("Promise", ["Chanyeol (EXO)"]),
        ("Promise", ["EXO-CBX"]),
    ],
)
def test_same_title_by_another_artist_is_not_a_match(matcher, title, artists):
    m = matcher.match(tags(title, *artists))
    assert m.entry_id is None, m.verdict


@pytest.mark.parametrize(
    "title",
    [
        "LOSER (Live)",
        "LOSER - Live",
        "LOSER (Inst.)",
        "LOSER (Instrumental)",
        "LOSER (MR)",
        "LOSER (Remix)",
        "LOSER (Acoustic Ver.)",
        "LOSER (Japanese Ver.)",
        "LOSER (Cover)",
    ],
)
def test_other_versions_are_not_the_song(matcher, title):
    m = matcher.match(tags(title, "BIGBANG"))
    assert m.entry_id is None
    assert "version" in m.verdict


def test_a_version_the_catalog_accepts_matches(catalog):
    mood = catalog.moods[0]
    entry = Entry(
        "x-live", "Song", (Artist("Singer"),), (mood.id,), "b.", accepted_versions=("live",)
    )
    m = Matcher(Catalog((mood,), (entry,)))
    assert m.match(tags("Song (Live)", "Singer")).entry_id == "x-live"
    assert m.match(tags("Song (Remix)", "Singer")).entry_id is None


@pytest.mark.parametrize(
    "title,ok",
    [
        ("Loving With All Your Heart", True),
        ("Can You See My Heart", True),
        ("아름답고도 아프구나", True),
        ("My Love Is Hurt", True),
        ("Rain", False),
        ("Stay", False),
        ("Lonely", False),
        ("Fine", False),
        ("Hush", False),
    ],
)
def test_title_alone_only_when_distinctive_and_artist_unknown(matcher, title, ok):
    for artist in ([], ["Unknown Artist"], ["Various Artists"]):
        m = matcher.match(tags(title, *artist))
        assert m.matched is ok, (title, artist, m.verdict)
    # With a real but different artist, a distinctive title is not enough.
    assert matcher.match(tags(title, "Someone Else")).entry_id is None


def test_folder_artist_helps_file_name_titles(matcher):
    t = Tags(
        "/m/Jonghyun/Story Op.1/05 Lonely.mp3",
        title="Lonely",
        title_source="filename",
        artist_source="folder",
        folder_artists=("Story Op.1", "Jonghyun"),
    )
    assert matcher.match(t).entry_id == "jonghyun-lonely"
    wrong = Tags(
        "/m/2NE1/x/05 Lonely.mp3",
        title="Lonely",
        title_source="filename",
        artist_source="folder",
        folder_artists=("x", "2NE1"),
    )
    assert matcher.match(wrong).entry_id is None


def test_match_explains_itself(matcher):
    m = matcher.match(tags("눈, 코, 입", "태양"))
    fields = {r.field: r for r in m.reasons}
    assert fields["title"].alias == "눈, 코, 입" and fields["title"].score == 1.0
    assert fields["artist"].value == "태양" and fields["artist"].score == 1.0
    rejected = matcher.match(tags("Rain", "Taeyeon"))
    assert "Taeyeon" in rejected.verdict and rejected.reasons[0].field == "title"


def test_hangul_artist_through_romanization(catalog):
    """A name the catalog lacks in Hangul still meets its English form by romanization."""
    mood = catalog.moods[0]
    entry = Entry("x", "Breathe Again", (Artist("Kim Jung Hoon"),), (mood.id,), "b.")
    m = Matcher(Catalog((mood,), (entry,)))
    assert m.match(tags("Breathe Again", "김정훈")).entry_id == "x"
    assert m.match(tags("Breathe Again", "박정훈")).entry_id is None


def test_weights_are_passed_in(catalog):
    strict = Matcher(catalog, MatchWeights(min_artist=0.99))
    assert strict.match(tags("Fine", "Taeyon")).entry_id is None


def test_cost_per_file_does_not_grow_with_catalog_size(catalog):
    """A big user catalog: lookups still touch only the few entries sharing a title key."""
    mood = catalog.moods[0]
    many = tuple(
        Entry(f"e{i}", f"Song Number {i} Of Sorrow", (Artist(f"Artist {i}"),), (mood.id,), "b.")
        for i in range(5000)
    )
    m = Matcher(Catalog((mood,), many))
    assert m.match(tags("Song Number 4321 Of Sorrow", "Artist 4321")).entry_id == "e4321"
    assert len(m._title_hits("Song Number 4321 Of Sorrow")) == 1
    assert len(m._title_hits("Song Number 4321 Of Sorow")) <= 3


text = st.text(max_size=60)


@given(title=text, artist=text)
def test_matching_never_raises_and_scores_stay_in_range(matcher, title, artist):
    m = matcher.match(tags(title, artist))
    assert 0.0 <= m.score <= 1.0


@given(
    st.sampled_from(["Eyes, Nose, Lips", "Stay With Me", "Rain", "It Was Love"]),
    st.lists(st.sampled_from([" ", "  ", "\t"]), min_size=1, max_size=3),
    st.booleans(),
)
def test_case_and_spacing_do_not_change_the_result(matcher, title, spaces, upper):
    artist = {
        "Eyes, Nose, Lips": "Taeyang",
        "Stay With Me": "Chanyeol",
        "Rain": "Soyou",
        "It Was Love": "Zico",
    }[title]
    base = matcher.match(tags(title, artist))
    varied = "".join(spaces).join(title.split(" "))
    varied = varied.upper() if upper else varied.lower()
    other = matcher.match(tags(f" {varied} ", artist.swapcase()))
    assert (other.entry_id, other.score) == (base.entry_id, base.score)


# -- generated forms: one edit, version words, huge fields ---------------------------------
from tests.corpus.generate import TYPOS, VERSION_WORDS, typo  # noqa: E402


def _long_fields(catalog):
    """(entry, field, text) for every title and artist name long enough for typos."""
    out = []
    for e in catalog.entries:
        if len(key(e.title)) >= 6:
            out.append((e, "title", e.title))
        if len(key(e.artists[0].name)) >= 6:
            out.append((e, "artist", e.artists[0].name))
    return out


@given(data=st.data(), op=st.sampled_from(TYPOS), seed=st.integers(0, 2**16))
def test_one_edit_of_a_long_title_or_artist_still_matches(matcher, catalog, data, op, seed):
    import random

    e, where, text = data.draw(st.sampled_from(_long_fields(catalog)))
    edited = typo(text, op, random.Random(seed))
    # An edit can land on another spelling the catalog knows ("Younha" less its "o" is
    # "Yunha", an alias): that is an exact match, not a forgiven typo.
    known = e.titles if where == "title" else tuple(n for a in e.artists for n in a.names)
    assume(key(edited) not in {key(k) for k in known})
    others = [a.name for a in e.artists[1:]]
    t = tags(edited, e.credit) if where == "title" else tags(e.title, " & ".join([edited, *others]))
    m = matcher.match(t)
    assert m.entry_id == e.id, (edited, m.verdict)
    assert any(r.score < 1.0 for r in m.reasons)  # the reasons show what was forgiven


@given(
    data=st.data(),
    word=st.sampled_from(VERSION_WORDS),
    place=st.sampled_from(["bracket", "dash", "file name", "video title", "underscores"]),
)
def test_any_version_word_turns_a_match_into_no_match(matcher, catalog, data, word, place):
    e = data.draw(st.sampled_from(catalog.entries))
    plain = {
        "bracket": tags(e.title, e.credit),
        "dash": tags(e.title, e.credit),
        "file name": Tags(
            path=f"/m/{e.credit} - {e.title}.mp3", title=e.title, artists=(e.credit,)
        ),
        "video title": tags(f"[MV] {e.credit} - {e.title}", "1theK"),
        "underscores": Tags(
            path=f"/m/{e.artists[0].name}_{e.title}.mp3".replace(" ", "_"), title_source="filename"
        ),
    }[place]
    assert matcher.match(plain).entry_id == e.id
    versioned = {
        "bracket": tags(f"{e.title} ({word})", e.credit),
        "dash": tags(f"{e.title} - {word}", e.credit),
        "file name": Tags(
            path=f"/m/{e.credit} - {e.title} ({word}).mp3", title=e.title, artists=(e.credit,)
        ),
        "video title": tags(f"[MV] {e.credit} - {e.title} [{word}]", "1theK"),
        "underscores": Tags(
            path=f"/m/{e.artists[0].name}_{e.title}_{word}.mp3".replace(" ", "_"),
            title_source="filename",
        ),
    }[place]
    m = matcher.match(versioned)
    assert m.entry_id is None, (word, place, m.reasons)


def test_short_strings_stay_exact(matcher):
    assert matcher.match(tags("Fien", "Taeyeon")).entry_id is None  # 4 letters: no typo allowed
    assert matcher.match(tags("Fine", "BTX")).entry_id is None


@pytest.mark.parametrize(
    "title,artists,path,expected,title_note,artist_note",
    [
        ("[MV] TAEYEON(태연) _ Fine", ["1theK (원더케이)"], "/m/a.opus", "taeyeon-fine",
         "title tag, its last part", "title tag, its first part"),
        ("TAEYEON 태연 'Fine' MV", ["SMTOWN"], "/m/a.opus", "taeyeon-fine",
         "quoted part", "first part"),
        ("Fine", ["TAEYEON - Topic"], "/m/a.opus", "taeyeon-fine", "title tag", "channel"),
        ("Taeyeon - Fine", ["Various Artists"], "/m/a.mp3", "taeyeon-fine",
         "its last part", "its first part"),
        ("Taeyeon", ["Fine"], "/m/a.mp3", "taeyeon-fine", "swapped", "swapped"),
        ("", [], "/m/01-태연-Fine.mp3", "taeyeon-fine", "file name, its last part",
         "file name, its second part"),
        ("", [], "/m/fine_taeyeon.mp3", "taeyeon-fine", "its first part", "its last part"),
        ("", [], "/m/Fine (Taeyeon).mp3", "taeyeon-fine", "outside its brackets",
         "inside its brackets"),
        ("Outro : House of Cards", ["BTS"], "/m/a.mp3", "bts-house-of-cards", "title tag", ""),
        ("Windflower", ["Seonhee Lee"], "/m/a.mp3", "lee-sun-hee-windflower", "", ""),
        ("Windflower", ["Lee Sunhui"], "/m/a.mp3", None, "", ""),
    ],
)  # fmt: skip
def test_new_forms_say_which_part_was_read_as_what(
    matcher, title, artists, path, expected, title_note, artist_note
):
    t = Tags(path=path, title=title, artists=tuple(artists),
             title_source="tag" if title else "filename")  # fmt: skip
    m = matcher.match(t)
    assert m.entry_id == expected, m.verdict
    if expected:
        by = {r.field: r for r in m.reasons}
        assert title_note in by["title"].note and artist_note in by["artist"].note, m.reasons


def test_a_channel_that_names_no_catalog_artist_is_no_artist(matcher):
    rip = Tags(path="/m/Loving With All Your Heart [dQw4w9WgXcQ].opus",
               title="Loving With All Your Heart", artists=("Stone Music Entertainment",))  # fmt: skip
    assert matcher.match(rip).entry_id == "damsonegongbang-loving-with-all-your-heart"
    # Not a video: a real other artist with that title is still not the song.
    assert matcher.match(tags("Loving With All Your Heart", "Someone Else")).entry_id is None
    # A video title naming another singer is not the song either.
    other = tags("[MV] Someone Else - Loving With All Your Heart", "1theK")
    assert matcher.match(other).entry_id is None


def test_huge_fields_are_matched_in_bounded_time(matcher):
    """Only the first MAX_FIELD letters of a field count; nothing is quadratic in its length
    (the old one-deletion neighbours of a 60,000-letter title took 3.4 GB and 10 s)."""
    import time

    huge = "x" * 1_000_000
    start = time.monotonic()
    assert matcher.match(tags(huge, huge)).entry_id is None
    assert matcher.match(tags("Fine" + " " * 1_000_000, "Taeyeon")).entry_id == "taeyeon-fine"
    assert matcher.match(tags("Fine", *(["Taeyeon"] + [huge] * 1000))).entry_id == "taeyeon-fine"
    assert matcher.match(tags("Fine (" + "ab " * 400_000, "Taeyeon")).entry_id is None
    words = " ".join(["Taeyeon", "Fine"] * 300_000)
    assert matcher.match(tags(words, "Various Artists")).entry_id is None
    assert time.monotonic() - start < 20  # generous: today it is well under a second


def test_members_credited_instead_of_their_unit(catalog):
    """Where the catalog names a unit's members (an alias like "Leo & Ravi"), a file that
    credits the members, in any order or form, is the unit's song; one member is not."""
    mood = catalog.moods[0]
    unit = Artist("VIXX LR", ("Leo & Ravi",))
    entry = Entry("lr", "Beautiful Liar", (unit,), (mood.id,), "b.")
    m = Matcher(Catalog((mood,), (entry,)))
    for credit in (["Ravi", "Leo"], ["LEO x RAVI"], ["Ravi, Leo"]):
        got = m.match(tags("Beautiful Liar", *credit))
        assert got.entry_id == "lr", (credit, got.verdict)
        artist = got.reasons[1]
        assert "members" in artist.note or artist.alias == "Leo & Ravi", artist
    assert m.match(tags("Beautiful Liar", "Leo")).entry_id is None
    assert m.match(tags("Beautiful Liar", "Leo", "Hongbin")).entry_id is None


def test_file_name_version_words_block_but_a_demo_folder_name_does_not(matcher):
    live = Tags(path="/m/Taeyeon - Fine (Live).mp3", title="Fine", artists=("Taeyeon",))
    assert matcher.match(live).entry_id is None
    demo = Tags(path="/demo/01 demo.wav", title="Fine", artists=("Taeyeon",))
    assert matcher.match(demo).entry_id == "taeyeon-fine"


def test_a_topic_or_official_channel_names_its_artist(matcher):
    title = "Loving With All Your Heart"
    other = Tags(path=f"/m/{title} [dQw4w9WgXcQ].opus", title=title, artists=("Someone - Topic",))
    assert matcher.match(other).entry_id is None
    ours = Tags(path=f"/m/{title} [dQw4w9WgXcQ].opus", title=title, artists=("담소네공방 - Topic",))
    assert matcher.match(ours).entry_id == "damsonegongbang-loving-with-all-your-heart"


def test_a_cp949_file_name_is_split_like_any_other(matcher):
    """Old Korean Windows wrote file names in CP949: '태연 - Fine' still names the song."""
    import os

    name = os.fsdecode("태연_Fine".encode("cp949"))
    t = Tags(path=f"/m/{name}.mp3", title_source="filename")
    assert matcher.match(t).entry_id == "taeyeon-fine"


@given(
    st.lists(
        st.one_of(
            st.sampled_from(["Taeyeon", "Fine", "MV", "01", "Live", "(Official Audio)", "태연"]),
            st.text(max_size=12),
        ),
        max_size=14,
    ),
    st.sampled_from([" - ", "_", "-", " ｜ ", " '", "(", " [dQw4w9WgXcQ]"]),
)
def test_any_split_string_is_read_without_error(matcher, words, sep):
    text = sep.join(words)
    for t in (
        tags(text),
        tags(text, "Various Artists"),
        Tags(path=f"/m/{text.replace('/', '⧸')}.mp3", title_source="filename"),
    ):
        m = matcher.match(t)
        assert 0.0 <= m.score <= 1.0
        if m.matched:  # whatever else is in the string, a match names the song's own title
            assert any(r.field == "title" and r.score >= 0.9 for r in m.reasons)


@pytest.mark.parametrize(
    "artist,expected",
    [
        # A one-letter slip that spells a version word inside the artist's own name
        # ("Min" -> "Mix") is still that artist: found by the one-edit property above.
        ("Mix Kyung Hoon & Kim Hee Chul", "min-kyung-hoon-kim-hee-chul-falling-blossoms"),
        ("Min Kyung Hoon", "min-kyung-hoon-kim-hee-chul-falling-blossoms"),
        # A version word beside the name, or a channel's own name, still blocks.
        ("Min Kyung Hoon (Remix)", None),
        ("Min Kyung Hoon [Live]", None),
        ("Piano Covers", None),
        ("Nightcore Min Kyung Hoon", None),
    ],
)
def test_version_words_in_an_artist_credit_count_outside_the_name(matcher, artist, expected):
    m = matcher.match(tags("Falling Blossoms", artist))
    assert m.entry_id == expected, m.verdict
    if expected is None and "Min" in artist:
        assert "version is not the catalog's recording" in m.verdict
