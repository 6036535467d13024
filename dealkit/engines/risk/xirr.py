r"""The annual IRR of many rows of dated flows at once (actual/365, as :func:`dealkit.notes.xirr`
and pyxirr), by Newton's method guarded by bisection, in float64 (a yield is for display)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np

__all__ = ["XIRR_DAYS_IN_YEAR", "xirr_paths"]

#: The year of the IRR's time axis: actual/365 (pyxirr's convention, as dealkit.notes.xirr).
XIRR_DAYS_IN_YEAR = 365.0
#: The rate's search interval in g = log(1 + r): r from −0.999999999 to 999,999 (a few days of
#: stock gains annualize high).
_G_LOW, _G_HIGH = np.log(1e-9), np.log(1e6)
#: Newton's start, g = log(1 + 10%), and its convergence step.
_G_START, _TOLERANCE = np.log(1.1), 1e-12


def _newton(
    x: np.ndarray,
    tau: np.ndarray,
    e: np.ndarray,
    et: np.ndarray,
    ok: np.ndarray,
    iterations: int,
    bounds: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> np.ndarray:
    """g = log(1 + r) per row: Newton on the rows not yet converged, bisection as a guard."""
    lo, hi, f_lo = bounds
    g = np.full(x.shape[0], _G_START)
    active = np.nonzero(ok)[0]
    for _ in range(iterations):
        if not active.size:
            break
        ga = g[active]
        disc = x[active] * np.exp(-np.outer(ga, tau))
        de = e[active] * np.exp(-ga * et[active])
        v = disc.sum(axis=1) + de
        dv = -(disc @ tau) - de * et[active]
        left = np.sign(v) == np.sign(f_lo[active])
        lo[active] = np.where(left, ga, lo[active])
        f_lo[active] = np.where(left, v, f_lo[active])
        hi[active] = np.where(left, hi[active], ga)
        with np.errstate(divide="ignore", invalid="ignore"):
            step = ga - v / dv
        bad = ~np.isfinite(step) | (step <= lo[active]) | (step >= hi[active])
        new = np.where(bad, (lo[active] + hi[active]) / 2, step)
        g[active] = new
        active = active[np.abs(new - ga) >= _TOLERANCE]
    return g


def xirr_paths(
    flows: np.ndarray,
    dates: Sequence[dt.date],
    iterations: int = 60,
    extra: np.ndarray | None = None,
    extra_days: np.ndarray | None = None,
) -> np.ndarray:
    r"""The annual IRR of each row of ``flows`` (cents) on ``dates`` (actual/365, as pyxirr), plus,
    per row, one ``extra`` flow ``extra_days`` after ``dates[0]``, by Newton's method on

    .. math:: \sum_t F_t (1+r)^{-\tau_t} = 0, \qquad \tau_t = (d_t - d_0)/365

    guarded by bisection on :math:`[-1 + 10^{-9}, 10^6 - 1]`; NaN where no rate exists (flows of
    one sign) or none is found.

    Examples
    --------
    >>> flows = np.array([[-10000, 11000]])   # $100 lent, $110 back a year later
    >>> round(float(xirr_paths(flows, [dt.date(2005, 1, 1), dt.date(2006, 1, 1)])[0]), 6)
    0.1
    """
    tau = np.array([(d - dates[0]).days / XIRR_DAYS_IN_YEAR for d in dates])
    x = flows.astype(np.float64) / 100.0
    n = x.shape[0]
    e = np.zeros(n) if extra is None else extra.astype(np.float64) / 100.0
    et = np.zeros(n) if extra_days is None else extra_days / XIRR_DAYS_IN_YEAR
    ok = ((x > 0).any(axis=1) | (e > 0)) & ((x < 0).any(axis=1) | (e < 0))
    lo, hi = np.full(n, _G_LOW), np.full(n, _G_HIGH)

    def npv(g: np.ndarray) -> np.ndarray:
        return (x * np.exp(-np.outer(g, tau))).sum(axis=1) + e * np.exp(-g * et)

    f_lo, f_hi = npv(lo), npv(hi)
    ok &= np.sign(f_lo) != np.sign(f_hi)
    g = _newton(x, tau, e, et, ok, iterations, (lo, hi, f_lo))
    out = np.expm1(g)
    out[~ok] = np.nan
    return out
