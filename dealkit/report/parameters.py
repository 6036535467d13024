"""Report parameters checked before any notebook runs, with the parsers the notebooks apply.

The parsers themselves live low in :mod:`dealkit.params`; this module knows every notebook's
parameters, so it sits in the report layer above the rules, engines and presentation it consults
(escrow scenarios, Option readings, the events loader, 05_risk's path models)."""

from __future__ import annotations

from dealkit.errors import ParameterError
from dealkit.params import _at_least, _choice, _deal_or, _empty_or, _fail, as_bool, as_date, as_money, as_price, as_rate

__all__ = ["MAX_PARAMETER_CHARS", "validate_parameters"]

#: The longest parameter value accepted (the Joint Instructions JSON is the longest in practice).
MAX_PARAMETER_CHARS = 65_536


def _risk_parsers() -> dict:
    """05_risk's parameters, with the validators the path models apply (dealkit.market, dealkit.risk)."""
    from dealkit import market
    from dealkit.engines.risk.metrics import METRICS
    from dealkit.engines.risk.parameters import parse_policy

    def money_or_none(value, name):
        return None if str(value).strip().lower() == "none" else as_money(value, name)

    def price_csv(value, name):
        from dealkit.errors import DealkitError

        try:
            return market.load_price_csv(value)
        except DealkitError as exc:
            raise ParameterError(f"parameter {name}: {exc}") from None

    def metric(value, name):
        return _choice(*METRICS)(value, name)

    return {
        "n_paths": _at_least(1),
        "seed": _at_least(0),
        "model": _choice(*market.MODELS, "csv"),
        "volatility": lambda v, n: market._finite(v, n, positive=True),
        "drift": lambda v, n: market._finite(v, n),
        "start_price": market._positive_decimal,
        "volume_level": market._whole,
        "price_csv": _empty_or(price_csv),
        "metric": metric,
        "cash_capacity": money_or_none,
        "policy": lambda v, n: parse_policy(v),
    }


def _parsers() -> dict:
    """Every parameter the report notebooks declare → the parser the notebook applies to it."""
    from dealkit.rules.escrow.scenarios import SCENARIOS as ESCROW_SCENARIOS
    from dealkit.rules.notes.flows import OPTION_HOLDERS
    from dealkit.rules.option.cap import READINGS

    return {
        "interactive": as_bool,
        # 01_notes
        "margin": _deal_or(as_rate),
        "floor": _deal_or(as_rate),
        "monthly_amount": _deal_or(as_money),
        "first_amortization": _deal_or(as_date),
        "conversion_price": _deal_or(as_price),
        "stock_price": as_price,
        "price_shock": as_price,
        "daily_volume": _at_least(0),
        "term_b_maturity": _deal_or(as_date),
        "default_date": _deal_or(_empty_or(as_date)),
        "demand_date": _deal_or(as_date),
        "rounding": _choice("period", "daily"),
        "option_holder": _deal_or(_choice(*OPTION_HOLDERS)),
        # 02_escrow
        "agent_fee": as_money,
        "scenario": _choice(*ESCROW_SCENARIOS),
        "hold_days": _at_least(0),
        "deposit_rate": as_rate,
        "agent_expense_total": as_money,
        "indemnifiable_costs": as_money,
        # 03_option
        "fmv": as_price,
        "outstanding": _deal_or(_at_least(1)),
        "holdings": _at_least(0),
        "reading": _choice(*READINGS),
        "event_before": _at_least(1),
        "event_after": _at_least(1),
        "sell_per_day": _at_least(0),
        "method": _choice("cash", "cashless"),
        "as_of": _deal_or(as_date),
        "default_notice": _empty_or(as_date),
        # 04_obligations
        "promptly_days": _at_least(0),
        # 05_risk
        **_risk_parsers(),
    }


def validate_parameters(values: dict[str, str], deal=None) -> None:
    """Check report parameters before any notebook runs, with the parsers the notebooks use.

    Raises :class:`ParameterError` naming the parameter and its value (cut short): a value too
    long, one its notebook would refuse, dates out of order (``demand_date`` before
    ``default_date``, ``term_b_maturity`` or ``first_amortization`` not after the closing date,
    when ``deal`` is given), Joint Instructions that do not parse, an events file that is not a
    small regular YAML file of events. Names no notebook parses (e.g. ``party``) pass.
    """
    parsers = _parsers()
    parsed = {}
    for name, value in values.items():
        if len(str(value)) > MAX_PARAMETER_CHARS:
            raise _fail(name, value, f"longer than {MAX_PARAMETER_CHARS:,} characters")
        if name in parsers:
            parsed[name] = parsers[name](value, name)
    default, demand = parsed.get("default_date"), parsed.get("demand_date")
    if default and demand and demand < default:
        raise _fail("demand_date", values["demand_date"], f"the demand falls before default_date {default}")
    if deal is not None:
        closing = deal.deal.closing_date.value
        for name in ("term_b_maturity", "first_amortization", "default_date"):
            if parsed.get(name) and parsed[name] <= closing:
                raise _fail(name, values[name], f"not after the closing date {closing}")
        if "instructions" in values:
            from dealkit.rules.escrow.instructions import parse_instructions

            try:
                parse_instructions(values["instructions"], deal)
            except (ValueError, TypeError, RecursionError) as exc:
                raise _fail(
                    "instructions", values["instructions"], " ".join(str(exc).split())[:200] or type(exc).__name__
                ) from None
        if "events" in values:
            from dealkit.errors import DealDataError
            from dealkit.present.obligations_files import load_events

            try:
                load_events(values["events"], deal)
            except DealDataError as exc:
                raise ParameterError(f"parameter events: {exc}") from None
