"""The Funds Escrow Agreement's terms, its errors and its input checks.

Every term ("FEA" §) comes from the deal file through :func:`escrow_terms`; ``None`` for a term
means the embedded deal's. The checks turn untrusted input (a parameter, YAML, JSON) into
``Decimal`` or one :class:`InstructionError` line naming the field and the value, cut short.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any

from dealkit.core.money import to_decimal
from dealkit.errors import ParameterError

__all__ = [
    "ZERO",
    "PARTIES",
    "PURCHASER",
    "AGENT",
    "InstructionError",
    "EscrowTransitionError",
    "escrow_terms",
    "term",
    "short_value",
    "decimal_field",
    "money_field",
    "cents_half_up",
]

ZERO = Decimal("0.00")
#: The actors of the agreement as its text names them (preamble; §3.1(a)(iii); §4.1(d)).
PARTIES = "Companies and Purchaser"
PURCHASER = "Purchaser"
AGENT = "Escrow Agent"


class InstructionError(ParameterError):
    """Joint Instructions that cannot be carried out; the message names the instruction (its
    index), the field and the bad value."""


class EscrowTransitionError(ParameterError):
    """An event the agreement does not allow in the current state; the message names the state,
    the event and the section."""


@functools.lru_cache(maxsize=1)
def _embedded_deal() -> Any:
    """The embedded deal file, loaded once (the deal layer reads it; this module does no I/O)."""
    from dealkit.deal.loader import load_deal

    return load_deal()


def _purchaser(deal: Any) -> str:
    """The party whose roles include "purchaser" (the FEA preamble's "Purchaser")."""
    for key, party in deal.parties.items():
        if any(role.strip().lower() == "purchaser" for role in party.roles):
            return str(deal.party_name(key))
    return PURCHASER


def escrow_terms(deal: Any = None) -> dict[str, Any]:
    """The Funds Escrow Agreement's terms from ``deal`` (default: the embedded deal file).

    Keyed as this package's keyword arguments: ``escrowed`` (FEA §1.1(d)), ``agreement_date`` (the
    closing date: the agreement's own date is a blank), ``closing_payment`` (Schedule A,
    §1.1(b)), ``closing_payee`` (§1.1(b)), ``agent`` (preamble), ``purchaser`` (preamble),
    ``expense_cap`` (§4.1(c)), ``notice_business_days`` (§4.1(d)), ``deemed_days`` (§5.2).

    Parameters
    ----------
    deal : dealkit.deal.model.Deal, optional
        A loaded deal; ``None`` for the embedded one.

    Returns
    -------
    dict
        The terms, each the deal file's value unchanged.

    Examples
    --------
    >>> from dealkit.loader import load_deal
    >>> deal = load_deal()
    >>> terms = escrow_terms(deal)
    >>> terms["escrowed"] == deal.escrow.escrowed_payment.value
    True
    >>> terms["agent"] == deal.party_name(deal.escrow.agent)
    True
    """
    chosen = deal if deal is not None else _embedded_deal()
    escrow = chosen.escrow
    return {
        "escrowed": escrow.escrowed_payment.value,
        "agreement_date": chosen.deal.closing_date.value,
        "closing_payment": escrow.closing_payment.value,
        "closing_payee": chosen.party_name(escrow.closing_payment_payee.value),
        "agent": chosen.party_name(escrow.agent),
        "purchaser": _purchaser(chosen),
        "expense_cap": escrow.expense_cap.value,
        "notice_business_days": escrow.resignation_notice_business_days.value,
        "deemed_days": escrow.notice_deemed_given_days.value,
    }


def term(value: Any, name: str) -> Any:
    """``value``, or the embedded deal's term ``name`` (a key of :func:`escrow_terms`) when it is
    ``None``."""
    return escrow_terms()[name] if value is None else value


def short_value(value: Any, limit: int = 60) -> str:
    """A value for an error message, cut short (never the whole of a huge value)."""
    if isinstance(value, str):
        text = value
    elif isinstance(value, Mapping | list | tuple | set):
        text = type(value).__name__
    elif isinstance(value, int) and value.bit_length() > 256:
        text = f"an integer of {value.bit_length()} bits"
    else:
        text = str(value)
    text = text[:limit] + ("…" if len(text) > limit else "")
    return repr(text) if isinstance(value, str) else text


def _check_money(number: Decimal, value: Any, where: str) -> Decimal:
    """Money: not negative, whole cents (no non-zero digit after the cents)."""
    if number < 0:
        raise InstructionError(f"{where}: must not be negative (got {str(value)[:40]!r})")
    _sign, digits, exponent = number.as_tuple()
    if isinstance(exponent, int) and exponent < -2 and any(digits[len(digits) + exponent + 2 :]):
        raise InstructionError(f"{where}: more than two decimal places (got {str(value)[:40]!r})")
    return number


def decimal_field(value: Any, where: str, kind: str = "money") -> Decimal:
    """A money amount (``kind="money"``: not negative, whole cents) or a percent (``"percent"``:
    0 to 100), from a string or an int; a float is refused (it has already lost the cents).

    Raises
    ------
    InstructionError
        Naming ``where`` and the value, cut short.
    """
    example = '"1350000.00"' if kind == "money" else '"12.5"'
    if isinstance(value, float):
        raise InstructionError(f"{where}: give the {kind} as a string like {example}, not the float {value!r}")
    try:
        number = to_decimal(value, where)
    except ValueError as exc:
        raise InstructionError(f"{where}: {str(exc).split(': ', 1)[-1]}") from None
    if not number.is_finite():
        raise InstructionError(f"{where}: must be a finite number (got {str(value)[:40]!r})")
    if kind != "percent":
        return _check_money(number, value, where)
    if number < 0 or number > 100:
        raise InstructionError(f"{where}: a percent between 0 and 100 (got {str(value)[:40]!r})")
    return number


def money_field(value: Any, where: str) -> Decimal:
    """:func:`decimal_field` for money."""
    return decimal_field(value, where, "money")


def cents_half_up(value: Fraction) -> Decimal:
    """``value`` to the cent, half-up (ROUND_HALF_UP), exactly: ``floor(100 v + 1/2) / 100``.

    For messages (the amounts over-allocated or left), where an exact ``Fraction`` is shown.
    """
    whole, rest = divmod(value * 100, 1)
    return Decimal(int(whole) + (2 * rest >= 1)).scaleb(-2)
