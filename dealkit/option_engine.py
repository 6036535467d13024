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
from .option import READINGS, _term

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
    exercisable: np.ndarray        # Y, int64 (broadcast over fmv)
    available: np.ndarray          # bool: FMV > Exercise Price (else §2.2(b) is not available)
    shares_issued: np.ndarray      # int64 (0 where not available)
    cash_in_lieu_cents: np.ndarray # int64 cents
    value_cents: np.ndarray        # int64 cents
    dilution: np.ndarray           # float64: issued / (outstanding + issued)
    exact_path: bool = False

    @property
    def size(self) -> int:
        return int(self.shares_issued.size)

    def point(self, i: int, j: int, k: int, r: int) -> dict:
        """One scenario, with Decimal money, for display and for checking against the Decimal twin."""
        return {"fmv": self.fmv[i], "outstanding": int(self.outstanding[j]), "holdings": int(self.holdings[k]),
                "reading": self.readings[r], "exercisable": int(self.exercisable[0, j, k, r]),
                "available": bool(self.available[i, 0, 0, 0]),
                "shares_issued": int(self.shares_issued[i, j, k, r]),
                "cash_in_lieu": Decimal(int(self.cash_in_lieu_cents[i, j, k, r])).scaleb(-2),
                "value": Decimal(int(self.value_cents[i, j, k, r])).scaleb(-2),
                "dilution": float(self.dilution[i, j, k, r])}


def _price(v, what: str) -> Decimal:
    if isinstance(v, (float, bool)) or not isinstance(v, (Decimal, str, int)):
        raise ScenarioInputError(f"{what}: give a Decimal or a decimal string (got {type(v).__name__} {str(v)[:40]!r})")
    try:
        d = v if isinstance(v, Decimal) else Decimal(v)
    except (InvalidOperation, ValueError):
        raise ScenarioInputError(f"{what}: not a number (got {str(v)[:40]!r})") from None
    if not d.is_finite():
        raise ScenarioInputError(f"{what}: must be a finite number (got {str(v)[:40]!r})")
    if d < 0:
        raise ScenarioInputError(f"{what}: must not be negative (got {str(v)[:40]!r})")
    if _decimals(d) > MAX_DECIMALS:
        raise ScenarioInputError(f"{what}: more than {MAX_DECIMALS} decimal places (got {str(v)[:40]!r})")
    return d


def _counts(values, what: str) -> list[int]:
    out = []
    for n, v in enumerate(values):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
            raise ScenarioInputError(f"{what}[{n}]: a whole number of shares (got {type(v).__name__} {str(v)[:40]!r})")
        if v < 0:
            raise ScenarioInputError(f"{what}[{n}]: must not be negative (got {str(v)[:40]})")
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
                  option_shares: int | None = None, cap: Decimal | None = None) -> ScenarioGrid:
    """Evaluate the grid (see the module's doc).

    With the price scale ``s = 10**k`` (k the most decimal places among the FMVs and the Exercise
    Price B, at least 2), a = A·s, b = B·s, c = num/den (the §10 cap):

    .. math::
        Y_{literal} = clip(\\lfloor num·O / den \\rfloor - H, 0, S), \\quad
        Y_{post} = clip(\\lfloor (num·O - den·H) / (den - num) \\rfloor, 0, S)

        N = Y (a - b), \\quad X = \\lfloor N / a \\rfloor, \\quad r = N - X a, \\quad
        cash = \\lfloor (r + s/200) / (s/100) \\rfloor, \\quad
        value = \\lfloor (X a + s/200) / (s/100) \\rfloor + cash

    (half-up to the cent, rounded once each, as in :func:`dealkit.option.cashless_exercise` and
    :func:`dealkit.option.value_to_holder`). S (Option §1.1), B (definitions (c)) and the cap
    (§10) default to the embedded deal's; the notebook passes the loaded deal's.

    Every intermediate is bounded from the inputs' maxima first: within :data:`INT64_SAFE` the
    int64 path runs, otherwise the exact path (Python integers). Raises
    :class:`ScenarioInputError` naming the value for an input that is not a valid number.
    """
    prices = tuple(_price(v, f"fmv[{n}]") for n, v in enumerate(fmv))
    strike = _price(_term(exercise_price, "EXERCISE_PRICE"), "exercise_price")
    shares_cap = _counts([_term(option_shares, "OPTION_SHARES")], "option_shares")[0]
    for r in readings:
        if r not in READINGS:
            raise ScenarioInputError(f"reading must be one of {', '.join(READINGS)} (got {str(r)[:40]!r})")
    c = Fraction(_price(_term(cap, "CAP"), "cap"))
    if not (0 <= c < 1):
        raise ScenarioInputError(f"cap: must lie in [0, 1) (got {str(cap)[:40]})")
    o_list, h_list = _counts(outstanding, "outstanding"), _counts(holdings, "holdings")
    k = max([2, _decimals(strike)] + [_decimals(p) for p in prices])
    scale = 10 ** k
    a_list = [int(p.scaleb(k)) for p in prices]
    b = int(strike.scaleb(k))
    num, den = c.numerator, c.denominator

    # bounds of every intermediate, from the maxima (all quantities are non-negative)
    o_max, h_max, a_max = max(o_list, default=0), max(h_list, default=0), max(a_list, default=0)
    bound = max(num * o_max, den * h_max, den, shares_cap, a_max, b, o_max + shares_cap,
                shares_cap * a_max + scale)
    exact = bound >= INT64_SAFE
    dtype = object if exact else np.int64
    o = np.array(o_list, dtype=dtype)
    h = np.array(h_list, dtype=dtype)
    a = np.array(a_list, dtype=dtype)

    # §10: Y depends on outstanding, holdings and reading only: (1, O, H, R)
    O, H = o[:, None], h[None, :]
    ys = []
    for r in readings:
        if r == "literal":
            y = (num * O) // den - H
        else:  # post_issuance: floor((cap*O - H) / (1 - cap)) = floor((num*O - den*H) / (den - num))
            y = (num * O - den * H) // (den - num)
        ys.append(np.clip(y, 0, shares_cap))
    Y = (np.stack(ys, axis=-1) if ys else np.zeros((len(o_list), len(h_list), 0), dtype=dtype))[None, :, :, :]

    # §2.2(b) and §2.1 over FMV: (A, 1, 1, 1)
    A = a[:, None, None, None]
    avail = A > b
    A_safe = np.where(avail, A, 1)
    N = Y * np.where(avail, A - b, 0)                               # Y (A − B), scaled
    X = N // A_safe                                                 # whole shares
    XA = X * A_safe
    rem = N - XA                                                    # fraction × A (scaled)
    d = scale // 100                                                # scaled units per cent (k >= 2)
    cash = (rem + d // 2) // d if d > 1 else rem                    # half-up to the cent
    value = (XA + d // 2) // d + cash if d > 1 else XA + cash
    total = O[None, :, :, None] + X
    if exact:
        dilution = np.array([x / t if t else 0.0 for x, t in zip(X.ravel(), np.broadcast_to(total, X.shape).ravel())],
                            dtype=np.float64).reshape(X.shape)
        avail = avail.astype(bool)
    else:
        dilution = X / (total + (total == 0))
    return ScenarioGrid(prices, o, h, tuple(readings), Y, avail, X, cash, value, dilution, exact)
