"""Business days, from a well-kept holiday calendar (python-holidays), not a hand list.

Two named calendars:

- ``"us_federal"`` — U.S. federal holidays (observed dates): banking days, for the escrow's and the
  notices' "business days" (Funds Escrow Agreement §4.1(d); Option §2.1).
- ``"nyse"`` — New York Stock Exchange holidays (including one-off closings such as 2007-01-02):
  trading days, for prices "reported for the last business day" (Option §1.2) and volume windows.

A business day is a weekday that is not a holiday of the calendar.
"""

from __future__ import annotations

import datetime as dt
import functools

import holidays

__all__ = ["CALENDARS", "is_business_day", "add_business_days", "previous_business_day",
           "next_business_day", "business_days_between", "holiday_name"]

CALENDARS = ("us_federal", "nyse")
_YEARS = range(1995, 2036)


@functools.lru_cache(maxsize=None)
def _holidays(calendar: str) -> holidays.HolidayBase:
    if calendar == "us_federal":
        return holidays.country_holidays("US", years=_YEARS)
    if calendar == "nyse":
        return holidays.financial_holidays("NYSE", years=_YEARS)
    raise ValueError(f"unknown calendar {calendar!r}; choose one of {', '.join(CALENDARS)}")


def _check(day: dt.date) -> None:
    if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
        raise TypeError(f"expected a date, got {type(day).__name__} ({day!r})")
    if day.year not in _YEARS:
        raise ValueError(f"{day.isoformat()} is outside the calendar's years {_YEARS.start}-{_YEARS.stop - 1}")


def holiday_name(day: dt.date, calendar: str = "us_federal") -> str | None:
    """The holiday's name on ``day`` in ``calendar``, or ``None``."""
    _check(day)
    return _holidays(calendar).get(day)


def is_business_day(day: dt.date, calendar: str = "us_federal") -> bool:
    """A weekday that is not a holiday of ``calendar``."""
    _check(day)
    return day.weekday() < 5 and day not in _holidays(calendar)


def add_business_days(day: dt.date, n: int, calendar: str = "us_federal") -> dt.date:
    """The ``n``-th business day after ``day`` (``n`` < 0: before). ``n == 0`` returns ``day``
    itself if it is a business day, else the next one."""
    _check(day)
    if n == 0:
        return day if is_business_day(day, calendar) else next_business_day(day, calendar)
    step = 1 if n > 0 else -1
    remaining = abs(n)
    while remaining:
        day += dt.timedelta(days=step)
        if is_business_day(day, calendar):
            remaining -= 1
    return day


def next_business_day(day: dt.date, calendar: str = "us_federal") -> dt.date:
    """The first business day strictly after ``day``."""
    return add_business_days(day, 1, calendar)


def previous_business_day(day: dt.date, calendar: str = "us_federal") -> dt.date:
    """The last business day strictly before ``day`` (Option §1.2: "the last business day
    immediately preceding the Determination Date")."""
    return add_business_days(day, -1, calendar)


def business_days_between(start: dt.date, end: dt.date, calendar: str = "us_federal") -> int:
    """Business days in (start, end]: how many business days after ``start`` ``end`` falls."""
    _check(start)
    _check(end)
    if end < start:
        return -business_days_between(end, start, calendar)
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        if is_business_day(day, calendar):
            count += 1
    return count
