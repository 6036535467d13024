"""The Joint Instructions of FEA §3.1(a)(iii): their shape, checked line by line.

"joint written instructions ("Joint Instructions") executed by the Companies and the Purchaser
setting forth the payment direction instructions with respect to the Escrowed Payment"
(FEA §3.1(a)(iii)). Each line is a mapping as it comes from YAML, JSON or a parameter; a bad line
is one :class:`~dealkit.rules.escrow.terms.InstructionError` naming its index, field and value.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from dealkit.rules.escrow.terms import InstructionError, decimal_field, money_field

__all__ = [
    "INSTRUCTION_KEYS",
    "Instruction",
    "check_instructions",
    "same_payee",
    "lists_closing_payment",
    "default_instructions",
    "parse_instructions",
]

#: The keys a Joint Instruction line may have.
INSTRUCTION_KEYS = frozenset({"payee", "amount", "percent", "remainder", "note", "closing_payment"})


@dataclass(frozen=True, slots=True)
class Instruction:
    """One checked line of the Joint Instructions (FEA §3.1(a)(iii)).

    ``kind`` is ``"amount"`` (a fixed sum, ``value`` in dollars), ``"percent"`` (``value`` percent
    of the base left after the retained items) or ``"remainder"`` (``value`` is ``None``);
    ``raw`` is the line as given (for its ``note`` and ``closing_payment`` flag).
    """

    index: int
    payee: str
    kind: str
    value: Decimal | None
    raw: Mapping[str, Any]


def _check_shape(line: Any, where: str) -> tuple[str, str]:
    """The line's payee and its one kind of payment, or :class:`InstructionError`."""
    if not isinstance(line, Mapping):
        raise InstructionError(f"{where}: expected a mapping like {{payee: ..., amount: ...}} (got {str(line)[:40]!r})")
    unknown = {str(key)[:40] for key in line} - INSTRUCTION_KEYS
    if unknown:
        raise InstructionError(
            f"{where}: unknown key(s) {sorted(unknown)} (allowed: payee, amount, percent, remainder, note, "
            "closing_payment)"
        )
    payee = line.get("payee")
    if not isinstance(payee, str) or not payee.strip():
        raise InstructionError(f"{where}.payee: a non-empty name is required (got {str(payee)[:40]!r})")
    kinds = [kind for kind in ("amount", "percent", "remainder") if kind in line]
    if len(kinds) != 1:
        raise InstructionError(f"{where}: give exactly one of amount, percent, remainder (got {kinds or 'none'})")
    if "closing_payment" in line and not isinstance(line["closing_payment"], bool):
        raise InstructionError(f"{where}.closing_payment: true or false (got {str(line['closing_payment'])[:40]!r})")
    return payee.strip(), kinds[0]


def _check_line(index: int, line: Any, remainder_at: int | None) -> Instruction:
    """One line of the Joint Instructions, checked; ``remainder_at``: the index of an earlier
    remainder line, if any (at most one is allowed)."""
    where = f"instructions[{index}]"
    payee, kind = _check_shape(line, where)
    if kind == "amount":
        return Instruction(index, payee, kind, money_field(line["amount"], f"{where}.amount"), line)
    if kind == "percent":
        return Instruction(index, payee, kind, decimal_field(line["percent"], f"{where}.percent", "percent"), line)
    if line["remainder"] is not True:
        raise InstructionError(f"{where}.remainder: must be true (got {str(line['remainder'])[:40]!r})")
    if remainder_at is not None:
        raise InstructionError(
            f"{where}.remainder: a second remainder payee (the first is instructions[{remainder_at}])"
        )
    return Instruction(index, payee, kind, None, line)


def check_instructions(instructions: Any) -> list[Instruction]:
    """Check the Joint Instructions' shape (FEA §3.1(a)(iii)): a list of mappings, each with a
    payee and exactly one of ``amount``, ``percent``, ``remainder`` (at most one remainder).

    Raises
    ------
    InstructionError
        The first bad line, naming its index, field and value.
    """
    if isinstance(instructions, str | bytes | Mapping) or not isinstance(instructions, Iterable):
        raise InstructionError(f"instructions: expected a list of mappings (got {type(instructions).__name__})")
    checked: list[Instruction] = []
    remainder_at: int | None = None
    for index, line in enumerate(instructions):
        item = _check_line(index, line, remainder_at)
        if item.kind == "remainder":
            remainder_at = index
        checked.append(item)
    return checked


def same_payee(first: str, second: str) -> bool:
    """The same name, compared without case, spaces or punctuation."""

    def letters(name: str) -> str:
        return "".join(ch for ch in name.casefold() if ch.isalnum())

    return letters(first) == letters(second)


def lists_closing_payment(item: Instruction, closing_payee: str) -> bool:
    """Does a Joint Instruction line list the Closing Payment (FEA §1.1(b); §3.1(a))?

    ``closing_payment: true``; or, unless ``closing_payment: false``, a payment to the Closing
    Payment's payee (:func:`same_payee`) or a line whose note calls it the closing payment.
    """
    flag = item.raw.get("closing_payment")
    if flag is not None:
        return flag is True
    note = item.raw.get("note")
    return same_payee(item.payee, closing_payee) or (isinstance(note, str) and "closing payment" in note.casefold())


def default_instructions(deal: Any) -> list[dict[str, Any]]:
    """Joint Instructions seeded from the public record (an assumption: FEA §3.1(a)(iii)'s real
    instructions are not public).

    The known uses of the proceeds (``deal.escrow.known_uses``, e.g. $1,350,000 to the NTSCO
    pension plan account), then the balance to ATG for the Companies, each marked as such in its
    ``note``.

    Examples
    --------
    >>> from dealkit.loader import load_deal
    >>> lines = default_instructions(load_deal())
    >>> lines[-1]["remainder"], lines[-1]["note"]
    (True, 'assumed: the real Joint Instructions are not public')
    """
    lines: list[dict[str, Any]] = [
        {"payee": use.payee, "amount": str(use.amount.value), "note": f"public record: {deal.cite(use.amount.source)}"}
        for use in deal.escrow.known_uses
    ]
    lines.append(
        {
            "payee": f"{deal.party_name('atg')} (balance, for the Companies)",
            "remainder": True,
            "note": "assumed: the real Joint Instructions are not public",
        }
    )
    return lines


def parse_instructions(text: str | list[Any], deal: Any) -> list[Any]:
    """Joint Instructions from a parameter: ``"default"`` (:func:`default_instructions`), a JSON
    list of mappings, or a list already.

    Raises
    ------
    InstructionError
        Bad JSON (with its line and column), or JSON that is not a list.

    Examples
    --------
    >>> parse_instructions('[{"payee": "A", "remainder": true}]', deal=None)
    [{'payee': 'A', 'remainder': True}]
    """
    if isinstance(text, list):
        return text
    if not isinstance(text, str):
        raise InstructionError(f'instructions: expected "default" or a JSON list (got {type(text).__name__})')
    if text.strip().lower() in ("", "default"):
        return default_instructions(deal)
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InstructionError(
            f"instructions: not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}); got {text[:80]!r}"
        ) from None
    if not isinstance(value, list):
        raise InstructionError(f"instructions: expected a JSON list of mappings (got {type(value).__name__})")
    return value
