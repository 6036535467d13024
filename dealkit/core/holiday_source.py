"""Where the holiday table ``dealkit/core/holidays.csv`` comes from: python-holidays, frozen into a table.

The calendars of :mod:`dealkit.core.calendar` are python-holidays' U.S. federal holidays and New
York Stock Exchange holidays for the years it covers. Importing python-holidays' country calendars
loads every country's module (about 0.1 s in every process, every report kernel included), so the
dates are written once into ``dealkit/core/holidays.csv`` (package data), and the suite checks it
against the installed python-holidays (``tests/test_calendar.py``). To regenerate it after
updating python-holidays::

    python -m dealkit.core.holiday_source
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

__all__ = ["CALENDARS", "FIRST_YEAR", "LAST_YEAR", "TABLE_FILE", "python_holidays", "render"]

#: The calendars: U.S. federal holidays (banking days) and NYSE holidays (trading days).
CALENDARS = ("us_federal", "nyse")
#: The years the calendars cover (inclusive).
FIRST_YEAR, LAST_YEAR = 1995, 2035
#: The table, beside this module (package data).
TABLE_FILE = "holidays.csv"


def python_holidays(calendar: str) -> dict[dt.date, str]:
    """``calendar``'s holidays from python-holidays, ``{date: name}`` (names of a date joined by
    python-holidays' ``"; "``), for :data:`FIRST_YEAR`-:data:`LAST_YEAR`."""
    import holidays

    years = range(FIRST_YEAR, LAST_YEAR + 1)
    if calendar == "us_federal":
        table = holidays.country_holidays("US", years=years)
    elif calendar == "nyse":
        table = holidays.financial_holidays("NYSE", years=years)
    else:
        raise ValueError(f"unknown calendar {calendar!r}")
    return {day: str(table.get(day)) for day in sorted(table)}


def render() -> str:
    """The text of ``holidays.csv``: a comment line naming its source, then ``calendar,date,name``
    rows (ISO dates), each calendar's in date order."""
    import holidays

    out = io.StringIO()
    out.write(
        f"# python-holidays {holidays.__version__}, {FIRST_YEAR}-{LAST_YEAR}: python -m dealkit.core.holiday_source\n"
    )
    rows = csv.writer(out, lineterminator="\n")
    rows.writerow(["calendar", "date", "name"])
    for calendar in CALENDARS:
        rows.writerows((calendar, day.isoformat(), name) for day, name in python_holidays(calendar).items())
    return out.getvalue()


if __name__ == "__main__":
    target = Path(__file__).with_name(TABLE_FILE)
    target.write_text(render(), encoding="utf-8")
    print(f"wrote {target}")
