r"""The term notes date by date with the holder's policy (:class:`~dealkit.engines.risk.terms.HolderPolicy`
other than the legacy one): the balances depend on the path, so :func:`policy_rows` goes over the
payment dates with numpy over paths, carrying balances, holdings and shares outstanding.

On grid date :math:`t_k`, per path, with balance :math:`B`, holdings :math:`H`, shares outstanding
:math:`O`, cap :math:`c` = 4.99% (Option §10; the Laurus note form's conversion limit), Fixed
Conversion Price :math:`F` (round: half-up to the cent, as dealkit.notes):

.. math::
    H &\leftarrow \max(0, H - \lfloor f\,V_k \rfloor) \quad\text{(sales; tracked holdings only)} \\
    I &= \mathrm{round}(B \textstyle\sum_s r_s d_s / 360) \quad\text{(notes._interest_row)} \\
    D &= B \text{ at maturity},\ \min(M, B) \text{ from the first amortization (Term A)},\ 0 \text{ else} \\
    n &= \min(\lfloor \min(D, \lfloor v\,DV_{22} \rfloor) / F \rfloor,\ L(O, H))
         \text{ when } \overline{P}_5 \ge \tau F \\
    L_{literal} &= \lfloor cO \rfloor - H, \qquad L_{post} = \lfloor (cO - H)/(1-c) \rfloor \\
    n_{opt} &= \min(\lfloor \min(B, R) / F \rfloor, L(O, H)) \text{ when } P_{t_k} \ge \theta F,\
              R = \lfloor v_{opt} DV_{22} \rfloor - \textstyle\sum \text{credited today}

each share count rounded down to whole Series D preferred on that route (÷ series_d_ratio), the
principal credited :math:`\lfloor nF \rfloor` to the cent, and :math:`H, O \mathrel{+}= n` when
holdings are tracked. Its Decimal twin is :func:`dealkit.engines.risk.decimal_twin.decimal_policy_schedules`.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from dealkit.engines.risk.conversion import ROW_COLUMNS, limited_by_codes, volume_cap_cents
from dealkit.engines.risk.ints import cap_limit, ceil_fraction, cents, guard, half_up
from dealkit.engines.risk.plan import NotePlan, Plan
from dealkit.engines.risk.windows import Windows
from dealkit.market.paths import PRICE_SCALE

__all__ = ["OPTIONAL_COLUMNS", "policy_rows"]

#: The columns the policy engine adds to a note's rows.
OPTIONAL_COLUMNS = ("opt_principal", "opt_shares", "opt_series_d", "closing")


class _PolicyRun:
    """The state of one date-by-date run: per path balances, holdings and shares outstanding, and
    the rows written so far (row-major, date × path: every write and read is contiguous)."""

    def __init__(self, plan: Plan, w: Windows) -> None:
        policy = plan.terms.holder
        n = w.sum5.shape[0]
        self.plan, self.reading = plan, policy.reading
        self.track = policy.sell_fraction is not None
        self.sell = Fraction(policy.sell_fraction) if policy.sell_fraction is not None else Fraction(0)
        self.optional_cap = Fraction(
            policy.volume_cap if policy.volume_cap is not None else plan.a.amortization_volume_cap
        )
        self.trigger = (
            ceil_fraction(PRICE_SCALE * Fraction(policy.trigger) * plan.fcp)
            if policy.rule == "convert" and policy.trigger is not None
            else None
        )
        self.monthly = cents(plan.a.monthly_amount)
        guard(int(w.dv22.max(initial=0)) * max(self.optional_cap.numerator, 1) * 2, "dollar volume × cap")
        guard(max(p.face for p in plan.notes.values()) * plan.fcp.denominator * 2, "shares of a conversion")
        self.holdings = np.full(n, plan.holder_owns, dtype=np.int64)
        self.outstanding = np.full(n, plan.outstanding, dtype=np.int64)
        self.balance = {name: np.full(n, p.face, dtype=np.int64) for name, p in plan.notes.items()}
        self.row_at = {name: {int(c): j for j, c in enumerate(p.cols)} for name, p in plan.notes.items()}
        self.out = {
            name: {k: np.zeros((len(p.cols), n), dtype=np.int64) for k in ("interest", *ROW_COLUMNS, *OPTIONAL_COLUMNS)}
            for name, p in plan.notes.items()
        }
        for name, p in plan.notes.items():
            self.out[name]["limited_by"] = np.zeros((len(p.cols), n), dtype=np.int8)
        self.before = {name: np.empty((len(plan.grid), n), dtype=np.int64) for name in plan.notes}
        self.sum5, self.dv22, self.close = (np.ascontiguousarray(x.T) for x in (w.sum5, w.dv22, w.close))
        self.vsum = np.ascontiguousarray(w.vsum.T) if self.track else None

    def convert(self, amount: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """⌊amount / F⌋ shares within the 4.99% cap on the path's holdings, whole Series D on that
        route: (shares, series D, principal credited ⌊nF⌋ in cents, capped)."""
        plan = self.plan
        f_num, f_den = plan.fcp.numerator, plan.fcp.denominator
        shares = (amount * f_den) // (100 * f_num)
        limit = cap_limit(self.outstanding, self.holdings, plan.cap, self.reading)
        capped = shares > limit
        shares = np.minimum(shares, limit)
        series_d = shares // plan.series_d_ratio if plan.series_d else np.zeros_like(shares)
        if plan.series_d:
            shares = series_d * plan.series_d_ratio
        return shares, series_d, (shares * f_num * 100) // f_den, capped

    def issue(self, shares: np.ndarray) -> None:
        """Shares issued to the holder: its holdings and the shares outstanding grow (tracked only)."""
        if self.track:
            self.holdings += shares
            self.outstanding += shares

    def scheduled(self, k: int, j: int, p: NotePlan) -> np.ndarray | None:
        """Row ``j`` of note ``p`` on grid date ``k``: interest, the amount due and its stock
        payment; returns the principal credited in stock (None: an interest-only row)."""
        rows, balance = self.out[p.name], self.balance[p.name]
        rows["interest"][j] = sum(half_up(balance, factor) * days for factor, days in p.rate_parts[j])
        if k == p.last_col:
            due = balance.copy()
        elif p.amortizes is not None and p.amortizes[j]:
            due = np.minimum(balance, self.monthly)
        else:
            return None  # interest only: nothing due, nothing in stock, the row's other columns stay 0
        some = due > 0
        passed = some & (self.sum5[k] >= p.threshold)
        allowed = np.minimum(due, volume_cap_cents(self.dv22[k], p.volume_cap))
        shares, series_d, credited, capped = self.convert(allowed)
        shares *= passed
        series_d *= passed
        credited *= passed
        rows["limited_by"][j] = np.where(some, limited_by_codes(passed, capped, allowed, due), 0)
        cash = due - credited
        rows["principal_stock"][j] = credited
        rows["principal_cash"][j] = cash
        rows["shares"][j] = shares
        rows["series_d"][j] = series_d
        if p.premium:
            rows["premium"][j] = half_up(cash, p.premium)
        balance -= due
        self.issue(shares)
        return credited

    def optional(self, k: int, credited_today: np.ndarray) -> None:
        """The holder's optional conversions on grid date ``k`` where the close is ≥ the trigger:
        up to the optional volume cap less what the scheduled payments credited today, Term A first."""
        if self.trigger is None:
            return
        converting = self.close[k] >= self.trigger
        if not converting.any():
            return
        room = np.maximum(volume_cap_cents(self.dv22[k], self.optional_cap) - credited_today, 0) * converting
        for name in self.plan.notes:
            j = self.row_at[name].get(k)
            if j is None:
                continue
            balance = self.balance[name]
            shares, series_d, credited, _ = self.convert(np.minimum(balance, room))
            rows = self.out[name]
            rows["opt_principal"][j] = credited
            rows["opt_shares"][j] = shares
            rows["opt_series_d"][j] = series_d
            balance -= credited
            room -= credited
            self.issue(shares)

    def step(self, k: int) -> None:
        """Grid date ``k``: the holder's sales since the last date, each note's row, the optional
        conversions, and each row's closing balance."""
        if self.vsum is not None and k:
            sold = (self.vsum[k] * self.sell.numerator) // self.sell.denominator
            self.holdings = np.maximum(self.holdings - sold, 0)
        credited_today = np.zeros(self.holdings.shape[0], dtype=np.int64)
        for name, p in self.plan.notes.items():
            self.before[name][k] = self.balance[name]
            j = self.row_at[name].get(k)
            if j is not None:
                credited = self.scheduled(k, j, p)
                if credited is not None:
                    credited_today += credited
        self.optional(k, credited_today)
        for name in self.plan.notes:
            j = self.row_at[name].get(k)
            if j is not None:
                self.out[name]["closing"][j] = self.balance[name]


def policy_rows(plan: Plan, w: Windows) -> tuple[dict[str, dict[str, np.ndarray]], dict[str, np.ndarray]]:
    """The term notes date by date with the holder's policy (module docstring). Returns the rows
    per note (path × row, transposed views) and, per note, the balance before each grid date (path
    × grid date, for a default there)."""
    state = _PolicyRun(plan, w)
    for k in range(len(plan.grid)):
        state.step(k)
    rows = {name: {k: v.T for k, v in columns.items()} for name, columns in state.out.items()}
    return rows, {name: v.T for name, v in state.before.items()}
