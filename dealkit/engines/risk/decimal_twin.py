"""The engine's exact twin for one path, in ``Decimal``, by dealkit.notes and dealkit.option
functions: what tests/test_risk_engine.py compares :func:`dealkit.engines.risk.default.run` with,
to the cent and the share."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Any, Literal

from dealkit.core.cashflows import CashFlow
from dealkit.core.money import CENT
from dealkit.engines.risk.terms import HolderPolicy, RiskTerms
from dealkit.rules import notes

__all__ = ["DecimalPath", "decimal_policy_schedules", "decimal_reference", "decimal_flows"]

_NAMES = {"term_a": "Term A", "term_b": "Term B"}


@dataclass
class DecimalPath:
    """One path through dealkit.notes and the default rule, in Decimal."""

    schedules: dict[str, notes.Schedule]
    default_date: dt.date | None
    scenario: notes.DefaultScenario | None
    recovery: Decimal
    cash_due: dict[dt.date, Decimal] = field(default_factory=dict)


def _stock_payment(
    amount: Decimal,
    day: dt.date,
    a: notes.NoteAssumptions,
    market: Any,
    test: Decimal,
    volume_cap: Decimal,
    owner: notes.Market,
    reading: str,
) -> tuple[Decimal, int, int, str]:
    """dealkit.notes' stock payment (the price test on ``market``, the volume cap, then
    :func:`dealkit.notes.optional_conversion` with the 4.99% cap on ``owner``'s share counts in the
    given ``reading``)."""
    if amount <= 0:
        return notes.ZERO, 0, 0, ""
    if market.average_close(day) < test * a.fixed_conversion_price:
        return notes.ZERO, 0, 0, "price test"
    allowed = min(amount, (volume_cap * market.dollar_volume(day)).quantize(CENT, rounding=notes.CREDIT_ROUNDING))
    conv = notes.optional_conversion(allowed, a.fixed_conversion_price, owner, a.conversion_cap, reading)
    return conv.principal, conv.shares, conv.series_d, conv.limited_by or ("volume cap" if allowed < amount else "")


class _DecimalPolicyRun:
    """The state of :func:`decimal_policy_schedules`: balances, rows, holdings and shares outstanding."""

    def __init__(
        self,
        deal: Any,
        a: notes.NoteAssumptions,
        market: Any,
        holder: HolderPolicy,
        term_b_maturity: dt.date | None,
        prime: Any,
        rounding: Literal["period", "daily"],
        holder_owns: int,
    ) -> None:
        n = deal.notes
        self.a, self.market, self.holder, self.prime, self.rounding = a, market, holder, prime, rounding
        self.issue = deal.deal.closing_date.value
        maturities = {"term_a": n["term_a"].maturity.value, "term_b": term_b_maturity or n["term_b"].maturity.value}
        self.faces = {k: n[k].face.value for k in maturities}
        conv = notes.business_day_convention(deal)
        self.dates = {k: notes.payment_dates(self.issue, m, conv) for k, m in maturities.items()}
        self.balance = dict(self.faces)
        self.last = {k: self.issue for k in maturities}
        self.rows: dict[str, list[dict]] = {k: [] for k in maturities}
        self.track = holder.sell_fraction is not None
        self.holdings, self.outstanding = holder_owns, market.outstanding
        self.optional_cap = holder.volume_cap if holder.volume_cap is not None else a.amortization_volume_cap
        self.trading = sorted(market.volumes)

    def owner(self) -> notes.Market:
        """The share counts the 4.99% cap reads now."""
        m = self.market
        return notes.Market(
            notes.ZERO, 0, outstanding=self.outstanding, holder_owns=self.holdings, authorized=m.authorized,
            series_d_ratio=m.series_d_ratio, series_d_until_authorized=m.series_d_until_authorized,
        )  # fmt: skip

    def issue_shares(self, shares: int) -> None:
        if self.track:
            self.holdings, self.outstanding = self.holdings + shares, self.outstanding + shares

    def sell_since(self, previous: dt.date, day: dt.date) -> None:
        """The holder sells ⌊f × the shares traded⌋ from ``previous`` to the day before ``day``."""
        assert self.holder.sell_fraction is not None
        traded = sum(self.market.volumes[d] for d in self.trading if previous <= d < day)
        sold = int((self.holder.sell_fraction * traded).to_integral_value(rounding=ROUND_FLOOR))
        self.holdings = max(0, self.holdings - sold)

    def scheduled(self, k: str, day: dt.date) -> Decimal:
        """Note ``k``'s row on ``day`` by dealkit.notes' rules; returns the principal paid in stock."""
        a, balance = self.a, self.balance[k]
        interest, rates, days = notes.interest_row(balance, self.last[k], day, a, self.prime, self.rounding)
        due = notes.ZERO
        if day == self.dates[k][-1]:
            due = balance
        elif k == "term_a" and day >= a.first_amortization:
            due = min(a.monthly_amount, balance)
        test = a.amortization_share_test if k == "term_a" else a.maturity_conversion_test
        cap = a.amortization_volume_cap if k == "term_a" else a.maturity_volume_cap
        stock, shares, series_d, why = _stock_payment(
            due, day, a, self.market, test, cap, self.owner(), self.holder.reading
        )
        cash = due - stock
        premium = notes.cents(cash * (a.cash_premium - 1)) if k == "term_a" else notes.ZERO
        self.rows[k].append(
            {
                "date": day,
                "opening": balance,
                "rates": rates,
                "days": days,
                "interest": interest,
                "principal_due": due,
                "principal_cash": cash,
                "principal_stock": stock,
                "premium": premium,
                "shares": shares,
                "series_d": series_d,
                "limited_by": why,
                "opt_principal": notes.ZERO,
                "opt_shares": 0,
                "opt_series_d": 0,
            }
        )
        self.balance[k] -= due
        self.last[k] = day
        self.issue_shares(shares)
        return stock

    def optional(self, day: dt.date, stock_today: Decimal) -> None:
        """The holder's optional conversions on ``day`` when the close is ≥ trigger × FCP."""
        a = self.a
        if self.holder.rule != "convert" or self.holder.trigger is None:
            return
        if self.market.close(day) < self.holder.trigger * a.fixed_conversion_price:
            return
        room = max(
            notes.ZERO,
            (self.optional_cap * self.market.dollar_volume(day)).quantize(CENT, rounding=notes.CREDIT_ROUNDING)
            - stock_today,
        )
        for k in self.rows:
            if day not in self.dates[k] or min(self.balance[k], room) <= 0:
                continue
            conv = notes.optional_conversion(
                min(self.balance[k], room),
                a.fixed_conversion_price,
                self.owner(),
                a.conversion_cap,
                self.holder.reading,
            )
            self.rows[k][-1].update(opt_principal=conv.principal, opt_shares=conv.shares, opt_series_d=conv.series_d)
            self.balance[k] -= conv.principal
            room -= conv.principal
            self.issue_shares(conv.shares)

    def schedules(self) -> dict[str, notes.Schedule]:
        """The rows so far as frozen :class:`~dealkit.rules.notes.PeriodRow` s, one Schedule per note."""
        return {
            k: notes.Schedule(
                _NAMES[k],
                self.faces[k],
                tuple(notes.PeriodRow(**row) for row in rows),
                self.a,
                issue=self.issue,
                initial=self.faces[k],
            )
            for k, rows in self.rows.items()
        }


def decimal_policy_schedules(
    deal: Any,
    a: notes.NoteAssumptions,
    market: Any,
    holder: HolderPolicy,
    grid: Sequence[dt.date],
    *,
    term_b_maturity: dt.date | None = None,
    prime: Any = None,
    rounding: Literal["period", "daily"] = "period",
    holder_owns: int = 0,
) -> dict[str, notes.Schedule]:
    """Term A and Term B on one path with the holder's policy, in Decimal, date by date over
    ``grid`` (the plan's payment dates): each row's interest by dealkit.notes' own row rule, the
    Monthly Amount or maturity due, the stock payment and the holder's optional conversion by
    :func:`dealkit.notes.optional_conversion` (4.99% cap: :func:`dealkit.option.max_exercisable`
    on the holdings and shares outstanding so far), the holder's sales between dates. Rows carry
    ``opt_principal``, ``opt_shares``, ``opt_series_d`` and ``closing`` after the conversion.
    The twin of :func:`dealkit.engines.risk.default.run` on a non-legacy policy."""
    state = _DecimalPolicyRun(deal, a, market, holder, term_b_maturity, prime, rounding, holder_owns)
    for i, day in enumerate(grid):
        if state.track and i:
            state.sell_since(grid[i - 1], day)
        stock_today = notes.ZERO
        for k in state.rows:
            if day in state.dates[k]:
                stock_today += state.scheduled(k, day)
        state.optional(day, stock_today)
        for k, rows in state.rows.items():
            if rows and rows[-1]["date"] == day:
                rows[-1]["closing"] = state.balance[k]
    return state.schedules()


def _cash_due_by_date(full: dict[str, notes.Schedule], rev: notes.Schedule | None, rule: str) -> dict[dt.date, Decimal]:
    """Cash due per payment date: the term notes' interest, cash principal and premium, and the
    revolver's interest (and its principal under the ``cash`` rule)."""
    due: dict[dt.date, Decimal] = {}
    for s in full.values():
        for r in s.rows:
            due[r["date"]] = due.get(r["date"], notes.ZERO) + r["interest"] + r["principal_cash"] + r["premium"]
    if rev:
        for r in rev.rows:
            due[r["date"]] = (
                due.get(r["date"], notes.ZERO) + r["interest"] + (r["principal_cash"] if rule == "cash" else notes.ZERO)
            )
    return due


@dataclass(frozen=True)
class _NoteBuilder:
    """dealkit.notes' schedules of the deal's notes on one market, run to maturity or cut at ``stop``."""

    deal: Any
    a: notes.NoteAssumptions
    market: Any
    term_b_maturity: dt.date
    prime: Any
    rounding: Literal["period", "daily"]

    def revolver(self, stop: dt.date | None = None) -> notes.Schedule:
        """The revolver with the MBN (:func:`dealkit.notes.revolver_schedule`) on the deal's reports."""
        n, issue = self.deal.notes, self.deal.deal.closing_date.value
        return notes.revolver_schedule(n["revolving"].face.value, n["mbn"].face.value, issue,
                                       n["revolving"].maturity.value, self.a, notes.default_reports(self.deal),
                                       self.prime, self.rounding, stop,
                                       convention=notes.business_day_convention(self.deal))  # fmt: skip

    def term_notes(self, stop: dt.date | None = None) -> dict[str, notes.Schedule]:
        """Term A and Term B on the market (:func:`dealkit.notes.term_a_schedule`, ``term_b_schedule``)."""
        n, issue, a, m = self.deal.notes, self.deal.deal.closing_date.value, self.a, self.market
        conv = notes.business_day_convention(self.deal)
        return {"term_a": notes.term_a_schedule(n["term_a"].face.value, issue, n["term_a"].maturity.value, a, m,
                                                self.prime, self.rounding, stop, convention=conv),
                "term_b": notes.term_b_schedule(n["term_b"].face.value, issue, self.term_b_maturity, a, m, self.prime,
                                                self.rounding, stop, convention=conv)}  # fmt: skip


def _first_default(due: dict[dt.date, Decimal], terms: RiskTerms) -> dt.date | None:
    """The first payment date whose cash due is above the capacity (the ``cash_capacity`` rule)."""
    if terms.default_rule != "cash_capacity":
        return None
    return next((d for d in sorted(due) if due[d] > terms.cash_capacity), None)


def decimal_reference(
    deal: Any,
    a: notes.NoteAssumptions,
    market: notes.Market,
    terms: RiskTerms,
    *,
    term_b_maturity: dt.date | None = None,
    prime: Any = None,
    rounding: Literal["period", "daily"] = "period",
    holder_owns: int = 0,
) -> DecimalPath:
    """The exact twin of :func:`dealkit.engines.risk.default.run` for one path: dealkit.notes' Term
    A and Term B schedules on ``market`` (a :class:`~dealkit.engines.risk.path_market.PathMarket`)
    — or, with a non-legacy holder policy, :func:`decimal_policy_schedules` —, the revolver
    (:func:`dealkit.notes.revolver_schedule`), the cash due on each payment date, the default rule,
    and — on a default — the schedules as they stand the day before and
    :func:`dealkit.notes.default_scenario` over every note for the Default Payment."""
    tb = term_b_maturity or deal.notes["term_b"].maturity.value
    builder = _NoteBuilder(deal, a, market, tb, prime, rounding)
    rev = builder.revolver() if terms.revolver != "excluded" else None
    if terms.holder.legacy:
        full = builder.term_notes()
    else:
        grid = sorted({r["date"] for s in (*builder.term_notes().values(), *([rev] if rev else [])) for r in s.rows})
        full = decimal_policy_schedules(deal, a, market, terms.holder, grid, term_b_maturity=tb, prime=prime,
                                        rounding=rounding, holder_owns=holder_owns)  # fmt: skip
    due = _cash_due_by_date(full, rev, terms.revolver)
    default = _first_default(due, terms)
    if default is None:
        return DecimalPath({**full, **({"revolver": rev} if rev else {})}, None, None, notes.ZERO, due)
    day_before = default - dt.timedelta(days=1)
    if terms.holder.legacy:
        stopped = builder.term_notes(day_before)
    else:
        stopped = {k: dataclasses.replace(s, rows=tuple(r for r in s.rows if r["date"] < default), until=day_before)
                   for k, s in full.items()}  # fmt: skip
    if rev:
        stopped["revolver"] = builder.revolver(day_before)
    demand = default + dt.timedelta(days=terms.demand_lag_days)
    scenario = notes.default_scenario(stopped, default, demand, a, prime=prime)
    recovery = (scenario.payment * terms.recovery_rate).quantize(CENT, rounding=ROUND_HALF_UP)
    return DecimalPath(stopped, default, scenario, recovery, due)


def decimal_flows(ref: DecimalPath, market: Any, funded: Decimal, closing: dt.date) -> list[CashFlow]:
    """Laurus's flows on one path, in Decimal: :func:`dealkit.notes.lender_cash_flows` over every
    note (revolver draws on their dates), plus the holder's optional-conversion shares at the
    close on the day (half-up to the cent, as the scheduled shares), plus a default's recovery."""
    scenario = ref.scenario
    flows = notes.lender_cash_flows(
        list(ref.schedules.values()),
        market,
        funded,
        closing,
        notes.ZERO,
        ref.recovery if scenario else None,
        scenario.demand_date if scenario else None,
    )
    for s in ref.schedules.values():
        for r in s.rows:
            if r.get("opt_shares"):
                value = notes.cents(r["opt_shares"] * market.close(r["date"]))
                flows.append(CashFlow(r["date"], value, "optional conversion"))
    return sorted(flows, key=lambda f: f.date)
