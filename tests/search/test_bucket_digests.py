"""The buckets' hashes (search.buckets) are what every index before kept: faster to work out, never other.

A manifest keeps each bucket's hash; if the way it is worked out changed, every bucket of every index would
look changed and be compared file by file. So the hashes are checked here against the formula written out
plainly: each bucket's paths (UTF-8, surrogates escaped), then its files' mtimes and sizes as 64-bit numbers,
-1 for a duplicated id; the bucket a file falls in, its path's CRC-32 modulo BUCKETS.
"""

from __future__ import annotations

import os
import zlib
from array import array
from pathlib import Path

from search import buckets
from search.manifest import Keys
from search.sources import scan_content
from tests.support import builder


def _expected(scan, key: Keys) -> dict[str, str]:
    members: dict[int, list] = {}
    for file in scan.listing.files:
        members.setdefault(zlib.crc32(file.path.encode("utf-8", "surrogateescape")) % buckets.BUCKETS, []).append(file)
    tags = [key(f"bucket:{number}") for number in range(buckets.BUCKETS)]
    duplicated = scan.listing.duplicates
    found = {}
    for number, files in members.items():
        names = "\0".join(f.path for f in files).encode("utf-8", "surrogateescape")
        stats = array("q", [-1 if f.id in duplicated else f.mtime_ns for f in files])
        stats += array("q", [-1 if f.id in duplicated else f.size for f in files])
        found[tags[number]] = key.of_bytes(b"files:%d\n%s\n%s" % (number, names, stats.tobytes()))
    return found


def _tree(tmp_path: Path, odd_name: bool) -> Path:
    root = builder.write_collection(tmp_path / "content", vocabulary="search",
                                    testimonies={f"t{number:03d}": {} for number in range(300)})
    builder.write_testimony(root, "t007", folder="elsewhere")  # a duplicated id
    if odd_name:  # a name that is not UTF-8: the scan names it with an escaped surrogate
        with open(os.path.join(os.fsencode(root / "t"), b"caf\xe9.md"), "w", encoding="utf-8") as stream:
            stream.write(builder.testimony_text("cafe"))
    return root


def test_the_hashes_are_those_of_the_plain_formula(tmp_path: Path) -> None:
    scan = scan_content(_tree(tmp_path, odd_name=False))
    key = Keys(b"s" * 32)
    found = buckets.fill(scan, key)
    assert found.digests == _expected(scan, key) and len(found.digests) > 200
    assert {f.path for files in found.members.values() for f in files} == {f.path for f in scan.listing.files}


def test_a_name_that_is_not_utf8_gives_the_same_hashes(tmp_path: Path) -> None:
    scan = scan_content(_tree(tmp_path, odd_name=True))
    assert any("\udce9" in f.path for f in scan.listing.files)  # the control: the odd name is there
    key = Keys(b"s" * 32)
    assert buckets.fill(scan, key).digests == _expected(scan, key)
