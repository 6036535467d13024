"""A vectorized scenario engine for the Option: FMV × outstanding × holdings × reading.

For every point: the shares the Holder may exercise now under §10 (Y, per reading, at most the
140,250,000 of §1.1), the shares a cashless exercise issues (§2.2(b), X = Y(A − B)/A, whole
shares), the cash in lieu of the fraction (§2.1, to the cent half-up), the value to the Holder
(shares at FMV to the cent, plus the cash) and the dilution. All exact in int64 (prices scaled to
integers), so it agrees to the share and the cent with the ``Decimal`` functions of
:mod:`dealkit.option`; floats only for the dilution ratio.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Sequence

import numpy as np

from .option import CAP, EXERCISE_PRICE, OPTION_SHARES, READINGS

__all__ = ["ScenarioGrid", "scenario_grid"]

_INT64_MAX = np.iinfo(np.int64).max


@dataclass(frozen=True)
class ScenarioGrid:
    """Results on the grid; each result array has shape (len(fmv), len(outstanding),
    len(holdings), len(readings))."""

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

    @property
    def size(self) -> int:
        return int(self.shares_issued.size)

    def point(self, i: int, j: int, k: int, r: int) -> dict:
        """One scenario, with Decimal money, for display and for checking against the Decimal twin."""
        return {"fmv": self.fmv[i], "outstanding": int(self.outstanding[j]), "holdings": int(self.holdings[k]),
                "reading": self.readings[r], "exercisable": int(self.exercisable[0, j, k, r]),
                "available": bool(self.available[i, 0, 0, 0]),
                "shares_issued": int(self.shares_issued[i, j, k, r]),
                "cash_in_lieu": (Decimal(int(self.cash_in_lieu_cents[i, j, k, r])) / 100).quantize(Decimal("0.01")),
                "value": (Decimal(int(self.value_cents[i, j, k, r])) / 100).quantize(Decimal("0.01")),
                "dilution": float(self.dilution[i, j, k, r])}


def _decimals(d: Decimal) -> int:
    exp = d.normalize().as_tuple().exponent
    return max(0, -exp) if isinstance(exp, int) else 0


def scenario_grid(fmv: Sequence[Decimal | str], outstanding: Sequence[int], holdings: Sequence[int],
                  readings: Sequence[str] = ("literal", "post_issuance"), exercise_price: Decimal = EXERCISE_PRICE,
                  option_shares: int = OPTION_SHARES, cap: Decimal = CAP) -> ScenarioGrid:
    """Evaluate the grid (see the module's doc). Prices are scaled by 10**k, k the most decimal
    places among the FMVs and the Exercise Price (at least 2), so every step is an integer
    operation; raises ``ValueError`` if a product could overflow int64."""
    prices = tuple(Decimal(str(v)) if not isinstance(v, Decimal) else v for v in fmv)
    if any(p < 0 for p in prices):
        raise ValueError("FMV must not be negative")
    for r in readings:
        if r not in READINGS:
            raise ValueError(f"reading must be one of {', '.join(READINGS)} (got {r!r})")
    k = max([2, _decimals(Decimal(exercise_price))] + [_decimals(p) for p in prices])
    scale = 10 ** k
    a = np.array([int(p * scale) for p in prices], dtype=np.int64)
    b = int(Decimal(exercise_price) * scale)
    o = np.asarray(outstanding, dtype=np.int64)
    h = np.asarray(holdings, dtype=np.int64)
    if (o < 0).any() or (h < 0).any():
        raise ValueError("outstanding and holdings must not be negative")
    c = Fraction(cap)
    num, den = c.numerator, c.denominator
    if int(o.max(initial=0)) * max(num, den) >= _INT64_MAX or option_shares * int(a.max(initial=0)) >= _INT64_MAX:
        raise ValueError("values too large for exact int64 arithmetic")

    # §10: Y depends on outstanding, holdings and reading only: (1, O, H, R)
    O, H = o[:, None], h[None, :]
    ys = []
    for r in readings:
        if r == "literal":
            y = (num * O) // den - H
        else:  # post_issuance: floor((cap*O - H) / (1 - cap)) = floor((num*O - den*H) / (den - num))
            y = (num * O - den * H) // (den - num)
        ys.append(np.clip(y, 0, option_shares))
    Y = np.stack(ys, axis=-1)[None, :, :, :]                       # (1, O, H, R)

    # §2.2(b) and §2.1 over FMV: (A, 1, 1, 1)
    A = a[:, None, None, None]
    avail = A > b
    A_safe = np.where(avail, A, 1)
    N = Y * np.where(avail, A - b, 0)                               # Y (A − B), scaled
    X = N // A_safe                                                 # whole shares
    rem = N - X * A_safe                                            # fraction × A (scaled)
    d = scale // 100                                                # scaled units per cent
    cash = (rem + d // 2) // d if d > 1 else rem * (100 // scale)   # half-up to the cent
    value = (N - rem + d // 2) // d + cash if d > 1 else (N - rem) * (100 // scale) + cash
    dilution = X / (O[None, :, :, None] + X + (O[None, :, :, None] + X == 0))
    return ScenarioGrid(prices, o, h, tuple(readings), Y, avail, X, cash, value, dilution)
