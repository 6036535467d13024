"""The Option's tables (pandas frames) and chart axes, computed by the pure rules of
:mod:`dealkit.rules.option` and laid out here for the notebooks, the explorers and the exports."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

import pandas as pd

from dealkit.rules.option.adjustments import EVENT_READINGS, adjust_for_event
from dealkit.rules.option.exercise import cash_exercise, cashless_exercise, value_to_holder
from dealkit.rules.option.plan import PlanStep
from dealkit.rules.option.terms import CashlessUnavailable, as_fraction, exact_cents

if TYPE_CHECKING:
    from dealkit.deal.model import Deal

__all__ = ["events_frame", "exercise_comparison", "fmv_axis", "outstanding_axis", "plan_frame", "terms_frame"]


def plan_frame(steps: Sequence[PlanStep]) -> pd.DataFrame:
    """The exercise plan (:func:`dealkit.option.exercise_plan`) as a table, one row per step
    (ownership as a float percentage, ``owned / outstanding × 100``, for display).

    Examples
    --------
    >>> import datetime as dt
    >>> from decimal import Decimal
    >>> from dealkit.option import exercise_plan
    >>> steps = exercise_plan(dt.date(2005, 9, 7), 2_000_000_000, 0, Decimal("0.02"), sell_per_day=20_000_000)
    >>> plan_frame(steps)["exercised"].tolist()
    [99800000, 24980020, 15469980]
    """
    return pd.DataFrame(
        [
            {
                "date": step.date,
                "FMV (§1.2)": step.fmv,
                "priced on": step.pricing_date,
                "exercised": step.exercised,
                "issued": step.issued,
                "series_d": step.series_d_issued,
                "cash paid": step.cash_paid,
                "withheld": step.shares_withheld,
                "cash in lieu": step.cash_in_lieu,
                "sold before": step.sold_before,
                "owned after": step.owned_after,
                "outstanding after": step.outstanding_after,
                "ownership after %": float(step.ownership_after) * 100,
                "remaining": step.remaining_after,
                "cap binding": step.cap_binding,
            }
            for step in steps
        ]
    )


def terms_frame(deal: Deal) -> pd.DataFrame:
    """The Option's terms with their citations (and the discrepancies that matter for it); the
    aggregate Exercise Price is ``round_half_up_cents(shares × Exercise Price)`` (§2.2(a)(i))."""
    option = deal.option
    cap_text = (
        f"{option.max_exercise_cap.value * 100}% of outstanding, void on a default notice or "
        f"{option.cap_release_notice_days.value} days' notice"
    )
    aggregate = cash_exercise(option.shares.value, option.exercise_price.value)
    recipient = deal.escrow.schedule_a.option_recipient
    rows = [
        ("Holder", deal.party_name(option.holder.value), deal.cite(option.holder.source)),
        ("Shares (§1.1)", f"{option.shares.value:,}", deal.cite(option.shares.source)),
        ("Exercise Price", f"${option.exercise_price.value}", deal.cite(option.exercise_price.source)),
        ("Aggregate Exercise Price", f"${aggregate:,.2f}", "shares × Exercise Price, to the cent half-up"),
        ("Par value", f"${option.par_value.value}", deal.cite(option.par_value.source)),
        ("Maximum exercise (§10)", cap_text, deal.cite(option.max_exercise_cap.source)),
        (
            "Certificates",
            f"within {option.certificate_delivery_business_days.value} business days of exercise",
            deal.cite(option.certificate_delivery_business_days.source),
        ),
        ("Expiration Date", "never defined (blank)", deal.cite(option.expiration_date.source)),
        ("Escrow's option recipient", deal.party_name(recipient.value), deal.cite(recipient.source)),
        (
            "Cashless formula's instrument",
            f"“{option.cashless_formula_instrument.value}”",
            deal.cite(option.cashless_formula_instrument.source),
        ),
    ]
    return pd.DataFrame(rows, columns=["term", "value", "source"])


def _cashless_row(shares: int, fmv: Decimal, exercise_price: Decimal | Fraction | None) -> dict[str, object]:
    """The cashless row of :func:`exercise_comparison` (§2.2(b), §2.1), or why it is not available."""
    try:
        result = cashless_exercise(shares, fmv, exercise_price)
    except CashlessUnavailable as exc:
        return {"route": "cashless (§2.2(b))", "shares received": 0, "holder pays": "—", "cash in lieu": "—",
                "value at FMV": "—", "note": f"not available: {exc}"}  # fmt: skip
    return {
        "route": f"cashless (§2.2(b), §2.1), Y = {result.shares_exercised:,}",
        "shares received": result.shares_issued,
        "holder pays": "$0.00",
        "cash in lieu": f"${result.cash_in_lieu:,.2f}",
        "value at FMV": f"${value_to_holder(result, fmv):,.2f}",
        "note": f"{result.shares_withheld:,} shares withheld: X = Y(A−B)/A",
    }


def exercise_comparison(
    shares: int, fmv: Decimal, exercise_price: Decimal | Fraction | None = None, cashless_shares: int | None = None
) -> pd.DataFrame:
    """Cash (§2.2(a)(i)) against cashless (§2.2(b)) for ``shares`` at ``fmv``.

    .. math:: net_{cash} = round_{half\\_up, cent}(Y A) - round_{half\\_up, cent}(Y B), \\quad
              X = Y(A - B)/A

    The cashless row is for ``cashless_shares`` (default ``shares``; pass
    :func:`dealkit.option.cashless_exercisable` for the §10 ``"issued"`` reading) and says why
    when it is not available (FMV ≤ Exercise Price) instead of failing.
    """
    paid = cash_exercise(shares, exercise_price)
    worth = exact_cents(Fraction(shares) * as_fraction(fmv)) - paid
    cash_row = {"route": "cash (§2.2(a)(i))", "shares received": shares, "holder pays": f"${paid:,.2f}",
                "cash in lieu": "$0.00", "value at FMV": f"${worth:,.2f} net",
                "note": "pays the aggregate Exercise Price"}  # fmt: skip
    cashless = shares if cashless_shares is None else cashless_shares
    return pd.DataFrame([cash_row, _cashless_row(cashless, fmv, exercise_price)])


def events_frame(shares: int, exercise_price: Decimal, before: int, after: int) -> pd.DataFrame:
    """A §4 Event under both readings (:data:`dealkit.option.EVENT_READINGS`), with the aggregate
    Exercise Price before and after, each rounded half-up to the cent for display."""
    rows = []
    for reading in EVENT_READINGS:
        adjusted = adjust_for_event(shares, exercise_price, before, after, reading)
        rows.append(
            {
                "reading": reading,
                "shares": f"{adjusted.shares:,}",
                "fraction kept": str(adjusted.fraction),
                "exercise price": f"${adjusted.exercise_price.normalize():f}",
                "aggregate before": f"${exact_cents(adjusted.aggregate_before):,.2f}",
                "aggregate after": f"${exact_cents(adjusted.aggregate_after):,.2f}",
                "what it means": EVENT_READINGS[reading],
            }
        )
    return pd.DataFrame(rows)


def fmv_axis(low: str, high: str, count: int) -> list[Decimal]:
    """``count`` FMVs spaced evenly on a log scale from ``low`` to ``high``, each to 5 decimals
    (a chart axis, not money): ``low × (high/low)^(i/(count−1))``.

    Examples
    --------
    >>> fmv_axis("0.0001", "0.01", 3)
    [Decimal('0.00010'), Decimal('0.00100'), Decimal('0.01000')]
    """
    lowest, highest = float(Decimal(low)), float(Decimal(high))
    return [Decimal(f"{lowest * (highest / lowest) ** (i / (count - 1)):.5f}") for i in range(count)]


def outstanding_axis(low: int, high: int, count: int) -> list[int]:
    """``count`` share counts evenly spaced from ``low`` to ``high``: ``low + (high − low)·i // (count − 1)``.

    Examples
    --------
    >>> outstanding_axis(100, 200, 3)
    [100, 150, 200]
    """
    return [low + (high - low) * i // (count - 1) for i in range(count)]
