"""The four notes: prime-based interest to the cent, schedules for Term A, Term B and the
revolver with the Minimum Borrowing Note, conversion into stock, default, and the lender's and the
borrower's economics.

The notes' own terms are not in any readable source (deal-facts.md): the margin, the floor, Term
A's Monthly Amount, the conversion price, the tests and caps are *assumptions* (``note_terms`` in
the deal file, with the range seen in other Laurus deals) and every function takes them as
parameters. Rates are ``Decimal`` fractions, money ``Decimal``; interest is simple, actual days
over a 360-day year, split exactly at every prime change (and, on the revolver, at every draw and
repayment: the daily balance), rounded to the cent half-up at the end of each period (the other
named convention, ``rounding="daily"``, rounds each day's interest). Every rounding point names
its mode (:data:`INTEREST_ROUNDING`, :data:`CREDIT_ROUNDING`, :data:`BACK_SOLVE_ROUNDING`).
Payment and maturity dates on a weekend or U.S. federal holiday move by the deal's business-day
convention (``following``: :data:`dealkit.calendar.PAYMENT_CONVENTION`), as in the obligations
calendar and its .ics. Who holds the Option is an explicit choice in the lender's flows
(:data:`OPTION_HOLDERS`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import math
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Literal, Mapping, Sequence

from .errors import DealDataError
from .calendar import PAYMENT_CALENDAR, add_business_days, add_months, adjust, is_business_day
from .loader import PrimeSeries, load_prime
from .money import CENT, format_rate, round_cents
from .option import max_exercisable

__all__ = [
    "NoteAssumptions", "assumptions_from_deal", "contract_rate", "interest_segments", "accrued_interest",
    "payment_dates", "Market", "Schedule", "term_a_schedule", "term_b_schedule", "revolver_schedule",
    "BorrowingBase", "optional_conversion", "Conversion", "default_payment", "apply_payment",
    "default_interest", "back_solve_demand", "lender_cash_flows", "xirr", "ZERO", "default_reports",
    "build_schedules", "DefaultScenario", "default_scenario", "borrower_cash_flows", "flows_frame",
    "assumptions_frame", "schedule_display", "SCHEDULE_TOTALS", "NotesRun", "run_from_parameters",
    "back_solve_of_record", "write_csv", "INTEREST_ROUNDING", "CREDIT_ROUNDING",
    "BACK_SOLVE_ROUNDING", "OPTION_HOLDERS", "default_option_holder", "option_value", "reconcile_demand",
    "business_day_convention", "principal_variants", "parse_option_holder", "reconciliation_summary",
]

ZERO = Decimal("0.00")
_360 = Decimal(360)

# Named rounding points (item 7 of issue 10: no implicit rounding anywhere).
#: Interest, premiums, default amounts and the Default Payment's 130%: to the cent, half-up (the
#: commercial convention, :data:`dealkit.money.ROUNDING`), once per period.
INTEREST_ROUNDING = ROUND_HALF_UP
#: Principal credited for shares issued, and the dollar volume a payment in shares may use: to the
#: cent, *down* (never credit or allow more than the shares or the volume cover).
CREDIT_ROUNDING = ROUND_DOWN
#: The principal back-solved from a demand: to the cent, half-up.
BACK_SOLVE_ROUNDING = ROUND_HALF_UP


@functools.lru_cache(maxsize=1)
def _embedded_deal():
    """The embedded deal file (``data/deal.yaml``): the source of every keyword default of this
    module that is a term of the deal (never a literal in code)."""
    from .loader import load_deal

    return load_deal()


def _from_deal(read):
    """A dataclass ``default_factory``: ``read(embedded deal)``, evaluated when the object is made."""
    return lambda: read(_embedded_deal())


def _multiple_label(a: "NoteAssumptions") -> str:
    """The column of the Default Payment's multiple × principal, named by the multiple in force
    (``"130% of principal"`` on the deal file's 1.30)."""
    return f"{format_rate(a.default_multiple)} of principal"


def _cents(amount: Decimal) -> Decimal:
    """``amount`` to the cent with :data:`INTEREST_ROUNDING` (half-up)."""
    return round_cents(amount, INTEREST_ROUNDING)


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
    each piece ``principal × rate × days / 360`` (a quotient to 28 significant digits, for display;
    totals divide the exact sum of ``principal × rate × days`` by 360 once)."""
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


def _numerator(principal: Decimal, segs: Sequence[Segment]) -> Decimal:
    """``principal × Σ rate × days`` over ``segs``: the interest times 360, exact (finite decimals
    multiply exactly). Dividing by 360 *once*, at the end, keeps an exact half cent exact, so the
    named rounding sees it (summing per-segment quotients, each cut at 28 digits, may not)."""
    return principal * sum((s.rate * s.days for s in segs), Decimal(0))


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
        return _cents(_numerator(principal, segs) / _360)
    if rounding == "daily":
        return sum((_cents(principal * s.rate / _360) * s.days for s in segs), ZERO)
    raise ValueError(f"rounding must be 'period' or 'daily' (got {rounding!r})")


def business_day_convention(deal) -> str:
    """The deal file's business-day convention for payment and maturity dates
    (``note_terms.business_day_convention``; see :data:`dealkit.calendar.PAYMENT_CONVENTION`)."""
    return deal.note_terms.business_day_convention.value


@functools.lru_cache(maxsize=256)
def payment_dates(issue: dt.date, maturity: dt.date, convention: str | None = None) -> tuple[dt.date, ...]:
    """Interest dates: the first business day of each month after ``issue`` (monthly in arrears,
    an assumption: note_terms.interest_payment), and the maturity date *as paid*: moved by the
    business-day ``convention`` when it is a weekend or U.S. federal holiday (``None``: the
    embedded deal's ``note_terms.business_day_convention``, ``following``, N.Y. Gen. Constr. Law
    §25-a: "payable on the next succeeding business day", interest running to that day; :func:`dealkit.calendar.adjust`). So a stated maturity of
    Saturday 2008-09-06 is paid Monday 2008-09-08, and interest accrues to it."""
    convention = convention or _embedded_deal().note_terms.business_day_convention.value
    final = adjust(maturity, convention, PAYMENT_CALENDAR)
    out = []
    y, m = issue.year, issue.month
    while True:
        m += 1
        if m == 13:
            y, m = y + 1, 1
        first = dt.date(y, m, 1)
        day = first if is_business_day(first) else add_business_days(first, 1)
        if day >= final:
            break
        out.append(day)
    return tuple(out + [final])


# ============================================================================ market =======
@dataclass(frozen=True)
class Market:
    """ATG's stock: a constant close and daily volume, or a date → close path (a missing day
    takes the last known close), times ``shock``; and the share counts for the 4.99% cap and the
    Series D route.

    Prices and volumes are market data (arguments). The share counts are terms of the deal: left
    out, each comes from the embedded deal file (``outstanding``: ``capitalization.
    outstanding_at_closing``, an assumption; ``authorized``: ``capitalization.
    series_d_until_authorized``, i.e. common is authorized and no Series D substitution applies;
    ``series_d_ratio`` and ``series_d_until_authorized``: the letter of Sept 6, 2005). Use
    :meth:`for_deal` to take them from a loaded deal."""

    price: Decimal
    volume: int
    closes: Mapping[dt.date, Decimal] = field(default_factory=dict)
    shock: Decimal = Decimal(1)
    outstanding: int = field(default_factory=_from_deal(lambda d: d.capitalization.outstanding_at_closing.value))
    holder_owns: int = 0
    authorized: int = field(default_factory=_from_deal(lambda d: d.capitalization.series_d_until_authorized.value))
    #: Letter of Sept 6, 2005 (Exhibit 4.13): common due to Laurus is issued as Series D preferred,
    #: one preferred share per ``series_d_ratio`` common, while authorized common is below
    #: ``series_d_until_authorized``.
    series_d_ratio: int = field(default_factory=_from_deal(lambda d: d.capitalization.series_d_ratio.value))
    series_d_until_authorized: int = field(
        default_factory=_from_deal(lambda d: d.capitalization.series_d_until_authorized.value))

    @classmethod
    def for_deal(cls, deal, price: Decimal, volume: int, **kwargs) -> "Market":
        """A market on ``deal``'s share counts: shares outstanding and authorized at closing (both
        assumed in the deal file) and the Series D terms; ``kwargs`` (``closes``, ``shock``,
        ``holder_owns``, or a count to override) pass through."""
        c = deal.capitalization
        terms = {"outstanding": c.outstanding_at_closing.value, "authorized": c.authorized_at_closing.value,
                 "series_d_ratio": c.series_d_ratio.value, "series_d_until_authorized": c.series_d_until_authorized.value}
        return cls(price, volume, **{**terms, **kwargs})

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
        shares, why = limit, f"{format_rate(cap)} cap"  # the cap in force, e.g. "4.99% cap"
    series_d = 0
    if market.authorized < market.series_d_until_authorized:
        series_d = shares // market.series_d_ratio
        shares = series_d * market.series_d_ratio
    credited = (shares * fixed_conversion_price).quantize(CENT, rounding=CREDIT_ROUNDING)
    return Conversion(credited, shares, series_d, why)


# ============================================================================ schedules ====
@dataclass(frozen=True)
class Schedule:
    """One row per period. ``rows`` keep exact ``Decimal``; :meth:`frame` is for display/CSV."""

    note: str
    face: Decimal
    rows: tuple[dict, ...]
    assumptions: NoteAssumptions
    #: The issue date: interest accrues from it until the first payment date.
    issue: dt.date | None = None
    #: Principal outstanding before the first row: the face of a term note, nothing on a revolver.
    initial: Decimal | None = None
    #: Interest is charged on at least this balance (the MBN inside the revolving line).
    minimum: Decimal = ZERO
    #: Dated draws (+) and repayments (−) of a revolving line, each on its own date.
    movements: tuple[tuple[dt.date, Decimal], ...] = ()
    #: The schedule was cut at this date (``stop=``, e.g. a default date); ``None``: it runs to maturity.
    until: dt.date | None = None

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
    def opening_balance(self) -> Decimal:
        """Principal outstanding before any row: ``initial`` (the face when not given)."""
        return self.face if self.initial is None else self.initial

    @property
    def outstanding(self) -> Decimal:
        """Principal outstanding after the last row (before any row: :attr:`opening_balance`)."""
        return self.rows[-1]["closing"] if self.rows else self.opening_balance

    def balance_on(self, day: dt.date) -> Decimal:
        """Principal outstanding at the end of ``day``: the last row's closing (or the opening
        balance) plus every draw and repayment dated after that row's accrual start and up to
        ``day``. What was *drawn*, not the line's limit (issue 10, item 7b)."""
        since = self.accrual_start()
        bal = self.outstanding
        for d, amt in self.movements:
            if since <= d <= day:
                bal += amt
        return bal

    def accrual_start(self) -> dt.date:
        """The last accrual date: the last row's payment date, or the issue date before any row."""
        if self.rows:
            return self.rows[-1]["date"]
        if self.issue is None:
            raise ValueError(f"{self.note}: the schedule does not record its issue date")
        return self.issue

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
        interest = _cents(_numerator(principal, segs) / _360)
    elif rounding == "daily":
        interest = sum((_cents(principal * s.rate / _360) * s.days for s in segs), ZERO)
    else:
        raise ValueError(f"rounding must be 'period' or 'daily' (got {rounding!r})")
    rates = "→".join(dict.fromkeys(f"{s.rate * 100:.2f}%" for s in segs)) or "—"
    return interest, rates, sum(s.days for s in segs)


def _stock_payment(amount: Decimal, day: dt.date, a: NoteAssumptions, market: Market, test: Decimal,
                   volume_cap: Decimal) -> tuple[Decimal, int, int, str]:
    """How much of ``amount`` is paid in shares on ``day``: the price test (5-day average close
    ≥ test × FCP), then the volume cap (≤ cap × 22-day dollar volume, to the cent down), then the
    4.99% cap. Returns (principal credited, shares, series D, why limited)."""
    if amount <= 0:
        return ZERO, 0, 0, ""
    if market.average_close(day) < test * a.fixed_conversion_price:
        return ZERO, 0, 0, "price test"
    allowed = min(amount, (volume_cap * market.dollar_volume(day)).quantize(CENT, rounding=CREDIT_ROUNDING))
    conv = optional_conversion(allowed, a.fixed_conversion_price, market, a.conversion_cap)
    why = conv.limited_by or ("volume cap" if allowed < amount else "")
    return conv.principal, conv.shares, conv.series_d, why


def term_a_schedule(face: Decimal, issue: dt.date, maturity: dt.date, a: NoteAssumptions, market: Market,
                    prime: PrimeSeries | None = None, rounding: Literal["period", "daily"] = "period",
                    stop: dt.date | None = None, *, convention: str | None = None) -> Schedule:
    """Term Note A (inferred: the amortizing note). Interest monthly in arrears; from the first
    amortization date each payment date a Monthly Amount of principal is due, and all that is left
    is due at maturity — also when the first amortization date falls after the maturity (issue 10,
    item 7b: the note is then a bullet). It is paid in shares at the Fixed Conversion Price when
    the 5-day average close is at least ``amortization_share_test`` × FCP and within the volume cap
    (and the 4.99% cap); otherwise in cash at ``cash_premium`` (the premium is a charge, not
    principal). The maturity is paid on the business day ``convention`` gives
    (:func:`payment_dates`). ``stop``: end the schedule there (e.g. a default date); the balance
    stays outstanding.

    .. math:: due_k = \\begin{cases} B_k & t_k = T \\\\ \\min(M, B_k) & t_k \\ge t_{amort} \\\\ 0 & \\text{else} \\end{cases}
    """
    rows, balance, last = [], face, issue
    dates = payment_dates(issue, maturity, convention)
    for day in dates:
        if stop and day > stop:
            break
        interest, rates, days = _interest_row(balance, last, day, a, prime, rounding)
        due = ZERO
        if day == dates[-1]:
            due = balance
        elif day >= a.first_amortization:
            due = min(a.monthly_amount, balance)
        stock, shares, series_d, why = _stock_payment(due, day, a, market, a.amortization_share_test,
                                                      a.amortization_volume_cap)
        cash = due - stock
        premium = _cents(cash * (a.cash_premium - 1))
        rows.append({"date": day, "opening": balance, "rates": rates, "days": days, "interest": interest,
                     "principal_due": due, "principal_cash": cash, "principal_stock": stock, "premium": premium,
                     "shares": shares, "series_d": series_d, "limited_by": why, "closing": balance - due})
        balance -= due
        last = day
    return Schedule("Term A", face, tuple(rows), a, issue=issue, initial=face, until=stop)


def term_b_schedule(face: Decimal, issue: dt.date, maturity: dt.date, a: NoteAssumptions, market: Market,
                    prime: PrimeSeries | None = None, rounding: Literal["period", "daily"] = "period",
                    stop: dt.date | None = None, *, convention: str | None = None) -> Schedule:
    """Term Note B (inferred: the bullet note). Interest monthly; at maturity (paid on the business
    day ``convention`` gives) the holder converts what is due when the 5-day average close is at
    least ``maturity_conversion_test`` × FCP, within ``maturity_volume_cap`` of 22-day dollar volume
    (and the 4.99% cap); the rest is paid in cash at 100%."""
    rows, last = [], issue
    dates = payment_dates(issue, maturity, convention)
    for day in dates:
        if stop and day > stop:
            break
        interest, rates, days = _interest_row(face, last, day, a, prime, rounding)
        due = face if day == dates[-1] else ZERO
        stock, shares, series_d, why = _stock_payment(due, day, a, market, a.maturity_conversion_test,
                                                      a.maturity_volume_cap)
        rows.append({"date": day, "opening": face, "rates": rates, "days": days, "interest": interest,
                     "principal_due": due, "principal_cash": due - stock, "principal_stock": stock,
                     "premium": ZERO, "shares": shares, "series_d": series_d, "limited_by": why,
                     "closing": face - due})
        last = day
    return Schedule("Term B", face, tuple(rows), a, issue=issue, initial=face, until=stop)


@dataclass(frozen=True)
class BorrowingBase:
    """A borrowing-base report: eligible receivables and inventory, and the draw (+) or
    repayment (−) made on that date."""

    date: dt.date
    receivables: Decimal
    inventory: Decimal
    draw: Decimal = ZERO


def _base(r: BorrowingBase, a: NoteAssumptions, limit: Decimal) -> Decimal:
    """The borrowing base of a report: receivables × advance rate + inventory × advance rate, to
    the cent down (never lend on a fraction of a cent the collateral does not cover), at most the line."""
    return min(limit, (r.receivables * a.advance_rate_receivables + r.inventory * a.advance_rate_inventory)
               .quantize(CENT, rounding=CREDIT_ROUNDING))


def _check_reports(limit: Decimal, events: Sequence[BorrowingBase], issue: dt.date, final: dt.date) -> None:
    balance = ZERO
    for r in events:
        if r.date < issue:
            raise ValueError(f"borrowing-base report of {r.date} precedes the issue date {issue}")
        if r.date >= final:
            raise ValueError(f"borrowing-base report of {r.date} is on or after the line's final payment date {final}")
        if r.draw > 0 and balance + r.draw > limit:
            raise ValueError(f"draw of {r.draw} on {r.date} exceeds the line: balance {balance}, limit {limit}")
        if r.draw < 0 and -r.draw > balance:
            raise ValueError(f"repayment of {-r.draw} on {r.date} exceeds the balance {balance}")
        balance += r.draw


def revolver_schedule(limit: Decimal, mbn: Decimal, issue: dt.date, maturity: dt.date, a: NoteAssumptions,
                      reports: Sequence[BorrowingBase], prime: PrimeSeries | None = None,
                      rounding: Literal["period", "daily"] = "period", stop: dt.date | None = None,
                      *, convention: str | None = None) -> Schedule:
    """The Secured Revolving Note with the Minimum Borrowing Note inside it, on the **daily
    balance** (issue 10, item 1).

    Draws and repayments come with borrowing-base reports (advance rates on receivables and
    inventory: assumptions) and change the balance *from their own date on*: a draw on day ``d``
    bears interest for ``d``; a repayment on ``d`` stops it from ``d``. Interest accrues each day on
    at least the MBN amount (the minimum borrowing) at that day's contract rate; the part of the
    day's balance above the day's borrowing base (an overadvance) bears ``overadvance_monthly`` ×
    12 a year more. A period's interest is the exact sum over its days, rounded once half-up
    (``rounding="period"``), or each day's amount rounded first (``"daily"``):

    .. math:: I_k = \\mathrm{round}\\Big(\\sum_{d \\in [t_{k-1}, t_k)} \\frac{\\max(B_d, MBN)\\, r_d
              + \\max(0, B_d - BB_d)\\, 12\\, o}{360}\\Big)

    A report dated on a payment date opens the next period (periods are ``[t_{k-1}, t_k)``; the
    one on the issue date opens the line). Draws beyond the line, repayments beyond the balance,
    reports before the issue or on/after the final payment date are refused. The balance at
    maturity (paid on the business day ``convention`` gives) is repaid in cash."""
    events = sorted(reports, key=lambda r: r.date)
    dates = payment_dates(issue, maturity, convention)
    final = dates[-1]
    _check_reports(limit, events, issue, final)
    over_annual = a.overadvance_monthly * 12
    rows, balance, base, last = [], ZERO, ZERO, issue
    i = 0
    for day in dates:
        if stop and day > stop:
            break
        opening = balance
        draws = repaid = ZERO
        exact = ZERO          # contract interest × 360, exact
        over_exact = ZERO     # overadvance interest × 360, exact
        daily_total = ZERO    # rounding="daily": each day's interest rounded
        over_daily = ZERO
        rates: list[str] = []
        cut = last
        while cut < day:
            while i < len(events) and events[i].date <= cut:
                r = events[i]
                base = _base(r, a, limit)
                if r.draw > 0:
                    draws += r.draw
                else:
                    repaid -= r.draw
                balance += r.draw
                i += 1
            nxt = min(day, events[i].date) if i < len(events) else day
            charged = max(balance, mbn)
            over = max(ZERO, balance - base)
            for seg in interest_segments(charged, cut, nxt, a.margin, a.floor, prime):
                exact += charged * seg.rate * seg.days
                daily_total += _cents(charged * seg.rate / _360) * seg.days
                rates.append(f"{seg.rate * 100:.2f}%")
            days = (nxt - cut).days
            over_exact += over * over_annual * days
            over_daily += _cents(over * over_annual / _360) * days
            cut = nxt
        if rounding == "period":
            interest, over_interest = _cents(exact / _360), _cents(over_exact / _360)
        elif rounding == "daily":
            interest, over_interest = daily_total, over_daily
        else:
            raise ValueError(f"rounding must be 'period' or 'daily' (got {rounding!r})")
        due = balance if day == final else ZERO
        rows.append({"date": day, "opening": opening, "draw": draws, "repaid": repaid, "borrowing_base": base,
                     "overadvance": max(ZERO, balance - base), "rates": "→".join(dict.fromkeys(rates)) or "—",
                     "days": (day - last).days, "interest": interest + over_interest,
                     "overadvance_interest": over_interest, "principal_due": due,
                     "principal_cash": repaid + due, "principal_stock": ZERO, "premium": ZERO, "shares": 0,
                     "series_d": 0, "limited_by": "", "closing": balance - due})
        balance -= due
        last = day
    return Schedule("Revolver + MBN", limit, tuple(rows), a, issue=issue, initial=ZERO, minimum=mbn,
                    movements=tuple((r.date, r.draw) for r in events if r.draw), until=stop)


# ============================================================================ default ======
def default_payment(principal: Decimal, interest: Decimal, fees: Decimal, multiple: Decimal | None = None) -> Decimal:
    """The Default Payment: ``multiple`` (130% in the deal file) × outstanding principal + accrued
    interest + fees (cited to the ATG MBN, public record: ``note_terms.default_payment_multiple``;
    ``None`` takes the embedded deal's). The multiple's part is rounded to the cent half-up
    (:data:`INTEREST_ROUNDING`).

    .. math:: DP = \\mathrm{round}(m\\,P) + I + F
    """
    if multiple is None:
        multiple = _embedded_deal().note_terms.default_payment_multiple.value
    return _cents(principal * multiple) + interest + fees


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


def default_interest(principal: Decimal, start: dt.date, end: dt.date, monthly: Decimal | None = None) -> Decimal:
    """Default interest: ``monthly`` × 12 per year on the principal, ACT/360, from ``start`` to
    ``end`` (the Laurus form adds 1.5% per month; ATG's figure is an assumption,
    ``note_terms.default_interest_monthly``; ``None`` takes the embedded deal's), rounded once
    half-up (:data:`INTEREST_ROUNDING`).

    .. math:: I_d = \\mathrm{round}(P \\cdot 12\\,m \\cdot days / 360)
    """
    if monthly is None:
        monthly = _embedded_deal().note_terms.default_interest_monthly.value
    days = (end - start).days
    if days < 0:
        raise ValueError(f"end {end} is before start {start}")
    return _cents(principal * monthly * 12 * days / _360)


def back_solve_demand(demand: Decimal, due: dt.date, a: NoteAssumptions, *, months_unpaid: Sequence[int] = (0, 1, 2, 3),
                      default_dates: Sequence[dt.date | None] = (None,), fee_rates: Sequence[Decimal] = (ZERO,),
                      prime: PrimeSeries | None = None, max_principal: Decimal | None = None,
                      principal_rounding: str = BACK_SOLVE_ROUNDING, months_from: dt.date | None = None):
    """Which outstanding principal balances are consistent with a demand, under the assumptions.

    ``demand = 1.30 P + I + F`` with ``I`` = contract interest for ``months_unpaid`` months before
    ``months_from`` (default ``due``) up to ``due``, plus default interest from a default date to
    ``due``, and ``F`` = fees as a fraction of ``P``. ``I`` and ``F`` are linear in ``P``, so

    .. math:: P = \\mathrm{round}\\Big(\\frac{demand}{1.30 + i + f}\\Big)

    for each combination, ``i`` being interest per dollar of principal, rounded to the cent by
    ``principal_rounding`` (named; default half-up). Months are counted back by
    :func:`dealkit.calendar.add_months`, keeping month ends (31 January 2008 − 1 month = 31
    December; − 11 months = 28 February 2007). With no unpaid months, no default interest and no
    fees, ``P = round(demand / 1.30)`` exactly. Returns a table, one row per combination, flagging
    balances above ``max_principal`` (more than the facility: ``None`` takes the embedded deal's
    :meth:`~dealkit.model.Deal.facility_total`) as inconsistent. The answer is the range, not one
    number."""
    import pandas as pd

    if max_principal is None:
        max_principal = _embedded_deal().facility_total()

    anchor = months_from or due
    rows = []
    for months in months_unpaid:
        start, per_dollar_contract = _per_dollar_contract(anchor, due, months, a, prime)
        for ddate in default_dates:
            per_dollar_default = _per_dollar_default(ddate, due, a)
            for fee in fee_rates:
                # P = 360 D / (360 m + 360 i + 360 f): one division, exact numerators
                p = (demand * _360 / (a.default_multiple * _360 + per_dollar_contract + per_dollar_default
                                      + fee * _360)).quantize(CENT, rounding=principal_rounding)
                interest = _cents(p * (per_dollar_contract + per_dollar_default) / _360)
                parts = _cents(p * a.default_multiple) + interest + _cents(p * fee)
                rows.append({"months of interest unpaid": months, "interest from": start,
                             "default interest from": ddate or "none",
                             "fees (% of principal)": f"{fee * 100:.1f}%", "principal": p,
                             _multiple_label(a): _cents(p * a.default_multiple), "interest": interest,
                             "fees": _cents(p * fee), "total (rounding ±1¢ a part)": parts,
                             "consistent": bool(0 < p <= max_principal)})
    return pd.DataFrame(rows)


def _per_dollar_contract(anchor: dt.date, due: dt.date, months: int, a: NoteAssumptions, prime) -> tuple[dt.date, Decimal]:
    """(start, 360 × contract interest per dollar of principal from ``months`` months before ``anchor``
    to ``due``), exact."""
    if isinstance(months, bool) or not isinstance(months, int) or months < 0:
        raise ValueError(f"months_unpaid: a whole number of months ≥ 0 (got {months!r})")
    start = add_months(anchor, -months)
    if start > due:
        raise ValueError(f"interest would start on {start}, after the due date {due}")
    return start, _numerator(Decimal(1), interest_segments(Decimal(1), start, due, a.margin, a.floor, prime))


def _per_dollar_default(ddate: dt.date | None, due: dt.date, a: NoteAssumptions) -> Decimal:
    """360 × default interest per dollar of principal from ``ddate`` to ``due`` (0 without a default date), exact."""
    if ddate is None:
        return Decimal(0)
    if ddate > due:
        raise ValueError(f"default date {ddate} is after the due date {due}")
    return a.default_interest_monthly * 12 * (due - ddate).days


def _months_before(day: dt.date, months: int) -> dt.date:
    """``months`` months before ``day``, keeping month ends (:func:`dealkit.calendar.add_months`)."""
    return add_months(day, -months)


# ============================================================================ economics ====
#: Who holds the Option, for whose economics its value enters (issue 10, item 4; deal-facts.md
#: "Parallel lender"): the choice is explicit and labelled in every flow table.
OPTION_HOLDERS = {
    "laurus": "in Laurus's flows (the escrow's Schedule A lists Laurus as the option recipient)",
    "gssf": "in GSSF's flows, not Laurus's (the Option names GSSF Master Fund, L.P. as Holder; GSSF is a "
            "Gryphon affiliate, the parallel lender's side)",
    "excluded": "in no lender's flows (the Option's value left out)",
}


def default_option_holder(deal) -> str:
    """The default of the ``option_holder`` choice: the Holder *the Option itself names*
    (``option.holder``: GSSF Master Fund, L.P., preamble: "GSSF MASTER FUND, L.P., or assigns (the
    'Holder')"). Why not Laurus: the executed instrument governs who holds it; the escrow's
    Schedule A only lists the recipient, and deal-facts.md "Parallel lender" records that GSSF is a
    Gryphon affiliate named as a separate secured party (Exhibit 4.21) — so the Option most likely
    belongs to the parallel lender's side. Neither reading is certain: it stays a parameter."""
    holder = deal.option.holder.value
    return holder if holder in OPTION_HOLDERS else "excluded"


def parse_option_holder(value: object, deal) -> str:
    """The ``option_holder`` parameter: ``laurus``, ``gssf``, ``excluded``, or ``deal`` for
    :func:`default_option_holder`. Anything else is a :class:`~dealkit.errors.ParameterError`
    naming the parameter and the value (cut short)."""
    from .errors import ParameterError

    text = value.strip().lower() if isinstance(value, str) else None
    if text == "deal":
        return default_option_holder(deal)
    if text in OPTION_HOLDERS:
        return text
    shown = repr(value)[:40] + ("…" if len(repr(value)) > 40 else "")
    raise ParameterError(f"parameter option_holder: one of {', '.join(OPTION_HOLDERS)} or deal (got {shown})")


def option_value(deal, market: Market, day: dt.date | None = None) -> Decimal:
    """The Option's intrinsic value on ``day`` (default: its issue date): all its shares (§1.1)
    at the market close less the exercise price (definitions (c)), never negative, to the cent
    half-up. No time value is added (a penny-strike option: intrinsic value is nearly all of it).

    .. math:: V = \\mathrm{round}(N \\cdot \\max(0, S_t - K))
    """
    o = deal.option
    day = day or o.issue_date.value
    return _cents(o.shares.value * max(Decimal(0), market.close(day) - o.exercise_price.value))


def lender_cash_flows(schedules: Sequence[Schedule], market: Market, funded: Decimal, closing: dt.date,
                      closing_payment: Decimal, recovery: Decimal | None = None,
                      recovery_date: dt.date | None = None, *, option_holder: str = "excluded",
                      option: Decimal | None = None) -> list[tuple[dt.date, Decimal, str]]:
    """Laurus's cash flows, each on its own date (issue 10, item 4):

    - each term note's face lent (−) on its issue date; **each revolver draw** lent (−) on the
      draw's own date and each repayment (+) on its own date (not only the first);
    - the Closing Payment to its manager (+) at ``closing``;
    - interest, cash principal due and premiums (+) on each payment date, conversion shares valued
      at the market close on the day (+);
    - the Option's value ``option`` (+, at ``closing``) **only when** ``option_holder == "laurus"``
      (one of :data:`OPTION_HOLDERS`; an explicit, labelled choice);
    - optionally a default recovery (+) on ``recovery_date``.

    A schedule cut at a default date (``stop=``) contributes the draws up to that date. ``funded``
    (the Escrowed Payment, FEA §1.1(d)) bounds what is lent at ``closing``: more is refused with a
    :class:`~dealkit.errors.DealDataError` naming the field (a deal file whose note faces exceed
    its Escrowed Payment).
    """
    if option_holder not in OPTION_HOLDERS:
        raise ValueError(f"option_holder must be one of {', '.join(OPTION_HOLDERS)} (got {option_holder!r})")
    flows = [(closing, closing_payment, "Closing Payment (FEA Schedule A)")]
    for s in schedules:
        if s.movements or s.initial == ZERO:
            for d, amt in s.movements:
                if s.until is None or d <= s.until:
                    flows.append((d, -amt, f"{s.note}: draw" if amt > 0 else f"{s.note}: repayment"))
        else:
            flows.append((s.issue or closing, -s.opening_balance, f"{s.note}: lent"))
        for r in s.rows:
            principal_cash = r["principal_cash"] - r.get("repaid", ZERO)  # repayments are dated flows above
            cash = r["interest"] + principal_cash + r["premium"]
            if cash:
                flows.append((r["date"], cash, f"{s.note}: interest, cash principal, premium"))
            if r["shares"]:
                flows.append((r["date"], _cents(r["shares"] * market.close(r["date"])),
                              f"{s.note}: {r['shares']:,} shares at market"))
    lent_at_closing = -sum((amt for d, amt, w in flows if d == closing and amt < 0), ZERO)
    if lent_at_closing > funded:
        raise DealDataError(f"deal file: escrow.escrowed_payment.value: the notes lend {lent_at_closing:,.2f} at closing, "
                            f"more than the {funded:,.2f} escrowed (FEA §1.1(d); Schedule A)",
                            field="escrow.escrowed_payment.value", value=str(funded))
    if option_holder == "laurus" and option is not None:
        flows.append((closing, option, "the Option at intrinsic value (option_holder = laurus)"))
    if recovery is not None and recovery_date is not None:
        flows.append((recovery_date, recovery, "default recovery (scenario)"))
    return sorted(flows, key=lambda f: f[0])


def xirr(flows: Sequence[tuple[dt.date, Decimal, str]]) -> float | None:
    """The annual internal rate of return of dated flows (pyxirr, actual/365); ``None`` when it
    does not exist (e.g. all flows of one sign). A float: a display figure, not money.

    .. math:: \\sum_j \\frac{CF_j}{(1 + r)^{(t_j - t_0)/365}} = 0
    """
    from pyxirr import xirr as _xirr

    dates = [f[0] for f in flows]
    amounts = [float(f[1]) for f in flows]
    if not (any(a > 0 for a in amounts) and any(a < 0 for a in amounts)):
        return None
    first = next(a for a in amounts if a)
    if first > 0:  # one orientation: a set of flows and its mirror give the very same rate
        amounts = [-a for a in amounts]
    try:
        return _xirr(dates, amounts)
    except Exception:  # pyxirr raises when no rate solves; say "none" rather than guess
        return None


# ============================================================================ the whole deal
def default_reports(deal) -> list[BorrowingBase]:
    """The revolver as funded at closing: the line (``notes.revolving.face``, $7,000,000) drawn in
    full through the escrow (the Escrowed Payment equals the facility), against the borrowing base
    the deal file assumes (``note_terms.borrowing_base_receivables`` and
    ``borrowing_base_inventory``: not in the sources; $6,000,000 and $4,000,000 by default)."""
    t = deal.note_terms
    return [BorrowingBase(deal.deal.closing_date.value, t.borrowing_base_receivables.value,
                          t.borrowing_base_inventory.value, deal.notes["revolving"].face.value)]


def build_schedules(deal, a: NoteAssumptions, market: Market, reports: Sequence[BorrowingBase] | None = None,
                    term_b_maturity: dt.date | None = None, stop: dt.date | None = None,
                    prime: PrimeSeries | None = None, rounding: Literal["period", "daily"] = "period",
                    *, convention: str | None = None) -> dict[str, Schedule]:
    """Term A, Term B and the revolver with the MBN, on the deal's faces and dates; payment and
    maturity dates moved by the deal's business-day convention (``convention`` overrides it)."""
    n = deal.notes
    issue = deal.deal.closing_date.value
    conv = convention or business_day_convention(deal)
    return {
        "term_a": term_a_schedule(n["term_a"].face.value, issue, n["term_a"].maturity.value, a, market, prime, rounding,
                                  stop, convention=conv),
        "term_b": term_b_schedule(n["term_b"].face.value, issue, term_b_maturity or n["term_b"].maturity.value, a,
                                  market, prime, rounding, stop, convention=conv),
        "revolver": revolver_schedule(n["revolving"].face.value, n["mbn"].face.value, issue, n["revolving"].maturity.value,
                                      a, reports if reports is not None else default_reports(deal), prime, rounding, stop,
                                      convention=conv),
    }


@dataclass(frozen=True)
class DefaultScenario:
    default_date: dt.date
    demand_date: dt.date
    principal: Decimal            # outstanding at the default date: what was drawn, not the line
    accrued_interest: Decimal     # contract interest since each note's last accrual date
    default_interest: Decimal     # from the default date to the demand date
    fees: Decimal
    payment: Decimal              # the Default Payment
    premium_over_principal: Decimal


def default_scenario(schedules: Mapping[str, Schedule], default_date: dt.date, demand_date: dt.date,
                     a: NoteAssumptions, fees: Decimal = ZERO, prime: PrimeSeries | None = None) -> DefaultScenario:
    """The Default Payment if the notes are accelerated on ``default_date`` and paid on
    ``demand_date`` (Default Payment cited to the ATG MBN; terms assumed):

    .. math:: DP = \\mathrm{round}(1.30 \\sum_n P_n) + \\sum_n \\big(\\mathrm{round}(I^c_n) + I^d_n\\big) + F

    - ``P_n``: each note's principal at the default date — **what was drawn** (a revolver counts
      its draws and repayments up to that day, never its limit; issue 10, item 7b);
    - ``I^c_n``: contract interest from the note's **last accrual date** — its last payment date,
      or its issue date when the default comes before the first payment date (item 3) — on the
      daily balance (at least the MBN on the revolver until the default date, the balance itself
      after acceleration) up to ``demand_date``, exact, rounded once half-up;
    - ``I^d_n``: default interest (``default_interest_monthly``) from default to demand;
    - ``F``: ``fees``.

    The schedules must stop at the default date (``stop=``): a row after it is refused."""
    if demand_date < default_date:
        raise ValueError(f"demand date {demand_date} is before the default date {default_date}")
    principal = accrued = dflt = ZERO
    for s in schedules.values():
        since = s.accrual_start()
        if since > default_date:
            raise ValueError(f"{s.note}: the schedule runs past the default date {default_date} "
                             f"(last row {since}); build it with stop={default_date}")
        exact = Decimal(0)  # contract interest × 360, exact
        bal, cut = s.outstanding, since
        for d, amt in sorted(s.movements):
            if not since <= d <= default_date:
                continue
            if d > cut:
                exact += _numerator(max(bal, s.minimum), interest_segments(max(bal, s.minimum), cut, d, a.margin,
                                                                           a.floor, prime))
                cut = d
            bal += amt
        if default_date > cut:
            exact += _numerator(max(bal, s.minimum), interest_segments(max(bal, s.minimum), cut, default_date,
                                                                       a.margin, a.floor, prime))
        if bal:  # after acceleration: interest on the balance itself (no MBN minimum)
            exact += _numerator(bal, interest_segments(bal, default_date, demand_date, a.margin, a.floor, prime))
            dflt += default_interest(bal, default_date, demand_date, a.default_interest_monthly)
        accrued += _cents(exact / _360)
        principal += bal
    payment = default_payment(principal, accrued + dflt, fees, a.default_multiple)
    return DefaultScenario(default_date, demand_date, principal, accrued, dflt, fees, payment, payment - principal)


def borrower_cash_flows(lender_flows: Sequence[tuple[dt.date, Decimal, str]], agent_fee: Decimal = ZERO
                        ) -> list[tuple[dt.date, Decimal, str]]:
    """ATG's side: the mirror of the lender's flows (what Laurus pays out ATG receives, and back),
    less the agent's fee retained from the escrow. Stock is a cost at its market value. With an
    agent fee of 0 the flows are exactly the negated lender flows, so ATG's all-in cost equals
    the lender's XIRR."""
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


_MONEY_TERMS = ("monthly_amount", "fixed_conversion_price")


def _term_text(name: str, value) -> str:
    """One note term as a reader reads it: money in $, a date in the one date format, every
    rate, test, cap, premium and multiple as a percent (``1.10`` → ``110.00%``)."""
    from . import fmt

    if isinstance(value, dt.date):
        return fmt.date(value)
    if name in _MONEY_TERMS:
        return fmt.money(value)
    return fmt.pct(Decimal(str(value)), None)


def assumptions_frame(deal, a: NoteAssumptions, overrides: Mapping[str, object] = ()):
    """Every note term in force: its value in this run, whether a parameter changed it, the deal
    file's value and range, and its source (an assumption's reason, or the public record);
    values as a reader reads them (:func:`_term_text`)."""
    import pandas as pd

    from . import fmt

    rows = []
    for name, key in _ASSUMPTION_FIELDS.items():
        cited = getattr(deal.note_terms, key)
        rows.append({"term": fmt.header(name), "in this run": _term_text(name, getattr(a, name)),
                     "set by": "parameter" if name in overrides else "deal file",
                     "deal file": _term_text(name, cited.value),
                     "range seen": (f"{_term_text(name, cited.range[0])} – {_term_text(name, cited.range[1])}"
                                    if cited.range else ""),
                     "source": deal.cite(cited.source)})
    for key in _DEAL_ONLY_TERMS:  # used as the deal file gives them (no parameter changes them)
        cited = getattr(deal.note_terms, key)
        rows.append({"term": key, "in this run": str(cited.value), "set by": "deal file",
                     "deal file": str(cited.value), "range seen": f"{cited.range[0]} – {cited.range[1]}" if cited.range else "",
                     "source": deal.cite(cited.source)})
    return pd.DataFrame(rows)


#: note_terms used as the deal file gives them: the revolver's borrowing base at closing.
_DEAL_ONLY_TERMS = ("borrowing_base_receivables", "borrowing_base_inventory")


_SHOWN = ["date", "opening", "draw", "repaid", "borrowing_base", "overadvance", "rates", "days", "interest",
          "principal_cash", "principal_stock", "premium", "shares", "series_d", "limited_by", "closing"]
_REVOLVER_ONLY = ("draw", "repaid", "borrowing_base", "overadvance")
#: The columns a reader adds up: a schedule's totals row (:data:`dealkit.display.table`'s ``totals``).
SCHEDULE_TOTALS = ("draw", "repaid", "interest", "principal_cash", "principal_stock", "premium", "shares", "series_d")


def schedule_display(schedule: Schedule):
    """The schedule's frame with the columns that apply, exact values (Decimal money, int shares):
    the formatting layer (:mod:`dealkit.fmt`) shows them as money and thousands; add up
    :data:`SCHEDULE_TOTALS` for a totals row."""
    frame = schedule.frame()
    if frame.empty:  # e.g. a default before the first payment date: no period has ended
        import pandas as pd

        return pd.DataFrame(columns=[c for c in _SHOWN if schedule.movements or c not in _REVOLVER_ONLY])
    cols = [c for c in _SHOWN if c in frame.columns]
    return frame[cols].copy()


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


# ============================================================================ reconciliation
def principal_variants(scenario: DefaultScenario, schedules: Mapping[str, Schedule] | None = None) -> dict[str, Decimal]:
    """Labelled principals at the default date: this run's, and what it would be had the term notes'
    principal paid before the default (in cash or stock) stayed outstanding — e.g. Term B, whose
    maturity was extended by waivers to dates not known, or Term A's Monthly Amounts deferred."""
    out = {"this run's schedules": scenario.principal}
    if not schedules:
        return out
    paid = {k: s.principal_cash + s.principal_stock - sum((r.get("repaid", ZERO) for r in s.rows), ZERO)
            for k, s in schedules.items() if not s.movements}
    b, a_ = paid.get("term_b", ZERO), paid.get("term_a", ZERO)
    if b:
        out["Term B still outstanding (not repaid before the default)"] = scenario.principal + b
    if a_:
        out["Term A's principal payments deferred"] = scenario.principal + a_
    if a_ and b:
        out["Term A and Term B both still outstanding"] = scenario.principal + a_ + b
    return out


def reconcile_demand(deal, a: NoteAssumptions, scenario: DefaultScenario, schedules: Mapping[str, Schedule] | None = None,
                     *, months_unpaid: Sequence[int] = (0, 1, 2, 3), default_from: Sequence[dt.date | None] | None = None,
                     prime: PrimeSeries | None = None, tolerance: Decimal = Decimal("1.00")):
    """The default scenario's payment against the demand of record (``default_demand``: $13,580,810
    due 2008-02-01), term by term (issue 10, item 6).

    The first row is the scenario itself. Then for every combination of

    - the principal at default (:func:`principal_variants`: this run's, or with term-note principal
      paid before the default still outstanding),
    - months of contract interest unpaid before the due date (counted back with month ends kept,
      :func:`dealkit.calendar.add_months`),
    - default interest (``default_interest_monthly``, assumed) from: none, the default date, or
      Term B's stated maturity (when it went unpaid),

    the payment

    .. math:: DP = \\mathrm{round}(1.30\\,P) + \\mathrm{round}(I_c) + I_d

    its difference from the demand (``demand − DP``: if positive, what fees would have to be),
    whether it reproduces the demand (``|difference| ≤ tolerance``; the demand is a round dollar
    figure), and the principal that *would* reproduce it on the same terms with no fees
    (:func:`back_solve_demand`), with its gap to ``P``. Rows after the first are sorted by the
    size of the difference, closest first. All money is ``Decimal``."""
    import pandas as pd

    demand = deal.default_demand.amount.value
    due = deal.default_demand.due_date.value
    if default_from is None:
        default_from = (None, scenario.default_date, deal.notes["term_b"].maturity.value)
    first = {"principal": "this run's default scenario", "months of interest unpaid": "since the last payment",
             "default interest from": scenario.default_date, "principal at default": scenario.principal,
             _multiple_label(a): _cents(scenario.principal * a.default_multiple),
             "contract interest": scenario.accrued_interest, "default interest": scenario.default_interest,
             "fees": scenario.fees, "payment": scenario.payment,
             "difference (demand − payment)": demand - scenario.payment,
             "reproduces": abs(demand - scenario.payment) <= tolerance}
    rows = []
    for label, p in principal_variants(scenario, schedules).items():
        for months in months_unpaid:
            start = add_months(due, -months)
            contract = _cents(_numerator(p, interest_segments(p, start, due, a.margin, a.floor, prime)) / _360)
            for dfrom in default_from:
                if dfrom is not None and dfrom > due:
                    continue
                dint = default_interest(p, dfrom, due, a.default_interest_monthly) if dfrom else ZERO
                pay = default_payment(p, contract + dint, ZERO, a.default_multiple)
                # the back-solve (:func:`back_solve_demand`, no fees) of the same terms
                needed = (demand * _360 / (a.default_multiple * _360 + _per_dollar_contract(due, due, months, a, prime)[1]
                                           + _per_dollar_default(dfrom, due, a))).quantize(CENT, rounding=BACK_SOLVE_ROUNDING)
                rows.append({"principal": label, "months of interest unpaid": months,
                             "default interest from": dfrom or "none", "principal at default": p,
                             _multiple_label(a): _cents(p * a.default_multiple), "contract interest": contract,
                             "default interest": dint, "fees": ZERO, "payment": pay,
                             "difference (demand − payment)": demand - pay,
                             "reproduces": abs(demand - pay) <= tolerance,
                             "principal that reproduces it": needed, "principal gap": needed - p})
    rows.sort(key=lambda r: abs(r["difference (demand − payment)"]))
    return pd.DataFrame([first, *rows])


def _signed(amount: Decimal) -> str:
    return f"{'−' if amount < 0 else ''}${abs(amount):,.2f}"


def reconciliation_summary(table, demand: Decimal) -> str:
    """One sentence (Markdown) on a :func:`reconcile_demand` table: how far this run's payment is
    from the demand, and which combinations reproduce it — or the closest and by how much."""
    first = table.iloc[0]
    hits = table.iloc[1:][table.iloc[1:]["reproduces"]]
    head = (f"Demand **${demand:,.2f}**; this run's Default Payment **${first['payment']:,.2f}** (difference "
            f"{_signed(first['difference (demand − payment)'])}). ")
    if len(hits):
        return head + f"**{len(hits)}** combination(s) reproduce the demand within $1 (marked below)."
    if len(table) < 2:
        return head + "No other combination was tried."
    best = table.iloc[1]
    return head + (f"No combination reproduces it within $1; the closest — {best['principal']}, "
                   f"{best['months of interest unpaid']} month(s) of interest unpaid, default interest from "
                   f"{best['default interest from']} — differs by **{_signed(best['difference (demand − payment)'])}** "
                   f"and would need a principal of ${best['principal that reproduces it']:,.2f}.")


# ------------------------------------------------------------ one run from string parameters --
@dataclass(frozen=True)
class NotesRun:
    """The notes as ``01_notes`` and the executive summary compute them from the same string
    parameters: the assumptions in force (and which a parameter set), the market, the default and
    demand dates, the schedules, the Option's holder, the default scenario and the lender's flows."""

    a: NoteAssumptions
    overrides: Mapping[str, object]
    market: Market
    stop: dt.date | None
    demand: dt.date
    schedules: Mapping[str, Schedule]
    holder: str
    default: "DefaultScenario | None"
    flows: tuple


def run_from_parameters(deal, prime=None, *, margin: str = "deal", floor: str = "deal", monthly_amount: str = "deal",
                        first_amortization: str = "deal", conversion_price: str = "deal", stock_price: str,
                        daily_volume: str, price_shock: str = "1", term_b_maturity: str = "deal",
                        default_date: str = "deal", demand_date: str = "deal", rounding: str = "period",
                        option_holder: str = "deal") -> NotesRun:
    """``01_notes``'s parameters (strings, ``"deal"`` for the deal file's value) → :class:`NotesRun`.

    ``default_date`` empty: no default; ``"deal"``: the notice of default of record; ``demand_date``
    ``"deal"``: the due date of the demand of record. Every bad value is one
    :class:`~dealkit.errors.ParameterError` naming the parameter (:mod:`dealkit.params`).
    """
    from .params import as_date, as_date_or_deal, as_int, as_money, as_price, as_rate

    overrides = {k: parse(v, k) for k, v, parse in (
        ("margin", margin, as_rate), ("floor", floor, as_rate), ("monthly_amount", monthly_amount, as_money),
        ("first_amortization", first_amortization, as_date), ("fixed_conversion_price", conversion_price, as_price))
        if str(v).strip() != "deal"}
    a = assumptions_from_deal(deal, **overrides)
    market = Market.for_deal(deal, as_price(stock_price, "stock_price"), as_int(daily_volume, "daily_volume", minimum=0),
                             shock=as_price(price_shock, "price_shock"))
    record = deal.default_demand
    stop = ((as_date_or_deal(default_date, "default_date") or record.notice_date.value)
            if str(default_date).strip() else None)
    demand = as_date_or_deal(demand_date, "demand_date") or record.due_date.value
    schedules = build_schedules(deal, a, market, term_b_maturity=as_date_or_deal(term_b_maturity, "term_b_maturity"),
                                stop=stop, prime=prime, rounding=rounding)
    holder = parse_option_holder(option_holder, deal)
    scenario = default_scenario(schedules, stop, demand, a, prime=prime) if stop else None
    flows = lender_cash_flows(list(schedules.values()), market, deal.escrow.escrowed_payment.value,
                              deal.deal.closing_date.value, deal.escrow.closing_payment.value,
                              scenario.payment if scenario else None, scenario.demand_date if scenario else None,
                              option_holder=holder, option=option_value(deal, market))
    return NotesRun(a, overrides, market, stop, demand, schedules, holder, scenario, tuple(flows))


def back_solve_of_record(deal, a: NoteAssumptions, prime=None):
    """:func:`back_solve_demand` of the demand of record: 0, 1, 3 or 6 months unpaid, default
    interest from nowhere, Term B's stated maturity or the notice of default, fees of 0 or 2%,
    principal at most the facility."""
    from .params import as_rate

    record = deal.default_demand
    return back_solve_demand(record.amount.value, record.due_date.value, a, months_unpaid=(0, 1, 3, 6),
                             default_dates=(None, deal.notes["term_b"].maturity.value, record.notice_date.value),
                             fee_rates=(ZERO, as_rate("2%", "fees")), prime=prime, max_principal=deal.facility_total())
