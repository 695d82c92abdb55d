"""The compact postings (search/postings.py) hold exactly what Whoosh's pickled formats held."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from whoosh import formats

from tests.fuzz.strategies import fuzz_settings, odd_text
from search.analysis import name_analyzer, text_analyzer
from search.postings import CompactCharacters, CompactPositions
from search.schema import public_schema

TEXTS = st.one_of(odd_text, st.text(alphabet="ab _-.قصف المدرسة the bombing of 2013 ", max_size=300))


def _decoded(fmt, decode, text, analyzer, **kwargs):
    return {term: (freq, weight, getattr(fmt, decode)(value))
            for term, freq, weight, value in fmt.word_values(text, analyzer, **kwargs)}


@fuzz_settings(200)
@given(text=TEXTS, stem=st.booleans())
def test_compact_postings_decode_to_what_whoosh_wrote(text, stem):
    analyzer = text_analyzer() if stem else name_analyzer()
    for compact, whoosh_format, decode in ((CompactCharacters(), formats.Characters(), "decode_characters"),
                                           (CompactCharacters(), formats.Characters(), "decode_positions"),
                                           (CompactPositions(), formats.Positions(), "decode_positions")):
        ours = _decoded(compact, decode, text, analyzer, mode="index")
        assert ours == _decoded(whoosh_format, decode, text, analyzer, mode="index")
        # the generic path (any analyzer, any options) agrees with the fast one
        assert _decoded(compact, decode, text, analyzer, mode="index", removestops=True) == ours


def test_long_texts_switch_to_wide_integers():
    text = "word " * 20_000 + "siege"
    (term, freq, _, value), = [v for v in CompactCharacters().word_values(text, text_analyzer(), mode="index")
                               if v[0] == "sieg"]
    assert CompactCharacters().decode_characters(value) == [(20_000, 100_000, 100_005)]
    assert CompactCharacters().decode_frequency(value) == freq == 1


def test_combine_merges_occurrences():
    fmt = CompactCharacters()
    merged = fmt.combine([fmt.encode([(1, 5, 9)]), fmt.encode([(0, 0, 3), (1, 4, 9)])])
    assert fmt.decode_characters(merged) == [(0, 0, 3), (1, 4, 9)]
    positions = CompactPositions()
    assert positions.decode_positions(positions.combine([positions.encode([3]), positions.encode([1, 3])])) == [1, 3]


def test_the_schema_uses_them_and_phrases_are_supported():
    schema = public_schema()
    assert isinstance(schema["body"].format, CompactCharacters)
    for name in ("title", "summary", "narrator", "place_names"):
        assert isinstance(schema[name].format, CompactPositions)
        assert schema[name].format.supports("positions")
    assert schema["body"].format.supports("characters")
