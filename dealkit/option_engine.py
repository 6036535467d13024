"""A vectorized scenario engine for the Option: FMV × outstanding × holdings × reading.

For every point: the shares the Holder may exercise now under §10 (Y, per reading, at most the
Option's §1.1 count), the shares a cashless exercise issues (§2.2(b), X = Y(A − B)/A, whole
shares), the cash in lieu of the fraction (§2.1, to the cent half-up), the value to the Holder
(shares at FMV to the cent, plus the cash) and the dilution. All exact in integers (prices scaled
to integers), so it agrees to the share and the cent with the ``Decimal`` functions of
:mod:`dealkit.option`; floats only for the dilution ratio.

Never a silently wrong number: before computing, the engine bounds every intermediate product
from the inputs' maxima. When all fit in int64 (with a margin) it takes the fast int64 path;
otherwise the **exact path**: the same operations on arrays of Python integers (``dtype=object``),
slower but exact for any size. Inputs that are not numbers (floats, NaN, booleans, negative
counts, prices with more than :data:`MAX_DECIMALS` decimal places) are refused with an error
naming the value.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Sequence

import numpy as np

from .errors import ParameterError
from .option import CASHLESS_CAP_READINGS, READINGS, _short, _term, cashless_exercisable

__all__ = ["ScenarioGrid", "scenario_grid", "ScenarioInputError", "INT64_SAFE", "MAX_DECIMALS"]

#: The largest magnitude any intermediate may reach on the int64 path (2**62: a margin of 2 below
#: int64's 2**63 − 1, so a sum of two bounded terms cannot wrap either).
INT64_SAFE = 2 ** 62
#: The most decimal places an FMV or the Exercise Price may have (prices are scaled by 10**k).
MAX_DECIMALS = 30


class ScenarioInputError(ParameterError):
    """A scenario input the engine cannot take; the message names the input and the value."""


@dataclass(frozen=True)
class ScenarioGrid:
    """Results on the grid; each result array has shape (len(fmv), len(outstanding),
    len(holdings), len(readings)). ``exact_path``: True when the int64 bounds did not hold and
    the arrays hold Python integers (``dtype=object``)."""

    fmv: tuple[Decimal, ...]
    outstanding: np.ndarray
    holdings: np.ndarray
    readings: tuple[str, ...]
    exercisable: np.ndarray        # Y, the §10 room (a cash exercise's Y), int64 (broadcast over fmv)
    available: np.ndarray          # bool: FMV > Exercise Price (else §2.2(b) is not available)
    shares_issued: np.ndarray      # int64 (0 where not available)
    cash_in_lieu_cents: np.ndarray # int64 cents
    value_cents: np.ndarray        # int64 cents
    dilution: np.ndarray           # float64: issued / (outstanding + issued)
    exact_path: bool = False
    exercise_price: Decimal = Decimal(0)
    option_shares: int = 0
    cashless_cap: str = "issued"

    @property
    def size(self) -> int:
        return int(self.shares_issued.size)

    def point(self, i: int, j: int, k: int, r: int) -> dict:
        """One scenario, with Decimal money, for display and for checking against the Decimal twin."""
        return {"fmv": self.fmv[i], "outstanding": int(self.outstanding[j]), "holdings": int(self.holdings[k]),
                "reading": self.readings[r], "exercisable": int(self.exercisable[0, j, k, r]),
                "available": bool(self.available[i, 0, 0, 0]),
                "shares_issued": int(self.shares_issued[i, j, k, r]),
                "cashless_exercised": (cashless_exercisable(int(self.exercisable[0, j, k, r]), self.fmv[i],
                                                            self.exercise_price, self.option_shares, self.cashless_cap)
                                       if self.available[i, 0, 0, 0] else 0),
                "cash_in_lieu": Decimal(int(self.cash_in_lieu_cents[i, j, k, r])).scaleb(-2),
                "value": Decimal(int(self.value_cents[i, j, k, r])).scaleb(-2),
                "dilution": float(self.dilution[i, j, k, r])}


def _price(v, what: str) -> Decimal:
    if isinstance(v, (float, bool)) or not isinstance(v, (Decimal, str, int)):
        raise ScenarioInputError(f"{what}: give a Decimal or a decimal string (got {type(v).__name__} {_short(v)})")
    try:
        d = v if isinstance(v, Decimal) else Decimal(v)
    except (InvalidOperation, ValueError):
        raise ScenarioInputError(f"{what}: not a number (got {_short(v)})") from None
    if not d.is_finite():
        raise ScenarioInputError(f"{what}: must be a finite number (got {_short(v)})")
    if d < 0:
        raise ScenarioInputError(f"{what}: must not be negative (got {_short(v)})")
    if _decimals(d) > MAX_DECIMALS:
        raise ScenarioInputError(f"{what}: more than {MAX_DECIMALS} decimal places (got {_short(v)})")
    return d


def _counts(values, what: str) -> list[int]:
    out = []
    for n, v in enumerate(values):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
            raise ScenarioInputError(f"{what}[{n}]: a whole number of shares (got {type(v).__name__} {_short(v)})")
        if v < 0:
            raise ScenarioInputError(f"{what}[{n}]: must not be negative (got {_short(v)})")
        out.append(int(v))
    return out


def _decimals(d: Decimal) -> int:
    exp = d.as_tuple().exponent
    if not isinstance(exp, int) or exp >= 0:
        return 0
    # trailing zeros do not count: 0.0100 has 2 decimals
    digits = d.as_tuple().digits
    zeros = 0
    for digit in reversed(digits):
        if digit != 0 or zeros >= -exp:
            break
        zeros += 1
    return -exp - zeros


def scenario_grid(fmv: Sequence[Decimal | str], outstanding: Sequence[int], holdings: Sequence[int],
                  readings: Sequence[str] = ("literal", "post_issuance"), exercise_price: Decimal | None = None,
                  option_shares: int | None = None, cap: Decimal | None = None,
                  cashless_cap: str = "issued") -> ScenarioGrid:
    """Evaluate the grid (see the module's doc).

    With the price scale ``s = 10**k`` (k the most decimal places among the FMVs and the Exercise
    Price B, at least 2), a = A·s, b = B·s, c = num/den (the §10 cap):

    .. math::
        Y_{literal} = clip(\\lfloor num·O / den \\rfloor - H, 0, S), \\quad
        Y_{post} = clip(\\lfloor (num·O - den·H) / (den - num) \\rfloor, 0, S)

        Y_c = \\min(S, \\lfloor ((Y + 1) a - 1) / (a - b) \\rfloor) \\; (0 \\text{ if } Y = 0), \\quad
        N = Y_c (a - b), \\quad X = \\lfloor N / a \\rfloor, \\quad r = N - X a, \\quad
        cash = \\lfloor (r + s/200) / (s/100) \\rfloor, \\quad
        value = \\lfloor (X a + s/200) / (s/100) \\rfloor + cash

    (half-up to the cent, rounded once each, as in :func:`dealkit.option.cashless_exercise` and
    :func:`dealkit.option.value_to_holder`). S (Option §1.1), B (definitions (c)) and the cap
    (§10) default to the embedded deal's; the notebook passes the loaded deal's. ``cashless_cap``:
    §10 in a cashless exercise caps the shares issued X (``"issued"``, default: Y_c is the largest
    Y whose X fits the room, as :func:`dealkit.option.cashless_exercisable`) or Y itself
    (``"exercised"``: Y_c = Y); see :data:`dealkit.option.CASHLESS_CAP_READINGS`.

    Every intermediate is bounded from the inputs' maxima first: within :data:`INT64_SAFE` the
    int64 path runs, otherwise the exact path (Python integers). Raises
    :class:`ScenarioInputError` naming the value for an input that is not a valid number.
    """
    prices = tuple(_price(v, f"fmv[{n}]") for n, v in enumerate(fmv))
    strike = _price(_term(exercise_price, "EXERCISE_PRICE"), "exercise_price")
    shares_cap = _counts([_term(option_shares, "OPTION_SHARES")], "option_shares")[0]
    if cashless_cap not in CASHLESS_CAP_READINGS:
        raise ScenarioInputError(f"cashless_cap must be one of {', '.join(CASHLESS_CAP_READINGS)} "
                                 f"(got {_short(cashless_cap)})")
    for r in readings:
        if r not in READINGS:
            raise ScenarioInputError(f"reading must be one of {', '.join(READINGS)} (got {_short(r)})")
    c = Fraction(_price(_term(cap, "CAP"), "cap"))
    if not (0 <= c < 1):
        raise ScenarioInputError(f"cap: must lie in [0, 1) (got {_short(cap)})")
    o_list, h_list = _counts(outstanding, "outstanding"), _counts(holdings, "holdings")
    k = max([2, _decimals(strike)] + [_decimals(p) for p in prices])
    scale = 10 ** k
    a_list = [int(p.scaleb(k)) for p in prices]
    b = int(strike.scaleb(k))
    num, den = c.numerator, c.denominator

    # bounds of every intermediate, from the maxima (all quantities are non-negative)
    o_max, h_max, a_max = max(o_list, default=0), max(h_list, default=0), max(a_list, default=0)
    bound = max(num * o_max, den * h_max, den, shares_cap, a_max, b, o_max + shares_cap,
                (shares_cap + 1) * a_max + scale)
    exact = bound >= INT64_SAFE
    dtype = object if exact else np.int64
    o = np.array(o_list, dtype=dtype)
    h = np.array(h_list, dtype=dtype)
    a = np.array(a_list, dtype=dtype)

    # §10: the room (shares the Holder may receive) depends on outstanding, holdings and reading only
    O, H = o[:, None], h[None, :]
    ys = []
    for r in readings:
        if r == "literal":
            y = (num * O) // den - H
        else:  # post_issuance: floor((cap*O - H) / (1 - cap)) = floor((num*O - den*H) / (den - num))
            y = (num * O - den * H) // (den - num)
        ys.append(np.clip(y, 0, shares_cap))
    Y = np.stack(ys, axis=-1) if ys else np.zeros((len(o_list), len(h_list), 0), dtype=dtype)   # (O, H, R)

    # §2.2(b) and §2.1, one FMV at a time (each slab stays in cache; the divisors are scalars)
    shape = (len(a_list),) + Y.shape
    X = np.empty(shape, dtype=dtype)          # every row is written below (zeros where not available)
    cash = np.empty(shape, dtype=dtype)
    value = np.empty(shape, dtype=dtype)
    dilution = np.empty(shape, dtype=np.float64)
    avail = np.array([ai > b for ai in a_list], dtype=bool)
    d = scale // 100                                                # scaled units per cent (k >= 2)
    half = d // 2
    Of = np.broadcast_to(o[:, None, None], Y.shape).astype(np.float64)
    Of[Of == 0] = 1.0                 # O = 0 gives Y = 0 and X = 0: the dilution is 0 / 1
    pos = (Y > 0).astype(dtype)       # 1 where there is room (0: no exercise, Y_c = 0)
    Y1 = Y + pos                      # room + 1 where there is room, else 0
    N = np.empty(Y.shape, dtype=dtype)
    rem = np.empty(Y.shape, dtype=dtype)
    Xf = np.empty(Y.shape, dtype=np.float64)
    for i, ai in enumerate(a_list):
        if ai <= b:                                                # §2.2(b) not available: zeros
            X[i] = 0
            cash[i] = 0
            value[i] = 0
            dilution[i] = 0.0
            continue
        gain = ai - b
        if cashless_cap == "issued":                               # §10 caps X: largest Y with X <= room
            np.multiply(Y1, ai, out=N)
            N -= pos
            N //= gain                                             # Y_c = ((room + 1)·a − 1) // (a − b)
            np.minimum(N, shares_cap, out=N)
            N *= gain                                              # N = Y_c (A − B), scaled
        else:
            np.multiply(Y, gain, out=N)
        Xi = X[i]
        if exact:                                                  # (no divmod ufunc for Python integers)
            Xi[...] = N // ai
            rem[...] = N - Xi * ai
        else:
            np.floor_divide(N, ai, out=Xi)                         # whole shares (a scalar divisor:
            np.multiply(Xi, ai, out=rem)                           # faster than divmod)
            np.subtract(N, rem, out=rem)                           # fraction × A (scaled)
        N -= rem                                                   # X·A
        ci = cash[i]
        if d > 1:                                                  # half-up to the cent, once each
            rem += half
            np.floor_divide(rem, d, out=ci)
            N += half
            N //= d
        else:
            ci[...] = rem
        np.add(N, ci, out=value[i])
        if exact:
            dilution[i] = np.array([float(Fraction(int(x), int(x) + int(t))) if x else 0.0
                                    for x, t in zip(Xi.ravel(), np.broadcast_to(o[:, None, None], Y.shape).ravel())],
                                   dtype=np.float64).reshape(Y.shape)
        else:
            Xf[...] = Xi
            di = dilution[i]
            np.add(Of, Xf, out=di)
            np.divide(Xf, di, out=di)
    Y = Y[None, :, :, :]
    avail = avail[:, None, None, None]
    return ScenarioGrid(prices, o, h, tuple(readings), Y, avail, X, cash, value, dilution, exact, strike, shares_cap,
                        cashless_cap)
