"""The timeline of event dates: counts by year (or by month when the dates span two years or less), as SVG.

Pure functions. A date range counts in every bucket it overlaps, exactly as the search's
from/to filter finds it (an event_date interval matches when it overlaps [from, to]), so a
bar's count is the number of results its link finds. Within a from/to window the buckets are
cut to the window, and so are their links. Bars can add up to more than the number of
testimonies when some dates are intervals.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Callable, Iterable, Mapping, NamedTuple, Protocol, Sequence

from markupsafe import Markup

__all__ = ["Bar", "Timeline", "Span", "MONTHLY_YEARS", "monthly", "build", "from_year_counts", "render_timeline"]

MONTHLY_YEARS = 2  # dates spanning this many years or fewer are counted by month
WIDTH, HEIGHT = 480, 150
TOP, BOTTOM, SIDE = 18.0, 118.0, 6.0  # the bars stand between TOP and BOTTOM; labels below
Window = tuple[dt.date, dt.date] | None
Link = Callable[[str, str], str]  # (from, to) -> the search URL with that date filter


class Dated(Protocol):
    """A date range: an `archive.dates.DateRange`, or a `Span` made from the catalogue's listing facts."""

    @property
    def start(self) -> dt.date: ...

    @property
    def end(self) -> dt.date: ...


class Span(NamedTuple):
    """An event's first and last day, as the catalogue lists them (no view is read for a timeline)."""

    start: dt.date
    end: dt.date


@dataclass(frozen=True)
class Bar:
    """One year or month: `start`/`end` as cut to the window; `url` finds exactly the `count` testimonies."""

    year: int
    month: int | None
    start: dt.date
    end: dt.date
    count: int
    url: str | None


@dataclass(frozen=True)
class Timeline:
    unit: str  # "year" or "month"
    bars: tuple[Bar, ...]

    @property
    def largest(self) -> int:
        return max((b.count for b in self.bars), default=0)


def _month_end(year: int, month: int) -> dt.date:
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def _clip(start: dt.date, end: dt.date, window: Window) -> tuple[dt.date, dt.date]:
    if window is None:
        return start, end
    return max(start, window[0]), min(end, window[1])


def _filter_texts(bucket: tuple[dt.date, dt.date], text: str, window: Window) -> tuple[str, str]:
    """The from/to values for a bucket: its own text when the window leaves it whole, else its first and last day."""
    start, end = _clip(*bucket, window)
    if (start, end) == bucket:
        return text, text
    return start.isoformat(), end.isoformat()


def monthly(years: Iterable[tuple[int, int]], window: Window = None) -> bool:
    """Whether dates counted in these (year, count) pairs, cut to the window, span MONTHLY_YEARS or fewer years."""
    counted = [y for y, n in years if n and (window is None or window[0].year <= y <= window[1].year)]
    return bool(counted) and max(counted) - min(counted) + 1 <= MONTHLY_YEARS


def _buckets(first: dt.date, last: dt.date, unit: str) -> list[tuple[int, int | None, dt.date, dt.date, str]]:
    found: list[tuple[int, int | None, dt.date, dt.date, str]] = []
    if unit == "year":
        for year in range(first.year, last.year + 1):
            found.append((year, None, dt.date(year, 1, 1), dt.date(year, 12, 31), f"{year:04d}"))
        return found
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        found.append((year, month, dt.date(year, month, 1), _month_end(year, month), f"{year:04d}-{month:02d}"))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def _trimmed(bars: list[Bar]) -> tuple[Bar, ...]:
    while bars and not bars[0].count:
        bars.pop(0)
    while bars and not bars[-1].count:
        bars.pop()
    return tuple(bars)


def build(spans: Sequence[Dated], window: Window, link: Link) -> Timeline | None:
    """Count date ranges by year, or by month when they (cut to the window) span MONTHLY_YEARS or fewer years."""
    cut = [_clip(s.start, s.end, window) for s in spans]
    cut = [(a, b) for a, b in cut if a <= b]
    if not cut:
        return None
    first, last = min(a for a, _ in cut), max(b for _, b in cut)
    unit = "month" if last.year - first.year + 1 <= MONTHLY_YEARS else "year"

    def index(day: dt.date) -> int:  # the bucket a day falls in
        return day.year - first.year if unit == "year" else (day.year - first.year) * 12 + day.month - first.month

    counts = [0] * (index(last) + 1)
    for a, b in cut:  # each range counts once in every bucket it overlaps
        for i in range(index(a), index(b) + 1):
            counts[i] += 1
    bars = []
    for (year, month, start, end, text), count in zip(_buckets(first, last, unit), counts):
        bars.append(Bar(year, month, *_clip(start, end, window), count,
                        link(*_filter_texts((start, end), text, window)) if count else None))
    return Timeline(unit, _trimmed(bars))


def from_year_counts(counts: Mapping[int, int], window: Window, link: Link) -> Timeline | None:
    """A timeline by year from counts already made (the search's year facet: results overlapping each year)."""
    years = [y for y, n in counts.items() if n and (window is None or window[0].year <= y <= window[1].year)]
    if not years:
        return None
    bars = []
    for year, _, start, end, text in _buckets(dt.date(min(years), 1, 1), dt.date(max(years), 1, 1), "year"):
        count = counts.get(year, 0)
        bars.append(Bar(year, None, *_clip(start, end, window), count,
                        link(*_filter_texts((start, end), text, window)) if count else None))
    return Timeline("year", _trimmed(bars))


def render_timeline(tl: Timeline, title: str, axis_label: Callable[[Bar], str], name: Callable[[Bar], str],
                    number: Callable[[int], str] = str, rtl: bool = False, font: float = 13.0) -> Markup:
    """The timeline as an inline <svg>: one link per bar with a count (its accessible name from `name`), counts
    above the bars where they fit, axis labels where they fit; earliest on the right when `rtl`."""
    n = len(tl.bars)
    pitch = (WIDTH - 2 * SIDE) / max(n, 1)
    width = max(pitch * 0.8, 1.0)
    largest = tl.largest or 1
    longest = max((len(axis_label(b)) for b in tl.bars), default=4)
    every = max(1, math.ceil(longest * font * 0.6 / pitch))
    show_counts = pitch >= font * (len(str(largest)) * 0.6 + 0.4)
    out = [Markup('<svg class="timeline" viewBox="0 0 %d %d" width="%d" height="%d" direction="ltr"'
                  ' aria-label="%s">') % (WIDTH, HEIGHT, WIDTH, HEIGHT, title),
           Markup('<line class="axis" x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f"/>')
           % (SIDE, BOTTOM, WIDTH - SIDE, BOTTOM)]
    for i, bar in enumerate(tl.bars):
        slot = n - 1 - i if rtl else i
        x = SIDE + slot * pitch + (pitch - width) / 2
        middle = x + width / 2
        if i % every == 0:
            out.append(Markup('<text class="tick" x="%.1f" y="%.1f" font-size="%s" text-anchor="middle"'
                              ' aria-hidden="true">%s</text>') % (middle, BOTTOM + font + 4, font, axis_label(bar)))
        if not bar.count:
            continue
        height = max((BOTTOM - TOP) * bar.count / largest, 2.0)
        label = name(bar)
        part = Markup('<a href="%s" aria-label="%s"><title>%s</title>'
                      '<rect class="hit" x="%.1f" y="%.1f" width="%.1f" height="%.1f"/>'
                      '<rect class="bar" x="%.1f" y="%.1f" width="%.1f" height="%.1f"/>') % (
            bar.url, label, label, SIDE + slot * pitch, TOP - font, pitch, BOTTOM - TOP + font,
            x, BOTTOM - height, width, height)
        part += Markup("</a>")
        if show_counts:  # outside the link, which is named by `name` (the same count, in words)
            part += Markup('<text class="count" x="%.1f" y="%.1f" font-size="%s" text-anchor="middle"'
                           ' aria-hidden="true">%s</text>') % (middle, BOTTOM - height - 3, font, number(bar.count))
        out.append(part)
    out.append(Markup("</svg>"))
    return Markup("").join(out)
