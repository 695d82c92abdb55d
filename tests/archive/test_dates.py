"""Dates as docs/format.md defines them: the three forms, intervals, real calendar days, and YAML's own types."""

from __future__ import annotations

import datetime as dt

import pytest

from archive.dates import DateError, DateRange, parse_date

D = dt.date


@pytest.mark.parametrize(
    ("value", "text", "start", "end"),
    [
        ("2018", "2018", D(2018, 1, 1), D(2018, 12, 31)),
        (2018, "2018", D(2018, 1, 1), D(2018, 12, 31)),  # YAML reads an unquoted year as a number
        ("2018-08", "2018-08", D(2018, 8, 1), D(2018, 8, 31)),
        ("2018-09", "2018-09", D(2018, 9, 1), D(2018, 9, 30)),
        ("2018-08-10", "2018-08-10", D(2018, 8, 10), D(2018, 8, 10)),
        (D(2018, 8, 10), "2018-08-10", D(2018, 8, 10), D(2018, 8, 10)),  # YAML reads it as a date
        ("  2018-08  ", "2018-08", D(2018, 8, 1), D(2018, 8, 31)),
        # leap years: February's last day
        ("2020-02", "2020-02", D(2020, 2, 1), D(2020, 2, 29)),
        ("2019-02", "2019-02", D(2019, 2, 1), D(2019, 2, 28)),
        ("2000-02", "2000-02", D(2000, 2, 1), D(2000, 2, 29)),  # divisible by 400
        ("1900-02", "1900-02", D(1900, 2, 1), D(1900, 2, 28)),  # divisible by 100, not 400
        ("2020-02-29", "2020-02-29", D(2020, 2, 29), D(2020, 2, 29)),
        ("2018-12-31", "2018-12-31", D(2018, 12, 31), D(2018, 12, 31)),
        # intervals: the start of the first part to the end of the last
        ("2019-12/2020-02", "2019-12/2020-02", D(2019, 12, 1), D(2020, 2, 29)),
        ("2011/2013", "2011/2013", D(2011, 1, 1), D(2013, 12, 31)),
        ("2018-08-10/2018-08", "2018-08-10/2018-08", D(2018, 8, 10), D(2018, 8, 31)),
        ("2018/2018-03-05", "2018/2018-03-05", D(2018, 1, 1), D(2018, 3, 5)),
        ("2018-08/2018-08", "2018-08/2018-08", D(2018, 8, 1), D(2018, 8, 31)),
        ("2018-08-10/2018-08-10", "2018-08-10/2018-08-10", D(2018, 8, 10), D(2018, 8, 10)),
        # an interval whose parts overlap is in order: it starts (2018-01-01) before it ends (2018-08-31)
        ("2018/2018-08", "2018/2018-08", D(2018, 1, 1), D(2018, 8, 31)),
    ],
)
def test_valid_dates(value: object, text: str, start: dt.date, end: dt.date) -> None:
    assert parse_date(value) == DateRange(text, start, end)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("2018-13", "no month 13"),
        ("2018-00", "no month 00"),
        ("2019-02-29", "not a real calendar date"),  # not a leap year
        ("2019-02-30", "not a real calendar date"),
        ("2018-04-31", "not a real calendar date"),
        ("2018-08-00", "not a real calendar date"),
        ("1900-02-29", "not a real calendar date"),
        ("0000", "no year 0"),
        ("last spring", "is not a date of the form"),
        ("", "is not a date of the form"),
        ("18", "is not a date of the form"),
        ("2018-8", "is not a date of the form"),
        ("2018-08-1", "is not a date of the form"),
        ("10/2018", "'10' is not a date of the form"),
        ("10/08/2018", "more than one '/'"),
        ("2018-08-10T10:00", "is not a date of the form"),
        ("August 2018", "is not a date of the form"),
        ("2020-03/2020-02", "ends before it starts"),
        ("2020/2019", "ends before it starts"),
        ("2018-08-11/2018-08-10", "ends before it starts"),
        ("2018/2019/2020", "more than one '/'"),
        ("2018/", "is not a date of the form"),
        ("/2018", "is not a date of the form"),
        ("2018-13/2019", "no month 13"),
        ("2018/2019-02-30", "not a real calendar date"),
        (dt.datetime(2018, 8, 10, 12, 0), "has a time"),
        (True, "is not a date"),
        (2018.5, "float is not a date"),
        (None, "NoneType is not a date"),
        (["2018"], "list is not a date"),
    ],
)
def test_invalid_dates(value: object, reason: str) -> None:
    with pytest.raises(DateError) as info:
        parse_date(value)
    assert reason in str(info.value)


def test_interval_ends_are_inclusive_and_overlap_is_symmetric() -> None:
    winter = parse_date("2019-12/2020-02")
    assert winter.overlaps(parse_date("2020-02-29"))
    assert winter.overlaps(parse_date("2019-12-01"))
    assert not winter.overlaps(parse_date("2020-03"))
    assert not winter.overlaps(parse_date("2019-11-30"))
    assert parse_date("2019").overlaps(winter) and winter.overlaps(parse_date("2019"))


def test_years_and_start_text_of_an_interval() -> None:
    winter = parse_date("2019-12/2020-02")
    assert list(winter.years) == [2019, 2020]
    assert winter.year == 2019
    assert winter.start_text == "2019-12"
    assert str(winter) == "2019-12/2020-02"
