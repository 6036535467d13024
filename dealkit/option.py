"""The Option (Exhibit 4.28): 140,250,000 shares of ATG common at $0.00001, every clause as an
exact calculation.

Money and prices are ``Decimal``; share counts are ``int``; intermediate ratios are exact
``fractions.Fraction`` so that no rounding happens except at the named points (the cent, half-up,
for cash; whole shares, down, for stock). Sections are of the Option.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Literal, Mapping, Sequence

from .calendar import add_business_days, is_business_day, previous_business_day
from .errors import ParameterError

__all__ = [
    "OPTION_SHARES", "EXERCISE_PRICE", "CAP", "CAP_NOTICE_DAYS", "CashlessUnavailable", "PriceDataError",
    "FairMarketValue", "fair_market_value", "cash_exercise", "CashlessResult", "cashless_exercise",
    "value_to_holder", "CapStatus", "cap_status", "CAP_REVIVAL_READINGS", "max_exercisable", "READINGS",
    "Adjustment", "adjust_for_event", "adjust_for_events", "EVENT_READINGS", "Reorganization", "reorganize",
    "PlanStep", "exercise_plan", "CASHLESS_CAP_READINGS", "SERIES_D_RATIO", "SERIES_D_UNTIL_AUTHORIZED",
    "to_series_d", "series_d_cash_in_lieu", "InexactInput", "cashless_exercisable", "plan_frame", "terms_frame",
    "exercise_comparison", "events_frame",
    "fmv_axis", "outstanding_axis", "deal_terms",
]


# ============================================================================ the deal's terms
@functools.lru_cache(maxsize=1)
def _embedded_deal():
    from .loader import load_deal

    return load_deal()


#: The module-level names that are terms of the deal: read from the embedded deal file
#: (``data/deal.yaml`` through :func:`dealkit.loader.load_deal`) when first used, never repeated
#: in code. Functions take them as arguments; ``None`` means "the embedded deal's term", and the
#: notebooks pass the loaded deal's terms explicitly (see :func:`deal_terms`).
_DEAL_TERMS = {
    "OPTION_SHARES": lambda d: d.option.shares.value,                      # Option §1.1
    "EXERCISE_PRICE": lambda d: d.option.exercise_price.value,             # Option definitions (c)
    "CAP": lambda d: d.option.max_exercise_cap.value,                      # Option §10
    "CAP_NOTICE_DAYS": lambda d: d.option.cap_release_notice_days.value,   # Option §10
    "SERIES_D_RATIO": lambda d: d.capitalization.series_d_ratio.value,     # letter of Sept 6, 2005
    "SERIES_D_UNTIL_AUTHORIZED": lambda d: d.capitalization.series_d_until_authorized.value,
}


def __getattr__(name: str):
    if name in _DEAL_TERMS:
        return _DEAL_TERMS[name](_embedded_deal())
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def deal_terms(deal=None) -> dict:
    """The Option's terms from ``deal`` (default: the embedded deal file), keyed as the keyword
    arguments of this module's functions: ``option_shares`` (§1.1), ``exercise_price``
    (definitions (c)), ``cap`` (§10), ``notice_days`` (§10's 75 days), ``series_d_ratio`` and
    ``series_d_until_authorized`` (letter of Sept 6, 2005)."""
    d = deal if deal is not None else _embedded_deal()
    return {"option_shares": d.option.shares.value, "exercise_price": d.option.exercise_price.value,
            "cap": d.option.max_exercise_cap.value, "notice_days": d.option.cap_release_notice_days.value,
            "series_d_ratio": d.capitalization.series_d_ratio.value,
            "series_d_until_authorized": d.capitalization.series_d_until_authorized.value}


def _term(value, name: str):
    return _DEAL_TERMS[name](_embedded_deal()) if value is None else value


class InexactInput(ParameterError, TypeError):
    """A float (it has already lost the exact value) or a non-number where an exact amount is due."""


class CashlessUnavailable(ParameterError):
    """Option §2.2(b): the cashless route needs a Fair Market Value above the Exercise Price."""


class PriceDataError(ParameterError):
    """The price history lacks the quote a §1.2 rule needs; the message names the date."""


def _frac(value: Decimal | Fraction | int | str) -> Fraction:
    if isinstance(value, float):
        raise InexactInput(f"expected a Decimal or a decimal string, not the float {value!r}")
    if isinstance(value, Fraction):
        return value
    if isinstance(value, bool):
        raise InexactInput(f"expected a number, not {value!r}")
    if isinstance(value, int):
        return Fraction(value)
    try:
        d = Decimal(value)
    except (ArithmeticError, TypeError, ValueError):
        raise InexactInput(f"expected a number (got {_short(value)})") from None
    if not d.is_finite():
        raise ParameterError(f"expected a finite number (got {_short(value)})")
    return Fraction(d)


def _half_up(value: Fraction, places: int) -> Decimal:
    """``value`` rounded half-up (ROUND_HALF_UP, away from zero on a tie) to ``places`` decimal
    places, in integers: ``sign · floor(|value|·10^places + 1/2) / 10^places``, exact for any
    Fraction (Decimal division can round at 28 digits)."""
    scaled = abs(value) * 10 ** places
    q, r = divmod(scaled.numerator, scaled.denominator)
    if 2 * r >= scaled.denominator:
        q += 1
    return Decimal(-q if value < 0 else q).scaleb(-places)


def _exact_cents(value: Fraction) -> Decimal:
    """``value`` rounded half-up to the cent (:func:`_half_up` with 2 places): the one rounding
    point for every cash figure of this module (mode: ROUND_HALF_UP)."""
    return _half_up(value, 2)


def _short(value, limit: int = 40) -> str:
    """A value for an error message, cut short; never the whole of a huge value (and never
    ``str`` of an integer past Python's digit limit)."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 128:
        return f"an integer of {value.bit_length()} bits"
    if isinstance(value, (dict, list, tuple, set)):
        return type(value).__name__
    text = value if isinstance(value, str) else str(value)
    return repr(text[:limit] + ("…" if len(text) > limit else ""))


def _need_shares(n: int, what: str) -> int:
    if isinstance(n, bool) or not isinstance(n, int):
        raise ParameterError(f"{what}: a whole number of shares, got {type(n).__name__} ({_short(n)})")
    if n < 0:
        raise ParameterError(f"{what}: must not be negative (got {_short(n)})")
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
                      option_shares_issuable: int | None = None, calendar: str = "nyse") -> FairMarketValue:
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
            raise ParameterError("§1.2(c): give agreed_value and agreed_by ('agreement' or 'arbitration')")
        basis = ("agreed by the Holder and the Company" if agreed_by == "agreement"
                 else "set by arbitration (American Arbitration Association, single arbitrator)")
        return FairMarketValue(Decimal(agreed_value), "§1.2(c)", determination_date, None, basis)
    if market == "liquidation":
        if liquidation_total is None or common_outstanding is None:
            raise ParameterError("§1.2(d): give liquidation_total and common_outstanding")
        shares = (_need_shares(common_outstanding, "common_outstanding")
                  + _need_shares(_term(option_shares_issuable, "OPTION_SHARES"), "option_shares_issuable"))
        if shares == 0:
            raise ParameterError("§1.2(d): no shares outstanding")
        per = Fraction(Decimal(liquidation_total)) / shares
        value = _half_up(per, 10)
        return FairMarketValue(value, "§1.2(d)", determination_date, None,
                               f"{liquidation_total} over {shares:,} shares (option shares counted as outstanding)")
    raise ParameterError(f"market must be exchange, otcbb, not_traded or liquidation (got {_short(market)})")


# ============================================================================ §2 exercise ===
def cash_exercise(shares: int, exercise_price: Decimal | Fraction | None = None) -> Decimal:
    """Aggregate Exercise Price for a cash exercise (Option §2.2(a)(i): "in cash ... equal to the
    applicable aggregate Exercise Price").

    ``P = round_half_up_cents(shares × B)``, B the Exercise Price (definitions (c); default: the
    embedded deal's), exact before the one rounding (140,250,000 × $0.00001 = $1,402.50). B may be
    a ``Fraction`` (a §4-adjusted price carried exactly).
    """
    _need_shares(shares, "shares")
    return _exact_cents(Fraction(shares) * _frac(_term(exercise_price, "EXERCISE_PRICE")))


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


def cashless_exercise(shares: int, fmv: Decimal | Fraction, exercise_price: Decimal | Fraction | None = None
                      ) -> CashlessResult:
    """Cashless ("net") exercise, Option §2.2(b).

    .. math:: X = \\frac{Y (A - B)}{A}

    Y = shares exercised, A = Fair Market Value of one share, B = Exercise Price (default: the
    embedded deal's). ``floor(X)`` whole shares are issued; the fraction is paid in cash "equal to
    such fraction multiplied by the then Fair Market Value of one full share" (§2.1), rounded
    once to the cent, half-up.

    Raises :class:`CashlessUnavailable` when FMV ≤ Exercise Price: §2.2(b) allows the cashless
    route only "if the Fair Market Value of one share of Common Stock is greater than the
    Exercise Price".
    """
    y = _need_shares(shares, "shares")
    b_in = _term(exercise_price, "EXERCISE_PRICE")
    a, b = _frac(fmv), _frac(b_in)
    if a <= b:
        raise CashlessUnavailable(f"Option §2.2(b): cashless exercise needs a Fair Market Value above the Exercise "
                                  f"Price; FMV {_show(a)} is not above {_show(b)}. Exercise for cash instead "
                                  f"(§2.2(a)(i)).")
    x = Fraction(y) * (a - b) / a
    whole = math.floor(x)
    frac = x - whole
    return CashlessResult(y, whole, frac, _exact_cents(frac * a), y - whole)


def cashless_exercisable(room: int, fmv: Decimal | Fraction, exercise_price: Decimal | Fraction | None = None,
                         remaining: int | None = None, cashless_cap: str = "issued") -> int:
    """Y, the most shares a cashless exercise (§2.2(b)) may be made for when §10 leaves ``room``
    shares (:func:`max_exercisable`): under the ``"issued"`` reading (default,
    :data:`CASHLESS_CAP_READINGS`) §10 caps X, the shares issued, so Y is the largest with
    ``floor(Y(A − B)/A) ≤ room``:

    .. math:: Y = \\left\\lceil \\frac{(room + 1) A}{A - B} \\right\\rceil - 1

    (0 when ``room`` is 0: no exercise that only yields cash in lieu); at most ``remaining``.
    Under ``"exercised"``, or when the FMV is not above the Exercise Price (no cashless route),
    ``Y = room``."""
    n = _need_shares(room, "room")
    if cashless_cap not in CASHLESS_CAP_READINGS:
        raise ParameterError(f"cashless_cap must be one of {', '.join(CASHLESS_CAP_READINGS)} "
                             f"(got {_short(cashless_cap)})")
    a, b = _frac(fmv), _frac(_term(exercise_price, "EXERCISE_PRICE"))
    if cashless_cap == "exercised" or a <= b or n == 0:
        y = n
    else:
        y = math.ceil((n + 1) * a / (a - b)) - 1
    return y if remaining is None else min(y, _need_shares(remaining, "remaining"))


def _show(v: Fraction) -> str:
    d = Decimal(v.numerator) / Decimal(v.denominator)
    return f"{d.normalize():f}" if Fraction(d) == v else f"{v} (≈{d:.12g})"


def value_to_holder(result: CashlessResult, fmv: Decimal | Fraction) -> Decimal:
    """What the issued shares and the cash in lieu are worth at the FMV (Option §2.1, §2.2(b)):
    ``round_half_up_cents(floor(X) × A) + cash_in_lieu`` (a display figure: the shares are
    valued, not sold)."""
    return _exact_cents(Fraction(result.shares_issued) * _frac(fmv)) + result.cash_in_lieu


# ============================================================================ §10 the cap ===
@dataclass(frozen=True)
class CapStatus:
    in_force: bool
    reason: str
    lapse_date: dt.date | None


#: Two readings of what a cure of the Event of Default does to §10, both named.
CAP_REVIVAL_READINGS = {
    "void_once_noticed": "§10 \"shall automatically become null and void following notice\": once the notice is "
                         "given during the default, the limitation is void and stays void; a later cure does not "
                         "revive it (default reading)",
    "revives_on_cure": "the words \"during the continuance of an Event of Default\" tie the voiding to the default "
                       "continuing: the limitation applies again from the cure",
}


def cap_status(as_of: dt.date, default_notice: dt.date | None = None, default_cured: dt.date | None = None,
               waiver_notice: dt.date | None = None, notice_days: int | None = None,
               revival: str = "void_once_noticed") -> CapStatus:
    """Is the maximum exercise limitation of Option §10 in force on ``as_of``?

    §10: the limitation "shall automatically become null and void following notice to the
    Company upon the occurrence and during the continuance of an Event of Default under and as
    defined in the Security Agreement, or upon 75 days prior notice to the Company".

    - ``default_notice``: the date of notice of an Event of Default: void from that date.
    - ``default_cured``: the date the Event of Default was cured. Two readings
      (:data:`CAP_REVIVAL_READINGS`): ``"void_once_noticed"`` (default) — "become null and void" is
      a one-way change, and "upon the occurrence and during the continuance" says *when the notice
      may be given* (while the default continues), so a notice given after the cure voids
      nothing, and a cure after the notice does not revive the limitation; ``"revives_on_cure"``
      — the voiding lasts only "during the continuance", so the limitation applies again from
      ``default_cured``.
    - ``waiver_notice``: the date of a notice "75 days prior": void from ``waiver_notice +
      notice_days`` (``notice_days``: the deal's term, default the embedded deal's 75).
    """
    days = _term(notice_days, "CAP_NOTICE_DAYS")
    if revival not in CAP_REVIVAL_READINGS:
        raise ParameterError(f"revival must be one of {', '.join(CAP_REVIVAL_READINGS)} (got {_short(revival)})")
    if waiver_notice is not None:
        lapse = waiver_notice + dt.timedelta(days=days)
        if as_of >= lapse:
            return CapStatus(False, f"void: {days} days after the notice of {waiver_notice} (§10)", lapse)
    if default_notice is not None and as_of >= default_notice:
        noticed_in_default = default_cured is None or default_notice < default_cured
        if noticed_in_default:
            if default_cured is None or as_of < default_cured:
                return CapStatus(False, f"void: Event of Default noticed {default_notice} and continuing (§10)",
                                 default_notice)
            if revival == "void_once_noticed":
                return CapStatus(False, f"void: Event of Default noticed {default_notice}; \"null and void\" is not "
                                        f"undone by the cure of {default_cured} (§10, void_once_noticed reading)",
                                 default_notice)
    pending = f"; a {days}-day notice lapses it on {waiver_notice + dt.timedelta(days=days)}" if waiver_notice else ""
    revived = (f"; revived by the cure of {default_cured} (revives_on_cure reading)"
               if default_notice is not None and default_cured is not None and as_of >= default_cured > default_notice
               else "")
    return CapStatus(True, f"in force (§10){revived}{pending}", None)


#: Two readings of §10's limit, both named.
READINGS = {
    "literal": "4.99% of the shares outstanding before the exercise, less the shares the Holder owns: "
               "n ≤ floor(cap × O) − H",
    "post_issuance": "the newly issued shares count as outstanding: H + n ≤ cap × (O + n), "
                     "so n ≤ floor((cap × O − H) / (1 − cap))",
}


def max_exercisable(outstanding: int, owned: int, cap: Decimal | None = None, reading: str = "literal",
                    remaining: int | None = None, cap_in_force: bool = True) -> int:
    """The most shares the Holder may receive on an exercise now (Option §10). Never negative.

    §10: the Holder "shall not be entitled to exercise this Option in connection with that number
    of shares of Common Stock which would exceed the difference between (i) 4.99% of the issued
    and outstanding shares of Common Stock and (ii) the number of shares of Common Stock
    beneficially owned by the Holder".

    .. math:: n_{literal} = \\lfloor c O \\rfloor - H, \\qquad
              n_{post} = \\left\\lfloor \\frac{c O - H}{1 - c} \\right\\rfloor

    ``cap`` c: the deal's 4.99% (default: the embedded deal's). ``owned`` H counts every share
    the Holder beneficially owns, including those received on earlier exercises (Rule 13d-3).
    ``reading``: ``"literal"`` (default; the words above) or ``"post_issuance"`` (the shares
    issued on the exercise count as outstanding); see :data:`READINGS`. ``remaining``: the shares
    left under the Option, an upper bound. With ``cap_in_force=False`` (§10 void) the answer is
    ``remaining``.
    """
    o, h = _need_shares(outstanding, "outstanding"), _need_shares(owned, "owned")
    if not cap_in_force:
        if remaining is None:
            raise ParameterError("§10 is void: the limit is the shares remaining; give remaining")
        return _need_shares(remaining, "remaining")
    c = _frac(_term(cap, "CAP"))
    if not (0 <= c < 1):
        raise ParameterError(f"cap must lie in [0, 1) (got {_short(cap)})")
    if reading == "literal":
        n = math.floor(c * o) - h
    elif reading == "post_issuance":
        n = math.floor((c * o - h) / (1 - c))
    else:
        raise ParameterError(f"reading must be one of {', '.join(READINGS)} (got {_short(reading)})")
    n = max(0, n)
    return n if remaining is None else min(n, _need_shares(remaining, "remaining"))


# ============================================================================ §4 events =====
#: §4's words, quoted by the readings below.
_S4_FIRST = ("\"the number of shares of Common Stock that the Holder shall thereafter ... be entitled to receive "
             "shall be adjusted to a number determined by multiplying the number of shares of Common Stock that "
             "would immediately prior to such Event be issuable upon the exercise of this Option by a fraction of "
             "which (a) the numerator is the number of issued and outstanding shares of Common Stock immediately "
             "after such Event and (b) the denominator is the number of issued and outstanding shares of Common "
             "Stock immediately prior to such Event\"")
_S4_SECOND = "\"The Exercise price, as so adjusted, shall be readjusted in the same manner upon the happening of any " \
             "successive event or events described herein in this Section 4\""
_S4_THIRD = ("\"multiplying the number of shares of Common Stock that would otherwise (but for the provisions of this "
             "Section 4) be issuable on such exercise by a fraction of which (a) the numerator is the Exercise Price "
             "that would otherwise (but for the provisions of this Section 4) be in effect, and (b) the denominator "
             "is the Exercise Price in effect on the date of such exercise\"")

EVENT_READINGS = {
    "aggregate_preserving": "shares × R and price ÷ R, R = Π after/before over the Events: the first sentence, "
                            "and the third read with its own words, \"but for the provisions of this Section 4\" "
                            "(the unadjusted count times unadjusted price ÷ adjusted price = R), give the same count; "
                            "the aggregate Exercise Price is unchanged",
    "literal_compounding": "the first and third sentences applied one after the other: shares × R, then × R again "
                           "(old price ÷ new price), i.e. shares × R²; it needs the third sentence to multiply the "
                           "count already adjusted, which its words \"but for the provisions of this Section 4\" "
                           "do not say",
}


@dataclass(frozen=True)
class Adjustment:
    shares_exact: Fraction       # the entitlement, exactly
    shares: int                  # whole shares (down, once); the fraction is cashed at exercise (§2.1)
    fraction: Fraction
    exercise_price_exact: Fraction   # carried exactly through successive Events (never re-rounded)
    exercise_price: Decimal      # to 10 decimal places, half-up, for display only
    aggregate_before: Fraction
    aggregate_after: Fraction    # shares_exact × exercise_price_exact
    reading: str
    ratio: Fraction = Fraction(1)   # R, the composed after/before of all the Events
    events: int = 1


def adjust_for_events(shares: int, exercise_price: Decimal | Fraction,
                      events: Sequence[tuple[int, int]], reading: str = "aggregate_preserving") -> Adjustment:
    """Option §4 over a chain of Events (stock dividends, splits, reverse splits), composed exactly.

    ``events``: a sequence of ``(outstanding immediately before, outstanding immediately after)``.
    The composed ratio ``R = Π after_i / before_i`` is exact (a ``Fraction``) and applied once;
    whole shares are floored once, at the end — so a split and its inverse give back the
    original count exactly (140,250,000 → 280,500,000 → 140,250,000), and nothing is lost between
    Events. The price is carried exactly: ``P_n = P_0 ÷ R`` (§4's second sentence: "The Exercise
    price, as so adjusted, shall be readjusted in the same manner upon the happening of any
    successive event or events described herein in this Section 4"; "in the same manner" read as
    the inverse of the count's fraction, which is what keeps the aggregate price).

    .. math:: R = \\prod_i \\frac{after_i}{before_i}, \\quad N = \\lfloor S_0 R \\rfloor, \\quad
              P_n = P_0 / R

    Readings (:data:`EVENT_READINGS`), both re-read against §4's text:

    - ``"aggregate_preserving"`` (default): ``N = floor(S_0 × R)``. The first sentence says the
      number "shall be adjusted to a number determined by multiplying the number of shares of Common Stock that
      would immediately prior to such Event be issuable upon the exercise of this Option by a
      fraction of which (a) the numerator is the number of issued and outstanding shares of
      Common Stock immediately after such Event and (b) the denominator is the number of issued
      and outstanding shares of Common Stock immediately prior to such Event" — applied Event
      after Event that is ``S_0 × R``. The third sentence
      multiplies "the number of shares of Common Stock that would otherwise (but for the
      provisions of this Section 4) be issuable on such exercise by a fraction of which (a) the
      numerator is the Exercise Price that would otherwise (but for the provisions of this
      Section 4) be in effect, and (b) the denominator is the Exercise Price in effect on the date
      of such exercise": its base is the *unadjusted* count S_0 and its factor
      ``P_0 / P_n = R``, so it gives the same ``S_0 × R``; the two sentences agree, and
      ``N × P_n = S_0 × P_0`` (the aggregate Exercise Price is unchanged).
    - ``"literal_compounding"``: ``N = floor(S_0 × R²)``: the third sentence's factor applied
      again to the count the first sentence produced. The text does not support it — the third
      sentence's count is the one "that would otherwise (but for the provisions of this
      Section 4) be issuable", i.e. unadjusted — so it is not the default; it is kept, named, as
      the reading a holder could argue from §4 stating two adjustments without saying the third
      replaces the first.

    Returns an :class:`Adjustment` with the exact entitlement, its floor and fraction (cashed at
    exercise, §2.1) and the exact price.
    """
    y = _need_shares(shares, "shares")
    p0 = _frac(exercise_price)
    if isinstance(events, (str, bytes)) or not isinstance(events, Sequence):
        raise ParameterError(f"§4: events must be a sequence of (before, after) pairs (got {_short(events)})")
    ratio = Fraction(1)
    for i, ev in enumerate(events):
        if not isinstance(ev, Sequence) or isinstance(ev, (str, bytes)) or len(ev) != 2:
            raise ParameterError(f"§4: events[{i}] must be a (before, after) pair (got {_short(ev)})")
        before = _need_shares(ev[0], f"events[{i}] outstanding before")
        after = _need_shares(ev[1], f"events[{i}] outstanding after")
        if before == 0 or after == 0:
            raise ParameterError(f"§4: events[{i}]: outstanding shares before and after the Event must be positive "
                                 f"(got {before} → {after})")
        ratio *= Fraction(after, before)
    price = p0 / ratio
    if reading == "aggregate_preserving":
        exact = y * ratio
    elif reading == "literal_compounding":
        exact = y * ratio * ratio
    else:
        raise ParameterError(f"reading must be one of {', '.join(EVENT_READINGS)} (got {_short(reading)})")
    whole = math.floor(exact)
    shown = _half_up(price, 10)
    return Adjustment(exact, whole, exact - whole, price, shown, y * p0, exact * price, reading, ratio, len(events))


def adjust_for_event(shares: int, exercise_price: Decimal | Fraction, outstanding_before: int, outstanding_after: int,
                     reading: str = "aggregate_preserving") -> Adjustment:
    """Option §4 for one Event: :func:`adjust_for_events` with ``[(before, after)]`` (see it for
    the formula, the readings and the words quoted for each). For a chain of Events use
    :func:`adjust_for_events`: re-applying this function to its own floored ``shares`` loses the
    fractions between Events."""
    return adjust_for_events(shares, exercise_price, [(outstanding_before, outstanding_after)], reading)


# ============================================================================ §3 reorganization
@dataclass(frozen=True)
class Reorganization:
    securities: int              # whole new securities
    securities_fraction_cash: Decimal  # the fraction, in cash at the security's value (§2.1)
    cash: Decimal                # cash consideration, to the cent
    exercise_price_paid: Decimal # paid in cash on exercise (cash method)
    net_value: Decimal           # securities × value + fraction cash + cash − exercise price


def reorganize(option_shares: int, securities_per_share: Decimal, cash_per_share: Decimal,
               security_value: Decimal, exercise_price: Decimal | Fraction | None = None) -> Reorganization:
    """Option §3.1: after a reorganization, merger or sale of assets the Holder receives, on
    exercise, "the stock and other securities and property (including cash) to which such Holder
    would have been entitled ... if such Holder had so exercised this Option, immediately prior
    thereto": per option share, ``securities_per_share`` new securities and ``cash_per_share``.

    ``securities = floor(Y × s)``; the fraction in cash at ``security_value`` (§2.1); cash
    ``round_half_up_cents(Y × c)``; the Holder still pays the Exercise Price (cash method,
    default: the embedded deal's). Each cash figure is rounded once, half-up.
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
def to_series_d(common_equivalent: int, ratio: int | None = None) -> tuple[int, int]:
    """Common due to Laurus issued as Series D Convertible Preferred (shares ÷ 10,000, letter of
    Sept 6, 2005, Exhibit 4.13; ``ratio`` from the deal's ``capitalization.series_d_ratio``):
    ``(preferred shares, common left over)``, ``divmod(n, ratio)``. The left-over common (under
    one preferred share) is a fraction of a preferred share, paid in cash under §2.1 — see
    :func:`series_d_cash_in_lieu` for the one rounding."""
    n = _need_shares(common_equivalent, "common_equivalent")
    r = _need_shares(_term(ratio, "SERIES_D_RATIO"), "series_d_ratio")
    if r == 0:
        raise ParameterError("series_d_ratio: must be positive (got 0)")
    return divmod(n, r)


def series_d_cash_in_lieu(entitlement: Fraction | int, fmv: Decimal | Fraction, ratio: int | None = None
                          ) -> tuple[int, int, Decimal]:
    """The Series D route for an exact common-equivalent entitlement X (e.g. a cashless X =
    Y(A − B)/A, not yet floored): ``(preferred, common_equivalent_issued, cash_in_lieu)``.

    Preferred ``p = floor(X / ratio)`` (÷ 10,000); the Holder receives ``p × ratio`` common-
    equivalent; the rest, a fraction of one preferred share, is paid in cash at its Fair Market
    Value (§2.1: "cash equal to such fraction multiplied by the then Fair Market Value of one full
    share"; a preferred share is worth ``ratio × A``):

    .. math:: cash = round_{half\\_up, cent}\\left(\\left(\\frac{X}{r} - p\\right) r A\\right)
                   = round_{half\\_up, cent}\\left((X - p r) A\\right)

    rounded **once** — not the common fraction and the preferred fraction each to the cent.
    """
    x = Fraction(entitlement)
    if x < 0:
        raise ParameterError(f"entitlement: must not be negative (got {x})")
    r = _need_shares(_term(ratio, "SERIES_D_RATIO"), "series_d_ratio")
    if r == 0:
        raise ParameterError("series_d_ratio: must be positive (got 0)")
    pref = math.floor(x / r)
    return pref, pref * r, _exact_cents((x - pref * r) * _frac(fmv))


# ============================================================================ exercise plan =
#: Two readings of §10 in a cashless exercise, both named.
CASHLESS_CAP_READINGS = {
    "issued": "§10 limits the shares the exercise adds to the Holder's beneficial ownership: X, the shares issued "
              "(§2.2(b): \"X = the number of shares of Common Stock to be issued to the Holder\"); the Y − X "
              "shares withheld are never owned (default)",
    "exercised": "§10 limits Y, the shares the Option is exercised for (\"exercise this Option in connection with "
                 "that number of shares\")",
}


@dataclass(frozen=True)
class PlanStep:
    date: dt.date
    exercised: int               # Y this step
    issued: int                  # common (or common-equivalent) issued
    series_d_issued: int         # preferred shares, on the Series D route (else 0)
    cash_paid: Decimal           # cash method: the aggregate Exercise Price
    shares_withheld: int         # cashless method: Y − X
    cash_in_lieu: Decimal
    sold_before: int             # shares the Holder sold since the previous step, up to this exercise
    owned_after: int
    outstanding_after: int
    ownership_after: Fraction
    remaining_after: int
    cap_binding: bool
    fmv: Decimal | None = None   # §1.2: the FMV used (of the pricing date)
    pricing_date: dt.date | None = None   # the last business day preceding the Determination Date
    owned_before: int = 0        # owned after the day's sale, before the exercise (what §10 counts)
    cap_room: int = 0            # §10: shares the Holder could receive that day


def _price_lookup(prices: Mapping[dt.date, Decimal] | Decimal):
    if not isinstance(prices, Mapping):
        fixed = Decimal(prices)
        if not fixed.is_finite() or fixed < 0:
            raise ParameterError(f"prices: a price must be a finite, non-negative number (got {_short(prices)})")
        return lambda day: fixed
    days = sorted(prices)

    def at(day: dt.date) -> Decimal:
        i = bisect.bisect_right(days, day)
        if i == 0:
            raise PriceDataError(f"exercise plan: no price on or before {day.isoformat()}, the last business day "
                                 "preceding the Determination Date (§1.2(a)/(b))")
        return Decimal(prices[days[i - 1]])

    return at


def exercise_plan(start: dt.date, outstanding: int, owned: int, prices: Mapping[dt.date, Decimal] | Decimal,
                  *, sell_per_day: int | None = None, sell_fraction_of_volume: Decimal | None = None,
                  volumes: Mapping[dt.date, int] | None = None, remaining: int | None = None,
                  method: Literal["cash", "cashless"] = "cash", reading: str = "literal", cap: Decimal | None = None,
                  exercise_price: Decimal | Fraction | None = None, authorized: int | None = None,
                  authorized_increase_date: dt.date | None = None, max_days: int = 2520,
                  calendar: str = "nyse", cashless_cap: str = "issued", series_d_ratio: int | None = None,
                  series_d_until_authorized: int | None = None) -> list[PlanStep]:
    """The schedule of exercises that gets all the Option's shares out under the §10 cap.

    Each trading day d from ``start`` (d is the Determination Date of that day's exercise):

    1. the Holder sells ``sell_per_day`` shares (or ``sell_fraction_of_volume`` × that day's
       volume), at most what it owns;
    2. §10 (``reading``, :func:`max_exercisable`): the room ``n = floor(c·O) − H`` (literal),
       where H counts every share the Holder still owns — including the shares **received on
       earlier exercises of this plan** — and O every share outstanding, including those issued
       on earlier steps;
    3. the FMV is §1.2(a)/(b)'s: the price "reported for the last business day immediately
       preceding the Determination Date" — the previous business day of ``calendar`` (NYSE), not
       day d's own price (``prices``: one price, or a date → price map; a day without a quote
       takes the last one before it);
    4. the exercise: cash (§2.2(a)(i), Y = X = min(n, remaining)) or cashless (§2.2(b), X =
       Y(A − B)/A). In a cashless exercise §10 caps what the Holder *receives*, X (the
       ``"issued"`` reading of :data:`CASHLESS_CAP_READINGS`, default): the largest Y with
       ``floor(Y(A − B)/A) ≤ n``, i.e. ``Y = ceil((n + 1)A/(A − B)) − 1``; ``"exercised"``
       caps Y itself. A day whose FMV is at or below the Exercise Price falls back to cash.
    5. Series D route: while ``authorized`` common is below the deal's 15,000,000,000 (until
       ``authorized_increase_date``), the shares come as Series D preferred at ÷10,000; the
       Holder's position and the outstanding count are kept in common-equivalent shares
       (beneficial ownership of the underlying common, Rule 13d-3); the part under one preferred
       share is cashed with :func:`series_d_cash_in_lieu` (rounded once).

    No exercise on a day with no room (n = 0); its sales count in the next step's
    ``sold_before`` (sold since the previous step), so the steps account for every share. Stops
    when nothing remains, or after ``max_days``
    trading days (then the last step's ``remaining_after`` is above zero).

    Terms default to the embedded deal's (``remaining``: §1.1's count; ``cap``; ``exercise_price``;
    the Series D ratio and threshold); the notebook passes the loaded deal's.
    """
    o, h = _need_shares(outstanding, "outstanding"), _need_shares(owned, "owned")
    left = _need_shares(_term(remaining, "OPTION_SHARES"), "remaining")
    b = _frac(_term(exercise_price, "EXERCISE_PRICE"))
    c = _term(cap, "CAP")
    ratio = _term(series_d_ratio, "SERIES_D_RATIO")
    until = _term(series_d_until_authorized, "SERIES_D_UNTIL_AUTHORIZED")
    if method not in ("cash", "cashless"):
        raise ParameterError(f"method must be cash or cashless (got {_short(method)})")
    if cashless_cap not in CASHLESS_CAP_READINGS:
        raise ParameterError(f"cashless_cap must be one of {', '.join(CASHLESS_CAP_READINGS)} "
                             f"(got {_short(cashless_cap)})")
    if sell_per_day is None and sell_fraction_of_volume is None:
        raise ParameterError("give sell_per_day or sell_fraction_of_volume (with volumes)")
    if sell_fraction_of_volume is not None and not volumes:
        raise ParameterError("sell_fraction_of_volume needs a volumes map (date → shares traded)")
    if sell_per_day is not None:
        _need_shares(sell_per_day, "sell_per_day")
    price_on = _price_lookup(prices)
    steps: list[PlanStep] = []
    day = start if is_business_day(start, calendar) else add_business_days(start, 1, calendar)
    sold = 0  # sold since the previous step (days without an exercise included)
    for _ in range(max_days):
        if left == 0:
            break
        pricing_day = previous_business_day(day, calendar)
        fmv = price_on(pricing_day)
        a = _frac(fmv)
        if sell_per_day is not None:
            sell = min(h, sell_per_day)
        else:
            vol = (volumes or {}).get(day, 0)
            sell = min(h, math.floor(Fraction(Decimal(sell_fraction_of_volume)) * vol))
        h -= sell
        sold += sell
        room = max_exercisable(o, h, c, reading)
        if room > 0:
            series_d = authorized is not None and authorized < until and (
                authorized_increase_date is None or day < authorized_increase_date)
            cashless = method == "cashless" and a > b
            y = cashless_exercisable(room, a, b, left, cashless_cap) if cashless else min(room, left)
            if cashless:
                res = cashless_exercise(y, a, b)
                entitlement, withheld, cash_paid = res.x_exact, res.shares_withheld, Decimal("0.00")
            else:
                entitlement, withheld, cash_paid = Fraction(y), 0, cash_exercise(y, b)
            if series_d:
                pref, issued, in_lieu = series_d_cash_in_lieu(entitlement, a, ratio)
            else:
                pref, issued = 0, math.floor(entitlement)
                in_lieu = _exact_cents((entitlement - issued) * a)
            owned_before = h
            h += issued
            o += issued
            binding = y < left
            left -= y
            steps.append(PlanStep(day, y, issued, pref, cash_paid, withheld, in_lieu, sold, h, o,
                                  Fraction(h, o) if o else Fraction(0), left, binding, fmv, pricing_day,
                                  owned_before, room))
            sold = 0
        day = add_business_days(day, 1, calendar)
    return steps


def plan_frame(steps: Sequence[PlanStep]):
    """The plan as a table (ownership as a float percentage, for display)."""
    import pandas as pd

    return pd.DataFrame([{"date": s.date, "FMV (§1.2)": s.fmv, "priced on": s.pricing_date,
                          "exercised": s.exercised, "issued": s.issued, "series_d": s.series_d_issued,
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


def exercise_comparison(shares: int, fmv: Decimal, exercise_price: Decimal | Fraction | None = None,
                        cashless_shares: int | None = None):
    """Cash (§2.2(a)(i)) against cashless (§2.2(b)) for ``shares`` at ``fmv``; the cashless row
    is for ``cashless_shares`` (default ``shares``; pass :func:`cashless_exercisable` for the §10
    ``"issued"`` reading) and says why when it is not available (FMV ≤ Exercise Price) instead of
    failing."""
    import pandas as pd

    paid = cash_exercise(shares, exercise_price)
    rows = [{"route": "cash (§2.2(a)(i))", "shares received": shares, "holder pays": f"${paid:,.2f}",
             "cash in lieu": "$0.00", "value at FMV": f"${_exact_cents(Fraction(shares) * _frac(fmv)) - paid:,.2f} net",
             "note": "pays the aggregate Exercise Price"}]
    try:
        r = cashless_exercise(shares if cashless_shares is None else cashless_shares, fmv, exercise_price)
        rows.append({"route": f"cashless (§2.2(b), §2.1), Y = {r.shares_exercised:,}", "shares received": r.shares_issued, "holder pays": "$0.00",
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
