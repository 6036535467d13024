"""The fixed layer of a plan that dealkit.notes computes: the term notes and the revolver on a
market where no stock can be paid (:func:`schedules_without_stock`) and the Default Payment for
a default on each payment date (:func:`default_table`, :func:`dealkit.notes.default_scenario`).
Neither depends on the Fixed Conversion Price, the stock tests, the caps or the cash premium;
:mod:`dealkit.engines.risk.plan` caches them on the terms they do depend on."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from dealkit.core.money import CENT
from dealkit.engines.risk.ints import cents
from dealkit.engines.risk.terms import RiskTerms
from dealkit.rules import notes

__all__ = ["DefaultTable", "Rounding", "schedules_without_stock", "default_table"]

#: How a row's interest is rounded (dealkit.notes): once per period, or each day.
Rounding = Literal["period", "daily"]


@dataclass(frozen=True, slots=True)
class DefaultTable:
    """For a default on each grid date (cents): its demand date, and from notes.default_scenario
    over every note the principal, the Default Payment, its recovery; the revolver's parts alone."""

    default_date: tuple[dt.date, ...]
    demand: tuple[dt.date, ...]
    principal: tuple[int, ...]
    payment: tuple[int, ...]
    recovery: tuple[int, ...]
    revolver_principal: tuple[int, ...]
    revolver_interest: tuple[int, ...]


def schedules_without_stock(
    deal: Any, a: notes.NoteAssumptions, terms: RiskTerms, tb: dt.date, prime: Any, rounding: Rounding
) -> tuple[dict[str, notes.Schedule], notes.Schedule | None]:
    """Term A and Term B on a market where no stock can be paid (price 0 fails every test), and
    the revolver unless excluded: on ``deal``'s share counts and business-day convention (never
    the embedded deal file's)."""
    n = deal.notes
    issue = deal.deal.closing_date.value
    no_stock = notes.Market.for_deal(deal, Decimal(0), 0)
    conv = notes.business_day_convention(deal)
    sched = {
        "term_a": notes.term_a_schedule(
            n["term_a"].face.value, issue, n["term_a"].maturity.value, a, no_stock, prime, rounding, convention=conv
        ),
        "term_b": notes.term_b_schedule(
            n["term_b"].face.value, issue, tb, a, no_stock, prime, rounding, convention=conv
        ),
    }
    rev = None
    if terms.revolver != "excluded":
        rev = notes.revolver_schedule(
            n["revolving"].face.value,
            n["mbn"].face.value,
            issue,
            n["revolving"].maturity.value,
            a,
            notes.default_reports(deal),
            prime,
            rounding,
            convention=conv,
        )
    return sched, rev


def default_table(
    every: Mapping[str, notes.Schedule],
    grid: tuple[dt.date, ...],
    a: notes.NoteAssumptions,
    terms: RiskTerms,
    prime: Any,
) -> DefaultTable:
    """The Default Payment for a default on each grid date: the schedules as they stand the day
    before (the rows dated before it), accelerated; demand ``demand_lag_days`` later. Also the
    revolver's part alone (the path-dependent engine adds the term notes' parts per path)."""
    columns: dict[str, list] = {k: [] for k in ("dd", "dem", "prin", "pay", "rec", "rprin", "rint")}
    dated = {k: [(r["date"], r) for r in s.rows] for k, s in every.items()}  # each row's date read once
    for day in grid:
        stopped = {k: dataclasses.replace(s, rows=tuple(r for d, r in dated[k] if d < day)) for k, s in every.items()}
        demand = day + dt.timedelta(days=terms.demand_lag_days)
        scenario = notes.default_scenario(stopped, day, demand, a, prime=prime)
        columns["dd"].append(day)
        columns["dem"].append(demand)
        columns["prin"].append(cents(scenario.principal))
        columns["pay"].append(cents(scenario.payment))
        columns["rec"].append(cents((scenario.payment * terms.recovery_rate).quantize(CENT, rounding=ROUND_HALF_UP)))
        if "revolver" in every:
            alone = notes.default_scenario({"revolver": stopped["revolver"]}, day, demand, a, prime=prime)
            columns["rprin"].append(cents(alone.principal))
            columns["rint"].append(cents(alone.accrued_interest + alone.default_interest))
        else:
            columns["rprin"].append(0)
            columns["rint"].append(0)
    return DefaultTable(*(tuple(columns[k]) for k in ("dd", "dem", "prin", "pay", "rec", "rprin", "rint")))
