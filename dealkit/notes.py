"""The four notes: prime-based interest to the cent, schedules for Term A, Term B and the
revolver with the Minimum Borrowing Note, conversion into stock, default, and the lender's and the
borrower's economics.

The notes' own terms are not in any readable source (deal-facts.md): the margin, the floor, Term
A's Monthly Amount, the conversion price, the tests and caps are *assumptions* (``note_terms`` in
the deal file, with the range seen in other Laurus deals) and every function takes them as
parameters. Rates are ``Decimal`` fractions, money ``Decimal``; interest is simple, actual days
over a 360-day year, split exactly at every prime change, rounded to the cent half-up at the end
of each period (the other named convention, ``rounding="daily"``, rounds each day's interest).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import math
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from typing import Literal, Mapping, Sequence

from .calendar import add_business_days, is_business_day
from .loader import PrimeSeries, load_prime
from .money import CENT, round_cents
from .option import SERIES_D_RATIO, SERIES_D_UNTIL_AUTHORIZED, max_exercisable

__all__ = [
    "NoteAssumptions", "assumptions_from_deal", "contract_rate", "interest_segments", "accrued_interest",
    "payment_dates", "Market", "Schedule", "term_a_schedule", "term_b_schedule", "revolver_schedule",
    "BorrowingBase", "optional_conversion", "Conversion", "default_payment", "apply_payment",
    "default_interest", "back_solve_demand", "lender_cash_flows", "xirr", "ZERO", "default_reports",
    "build_schedules", "DefaultScenario", "default_scenario", "borrower_cash_flows", "flows_frame",
    "assumptions_frame", "schedule_display", "write_csv",
]

ZERO = Decimal("0.00")
_360 = Decimal(360)


# ============================================================================ assumptions ==
@dataclass(frozen=True)
class NoteAssumptions:
    """The terms a schedule needs; defaults come from ``note_terms`` in the deal file, where each
    one is cited as an assumption (or, for the 130% Default Payment, the public record)."""

    margin: Decimal
    floor: Decimal
    monthly_amount: Decimal
    first_amortization: dt.date
    fixed_conversion_price: Decimal
    amortization_share_test: Decimal     # 1.10: 5-day average close ≥ 110% of the FCP
    amortization_volume_cap: Decimal     # 0.25 of 22-day dollar volume
    cash_premium: Decimal                # 1.02: a Monthly Amount paid in cash carries 2%
    maturity_conversion_test: Decimal    # 1.20
    maturity_volume_cap: Decimal         # 0.25
    conversion_cap: Decimal              # 0.0499 (shared with Option §10)
    default_multiple: Decimal            # 1.30
    default_interest_monthly: Decimal    # 0.015
    overadvance_monthly: Decimal         # 0.02
    advance_rate_receivables: Decimal
    advance_rate_inventory: Decimal


def assumptions_from_deal(deal, **overrides) -> NoteAssumptions:
    """The deal file's ``note_terms``, with ``overrides`` (e.g. ``margin=Decimal("0.03")``)."""
    t = deal.note_terms
    base = NoteAssumptions(
        t.prime_margin.value, t.rate_floor.value, t.term_a_monthly_amount.value, t.term_a_first_amortization.value,
        t.fixed_conversion_price.value, t.amortization_share_test.value, t.amortization_volume_cap.value,
        t.cash_payment_premium.value, t.maturity_conversion_test.value, t.maturity_volume_cap.value,
        t.conversion_cap.value, t.default_payment_multiple.value, t.default_interest_monthly.value,
        t.overadvance_monthly.value, t.advance_rate_receivables.value, t.advance_rate_inventory.value)
    unknown = set(overrides) - {f.name for f in dataclasses.fields(NoteAssumptions)}
    if unknown:
        raise ValueError(f"unknown assumption(s): {sorted(unknown)}")
    return dataclasses.replace(base, **overrides)


# ============================================================================ interest =====
def contract_rate(prime: Decimal, margin: Decimal, floor: Decimal) -> Decimal:
    """The contract rate: ``max(prime + margin, floor)`` (Laurus note form; ATG margin and floor
    are assumptions: note_terms.prime_margin, note_terms.rate_floor)."""
    return max(prime + margin, floor)


@dataclass(frozen=True)
class Segment:
    start: dt.date
    end: dt.date
    prime: Decimal
    rate: Decimal
    days: int
    interest: Decimal          # exact, unrounded


def interest_segments(principal: Decimal, start: dt.date, end: dt.date, margin: Decimal, floor: Decimal,
                      prime: PrimeSeries | None = None) -> list[Segment]:
    """The accrual from ``start`` (inclusive) to ``end`` (exclusive) split at every prime change:
    each piece ``principal × rate × days / 360``, exact."""
    if end < start:
        raise ValueError(f"end {end} is before start {start}")
    prime = prime or _default_prime()
    cuts = [start] + [d for d, _ in prime.changes_between(start, end)] + [end]
    out = []
    for a, b in zip(cuts, cuts[1:]):
        if b <= a:
            continue
        p = prime.rate_on(a)
        r = contract_rate(p, margin, floor)
        days = (b - a).days
        out.append(Segment(a, b, p, r, days, principal * r * days / _360))
    return out


_PRIME: PrimeSeries | None = None


def _default_prime() -> PrimeSeries:
    global _PRIME
    if _PRIME is None:
        _PRIME = load_prime()
    return _PRIME


def accrued_interest(principal: Decimal, start: dt.date, end: dt.date, margin: Decimal, floor: Decimal,
                     prime: PrimeSeries | None = None, rounding: Literal["period", "daily"] = "period") -> Decimal:
    """Simple interest on ``principal`` from ``start`` inclusive to ``end`` exclusive.

    .. math:: I = \\sum_{days} P \\cdot \\max(prime_d + m, f) / 360

    A day's rate is the contract rate on the prime in effect that day (``data/prime_rate.csv``
    by default); the sum is exact and rounded to the cent half-up at the end of the period
    (``rounding="period"``, the default), or each day's interest is rounded first
    (``rounding="daily"``).
    """
    segs = interest_segments(principal, start, end, margin, floor, prime)
    if rounding == "period":
        return round_cents(sum((s.interest for s in segs), Decimal(0)))
    if rounding == "daily":
        return sum((round_cents(principal * s.rate / _360) * s.days for s in segs), ZERO)
    raise ValueError(f"rounding must be 'period' or 'daily' (got {rounding!r})")


@functools.lru_cache(maxsize=256)
def payment_dates(issue: dt.date, maturity: dt.date) -> tuple[dt.date, ...]:
    """Interest dates: the first business day of each month after ``issue`` (monthly in arrears,
    an assumption: note_terms.interest_payment), and the maturity date."""
    out = []
    y, m = issue.year, issue.month
    while True:
        m += 1
        if m == 13:
            y, m = y + 1, 1
        first = dt.date(y, m, 1)
        day = first if is_business_day(first) else add_business_days(first, 1)
        if day >= maturity:
            break
        out.append(day)
    return tuple(out + [maturity])


# ============================================================================ market =======
@dataclass(frozen=True)
class Market:
    """ATG's stock: a constant close and daily volume, or a date → close path (a missing day
    takes the last known close), times ``shock``; and the share count for the 4.99% cap and the
    Series D route."""

    price: Decimal
    volume: int
    closes: Mapping[dt.date, Decimal] = field(default_factory=dict)
    shock: Decimal = Decimal(1)
    outstanding: int = 2_000_000_000
    holder_owns: int = 0
    authorized: int = SERIES_D_UNTIL_AUTHORIZED

    def close(self, day: dt.date) -> Decimal:
        if not self.closes:
            return self.price * self.shock
        known = [d for d in self.closes if d <= day]
        return (self.closes[max(known)] if known else self.price) * self.shock

    def average_close(self, day: dt.date, n: int = 5) -> Decimal:
        """Mean close of the ``n`` trading days before ``day``."""
        if not self.closes:
            return self.price * self.shock
        days = _trading_days_before(day, n)
        return sum((self.close(d) for d in days), Decimal(0)) / n

    def dollar_volume(self, day: dt.date, n: int = 22) -> Decimal:
        """Close × volume over the ``n`` trading days before ``day``."""
        if not self.closes:
            return self.price * self.shock * self.volume * n
        return sum((self.close(d) * self.volume for d in _trading_days_before(day, n)), Decimal(0))


def _trading_days_before(day: dt.date, n: int) -> list[dt.date]:
    out, d = [], day
    while len(out) < n:
        d = add_business_days(d, -1, "nyse")
        out.append(d)
    return out


# ============================================================================ conversion ===
@dataclass(frozen=True)
class Conversion:
    principal: Decimal     # principal credited by the shares (to the cent, down)
    shares: int            # common (or common-equivalent) shares issued
    series_d: int          # Series D preferred issued (0 off the route)
    limited_by: str        # "", "volume cap", "4.99% cap", "price test"


def optional_conversion(amount: Decimal, fixed_conversion_price: Decimal, market: Market, cap: Decimal,
                        reading: str = "literal") -> Conversion:
    """Convert ``amount`` (principal, interest or fees) at the Fixed Conversion Price (the Laurus
    form's optional conversion; ATG's price is an assumption). Shares = amount / FCP, whole
    shares; limited by the 4.99% cap — the same rule as Option §10
    (:func:`dealkit.option.max_exercisable`); on the Series D route (authorized common below
    15,000,000,000) whole preferred shares of 10,000 common each. The principal credited is
    shares × FCP, rounded down to the cent; the rest stays owed."""
    if fixed_conversion_price <= 0:
        raise ValueError("the Fixed Conversion Price must be positive")
    shares = math.floor(amount / fixed_conversion_price)
    limit = max_exercisable(market.outstanding, market.holder_owns, cap, reading)
    why = ""
    if shares > limit:
        shares, why = limit, "4.99% cap"
    series_d = 0
    if market.authorized < SERIES_D_UNTIL_AUTHORIZED:
        series_d = shares // SERIES_D_RATIO
        shares = series_d * SERIES_D_RATIO
    credited = (shares * fixed_conversion_price).quantize(CENT, rounding=ROUND_DOWN)
    return Conversion(credited, shares, series_d, why)


# ============================================================================ schedules ====
@dataclass(frozen=True)
class Schedule:
    """One row per period. ``rows`` keep exact ``Decimal``; :meth:`frame` is for display/CSV."""

    note: str
    face: Decimal
    rows: tuple[dict, ...]
    assumptions: NoteAssumptions

    @property
    def principal_cash(self) -> Decimal:
        return sum((r["principal_cash"] for r in self.rows), ZERO)

    @property
    def principal_stock(self) -> Decimal:
        return sum((r["principal_stock"] for r in self.rows), ZERO)

    @property
    def interest(self) -> Decimal:
        return sum((r["interest"] for r in self.rows), ZERO)

    @property
    def premium(self) -> Decimal:
        return sum((r["premium"] for r in self.rows), ZERO)

    @property
    def shares(self) -> int:
        return sum(r["shares"] for r in self.rows)

    @property
    def outstanding(self) -> Decimal:
        return self.rows[-1]["closing"] if self.rows else self.face

    @property
    def drawn(self) -> Decimal:
        """What was lent: the face of a term note, the sum of the draws on the revolver."""
        if self.rows and "draw" in self.rows[0]:
            return sum((r["draw"] for r in self.rows), ZERO)
        return self.face

    def conserved(self) -> bool:
        """principal paid in cash + in stock + outstanding = face (or drawn), exactly."""
        return self.principal_cash + self.principal_stock + self.outstanding == self.drawn

    def frame(self):
        import pandas as pd

        return pd.DataFrame(list(self.rows))


def _interest_row(principal: Decimal, start: dt.date, end: dt.date, a: NoteAssumptions, prime, rounding):
    segs = interest_segments(principal, start, end, a.margin, a.floor, prime)
    if rounding == "period":
        interest = round_cents(sum((s.interest for s in segs), Decimal(0)))
    elif rounding == "daily":
        interest = sum((round_cents(principal * s.rate / _360) * s.days for s in segs), ZERO)
    else:
        raise ValueError(f"rounding must be 'period' or 'daily' (got {rounding!r})")
    rates = "→".join(dict.fromkeys(f"{s.rate * 100:.2f}%" for s in segs)) or "—"
    return interest, rates, sum(s.days for s in segs)


def _stock_payment(amount: Decimal, day: dt.date, a: NoteAssumptions, market: Market, test: Decimal,
                   volume_cap: Decimal) -> tuple[Decimal, int, int, str]:
    """How much of ``amount`` is paid in shares on ``day``: the price test (5-day average close
    ≥ test × FCP), then the volume cap (≤ cap × 22-day dollar volume), then the 4.99% cap.
    Returns (principal credited, shares, series D, why limited)."""
    if amount <= 0:
        return ZERO, 0, 0, ""
    if market.average_close(day) < test * a.fixed_conversion_price:
        return ZERO, 0, 0, "price test"
    allowed = min(amount, (volume_cap * market.dollar_volume(day)).quantize(CENT, rounding=ROUND_DOWN))
    conv = optional_conversion(allowed, a.fixed_conversion_price, market, a.conversion_cap)
    why = conv.limited_by or ("volume cap" if allowed < amount else "")
    return conv.principal, conv.shares, conv.series_d, why


def term_a_schedule(face: Decimal, issue: dt.date, maturity: dt.date, a: NoteAssumptions, market: Market,
                    prime: PrimeSeries | None = None, rounding: Literal["period", "daily"] = "period",
                    stop: dt.date | None = None) -> Schedule:
    """Term Note A (inferred: the amortizing note). Interest monthly in arrears; from the first
    amortization date each payment date a Monthly Amount of principal is due (all that is left at
    maturity). It is paid in shares at the Fixed Conversion Price when the 5-day average close is
    at least ``amortization_share_test`` × FCP and within the volume cap (and the 4.99% cap);
    otherwise in cash at ``cash_premium`` (the premium is a charge, not principal). ``stop``: end
    the schedule there (e.g. a default date); the balance stays outstanding."""
    rows, balance, last = [], face, issue
    for day in payment_dates(issue, maturity):
        if stop and day > stop:
            break
        interest, rates, days = _interest_row(balance, last, day, a, prime, rounding)
        due = ZERO
        if day >= a.first_amortization:
            due = balance if day == maturity else min(a.monthly_amount, balance)
        stock, shares, series_d, why = _stock_payment(due, day, a, market, a.amortization_share_test,
                                                      a.amortization_volume_cap)
        cash = due - stock
        premium = round_cents(cash * (a.cash_premium - 1))
        rows.append({"date": day, "opening": balance, "rates": rates, "days": days, "interest": interest,
                     "principal_due": due, "principal_cash": cash, "principal_stock": stock, "premium": premium,
                     "shares": shares, "series_d": series_d, "limited_by": why, "closing": balance - due})
        balance -= due
        last = day
    return Schedule("Term A", face, tuple(rows), a)


def term_b_schedule(face: Decimal, issue: dt.date, maturity: dt.date, a: NoteAssumptions, market: Market,
                    prime: PrimeSeries | None = None, rounding: Literal["period", "daily"] = "period",
                    stop: dt.date | None = None) -> Schedule:
    """Term Note B (inferred: the bullet note). Interest monthly; at maturity the holder converts
    what is due when the 5-day average close is at least ``maturity_conversion_test`` × FCP,
    within ``maturity_volume_cap`` of 22-day dollar volume (and the 4.99% cap); the rest is paid
    in cash at 100%."""
    rows, last = [], issue
    for day in payment_dates(issue, maturity):
        if stop and day > stop:
            break
        interest, rates, days = _interest_row(face, last, day, a, prime, rounding)
        due = face if day == maturity else ZERO
        stock, shares, series_d, why = _stock_payment(due, day, a, market, a.maturity_conversion_test,
                                                      a.maturity_volume_cap)
        rows.append({"date": day, "opening": face, "rates": rates, "days": days, "interest": interest,
                     "principal_due": due, "principal_cash": due - stock, "principal_stock": stock,
                     "premium": ZERO, "shares": shares, "series_d": series_d, "limited_by": why,
                     "closing": face - due})
        last = day
    return Schedule("Term B", face, tuple(rows), a)


@dataclass(frozen=True)
class BorrowingBase:
    """A borrowing-base report: eligible receivables and inventory, and the draw (+) or
    repayment (−) made on that date."""

    date: dt.date
    receivables: Decimal
    inventory: Decimal
    draw: Decimal = ZERO


def revolver_schedule(limit: Decimal, mbn: Decimal, issue: dt.date, maturity: dt.date, a: NoteAssumptions,
                      reports: Sequence[BorrowingBase], prime: PrimeSeries | None = None,
                      rounding: Literal["period", "daily"] = "period", stop: dt.date | None = None) -> Schedule:
    """The Secured Revolving Note with the Minimum Borrowing Note inside it. Draws and repayments
    come with borrowing-base reports (advance rates on receivables and inventory: assumptions).
    Interest accrues on at least the MBN amount (the minimum borrowing) at the contract rate;
    the part of the balance above the borrowing base (an overadvance) bears
    ``overadvance_monthly`` × 12 per year more (ACT/360). Draws beyond the line's limit are
    refused. Repayments are cash principal; the balance at maturity is repaid in cash."""
    events = sorted(reports, key=lambda r: r.date)
    rows, balance, last = [], ZERO, issue
    base = ZERO
    pending = list(events)
    for day in payment_dates(issue, maturity):
        if stop and day > stop:
            break
        draws = ZERO
        repaid = ZERO
        # apply the reports dated in (last, day]; the one on the issue date opens the line
        while pending and (pending[0].date <= day):
            r = pending.pop(0)
            base = min(limit, round_cents(r.receivables * a.advance_rate_receivables
                                          + r.inventory * a.advance_rate_inventory))
            if r.draw > 0:
                if balance + r.draw > limit:
                    raise ValueError(f"draw of {r.draw} on {r.date} exceeds the line: balance {balance}, "
                                     f"limit {limit}")
                draws += r.draw
            elif r.draw < 0:
                if -r.draw > balance:
                    raise ValueError(f"repayment of {-r.draw} on {r.date} exceeds the balance {balance}")
                repaid += -r.draw
            balance += r.draw
        opening = balance + repaid - draws
        charged = max(balance, mbn)
        interest, rates, days = _interest_row(charged, last, day, a, prime, rounding)
        over = max(ZERO, balance - base)
        over_interest = round_cents(over * a.overadvance_monthly * 12 * days / _360) if over else ZERO
        due = balance if day == maturity else ZERO
        rows.append({"date": day, "opening": opening, "draw": draws, "repaid": repaid, "borrowing_base": base,
                     "overadvance": over, "rates": rates, "days": days, "interest": interest + over_interest,
                     "overadvance_interest": over_interest, "principal_due": due,
                     "principal_cash": repaid + due, "principal_stock": ZERO, "premium": ZERO, "shares": 0,
                     "series_d": 0, "limited_by": "", "closing": balance - due})
        balance -= due
        last = day
    return Schedule("Revolver + MBN", limit, tuple(rows), a)


# ============================================================================ default ======
def default_payment(principal: Decimal, interest: Decimal, fees: Decimal, multiple: Decimal = Decimal("1.30")) -> Decimal:
    """The Default Payment: ``multiple`` (130%) × outstanding principal + accrued interest + fees
    (cited to the ATG MBN, public record)."""
    return round_cents(principal * multiple) + interest + fees


def apply_payment(payment: Decimal, fees: Decimal, interest: Decimal, principal_due: Decimal) -> dict[str, Decimal]:
    """Apply a payment to fees, then interest, then principal (the Default Payment's order);
    returns what each received and what is left unpaid. Conservation: applied + excess = payment."""
    left = payment
    out = {}
    for name, owed in (("fees", fees), ("interest", interest), ("principal", principal_due)):
        take = min(left, owed)
        out[name] = take
        out[f"{name}_unpaid"] = owed - take
        left -= take
    out["excess"] = left
    return out


def default_interest(principal: Decimal, start: dt.date, end: dt.date, monthly: Decimal = Decimal("0.015")) -> Decimal:
    """Default interest: ``monthly`` × 12 per year on the principal, ACT/360, from ``start`` to
    ``end`` (the Laurus form adds 1.5% per month; ATG's figure is an assumption)."""
    days = (end - start).days
    if days < 0:
        raise ValueError(f"end {end} is before start {start}")
    return round_cents(principal * monthly * 12 * days / _360)


def back_solve_demand(demand: Decimal, due: dt.date, a: NoteAssumptions, *, months_unpaid: Sequence[int] = (0, 1, 2, 3),
                      default_dates: Sequence[dt.date | None] = (None,), fee_rates: Sequence[Decimal] = (ZERO,),
                      prime: PrimeSeries | None = None, max_principal: Decimal = Decimal("12000000.00")):
    """Which outstanding principal balances are consistent with a demand, under the assumptions.

    ``demand = 1.30 P + I + F`` with ``I`` = contract interest for ``months_unpaid`` months before
    ``due`` plus default interest from a default date to ``due``, and ``F`` = fees as a fraction of
    ``P``. ``I`` and ``F`` are linear in ``P``, so ``P = demand / (1.30 + i + f)`` for each
    combination, where ``i`` is interest per dollar of principal. Returns a table, one row per
    combination, flagging balances above ``max_principal`` (more than the facility) as
    inconsistent. The answer is the range, not one number."""
    import pandas as pd

    rows = []
    for months in months_unpaid:
        start = _months_before(due, months)
        per_dollar_contract = sum((s.interest for s in interest_segments(Decimal(1), start, due, a.margin, a.floor,
                                                                         prime)), Decimal(0))
        for ddate in default_dates:
            per_dollar_default = (a.default_interest_monthly * 12 * (due - ddate).days / _360) if ddate else Decimal(0)
            for fee in fee_rates:
                p = demand / (a.default_multiple + per_dollar_contract + per_dollar_default + fee)
                p = p.quantize(CENT)
                interest = round_cents(p * (per_dollar_contract + per_dollar_default))
                parts = round_cents(p * a.default_multiple) + interest + round_cents(p * fee)
                rows.append({"months of interest unpaid": months, "default interest from": ddate or "none",
                             "fees (% of principal)": f"{fee * 100:.1f}%", "principal": p,
                             "130% of principal": round_cents(p * a.default_multiple), "interest": interest,
                             "fees": round_cents(p * fee), "total (rounding ±1¢ a part)": parts,
                             "consistent": bool(0 < p <= max_principal)})
    return pd.DataFrame(rows)


def _months_before(day: dt.date, months: int) -> dt.date:
    y, m = day.year, day.month - months
    while m <= 0:
        y, m = y - 1, m + 12
    return dt.date(y, m, min(day.day, 28))


# ============================================================================ economics ====
def lender_cash_flows(schedules: Sequence[Schedule], market: Market, funded: Decimal, closing: dt.date,
                      closing_payment: Decimal, recovery: Decimal | None = None,
                      recovery_date: dt.date | None = None) -> list[tuple[dt.date, Decimal, str]]:
    """Laurus's cash flows: the funding (−), the Closing Payment to its manager (+), interest,
    cash principal and premiums (+), conversion shares valued at the market close on the day
    (+), and optionally a default recovery (+) on ``recovery_date``."""
    flows = [(closing, -funded, "funding (Escrowed Payment)"), (closing, closing_payment, "Closing Payment (FEA Schedule A)")]
    for s in schedules:
        for r in s.rows:
            cash = r["interest"] + r["principal_cash"] + r["premium"]
            if cash:
                flows.append((r["date"], cash, f"{s.note}: interest, cash principal, premium"))
            if r["shares"]:
                flows.append((r["date"], round_cents(r["shares"] * market.close(r["date"])),
                              f"{s.note}: {r['shares']:,} shares at market"))
    if recovery is not None and recovery_date is not None:
        flows.append((recovery_date, recovery, "default recovery (scenario)"))
    return sorted(flows, key=lambda f: f[0])


def xirr(flows: Sequence[tuple[dt.date, Decimal, str]]) -> float | None:
    """The annual internal rate of return of dated flows (pyxirr, actual/365); ``None`` when it
    does not exist (e.g. all flows of one sign). A float: a display figure, not money."""
    from pyxirr import xirr as _xirr

    dates = [f[0] for f in flows]
    amounts = [float(f[1]) for f in flows]
    if not (any(a > 0 for a in amounts) and any(a < 0 for a in amounts)):
        return None
    try:
        return _xirr(dates, amounts)
    except Exception:  # pyxirr raises when no rate solves; say "none" rather than guess
        return None


# ============================================================================ the whole deal
def default_reports(deal) -> list[BorrowingBase]:
    """The revolver as funded at closing: the $7,000,000 line drawn in full through the escrow
    (the Escrowed Payment equals the facility), against an assumed borrowing base of $6,000,000
    receivables and $4,000,000 inventory (not in the sources)."""
    return [BorrowingBase(deal.deal.closing_date.value, Decimal("6000000.00"), Decimal("4000000.00"),
                          deal.notes["revolving"].face.value)]


def build_schedules(deal, a: NoteAssumptions, market: Market, reports: Sequence[BorrowingBase] | None = None,
                    term_b_maturity: dt.date | None = None, stop: dt.date | None = None,
                    prime: PrimeSeries | None = None, rounding: Literal["period", "daily"] = "period") -> dict[str, Schedule]:
    """Term A, Term B and the revolver with the MBN, on the deal's faces and dates."""
    n = deal.notes
    issue = deal.deal.closing_date.value
    return {
        "term_a": term_a_schedule(n["term_a"].face.value, issue, n["term_a"].maturity.value, a, market, prime, rounding, stop),
        "term_b": term_b_schedule(n["term_b"].face.value, issue, term_b_maturity or n["term_b"].maturity.value, a,
                                  market, prime, rounding, stop),
        "revolver": revolver_schedule(n["revolving"].face.value, n["mbn"].face.value, issue, n["revolving"].maturity.value,
                                      a, reports if reports is not None else default_reports(deal), prime, rounding, stop),
    }


@dataclass(frozen=True)
class DefaultScenario:
    default_date: dt.date
    demand_date: dt.date
    principal: Decimal            # outstanding at the default date
    accrued_interest: Decimal     # contract interest since the last payment date
    default_interest: Decimal     # from the default date to the demand date
    fees: Decimal
    payment: Decimal              # the Default Payment
    premium_over_principal: Decimal


def default_scenario(schedules: Mapping[str, Schedule], default_date: dt.date, demand_date: dt.date,
                     a: NoteAssumptions, fees: Decimal = ZERO, prime: PrimeSeries | None = None) -> DefaultScenario:
    """The Default Payment if the notes are accelerated on ``default_date`` and paid on
    ``demand_date``: 130% of the principal outstanding, plus contract interest accrued since each
    note's last payment date, plus default interest (``default_interest_monthly``) from default to
    demand, plus ``fees``. The schedules must stop at the default date (``stop=``)."""
    principal = ZERO
    accrued = ZERO
    dflt = ZERO
    for s in schedules.values():
        last_row = s.rows[-1] if s.rows else None
        balance = last_row["closing"] if last_row else s.face
        since = last_row["date"] if last_row else default_date
        principal += balance
        if balance:  # interest on the balance itself after acceleration (no MBN minimum)
            accrued += accrued_interest(balance, since, demand_date, a.margin, a.floor, prime)
            dflt += default_interest(balance, default_date, demand_date, a.default_interest_monthly)
    payment = default_payment(principal, accrued + dflt, fees, a.default_multiple)
    return DefaultScenario(default_date, demand_date, principal, accrued, dflt, fees, payment, payment - principal)


def borrower_cash_flows(lender_flows: Sequence[tuple[dt.date, Decimal, str]], agent_fee: Decimal = ZERO
                        ) -> list[tuple[dt.date, Decimal, str]]:
    """ATG's side: the mirror of the lender's flows (what Laurus pays out ATG receives, and back),
    less the agent's fee retained from the escrow. Stock is a cost at its market value."""
    flows = [(d, -amt, what) for d, amt, what in lender_flows]
    if agent_fee:
        closing = min(d for d, _, _ in lender_flows)
        flows.append((closing, -agent_fee, "Escrow Agent's fee (retained)"))
    return sorted(flows, key=lambda f: f[0])


def flows_frame(flows: Sequence[tuple[dt.date, Decimal, str]]):
    import pandas as pd

    return pd.DataFrame([{"date": d, "amount": a, "what": w} for d, a, w in flows])


_ASSUMPTION_FIELDS = {  # NoteAssumptions field -> note_terms key
    "margin": "prime_margin", "floor": "rate_floor", "monthly_amount": "term_a_monthly_amount",
    "first_amortization": "term_a_first_amortization", "fixed_conversion_price": "fixed_conversion_price",
    "amortization_share_test": "amortization_share_test", "amortization_volume_cap": "amortization_volume_cap",
    "cash_premium": "cash_payment_premium", "maturity_conversion_test": "maturity_conversion_test",
    "maturity_volume_cap": "maturity_volume_cap", "conversion_cap": "conversion_cap",
    "default_multiple": "default_payment_multiple", "default_interest_monthly": "default_interest_monthly",
    "overadvance_monthly": "overadvance_monthly", "advance_rate_receivables": "advance_rate_receivables",
    "advance_rate_inventory": "advance_rate_inventory",
}


def assumptions_frame(deal, a: NoteAssumptions, overrides: Mapping[str, object] = ()):
    """Every note term in force: its value in this run, whether a parameter changed it, the deal
    file's value and range, and its source (an assumption's reason, or the public record)."""
    import pandas as pd

    rows = []
    for name, key in _ASSUMPTION_FIELDS.items():
        cited = getattr(deal.note_terms, key)
        rows.append({"term": name, "in this run": str(getattr(a, name)),
                     "set by": "parameter" if name in overrides else "deal file",
                     "deal file": str(cited.value), "range seen": f"{cited.range[0]} – {cited.range[1]}" if cited.range else "",
                     "source": deal.cite(cited.source)})
    return pd.DataFrame(rows)


_SHOWN = ["date", "opening", "draw", "repaid", "borrowing_base", "overadvance", "rates", "days", "interest",
          "principal_cash", "principal_stock", "premium", "shares", "series_d", "limited_by", "closing"]


def schedule_display(schedule: Schedule):
    """The schedule's frame with the columns that apply, money formatted for reading."""
    frame = schedule.frame()
    cols = [c for c in _SHOWN if c in frame.columns]
    frame = frame[cols].copy()
    for c in ("opening", "draw", "repaid", "borrowing_base", "overadvance", "interest", "principal_cash",
              "principal_stock", "premium", "closing"):
        if c in frame.columns:
            frame[c] = [f"{v:,.2f}" for v in frame[c]]
    for c in ("shares", "series_d"):
        frame[c] = [f"{v:,}" for v in frame[c]]
    return frame


def write_csv(schedules: Mapping[str, Schedule], out_dir) -> list:
    """Each schedule as ``notes-NAME.csv`` in ``out_dir`` (exact decimals), written atomically."""
    from pathlib import Path

    from .export import write_atomic

    paths = []
    for name, s in schedules.items():
        path = Path(out_dir) / f"notes-{name.replace('_', '-')}.csv"
        write_atomic(path, s.frame().to_csv(index=False))
        paths.append(path)
    return paths
