"""The map's and the timeline's drawing functions, called directly (web/mapping.py, web/timeline.py)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import json
import tarfile
from pathlib import Path

import pytest

from archive.dates import parse_date
from web import mapping, timeline


def link(start: str, end: str) -> str:
    return f"/search?from={start}&to={end}"


def test_overlapping_ranges_count_in_every_year_they_touch():
    spans = [parse_date(t) for t in ("2012", "2014-05/2016-02", "2015-03", "2015-12-31")]
    tl = timeline.build(spans, None, link)
    assert tl is not None and tl.unit == "year"
    assert [(b.year, b.count, b.url) for b in tl.bars] == [
        (2012, 1, "/search?from=2012&to=2012"), (2013, 0, None), (2014, 1, "/search?from=2014&to=2014"),
        (2015, 3, "/search?from=2015&to=2015"), (2016, 1, "/search?from=2016&to=2016")]


def test_a_short_span_is_counted_by_month_and_cut_to_the_window():
    spans = [parse_date(t) for t in ("2019-12/2020-02", "2020-01-15", "2010/2030")]
    window = (dt.date(2019, 12, 10), dt.date(2020, 2, 29))
    tl = timeline.build(spans, window, link)
    assert tl is not None and tl.unit == "month"
    assert [(b.year, b.month, b.count, b.url) for b in tl.bars] == [
        (2019, 12, 2, "/search?from=2019-12-10&to=2019-12-31"), (2020, 1, 3, "/search?from=2020-01&to=2020-01"),
        (2020, 2, 2, "/search?from=2020-02&to=2020-02")]
    assert timeline.monthly([(2019, 2), (2020, 3)]) and not timeline.monthly([(2018, 1), (2020, 3)])
    assert timeline.monthly([(2018, 1), (2020, 3)], (dt.date(2020, 1, 1), dt.date(2020, 6, 30)))


def test_year_counts_become_bars_with_empty_years_kept_and_ends_trimmed():
    tl = timeline.from_year_counts({2011: 0, 2012: 2, 2014: 1, 2015: 0}, None, link)
    assert tl is not None and [(b.year, b.count) for b in tl.bars] == [(2012, 2), (2013, 0), (2014, 1)]
    assert timeline.from_year_counts({2012: 0}, None, link) is None


def test_the_timeline_svg_names_every_bar_and_mirrors_for_right_to_left():
    tl = timeline.from_year_counts({2012: 2, 2013: 1}, None, link)
    assert tl is not None
    ltr = timeline.render_timeline(tl, "Timeline", lambda b: str(b.year), lambda b: f"{b.year}: {b.count}")
    rtl = timeline.render_timeline(tl, "Timeline", lambda b: str(b.year), lambda b: f"{b.year}: {b.count}", rtl=True)
    assert 'aria-label="2012: 2"' in ltr and 'href="/search?from=2012&amp;to=2012"' in ltr
    assert ltr.index("2012: 2") < ltr.index("2013: 1")
    first_x = lambda svg: float(svg.split('<rect class="bar" x="')[1].split('"')[0])  # noqa: E731
    assert first_x(ltr) < 240 < first_x(rtl)


def test_marker_areas_follow_the_counts():
    assert mapping.radius(1, 10) < mapping.radius(5, 10) < mapping.radius(10, 10) == mapping.R_MAX
    assert mapping.radius(0, 10) == mapping.R_MIN


def test_the_view_holds_every_point_and_stays_in_the_region():
    view = mapping.view_for([(35.86, 36.80), (36.33, 36.69)])
    assert view.south < 35.86 and view.north > 36.33 and view.west < 36.69 and view.east > 36.80
    west, south, east, north = mapping.region()["bbox"]
    far = mapping.view_for([(20.0, 10.0)])
    assert west <= far.west and far.east <= east and south <= far.south and far.north <= north
    assert mapping.view_for([]) == mapping.view_for([]) and mapping.view_for([]).north - mapping.view_for([]).south >= 1


def test_clip_ring_cuts_a_polygon_to_a_box():
    square = [(0.0, 0.0), (4.0, 0.0), (4.0, 4.0), (0.0, 4.0)]
    assert sorted(mapping.clip_ring(square, (1.0, 1.0, 2.0, 2.0))) == [(1.0, 1.0), (1.0, 2.0), (2.0, 1.0), (2.0, 2.0)]
    assert mapping.clip_ring(square, (10.0, 10.0, 11.0, 11.0)) == []


def test_the_map_svg_links_markers_largest_first_and_draws_syria():
    view = mapping.view_for([(35.86, 36.80)])
    small = mapping.Marker("a", "A", 35.86, 36.80, 1, "/places/a", "A: 1")
    big = mapping.Marker("b", "B", 35.9, 36.7, 9, "/places/b", "B: 9", area=True, current=True)
    svg = mapping.render_map([small, big], view, "Map")
    assert svg.index('href="/places/b"') < svg.index('href="/places/a"')  # a small marker is drawn on top
    assert 'class="marker area current" aria-label="B: 9" aria-current="page"' in svg
    assert 'class="land home"' in svg and svg.count("<path") >= 2  # Syria and a neighbour


def test_the_region_outline_names_its_source():
    region = mapping.region()
    assert "Natural Earth" in region["source"] and "world-atlas 2.0.2" in region["source"]
    assert {"Syria", "Turkey", "Lebanon"} <= {c["name"] for c in region["countries"]}


def _derive_module():
    import importlib.util

    path = Path(__file__).resolve().parents[2] / "web" / "geodata" / "derive_region.py"
    spec = importlib.util.spec_from_file_location("derive_region", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _tarball(topology: dict) -> bytes:
    data = json.dumps(topology).encode()
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as archive:
        info = tarfile.TarInfo("package/countries-10m.json")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    return out.getvalue()


def test_the_outline_script_checks_the_pinned_integrity_and_derives_shared_borders():
    derive = _derive_module()
    # Two squares sharing one border (arc 0), in TopoJSON's quantized, delta-encoded arcs.
    topology = {"type": "Topology", "transform": {"scale": [0.01, 0.01], "translate": [36.0, 35.0]},
                "arcs": [[[100, 0], [0, 100]], [[100, 100], [-100, 0], [0, -100], [100, 0]],
                         [[100, 0], [100, 0], [0, 100], [-100, 0]]],
                "objects": {"countries": {"type": "GeometryCollection", "geometries": [
                    {"type": "Polygon", "arcs": [[0, 1]], "id": "760", "properties": {"name": "Syria"}},
                    {"type": "Polygon", "arcs": [[2, ~0]], "id": "792", "properties": {"name": "Turkey"}}]}}}
    data = _tarball(topology)
    digest = base64.b64encode(hashlib.sha512(data).digest()).decode()
    pinned = {"name": "world-atlas", "version": "2.0.2", "file": "package/countries-10m.json",
              "integrity": f"sha512-{digest}"}
    region = derive.derive(derive.read_topology(data, pinned), pinned)
    rings = {c["name"]: c["rings"][0] for c in region["countries"]}
    assert set(rings) == {"Syria", "Turkey"}
    syria = set(zip(rings["Syria"][0::2], rings["Syria"][1::2]))
    turkey = set(zip(rings["Turkey"][0::2], rings["Turkey"][1::2]))
    assert {(37.0, 35.0), (37.0, 36.0)} <= syria & turkey  # the shared border, in both
    with pytest.raises(SystemExit):
        derive.read_topology(data, {**pinned, "integrity": "sha512-" + "A" * 86 + "=="})
