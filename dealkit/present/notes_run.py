"""``01_notes``'s run from its string parameters: the notebook, the executive summary and the
explorer compute the notes from the same strings through :func:`run_from_parameters` (parsed by
:mod:`dealkit.params`), and the back-solve of the demand of record through
:func:`back_solve_of_record`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from dealkit.core.cashflows import CashFlow
from dealkit.params import as_date, as_date_or_deal, as_int, as_money, as_price, as_rate
from dealkit.present.notes_tables import back_solve_demand
from dealkit.rules.notes.conversion import Market
from dealkit.rules.notes.default import DefaultScenario, default_scenario
from dealkit.rules.notes.flows import lender_cash_flows, option_value, parse_option_holder
from dealkit.rules.notes.interest import as_rounding
from dealkit.rules.notes.revolver import build_schedules
from dealkit.rules.notes.schedule import Schedule
from dealkit.rules.notes.terms import ZERO, NoteAssumptions, assumptions_from_deal

__all__ = ["NotesRun", "run_from_parameters", "back_solve_of_record"]


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
    default: DefaultScenario | None
    flows: tuple[CashFlow, ...]


def _overrides(**strings: str) -> dict[str, Any]:
    """The assumptions a parameter sets (not ``"deal"``), parsed by :mod:`dealkit.params`."""
    parsers = {
        "margin": as_rate,
        "floor": as_rate,
        "monthly_amount": as_money,
        "first_amortization": as_date,
        "fixed_conversion_price": as_price,
    }
    return {name: parsers[name](text, name) for name, text in strings.items() if str(text).strip() != "deal"}


def _default_dates(deal: Any, default_date: str, demand_date: str) -> tuple[dt.date | None, dt.date]:
    """(the default date or ``None`` for no default, the demand date): ``"deal"`` takes the notice
    of default and the due date of record."""
    record = deal.default_demand
    stop = None
    if str(default_date).strip():
        stop = as_date_or_deal(default_date, "default_date") or record.notice_date.value
    return stop, as_date_or_deal(demand_date, "demand_date") or record.due_date.value


def _market(deal: Any, stock_price: str, daily_volume: str, price_shock: str) -> Market:
    """The market of the parameters, on the deal's share counts (:meth:`Market.for_deal`)."""
    volume = as_int(daily_volume, "daily_volume", minimum=0)
    return Market.for_deal(
        deal, as_price(stock_price, "stock_price"), volume, shock=as_price(price_shock, "price_shock")
    )


def _lender_flows(
    deal: Any, schedules: Mapping[str, Schedule], market: Market, scenario: DefaultScenario | None, holder: str
) -> list[CashFlow]:
    """Laurus's flows on the deal's Escrowed Payment, closing and Closing Payment, with the
    scenario's recovery and the Option's value for ``holder``."""
    escrow = deal.escrow
    recovery = (scenario.payment, scenario.demand_date) if scenario else (None, None)
    return lender_cash_flows(
        list(schedules.values()),
        market,
        escrow.escrowed_payment.value,
        deal.deal.closing_date.value,
        escrow.closing_payment.value,
        *recovery,
        option_holder=holder,
        option=option_value(deal, market),
    )


def run_from_parameters(
    deal: Any,
    prime: Any = None,
    *,
    margin: str = "deal",
    floor: str = "deal",
    monthly_amount: str = "deal",
    first_amortization: str = "deal",
    conversion_price: str = "deal",
    stock_price: str,
    daily_volume: str,
    price_shock: str = "1",
    term_b_maturity: str = "deal",
    default_date: str = "deal",
    demand_date: str = "deal",
    rounding: str = "period",
    option_holder: str = "deal",
) -> NotesRun:
    """``01_notes``'s parameters (strings, ``"deal"`` for the deal file's value) → :class:`NotesRun`.

    ``default_date`` empty: no default (:func:`_default_dates`). A bad value is one
    :class:`~dealkit.errors.ParameterError` naming the parameter (:mod:`dealkit.params`).

    Examples
    --------
    >>> from dealkit.deal.loader import load_deal
    >>> run = run_from_parameters(load_deal(), stock_price="0.06", daily_volume="5000000")
    >>> run.holder, run.default.payment > run.default.principal
    ('gssf', True)
    """
    terms = {
        "margin": margin,
        "floor": floor,
        "monthly_amount": monthly_amount,
        "first_amortization": first_amortization,
        "fixed_conversion_price": conversion_price,
    }
    overrides = _overrides(**terms)
    a = assumptions_from_deal(deal, **overrides)
    market = _market(deal, stock_price, daily_volume, price_shock)
    stop, demand = _default_dates(deal, default_date, demand_date)
    maturity = as_date_or_deal(term_b_maturity, "term_b_maturity")
    schedules = build_schedules(deal, a, market, None, maturity, stop, prime, as_rounding(rounding))
    holder = parse_option_holder(option_holder, deal)
    scenario = default_scenario(schedules, stop, demand, a, prime=prime) if stop else None
    flows = _lender_flows(deal, schedules, market, scenario, holder)
    return NotesRun(a, overrides, market, stop, demand, schedules, holder, scenario, tuple(flows))


def back_solve_of_record(deal: Any, a: NoteAssumptions, prime: Any = None) -> Any:
    """:func:`back_solve_demand` of the demand of record: 0, 1, 3 or 6 months unpaid, default
    interest from nowhere, Term B's stated maturity or the notice of default, fees of 0 or 2%,
    principal at most the facility."""
    record = deal.default_demand
    return back_solve_demand(
        record.amount.value,
        record.due_date.value,
        a,
        months_unpaid=(0, 1, 3, 6),
        default_dates=(None, deal.notes["term_b"].maturity.value, record.notice_date.value),
        fee_rates=(ZERO, as_rate("2%", "fees")),
        prime=prime,
        max_principal=deal.facility_total(),
    )
