"""Money helpers: Decimal only, named rounding, ACT/360. Golden values worked by hand."""

import datetime as dt
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

import pytest

from dealkit.core.money import (
    CENT,
    ROUNDING,
    days_between,
    format_money,
    format_rate,
    round_cents,
    simple_interest_act_360,
    to_decimal,
    year_fraction_act_360,
)


def test_default_rounding_is_named_half_up():
    assert ROUNDING == ROUND_HALF_UP
    assert CENT == Decimal("0.01")


@pytest.mark.parametrize(
    "amount, half_up, half_even",
    [
        ("0.005", "0.01", "0.00"),
        ("0.015", "0.02", "0.02"),
        ("0.025", "0.03", "0.02"),
        ("-0.005", "-0.01", "-0.00"),
        ("1349999.995", "1350000.00", "1350000.00"),
    ],
)
def test_round_cents_modes(amount, half_up, half_even):
    assert round_cents(Decimal(amount)) == Decimal(half_up)
    assert round_cents(Decimal(amount), ROUND_HALF_EVEN) == Decimal(half_even)


def test_round_cents_refuses_float():
    with pytest.raises(TypeError, match="needs a Decimal"):
        round_cents(0.1)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("1350000.00", Decimal("1350000.00")),
        ("1,350,000.00", Decimal("1350000.00")),
        ("$450,000", Decimal("450000")),
        ("0E-12", Decimal(0)),
        ("1.5E-7", Decimal("0.00000015")),
        (12, Decimal(12)),
        (Decimal("0.00001"), Decimal("0.00001")),
    ],
)
def test_to_decimal_accepts(raw, expected):
    assert to_decimal(raw) == expected


@pytest.mark.parametrize(
    "raw, message",
    [
        (0.1, "float"),
        (True, "boolean"),
        ("abc", "plain decimal"),
        ("NaN", "plain decimal"),
        ("Infinity", "plain decimal"),
        ("1e400", "no exponent"),
        ("1E+5", "no exponent"),
        (Decimal("NaN"), "finite"),
        (None, "NoneType"),
        ([1], "list"),
    ],
)
def test_to_decimal_refuses(raw, message):
    with pytest.raises(ValueError, match=message):
        to_decimal(raw, "face")


def test_act_360_golden_september_2005():
    # $7,000,000 at 8.75% from 2005-09-07 to 2005-10-01: 24 days; 7,000,000 x 0.0875 x 24/360
    # = 40,833.333... -> $40,833.33
    assert days_between(dt.date(2005, 9, 7), dt.date(2005, 10, 1)) == 24
    assert year_fraction_act_360(dt.date(2005, 9, 7), dt.date(2005, 10, 1)) == Decimal(24) / Decimal(360)
    got = simple_interest_act_360(Decimal("7000000.00"), Decimal("0.0875"), dt.date(2005, 9, 7), dt.date(2005, 10, 1))
    assert got == Decimal("40833.33")


def test_act_360_full_year_exceeds_rate():
    # 365 actual days over 360: a full year of ACT/360 interest is 365/360 of the nominal rate
    got = simple_interest_act_360(Decimal("1000000.00"), Decimal("0.08"), dt.date(2006, 1, 1), dt.date(2007, 1, 1))
    assert got == Decimal("81111.11")  # 1,000,000 x 0.08 x 365/360 = 81,111.111...


def test_act_360_unrounded_and_half_even():
    raw = simple_interest_act_360(Decimal("100.00"), Decimal("0.09"), dt.date(2006, 1, 1), dt.date(2006, 1, 2), None)
    assert raw == Decimal("100.00") * Decimal("0.09") / Decimal(360)  # 0.025 exactly
    assert simple_interest_act_360(
        Decimal("100.00"), Decimal("0.09"), dt.date(2006, 1, 1), dt.date(2006, 1, 2), ROUND_HALF_EVEN
    ) == Decimal("0.02")
    assert simple_interest_act_360(
        Decimal("100.00"), Decimal("0.09"), dt.date(2006, 1, 1), dt.date(2006, 1, 2)
    ) == Decimal("0.03")


def test_days_between_refuses_reversed_dates():
    with pytest.raises(ValueError, match="before start"):
        days_between(dt.date(2006, 1, 2), dt.date(2006, 1, 1))


def test_formatting_for_display():
    assert format_money(Decimal("1350000")) == "$1,350,000.00"
    assert format_money(Decimal("0.00001")) == "$0.00001"
    assert format_money(None) == "—"
    assert format_rate(Decimal("0.0499")) == "4.99%"
    assert format_rate(Decimal("0.0650")) == "6.5%"


def test_calendar_refusals_are_dealkit_errors():
    """Day counts and business days refuse with CalendarError: a DealkitError and a ValueError."""
    from dealkit.core import calendar
    from dealkit.errors import CalendarError, DealkitError

    assert issubclass(CalendarError, DealkitError) and issubclass(CalendarError, ValueError)
    with pytest.raises(CalendarError, match="before start"):
        days_between(dt.date(2005, 10, 1), dt.date(2005, 9, 7))
    with pytest.raises(CalendarError, match="unknown calendar 'lse'"):
        calendar.is_business_day(dt.date(2005, 9, 7), "lse")
    with pytest.raises(CalendarError, match="outside the calendar's years"):
        calendar.is_business_day(dt.date(1900, 1, 2))
    with pytest.raises(CalendarError, match="unknown business-day convention"):
        calendar.adjust(dt.date(2005, 9, 10), "nearest")


def test_act_360_is_one_formula():
    """simple_interest_act_360 = principal × rate × year_fraction_act_360, exactly, before rounding."""
    start, end = dt.date(2005, 9, 7), dt.date(2006, 3, 1)
    principal, rate = Decimal("3000000.00"), Decimal("0.0875")
    unrounded = simple_interest_act_360(principal, rate, start, end, rounding=None)
    assert unrounded == principal * rate * Decimal(days_between(start, end)) / Decimal(360)
    assert round_cents(unrounded) == simple_interest_act_360(principal, rate, start, end)
