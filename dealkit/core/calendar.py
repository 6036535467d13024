"""Business days, from a well-kept holiday calendar (python-holidays), not a hand list.

The dates are python-holidays', frozen into ``holidays.csv`` beside this module (written by
:mod:`dealkit.core.holiday_source`; the suite checks the table against the installed
python-holidays): importing python-holidays' country calendars would load every country's module,
about 0.1 s in every process and report kernel.

Two named calendars:

- ``"us_federal"`` — U.S. federal holidays (observed dates): banking days, for the escrow's and the
  notices' "business days" (Funds Escrow Agreement §4.1(d); Option §2.1).
- ``"nyse"`` — New York Stock Exchange holidays (including one-off closings such as 2007-01-02):
  trading days, for prices "reported for the last business day" (Option §1.2) and volume windows.

A business day is a weekday that is not a holiday of the calendar.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import importlib.resources

from dealkit.core.holiday_source import CALENDARS, FIRST_YEAR, LAST_YEAR, TABLE_FILE
from dealkit.errors import CalendarError

__all__ = [
    "CALENDARS",
    "is_business_day",
    "add_business_days",
    "previous_business_day",
    "next_business_day",
    "business_days_between",
    "holiday_name",
    "add_months",
    "is_month_end",
    "CONVENTIONS",
    "PAYMENT_CONVENTION",
    "PAYMENT_CALENDAR",
    "adjust",
]

_YEARS = range(FIRST_YEAR, LAST_YEAR + 1)


@functools.cache
def _holidays(calendar: str) -> dict[dt.date, str]:
    """``calendar``'s holidays, ``{date: name}``, from the package's ``holidays.csv``."""
    if calendar not in CALENDARS:
        raise CalendarError(f"unknown calendar {calendar!r}; choose one of {', '.join(CALENDARS)}")
    text = importlib.resources.files(__package__).joinpath(TABLE_FILE).read_text(encoding="utf-8")
    rows = csv.reader(line for line in text.splitlines() if not line.startswith("#"))
    next(rows)  # the header: calendar, date, name
    return {dt.date.fromisoformat(day): name for cal, day, name in rows if cal == calendar}


def _check(day: dt.date) -> None:
    if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
        raise TypeError(f"expected a date, got {type(day).__name__} ({day!r})")
    if day.year not in _YEARS:
        raise CalendarError(f"{day.isoformat()} is outside the calendar's years {_YEARS.start}-{_YEARS.stop - 1}")


def holiday_name(day: dt.date, calendar: str = "us_federal") -> str | None:
    """The holiday's name on ``day`` in ``calendar``, or ``None``.

    Examples
    --------
    >>> holiday_name(dt.date(2005, 9, 5))
    'Labor Day'
    >>> holiday_name(dt.date(2005, 9, 7)) is None
    True
    """
    _check(day)
    return _holidays(calendar).get(day)


def is_business_day(day: dt.date, calendar: str = "us_federal") -> bool:
    """A weekday that is not a holiday of ``calendar``.

    .. math:: B(d) = (\\mathrm{weekday}(d) < 5) \\wedge (d \\notin H_{calendar})

    Raises
    ------
    dealkit.errors.CalendarError
        An unknown calendar, or a date outside the years the calendar covers (1995-2035).

    Examples
    --------
    >>> is_business_day(dt.date(2005, 9, 7)), is_business_day(dt.date(2005, 9, 5))
    (True, False)
    >>> is_business_day(dt.date(2007, 1, 2)), is_business_day(dt.date(2007, 1, 2), "nyse")
    (True, False)
    """
    _check(day)
    return day.weekday() < 5 and day not in _holidays(calendar)


def add_business_days(day: dt.date, n: int, calendar: str = "us_federal") -> dt.date:
    """The ``n``-th business day after ``day`` (``n`` < 0: before). ``n == 0`` returns ``day``
    itself if it is a business day, else the next one.

    Examples
    --------
    Five business days after Friday 2 September 2005 (Labor Day on the 5th is skipped):

    >>> add_business_days(dt.date(2005, 9, 2), 5)
    datetime.date(2005, 9, 12)
    >>> add_business_days(dt.date(2005, 9, 5), 0)
    datetime.date(2005, 9, 6)
    """
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
    """The first business day strictly after ``day``.

    Examples
    --------
    >>> next_business_day(dt.date(2005, 9, 2))
    datetime.date(2005, 9, 6)
    """
    return add_business_days(day, 1, calendar)


def previous_business_day(day: dt.date, calendar: str = "us_federal") -> dt.date:
    """The last business day strictly before ``day`` (Option §1.2: "the last business day
    immediately preceding the Determination Date").

    Examples
    --------
    >>> previous_business_day(dt.date(2005, 9, 6))
    datetime.date(2005, 9, 2)
    """
    return add_business_days(day, -1, calendar)


def business_days_between(start: dt.date, end: dt.date, calendar: str = "us_federal") -> int:
    """Business days in (start, end]: how many business days after ``start`` ``end`` falls
    (negative when ``end`` is before ``start``).

    .. math:: n = |\\{d : start < d \\le end,\\ B(d)\\}|

    Examples
    --------
    >>> business_days_between(dt.date(2005, 9, 2), dt.date(2005, 9, 12))
    5
    """
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


# ============================================================================ months =======
def is_month_end(day: dt.date) -> bool:
    """``day`` is the last day of its month.

    Examples
    --------
    >>> is_month_end(dt.date(2008, 2, 29)), is_month_end(dt.date(2008, 2, 28))
    (True, False)
    """
    return (day + dt.timedelta(days=1)).month != day.month


def _month_length(year: int, month: int) -> int:
    first_of_next = dt.date(year + month // 12, month % 12 + 1, 1)
    return (first_of_next - dt.timedelta(days=1)).day


def add_months(day: dt.date, months: int) -> dt.date:
    r"""``day`` moved by ``months`` calendar months (negative: back), keeping month ends.

    The end-of-month rule: a month end maps to the month end of the target month (31 January →
    29 February 2008 → 31 March; 30 April → 31 May); any other day keeps its number, clipped to
    the target month's length (30 January + 1 month → 29 February 2008). Each step is taken from
    the *original* day, so ``add_months(d, 2)`` never depends on an intermediate clip.

    .. math:: y'·12 + m' = y·12 + m + n,\quad
              d' = \begin{cases} L(y', m') & d = L(y, m) \\ \min(d, L(y', m')) & \text{else}\end{cases}

    where :math:`L(y, m)` is the length of month :math:`m` of year :math:`y`.

    Examples
    --------
    >>> add_months(dt.date(2008, 1, 31), 1), add_months(dt.date(2008, 1, 31), 2)
    (datetime.date(2008, 2, 29), datetime.date(2008, 3, 31))
    >>> add_months(dt.date(2008, 1, 30), 1)
    datetime.date(2008, 2, 29)
    """
    if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
        raise TypeError(f"expected a date, got {type(day).__name__} ({day!r})")
    if isinstance(months, bool) or not isinstance(months, int):
        raise TypeError(f"months must be an integer (got {months!r})")
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    if not 1 <= year <= 9999:
        raise CalendarError(f"{day.isoformat()} moved by {months} months leaves the calendar")
    length = _month_length(year, month)
    return dt.date(year, month, length if is_month_end(day) else min(day.day, length))


# ============================================================================ conventions ==
#: Business-day conventions for a payment date that is not a business day.
CONVENTIONS = ("following", "modified_following", "preceding", "unadjusted")

#: THE convention of the notes' payment and maturity dates, used by the schedules
#: (:func:`dealkit.notes.payment_dates`), the obligations calendar and its .ics export
#: (:mod:`dealkit.obligations`): **following** on the U.S. federal calendar. Why: the notes are
#: governed by New York law (as is the Option, §14), and N.Y. General Construction Law §25-a(1)
#: makes a contractual payment "which falls on a Saturday, Sunday or public holiday" payable "on
#: the next succeeding business day", with interest for the extended days; the Laurus form's own
#: interest dates ("the first business day of each consecutive calendar month", deal-facts.md)
#: already roll forward. The deal file names it (``note_terms.business_day_convention``).
PAYMENT_CONVENTION = "following"
#: The holiday calendar of payment dates (banking days: U.S. federal holidays).
PAYMENT_CALENDAR = "us_federal"


def adjust(day: dt.date, convention: str = PAYMENT_CONVENTION, calendar: str = PAYMENT_CALENDAR) -> dt.date:
    """``day`` if it is a business day, else moved by ``convention``:

    - ``following``: the next business day (N.Y. Gen. Constr. Law §25-a; the default);
    - ``modified_following``: the next business day unless it falls in the next month, then the
      previous one;
    - ``preceding``: the previous business day;
    - ``unadjusted``: ``day`` itself.

    Raises
    ------
    dealkit.errors.CalendarError
        An unknown convention or calendar.

    Examples
    --------
    Saturday 31 March 2007:

    >>> adjust(dt.date(2007, 3, 31)), adjust(dt.date(2007, 3, 31), "modified_following")
    (datetime.date(2007, 4, 2), datetime.date(2007, 3, 30))
    """
    if convention not in CONVENTIONS:
        raise CalendarError(f"unknown business-day convention {convention!r}; choose one of {', '.join(CONVENTIONS)}")
    if convention == "unadjusted" or is_business_day(day, calendar):
        return day
    if convention == "preceding":
        return previous_business_day(day, calendar)
    following = next_business_day(day, calendar)
    if convention == "modified_following" and following.month != day.month:
        return previous_business_day(day, calendar)
    return following
