"""The exercise plan: the schedule of exercises that gets all the Option's shares out under §10.

Each trading day d from the start (d is the Determination Date of that day's exercise), in named
steps:

1. :func:`day_sale` — the Holder sells ``sell_per_day`` shares (or ``sell_fraction_of_volume`` ×
   that day's volume), at most what it owns;
2. §10 (:func:`dealkit.option.max_exercisable`, ``reading``): the room ``n = floor(c·O) − H``
   (literal), where H counts every share the Holder still owns — including the shares **received
   on earlier exercises of this plan** — and O every share outstanding, including those issued on
   earlier steps;
3. the FMV is §1.2(a)/(b)'s: the price "reported for the last business day immediately preceding
   the Determination Date" — the previous business day of ``calendar`` (NYSE), not day d's own
   price (:func:`price_lookup`: a day without a quote takes the last one before it);
4. :func:`day_exercise` — cash (§2.2(a)(i), Y = X = min(n, remaining)) or cashless (§2.2(b),
   X = Y(A − B)/A). In a cashless exercise §10 caps what the Holder *receives*, X (the
   ``"issued"`` reading of :data:`dealkit.option.CASHLESS_CAP_READINGS`, default): the largest Y
   with ``floor(Y(A − B)/A) ≤ n``; ``"exercised"`` caps Y itself. A day whose FMV is at or below
   the Exercise Price falls back to cash;
5. :func:`day_issue` — the Series D route: while ``authorized`` common is below the deal's
   threshold (until ``authorized_increase_date``), the shares come as Series D preferred at the
   deal's ratio; the Holder's position and the outstanding count are kept in common-equivalent
   shares (beneficial ownership of the underlying common, Rule 13d-3); the part under one
   preferred share is cashed with :func:`dealkit.option.series_d_cash_in_lieu` (rounded once).
   Otherwise whole common shares, the fraction in cash (§2.1), rounded once to the cent.

No exercise on a day with no room (n = 0); its sales count in the next step's ``sold_before``
(sold since the previous step), so the steps account for every share.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from fractions import Fraction
from typing import Literal

from dealkit.core.calendar import add_business_days, is_business_day, previous_business_day
from dealkit.errors import ParameterError
from dealkit.rules.option.cap import max_exercisable
from dealkit.rules.option.exercise import CASHLESS_CAP_READINGS, cash_exercise, cashless_exercisable, cashless_exercise
from dealkit.rules.option.series_d import series_d_cash_in_lieu
from dealkit.rules.option.terms import (
    PriceDataError,
    as_decimal,
    as_fraction,
    exact_cents,
    need_date,
    need_shares,
    short_value,
    term,
)

__all__ = [
    "DayExercise",
    "PlanStep",
    "PlanTerms",
    "Position",
    "SalePolicy",
    "day_exercise",
    "day_issue",
    "day_sale",
    "exercise_plan",
    "price_lookup",
]


@dataclass(frozen=True, slots=True)
class PlanStep:
    """One exercise of the plan (a row of its schedule)."""

    date: dt.date
    exercised: int  # Y this step
    issued: int  # common (or common-equivalent) issued
    series_d_issued: int  # preferred shares, on the Series D route (else 0)
    cash_paid: Decimal  # cash method: the aggregate Exercise Price
    shares_withheld: int  # cashless method: Y − X
    cash_in_lieu: Decimal
    sold_before: int  # shares the Holder sold since the previous step, up to this exercise
    owned_after: int
    outstanding_after: int
    ownership_after: Fraction
    remaining_after: int
    cap_binding: bool
    fmv: Decimal | None = None  # §1.2: the FMV used (of the pricing date)
    pricing_date: dt.date | None = None  # the last business day preceding the Determination Date
    owned_before: int = 0  # owned after the day's sale, before the exercise (what §10 counts)
    cap_room: int = 0  # §10: shares the Holder could receive that day


@dataclass(frozen=True, slots=True)
class PlanTerms:
    """The deal's terms and the readings a plan runs on, checked once."""

    exercise_price: Fraction  # B, definitions (c)
    cap: Decimal  # §10
    reading: str  # §10, :data:`dealkit.option.READINGS`
    method: str  # "cash" (§2.2(a)(i)) or "cashless" (§2.2(b))
    cashless_cap: str  # :data:`dealkit.option.CASHLESS_CAP_READINGS`
    series_d_ratio: int
    series_d_until_authorized: int
    authorized: int | None
    authorized_increase_date: dt.date | None


@dataclass(frozen=True, slots=True)
class SalePolicy:
    """What the Holder sells each trading day: a fixed count, or a fraction of the day's volume."""

    per_day: int | None
    fraction_of_volume: Fraction | None
    volumes: Mapping[dt.date, int]


@dataclass(frozen=True, slots=True)
class Position:
    """The Holder's position between steps, in common-equivalent shares."""

    outstanding: int  # O: every share outstanding, those issued on earlier steps included
    owned: int  # H: every share the Holder owns, those received on earlier steps included
    remaining: int  # shares left under the Option
    sold_since_step: int = 0  # sold since the previous step (days without an exercise included)


@dataclass(frozen=True, slots=True)
class DayExercise:
    """Step 4's result: Y, the exact entitlement X, the shares withheld and the cash paid."""

    exercised: int
    entitlement: Fraction
    withheld: int
    cash_paid: Decimal


def price_lookup(prices: Mapping[dt.date, Decimal] | Decimal) -> Callable[[dt.date], Decimal]:
    """Step 3: the price of a day: one fixed price, or the last quote on or before the day
    (§1.2(a)/(b)); :class:`dealkit.option.PriceDataError` names a day with none before it."""
    if not isinstance(prices, Mapping):
        fixed = as_decimal(prices, "prices")
        if not fixed.is_finite() or fixed < 0:
            raise ParameterError(f"prices: a price must be a finite, non-negative number (got {short_value(prices)})")
        return lambda day: fixed
    days = sorted(prices)

    def at(day: dt.date) -> Decimal:
        index = bisect.bisect_right(days, day)
        if index == 0:
            raise PriceDataError(
                f"exercise plan: no price on or before {day.isoformat()}, the last business day "
                "preceding the Determination Date (§1.2(a)/(b))"
            )
        return as_decimal(prices[days[index - 1]], f"prices[{days[index - 1]}]")

    return at


def day_sale(policy: SalePolicy, day: dt.date, owned: int) -> int:
    """Step 1: ``min(H, per_day)`` or ``min(H, floor(fraction × volume of the day))``."""
    if policy.per_day is not None:
        return min(owned, policy.per_day)
    fraction = policy.fraction_of_volume or Fraction(0)
    return min(owned, math.floor(fraction * policy.volumes.get(day, 0)))


def day_exercise(room: int, remaining: int, price: Fraction, terms: PlanTerms) -> DayExercise:
    """Step 4: the exercise for the §10 ``room`` at FMV ``price`` (A): cashless (§2.2(b)) when
    chosen and A > B, ``Y = cashless_exercisable(room)``, X = Y(A − B)/A, nothing paid; else cash
    (§2.2(a)(i)), ``Y = X = min(room, remaining)``, paying ``round_half_up_cents(Y × B)``."""
    strike = terms.exercise_price
    if terms.method == "cashless" and price > strike:
        exercised = cashless_exercisable(room, price, strike, remaining, terms.cashless_cap)
        result = cashless_exercise(exercised, price, strike)
        return DayExercise(exercised, result.x_exact, result.shares_withheld, Decimal("0.00"))
    exercised = min(room, remaining)
    return DayExercise(exercised, Fraction(exercised), 0, cash_exercise(exercised, strike))


def day_issue(entitlement: Fraction, price: Fraction, day: dt.date, terms: PlanTerms) -> tuple[int, int, Decimal]:
    """Step 5: ``(series D preferred, common-equivalent issued, cash in lieu)`` of an exact
    entitlement X: the Series D route while ``authorized < threshold`` (before the increase
    date), else ``floor(X)`` common and ``round_half_up_cents((X − floor(X)) × A)`` (§2.1)."""
    series_d = (
        terms.authorized is not None
        and terms.authorized < terms.series_d_until_authorized
        and (terms.authorized_increase_date is None or day < terms.authorized_increase_date)
    )
    if series_d:
        return series_d_cash_in_lieu(entitlement, price, terms.series_d_ratio)
    issued = math.floor(entitlement)
    return 0, issued, exact_cents((entitlement - issued) * price)


def _plan_day(day: dt.date, position: Position, fmv: Decimal, pricing_day: dt.date, terms: PlanTerms):
    """Steps 2, 4 and 5 for one day, after its sale: the :class:`PlanStep` (``None`` when §10
    leaves no room) and the position after it."""
    price = as_fraction(fmv)
    room = max_exercisable(position.outstanding, position.owned, terms.cap, terms.reading)
    if room == 0:
        return None, position
    exercise = day_exercise(room, position.remaining, price, terms)
    preferred, issued, in_lieu = day_issue(exercise.entitlement, price, day, terms)
    owned, outstanding = position.owned + issued, position.outstanding + issued
    remaining = position.remaining - exercise.exercised
    step = PlanStep(
        date=day,
        exercised=exercise.exercised,
        issued=issued,
        series_d_issued=preferred,
        cash_paid=exercise.cash_paid,
        shares_withheld=exercise.withheld,
        cash_in_lieu=in_lieu,
        sold_before=position.sold_since_step,
        owned_after=owned,
        outstanding_after=outstanding,
        ownership_after=Fraction(owned, outstanding) if outstanding else Fraction(0),
        remaining_after=remaining,
        cap_binding=exercise.exercised < position.remaining,
        fmv=fmv,
        pricing_date=pricing_day,
        owned_before=position.owned,
        cap_room=room,
    )
    return step, Position(outstanding, owned, remaining)


def _schedule(
    day: dt.date,
    position: Position,
    policy: SalePolicy,
    price_on: Callable[[dt.date], Decimal],
    terms: PlanTerms,
    max_days: int,
    calendar: str,
) -> list[PlanStep]:
    """The plan's loop: each trading day from ``day``, steps 1-5, until nothing remains or
    ``max_days`` days have passed."""
    steps: list[PlanStep] = []
    need_date(day, "start")
    if not is_business_day(day, calendar):
        day = add_business_days(day, 1, calendar)
    for _ in range(max_days):
        if position.remaining == 0:
            break
        pricing_day = previous_business_day(day, calendar)
        fmv = price_on(pricing_day)
        sold = day_sale(policy, day, position.owned)
        position = replace(position, owned=position.owned - sold, sold_since_step=position.sold_since_step + sold)
        step, position = _plan_day(day, position, fmv, pricing_day, terms)
        if step is not None:
            steps.append(step)
        day = add_business_days(day, 1, calendar)
    return steps


def _sale_policy(method: str, cashless_cap: str, sell_per_day, sell_fraction_of_volume, volumes) -> SalePolicy:
    """The plan's choices, each refused in one line naming it, and the Holder's sales."""
    if method not in ("cash", "cashless"):
        raise ParameterError(f"method must be cash or cashless (got {short_value(method)})")
    if cashless_cap not in CASHLESS_CAP_READINGS:
        raise ParameterError(
            f"cashless_cap must be one of {', '.join(CASHLESS_CAP_READINGS)} (got {short_value(cashless_cap)})"
        )
    if sell_per_day is None and sell_fraction_of_volume is None:
        raise ParameterError("give sell_per_day or sell_fraction_of_volume (with volumes)")
    if sell_fraction_of_volume is not None and not volumes:
        raise ParameterError("sell_fraction_of_volume needs a volumes map (date → shares traded)")
    if sell_per_day is not None:
        return SalePolicy(need_shares(sell_per_day, "sell_per_day"), None, volumes or {})
    return SalePolicy(None, Fraction(as_decimal(sell_fraction_of_volume, "sell_fraction_of_volume")), volumes)


def exercise_plan(
    start: dt.date,
    outstanding: int,
    owned: int,
    prices: Mapping[dt.date, Decimal] | Decimal,
    *,
    sell_per_day: int | None = None,
    sell_fraction_of_volume: Decimal | None = None,
    volumes: Mapping[dt.date, int] | None = None,
    remaining: int | None = None,
    method: Literal["cash", "cashless"] = "cash",
    reading: str = "literal",
    cap: Decimal | None = None,
    exercise_price: Decimal | Fraction | None = None,
    authorized: int | None = None,
    authorized_increase_date: dt.date | None = None,
    max_days: int = 2520,
    calendar: str = "nyse",
    cashless_cap: str = "issued",
    series_d_ratio: int | None = None,
    series_d_until_authorized: int | None = None,
) -> list[PlanStep]:
    """The schedule of exercises that gets all the Option's shares out under §10 (steps: the module).

    .. math:: n_d = \\lfloor c O_d \\rfloor - H_d, \\quad O_{d+1} = O_d + X_d, \\quad
              H_{d+1} = H_d + X_d - sold_{d+1}

    Stops when nothing remains, or after ``max_days`` trading days (then ``remaining_after`` > 0).
    Terms default to the embedded deal's (``remaining``: §1.1's count; ``cap``; ``exercise_price``;
    the Series D ratio and threshold); the notebook passes the loaded deal's.

    Examples
    --------
    >>> import datetime as dt
    >>> from decimal import Decimal
    >>> steps = exercise_plan(dt.date(2005, 9, 7), 2_000_000_000, 0, Decimal("0.02"), sell_per_day=20_000_000)
    >>> steps[0].exercised, len(steps), steps[-1].remaining_after
    (99800000, 3, 0)
    """
    position = Position(need_shares(outstanding, "outstanding"), need_shares(owned, "owned"), remaining=0)
    position = replace(position, remaining=need_shares(term(remaining, "OPTION_SHARES"), "remaining"))
    terms = PlanTerms(
        as_fraction(term(exercise_price, "EXERCISE_PRICE")), term(cap, "CAP"), reading, method, cashless_cap,
        term(series_d_ratio, "SERIES_D_RATIO"), term(series_d_until_authorized, "SERIES_D_UNTIL_AUTHORIZED"),
        authorized, authorized_increase_date,
    )  # fmt: skip
    policy = _sale_policy(method, cashless_cap, sell_per_day, sell_fraction_of_volume, volumes)
    return _schedule(start, position, policy, price_lookup(prices), terms, max_days, calendar)
