"""The scheduled stock payments on every path at once, for the legacy holder policy (no optional
conversion, holdings not tracked, the literal cap): the 5-day average close test
(``amortization_share_test`` / ``maturity_conversion_test`` × FCP), the volume cap (``× 22-day
dollar volume``, rounded down to the cent), shares = ⌊amount / FCP⌋ limited by the 4.99% cap
(Option §10), the Series D route (÷ the deal's series_d_ratio, letter of Sept 6, 2005), the
principal credited ⌊shares × FCP⌋ to the cent, the cash rest and its premium (``cash_premium −
1``, half-up to the cent): dealkit.notes' stock payment in integers."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from dealkit.engines.risk.ints import guard
from dealkit.engines.risk.plan import NotePlan, Plan
from dealkit.engines.risk.windows import Windows
from dealkit.market.paths import PRICE_SCALE

if TYPE_CHECKING:
    from fractions import Fraction

__all__ = [
    "CODE_NONE",
    "CODE_PRICE_TEST",
    "CODE_VOLUME_CAP",
    "CODE_CONVERSION_CAP",
    "ROW_COLUMNS",
    "volume_cap_cents",
    "limited_by_codes",
    "scheduled_rows",
]

#: Codes into :data:`dealkit.engines.risk.ints.LIMITED_BY`.
CODE_NONE, CODE_PRICE_TEST, CODE_VOLUME_CAP, CODE_CONVERSION_CAP = 0, 1, 2, 3
#: The int64 columns of a note's rows (per path × row).
ROW_COLUMNS = ("principal_cash", "principal_stock", "premium", "shares", "series_d")
#: Micro-dollars per cent.
_MICRO_PER_CENT = PRICE_SCALE // 100


def volume_cap_cents(dv22: np.ndarray, cap: Fraction) -> np.ndarray:
    """``cap × 22-day dollar volume`` in cents, rounded down (the credit rounding of dealkit.notes):

    .. math:: \\lfloor v \\cdot DV_{22} / 10^4 \\rfloor \\quad (DV_{22} \\text{ in micro-dollar-shares})
    """
    return (dv22 * cap.numerator) // (cap.denominator * _MICRO_PER_CENT)


def limited_by_codes(passed: np.ndarray, capped: np.ndarray, allowed: np.ndarray, due: np.ndarray) -> np.ndarray:
    """Why a payment was not all in stock: the price test failed, else the 4.99% cap bound, else
    the volume cap bound, else nothing (codes into ``LIMITED_BY``)."""
    return _codes(passed, capped, allowed < due)


def _codes(passed: np.ndarray, capped: np.ndarray, short: np.ndarray) -> np.ndarray:
    """:func:`limited_by_codes` from ``short`` = allowed < due: masked stores of int8 codes, each
    later one taking precedence (no int64 temporaries)."""
    codes = np.zeros(np.broadcast_shapes(passed.shape, capped.shape, short.shape), dtype=np.int8)
    np.copyto(codes, CODE_VOLUME_CAP, where=short)
    np.copyto(codes, CODE_CONVERSION_CAP, where=capped)
    np.copyto(codes, CODE_PRICE_TEST, where=np.logical_not(passed))
    return codes


def _shares_within_cap(allowed: np.ndarray, plan: Plan) -> tuple[np.ndarray, np.ndarray | None, np.ndarray]:
    """⌊allowed / FCP⌋ shares, at most the plan's 4.99% limit, whole Series D on that route:
    (shares, series D shares or None off that route, capped). ``allowed`` becomes the shares (in
    place: one array less per note and run)."""
    f_num, f_den = plan.fcp.numerator, plan.fcp.denominator
    shares = allowed
    shares *= f_den
    shares //= 100 * f_num
    capped = shares > plan.limit
    np.minimum(shares, plan.limit, out=shares)
    if not plan.series_d:
        return shares, None, capped
    series_d = shares // plan.series_d_ratio
    np.multiply(series_d, plan.series_d_ratio, out=shares)
    return shares, series_d, capped


def _scaled(values: np.ndarray, factor: Fraction, half: bool) -> np.ndarray:
    """``values × factor`` rounded down, or half-up with ``half`` (as ints.half_up), into a new
    array with no other temporary: :math:`\\lfloor x p / q \\rfloor`, :math:`\\lfloor (2 x p + q) / 2q \\rfloor`."""
    out = values * (factor.numerator * (2 if half else 1))
    if half:
        out += factor.denominator
    out //= factor.denominator * (2 if half else 1)
    return out


def scheduled_rows(p: NotePlan, plan: Plan, w: Windows) -> dict[str, np.ndarray]:
    """The stock test, the caps and the cash rest on every path for the rows of ``p`` with
    principal due (rows without are interest only: nothing in stock, ``limited_by`` empty).

    .. math::
        n = \\min(\\lfloor \\min(D, \\lfloor v\\,DV_{22} \\rfloor) / F \\rfloor, L)
            \\text{ when } \\textstyle\\sum_5 P \\ge \\tau F,
        \\qquad credited = \\lfloor n F \\rfloor, \\qquad premium = round((D - credited)(c - 1))
    """
    n, rows = w.sum5.shape[0], len(p.cols)
    if not p.due.any():
        out = {k: np.zeros((n, rows), dtype=np.int64) for k in ROW_COLUMNS}
        out["limited_by"] = np.zeros((n, rows), dtype=np.int8)
        out["interest"] = np.broadcast_to(p.interest, (n, rows))
        return out
    # Every row at once (no stores into a subset): a row with nothing due has allowed = min(cap, 0)
    # = 0, so 0 shares, 0 credited, 0 cash, 0 premium; counted as passed, its code is "" (none).
    due = p.due[None, :]
    # np.take keeps row-major order (an index on axis 1 gives a column-major array, and mixing
    # the two orders triples the cost of every later operation)
    passed = np.take(w.sum5 >= p.threshold, p.cols, axis=1)  # compared on the grid, then the note's columns
    passed |= p.due == 0
    guard(w.dv22_max * p.volume_cap.numerator, f"{p.name} dollar volume × cap")
    allowed = np.take(w.dv22, p.cols, axis=1)  # volume_cap_cents in place, then at most the amount due
    allowed *= p.volume_cap.numerator
    allowed //= p.volume_cap.denominator * _MICRO_PER_CENT
    np.minimum(allowed, due, out=allowed)
    short = allowed < due
    guard(int(p.due.max(initial=0)) * plan.fcp.denominator, f"{p.name} shares")
    allowed *= passed  # the test failed: nothing in stock (0 shares, 0 credited), all in cash
    shares, series_d, capped = _shares_within_cap(allowed, plan)
    guard(int(shares.max(initial=0)) * plan.fcp.numerator * 100, f"{p.name} principal credited")
    credited = _scaled(shares, plan.fcp * 100, half=False)
    cash = due - credited
    if p.premium:
        guard(int(p.due.max(initial=0)) * 2 * p.premium.numerator, f"{p.name} premium")
    return {
        "interest": np.broadcast_to(p.interest, (n, rows)),
        "principal_cash": cash,
        "principal_stock": credited,
        "premium": _scaled(cash, p.premium, half=True) if p.premium else np.zeros((n, rows), dtype=np.int64),
        "shares": shares,
        "series_d": series_d if series_d is not None else np.zeros((n, rows), dtype=np.int64),
        "limited_by": _codes(passed, capped, short),  # the failed test comes first
    }
