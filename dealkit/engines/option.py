"""A vectorized scenario engine for the Option: FMV × outstanding × holdings × reading.

For every point: the shares the Holder may exercise now under §10 (Y, per reading, at most the
Option's §1.1 count), the shares a cashless exercise issues (§2.2(b), X = Y(A − B)/A, whole
shares), the cash in lieu of the fraction (§2.1, to the cent half-up), the value to the Holder
(shares at FMV to the cent, plus the cash) and the dilution. All exact in integers (prices scaled
to integers), so it agrees to the share and the cent with the pure rules of
:mod:`dealkit.rules.option`; floats only for the dilution ratio.

Never a silently wrong number: before computing, the engine bounds every intermediate product
from the inputs' maxima. When all fit in int64 (with a margin) it takes the fast int64 path;
otherwise the **exact path**: the same operations on arrays of Python integers (``dtype=object``),
slower but exact for any size. Inputs that are not numbers (floats, NaN, booleans, negative
counts, prices with more than :data:`MAX_DECIMALS` decimal places) are refused with an error
naming the value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

import numpy as np

from dealkit.errors import ParameterError
from dealkit.rules.option.cap import READINGS
from dealkit.rules.option.exercise import CASHLESS_CAP_READINGS, cashless_exercisable
from dealkit.rules.option.terms import short_value, term

__all__ = ["INT64_SAFE", "MAX_DECIMALS", "GridInputs", "ScenarioGrid", "ScenarioInputError", "scenario_grid"]

#: The largest magnitude any intermediate may reach on the int64 path (2**62: a margin of 2 below
#: int64's 2**63 − 1, so a sum of two bounded terms cannot wrap either).
INT64_SAFE = 2**62
#: The most decimal places an FMV or the Exercise Price may have (prices are scaled by 10**k).
MAX_DECIMALS = 30


class ScenarioInputError(ParameterError):
    """A scenario input the engine cannot take; the message names the input and the value."""


@dataclass(frozen=True, slots=True)
class ScenarioGrid:
    """Results on the grid; each result array has shape (len(fmv), len(outstanding),
    len(holdings), len(readings)). ``exact_path``: True when the int64 bounds did not hold and
    the arrays hold Python integers (``dtype=object``)."""

    fmv: tuple[Decimal, ...]
    outstanding: np.ndarray
    holdings: np.ndarray
    readings: tuple[str, ...]
    exercisable: np.ndarray  # Y, the §10 room (a cash exercise's Y), int64 (broadcast over fmv)
    available: np.ndarray  # bool: FMV > Exercise Price (else §2.2(b) is not available)
    shares_issued: np.ndarray  # int64 (0 where not available)
    cash_in_lieu_cents: np.ndarray  # int64 cents
    value_cents: np.ndarray  # int64 cents
    dilution: np.ndarray  # float64: issued / (outstanding + issued)
    exact_path: bool = False
    exercise_price: Decimal = Decimal(0)
    option_shares: int = 0
    cashless_cap: str = "issued"

    @property
    def size(self) -> int:
        """The number of scenarios."""
        return int(self.shares_issued.size)

    def point(self, i: int, j: int, k: int, r: int) -> dict[str, Any]:
        """One scenario, with Decimal money, for display and for checking against the Decimal twin."""
        room = int(self.exercisable[0, j, k, r])
        available = bool(self.available[i, 0, 0, 0])
        cashless = (
            cashless_exercisable(room, self.fmv[i], self.exercise_price, self.option_shares, self.cashless_cap)
            if available
            else 0
        )
        return {
            "fmv": self.fmv[i],
            "outstanding": int(self.outstanding[j]),
            "holdings": int(self.holdings[k]),
            "reading": self.readings[r],
            "exercisable": room,
            "available": available,
            "shares_issued": int(self.shares_issued[i, j, k, r]),
            "cashless_exercised": cashless,
            "cash_in_lieu": Decimal(int(self.cash_in_lieu_cents[i, j, k, r])).scaleb(-2),
            "value": Decimal(int(self.value_cents[i, j, k, r])).scaleb(-2),
            "dilution": float(self.dilution[i, j, k, r]),
        }


@dataclass(frozen=True, slots=True)
class GridInputs:
    """The grid's inputs, checked and scaled: prices as integers of ``1/scale`` dollars, the
    §10 cap as ``cap_numerator / cap_denominator``."""

    prices: tuple[Decimal, ...]
    strike: Decimal
    option_shares: int
    outstanding: list[int]
    holdings: list[int]
    scale: int
    scaled_prices: list[int]
    scaled_strike: int
    cap_numerator: int
    cap_denominator: int


def _price(value: object, what: str) -> Decimal:
    """A price (FMV or Exercise Price): a finite, non-negative Decimal of at most
    :data:`MAX_DECIMALS` places; else one :class:`ScenarioInputError` line naming it."""
    if isinstance(value, (float, bool)) or not isinstance(value, (Decimal, str, int)):
        raise ScenarioInputError(
            f"{what}: give a Decimal or a decimal string (got {type(value).__name__} {short_value(value)})"
        )
    try:
        number = value if isinstance(value, Decimal) else Decimal(value)
    except (InvalidOperation, ValueError):
        raise ScenarioInputError(f"{what}: not a number (got {short_value(value)})") from None
    if not number.is_finite():
        raise ScenarioInputError(f"{what}: must be a finite number (got {short_value(value)})")
    if number < 0:
        raise ScenarioInputError(f"{what}: must not be negative (got {short_value(value)})")
    if _decimals(number) > MAX_DECIMALS:
        raise ScenarioInputError(f"{what}: more than {MAX_DECIMALS} decimal places (got {short_value(value)})")
    return number


def _counts(values: Sequence[object], what: str) -> list[int]:
    """Share counts: whole, non-negative numbers (numpy integers accepted)."""
    checked = []
    for index, value in enumerate(values):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise ScenarioInputError(
                f"{what}[{index}]: a whole number of shares (got {type(value).__name__} {short_value(value)})"
            )
        if value < 0:
            raise ScenarioInputError(f"{what}[{index}]: must not be negative (got {short_value(value)})")
        checked.append(int(value))
    return checked


def _decimals(number: Decimal) -> int:
    """Decimal places of ``number``, trailing zeros not counted (0.0100 has 2)."""
    sign, digits, exponent = number.as_tuple()
    if not isinstance(exponent, int) or exponent >= 0:
        return 0
    zeros = 0
    for digit in reversed(digits):
        if digit != 0 or zeros >= -exponent:
            break
        zeros += 1
    return -exponent - zeros


def _grid_inputs(fmv, outstanding, holdings, readings, exercise_price, option_shares, cap, cashless_cap) -> GridInputs:
    """Check every input (one line naming a bad one) and scale the prices: ``s = 10**k``, k the
    most decimal places among the FMVs and the Exercise Price, at least 2 (the cent)."""
    prices = tuple(_price(value, f"fmv[{index}]") for index, value in enumerate(fmv))
    strike = _price(term(exercise_price, "EXERCISE_PRICE"), "exercise_price")
    shares_cap = _counts([term(option_shares, "OPTION_SHARES")], "option_shares")[0]
    if cashless_cap not in CASHLESS_CAP_READINGS:
        raise ScenarioInputError(
            f"cashless_cap must be one of {', '.join(CASHLESS_CAP_READINGS)} (got {short_value(cashless_cap)})"
        )
    for reading in readings:
        if reading not in READINGS:
            raise ScenarioInputError(f"reading must be one of {', '.join(READINGS)} (got {short_value(reading)})")
    rate = Fraction(_price(term(cap, "CAP"), "cap"))
    if not (0 <= rate < 1):
        raise ScenarioInputError(f"cap: must lie in [0, 1) (got {short_value(cap)})")
    counts_out, counts_held = _counts(outstanding, "outstanding"), _counts(holdings, "holdings")
    places = max([2, _decimals(strike)] + [_decimals(price) for price in prices])
    return GridInputs(
        prices, strike, shares_cap, counts_out, counts_held, 10**places,
        [int(price.scaleb(places)) for price in prices], int(strike.scaleb(places)),
        rate.numerator, rate.denominator,
    )  # fmt: skip


def _needs_exact_path(inputs: GridInputs) -> bool:
    """True when some intermediate could pass :data:`INT64_SAFE` (bounded from the maxima; all
    quantities are non-negative)."""
    most_out, most_held = max(inputs.outstanding, default=0), max(inputs.holdings, default=0)
    top_price = max(inputs.scaled_prices, default=0)
    bound = max(
        inputs.cap_numerator * most_out, inputs.cap_denominator * most_held, inputs.cap_denominator,
        inputs.option_shares, top_price, inputs.scaled_strike, most_out + inputs.option_shares,
        (inputs.option_shares + 1) * top_price + inputs.scale,
    )  # fmt: skip
    return bound >= INT64_SAFE


def _cap_room(outstanding: np.ndarray, holdings: np.ndarray, readings: Sequence[str], inputs: GridInputs, dtype):
    """§10 per (outstanding, holdings, reading), clipped to [0, S]:

    .. math:: Y_{literal} = \\lfloor num·O / den \\rfloor - H, \\quad
              Y_{post} = \\lfloor (num·O - den·H) / (den - num) \\rfloor
    """
    num, den = inputs.cap_numerator, inputs.cap_denominator
    by_outstanding, by_holdings = outstanding[:, None], holdings[None, :]
    rooms = []
    for reading in readings:
        if reading == "literal":
            room = (num * by_outstanding) // den - by_holdings
        else:  # post_issuance: floor((cap*O - H) / (1 - cap))
            room = (num * by_outstanding - den * by_holdings) // (den - num)
        rooms.append(np.clip(room, 0, inputs.option_shares))
    if not rooms:
        return np.zeros((len(inputs.outstanding), len(inputs.holdings), 0), dtype=dtype)
    return np.stack(rooms, axis=-1)


@dataclass(slots=True)
class _Workspace:
    """Arrays reused for every FMV slab (each slab stays in cache; the divisors are scalars)."""

    room: np.ndarray  # Y, (O, H, R)
    has_room: np.ndarray  # 1 where there is room (0: no exercise, Y_c = 0)
    room_plus_one: np.ndarray  # Y + 1 where there is room, else 0
    product: np.ndarray  # N = Y_c (a − b), then X·a, then value in cents
    remainder: np.ndarray  # fraction × a (scaled), then cash in cents
    issued_float: np.ndarray
    outstanding_float: np.ndarray  # O as float64, 1 where O = 0 (then X = 0: dilution 0 / 1)


def _workspace(room: np.ndarray, outstanding: np.ndarray, dtype) -> _Workspace:
    outstanding_float = np.broadcast_to(outstanding[:, None, None], room.shape).astype(np.float64)
    outstanding_float[outstanding_float == 0] = 1.0
    has_room = (room > 0).astype(dtype)
    return _Workspace(room, has_room, room + has_room, np.empty(room.shape, dtype=dtype),
                      np.empty(room.shape, dtype=dtype), np.empty(room.shape, dtype=np.float64),
                      outstanding_float)  # fmt: skip


def _cashless_slab(price: int, inputs: GridInputs, work: _Workspace, cashless_cap: str, exact: bool, out) -> None:
    """§2.2(b) and §2.1 for one FMV a (scaled), written into ``out = (X, cash, value)`` slabs:

    .. math::
        Y_c = \\min(S, \\lfloor ((Y + 1) a - 1) / (a - b) \\rfloor) \\; (0 \\text{ if } Y = 0), \\quad
        N = Y_c (a - b), \\quad X = \\lfloor N / a \\rfloor, \\quad r = N - X a,

        cash = \\lfloor (r + s/200) / (s/100) \\rfloor, \\quad
        value = \\lfloor (X a + s/200) / (s/100) \\rfloor + cash
    """
    issued, cash, value = out
    gain, product, remainder = price - inputs.scaled_strike, work.product, work.remainder
    if cashless_cap == "issued":  # §10 caps X: the largest Y with X <= room
        np.multiply(work.room_plus_one, price, out=product)
        product -= work.has_room
        product //= gain  # Y_c = ((room + 1)·a − 1) // (a − b)
        np.minimum(product, inputs.option_shares, out=product)
        product *= gain  # N = Y_c (A − B), scaled
    else:
        np.multiply(work.room, gain, out=product)
    if exact:  # (no divmod ufunc for Python integers)
        issued[...] = product // price
        remainder[...] = product - issued * price
    else:
        np.floor_divide(product, price, out=issued)  # whole shares (a scalar divisor: faster than divmod)
        np.multiply(issued, price, out=remainder)
        np.subtract(product, remainder, out=remainder)  # fraction × A (scaled)
    product -= remainder  # X·A
    per_cent = inputs.scale // 100  # scaled units per cent (k >= 2)
    if per_cent > 1:  # half-up to the cent, once each
        half = per_cent // 2
        remainder += half
        np.floor_divide(remainder, per_cent, out=cash)
        product += half
        product //= per_cent
    else:
        cash[...] = remainder
    np.add(product, cash, out=value)


def _dilution_slab(issued: np.ndarray, outstanding: np.ndarray, work: _Workspace, exact: bool, out) -> None:
    """``X / (O + X)`` (float64; 0 where nothing is issued) for one FMV, into ``out``."""
    if exact:
        totals = np.broadcast_to(outstanding[:, None, None], issued.shape).ravel()
        ratios = [
            float(Fraction(int(x), int(x) + int(t))) if x else 0.0 for x, t in zip(issued.ravel(), totals, strict=True)
        ]
        out[...] = np.array(ratios, dtype=np.float64).reshape(issued.shape)
        return
    work.issued_float[...] = issued
    np.add(work.outstanding_float, work.issued_float, out=out)
    np.divide(work.issued_float, out, out=out)


def scenario_grid(
    fmv: Sequence[Decimal | str],
    outstanding: Sequence[int],
    holdings: Sequence[int],
    readings: Sequence[str] = ("literal", "post_issuance"),
    exercise_price: Decimal | None = None,
    option_shares: int | None = None,
    cap: Decimal | None = None,
    cashless_cap: str = "issued",
) -> ScenarioGrid:
    """Evaluate the grid (see the module): §10's room Y (:func:`_cap_room`), then §2.2(b)/§2.1
    per FMV (:func:`_cashless_slab`), each figure as :func:`dealkit.option.cashless_exercise`
    and :func:`dealkit.option.value_to_holder` give it, rounded once each, half-up:

    .. math:: X = \\lfloor Y_c (A - B) / A \\rfloor, \\quad cash = round_{cent}((Y_c(A - B)/A - X) A)

    S (Option §1.1), B (definitions (c)) and the cap (§10) default to the embedded deal's.
    ``cashless_cap``: §10 caps X (``"issued"``, default) or Y (``"exercised"``); see
    :data:`dealkit.option.CASHLESS_CAP_READINGS`. Raises :class:`ScenarioInputError` naming a bad value.

    Examples
    --------
    >>> from decimal import Decimal
    >>> grid = scenario_grid([Decimal("0.05")], [1_000_000_000], [0])
    >>> grid.point(0, 0, 0, 0)["exercisable"], grid.point(0, 0, 0, 0)["shares_issued"]
    (49900000, 49900000)
    """
    inputs = _grid_inputs(fmv, outstanding, holdings, readings, exercise_price, option_shares, cap, cashless_cap)
    exact = _needs_exact_path(inputs)
    dtype = object if exact else np.int64
    counts_out = np.array(inputs.outstanding, dtype=dtype)
    counts_held = np.array(inputs.holdings, dtype=dtype)
    room = _cap_room(counts_out, counts_held, readings, inputs, dtype)  # (O, H, R)
    shape = (len(inputs.scaled_prices),) + room.shape
    issued, cash, value = (np.empty(shape, dtype=dtype) for _ in range(3))  # every slab is written below
    dilution = np.empty(shape, dtype=np.float64)
    work = _workspace(room, counts_out, dtype)
    for index, price in enumerate(inputs.scaled_prices):
        if price <= inputs.scaled_strike:  # §2.2(b) not available: zeros
            issued[index], cash[index], value[index], dilution[index] = 0, 0, 0, 0.0
            continue
        _cashless_slab(price, inputs, work, cashless_cap, exact, (issued[index], cash[index], value[index]))
        _dilution_slab(issued[index], counts_out, work, exact, dilution[index])
    available = np.array([price > inputs.scaled_strike for price in inputs.scaled_prices], dtype=bool)
    return ScenarioGrid(
        inputs.prices, counts_out, counts_held, tuple(readings), room[None, :, :, :],
        available[:, None, None, None], issued, cash, value, dilution, exact, inputs.strike,
        inputs.option_shares, cashless_cap,
    )  # fmt: skip
