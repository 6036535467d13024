"""The notes over N price paths at once: numpy over paths × payment dates, in integer cents and
whole shares (``int64``), equal to the cent and the share to the ``Decimal`` schedule code of
:mod:`dealkit.notes` path for path (tests/test_risk_engine.py checks it on random paths).

Three layers:

1. **What no path changes** (:func:`build_plan`), computed once per set of terms *by calling
   dealkit.notes*: the payment dates, each period's opening balance, interest and principal due
   (:func:`dealkit.notes.term_a_schedule` / :func:`~dealkit.notes.term_b_schedule` run on a market in
   which no stock can be paid: the balance of a term note falls by the amount due whether it is
   paid in stock or cash), the 4.99% cap (:func:`dealkit.option.max_exercisable`, Option §10 / the
   Laurus note form), and the Default Payment for every possible default date
   (:func:`dealkit.notes.default_scenario`).
2. **What each path decides** (:func:`run`): the 5-day average close test (``amortization_share_test``
   / ``maturity_conversion_test`` × FCP), the volume cap (``× 22-day dollar volume``, rounded down
   to the cent), shares = ⌊amount / FCP⌋ limited by the 4.99% cap, the Series D route (÷10,000,
   letter of Sept 6, 2005), the principal credited ⌊shares × FCP⌋ to the cent, the cash rest and
   its premium (``cash_premium − 1``, half-up to the cent), and default.
3. **With a holder's policy** (:class:`HolderPolicy` other than the default) the balances depend on
   the path, so :func:`run` goes date by date (:func:`_policy_rows`, numpy over paths): interest
   from each row's exact Σ rate × days (the plan's ``rate_parts``, dealkit.notes' rule), the
   Monthly Amount on the path's balance, the stock payment, the optional conversion, the holder's
   sales, and the Default Payment from the path's balances. Its Decimal twin is
   :func:`decimal_policy_schedules` (dealkit.notes and dealkit.option functions).

Default on a path (a rule of this module, not of the notes; switchable, ``default_rule``):

- ``"none"``: ATG always pays.
- ``"cash_capacity"`` (default): ATG can pay at most ``cash_capacity`` in cash on a payment date
  (interest + cash principal + premium across the term notes, plus the revolver per ``revolver``;
  an assumption, not in any source).
  On the first payment date where the cash due is more, the payment is not made: an Event of
  Default on that date, the notes are accelerated, and the Default Payment (130% of principal +
  accrued and default interest to the demand ``demand_lag_days`` later; notes.default_scenario) is
  demanded, of which ``recovery_rate`` is recovered on the demand date. Nothing after the default
  date is paid.

The revolver and the MBN (``revolver``, a rule of this module; switchable): the $7,000,000
Secured Revolving Note with the $3,000,000 Minimum Borrowing Note inside it, as
:func:`dealkit.notes.revolver_schedule` runs it on the deal's borrowing-base reports
(:func:`dealkit.notes.default_reports`: drawn in full at closing through the escrow; daily-balance
interest on at least the MBN). Its draws do not depend on the stock, so it is computed once.

- ``"refinanced"`` (default): its interest is cash due on each payment date (it counts against
  ``cash_capacity``); its balance at maturity (the balloon) is repaid from the borrowing base —
  refinanced by an asset-based lender against the same receivables and inventory (assumed; the
  record shows no refinancing) — so it is paid to Laurus but does not count against the capacity.
- ``"cash"``: the balloon is cash due too (default if it exceeds the capacity: the range's
  pessimistic end).
- ``"excluded"``: the revolver is left out (the term notes alone, the first pass's figures).

In the two first cases the revolver is in the lender's flows (each draw −, each repayment,
interest and the balloon +), in ATG's cost, and in a default: its drawn balance is accelerated
with the term notes (the Default Payment of :func:`dealkit.notes.default_scenario` over the three
notes; 130% of the total principal) and ``recovery_rate`` of the whole is recovered. Its draws
and repayments must fall on the closing date or a payment date (the flows' dates).

The holder's optional conversion (``holder``, :class:`HolderPolicy`; the Laurus note form's
optional conversion at the Fixed Conversion Price, :func:`dealkit.notes.optional_conversion`):
``none`` (default), or convert on each payment date of a note, after its payment, when the close
that day is ≥ ``trigger`` × FCP, principal outstanding up to ``volume_cap`` × 22-day dollar
volume less the principal the scheduled payments credited in stock that day (a resale limit:
assumed), Term A first, within the 4.99% cap (:func:`dealkit.option.max_exercisable`, reading
``literal`` or ``post_issuance``). Holdings: with ``sell_fraction`` unset the holder is taken to
hold none of the shares of earlier conversions at the next one (the first pass's assumption: every
conversion sees the holder's shares at closing); with a ``sell_fraction`` f the holder's shares
build up — every conversion's shares are added, and the shares outstanding grow by them (Option
§10: 4.99% "of the issued and outstanding shares") — and between payment dates it sells
⌊f × the shares traded⌋ on the trading days from the previous payment date to the day before
(assumed; f = 0: it never sells).

Integer units: money in cents; closes in micro-dollars (:data:`dealkit.market.PRICE_SCALE`);
dollar volume in micro-dollar-shares. Every product is bounded before it is formed
(:func:`_guard`), so ``int64`` cannot overflow silently.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import functools
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Literal, Mapping, Sequence

import numpy as np

from . import notes
from .errors import ParameterError
from .market import PRICE_SCALE, Assumption, PricePaths
from .option import READINGS, max_exercisable

__all__ = ["DEFAULT_RULES", "REVOLVER_RULES", "HOLDER_RULES", "HolderPolicy", "holder_policy", "RiskTerms", "risk_terms", "NotePlan", "Plan", "build_plan", "Windows", "windows",
           "NoteResult", "Result", "run", "decimal_reference", "decimal_policy_schedules", "decimal_flows",
           "LIMITED_BY", "RevolverPlan"]

DEFAULT_RULES = ("cash_capacity", "none")
#: What becomes of the revolver (module docstring).
REVOLVER_RULES = ("refinanced", "cash", "excluded")
#: The holder's optional-conversion rules (:class:`HolderPolicy`).
HOLDER_RULES = ("none", "convert")
#: limited_by codes of the engine, as the schedule code spells them.
LIMITED_BY = ("", "price test", "volume cap", "4.99% cap")
_INT64_SAFE = 2**62


def _guard(bound: int, what: str) -> None:
    if bound >= _INT64_SAFE:
        raise ParameterError(f"{what}: values too large for exact int64 arithmetic (bound {bound:.3e})")


def _cents(d: Decimal) -> int:
    q = d * 100
    if q != q.to_integral_value():
        raise ValueError(f"not whole cents: {d}")
    return int(q)


# ============================================================================ assumptions ==
@dataclass(frozen=True)
class RiskTerms:
    """The risk model's own assumptions (none is a term of the deal): the default rule, ATG's cash
    capacity per payment date, the lag from default to demand, and the share of the Default
    Payment recovered."""

    default_rule: str
    cash_capacity: Decimal
    demand_lag_days: int
    recovery_rate: Decimal
    revolver: str = "refinanced"
    holder: "HolderPolicy" = None  # type: ignore[assignment]   # None: HolderPolicy() (no optional conversion)

    def __post_init__(self):
        if self.holder is None:
            object.__setattr__(self, "holder", HolderPolicy())

    def assumptions(self) -> dict[str, Assumption]:
        return {**self._own(), **self.holder.assumptions()}

    def _own(self) -> dict[str, Assumption]:
        return {
            "revolver": Assumption("revolver", self.revolver, {
                "refinanced": "assumed: revolver interest is cash due; its balloon is refinanced from the borrowing base",
                "cash": "assumed: revolver interest and its balloon are cash due (default if beyond capacity)",
                "excluded": "assumed: the revolver and the MBN are left out"}[self.revolver]),
            "default_rule": Assumption("default_rule", self.default_rule,
                                       "assumed: default when a payment's cash exceeds ATG's cash capacity"
                                       if self.default_rule == "cash_capacity" else "assumed: ATG always pays"),
            "cash_capacity": Assumption("cash_capacity", f"${self.cash_capacity:,.2f}",
                                        "assumed: cash ATG can pay on one payment date; not in the sources"),
            "demand_lag_days": Assumption("demand_lag_days", self.demand_lag_days,
                                          "as in the record: notice 2008-01-31, payment demanded 2008-02-01"),
            "recovery_rate": Assumption("recovery_rate", f"{self.recovery_rate}",
                                        "assumed: share of the Default Payment Laurus recovers; not in the sources"),
        }


def risk_terms(default_rule: str = "cash_capacity", cash_capacity: str | Decimal = "250000.00",
               demand_lag_days: int = 1, recovery_rate: str | Decimal = "0.50", revolver: str = "refinanced",
               holder: "HolderPolicy | None" = None) -> RiskTerms:
    """:class:`RiskTerms`, validated (one clear :class:`ParameterError` per bad value)."""
    if revolver not in REVOLVER_RULES:
        raise ParameterError(f"parameter revolver: unknown rule, choose one of {', '.join(REVOLVER_RULES)} "
                             f"(got {str(revolver)[:40]!r})")
    if default_rule not in DEFAULT_RULES:
        raise ParameterError(f"parameter default_rule: unknown rule, choose one of {', '.join(DEFAULT_RULES)} "
                             f"(got {str(default_rule)[:40]!r})")
    from .params import as_money, as_rate

    cap = as_money(cash_capacity, "cash_capacity") if not isinstance(cash_capacity, Decimal) else cash_capacity
    rec = as_rate(recovery_rate, "recovery_rate") if not isinstance(recovery_rate, Decimal) else recovery_rate
    if isinstance(demand_lag_days, bool) or not isinstance(demand_lag_days, int) or demand_lag_days < 0:
        raise ParameterError(f"parameter demand_lag_days: expected a whole number ≥ 0 (got {demand_lag_days!r})")
    return RiskTerms(default_rule, cap, demand_lag_days, rec, revolver, holder or HolderPolicy())


@dataclass(frozen=True)
class HolderPolicy:
    """The holder's optional conversion (module docstring): ``rule`` ``"none"`` or ``"convert"``
    (when the close is ≥ ``trigger`` × FCP); ``volume_cap`` (None: the deal's
    ``amortization_volume_cap``); ``reading`` of the 4.99% cap for every conversion (Option §10,
    :data:`dealkit.option.READINGS`); ``sell_fraction`` (None: holdings not tracked)."""

    rule: str = "none"
    trigger: Decimal | None = None
    volume_cap: Decimal | None = None
    reading: str = "literal"
    sell_fraction: Decimal | None = None

    @property
    def legacy(self) -> bool:
        """No optional conversion, holdings not tracked, the literal cap: the schedules of
        dealkit.notes as they stand (the vectorized fast path)."""
        return self.rule == "none" and self.sell_fraction is None and self.reading == "literal"

    def assumptions(self) -> dict[str, Assumption]:
        conv = ("none: the holder converts only the scheduled payments" if self.rule == "none" else
                f"convert when the close is ≥ {self.trigger} × the Fixed Conversion Price, within "
                f"{'the amortization volume cap' if self.volume_cap is None else self.volume_cap} × 22-day dollar volume")
        sell = ("not tracked: each conversion sees the holder's shares at closing" if self.sell_fraction is None else
                f"{self.sell_fraction} of each day's volume sold; holdings build up")
        return {"holder": Assumption("holder", conv, "assumed: the holder's optional conversion (Laurus note form)"),
                "cap_reading": Assumption("cap_reading", self.reading, "Option §10 / note form 4.99% cap: reading chosen"),
                "holder_sells": Assumption("holder_sells", sell, "assumed: no record of Laurus's sales")}


def holder_policy(rule: str = "none", trigger: str | Decimal | None = None, volume_cap: str | Decimal | None = None,
                  reading: str = "literal", sell_fraction: str | Decimal | None = None) -> HolderPolicy:
    """:class:`HolderPolicy`, validated (one clear :class:`ParameterError` per bad value)."""
    from .params import as_rate

    if rule not in HOLDER_RULES:
        raise ParameterError(f"parameter holder: unknown rule, choose one of {', '.join(HOLDER_RULES)} "
                             f"(got {str(rule)[:40]!r})")
    if reading not in READINGS:
        raise ParameterError(f"parameter reading: choose one of {', '.join(READINGS)} (got {str(reading)[:40]!r})")

    def dec(v, name, lo, hi):
        if v is None:
            return None
        try:
            d = v if isinstance(v, Decimal) else Decimal(str(v).strip())
        except Exception:
            d = Decimal("NaN")
        if not d.is_finite() or not lo <= d <= hi:
            raise ParameterError(f"parameter {name}: expected a number from {lo} to {hi} (got {str(v)[:40]!r})")
        return d

    trigger = dec(trigger, "trigger", Decimal(0), Decimal(1000))
    if rule == "convert" and trigger is None:
        raise ParameterError("parameter trigger: the convert rule needs a trigger (e.g. 1.25 × the Fixed Conversion Price)")
    return HolderPolicy(rule, trigger, dec(volume_cap, "volume_cap", Decimal(0), Decimal(1)), reading,
                        dec(sell_fraction, "sell_fraction", Decimal(0), Decimal(1)))


# ============================================================================ plan ========
@dataclass(frozen=True, eq=False)
class NotePlan:
    """One term note's path-independent columns (cents) and its stock-payment test."""

    name: str
    schedule: notes.Schedule          # the Decimal schedule with no stock paid (dates, interest, due)
    cols: np.ndarray                  # grid column of each row
    opening: np.ndarray
    interest: np.ndarray
    due: np.ndarray
    threshold: int                    # the test passes when Σ 5 closes (micro-dollars) ≥ threshold
    volume_cap: Fraction
    premium: Fraction                 # cash_premium − 1 (0 for Term B)
    face: int = 0                     # cents
    rate_parts: tuple = ()            # per row: ((Σ rate × days / 360 as a Fraction, multiplier), ...) (below)
    amortizes: np.ndarray | None = None   # per row: a Monthly Amount is due (not the last row)
    last_col: int = 0                 # grid column of the maturity
    accrual: tuple = ()               # per grid k: Σ rate × days / 360 from the note's last row before k to demand
    default_interest: Fraction = Fraction(0)   # per k the same for every note: 12 m × lag days / 360


@dataclass(frozen=True, eq=False)
class RevolverPlan:
    """The revolver with the MBN (path-independent): per grid column, cents."""

    schedule: notes.Schedule
    cols: np.ndarray                  # grid column of each row
    interest: np.ndarray              # per row
    principal: np.ndarray             # per row: repayments and the balloon (principal_cash)
    cash_due: np.ndarray              # per row: what counts against the cash capacity
    moves: np.ndarray                 # per flow column (closing, *grid): draws (−) and repayments (+) as dated
    move_k: np.ndarray                # per flow column: the grid index from which it is cut by a default (−1: never)


@dataclass(frozen=True, eq=False)
class Plan:
    """Everything a run needs that no path changes."""

    a: notes.NoteAssumptions
    terms: RiskTerms
    issue: dt.date
    funded: int                        # cents lent under the term notes
    grid: tuple[dt.date, ...]          # every payment date of the notes
    notes: Mapping[str, NotePlan]
    fcp: Fraction
    limit: int                         # most shares one conversion may issue (4.99% cap, holdings at closing)
    series_d: bool
    outstanding: int
    default_date: tuple[dt.date, ...]  # per grid date k: demand date if default on k
    demand: tuple[dt.date, ...]
    default_principal: np.ndarray      # per k, cents (legacy: all notes; else the revolver's part)
    default_payment: np.ndarray        # per k, cents (notes.default_scenario; else the revolver's interest part)
    recovery: np.ndarray               # per k, cents (legacy only)
    capacity: int                      # cents
    revolver: RevolverPlan | None = None
    holder_owns: int = 0
    cap: Fraction = Fraction(0)        # the 4.99% cap as a fraction
    #: Common per Series D preferred share while ``series_d`` (letter of Sept 6, 2005: the deal's
    #: ``capitalization.series_d_ratio``).
    series_d_ratio: int = 1


def _threshold(test: Decimal, fcp: Fraction) -> int:
    """Smallest integer Σ of 5 closes (micro-dollars) with average ≥ test × FCP:
    ``⌈5 · PRICE_SCALE · test · FCP⌉`` (the comparison of notes._stock_payment, exactly)."""
    t = 5 * PRICE_SCALE * Fraction(test) * fcp
    return -((-t.numerator) // t.denominator)


_FIXED: dict = {}


def _sum_rate_days(start: dt.date, end: dt.date, a: notes.NoteAssumptions, prime) -> list[tuple[Fraction, int]]:
    """The (rate, days) pieces of :func:`dealkit.notes.interest_segments` from ``start`` to ``end``."""
    return [(Fraction(g.rate), g.days) for g in notes.interest_segments(Decimal(1), start, end, a.margin, a.floor, prime)]


def _rate_parts(pieces: list[tuple[Fraction, int]], rounding: str) -> tuple:
    """How a row's interest is rounded (notes._interest_row): ``period``: one part
    ``round(B · Σ r·d / 360)``; ``daily``: ``Σ round(B · r / 360) · d`` (parts of (factor, days))."""
    if rounding == "period":
        return ((sum((r * d for r, d in pieces), Fraction(0)) / 360, 1),)
    return tuple((r / 360, d) for r, d in pieces)


def _fixed_layer(deal, a: notes.NoteAssumptions, terms: RiskTerms, tb: dt.date, prime, rounding):
    """The Decimal schedules with no stock paid, the revolver, and the Default Payment for a
    default on each payment date, by dealkit.notes; cached on the terms they depend on (a run that
    changes only the Fixed Conversion Price, the tests, the caps or the premium reuses them)."""
    key = (id(deal), id(prime), rounding, tb, terms.demand_lag_days, terms.recovery_rate, terms.revolver, a.margin,
           a.floor, a.monthly_amount, a.first_amortization, a.default_multiple, a.default_interest_monthly,
           a.overadvance_monthly, a.advance_rate_receivables, a.advance_rate_inventory)
    hit = _FIXED.get(key)
    if hit is not None and hit[0] is deal and hit[1] is prime:
        return hit[2]
    n = deal.notes
    issue = deal.deal.closing_date.value
    none = notes.Market(Decimal(0), 0)   # no stock can be paid: price 0 fails every test
    sched = {
        "term_a": notes.term_a_schedule(n["term_a"].face.value, issue, n["term_a"].maturity.value, a, none, prime, rounding),
        "term_b": notes.term_b_schedule(n["term_b"].face.value, issue, tb, a, none, prime, rounding),
    }
    rev = None
    if terms.revolver != "excluded":
        rev = notes.revolver_schedule(n["revolving"].face.value, n["mbn"].face.value, issue, n["revolving"].maturity.value,
                                      a, notes.default_reports(deal), prime, rounding)
    every = {**sched, **({"revolver": rev} if rev else {})}
    grid = tuple(sorted({r["date"] for s in every.values() for r in s.rows}))
    # The Default Payment for a default on each grid date: the schedules as they stand the day
    # before (the rows dated before it), accelerated; demand demand_lag_days later. Also the
    # revolver's part alone (the path-dependent engine adds the term notes' parts per path).
    dd, dem, dprin, dpay, drec, rprin, rint = [], [], [], [], [], [], []
    for day in grid:
        stopped = {k: dataclasses.replace(s, rows=tuple(r for r in s.rows if r["date"] < day)) for k, s in every.items()}
        demand = day + dt.timedelta(days=terms.demand_lag_days)
        ds = notes.default_scenario(stopped, day, demand, a, prime=prime)
        dd.append(day)
        dem.append(demand)
        dprin.append(_cents(ds.principal))
        dpay.append(_cents(ds.payment))
        drec.append(_cents((ds.payment * terms.recovery_rate).quantize(notes.CENT, rounding=ROUND_HALF_UP)))
        if rev:
            rs = notes.default_scenario({"revolver": stopped["revolver"]}, day, demand, a, prime=prime)
            rprin.append(_cents(rs.principal))
            rint.append(_cents(rs.accrued_interest + rs.default_interest))
        else:
            rprin.append(0)
            rint.append(0)
    if len(_FIXED) > 256:
        _FIXED.clear()
    out = (sched, rev, grid, (dd, dem, dprin, dpay, drec, rprin, rint))
    _FIXED[key] = (deal, prime, out)
    return out


def _revolver_plan(rev: notes.Schedule, grid, issue, rule: str) -> RevolverPlan:
    col = {d: i for i, d in enumerate(grid)}
    cols = np.array([col[r["date"]] for r in rev.rows], dtype=np.int64)
    interest = np.array([_cents(r["interest"]) for r in rev.rows], dtype=np.int64)
    repaid = np.array([_cents(r["repaid"]) for r in rev.rows], dtype=np.int64)
    principal = np.array([_cents(r["principal_cash"]) for r in rev.rows], dtype=np.int64)
    cash = interest + (principal if rule == "cash" else 0)
    moves = np.zeros(len(grid) + 1, dtype=np.int64)
    move_k = np.full(len(grid) + 1, -1, dtype=np.int64)
    for d, amt in rev.movements:
        if d == issue:
            c = 0
        elif d in col:
            c = col[d] + 1
            move_k[c] = col[d]
        else:
            raise ParameterError(f"revolver: a draw or repayment on {d} is not on the closing date or a payment date; "
                                 "the path engine dates flows on those only")
        moves[c] -= _cents(amt)
    # Row principal as paid on the row's date: the balloon (repayments are dated flows in moves).
    return RevolverPlan(rev, cols, interest, principal - repaid, cash, moves, move_k)


def build_plan(deal, a: notes.NoteAssumptions, terms: RiskTerms | None = None, *, term_b_maturity: dt.date | None = None,
               outstanding: int | None = None, authorized: int | None = None, holder_owns: int = 0,
               prime=None, rounding: Literal["period", "daily"] = "period") -> Plan:
    """The path-independent layer, computed by dealkit.notes on the deal's faces and dates.

    Term A: Term Note A schedule (amortizing; Monthly Amount from ``first_amortization``); Term B:
    Term Note B (bullet, maturity ``term_b_maturity`` or the deal's); the revolver with the MBN
    (:func:`dealkit.notes.revolver_schedule`, unless ``terms.revolver == "excluded"``). The 4.99%
    cap per conversion is :func:`dealkit.option.max_exercisable` (outstanding, holder's shares;
    the policy's reading), the same call :func:`dealkit.notes.optional_conversion` makes.
    """
    terms = terms or risk_terms()
    n = deal.notes
    issue = deal.deal.closing_date.value
    outstanding = outstanding if outstanding is not None else deal.capitalization.outstanding_at_closing.value
    authorized = authorized if authorized is not None else deal.capitalization.authorized_at_closing.value
    if a.fixed_conversion_price <= 0:
        raise ParameterError(f"parameter fixed_conversion_price: must be positive (got {a.fixed_conversion_price})")
    tb = term_b_maturity or n["term_b"].maturity.value
    sched, rev, grid, defaults = _fixed_layer(deal, a, terms, tb, prime, rounding)
    col = {d: i for i, d in enumerate(grid)}
    fcp = Fraction(a.fixed_conversion_price)
    lag = terms.demand_lag_days
    dint = Fraction(a.default_interest_monthly) * 12 * lag / 360
    plans = {}
    for name, s in sched.items():
        test = a.amortization_share_test if name == "term_a" else a.maturity_conversion_test
        cap = a.amortization_volume_cap if name == "term_a" else a.maturity_volume_cap
        prem = Fraction(a.cash_premium - 1) if name == "term_a" else Fraction(0)
        starts = [issue] + [r["date"] for r in s.rows[:-1]]
        parts = tuple(_rate_parts(_sum_rate_days(st, r["date"], a, prime), rounding) for st, r in zip(starts, s.rows))
        amort = np.array([name == "term_a" and r["date"] >= a.first_amortization for r in s.rows], dtype=bool)
        amort[-1] = False
        acc = []
        for day in grid:   # a default on ``day``: interest from the last row before it to the demand
            since = max([issue] + [r["date"] for r in s.rows if r["date"] < day])
            end = day + dt.timedelta(days=lag)
            acc.append(sum((r * d for r, d in _sum_rate_days(since, end, a, prime)), Fraction(0)) / 360)
        plans[name] = NotePlan(name, s, np.array([col[r["date"]] for r in s.rows], dtype=np.int64),
                               np.array([_cents(r["opening"]) for r in s.rows], dtype=np.int64),
                               np.array([_cents(r["interest"]) for r in s.rows], dtype=np.int64),
                               np.array([_cents(r["principal_due"]) for r in s.rows], dtype=np.int64),
                               _threshold(test, fcp), Fraction(cap), prem, _cents(s.face), parts, amort,
                               col[s.rows[-1]["date"]], tuple(acc), dint)
    h = terms.holder
    limit = max_exercisable(outstanding, holder_owns, a.conversion_cap, h.reading)
    dd, dem, dprin, dpay, drec, rprin, rint = defaults
    funded = sum(_cents(s.face) for s in sched.values())
    legacy = h.legacy
    cap_d = deal.capitalization  # the Series D route: the loaded deal's threshold and ratio
    return Plan(a, terms, issue, funded, grid, plans, fcp, limit, authorized < cap_d.series_d_until_authorized.value, outstanding,
                tuple(dd), tuple(dem), np.array(dprin if legacy else rprin, dtype=np.int64),
                np.array(dpay if legacy else rint, dtype=np.int64), np.array(drec, dtype=np.int64),
                _cents(terms.cash_capacity), _revolver_plan(rev, grid, issue, terms.revolver) if rev else None,
                holder_owns, Fraction(a.conversion_cap), cap_d.series_d_ratio.value)


# ============================================================================ windows =====
@dataclass(frozen=True, eq=False)
class Windows:
    """Per path and grid date: Σ of the 5 closes before it (micro-dollars), the 22-day dollar
    volume before it (micro-dollar-shares), and the close on or before it (micro-dollars)."""

    grid: tuple[dt.date, ...]
    sum5: np.ndarray
    dv22: np.ndarray
    close: np.ndarray
    volumes: np.ndarray | None = None   # the paths' daily volumes (for vsum)
    need: np.ndarray | None = None      # per grid date: trading days before it

    @functools.cached_property
    def vsum(self) -> np.ndarray:
        """Shares traded on the trading days from the previous grid date (inclusive) to this one
        (exclusive); 0 for the first grid date (what the holder may sell before a conversion).
        Computed on first use (only a policy that tracks holdings needs it)."""
        v, k = self.volumes, self.need
        _guard(int(v.max(initial=0)) * v.shape[1], "price path volumes")
        out = np.zeros((v.shape[0], len(self.grid)), dtype=np.int64)
        for i in range(0, v.shape[0], 2048):
            cs = np.zeros((min(2048, v.shape[0] - i), v.shape[1] + 1), dtype=np.int64)
            np.cumsum(v[i:i + 2048], axis=1, out=cs[:, 1:])
            out[i:i + 2048, 1:] = cs[:, k[1:]] - cs[:, k[:-1]]
        return out


def windows(paths: PricePaths, grid: tuple[dt.date, ...]) -> Windows:
    """The market figures the schedule code reads on each grid date (notes.Market.average_close,
    dollar_volume and close), from cumulative sums. The path must cover 22 trading days before
    the first grid date (see :func:`dealkit.market.path_window`)."""
    dates = paths.dates
    need = [bisect.bisect_left(dates, d) for d in grid]
    if min(need) < 22 or max(need) > len(dates):
        raise ParameterError(f"price path: must cover the 22 trading days before {grid[0]} through {grid[-1]}; it runs "
                             f"{dates[0]} to {dates[-1]}")
    c, v = paths.closes, paths.volumes
    _guard(int(c.max()) * len(dates), "price path closes")
    _guard(int(c.max()) * int(v.max()) * 22, "price path close × volume")
    n = c.shape[0]
    k = np.array(need)
    on = np.array([bisect.bisect_right(dates, d) - 1 for d in grid])
    sum5 = np.empty((n, len(grid)), dtype=np.int64)
    dv22 = np.empty((n, len(grid)), dtype=np.int64)
    block = 2048   # rows at a time: the work arrays stay small and are reused
    cs = np.zeros((min(block, n), len(dates) + 1), dtype=np.int64)
    prod = np.empty((min(block, n), len(dates)), dtype=np.int64)
    for i in range(0, n, block):
        j = min(n, i + block)
        m = j - i
        np.cumsum(c[i:j], axis=1, out=cs[:m, 1:])
        sum5[i:j] = cs[:m, k] - cs[:m, k - 5]
        np.multiply(c[i:j], v[i:j], out=prod[:m])
        np.cumsum(prod[:m], axis=1, out=cs[:m, 1:])
        dv22[i:j] = cs[:m, k] - cs[:m, k - 22]
    return Windows(grid, sum5, dv22, c[:, on], v, k)


# ============================================================================ run =========
@dataclass(frozen=True, eq=False)
class NoteResult:
    """Per path × row of one note (cents, shares); rows after a default are zero."""

    interest: np.ndarray
    principal_cash: np.ndarray
    principal_stock: np.ndarray
    premium: np.ndarray
    shares: np.ndarray
    series_d: np.ndarray
    limited_by: np.ndarray     # codes into LIMITED_BY (before any default)
    paid: np.ndarray           # bool: the row was paid (not at or after the default date)
    opt_principal: np.ndarray | None = None   # principal converted by the holder's option after the row
    opt_shares: np.ndarray | None = None
    opt_series_d: np.ndarray | None = None
    closing: np.ndarray | None = None         # principal outstanding after the row (policy engine only)

    @property
    def all_shares(self) -> np.ndarray:
        return self.shares if self.opt_shares is None else self.shares + self.opt_shares


@dataclass(frozen=True, eq=False)
class Result:
    plan: Plan
    notes: Mapping[str, NoteResult]
    default_k: np.ndarray      # grid index of the default, −1 for none
    cash_due: np.ndarray       # per path × grid date, cents (before default)
    close: np.ndarray          # per path × grid date, micro-dollars
    recovery: np.ndarray       # cents, per path (0 without default)
    default_payment: np.ndarray
    default_principal: np.ndarray
    revolver_paid: np.ndarray | None = None   # per path × revolver row: paid (before the default date)
    moves_paid: np.ndarray | None = None      # per path × flow column: the revolver's dated flow happened

    @property
    def n(self) -> int:
        return self.default_k.shape[0]


def _note_rows(p: NotePlan, plan: Plan, w: Windows) -> dict[str, np.ndarray]:
    """The stock test, the caps and the cash rest on every path for the rows of ``p`` with
    principal due (rows without are interest only: nothing in stock, ``limited_by`` empty)."""
    n, rows = w.sum5.shape[0], len(p.cols)
    out = {k: np.zeros((n, rows), dtype=np.int64) for k in ("principal_cash", "principal_stock", "premium", "shares",
                                                               "series_d")}
    out["limited_by"] = np.zeros((n, rows), dtype=np.int8)
    out["interest"] = np.broadcast_to(p.interest, (n, rows))
    j = np.nonzero(p.due > 0)[0]
    if not j.size:
        return out
    cols = p.cols[j]
    due = p.due[j][None, :]
    passed = w.sum5[:, cols] >= p.threshold
    _guard(int(w.dv22.max(initial=0)) * p.volume_cap.numerator, f"{p.name} dollar volume × cap")
    cap_cents = (w.dv22[:, cols] * p.volume_cap.numerator) // (p.volume_cap.denominator * (PRICE_SCALE // 100))
    allowed = np.minimum(due, cap_cents)
    f_num, f_den = plan.fcp.numerator, plan.fcp.denominator
    _guard(int(p.due.max(initial=0)) * f_den, f"{p.name} shares")
    shares = (allowed * f_den) // (100 * f_num)
    capped = shares > plan.limit
    np.minimum(shares, plan.limit, out=shares)
    if plan.series_d:
        sd = shares // plan.series_d_ratio
        shares = sd * plan.series_d_ratio
    else:
        sd = np.zeros_like(shares)
    _guard(int(shares.max(initial=0)) * f_num * 100, f"{p.name} principal credited")
    credited = (shares * f_num * 100) // f_den
    shares *= passed
    sd *= passed
    credited *= passed
    code = np.where(passed, np.where(capped, 3, np.where(allowed < due, 2, 0)), 1).astype(np.int8)
    cash = due - credited
    out["principal_stock"][:, j] = credited
    out["principal_cash"][:, j] = cash
    out["shares"][:, j] = shares
    out["series_d"][:, j] = sd
    out["limited_by"][:, j] = code
    if p.premium:
        _guard(int(p.due.max(initial=0)) * 2 * p.premium.numerator, f"{p.name} premium")
        out["premium"][:, j] = (2 * cash * p.premium.numerator + p.premium.denominator) // (2 * p.premium.denominator)
    return out


def _half(x: np.ndarray, f: Fraction) -> np.ndarray:
    """``x × f`` rounded half-up to a whole number (x ≥ 0): the cent rounding of dealkit.notes."""
    return (2 * x * f.numerator + f.denominator) // (2 * f.denominator)


def _cap_limit(o: np.ndarray, h: np.ndarray, c: Fraction, reading: str) -> np.ndarray:
    """:func:`dealkit.option.max_exercisable` per path: ``⌊c·O⌋ − H`` (literal) or
    ``⌊(c·O − H)/(1 − c)⌋`` (post_issuance), never negative."""
    if reading == "literal":
        lim = (o * c.numerator) // c.denominator - h
    else:
        lim = (o * c.numerator - h * c.denominator) // (c.denominator - c.numerator)
    return np.maximum(lim, 0)


def _policy_rows(plan: Plan, w: Windows):
    r"""The term notes date by date with the holder's policy (module docstring): balances,
    holdings and shares outstanding carried per path. Returns the rows per note and, per note,
    the balance before each grid date (for a default there).

    On grid date :math:`t_k`, per path, with balance :math:`B`, holdings :math:`H`, shares
    outstanding :math:`O`, cap :math:`c` = 4.99% (Option §10; the Laurus note form's conversion
    limit), Fixed Conversion Price :math:`F` (round: half-up to the cent, as dealkit.notes):

    .. math::
        H &\leftarrow \max(0, H - \lfloor f\,V_k \rfloor) \quad\text{(sales; tracked holdings only)} \\
        I &= \mathrm{round}(B \textstyle\sum_s r_s d_s / 360) \quad\text{(notes._interest_row)} \\
        D &= B \text{ at maturity},\ \min(M, B) \text{ from the first amortization (Term A)},\ 0 \text{ else} \\
        n &= \min(\lfloor \min(D, \lfloor v\,DV_{22} \rfloor) / F \rfloor,\ L(O, H)) \text{ when } \overline{P}_5 \ge \tau F \\
        L_{literal} &= \lfloor cO \rfloor - H, \qquad L_{post} = \lfloor (cO - H)/(1-c) \rfloor \\
        n_{opt} &= \min(\lfloor \min(B, R) / F \rfloor, L(O, H)) \text{ when } P_{t_k} \ge \theta F,\
                  R = \lfloor v_{opt} DV_{22} \rfloor - \textstyle\sum \text{credited today}

    each share count rounded down to whole Series D preferred on that route (÷10,000), the
    principal credited :math:`\lfloor nF \rfloor` to the cent, and :math:`H, O \mathrel{+}= n`
    when holdings are tracked.
    """
    h = plan.terms.holder
    n, g = w.sum5.shape[0], len(plan.grid)
    f_num, f_den = plan.fcp.numerator, plan.fcp.denominator
    track = h.sell_fraction is not None
    sell = Fraction(h.sell_fraction) if track else Fraction(0)
    ocap = Fraction(h.volume_cap if h.volume_cap is not None else plan.a.amortization_volume_cap)
    trig = None
    if h.rule == "convert":
        t = PRICE_SCALE * Fraction(h.trigger) * plan.fcp
        trig = -((-t.numerator) // t.denominator)
    monthly = _cents(plan.a.monthly_amount)
    unit = PRICE_SCALE // 100
    _guard(int(w.dv22.max(initial=0)) * max(ocap.numerator, 1) * 2, "dollar volume × cap")
    H = np.full(n, plan.holder_owns, dtype=np.int64)
    O = np.full(n, plan.outstanding, dtype=np.int64)
    bal = {name: np.full(n, p.face, dtype=np.int64) for name, p in plan.notes.items()}
    _guard(max(p.face for p in plan.notes.values()) * f_den * 2, "shares of a conversion")
    row_at = {name: {int(cc): j for j, cc in enumerate(p.cols)} for name, p in plan.notes.items()}
    keys = ("interest", "principal_cash", "principal_stock", "premium", "shares", "series_d", "opt_principal",
            "opt_shares", "opt_series_d", "closing")
    # Work row-major (date × path): every write and read below is contiguous; the results are
    # returned as transposed views (path × row), as the vectorized layer's.
    out = {name: {k: np.zeros((len(p.cols), n), dtype=np.int64) for k in keys} for name, p in plan.notes.items()}
    for name in out:
        out[name]["limited_by"] = np.zeros((len(plan.notes[name].cols), n), dtype=np.int8)
    before = {name: np.empty((g, n), dtype=np.int64) for name in plan.notes}
    sum5, dv22, close = (np.ascontiguousarray(x.T) for x in (w.sum5, w.dv22, w.close))
    vsum = np.ascontiguousarray(w.vsum.T) if track else None

    def convert(amount):
        shares = (amount * f_den) // (100 * f_num)
        limit = _cap_limit(O, H, plan.cap, h.reading)
        capped = shares > limit
        shares = np.minimum(shares, limit)
        sd = shares // plan.series_d_ratio if plan.series_d else np.zeros_like(shares)
        if plan.series_d:
            shares = sd * plan.series_d_ratio
        return shares, sd, (shares * f_num * 100) // f_den, capped

    for k in range(g):
        if track and k:
            H = np.maximum(H - (vsum[k] * sell.numerator) // sell.denominator, 0)
        today = np.zeros(n, dtype=np.int64)
        for name, p in plan.notes.items():
            before[name][k] = bal[name]
            j = row_at[name].get(k)
            if j is None:
                continue
            o, b = out[name], bal[name]
            o["interest"][j] = sum(_half(b, f) * m for f, m in p.rate_parts[j])
            if k == p.last_col:
                due = b.copy()
            elif p.amortizes[j]:
                due = np.minimum(b, monthly)
            else:
                continue   # interest only: nothing due, nothing in stock, the row's other columns stay 0
            some = due > 0
            passed = some & (sum5[k] >= p.threshold)
            capc = (dv22[k] * p.volume_cap.numerator) // (p.volume_cap.denominator * unit)
            allowed = np.minimum(due, capc)
            shares, sd, credited, capped = convert(allowed)
            shares *= passed
            sd *= passed
            credited *= passed
            o["limited_by"][j] = np.where(some, np.where(passed, np.where(capped, 3, np.where(allowed < due, 2, 0)), 1),
                                             0)
            cash = due - credited
            o["principal_stock"][j] = credited
            o["principal_cash"][j] = cash
            o["shares"][j] = shares
            o["series_d"][j] = sd
            if p.premium:
                o["premium"][j] = _half(cash, p.premium)
            b -= due
            if track:
                H += shares
                O += shares
            today += credited
        if trig is not None:
            ok = close[k] >= trig
            if not ok.any():
                ok = None
        if trig is not None and ok is not None:
            room = np.maximum((dv22[k] * ocap.numerator) // (ocap.denominator * unit) - today, 0) * ok
            for name, p in plan.notes.items():
                j = row_at[name].get(k)
                if j is None:
                    continue
                b = bal[name]
                shares, sd, credited, _ = convert(np.minimum(b, room))
                o = out[name]
                o["opt_principal"][j] = credited
                o["opt_shares"][j] = shares
                o["opt_series_d"][j] = sd
                b -= credited
                room -= credited
                if track:
                    H += shares
                    O += shares
        for name, p in plan.notes.items():
            j = row_at[name].get(k)
            if j is not None:
                out[name]["closing"][j] = bal[name]
    return ({name: {k: v.T for k, v in r.items()} for name, r in out.items()},
            {name: v.T for name, v in before.items()})


def run(plan: Plan, w: Windows) -> Result:
    r"""Every term-note row on every path (vectorized over rows when the holder's policy is the
    legacy one, date by date otherwise), the revolver, then the default rule (module docstring).

    Default on the first :math:`k` with cash due :math:`C_k` above the capacity,
    :math:`C_k = \sum_{notes} (I + D - \text{credited} + \text{premium}) + I^{rev}_k [+ \text{balloon}_k]`;
    the Default Payment (:func:`dealkit.notes.default_scenario`; the ATG MBN's 130%):

    .. math:: DP = \mathrm{round}(1.30 \textstyle\sum_n P_n) + \sum_n (\mathrm{round}(P_n a_{n,k})
              + \mathrm{round}(P_n \cdot 12 m \cdot lag / 360))

    with :math:`a_{n,k}` the note's :math:`\sum r d / 360` from its last accrual date to the
    demand (the revolver's part from dealkit.notes directly), and the recovery
    :math:`\mathrm{round}(\rho \cdot DP)`.
    """
    if w.grid != plan.grid:
        raise ParameterError("windows were computed for other payment dates than the plan's")
    n, g = w.sum5.shape[0], len(plan.grid)
    legacy = plan.terms.holder.legacy
    if legacy:
        rows, before = {name: _note_rows(p, plan, w) for name, p in plan.notes.items()}, None
    else:
        rows, before = _policy_rows(plan, w)
    cash_due = np.zeros((n, g), dtype=np.int64)
    for name, p in plan.notes.items():
        r = rows[name]
        cash_due[:, p.cols] += r["interest"] + r["principal_cash"] + r["premium"]   # dates are unique per note
    rv = plan.revolver
    if rv is not None:
        cash_due[:, rv.cols] += rv.cash_due[None, :]
    if plan.terms.default_rule == "cash_capacity":
        over = cash_due > plan.capacity
        any_over = over.any(axis=1)
        default_k = np.where(any_over, over.argmax(axis=1), -1)
    else:
        default_k = np.full(n, -1, dtype=np.int64)
    cutoff = np.where(default_k >= 0, default_k, g)      # rows with grid index < cutoff are paid
    out = {}
    for name, p in plan.notes.items():
        r = rows[name]
        paid = p.cols[None, :] < cutoff[:, None]
        if not paid.all():
            r["interest"] = r["interest"] * paid
            for k in ("principal_cash", "principal_stock", "premium", "shares", "series_d", "opt_principal",
                      "opt_shares", "opt_series_d"):
                if k in r:
                    r[k] *= paid
        out[name] = NoteResult(r["interest"], r["principal_cash"], r["principal_stock"], r["premium"], r["shares"],
                               r["series_d"], r["limited_by"], paid, r.get("opt_principal"), r.get("opt_shares"),
                               r.get("opt_series_d"), r.get("closing"))
    has = default_k >= 0
    kk = np.where(has, default_k, 0)
    rev_paid = moves_paid = None
    if rv is not None:
        rev_paid = rv.cols[None, :] < cutoff[:, None]
        moves_paid = (rv.move_k[None, :] < 0) | (rv.move_k[None, :] < cutoff[:, None])
    if legacy:
        return Result(plan, out, default_k, cash_due, w.close,
                      np.where(has, plan.recovery[kk], 0), np.where(has, plan.default_payment[kk], 0),
                      np.where(has, plan.default_principal[kk], 0), rev_paid, moves_paid)
    # The Default Payment per path (notes.default_scenario's formula on the path's balances):
    # round(1.30 · ΣP) + Σ_term notes [round(B · accrual) + round(B · default interest)] + the revolver's interest.
    principal = np.where(has, plan.default_principal[kk], 0)
    payment = np.zeros(n, dtype=np.int64)
    extra = np.where(has, plan.default_payment[kk], 0)
    for name, p in plan.notes.items():
        bk = np.where(has, before[name][np.arange(n), kk], 0)
        principal = principal + bk
        for k in np.unique(default_k[has]):
            sel = default_k == k
            extra[sel] += _half(bk[sel], p.accrual[k]) + _half(bk[sel], p.default_interest)
    mult = Fraction(plan.a.default_multiple)
    _guard(int(principal.max(initial=0)) * 2 * mult.numerator, "Default Payment")
    payment = np.where(has, _half(principal, mult) + extra, 0)
    recovery = np.where(has, _half(payment, Fraction(plan.terms.recovery_rate)), 0)
    return Result(plan, out, default_k, cash_due, w.close, recovery, payment, principal, rev_paid, moves_paid)


# ============================================================================ Decimal twin =
@dataclass
class DecimalPath:
    """One path through dealkit.notes and the default rule, in Decimal."""

    schedules: dict[str, notes.Schedule]
    default_date: dt.date | None
    scenario: notes.DefaultScenario | None
    recovery: Decimal
    cash_due: dict[dt.date, Decimal] = field(default_factory=dict)


def _stock_payment(amount: Decimal, day: dt.date, a: notes.NoteAssumptions, market, test: Decimal,
                   volume_cap: Decimal, owner: notes.Market, reading: str) -> tuple[Decimal, int, int, str]:
    """dealkit.notes' stock payment (the price test on ``market``, the volume cap, then
    :func:`dealkit.notes.optional_conversion` with the 4.99% cap on ``owner``'s share counts in the
    given ``reading``)."""
    if amount <= 0:
        return notes.ZERO, 0, 0, ""
    if market.average_close(day) < test * a.fixed_conversion_price:
        return notes.ZERO, 0, 0, "price test"
    allowed = min(amount, (volume_cap * market.dollar_volume(day)).quantize(notes.CENT, rounding=notes.CREDIT_ROUNDING))
    conv = notes.optional_conversion(allowed, a.fixed_conversion_price, owner, a.conversion_cap, reading)
    return conv.principal, conv.shares, conv.series_d, conv.limited_by or ("volume cap" if allowed < amount else "")


def decimal_policy_schedules(deal, a: notes.NoteAssumptions, market, holder: HolderPolicy, grid: Sequence[dt.date], *,
                             term_b_maturity: dt.date | None = None, prime=None,
                             rounding: Literal["period", "daily"] = "period",
                             holder_owns: int = 0) -> dict[str, notes.Schedule]:
    """Term A and Term B on one path with the holder's policy, in Decimal, date by date over
    ``grid`` (the plan's payment dates): each row's interest by dealkit.notes' own row rule, the
    Monthly Amount or maturity due, the stock payment and the holder's optional conversion by
    :func:`dealkit.notes.optional_conversion` (4.99% cap: :func:`dealkit.option.max_exercisable`
    on the holdings and shares outstanding so far), the holder's sales between dates. Rows carry
    ``opt_principal``, ``opt_shares``, ``opt_series_d`` and ``closing`` after the conversion.
    The twin of :func:`run` on a non-legacy policy."""
    n = deal.notes
    issue = deal.deal.closing_date.value
    mats = {"term_a": n["term_a"].maturity.value, "term_b": term_b_maturity or n["term_b"].maturity.value}
    dates = {k: notes.payment_dates(issue, m) for k, m in mats.items()}
    bal = {k: n[k].face.value for k in mats}
    last = {k: issue for k in mats}
    rows: dict[str, list] = {k: [] for k in mats}
    track = holder.sell_fraction is not None
    h, o = holder_owns, market.outstanding
    ocap = holder.volume_cap if holder.volume_cap is not None else a.amortization_volume_cap
    days = sorted(market.volumes)
    for i, day in enumerate(grid):
        if track and i:
            traded = sum(market.volumes[d] for d in days if grid[i - 1] <= d < day)
            h = max(0, h - int((holder.sell_fraction * traded).to_integral_value(rounding=ROUND_FLOOR)))
        today = notes.ZERO
        for k in mats:
            if day not in dates[k]:
                continue
            interest, rates, nd = notes._interest_row(bal[k], last[k], day, a, prime, rounding)
            due = notes.ZERO
            if day == dates[k][-1]:
                due = bal[k]
            elif k == "term_a" and day >= a.first_amortization:
                due = min(a.monthly_amount, bal[k])
            test = a.amortization_share_test if k == "term_a" else a.maturity_conversion_test
            cap = a.amortization_volume_cap if k == "term_a" else a.maturity_volume_cap
            owner = notes.Market(notes.ZERO, 0, outstanding=o, holder_owns=h, authorized=market.authorized)
            stock, shares, sd, why = _stock_payment(due, day, a, market, test, cap, owner, holder.reading)
            cash = due - stock
            premium = notes._cents(cash * (a.cash_premium - 1)) if k == "term_a" else notes.ZERO
            rows[k].append({"date": day, "opening": bal[k], "rates": rates, "days": nd, "interest": interest,
                            "principal_due": due, "principal_cash": cash, "principal_stock": stock, "premium": premium,
                            "shares": shares, "series_d": sd, "limited_by": why, "opt_principal": notes.ZERO,
                            "opt_shares": 0, "opt_series_d": 0})
            bal[k] -= due
            last[k] = day
            if track:
                h, o = h + shares, o + shares
            today += stock
        if holder.rule == "convert" and market.close(day) >= holder.trigger * a.fixed_conversion_price:
            room = max(notes.ZERO, (ocap * market.dollar_volume(day)).quantize(notes.CENT, rounding=notes.CREDIT_ROUNDING)
                       - today)
            for k in mats:
                if day not in dates[k] or min(bal[k], room) <= 0:
                    continue
                owner = notes.Market(notes.ZERO, 0, outstanding=o, holder_owns=h, authorized=market.authorized)
                conv = notes.optional_conversion(min(bal[k], room), a.fixed_conversion_price, owner, a.conversion_cap,
                                                 holder.reading)
                rows[k][-1].update(opt_principal=conv.principal, opt_shares=conv.shares, opt_series_d=conv.series_d)
                bal[k] -= conv.principal
                room -= conv.principal
                if track:
                    h, o = h + conv.shares, o + conv.shares
        for k in mats:
            if rows[k] and rows[k][-1]["date"] == day:
                rows[k][-1]["closing"] = bal[k]
    names = {"term_a": "Term A", "term_b": "Term B"}
    return {k: notes.Schedule(names[k], n[k].face.value, tuple(rows[k]), a, issue=issue, initial=n[k].face.value)
            for k in mats}


def decimal_reference(deal, a: notes.NoteAssumptions, market: notes.Market, terms: RiskTerms, *,
                      term_b_maturity: dt.date | None = None, prime=None,
                      rounding: Literal["period", "daily"] = "period", holder_owns: int = 0) -> DecimalPath:
    """The exact twin of :func:`run` for one path: dealkit.notes' Term A and Term B schedules on
    ``market`` (a :class:`dealkit.market.PathMarket`) — or, with a non-legacy holder policy,
    :func:`decimal_policy_schedules` —, the revolver (:func:`dealkit.notes.revolver_schedule`), the
    cash due on each payment date, the default rule, and — on a default — the schedules as they
    stand the day before and :func:`dealkit.notes.default_scenario` over every note for the
    Default Payment."""
    n = deal.notes
    issue = deal.deal.closing_date.value
    tb = term_b_maturity or n["term_b"].maturity.value

    def revolver(stop=None):
        return notes.revolver_schedule(n["revolving"].face.value, n["mbn"].face.value, issue, n["revolving"].maturity.value,
                                       a, notes.default_reports(deal), prime, rounding, stop)

    def build(stop=None):
        return {"term_a": notes.term_a_schedule(n["term_a"].face.value, issue, n["term_a"].maturity.value, a, market,
                                                prime, rounding, stop),
                "term_b": notes.term_b_schedule(n["term_b"].face.value, issue, tb, a, market, prime, rounding, stop)}

    rev = revolver() if terms.revolver != "excluded" else None
    if terms.holder.legacy:
        full = build()
    else:
        grid = sorted({r["date"] for s in (*build().values(), *([rev] if rev else [])) for r in s.rows})
        full = decimal_policy_schedules(deal, a, market, terms.holder, grid, term_b_maturity=tb, prime=prime,
                                        rounding=rounding, holder_owns=holder_owns)
    due: dict[dt.date, Decimal] = {}
    for s in full.values():
        for r in s.rows:
            due[r["date"]] = due.get(r["date"], notes.ZERO) + r["interest"] + r["principal_cash"] + r["premium"]
    if rev:
        for r in rev.rows:
            due[r["date"]] = due.get(r["date"], notes.ZERO) + r["interest"] + (
                r["principal_cash"] if terms.revolver == "cash" else notes.ZERO)
    default = None
    if terms.default_rule == "cash_capacity":
        default = next((d for d in sorted(due) if due[d] > terms.cash_capacity), None)
    if default is None:
        return DecimalPath({**full, **({"revolver": rev} if rev else {})}, None, None, notes.ZERO, due)
    day_before = default - dt.timedelta(days=1)
    if terms.holder.legacy:
        stopped = build(day_before)
    else:
        stopped = {k: dataclasses.replace(s, rows=tuple(r for r in s.rows if r["date"] < default), until=day_before)
                   for k, s in full.items()}
    if rev:
        stopped["revolver"] = revolver(day_before)
    ds = notes.default_scenario(stopped, default, default + dt.timedelta(days=terms.demand_lag_days), a, prime=prime)
    recovery = (ds.payment * terms.recovery_rate).quantize(notes.CENT, rounding=ROUND_HALF_UP)
    return DecimalPath(stopped, default, ds, recovery, due)


def decimal_flows(ref: DecimalPath, market, funded: Decimal, closing: dt.date) -> list[tuple[dt.date, Decimal, str]]:
    """Laurus's flows on one path, in Decimal: :func:`dealkit.notes.lender_cash_flows` over every
    note (revolver draws on their dates), plus the holder's optional-conversion shares at the
    close on the day (half-up to the cent, as the scheduled shares), plus a default's recovery."""
    d = ref.scenario
    flows = notes.lender_cash_flows(list(ref.schedules.values()), market, funded, closing, notes.ZERO,
                                    ref.recovery if d else None, d.demand_date if d else None)
    for s in ref.schedules.values():
        for r in s.rows:
            if r.get("opt_shares"):
                flows.append((r["date"], notes._cents(r["opt_shares"] * market.close(r["date"])), "optional conversion"))
    return sorted(flows, key=lambda f: f[0])
