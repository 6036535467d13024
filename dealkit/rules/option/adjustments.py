"""Option §4 (stock dividends, splits, reverse splits) and §3.1 (reorganization, merger, sale).

§4 is applied over a chain of Events with one exact ratio and **one floor**, at the end: a split
and its inverse give back the original count exactly, and nothing is lost between Events. §4's
three sentences, quoted by the two readings (:data:`EVENT_READINGS`):

1. the number "shall be adjusted to a number determined by multiplying the number of shares of
   Common Stock that would immediately prior to such Event be issuable upon the exercise of this
   Option by a fraction of which (a) the numerator is the number of issued and outstanding shares
   of Common Stock immediately after such Event and (b) the denominator is the number of issued
   and outstanding shares of Common Stock immediately prior to such Event";
2. "The Exercise price, as so adjusted, shall be readjusted in the same manner upon the happening
   of any successive event or events described herein in this Section 4" ("in the same manner"
   read as the inverse of the count's fraction, which keeps the aggregate price);
3. "multiplying the number of shares of Common Stock that would otherwise (but for the provisions
   of this Section 4) be issuable on such exercise by a fraction of which (a) the numerator is the
   Exercise Price that would otherwise (but for the provisions of this Section 4) be in effect,
   and (b) the denominator is the Exercise Price in effect on the date of such exercise".

``"aggregate_preserving"`` (default): the third sentence's base is the *unadjusted* count S_0
and its factor ``P_0 / P_n = R``, so it gives the same ``S_0 × R`` as the first; the aggregate
Exercise Price is unchanged. ``"literal_compounding"``: the third sentence's factor applied again
to the count the first produced, ``S_0 × R²``; the words "but for the provisions of this Section
4" (the unadjusted count) do not support it, so it is not the default; it is kept, named, as the
reading a holder could argue from §4 stating two adjustments without saying the third replaces
the first.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from dealkit.errors import ParameterError
from dealkit.rules.option.exercise import cash_exercise
from dealkit.rules.option.terms import as_fraction, exact_cents, half_up, need_shares, short_value

__all__ = ["EVENT_READINGS", "Adjustment", "Reorganization", "adjust_for_event", "adjust_for_events", "reorganize"]

EVENT_READINGS = {
    "aggregate_preserving": "shares × R and price ÷ R, R = Π after/before over the Events: the first sentence, "
    'and the third read with its own words, "but for the provisions of this Section 4" '
    "(the unadjusted count times unadjusted price ÷ adjusted price = R), give the same count; "
    "the aggregate Exercise Price is unchanged",
    "literal_compounding": "the first and third sentences applied one after the other: shares × R, then × R again "
    "(old price ÷ new price), i.e. shares × R²; it needs the third sentence to multiply the "
    'count already adjusted, which its words "but for the provisions of this Section 4" '
    "do not say",
}


@dataclass(frozen=True, slots=True)
class Adjustment:
    """The Option after §4 Events: the exact entitlement, its floor and the exact price."""

    shares_exact: Fraction  # the entitlement, exactly
    shares: int  # whole shares (down, once); the fraction is cashed at exercise (§2.1)
    fraction: Fraction
    exercise_price_exact: Fraction  # carried exactly through successive Events (never re-rounded)
    exercise_price: Decimal  # to 10 decimal places, half-up, for display only
    aggregate_before: Fraction
    aggregate_after: Fraction  # shares_exact × exercise_price_exact
    reading: str
    ratio: Fraction = Fraction(1)  # R, the composed after/before of all the Events
    events: int = 1


def _events_ratio(events: Sequence[tuple[int, int]]) -> Fraction:
    """R = Π after_i / before_i over the Events, each pair checked (one line naming it)."""
    if isinstance(events, (str, bytes)) or not isinstance(events, Sequence):
        raise ParameterError(f"§4: events must be a sequence of (before, after) pairs (got {short_value(events)})")
    ratio = Fraction(1)
    for index, event in enumerate(events):
        if not isinstance(event, Sequence) or isinstance(event, (str, bytes)) or len(event) != 2:
            raise ParameterError(f"§4: events[{index}] must be a (before, after) pair (got {short_value(event)})")
        before = need_shares(event[0], f"events[{index}] outstanding before")
        after = need_shares(event[1], f"events[{index}] outstanding after")
        if before == 0 or after == 0:
            raise ParameterError(
                f"§4: events[{index}]: outstanding shares before and after the Event must be positive "
                f"(got {before} → {after})"
            )
        ratio *= Fraction(after, before)
    return ratio


def adjust_for_events(
    shares: int,
    exercise_price: Decimal | Fraction,
    events: Sequence[tuple[int, int]],
    reading: str = "aggregate_preserving",
) -> Adjustment:
    """Option §4 over a chain of Events, composed exactly, floored once (the words: the module).

    .. math:: R = \\prod_i \\frac{after_i}{before_i}, \\quad N = \\lfloor S_0 R \\rfloor
              \\; (\\lfloor S_0 R^2 \\rfloor \\text{ literal\\_compounding}), \\quad P_n = P_0 / R

    ``events``: ``(outstanding immediately before, immediately after)`` pairs — the first
    sentence's fraction, "immediately after such Event" over "immediately prior to such Event".
    The price is "readjusted in the same manner" (P_0 ÷ R), exactly. Readings
    (:data:`EVENT_READINGS`): ``"aggregate_preserving"`` (default; the third sentence's count is
    the one "but for the provisions of this Section 4", unadjusted) and ``"literal_compounding"``.

    Examples
    --------
    >>> from decimal import Decimal
    >>> split_and_back = [(7_000_000_000, 1_000_000_000), (1_000_000_000, 7_000_000_000)]
    >>> adjust_for_events(140_250_000, Decimal("0.00001"), split_and_back).shares
    140250000
    >>> adjust_for_events(1_000, Decimal("0.00001"), [(100, 200)], "literal_compounding").shares
    4000
    """
    count = need_shares(shares, "shares")
    price_before = as_fraction(exercise_price)
    ratio = _events_ratio(events)
    price = price_before / ratio
    if reading == "aggregate_preserving":
        exact = count * ratio
    elif reading == "literal_compounding":
        exact = count * ratio * ratio
    else:
        raise ParameterError(f"reading must be one of {', '.join(EVENT_READINGS)} (got {short_value(reading)})")
    whole = math.floor(exact)
    shown = half_up(price, 10)
    aggregate_before = count * price_before
    return Adjustment(
        exact, whole, exact - whole, price, shown, aggregate_before, exact * price, reading, ratio, len(events)
    )


def adjust_for_event(
    shares: int,
    exercise_price: Decimal | Fraction,
    outstanding_before: int,
    outstanding_after: int,
    reading: str = "aggregate_preserving",
) -> Adjustment:
    """Option §4 for one Event: :func:`adjust_for_events` with ``[(before, after)]``.

    .. math:: N = \\lfloor S_0 \\cdot after / before \\rfloor, \\quad P = P_0 \\cdot before / after

    For a chain use :func:`adjust_for_events`: re-applying this function to its own floored
    ``shares`` loses the fractions between Events.

    Examples
    --------
    >>> from decimal import Decimal
    >>> reverse = adjust_for_event(140_250_000, Decimal("0.00001"), 2_500_000_000, 50_000_000)
    >>> reverse.shares, reverse.exercise_price
    (2805000, Decimal('0.0005000000'))
    """
    return adjust_for_events(shares, exercise_price, [(outstanding_before, outstanding_after)], reading)


@dataclass(frozen=True, slots=True)
class Reorganization:
    """What the Holder receives on exercise after a §3.1 reorganization, merger or sale."""

    securities: int  # whole new securities
    securities_fraction_cash: Decimal  # the fraction, in cash at the security's value (§2.1)
    cash: Decimal  # cash consideration, to the cent
    exercise_price_paid: Decimal  # paid in cash on exercise (cash method)
    net_value: Decimal  # securities × value + fraction cash + cash − exercise price


def reorganize(
    option_shares: int,
    securities_per_share: Decimal,
    cash_per_share: Decimal,
    security_value: Decimal,
    exercise_price: Decimal | Fraction | None = None,
) -> Reorganization:
    """Option §3.1: the Holder receives on exercise "the stock and other securities and property
    (including cash) to which such Holder would have been entitled ... if such Holder had so
    exercised this Option, immediately prior thereto".

    .. math:: securities = \\lfloor Y s \\rfloor, \\quad cash = round_{half\\_up, cent}(Y c)

    s, c: securities and cash per option share; the fraction of a security is paid in cash at
    ``security_value`` (§2.1); the Holder still pays the Exercise Price (cash method, default:
    the embedded deal's). Each cash figure is rounded once, half-up.

    Examples
    --------
    >>> from decimal import Decimal
    >>> merger = reorganize(1_001, Decimal("0.5"), Decimal("0.10"), Decimal("3.00"))
    >>> merger.securities, merger.securities_fraction_cash, merger.cash, merger.net_value
    (500, Decimal('1.50'), Decimal('100.10'), Decimal('1601.59'))
    """
    count = need_shares(option_shares, "option_shares")
    value = as_fraction(security_value)
    securities = Fraction(count) * as_fraction(securities_per_share)
    whole = math.floor(securities)
    fraction_cash = exact_cents((securities - whole) * value)
    cash = exact_cents(Fraction(count) * as_fraction(cash_per_share))
    paid = cash_exercise(count, exercise_price)
    net = exact_cents(Fraction(whole) * value) + fraction_cash + cash - paid
    return Reorganization(whole, fraction_cash, cash, paid, net)
