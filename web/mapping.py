"""The map of the collection's places: SVG drawn on the server over Natural Earth's outline of the region.

Pure functions: they take markers (a place, its coordinates, its public count, its link and
accessible name) and return SVG markup; what goes into a marker is decided in `web.glance`.
The outline is web/geodata/region.json (see the README beside it); nothing is fetched at run
time and no tile server or script is involved. The map keeps its geographic orientation in
both languages (north up, east right).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

from markupsafe import Markup

__all__ = ["Marker", "View", "region", "view_for", "radius", "outline", "clip_ring", "render_map", "AREA_TYPES",
           "DEFAULT_VIEW", "WIDTH"]

REGION = Path(__file__).parent / "geodata" / "region.json"
WIDTH = 480  # the SVG's user units across; it scales to the page's width
DEFAULT_VIEW = (35.9, 35.3, 37.3, 36.5)  # west, south, east, north: Idlib governorate and around it
MIN_SPAN = 1.0  # degrees of latitude: a map never zooms in closer than this
PAD = 0.2  # degrees around the markers
R_MIN, R_MAX = 5.0, 18.0
# Places that are areas: drawn as a ring at their rough centre ("somewhere in here"), not as a dot.
AREA_TYPES = frozenset({"country", "governorate", "district", "subdistrict"})


@dataclass(frozen=True)
class Marker:
    """One place on the map: `label` is its accessible name (name and count, in the reader's language)."""

    place_id: str
    name: str
    lat: float
    lon: float
    count: int
    url: str
    label: str
    area: bool = False
    current: bool = False
    lang: str | None = None  # the name's language, when it is not the page's


@dataclass(frozen=True)
class View:
    """The part of the earth drawn: degrees west, south, east, north."""

    west: float
    south: float
    east: float
    north: float

    @property
    def scale_x(self) -> float:  # an equirectangular projection, true to scale at the view's middle latitude
        return math.cos(math.radians((self.south + self.north) / 2))

    @property
    def height(self) -> float:
        return WIDTH * (self.north - self.south) / ((self.east - self.west) * self.scale_x)

    def project(self, lon: float, lat: float) -> tuple[float, float]:
        x = (lon - self.west) / (self.east - self.west) * WIDTH
        y = (self.north - lat) / (self.north - self.south) * self.height
        return x, y


@lru_cache(maxsize=1)
def region() -> dict:
    """The derived outline: {"bbox": [w, s, e, n], "countries": [{"name", "rings": [[lon, lat, ...]]}]}."""
    return json.loads(REGION.read_text(encoding="utf-8"))


def view_for(points: Iterable[tuple[float, float]], aspect: float = 0.75) -> View:
    """The view around these (lat, lon) points, padded, at least MIN_SPAN tall, `aspect` (height / width) on
    screen, kept inside the outline's box; the Idlib region when there are none."""
    points = list(points)
    if not points:
        west, south, east, north = DEFAULT_VIEW
    else:
        south, north = min(p[0] for p in points) - PAD, max(p[0] for p in points) + PAD
        west, east = min(p[1] for p in points) - PAD, max(p[1] for p in points) + PAD
    box_w, box_s, box_e, box_n = region()["bbox"]
    cos = math.cos(math.radians((south + north) / 2))
    span_lat = max(north - south, MIN_SPAN, (east - west) * cos * aspect)
    span_lon = max(east - west, span_lat / aspect / cos)
    span_lat, span_lon = min(span_lat, box_n - box_s), min(span_lon, box_e - box_w)
    mid_lat, mid_lon = (south + north) / 2, (west + east) / 2
    south = min(max(mid_lat - span_lat / 2, box_s), box_n - span_lat)
    west = min(max(mid_lon - span_lon / 2, box_w), box_e - span_lon)
    return View(round(west, 4), round(south, 4), round(west + span_lon, 4), round(south + span_lat, 4))


def radius(count: int, largest: int) -> float:
    """A marker's radius: its area grows with the count; the largest count gets R_MAX."""
    if count <= 0 or largest <= 0:
        return R_MIN
    return round(R_MIN + (R_MAX - R_MIN) * math.sqrt(count / largest), 1)


@lru_cache(maxsize=64)
def outline(view: View) -> tuple[tuple[str, bool, str], ...]:
    """(country name, is Syria, path data) for every country seen in the view, projected to SVG units."""
    paths = []
    for country in region()["countries"]:
        parts = []
        for ring in country["rings"]:
            xs, ys = ring[0::2], ring[1::2]
            if max(xs) < view.west or min(xs) > view.east or max(ys) < view.south or min(ys) > view.north:
                continue
            # cut just outside the view (two units), so that no shape reaches past the <svg> box in the page
            mx, my = 2 * (view.east - view.west) / WIDTH, 2 * (view.north - view.south) / view.height
            kept = clip_ring(list(zip(xs, ys)), (view.west - mx, view.south - my, view.east + mx, view.north + my))
            if len(kept) < 3:
                continue
            points = [view.project(lon, lat) for lon, lat in kept]
            parts.append("M" + "L".join(f"{x:.1f} {y:.1f}" for x, y in points) + "Z")
        if parts:
            paths.append((country["name"], country.get("id") == "760", "".join(parts)))
    return tuple(paths)


def clip_ring(points: list[tuple[float, float]], box: tuple[float, float, float, float]) -> list[tuple[float, float]]:
    """A polygon ring (lon, lat) cut to a box (west, south, east, north), by Sutherland-Hodgman; the new edges
    run along the box."""
    west, south, east, north = box
    edges = ((0, west, True), (0, east, False), (1, south, True), (1, north, False))
    for axis, limit, above in edges:
        if not points:
            break
        def inside(p: tuple[float, float]) -> bool:
            return p[axis] >= limit if above else p[axis] <= limit

        def cross(a: tuple[float, float], b: tuple[float, float]) -> tuple[float, float]:
            t = (limit - a[axis]) / (b[axis] - a[axis])
            other = 1 - axis
            value = a[other] + (b[other] - a[other]) * t
            return (limit, value) if axis == 0 else (value, limit)

        result = []
        for i, current in enumerate(points):
            previous = points[i - 1]
            if inside(current):
                if not inside(previous):
                    result.append(cross(previous, current))
                result.append(current)
            elif inside(previous):
                result.append(cross(previous, current))
        points = result
    return points


def _label_box(x: float, y: float, r: float, text: str, font: float, east: bool) -> tuple[float, float, float, float]:
    width = len(text) * font * 0.56
    left = x + r + 2 if east else x - r - 2 - width
    return left, y - font * 0.7, left + width, y + font * 0.4


def _overlaps(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def render_map(markers: Sequence[Marker], view: View, title: str, description_id: str | None = None,
               font: float = 15.0) -> Markup:
    """The map as an inline <svg>: sea, land, Syria, borders, then one link per marker (largest first, so a
    small one is never hidden under a big one), each labelled where its name fits."""
    height = view.height
    # direction="ltr": labels are placed by their left and right edges, whatever the page's direction
    out = [Markup('<svg class="map" viewBox="0 0 %d %.0f" width="%d" height="%.0f" direction="ltr"'
                  ' aria-label="%s"%s>')
           % (WIDTH, height, WIDTH, height, title,
              Markup(' aria-describedby="%s"') % description_id if description_id else "")]
    out.append(Markup('<rect class="sea" width="%d" height="%.0f"/>') % (WIDTH, height))
    for name, home, path in outline(view):
        out.append(Markup('<path class="%s" d="%s"/>') % ("land home" if home else "land", path))
    largest = max((m.count for m in markers), default=0)
    placed: list[tuple[float, float, float, float]] = []
    drawn = sorted(markers, key=lambda m: (-m.count, m.place_id))
    circles = []
    for marker in drawn:
        x, y = view.project(marker.lon, marker.lat)
        r = radius(marker.count, largest)
        own = (x - r - 2, y - r - 2, x + r + 2, y + r + 2)  # with room for a thick outline
        circles.append((marker, x, y, r, own))
        placed.append(own)
    for marker, x, y, r, own in circles:
        label = None
        for east in (True, False):
            box = _label_box(x, y, r, marker.name, font, east)
            if box[0] >= 0 and box[2] <= WIDTH and box[1] >= 0 and box[3] <= height and \
                    not any(_overlaps(box, other) for other in placed if other is not own):
                label = (box, east)
                placed.append(box)
                break
        classes = "marker" + (" area" if marker.area else "") + (" current" if marker.current else "")
        part = Markup('<a href="%s" class="%s" aria-label="%s"%s><title>%s</title>'
                      '<circle cx="%.1f" cy="%.1f" r="%.1f"/>') % (
            marker.url, classes, marker.label, Markup(' aria-current="page"') if marker.current else "",
            marker.label, x, y, r)
        if label is not None:
            box, east = label
            lang = Markup(' lang="%s"') % marker.lang if marker.lang else ""
            part += Markup('<text x="%.1f" y="%.1f" font-size="%s"%s%s>%s</text>') % (
                box[0] if east else box[2], y + font * 0.35, font, lang,
                Markup(' text-anchor="end"') if not east else "", marker.name)
        out.append(part + Markup("</a>"))
    out.append(Markup("</svg>"))
    return Markup("").join(out)

