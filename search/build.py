"""Writing an index (public or curator): full builds into a fresh generation (in parallel), updates in place.

Whoosh commits atomically: segments are written first, then a new table of
contents is renamed into place. A run killed before that rename leaves the
previous state serving; `repair` removes what it left behind. Every commit that
deletes a document rewrites the segments holding deletions, so the words of a
withdrawn or narrowed testimony do not linger in any file.

Every segment is written as separate files, never as one compound file: a reader
of a compound file copies each part it opens into a private buffer (Whoosh's
BufferFile wraps the mapped part in a BytesIO), about the index's size in every
searching process; separate files are read through the page cache, which all the
server's workers share. It also saves the build the copy into the compound file.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import shutil
import threading
from concurrent.futures import ProcessPoolExecutor, as_completed
from functools import partial
from multiprocessing import get_context
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from whoosh import index as whoosh_index
from whoosh.codec.base import Segment
from whoosh.externalsort import imerge
from whoosh.reading import SegmentReader
from whoosh.writing import SegmentWriter

from archive import consent
from archive.consent import Audience

from .build_writer import BuildWriter
from .catalogue import view_row
from .changes import Judged, judge
from .codec import ArchiveCodec
from .documents import index_document
from .manifest import Keys
from .schema import schema_for
from .sources import VOCABULARY_FILES, FileStat, generation_vocabularies, keep_parsed_vocabularies, read_testimony

__all__ = ["create_generation", "build_generation", "update_generation", "repair", "MAX_SEGMENTS"]

LIMITMB = 128  # memory for the posting pool of one writer
SEGMENT_DOCS = (250, 4000)  # the smallest and largest segment a full build writes
MAX_SEGMENTS = 24  # beyond this an update also merges the smallest segments
DIRTY_SHARE = 0.2  # an ordinary update rewrites a segment once this share of it is deleted
Progress = Callable[[int], None]


def create_generation(directory: Path, content_root: Path, audience: Audience = Audience.PUBLIC) -> None:
    """An empty index of this audience's schema in a new directory, with a copy of the vocabularies."""
    directory.mkdir(parents=True)
    for name in VOCABULARY_FILES:
        source = content_root / name
        if source.is_file():
            shutil.copyfile(source, directory / name)
    keep_parsed_vocabularies(directory)
    whoosh_index.create_in(str(directory), schema_for(audience))


def _segment_size(count: int, procs: int) -> int:
    """Documents per segment of a full build: two chunks per process, within bounds (few segments
    make fast queries; bounded ones keep a purge, which rewrites a whole segment, affordable), and
    never more than half of MAX_SEGMENTS segments, so that the updates after it find room for theirs
    instead of merging the build's large segments (50 s for the first one-file update at 100,000)."""
    return max(SEGMENT_DOCS[0], min(SEGMENT_DOCS[1], -(-count // max(2 * procs, 1))),
               -(-count // (MAX_SEGMENTS // 2)))


def _build_chunk(directory: str, root: str, stats: Sequence[FileStat], ids: frozenset[str],
                 today: dt.date, key: Keys, audience: Audience = Audience.PUBLIC) -> tuple[Segment | None, list[Judged]]:
    """Read, judge and index some files into one new segment (in a worker process, or inline). What comes back
    is small: of a public view, only its catalogue row (search.catalogue.view_row), never the view itself."""
    places, themes = generation_vocabularies(Path(directory))
    ix = whoosh_index.open_dir(directory)
    writer = BuildWriter(ix)
    judged = []
    known = set(ids)  # once per chunk: a copy per file made the build quadratic (4.5 ms a file at 100,000)
    try:
        for stat in stats:
            result = judge(read_testimony(Path(root), stat, places, themes, known), today, places, key, audience)
            if result.view is not None:
                writer.add_document(**index_document(result.view, places, themes, audience, stat.mtime_ns))
            row = view_row(result, today, key) if result.view is not None and audience is Audience.PUBLIC else None
            judged.append(Judged(result.id, result.entry, None, result.problems, result.facts, row))
        if writer._added:
            return writer._finalize_segment(), judged
        writer._close_segment()
    except BaseException:
        # The generation's folder may have gone (a deleted or swapped index): close the segment's
        # files, or they stay open until the collector finds them.
        _abandon(writer)
        raise
    finally:
        consent.forget_versions()  # this chunk's testimonies, kept by the versions' cache, are not seen again
    return None, judged


def _abandon(writer: SegmentWriter) -> None:
    """Close a failed writer's files one by one: when its folder has gone, closing the stored
    fields raises before Whoosh's own cancel would close the postings, which then stay open."""
    for part in (writer.perdocwriter, writer.fieldwriter):
        with contextlib.suppress(Exception):
            if not part.is_closed:
                part.close()
    columns = getattr(writer.perdocwriter, "_cols", None)  # the stored columns' scratch file (a .ctmp)
    with contextlib.suppress(Exception):
        columns._temp.close()  # type: ignore[union-attr]
    with contextlib.suppress(Exception):
        writer.cancel()


def build_generation(directory: Path, root: Path, stats: Sequence[FileStat], ids: frozenset[str],
                     today: dt.date, key: Keys, procs: int = 2, progress: Progress | None = None,
                     audience: Audience = Audience.PUBLIC,
                     sink: Callable[[list[Judged]], None] | None = None) -> list[Judged]:
    """Index every file into the (new, empty) generation; one segment per chunk, chunks in parallel.
    Each chunk's judged files go to `sink` as they come (the catalogue writes their rows); what is returned,
    and kept until the build ends, is each file's entry, problems and curator facts, not its view or row."""
    size = _segment_size(len(stats), procs)
    chunks = [stats[i:i + size] for i in range(0, len(stats), size)]
    args: list[tuple[Any, ...]] = [(str(directory), str(root), chunk, ids, today, key, audience) for chunk in chunks]
    segments: dict[int, Segment] = {}
    judged: dict[int, list[Judged]] = {}

    def collect(number: int, result: tuple[Segment | None, list[Judged]]) -> None:
        if result[0] is not None:
            segments[number] = result[0]
        if sink:
            sink(result[1])
        judged[number] = [dataclasses.replace(j, row=None) if j.row is not None else j for j in result[1]]
        if progress:
            progress(len(result[1]))

    # Fork (no re-import of __main__, nothing to pickle but file names), and only when no other
    # thread could hold a lock across the fork; a threaded caller such as a server builds inline.
    if procs <= 1 or len(chunks) <= 1 or threading.active_count() > 1:
        for number, arg in enumerate(args):
            collect(number, _build_chunk(*arg))
    else:
        with ProcessPoolExecutor(procs, mp_context=get_context("fork")) as pool:
            futures = {pool.submit(_build_chunk, *arg): number for number, arg in enumerate(args)}
            for future in as_completed(futures):
                collect(futures.pop(future), future.result())  # (a future keeps its result while it is kept)
    # In file order, so that documents are numbered alike however many processes built them.
    _commit_segments(directory, [segments[n] for n in sorted(segments)])
    return [j for n in sorted(judged) for j in judged[n]]


def _commit_segments(directory: Path, segments: list[Segment]) -> None:
    """Publish the segments the chunks wrote, in one table of contents (as Whoosh's MpWriter does)."""
    ix = whoosh_index.open_dir(str(directory))
    writer = SegmentWriter(ix, codec=ArchiveCodec(), compound=False)
    writer._close_segment()
    writer._commit_toc(segments)
    writer._finish()


def rewrite_segments(ix: Any, schema: Any, segments: list[Segment]) -> Segment | None:
    """One new segment holding only the live documents of these segments.

    Like Whoosh's `add_reader`, but the postings, already in order, stream straight into
    the new segment instead of through the sorting pool: several times faster, so that
    purging the segment of one edited or withdrawn testimony stays within a second.
    """
    readers = [SegmentReader(ix.storage, schema, segment) for segment in segments]
    try:
        if not any(r.doc_count() for r in readers):
            return None
        writer = SegmentWriter(ix, _lk=False, limitmb=LIMITMB, codec=ArchiveCodec(), compound=False)
        names = set(schema.names())
        streams = []
        for reader in readers:
            base = writer.docnum
            docmap = writer.write_per_doc(names, reader)
            streams.append(writer._process_posts(reader.iter_postings(), base, docmap))
        writer.perdocwriter.close()
        lengths = writer.per_document_reader()
        try:
            writer.fieldwriter.add_postings(schema, lengths, imerge(streams) if len(streams) > 1 else streams[0])
        finally:
            lengths.close()
        writer._close_segment()
        return writer.get_segment()
    finally:
        for reader in readers:
            reader.close()


def purge_and_merge(writer: SegmentWriter, segments: list[Segment], purge: bool = True) -> list[Segment]:
    """Merge policy: rewrite segments with deleted documents so that their words leave the files
    (all of them when `purge`, else only those mostly deleted), and merge the smallest segments
    when there are too many."""
    keep, dirty = [], []
    for segment in segments:
        deleted = segment.deleted_count() if segment.has_deletions() else 0
        if deleted and (purge or deleted > DIRTY_SHARE * segment.doc_count_all()):
            dirty.append(segment)
        else:
            keep.append(segment)
    keep.sort(key=lambda s: s.doc_count_all())
    small: list[Segment] = []
    if len(keep) + len(dirty) >= MAX_SEGMENTS:  # merge the smallest into one, down to half the limit,
        bound = max((s.doc_count_all() for s in keep), default=0) // 2  # but cheaply: the updates' own
        merged = 0                                                       # small segments, not the build's
        while keep and (len(small) < 2 or (len(keep) + len(dirty) + 1 > MAX_SEGMENTS // 2
                                           and merged + keep[0].doc_count_all() <= bound)):
            merged += keep[0].doc_count_all()
            small.append(keep.pop(0))
    ix = whoosh_index.FileIndex(writer.storage, writer.schema, writer.indexname)
    for group in [[s] for s in dirty] + ([small] if small else []):
        rewritten = rewrite_segments(ix, writer.schema, group)
        if rewritten is not None:
            keep.append(rewritten)
    return keep


def update_generation(directory: Path, documents: Iterable[dict[str, Any]], deletions: Iterable[str],
                      purge: bool) -> None:
    """Replace, add and delete documents in place, in one atomic commit.

    With `purge` (a testimony left the index or its consent changed) every segment holding a
    deleted document is rewritten, so no file keeps a word of it; an ordinary edit only marks
    the old version deleted, and its segment is rewritten once it is mostly deleted.
    """
    ix = whoosh_index.open_dir(str(directory))
    writer = ix.writer(limitmb=LIMITMB, codec=ArchiveCodec(), compound=False)
    try:
        for testimony_id in deletions:
            writer.delete_by_term("id", testimony_id)
        for document in documents:
            writer.update_document(**document)
        writer.commit(mergetype=partial(purge_and_merge, purge=purge))
    except BaseException:
        _abandon(writer)
        raise


def repair(generations: Path, current: str | None) -> list[str]:
    """Remove what a killed run left: other generations' directories, temporary files, orphan segments."""
    removed = []
    if generations.is_dir():
        for child in generations.iterdir():
            if child.name != current:
                shutil.rmtree(child, ignore_errors=True) if child.is_dir() else child.unlink(missing_ok=True)
                removed.append(child.name)
    if current is None or not (generations / current).is_dir():
        return removed
    directory = generations / current
    for child in directory.iterdir():
        if child.is_dir() or ".toc." in child.name:  # the writer's temporary storage, a half-written TOC
            shutil.rmtree(child, ignore_errors=True) if child.is_dir() else child.unlink(missing_ok=True)
            removed.append(f"{current}/{child.name}")
    try:
        ix = whoosh_index.open_dir(str(directory))
        toc = ix._read_toc()
        whoosh_index.clean_files(ix.storage, ix.indexname, toc.generation, toc.segments)
    except Exception:  # an unreadable index is rebuilt by the caller
        pass
    return removed
