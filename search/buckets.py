"""The scan's files in buckets, each with a keyed hash of its files' names and stats.

An index run must notice the one file that changed among a hundred thousand without looking
up each file's entry in the manifest (search.manifest): it compares each bucket's hash with the
one the manifest keeps, and only the buckets whose hash differs are compared file by file.

A file's bucket is a checksum of its path (no secret: it must be the same in every run); what
the manifest keeps of a bucket is only its tag and its hash, both HMACs under the instance
secret, so neither tells which names fall into it or lets a guess be tested offline.
"""

from __future__ import annotations

import posixpath
import struct
import zlib
from array import array
from collections import defaultdict
from operator import itemgetter, methodcaller
from dataclasses import dataclass, field
from typing import Iterable, Mapping

from archive.rescanning import scan_order
from archive.scanning import SUFFIX, ContentScan, FileStat

from .manifest import Keys
from .sources import Scan

__all__ = ["BUCKETS", "Buckets", "bucket_of", "fill", "keep_last"]

_ID, _PATH, _MTIME, _SIZE = itemgetter(0), itemgetter(1), itemgetter(2), itemgetter(3)  # of a FileStat
_ENCODE = methodcaller("encode", "utf-8", "surrogateescape")
BUCKETS = 1024  # about 100 files a bucket at 100,000: a one-file change compares about 100 entries


def bucket_of(path: str) -> int:
    return zlib.crc32(path.encode("utf-8", "surrogateescape")) % BUCKETS


@dataclass(frozen=True)
class Buckets:
    """Every bucket's tag; the files of each non-empty bucket (duplicates too) and its hash."""

    tags: tuple[str, ...]
    members: dict[int, list[FileStat]]
    digests: dict[str, str]  # tag -> hash, non-empty buckets only
    numbers: dict[str, int] = field(default_factory=dict)  # tag -> bucket

    def tag_of(self, path: str) -> str:
        return self.tags[bucket_of(path)]

    def files(self, tags: Iterable[str]) -> list[FileStat]:
        """The files of these buckets (duplicates too), in no particular order."""
        return [f for tag in tags if tag in self.numbers for f in self.members.get(self.numbers[tag], ())]


def fill(scan: Scan, key: Keys) -> Buckets:
    """The scan's files in their buckets, with each bucket's hash: a duplicated id's copies count as
    duplicates (so a file that gains or loses a copy elsewhere changes its bucket too).

    After `keep_last()`, the last answer is kept: asked again for the same scan it is given again, and for
    a scan made again from it (archive.rescanning) only the buckets of the paths seen again are worked out."""
    listing = scan.listing
    if _kept and listing is not None:
        last_files, last_key, last_duplicates, last = _kept
        if last_key == key and last_files is listing.files:
            return last
        if last_key == key and listing.since is not None and listing.since[0] is last_files:
            found = _refill(last, last_duplicates, listing, listing.since[1], key)
            if found is not None:
                _kept[:] = [listing.files, key, listing.duplicates, found]
                return found
    found = _fill(scan, key)
    if _kept and listing is not None:
        _kept[:] = [listing.files, key, listing.duplicates, found]
    return found


_kept: list[object] = []  # [the files, the key, the duplicates, their Buckets] of the last fill, once asked for


def keep_last(keep: bool = True) -> None:
    """Keep the last fill for the next (a process that follows the files: web.indexer), or no longer."""
    _kept[:] = [None, None, {}, None] if keep else []


def _fill(scan: Scan, key: Keys) -> Buckets:
    members: dict[int, list[FileStat]] = defaultdict(list)
    listing = scan.listing.files if scan.listing is not None else tuple(scan.files.values())
    for crc, file in zip(_checksums(listing), listing):
        members[crc % BUCKETS].append(file)  # bucket_of(file.path)
    tags = _tags(key)
    duplicated = scan.listing.duplicates if scan.listing is not None else {}
    digests = {tags[number]: _digest(key, number, files, duplicated) for number, files in members.items()}
    return Buckets(tags, dict(members), digests, {tag: number for number, tag in enumerate(tags)})


def _checksums(files: tuple[FileStat, ...] | list[FileStat]) -> list[int]:
    """zlib.crc32 of every file's path (UTF-8, surrogates escaped), each step a C function over the whole listing
    (no Python call per file). Strict UTF-8 first, twice as fast as the encoding with surrogateescape and the same
    bytes for every path it can encode; a path it cannot (a name that was not UTF-8) makes them all go the slow way."""
    try:
        return list(map(zlib.crc32, map(str.encode, map(_PATH, files))))
    except UnicodeEncodeError:
        return list(map(zlib.crc32, map(_ENCODE, map(_PATH, files))))


def _tags(key: Keys) -> tuple[str, ...]:
    return tuple(key(f"bucket:{number}") for number in range(BUCKETS))


def _digest(key: Keys, number: int, files: list[FileStat], duplicated: Mapping[str, object]) -> str:
    names = "\0".join(map(_PATH, files)).encode("utf-8", "surrogateescape")
    if duplicated and not duplicated.keys().isdisjoint(map(_ID, files)):
        stats = array("q", [-1 if f.id in duplicated else f.mtime_ns for f in files])
        stats += array("q", [-1 if f.id in duplicated else f.size for f in files])
        packed = stats.tobytes()
    else:  # the same bytes as the two arrays above, packed at once (a fifth faster)
        packed = struct.pack(f"{2 * len(files)}q", *map(_MTIME, files), *map(_SIZE, files))
    return key.of_bytes(b"files:%d\n%s\n%s" % (number, names, packed))


def _refill(last: Buckets, last_duplicates: Mapping[str, object], listing: ContentScan, changed: frozenset[str],
            key: Keys) -> Buckets | None:
    """`last` with the buckets of the `changed` paths worked out again from `listing` (made again from the
    files `last` was filled from); None when a changed file's id is or was duplicated (its copies' buckets
    change too: fill them all)."""
    paths = [path for path in changed if path.endswith(SUFFIX)]
    ids = {posixpath.basename(path)[:-len(SUFFIX)] for path in paths}
    duplicated = listing.duplicates
    if not ids.isdisjoint(duplicated.keys()) or not ids.isdisjoint(last_duplicates.keys()):
        return None
    members, digests = dict(last.members), dict(last.digests)
    by_id = listing.by_id
    for number in {bucket_of(path) for path in paths}:
        files = [f for f in last.members.get(number, ()) if f.path not in changed]
        files += [by_id[i] for i in ids if i in by_id and by_id[i].path in changed and bucket_of(by_id[i].path) == number]
        files.sort(key=_order)
        tag = last.tags[number]
        if files:
            members[number], digests[tag] = files, _digest(key, number, files, duplicated)
        else:
            members.pop(number, None)
            digests.pop(tag, None)
    return Buckets(last.tags, members, digests, last.numbers)


def _order(file: FileStat) -> tuple[tuple[int, str], ...]:
    return scan_order(file.path)
