"""The holiday calendars: the frozen table (dealkit/core/holidays.csv) equals python-holidays, and the
calendar reads it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from dealkit.core import calendar, holiday_source
from dealkit.errors import CalendarError


@pytest.mark.parametrize("name", calendar.CALENDARS)
def test_table_equals_python_holidays(name):
    """Every date and name of the table is python-holidays' (installed version), none missing."""
    expected = holiday_source.python_holidays(name)
    assert calendar._holidays(name) == expected
    assert len(expected) > 300  # 41 years of holidays, not an empty table


def test_table_file_is_what_the_generator_writes():
    """The committed module is the generator's output (regenerate: python -m dealkit.core.holiday_source)."""
    import holidays

    table = Path(holiday_source.__file__).with_name(holiday_source.TABLE_FILE).read_text(encoding="utf-8")
    assert table.startswith(f"# python-holidays {holidays.__version__}, ")
    assert table == holiday_source.render()


def test_calendar_does_not_import_python_holidays():
    """The point of the table: a process using the calendar never loads python-holidays."""
    import subprocess
    import sys

    code = (
        "import sys, datetime as dt; from dealkit.core import calendar as c; "
        "assert c.is_business_day(dt.date(2005, 9, 6)); print('holidays' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_known_dates():
    assert calendar.holiday_name(dt.date(2005, 9, 5)) == "Labor Day"
    assert not calendar.is_business_day(dt.date(2007, 1, 2), "nyse")  # President Ford's day of mourning
    assert calendar.is_business_day(dt.date(2007, 1, 2), "us_federal")
    assert calendar.is_business_day(dt.date(2005, 11, 11), "nyse")  # Veterans Day: the exchange trades
    assert not calendar.is_business_day(dt.date(2005, 11, 11), "us_federal")


@pytest.mark.parametrize("bad", ["nasdaq", "", "US"])
def test_unknown_calendar(bad):
    with pytest.raises(CalendarError, match="unknown calendar"):
        calendar.is_business_day(dt.date(2005, 9, 6), bad)


def test_years_outside_the_table():
    with pytest.raises(CalendarError, match="outside the calendar's years 1995-2035"):
        calendar.is_business_day(dt.date(1994, 12, 30))
    with pytest.raises(CalendarError, match="outside"):
        calendar.holiday_name(dt.date(2036, 1, 1))
