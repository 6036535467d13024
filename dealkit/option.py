"""The Option (Exhibit 4.28): 140,250,000 shares of ATG common at $0.00001, every clause as an
exact calculation.

Money and prices are ``Decimal``; share counts are ``int``; intermediate ratios are exact
``fractions.Fraction`` so that no rounding happens except at the named points (the cent, half-up,
for cash; whole shares, down, for stock). Sections are of the Option.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Literal, Mapping, Sequence

from .calendar import add_business_days, is_business_day, previous_business_day
from .money import CENT

__all__ = [
    "OPTION_SHARES", "EXERCISE_PRICE", "CAP", "CashlessUnavailable", "PriceDataError", "FairMarketValue",
    "fair_market_value", "cash_exercise", "CashlessResult", "cashless_exercise", "value_to_holder",
    "CapStatus", "cap_status", "max_exercisable", "READINGS", "Adjustment", "adjust_for_event",
    "EVENT_READINGS", "Reorganization", "reorganize", "PlanStep", "exercise_plan", "SERIES_D_RATIO",
    "SERIES_D_UNTIL_AUTHORIZED", "to_series_d", "plan_frame", "terms_frame", "exercise_comparison", "events_frame",
    "fmv_axis", "outstanding_axis",
]

#: Option §1.1: shares purchasable (subject to §4).
OPTION_SHARES = 140_250_000
#: Option definitions (c): the Exercise Price.
EXERCISE_PRICE = Decimal("0.00001")
#: Option §10: the maximum exercise percentage.
CAP = Decimal("0.0499")
#: Series D route (letter of Sept 6, 2005, Exhibit 4.13): common due to Laurus comes as Series D
#: Convertible Preferred, shares / 10,000, until authorized common reaches 15,000,000,000.
SERIES_D_RATIO = 10_000
SERIES_D_UNTIL_AUTHORIZED = 15_000_000_000


class CashlessUnavailable(ValueError):
    """Option §2.2(b): the cashless route needs a Fair Market Value above the Exercise Price."""


class PriceDataError(ValueError):
    """The price history lacks the quote a §1.2 rule needs; the message names the date."""


def _frac(value: Decimal | int | str) -> Fraction:
    if isinstance(value, float):
        raise TypeError(f"expected a Decimal or a decimal string, not the float {value!r}")
    return Fraction(Decimal(value)) if not isinstance(value, int) else Fraction(value)


def _exact_cents(value: Fraction) -> Decimal:
    # Decimal division can round at 28 digits; do the half-up at the cent in integers instead
    scaled = value * 100
    q, r = divmod(scaled.numerator, scaled.denominator)
    if 2 * r >= scaled.denominator:
        q += 1
    return (Decimal(q) / 100).quantize(CENT)


def _need_shares(n: int, what: str) -> int:
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"{what}: a whole number of shares, got {type(n).__name__} ({n!r})")
    if n < 0:
        raise ValueError(f"{what}: must not be negative (got {n})")
    return n


# ============================================================================ §1.2 FMV ======
@dataclass(frozen=True)
class FairMarketValue:
    """A Fair Market Value with the rule that produced it and the date it was read on."""

    value: Decimal
    rule: str
    determination_date: dt.date
    pricing_date: dt.date | None
    basis: str


def fair_market_value(determination_date: dt.date, market: Literal["exchange", "otcbb", "not_traded", "liquidation"],
                      *, closes: Mapping[dt.date, Decimal] | None = None,
                      quotes: Mapping[dt.date, tuple[Decimal, Decimal]] | None = None,
                      agreed_value: Decimal | None = None,
                      agreed_by: Literal["agreement", "arbitration"] | None = None,
                      liquidation_total: Decimal | None = None, common_outstanding: int | None = None,
                      option_shares_issuable: int = OPTION_SHARES, calendar: str = "nyse") -> FairMarketValue:
    """Fair Market Value of one share on the Determination Date (Option §1.2).

    - ``"exchange"`` (§1.2(a), AMEX, a national exchange or Nasdaq): the closing or last sale price
      "reported for the last business day immediately preceding the Determination Date" —
      the previous NYSE trading day (``calendar``), from ``closes``.
    - ``"otcbb"`` (§1.2(b), the OTC Bulletin Board, where ATG traded): "the mean of the average of
      the closing bid and asked prices" for that day: ``(bid + ask) / 2``, exact.
    - ``"not_traded"`` (§1.2(c)): the value the Holder and the Company agree, or in the absence of
      agreement one set by arbitration (AAA rules, single arbitrator): ``agreed_value`` with
      ``agreed_by`` saying which.
    - ``"liquidation"`` (§1.2(d)): all amounts payable per share of common in the liquidation,
      "assuming ... that all of the shares of Common Stock then issuable upon exercise of the
      Option are outstanding": ``liquidation_total / (common_outstanding + option_shares_issuable)``,
      exact to 10 decimal places (half-up).

    Raises :class:`PriceDataError` naming the date when the needed quote is missing.
    """
    if market in ("exchange", "otcbb"):
        day = previous_business_day(determination_date, calendar)
        if market == "exchange":
            if not closes or day not in closes:
                raise PriceDataError(f"§1.2(a): no close reported for {day.isoformat()}, the last business day "
                                     f"before the Determination Date {determination_date.isoformat()}")
            price = Decimal(closes[day])
            return FairMarketValue(price, "§1.2(a)", determination_date, day, f"close of {day.isoformat()}")
        if not quotes or day not in quotes:
            raise PriceDataError(f"§1.2(b): no closing bid and ask for {day.isoformat()}, the last business day "
                                 f"before the Determination Date {determination_date.isoformat()}")
        bid, ask = (Decimal(q) for q in quotes[day])
        if bid < 0 or ask < bid:
            raise PriceDataError(f"§1.2(b): bid {bid} and ask {ask} for {day.isoformat()} are not a valid quote")
        return FairMarketValue((bid + ask) / 2, "§1.2(b)", determination_date, day,
                               f"mean of closing bid {bid} and ask {ask} on {day.isoformat()}")
    if market == "not_traded":
        if agreed_value is None or agreed_by not in ("agreement", "arbitration"):
            raise ValueError("§1.2(c): give agreed_value and agreed_by ('agreement' or 'arbitration')")
        basis = ("agreed by the Holder and the Company" if agreed_by == "agreement"
                 else "set by arbitration (American Arbitration Association, single arbitrator)")
        return FairMarketValue(Decimal(agreed_value), "§1.2(c)", determination_date, None, basis)
    if market == "liquidation":
        if liquidation_total is None or common_outstanding is None:
            raise ValueError("§1.2(d): give liquidation_total and common_outstanding")
        shares = _need_shares(common_outstanding, "common_outstanding") + _need_shares(option_shares_issuable, "option_shares_issuable")
        if shares == 0:
            raise ValueError("§1.2(d): no shares outstanding")
        per = Fraction(Decimal(liquidation_total)) / shares
        value = (Decimal(per.numerator) / Decimal(per.denominator)).quantize(Decimal("1E-10"), rounding=ROUND_HALF_UP)
        return FairMarketValue(value, "§1.2(d)", determination_date, None,
                               f"{liquidation_total} over {shares:,} shares (option shares counted as outstanding)")
    raise ValueError(f"market must be exchange, otcbb, not_traded or liquidation (got {market!r})")


# ============================================================================ §2 exercise ===
def cash_exercise(shares: int, exercise_price: Decimal = EXERCISE_PRICE) -> Decimal:
    """Aggregate Exercise Price for a cash exercise (§2.2(a)(i)): ``shares × price``, rounded to
    the cent half-up (140,250,000 × $0.00001 = $1,402.50 exactly)."""
    _need_shares(shares, "shares")
    return _exact_cents(Fraction(shares) * _frac(exercise_price))


@dataclass(frozen=True)
class CashlessResult:
    """§2.2(b) with §2.1: whole shares issued, the fraction paid in cash at FMV."""

    shares_exercised: int        # Y
    shares_issued: int           # floor(X)
    fraction: Fraction           # X - floor(X)
    cash_in_lieu: Decimal        # fraction × FMV, to the cent (§2.1)
    shares_withheld: int         # Y - floor(X): the shares the Holder gives up to pay

    @property
    def x_exact(self) -> Fraction:
        return self.shares_issued + self.fraction


def cashless_exercise(shares: int, fmv: Decimal, exercise_price: Decimal = EXERCISE_PRICE) -> CashlessResult:
    """Cashless ("net") exercise, Option §2.2(b): ``X = Y(A − B) / A``.

    Y = shares exercised, A = Fair Market Value of one share, B = Exercise Price. Whole shares
    ``floor(X)`` are issued; the fraction is paid in cash at the FMV (§2.1), rounded to the cent
    half-up.

    Raises :class:`CashlessUnavailable` when FMV ≤ Exercise Price: §2.2(b) allows the cashless
    route only "if the Fair Market Value of one share of Common Stock is greater than the
    Exercise Price".
    """
    y = _need_shares(shares, "shares")
    a, b = _frac(fmv), _frac(exercise_price)
    if a <= b:
        raise CashlessUnavailable(f"Option §2.2(b): cashless exercise needs a Fair Market Value above the Exercise "
                                  f"Price; FMV {Decimal(fmv)} is not above {Decimal(exercise_price)}. Exercise for "
                                  f"cash instead (§2.2(a)(i)).")
    x = Fraction(y) * (a - b) / a
    whole = math.floor(x)
    frac = x - whole
    return CashlessResult(y, whole, frac, _exact_cents(frac * a), y - whole)


def value_to_holder(result: CashlessResult, fmv: Decimal) -> Decimal:
    """What the issued shares and the cash in lieu are worth at the FMV: ``round_cents(floor(X) ×
    A) + cash_in_lieu`` (a display figure: the shares are valued, not sold)."""
    return _exact_cents(Fraction(result.shares_issued) * _frac(fmv)) + result.cash_in_lieu


# ============================================================================ §10 the cap ===
@dataclass(frozen=True)
class CapStatus:
    in_force: bool
    reason: str
    lapse_date: dt.date | None


def cap_status(as_of: dt.date, default_notice: dt.date | None = None, default_cured: dt.date | None = None,
               waiver_notice: dt.date | None = None, notice_days: int = 75) -> CapStatus:
    """Is the 4.99% limitation of §10 in force on ``as_of``?

    It "shall automatically become null and void following notice to the Company upon the
    occurrence and during the continuance of an Event of Default ... or upon 75 days prior notice
    to the Company". ``default_notice``: the date of notice of an Event of Default (void from then
    while it continues; ``default_cured`` ends the continuance). ``waiver_notice``: the date of a
    75-day notice (void from ``waiver_notice + 75 days``).
    """
    if waiver_notice is not None:
        lapse = waiver_notice + dt.timedelta(days=notice_days)
        if as_of >= lapse:
            return CapStatus(False, f"void: 75 days after the notice of {waiver_notice} (§10)", lapse)
    if default_notice is not None and as_of >= default_notice and (default_cured is None or as_of < default_cured):
        return CapStatus(False, f"void: Event of Default noticed {default_notice} and continuing (§10)", default_notice)
    pending = f"; a 75-day notice lapses it on {waiver_notice + dt.timedelta(days=notice_days)}" if waiver_notice else ""
    return CapStatus(True, f"in force (§10){pending}", None)


#: Two readings of §10's limit, both named.
READINGS = {
    "literal": "4.99% of the shares outstanding before the exercise, less the shares the Holder owns: "
               "n ≤ floor(cap × O) − H",
    "post_issuance": "the newly issued shares count as outstanding: H + n ≤ cap × (O + n), "
                     "so n ≤ floor((cap × O − H) / (1 − cap))",
}


def max_exercisable(outstanding: int, owned: int, cap: Decimal = CAP, reading: str = "literal",
                    remaining: int | None = None, cap_in_force: bool = True) -> int:
    """The most shares the Holder may exercise now (Option §10). Never negative.

    ``reading``: ``"literal"`` (default; the section's words: "4.99% of the issued and outstanding
    shares ... and ... the number of shares ... beneficially owned") or ``"post_issuance"``
    (the shares issued on the exercise are counted as outstanding). See :data:`READINGS`.
    ``remaining``: the shares left under the Option, an upper bound. With ``cap_in_force=False``
    (§10 void) the answer is ``remaining``.
    """
    o, h = _need_shares(outstanding, "outstanding"), _need_shares(owned, "owned")
    if not cap_in_force:
        if remaining is None:
            raise ValueError("§10 is void: the limit is the shares remaining; give remaining")
        return _need_shares(remaining, "remaining")
    c = _frac(cap)
    if not (0 <= c < 1):
        raise ValueError(f"cap must lie in [0, 1) (got {cap})")
    if reading == "literal":
        n = math.floor(c * o) - h
    elif reading == "post_issuance":
        n = math.floor((c * o - h) / (1 - c))
    else:
        raise ValueError(f"reading must be one of {', '.join(READINGS)} (got {reading!r})")
    n = max(0, n)
    return n if remaining is None else min(n, _need_shares(remaining, "remaining"))


# ============================================================================ §4 events =====
EVENT_READINGS = {
    "aggregate_preserving": "shares × after/before and price × before/after: the aggregate Exercise Price "
                            "is unchanged (the usual anti-dilution intent)",
    "literal_compounding": "the section's two sentences applied one after the other: shares × after/before, "
                           "price × before/after, then shares × old price/new price again, i.e. "
                           "shares × (after/before)²",
}


@dataclass(frozen=True)
class Adjustment:
    shares_exact: Fraction       # the entitlement, exactly
    shares: int                  # whole shares (down); the fraction is cashed at exercise (§2.1)
    fraction: Fraction
    exercise_price_exact: Fraction
    exercise_price: Decimal      # to 10 decimal places, half-up, for display
    aggregate_before: Fraction
    aggregate_after: Fraction    # shares_exact × exercise_price_exact
    reading: str


def adjust_for_event(shares: int, exercise_price: Decimal, outstanding_before: int, outstanding_after: int,
                     reading: str = "aggregate_preserving") -> Adjustment:
    """Option §4: a stock dividend, subdivision (split) or combination (reverse split).

    Shares are multiplied by ``after / before`` (issued and outstanding immediately after over
    immediately before); the Exercise Price "shall be readjusted in the same manner" — read as
    ``× before / after``. ``reading``: ``"aggregate_preserving"`` (default) or
    ``"literal_compounding"`` (see :data:`EVENT_READINGS`). Fractions: the entitlement is kept
    exactly; ``shares`` is rounded down and the fraction is paid in cash at exercise (§2.1).
    """
    y = _need_shares(shares, "shares")
    before = _need_shares(outstanding_before, "outstanding_before")
    after = _need_shares(outstanding_after, "outstanding_after")
    if before == 0 or after == 0:
        raise ValueError("§4: outstanding shares before and after the Event must be positive")
    ratio = Fraction(after, before)
    price = _frac(exercise_price) / ratio
    if reading == "aggregate_preserving":
        exact = y * ratio
    elif reading == "literal_compounding":
        exact = y * ratio * ratio
    else:
        raise ValueError(f"reading must be one of {', '.join(EVENT_READINGS)} (got {reading!r})")
    whole = math.floor(exact)
    shown = (Decimal(price.numerator) / Decimal(price.denominator)).quantize(Decimal("1E-10"), rounding=ROUND_HALF_UP)
    return Adjustment(exact, whole, exact - whole, price, shown, y * _frac(exercise_price), exact * price, reading)


# ============================================================================ §3 reorganization
@dataclass(frozen=True)
class Reorganization:
    securities: int              # whole new securities
    securities_fraction_cash: Decimal  # the fraction, in cash at the security's value (§2.1)
    cash: Decimal                # cash consideration, to the cent
    exercise_price_paid: Decimal # paid in cash on exercise (cash method)
    net_value: Decimal           # securities × value + fraction cash + cash − exercise price


def reorganize(option_shares: int, securities_per_share: Decimal, cash_per_share: Decimal,
               security_value: Decimal, exercise_price: Decimal = EXERCISE_PRICE) -> Reorganization:
    """Option §3.1: after a reorganization, merger or sale of assets the Holder receives, on
    exercise, "the stock and other securities and property (including cash) to which such Holder
    would have been entitled ... if such Holder had so exercised this Option, immediately prior
    thereto": per option share, ``securities_per_share`` new securities and ``cash_per_share``.
    The Holder still pays the Exercise Price (cash method). Whole securities; the fraction in cash
    at ``security_value`` (§2.1); cash to the cent, half-up.
    """
    y = _need_shares(option_shares, "option_shares")
    sec = Fraction(y) * _frac(securities_per_share)
    whole = math.floor(sec)
    frac_cash = _exact_cents((sec - whole) * _frac(security_value))
    cash = _exact_cents(Fraction(y) * _frac(cash_per_share))
    paid = cash_exercise(y, exercise_price)
    net = _exact_cents(Fraction(whole) * _frac(security_value)) + frac_cash + cash - paid
    return Reorganization(whole, frac_cash, cash, paid, net)


# ============================================================================ Series D ======
def to_series_d(common_equivalent: int, ratio: int = SERIES_D_RATIO) -> tuple[int, int]:
    """Common due to Laurus issued as Series D Convertible Preferred (shares ÷ 10,000, letter of
    Sept 6, 2005, Exhibit 4.13): ``(preferred shares, common left over)``; the left-over common
    (under one preferred share) is a fraction of a preferred share, paid in cash under §2.1."""
    n = _need_shares(common_equivalent, "common_equivalent")
    return divmod(n, ratio)


# ============================================================================ exercise plan =
@dataclass(frozen=True)
class PlanStep:
    date: dt.date
    exercised: int               # Y this step
    issued: int                  # common (or common-equivalent) issued
    series_d_issued: int         # preferred shares, on the Series D route (else 0)
    cash_paid: Decimal           # cash method: the aggregate Exercise Price
    shares_withheld: int         # cashless method: Y − X
    cash_in_lieu: Decimal
    sold_before: int             # shares the Holder sold that day before exercising
    owned_after: int
    outstanding_after: int
    ownership_after: Fraction
    remaining_after: int
    cap_binding: bool


def exercise_plan(start: dt.date, outstanding: int, owned: int, prices: Mapping[dt.date, Decimal] | Decimal,
                  *, sell_per_day: int | None = None, sell_fraction_of_volume: Decimal | None = None,
                  volumes: Mapping[dt.date, int] | None = None, remaining: int = OPTION_SHARES,
                  method: Literal["cash", "cashless"] = "cash", reading: str = "literal", cap: Decimal = CAP,
                  exercise_price: Decimal = EXERCISE_PRICE, authorized: int | None = None,
                  authorized_increase_date: dt.date | None = None, max_days: int = 2520,
                  calendar: str = "nyse") -> list[PlanStep]:
    """The schedule of exercises that gets all the Option's shares out under the §10 cap.

    Each trading day from ``start``: the Holder first sells ``sell_per_day`` shares (or
    ``sell_fraction_of_volume`` × that day's volume), at most what it owns; then exercises as
    many shares as §10 allows (``reading``), paying cash (§2.2(a)(i)) or cashless (§2.2(b), at that
    day's price as FMV; a day with price ≤ Exercise Price falls back to cash). Exercised shares
    are outstanding from then on. ``prices``: one price for every day, or a date → price map
    (a missing day uses the last known price).

    Series D route: while ``authorized`` common is below 15,000,000,000 (until
    ``authorized_increase_date``), shares come as Series D preferred at ÷10,000; the Holder's
    position and the outstanding count are kept in common-equivalent shares (beneficial ownership
    of the underlying common, Rule 13d-3).

    Stops when nothing remains, or after ``max_days`` trading days (then the last step's
    ``remaining_after`` is above zero: the cap and the selling rate do not get it all out).
    """
    o, h, left = (_need_shares(outstanding, "outstanding"), _need_shares(owned, "owned"),
                  _need_shares(remaining, "remaining"))
    if sell_per_day is None and sell_fraction_of_volume is None:
        raise ValueError("give sell_per_day or sell_fraction_of_volume (with volumes)")
    if sell_fraction_of_volume is not None and not volumes:
        raise ValueError("sell_fraction_of_volume needs a volumes map (date → shares traded)")
    steps: list[PlanStep] = []
    day = start if is_business_day(start, calendar) else add_business_days(start, 1, calendar)
    last_price = Decimal(prices) if not isinstance(prices, Mapping) else None
    for _ in range(max_days):
        if left == 0:
            break
        if isinstance(prices, Mapping):
            last_price = Decimal(prices[day]) if day in prices else last_price
            if last_price is None:
                raise PriceDataError(f"exercise plan: no price on or before {day.isoformat()}")
        if sell_per_day is not None:
            sell = min(h, _need_shares(sell_per_day, "sell_per_day"))
        else:
            vol = (volumes or {}).get(day, 0)
            sell = min(h, math.floor(Fraction(Decimal(sell_fraction_of_volume)) * vol))
        h -= sell
        n = max_exercisable(o, h, cap, reading, remaining=left)
        binding = n < left
        if n > 0:
            series_d = authorized is not None and authorized < SERIES_D_UNTIL_AUTHORIZED and (
                authorized_increase_date is None or day < authorized_increase_date)
            if method == "cashless" and last_price > exercise_price:
                res = cashless_exercise(n, last_price, exercise_price)
                issued, withheld, cash_paid, in_lieu = res.shares_issued, res.shares_withheld, Decimal("0.00"), res.cash_in_lieu
            else:
                issued, withheld, cash_paid, in_lieu = n, 0, cash_exercise(n, exercise_price), Decimal("0.00")
            pref = 0
            if series_d:
                pref, leftover = to_series_d(issued)
                issued -= leftover  # the leftover under one preferred share is cashed (§2.1)
                in_lieu += _exact_cents(Fraction(leftover) * _frac(last_price))
            h += issued
            o += issued
            left -= n
            steps.append(PlanStep(day, n, issued, pref, cash_paid, withheld, in_lieu, sell, h, o,
                                  Fraction(h, o) if o else Fraction(0), left, binding))
        day = add_business_days(day, 1, calendar)
    return steps


def plan_frame(steps: Sequence[PlanStep]):
    """The plan as a table (ownership as a float percentage, for display)."""
    import pandas as pd

    return pd.DataFrame([{"date": s.date, "exercised": s.exercised, "issued": s.issued, "series_d": s.series_d_issued,
                          "cash paid": s.cash_paid, "withheld": s.shares_withheld, "cash in lieu": s.cash_in_lieu,
                          "sold before": s.sold_before, "owned after": s.owned_after,
                          "outstanding after": s.outstanding_after,
                          "ownership after %": float(s.ownership_after) * 100, "remaining": s.remaining_after,
                          "cap binding": s.cap_binding} for s in steps])


# ============================================================================ tables =========
def terms_frame(deal):
    """The Option's terms with their citations (and the discrepancies that matter for it)."""
    import pandas as pd

    o = deal.option
    rows = [
        ("Holder", deal.party_name(o.holder.value), deal.cite(o.holder.source)),
        ("Shares (§1.1)", f"{o.shares.value:,}", deal.cite(o.shares.source)),
        ("Exercise Price", f"${o.exercise_price.value}", deal.cite(o.exercise_price.source)),
        ("Aggregate Exercise Price", f"${cash_exercise(o.shares.value, o.exercise_price.value):,.2f}",
         "shares × Exercise Price, to the cent half-up"),
        ("Par value", f"${o.par_value.value}", deal.cite(o.par_value.source)),
        ("Maximum exercise (§10)", f"{o.max_exercise_cap.value * 100}% of outstanding, void on a default notice or "
                                   f"{o.cap_release_notice_days.value} days' notice", deal.cite(o.max_exercise_cap.source)),
        ("Certificates", f"within {o.certificate_delivery_business_days.value} business days of exercise",
         deal.cite(o.certificate_delivery_business_days.source)),
        ("Expiration Date", "never defined (blank)", deal.cite(o.expiration_date.source)),
        ("Escrow's option recipient", deal.party_name(deal.escrow.schedule_a.option_recipient.value),
         deal.cite(deal.escrow.schedule_a.option_recipient.source)),
        ("Cashless formula's instrument", f"“{o.cashless_formula_instrument.value}”",
         deal.cite(o.cashless_formula_instrument.source)),
    ]
    return pd.DataFrame(rows, columns=["term", "value", "source"])


def exercise_comparison(shares: int, fmv: Decimal, exercise_price: Decimal = EXERCISE_PRICE):
    """Cash (§2.2(a)(i)) against cashless (§2.2(b)) for ``shares`` at ``fmv``; the cashless row
    says why when it is not available (FMV ≤ Exercise Price) instead of failing."""
    import pandas as pd

    paid = cash_exercise(shares, exercise_price)
    rows = [{"route": "cash (§2.2(a)(i))", "shares received": shares, "holder pays": f"${paid:,.2f}",
             "cash in lieu": "$0.00", "value at FMV": f"${_exact_cents(Fraction(shares) * _frac(fmv)) - paid:,.2f} net",
             "note": "pays the aggregate Exercise Price"}]
    try:
        r = cashless_exercise(shares, fmv, exercise_price)
        rows.append({"route": "cashless (§2.2(b), §2.1)", "shares received": r.shares_issued, "holder pays": "$0.00",
                     "cash in lieu": f"${r.cash_in_lieu:,.2f}", "value at FMV": f"${value_to_holder(r, fmv):,.2f}",
                     "note": f"{r.shares_withheld:,} shares withheld: X = Y(A−B)/A"})
    except CashlessUnavailable as exc:
        rows.append({"route": "cashless (§2.2(b))", "shares received": 0, "holder pays": "—", "cash in lieu": "—",
                     "value at FMV": "—", "note": f"not available: {exc}"})
    return pd.DataFrame(rows)


def events_frame(shares: int, exercise_price: Decimal, before: int, after: int):
    """A §4 Event under both readings, with the aggregate Exercise Price before and after."""
    import pandas as pd

    rows = []
    for reading in EVENT_READINGS:
        a = adjust_for_event(shares, exercise_price, before, after, reading)
        rows.append({"reading": reading, "shares": f"{a.shares:,}", "fraction kept": str(a.fraction),
                     "exercise price": f"${a.exercise_price.normalize():f}",
                     "aggregate before": f"${_exact_cents(a.aggregate_before):,.2f}",
                     "aggregate after": f"${_exact_cents(a.aggregate_after):,.2f}",
                     "what it means": EVENT_READINGS[reading]})
    return pd.DataFrame(rows)


def fmv_axis(low: str, high: str, n: int) -> list[Decimal]:
    """``n`` FMVs spaced evenly on a log scale from ``low`` to ``high``, each to 5 decimals."""
    lo, hi = float(Decimal(low)), float(Decimal(high))
    return [Decimal(f"{lo * (hi / lo) ** (i / (n - 1)):.5f}") for i in range(n)]


def outstanding_axis(low: int, high: int, n: int) -> list[int]:
    """``n`` share counts evenly spaced from ``low`` to ``high``."""
    return [low + (high - low) * i // (n - 1) for i in range(n)]
