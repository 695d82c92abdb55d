"""Derive region.json (the map's outline of Syria and its neighbours) from Natural Earth, via world-atlas.

    .venv/bin/python web/geodata/derive_region.py [--tarball world-atlas-2.0.2.tgz]

Downloads the npm package pinned in world-atlas.lock.json (or reads a local copy of its
tarball), checks the tarball against the lock file's sha512 integrity, reads Natural Earth's
1:10m admin-0 countries (TopoJSON) from it, simplifies every shared border once (so
neighbours still meet), clips each country to BBOX and writes region.json beside this file.
The site reads only region.json; this script is run by hand when the outline should change.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import sys
import tarfile
import urllib.request
from pathlib import Path

from web.mapping import clip_ring  # the same cut the map makes to its view

HERE = Path(__file__).resolve().parent
LOCK = HERE / "world-atlas.lock.json"
OUT = HERE / "region.json"
BBOX = (34.0, 31.4, 43.0, 38.2)  # west, south, east, north (degrees): all of Syria and its borders
TOLERANCE = 0.006  # degrees (about 600 m): Douglas-Peucker tolerance for every arc
DIGITS = 3  # decimals kept (about 100 m)
MIN_AREA = 0.002  # square degrees: smaller islands and slivers are left out

Point = tuple[float, float]


def read_topology(tarball: bytes, pinned: dict[str, str]) -> dict:
    algorithm, _, expected = pinned["integrity"].partition("-")
    actual = base64.b64encode(hashlib.new(algorithm, tarball).digest()).decode("ascii")
    if actual != expected:
        sys.exit(f"error: the tarball's integrity is {algorithm}-{actual}, not the {pinned['integrity']} pinned in {LOCK.name}.")
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
        member = archive.extractfile(pinned["file"])
        if member is None:
            sys.exit(f"error: the tarball has no {pinned['file']}.")
        return json.loads(member.read())


def decode_arcs(topology: dict) -> list[list[Point]]:
    """Every arc in degrees (TopoJSON quantized arcs are delta-encoded)."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def simplify(points: list[Point], tolerance: float) -> list[Point]:
    """Douglas-Peucker, keeping both ends (an arc's ends are where borders meet)."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        length = (dx * dx + dy * dy) ** 0.5
        worst, at = 0.0, -1
        for i in range(first + 1, last):
            px, py = points[i]
            if length == 0:
                distance = ((px - x1) ** 2 + (py - y1) ** 2) ** 0.5
            else:
                distance = abs(dy * px - dx * py + x2 * y1 - y2 * x1) / length
            if distance > worst:
                worst, at = distance, i
        if worst > tolerance:
            keep[at] = True
            stack += [(first, at), (at, last)]
    return [p for p, k in zip(points, keep) if k]


def ring(indices: list[int], arcs: list[list[Point]]) -> list[Point]:
    points: list[Point] = []
    for index in indices:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points += arc if not points else arc[1:]
    return points


def area(points: list[Point]) -> float:
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1]))) / 2


def derive(topology: dict, pinned: dict[str, str]) -> dict:
    arcs = [simplify(arc, TOLERANCE) for arc in decode_arcs(topology)]
    countries = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        polygons = {"Polygon": [geometry.get("arcs", [])], "MultiPolygon": geometry.get("arcs", [])}.get(
            geometry["type"], [])
        rings = []
        for polygon in polygons:
            for indices in polygon:
                points = clip_ring(ring(indices, arcs), BBOX)
                points = list(dict.fromkeys((round(x, DIGITS), round(y, DIGITS)) for x, y in points))
                if len(points) >= 3 and area(points) >= MIN_AREA:
                    rings.append([c for p in points for c in p])
        if rings:
            countries.append({"id": geometry.get("id"), "name": geometry["properties"]["name"], "rings": rings})
    countries.sort(key=lambda c: c["name"])
    return {
        "source": f"Natural Earth 1:10m admin-0 countries (public domain), as TopoJSON in the npm package "
                  f"{pinned['name']} {pinned['version']} ({pinned['file']}, {pinned['integrity']})",
        "derived": f"web/geodata/derive_region.py: arcs simplified (Douglas-Peucker, {TOLERANCE} degrees), "
                   f"clipped to {list(BBOX)}, rounded to {DIGITS} decimals, pieces under {MIN_AREA} square degrees left out",
        "bbox": list(BBOX),
        "countries": countries,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tarball", type=Path, help="a local copy of the pinned tarball (else it is downloaded)")
    args = parser.parse_args()
    pinned = json.loads(LOCK.read_text(encoding="utf-8"))
    if args.tarball:
        data = args.tarball.read_bytes()
    else:
        with urllib.request.urlopen(pinned["tarball"], timeout=120) as response:
            data = response.read()
    region = derive(read_topology(data, pinned), pinned)
    OUT.write_text(json.dumps(region, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(region['countries'])} countries, {OUT.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
