"""The risk model's own assumptions (none is a term of the deal): the default rule, ATG's cash
capacity, the demand lag, the recovery, the revolver's rule and the holder's policy (see
:mod:`dealkit.risk_engine` for what each does)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from dealkit.errors import ParameterError
from dealkit.market.paths import Assumption
from dealkit.rules.option import READINGS

__all__ = [
    "DEFAULT_RULES",
    "REVOLVER_RULES",
    "HOLDER_RULES",
    "HolderPolicy",
    "holder_policy",
    "RiskTerms",
    "risk_terms",
]

#: When a path defaults: ``cash_capacity`` (cash due above ATG's capacity) or ``none``.
DEFAULT_RULES = ("cash_capacity", "none")
#: What becomes of the revolver (dealkit.risk_engine's docstring).
REVOLVER_RULES = ("refinanced", "cash", "excluded")
#: The holder's optional-conversion rules (:class:`HolderPolicy`).
HOLDER_RULES = ("none", "convert")
#: The bounds of the holder's trigger (× the Fixed Conversion Price).
_TRIGGER_BOUNDS = (Decimal(0), Decimal(1000))


@dataclass(frozen=True)
class HolderPolicy:
    """The holder's optional conversion (the Laurus note form's optional conversion at the Fixed
    Conversion Price): ``rule`` ``"none"`` or ``"convert"`` (when the close is ≥ ``trigger`` × FCP);
    ``volume_cap`` (None: the deal's ``amortization_volume_cap``); ``reading`` of the 4.99% cap for
    every conversion (Option §10, :data:`dealkit.option.READINGS`); ``sell_fraction`` (None:
    holdings not tracked)."""

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
        """The policy as three stated assumptions (holder, cap_reading, holder_sells)."""
        conv = (
            "none: the holder converts only the scheduled payments"
            if self.rule == "none"
            else f"convert when the close is ≥ {self.trigger} × the Fixed Conversion Price, within "
            f"{'the amortization volume cap' if self.volume_cap is None else self.volume_cap} × 22-day dollar volume"
        )
        sell = (
            "not tracked: each conversion sees the holder's shares at closing"
            if self.sell_fraction is None
            else f"{self.sell_fraction} of each day's volume sold; holdings build up"
        )
        return {
            "holder": Assumption("holder", conv, "assumed: the holder's optional conversion (Laurus note form)"),
            "cap_reading": Assumption("cap_reading", self.reading, "Option §10 / note form 4.99% cap: reading chosen"),
            "holder_sells": Assumption("holder_sells", sell, "assumed: no record of Laurus's sales"),
        }


def _bounded(value: object, name: str, low: Decimal, high: Decimal) -> Decimal | None:
    """``value`` as a Decimal in [low, high] (None stays None); a :class:`ParameterError` otherwise."""
    if value is None:
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (ArithmeticError, ValueError, TypeError):
        number = Decimal("NaN")
    if not number.is_finite() or not low <= number <= high:
        raise ParameterError(f"parameter {name}: expected a number from {low} to {high} (got {str(value)[:40]!r})")
    return number


def holder_policy(
    rule: str = "none",
    trigger: str | Decimal | None = None,
    volume_cap: str | Decimal | None = None,
    reading: str = "literal",
    sell_fraction: str | Decimal | None = None,
) -> HolderPolicy:
    """:class:`HolderPolicy`, validated (one clear :class:`ParameterError` per bad value).

    Examples
    --------
    >>> holder_policy("convert", "1.25").trigger
    Decimal('1.25')
    """
    if rule not in HOLDER_RULES:
        raise ParameterError(
            f"parameter holder: unknown rule, choose one of {', '.join(HOLDER_RULES)} (got {str(rule)[:40]!r})"
        )
    if reading not in READINGS:
        raise ParameterError(f"parameter reading: choose one of {', '.join(READINGS)} (got {str(reading)[:40]!r})")
    checked_trigger = _bounded(trigger, "trigger", *_TRIGGER_BOUNDS)
    if rule == "convert" and checked_trigger is None:
        raise ParameterError(
            "parameter trigger: the convert rule needs a trigger (e.g. 1.25 × the Fixed Conversion Price)"
        )
    return HolderPolicy(
        rule,
        checked_trigger,
        _bounded(volume_cap, "volume_cap", Decimal(0), Decimal(1)),
        reading,
        _bounded(sell_fraction, "sell_fraction", Decimal(0), Decimal(1)),
    )


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
    holder: HolderPolicy = field(default_factory=HolderPolicy)  # None given: HolderPolicy() (no optional conversion)

    def __post_init__(self) -> None:
        if self.holder is None:
            object.__setattr__(self, "holder", HolderPolicy())

    def assumptions(self) -> dict[str, Assumption]:
        """Every assumption of the risk model, the holder's policy included, stated."""
        return {**self._own(), **self.holder.assumptions()}

    def _own(self) -> dict[str, Assumption]:
        revolver = {
            "refinanced": "assumed: revolver interest is cash due; its balloon is refinanced from the borrowing base",
            "cash": "assumed: revolver interest and its balloon are cash due (default if beyond capacity)",
            "excluded": "assumed: the revolver and the MBN are left out",
        }[self.revolver]
        return {
            "revolver": Assumption("revolver", self.revolver, revolver),
            "default_rule": Assumption(
                "default_rule",
                self.default_rule,
                "assumed: default when a payment's cash exceeds ATG's cash capacity"
                if self.default_rule == "cash_capacity"
                else "assumed: ATG always pays",
            ),
            "cash_capacity": Assumption(
                "cash_capacity",
                f"${self.cash_capacity:,.2f}",
                "assumed: cash ATG can pay on one payment date; not in the sources",
            ),
            "demand_lag_days": Assumption(
                "demand_lag_days",
                self.demand_lag_days,
                "as in the record: notice 2008-01-31, payment demanded 2008-02-01",
            ),
            "recovery_rate": Assumption(
                "recovery_rate",
                f"{self.recovery_rate}",
                "assumed: share of the Default Payment Laurus recovers; not in the sources",
            ),
        }


def risk_terms(
    default_rule: str = "cash_capacity",
    cash_capacity: str | Decimal = "250000.00",
    demand_lag_days: int = 1,
    recovery_rate: str | Decimal = "0.50",
    revolver: str = "refinanced",
    holder: HolderPolicy | None = None,
) -> RiskTerms:
    """:class:`RiskTerms`, validated (one clear :class:`ParameterError` per bad value).

    Examples
    --------
    >>> risk_terms(cash_capacity="100000.00").cash_capacity
    Decimal('100000.00')
    """
    if revolver not in REVOLVER_RULES:
        raise ParameterError(
            f"parameter revolver: unknown rule, choose one of {', '.join(REVOLVER_RULES)} (got {str(revolver)[:40]!r})"
        )
    if default_rule not in DEFAULT_RULES:
        raise ParameterError(
            f"parameter default_rule: unknown rule, choose one of {', '.join(DEFAULT_RULES)} "
            f"(got {str(default_rule)[:40]!r})"
        )
    from dealkit.params import as_money, as_rate  # the notebooks' parsers (one message format)

    capacity = cash_capacity if isinstance(cash_capacity, Decimal) else as_money(cash_capacity, "cash_capacity")
    recovery = recovery_rate if isinstance(recovery_rate, Decimal) else as_rate(recovery_rate, "recovery_rate")
    if isinstance(demand_lag_days, bool) or not isinstance(demand_lag_days, int) or demand_lag_days < 0:
        raise ParameterError(f"parameter demand_lag_days: expected a whole number ≥ 0 (got {demand_lag_days!r})")
    return RiskTerms(default_rule, capacity, demand_lag_days, recovery, revolver, holder or HolderPolicy())
