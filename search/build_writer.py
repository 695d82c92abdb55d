"""The writer of a full build's segments: Whoosh's SegmentWriter, with postings gathered by term in memory.

Whoosh's writer puts every posting of a segment, one tuple each, into a pool that estimates its
size, spills sorted runs to disk past a memory limit and merge-sorts them back; then the codec
takes the postings one call at a time. A full build adds its documents in order, so each term's
postings are already in order of document: here they are appended to the term's arrays, the
terms alone are sorted when the segment is written, and each term's postings go to the codec in
blocks. The files written are the same as Whoosh's, byte for byte
(tests/search/test_build_writer.py).
"""

from __future__ import annotations

from array import array
from operator import sub
from typing import Any

from whoosh.codec.whoosh3 import W3FieldWriter, W3PostingsWriter
from whoosh.fields import FieldType
from whoosh.writing import SegmentWriter

from .codec import ArchiveCodec

__all__ = ["BuildWriter"]

class _Postings:
    """One term's postings in one segment: document numbers, weights and encoded values, in order."""

    __slots__ = ("docnums", "weights", "values")

    def __init__(self) -> None:
        self.docnums = array("I")
        self.weights = array("d")  # as given: the codec rounds them to single precision after taking the maximum
        self.values: list[bytes] = []


class _BlockWriter(W3PostingsWriter):
    """W3's postings writer, also taking a term's postings a block at a time (what `add_posting`
    would buffer one by one), and minifying a block's numbers without a generator per posting."""

    def add_block(self, docnums: array, weights: array, values: list[bytes], lengths: list[int]) -> None:
        if len(self._ids):
            self._write_block()  # as add_posting does when the block is full and another posting comes
        self._ids.extend(docnums)
        self._weights.fromlist(weights.tolist())
        self._maxweight = max(0, max(weights))
        self._values = [v for v in values if v]
        lengths = [n for n in lengths if n]
        if lengths:
            self._minlength, self._maxlength = min(lengths), max(lengths)

    def _mini_ids(self) -> tuple[int, ...]:
        ids = self._ids
        if self._byteids:
            return tuple(ids)
        return (ids[0], *map(sub, ids[1:], ids)) if ids else ()

    def _mini_weights(self) -> Any:
        weights = self._weights
        if weights.count(1.0) == len(weights):
            return None
        if weights.count(weights[0]) == len(weights):
            return weights[0]
        return tuple(weights)


class _BuildCodec(ArchiveCodec):
    def postings_writer(self, dbfile: Any, byteids: bool = False) -> W3PostingsWriter:
        return _BlockWriter(dbfile, blocklimit=self._blocklimit, byteids=byteids, compression=self._compression,
                            inlinelimit=self._inlinelimit)


class BuildWriter(SegmentWriter):
    """A writer of one new segment, for documents added in order and nothing else (no deletions,
    updates, boosts, vectors or spelling fields: a full build's documents have none)."""

    def __init__(self, ix: Any) -> None:
        super().__init__(ix, _lk=False, limitmb=1, codec=_BuildCodec(), compound=False)  # (its pool stays empty)
        self._terms: dict[str, dict[Any, _Postings]] = {}  # field -> term (text or bytes) -> postings

    def add_document(self, **fields: Any) -> None:
        self._check_state()
        schema, perdoc, docnum = self.schema, self.perdocwriter, self.docnum
        names = sorted(fields)
        for name in names:
            if name.startswith("_"):
                raise ValueError(f"the build writer takes no boosts or custom stored values ({name!r})")
        self._check_fields(schema, names)
        perdoc.start_doc(docnum)
        try:
            for name in names:
                value = fields[name]
                if value is None:
                    continue
                field = schema[name]
                if field.vector or field.separate_spelling():
                    raise ValueError(f"the build writer writes no vectors or spelling words ({name!r})")
                length = 0
                if field.indexed:
                    length = self._add_postings(self._terms.setdefault(name, {}), field, value, docnum)
                perdoc.add_field(name, field, value if field.stored else None, length)
                if field.column_type:
                    perdoc.add_column_value(name, field.column_type, field.to_column_value(value))
        except BaseException:
            perdoc.cancel_doc()
            raise
        perdoc.finish_doc()
        self._added = True
        self.docnum += 1

    @staticmethod
    def _add_postings(terms: dict[Any, _Postings], field: Any, value: Any, docnum: int) -> int:
        """Add a field's postings of one document to its terms'; return the field's length in the document.
        A field indexed as Whoosh's FieldType does it keeps its terms as text, encoded once when written."""
        if type(field).index is FieldType.index:
            found = field.format.word_values(value, field.analyzer, mode="index")
        else:
            found = field.index(value)
        length = 0
        for text, freq, weight, vbytes in found:
            postings = terms.get(text)
            if postings is None:
                postings = terms[text] = _Postings()
            postings.docnums.append(docnum)
            postings.weights.append(weight)
            postings.values.append(vbytes)
            length += freq
        return length if field.scorable else 0

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        lengths = self.per_document_reader()
        try:
            self._write_postings(lengths)
        finally:
            lengths.close()
        self.fieldwriter.close()

    def _write_postings(self, reader: Any) -> None:
        writer: W3FieldWriter = self.fieldwriter
        count = self.docnum
        for name in sorted(self._terms):
            terms = self._terms.pop(name)
            field = self.schema[name]
            lengths = [reader.doc_field_length(d, name) or 0 for d in range(count)]  # as stored: rounded
            writer.start_field(name, field)
            block = writer._postwriter._blocklimit
            for text in sorted(terms):  # text sorts by code point as its UTF-8 bytes do
                postings = terms.pop(text)
                writer.start_term(text.encode("utf-8") if isinstance(text, str) else text)
                docnums, weights, values = postings.docnums, postings.weights, postings.values
                for start in range(0, len(docnums), block):
                    ids = docnums[start:start + block]
                    writer._postwriter.add_block(ids, weights[start:start + block], values[start:start + block],
                                                 [lengths[d] for d in ids])
                writer.finish_term()
            writer.finish_field()
