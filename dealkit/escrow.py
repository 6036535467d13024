"""The Funds Escrow Agreement (Exhibit 4.12): the release as a state machine, the disbursement
to the cent, the agent's expenses and the two readings of §5.3.

Every rule cites its section of the Funds Escrow Agreement ("FEA"). Money is ``Decimal``; the
disbursement always pays out exactly what the escrow holds. The agreement's terms (the Escrowed
Payment, Schedule A's Closing Payment and its payee, the Escrow Agent, the $2,500 expense cap,
the 5 business days of §4.1(d), the one day of §5.2) come from the deal file: functions take them
as arguments, ``None`` meaning the embedded deal's, and the notebook passes the loaded deal's.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import math
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any, Iterable, Mapping

from .calendar import add_business_days
from .errors import ParameterError
from .money import CENT, to_decimal

__all__ = [
    "InstructionError", "EscrowTransitionError", "Disbursement", "Disbursements", "disburse", "ExpenseSplit",
    "agent_expenses", "InterestReadings", "INTEREST_READINGS", "interest_readings", "Event", "EscrowState",
    "LedgerEntry", "EscrowRun", "Phase", "TRANSITIONS", "TERMINAL", "RELEASES", "CONDITIONS", "start", "step", "run",
    "replay", "SCENARIOS", "scenario_events", "AUTHORIZED_CONFIRMERS", "resignation_effective_date",
    "notice_deemed_given", "default_instructions", "disburse_deal", "parse_instructions", "TARGETS",
    "transitions_frame", "checklist_frame", "ledger_frame", "disbursement_frame", "outcomes_frame",
    "expense_and_interest_frame", "escrow_terms",
]

ZERO = Decimal("0.00")


@functools.lru_cache(maxsize=1)
def _embedded_deal():
    from .loader import load_deal

    return load_deal()


def escrow_terms(deal=None) -> dict[str, Any]:
    """The Funds Escrow Agreement's terms from ``deal`` (default: the embedded deal file), keyed as
    this module's keyword arguments: ``escrowed`` (§1.1(d)), ``agreement_date`` (the closing
    date: the agreement's own date is a blank), ``closing_payment`` (Schedule A, §1.1(b)),
    ``closing_payee`` (§1.1(b)), ``agent`` (preamble), ``purchaser`` (preamble), ``expense_cap``
    (§4.1(c)), ``notice_business_days`` (§4.1(d)), ``deemed_days`` (§5.2)."""
    d = deal if deal is not None else _embedded_deal()
    e = d.escrow
    return {"escrowed": e.escrowed_payment.value, "agreement_date": d.deal.closing_date.value,
            "closing_payment": e.closing_payment.value, "closing_payee": d.party_name(e.closing_payment_payee.value),
            "agent": d.party_name(e.agent), "purchaser": _purchaser(d),
            "expense_cap": e.expense_cap.value, "notice_business_days": e.resignation_notice_business_days.value,
            "deemed_days": e.notice_deemed_given_days.value}


def _purchaser(d) -> str:
    """The party whose roles include "purchaser" (the FEA preamble's "Purchaser")."""
    for key, party in d.parties.items():
        if any(r.strip().lower() == "purchaser" for r in party.roles):
            return d.party_name(key)
    return PURCHASER


def _term(value, name: str):
    return escrow_terms()[name] if value is None else value


class InstructionError(ParameterError):
    """Joint Instructions that cannot be carried out; the message names the instruction (its
    index), the field and the bad value."""


class EscrowTransitionError(ParameterError):
    """An event the agreement does not allow in the current state; the message names the state,
    the event and the section."""


def _short(value: Any, limit: int = 60) -> str:
    """A value for an error message, cut short (never the whole of a huge value)."""
    if isinstance(value, str):
        text = value
    elif isinstance(value, (Mapping, list, tuple, set)):
        text = type(value).__name__
    elif isinstance(value, int) and value.bit_length() > 256:
        text = f"an integer of {value.bit_length()} bits"
    else:
        text = str(value)
    text = text[:limit] + ("…" if len(text) > limit else "")
    return repr(text) if isinstance(value, str) else text


# =========================================================================== disbursement ==
@dataclass(frozen=True)
class Disbursement:
    """One payment out of the escrow."""

    payee: str
    amount: Decimal
    basis: str
    section: str


class Disbursements(list):
    """The rows of a disbursement (a ``list`` of :class:`Disbursement`), with ``findings``: what
    was dropped from the Joint Instructions and why (e.g. the Closing Payment listed again)."""

    findings: tuple[str, ...] = ()


_INSTRUCTION_KEYS = {"payee", "amount", "percent", "remainder", "note", "closing_payment"}


def _decimal_field(value: Any, where: str, kind: str = "money") -> Decimal:
    """A money amount (``kind="money"``: not negative, whole cents) or a percent (0 to 100), from
    a string or an int; a float is refused (it has already lost the cents)."""
    example = "\"1350000.00\"" if kind == "money" else "\"12.5\""
    if isinstance(value, float):
        raise InstructionError(f"{where}: give the {kind} as a string like {example}, not the float {value!r}")
    try:
        d = to_decimal(value, where)
    except ValueError as exc:
        raise InstructionError(f"{where}: {str(exc).split(': ', 1)[-1]}") from None
    if not d.is_finite():
        raise InstructionError(f"{where}: must be a finite number (got {str(value)[:40]!r})")
    if kind == "percent":
        if d < 0 or d > 100:
            raise InstructionError(f"{where}: a percent between 0 and 100 (got {str(value)[:40]!r})")
        return d
    if d < 0:
        raise InstructionError(f"{where}: must not be negative (got {str(value)[:40]!r})")
    sign, digits, exp = d.as_tuple()
    if exp < -2 and any(digits[len(digits) + exp + 2:]):  # a non-zero digit after the cents
        raise InstructionError(f"{where}: more than two decimal places (got {str(value)[:40]!r})")
    return d


def _money_field(value: Any, where: str) -> Decimal:
    return _decimal_field(value, where, "money")


def _same_payee(a: str, b: str) -> bool:
    norm = lambda s: "".join(ch for ch in s.casefold() if ch.isalnum())  # noqa: E731
    return norm(a) == norm(b)


def _lists_closing_payment(raw: Mapping[str, Any], payee: str, closing_payee: str) -> bool:
    """Does a Joint Instruction line list the Closing Payment? ``closing_payment: true``; or,
    unless ``closing_payment: false``, a payment to the Closing Payment's payee (names compared
    without case, spaces or punctuation) or a line whose note calls it the closing payment."""
    flag = raw.get("closing_payment")
    if flag is not None:
        return flag is True
    note = raw.get("note")
    return _same_payee(payee, closing_payee) or (isinstance(note, str) and "closing payment" in note.casefold())


def _parse_instructions(instructions: Any) -> list[tuple[int, str, str, Decimal | None, Mapping[str, Any]]]:
    """Check the Joint Instructions' shape: ``[(index, payee, kind, value, raw)]``."""
    parsed: list[tuple[int, str, str, Decimal | None, Mapping[str, Any]]] = []
    remainder_at: int | None = None
    if isinstance(instructions, (str, bytes, Mapping)) or not isinstance(instructions, Iterable):
        raise InstructionError(f"instructions: expected a list of mappings (got {type(instructions).__name__})")
    for i, ins in enumerate(instructions):
        where = f"instructions[{i}]"
        if not isinstance(ins, Mapping):
            raise InstructionError(f"{where}: expected a mapping like {{payee: ..., amount: ...}} (got {str(ins)[:40]!r})")
        unknown = {str(k)[:40] for k in ins} - _INSTRUCTION_KEYS
        if unknown:
            raise InstructionError(f"{where}: unknown key(s) {sorted(unknown)} (allowed: payee, amount, percent, "
                                   "remainder, note, closing_payment)")
        payee = ins.get("payee")
        if not isinstance(payee, str) or not payee.strip():
            raise InstructionError(f"{where}.payee: a non-empty name is required (got {str(payee)[:40]!r})")
        kinds = [k for k in ("amount", "percent", "remainder") if k in ins]
        if len(kinds) != 1:
            raise InstructionError(f"{where}: give exactly one of amount, percent, remainder (got {kinds or 'none'})")
        if "closing_payment" in ins and not isinstance(ins["closing_payment"], bool):
            raise InstructionError(f"{where}.closing_payment: true or false (got {str(ins['closing_payment'])[:40]!r})")
        kind = kinds[0]
        if kind == "amount":
            parsed.append((i, payee.strip(), kind, _money_field(ins["amount"], f"{where}.amount"), ins))
        elif kind == "percent":
            parsed.append((i, payee.strip(), kind, _decimal_field(ins["percent"], f"{where}.percent", "percent"), ins))
        else:
            if ins["remainder"] is not True:
                raise InstructionError(f"{where}.remainder: must be true (got {str(ins['remainder'])[:40]!r})")
            if remainder_at is not None:
                raise InstructionError(f"{where}.remainder: a second remainder payee (the first is "
                                       f"instructions[{remainder_at}])")
            remainder_at = i
            parsed.append((i, payee.strip(), kind, None, ins))
    return parsed


def _cents_half_up(value: Fraction) -> Decimal:
    """For messages: ``value`` to the cent, half-up (ROUND_HALF_UP), exactly."""
    q, r = divmod(value * 100, 1)
    return Decimal(int(q) + (2 * r >= 1)).scaleb(-2)


def _allocate(base: Decimal, parsed, section: str = "FEA §3.1(a)(iii)") -> list[Disbursement]:
    """Allocate ``base`` among the parsed instructions (fixed amounts, percents of ``base`` rounded
    down with the largest-remainder odd cents, one remainder payee)."""
    remainder_at = next((i for i, _, k, _, _ in parsed if k == "remainder"), None)
    fixed_total = sum((v for _, _, k, v, _ in parsed if k == "amount"), ZERO)
    # percent shares exactly (Fractions: no rounding at Decimal's 28 digits), then down to the cent
    exact = {i: Fraction(base) * Fraction(v) / 100 for i, _, k, v, _ in parsed if k == "percent"}
    floor = {i: Decimal(math.floor(e * 100)).scaleb(-2) for i, e in exact.items()}
    allocated = Fraction(fixed_total) + sum(exact.values(), Fraction(0))
    if allocated > base:
        raise InstructionError(f"instructions: over-allocated by {_cents_half_up(allocated - Fraction(base))}: they "
                               f"allocate {_cents_half_up(allocated)} of {base} left after the retained items")
    odd_cents = {i: Decimal(0) for i in floor}
    if remainder_at is None:
        if allocated != base:
            raise InstructionError(f"instructions: {_cents_half_up(Fraction(base) - allocated)} left unallocated and no "
                                   "remainder payee ({\"payee\": ..., \"remainder\": true})")
        cents = int((base - fixed_total - sum(floor.values(), ZERO)) / CENT)
        order = sorted(floor, key=lambda i: (-(exact[i] - Fraction(floor[i])), i))
        for i in order[:cents]:
            odd_cents[i] = CENT
    amounts = {i: floor[i] + odd_cents[i] for i in floor}
    remainder = base - fixed_total - sum(amounts.values(), ZERO)
    rows = []
    for i, payee, kind, value, _ in parsed:
        if kind == "amount":
            rows.append(Disbursement(payee, value, "fixed amount (Joint Instructions)", section))
        elif kind == "percent":
            extra = " + odd cent" if odd_cents[i] else ""
            rows.append(Disbursement(payee, amounts[i], f"{value}% of {base} after retained items, rounded down"
                                     f"{extra}", section))
        else:
            rows.append(Disbursement(payee, remainder, "remainder (Joint Instructions)", section))
    return rows


def disburse(escrowed: Decimal | str, instructions: Iterable[Mapping[str, Any]], agent_fee: Decimal | str,
             closing_payment: Decimal | str | None = None, closing_payee: str | None = None,
             agent: str | None = None, *, schedule_a: Decimal | str | None = None) -> Disbursements:
    """Disburse the Escrowed Payment under the Joint Instructions (FEA §3.1(a)).

    The Joint Instructions "shall include ... Escrow Agent's authorization to retain from the
    Escrowed Payment Escrow Agent's fee ... and the Closing Payment for delivery to Laurus Capital
    Management, L.L.C." (§3.1(a)); the Closing Payment is "the closing payment to be paid to
    Laurus Capital Management, L.L.C. ... as set forth on Schedule A hereto" (§1.1(b)): Schedule
    A's amount (``schedule_a``, the deal file's ``escrow.closing_payment``; default the embedded
    deal's $450,000). Both are retained first, **once**:

    - ``closing_payment`` other than Schedule A's amount is refused, citing §1.1(b) / Schedule A;
    - an instruction that lists the Closing Payment again (``closing_payment: true``, or a
      payment to the Closing Payment's payee) is dropped when it is Schedule A's amount — with a
      finding in the result's ``findings`` — and refused when it is any other amount, a percent
      or the remainder. It is never paid twice.

    Then the instructions, in order, each a mapping as it comes from YAML or a parameter:

    - ``{"payee": P, "amount": "1350000.00"}`` — a fixed amount;
    - ``{"payee": P, "percent": "12.5"}`` — a percent of the *base*, what remains after the
      retained items (not of the running balance);
    - ``{"payee": P, "remainder": true}`` — whatever is left (at most one).

    Rounding: each percent share is ``base × percent / 100`` rounded *down* (ROUND_DOWN) to the
    cent; the cents this leaves go to the remainder payee if there is one, otherwise one cent each
    to the percent payees with the largest dropped fractions (ties: the earlier instruction) —
    the largest-remainder method. Without a remainder payee the instructions must allocate the
    base exactly (up to those cents).

    Returns one row per payee, retained items first (:class:`Disbursements`, a list).
    ``sum(row.amount) == escrowed`` always.

    Raises
    ------
    InstructionError
        Over-allocation, money left unallocated without a remainder payee, a negative amount, an
        unknown key, two remainder payees, a float, a missing payee, a Closing Payment other than
        Schedule A's.
    """
    escrowed_d = _money_field(escrowed, "escrowed")
    fee = _money_field(agent_fee, "agent_fee")
    sched = _money_field(_term(schedule_a, "closing_payment"), "schedule_a")
    payee_name = _term(closing_payee, "closing_payee")
    agent_name = _term(agent, "agent")
    closing = sched if closing_payment is None else _money_field(closing_payment, "closing_payment")
    if closing != sched:
        raise InstructionError(f"closing_payment: the Closing Payment is Schedule A's {sched} (FEA §1.1(b); Schedule A; "
                               f"retained under §3.1(a)); got {str(closing_payment)[:40]}")
    rows = Disbursements([Disbursement(agent_name, fee, "Escrow Agent's fee, retained", "FEA §3.1(a)"),
                          Disbursement(payee_name, closing, "Closing Payment, retained (Schedule A)",
                                       "FEA §3.1(a); §1.1(b)")])
    base = escrowed_d - fee - closing
    if base < 0:
        raise InstructionError(f"agent_fee: the fee {fee} and the Closing Payment {closing} exceed the "
                               f"Escrowed Payment {escrowed_d}")
    parsed, findings = [], []
    for item in _parse_instructions(instructions):
        i, payee, kind, value, raw = item
        if _lists_closing_payment(raw, payee, payee_name):
            if kind == "amount" and value == sched:
                findings.append(f"instructions[{i}]: the Closing Payment of {sched} to {payee} is listed again; it is "
                                "retained once under FEA §3.1(a) (Schedule A), so this line is dropped, not paid twice")
                continue
            shown = {"amount": str(value), "percent": f"{value}%", "remainder": "the remainder"}[kind]
            raise InstructionError(f"instructions[{i}]: the Closing Payment to {payee} is Schedule A's {sched} "
                                   f"(FEA §1.1(b); Schedule A), retained once under §3.1(a); got {shown}")
        parsed.append(item)
    rows.extend(_allocate(base, parsed))
    rows.findings = tuple(findings)
    total = sum((r.amount for r in rows), ZERO)
    if total != escrowed_d:  # an invariant, not an input check: it must never fire
        raise AssertionError(f"disbursement pays {total}, the escrow holds {escrowed_d}")
    return rows


# =========================================================================== expenses ======
@dataclass(frozen=True)
class ExpenseSplit:
    """Who bears the Escrow Agent's out-of-pocket expenses (FEA §4.1(b)-(c))."""

    reimbursed_capped: Decimal   # §4.1(c): jointly and severally, up to the cap
    indemnified: Decimal         # §4.1(b): indemnity, not subject to the cap
    borne_by_agent: Decimal      # above the cap and outside the indemnity
    cap: Decimal

    @property
    def total(self) -> Decimal:
        return self.reimbursed_capped + self.indemnified + self.borne_by_agent


def agent_expenses(ordinary: Decimal | str, indemnifiable: Decimal | str = ZERO, cap: Decimal | str | None = None,
                   gross_negligence: bool = False) -> ExpenseSplit:
    """Split the agent's expenses (FEA §4.1(c), subject to §4.1(b)).

    ``ordinary``: "reasonable out-of-pocket expenses ... incurred in connection with the
    performance of its duties" — the Purchaser and the Companies reimburse them jointly and
    severally up to ``cap`` (§4.1(c): "which shall not (subject to Section 4.1(b)) exceed
    $2,500"; the deal file's ``escrow.expense_cap``, default the embedded deal's); the excess is
    the agent's: ``reimbursed = min(ordinary, cap)``. ``indemnifiable``: costs within the §4.1(b)
    indemnity — recoverable without the cap, "except for such claims ... incurred by reason of
    the Escrow Agent's gross negligence or willful misconduct" (``gross_negligence=True``: the
    agent bears them). ``total`` equals the inputs' sum; no rounding (whole cents in, whole
    cents out).
    """
    ordinary_d = _money_field(ordinary, "ordinary")
    indem_d = _money_field(indemnifiable, "indemnifiable")
    cap_d = _money_field(_term(cap, "expense_cap"), "cap")
    capped = min(ordinary_d, cap_d)
    indemnified = ZERO if gross_negligence else indem_d
    borne = ordinary_d - capped + (indem_d - indemnified)
    return ExpenseSplit(capped, indemnified, borne, cap_d)


# =========================================================================== interest §5.3 =
#: The two readings of FEA §5.3, both named; the default first.
INTEREST_READINGS = {
    "no_interest_payable": "§5.3's operative words, \"nor will interest be payable in connection therewith\": whatever "
                           "account holds the funds, no interest is paid to anyone (default)",
    "interest_follows_funds": "§5.3's first words, \"shall be held in an interest bearing account\", read as the account "
                              "earning interest that follows the funds to their recipients — against the second half",
}


@dataclass(frozen=True)
class InterestReadings:
    days: int
    interest_earned: Decimal     # what an interest-bearing account would earn over the hold
    to_parties_a: Decimal        # reading "interest_follows_funds": the interest follows the funds
    to_parties_b: Decimal        # reading "no_interest_payable": nothing (the default)
    difference: Decimal
    default_reading: str = "no_interest_payable"

    @property
    def to_parties(self) -> Decimal:
        """What the parties receive under the default reading (no interest payable)."""
        return self.to_parties_b if self.default_reading == "no_interest_payable" else self.to_parties_a


def interest_readings(amount: Decimal | str, annual_rate: Decimal | str, start: dt.date, end: dt.date,
                      day_count: int = 360) -> InterestReadings:
    """The two readings of FEA §5.3, "The Escrowed Payment shall be held in an interest bearing
    account nor will interest be payable in connection therewith", for a hold from ``start`` to
    ``end`` (:data:`INTEREST_READINGS`).

    - ``"no_interest_payable"`` (default): the clause ends "nor will interest be payable in
      connection therewith" — a flat statement that no interest is payable; the "nor" also marks
      the first half as a negative with a dropped "not" ("shall [not] be held in an interest
      bearing account nor ..."). The parties receive nothing: ``to_parties_b = 0``.
    - ``"interest_follows_funds"``: the first half as written, "shall be held in an interest
      bearing account", with the interest following the funds:
      ``I = round_half_up_cents(amount × rate × days / day_count)`` (simple, ACT/360 by default,
      the U.S. money-market convention; ACT/365 with ``day_count=365``), rounded once. It
      contradicts the second half, so it is not the default.

    ``difference = I − 0``: what the contradiction is worth.
    """
    amount_d = _money_field(amount, "amount")
    try:
        rate = to_decimal(annual_rate, "annual_rate")
    except ValueError as exc:
        raise InstructionError(f"annual_rate: {str(exc).split(': ', 1)[-1]}") from None
    if not rate.is_finite() or not (0 <= rate <= 1):
        raise InstructionError(f"annual_rate: a fraction between 0 and 1 (got {str(annual_rate)[:40]!r})")
    if day_count not in (360, 365):
        raise InstructionError(f"day_count: 360 or 365 (got {str(day_count)[:40]!r})")
    days = (end - start).days
    if days < 0:
        raise InstructionError(f"end {end} is before start {start}")
    earned = _cents_half_up(Fraction(amount_d) * Fraction(rate) * days / day_count)  # once, half-up
    return InterestReadings(days, earned, earned, ZERO, earned)


# =========================================================================== state machine =
class Phase:
    """Phases of the escrow. Terminal phases end the escrow (FEA §5.1) or the agent's role."""

    HOLDING = "holding"                        # deposits and conditions pending (§2.2-§2.3, §3.1(a))
    RELEASED = "released"                      # all four conditions met: deemed released (§3.1(a))
    DISPUTED = "disputed"                      # §4.2(a): agent holds pending Joint Instruction
    INTERPLEADER = "interpleader"              # §4.2(a)(ii): interpleader commenced
    RESIGNING = "resigning"                    # §4.1(d): notice given, effective date pending
    DISBURSED = "disbursed"                    # §3.1(a) disbursement done; terminates (§5.1)
    REMITTED_BY_COURT_ORDER = "remitted_by_court_order"   # §3.1(b) / §4.2(b)
    DEPOSITED_WITH_COURT = "deposited_with_court"         # §4.2(a)(iii) / §4.1(d): agent discharged
    TRANSFERRED_TO_SUCCESSOR = "transferred_to_successor" # §4.1(d); terminates for this agent (§5.1)
    TERMINATED_BY_AGREEMENT = "terminated_by_agreement"   # §5.1: written agreement of the parties

    ALL = ("holding", "released", "disputed", "interpleader", "resigning", "disbursed",
           "remitted_by_court_order", "deposited_with_court", "transferred_to_successor",
           "terminated_by_agreement")


TERMINAL = frozenset({Phase.DISBURSED, Phase.REMITTED_BY_COURT_ORDER, Phase.DEPOSITED_WITH_COURT,
                      Phase.TRANSFERRED_TO_SUCCESSOR, Phase.TERMINATED_BY_AGREEMENT})

#: The four release conditions of §3.1(a), by key.
CONDITIONS = {
    "i": "copies of the fully executed Documents and this Agreement received (§3.1(a)(i))",
    "ii": "the Escrowed Payment received in immediately available funds (§3.1(a)(ii))",
    "iii": "Joint Instructions executed by the Companies and the Purchaser (§3.1(a)(iii))",
    "iv": "verbal instructions from David Grin and/or Eugene Grin (§3.1(a)(iv))",
}
#: The directors of the Purchaser named in §3.1(a)(iv).
AUTHORIZED_CONFIRMERS = ("David Grin", "Eugene Grin")
PARTIES = "Companies and Purchaser"
PURCHASER = "Purchaser"
AGENT = "Escrow Agent"

#: event -> (phases in which it is allowed, the actor it needs, its section)
TRANSITIONS: dict[str, tuple[frozenset[str], str | None, str]] = {
    "deposit_documents": (frozenset({Phase.HOLDING}), PURCHASER, "FEA §2.2; §3.1(a)(i)"),
    "deposit_payment": (frozenset({Phase.HOLDING}), PURCHASER, "FEA §2.3; §3.1(a)(ii)"),
    "joint_instructions": (frozenset({Phase.HOLDING, Phase.DISPUTED}), PARTIES, "FEA §3.1(a)(iii); §4.2(a)(i)"),
    "verbal_confirmation": (frozenset({Phase.HOLDING}), None, "FEA §3.1(a)(iv)"),
    "disburse": (frozenset({Phase.RELEASED}), AGENT, "FEA §3.1(a); §5.1"),
    "court_order": (frozenset({Phase.HOLDING, Phase.RELEASED, Phase.DISPUTED, Phase.INTERPLEADER, Phase.RESIGNING}),
                    None, "FEA §3.1(b); §4.2(b)"),
    "dispute": (frozenset({Phase.HOLDING, Phase.RELEASED, Phase.RESIGNING}), None, "FEA §3.2; §4.2(a)"),
    "interpleader": (frozenset({Phase.DISPUTED, Phase.RESIGNING}), AGENT, "FEA §4.2(a)(ii); §4.1(d)"),
    "deposit_with_court": (frozenset({Phase.DISPUTED, Phase.INTERPLEADER, Phase.RESIGNING}), AGENT,
                           "FEA §4.2(a)(iii); §4.1(d)"),
    "dispute_resolved": (frozenset({Phase.DISPUTED}), PARTIES, "FEA §3.2 (written agreement)"),
    "resignation_notice": (frozenset({Phase.HOLDING, Phase.RELEASED, Phase.DISPUTED}), AGENT, "FEA §4.1(d)"),
    "successor_instruction": (frozenset({Phase.RESIGNING}), PARTIES, "FEA §4.1(d)"),
    "deliver_to_successor": (frozenset({Phase.RESIGNING}), AGENT, "FEA §4.1(d); §5.1"),
    "terminate_by_agreement": (frozenset({Phase.HOLDING, Phase.RELEASED, Phase.DISPUTED}), PARTIES, "FEA §5.1"),
}


@dataclass(frozen=True)
class Event:
    """One dated event: ``kind`` (a key of :data:`TRANSITIONS`), who acts, and its data."""

    kind: str
    date: dt.date
    actor: str
    data: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any], where: str = "event") -> "Event":
        """An event from YAML / JSON: ``{kind, date (ISO), actor, ...data}``. Untrusted: every bad
        value is refused naming the field and the value, cut short."""
        if not isinstance(raw, Mapping):
            raise EscrowTransitionError(f"{where}: expected a mapping with kind, date, actor (got {_short(raw)})")
        missing = [k for k in ("kind", "date", "actor") if k not in raw]
        if missing:
            raise EscrowTransitionError(f"{where}: missing {', '.join(missing)} (got {_short(raw)})")
        kind = raw["kind"]
        if not isinstance(kind, str) or kind not in TRANSITIONS:
            raise EscrowTransitionError(f"{where}.kind: unknown event {_short(kind)}; known: {', '.join(TRANSITIONS)}")
        date = raw["date"]
        if isinstance(date, str):
            try:
                date = dt.date.fromisoformat(date)
            except ValueError:
                raise EscrowTransitionError(f"{where}.date: expected YYYY-MM-DD (got {_short(raw['date'])})") from None
        if not isinstance(date, dt.date) or isinstance(date, dt.datetime):
            raise EscrowTransitionError(f"{where}.date: expected YYYY-MM-DD (got {_short(raw['date'])})")
        actor = raw["actor"]
        if not isinstance(actor, str) or not actor.strip() or len(actor) > 200:
            raise EscrowTransitionError(f"{where}.actor: a name of at most 200 characters (got {_short(actor)})")
        data = {k: v for k, v in raw.items() if k not in ("kind", "date", "actor")}
        return cls(kind, date, actor, data)


@dataclass(frozen=True)
class EscrowState:
    """The escrow at a point in time (immutable; :func:`step` returns a new one). The terms it
    needs (Schedule A's Closing Payment and payee, the agent, the notice periods) are carried from
    :func:`start`, i.e. from the deal file."""

    phase: str
    escrowed: Decimal
    agreement_date: dt.date
    last_date: dt.date
    held: Decimal = ZERO
    documents: bool = False
    conditions: frozenset[str] = frozenset()
    instructions: tuple[Mapping[str, Any], ...] | None = None
    disbursements: tuple[Disbursement, ...] = ()
    resignation_effective: dt.date | None = None
    successor: str | None = None
    phase_before_dispute: str | None = None
    agent_fee: Decimal = ZERO
    closing_payment: Decimal | None = None     # Schedule A (§1.1(b))
    closing_payee: str | None = None           # §1.1(b)
    agent: str | None = None                   # preamble
    purchaser: str | None = None               # preamble
    notice_business_days: int | None = None    # §4.1(d)
    deemed_days: int | None = None             # §5.2
    resignation_notice: dt.date | None = None  # the date the notice was sent

    @property
    def terminal(self) -> bool:
        return self.phase in TERMINAL

    @property
    def paid_out(self) -> Decimal:
        return sum((d.amount for d in self.disbursements), ZERO)

    def resigned_on(self, day: dt.date) -> bool:
        """Has the Escrow Agent's resignation taken effect by ``day`` (§4.1(d))?"""
        return self.resignation_effective is not None and day >= self.resignation_effective


@dataclass(frozen=True)
class LedgerEntry:
    seq: int
    date: dt.date
    actor: str
    event: str
    phase_before: str
    phase_after: str
    section: str
    detail: str
    data: Mapping[str, Any] = field(default_factory=dict)


def start(escrowed: Decimal | str | None = None, agreement_date: dt.date | None = None,
          agent_fee: Decimal | str = ZERO, *, deal=None) -> EscrowState:
    """The escrow on the agreement's date: nothing deposited (FEA §2.1).

    Every term comes from ``deal`` (default: the embedded deal file; see :func:`escrow_terms`):
    the Escrowed Payment (§1.1(d)), the date (the closing date: the agreement's own date is a
    blank), Schedule A's Closing Payment and its payee (§1.1(b)), the agent, the 5 business days
    of §4.1(d) and the one day of §5.2. ``escrowed`` and ``agreement_date``, when given, override
    the deal's (for what-if runs)."""
    t = escrow_terms(deal)
    return EscrowState(Phase.HOLDING, _money_field(t["escrowed"] if escrowed is None else escrowed, "escrowed"),
                       t["agreement_date"] if agreement_date is None else agreement_date,
                       t["agreement_date"] if agreement_date is None else agreement_date,
                       agent_fee=_money_field(agent_fee, "agent_fee"), closing_payment=t["closing_payment"],
                       closing_payee=t["closing_payee"], agent=t["agent"], purchaser=t["purchaser"],
                       notice_business_days=t["notice_business_days"], deemed_days=t["deemed_days"])


def notice_deemed_given(sent: dt.date, days: int | None = None) -> dt.date:
    """FEA §5.2: a notice is "deemed to have been duly given one (1) day after being sent by
    telecopy" (with a copy by courier or mail): ``sent + days`` calendar days (``days``: the deal
    file's ``escrow.notice_deemed_given_days``, default the embedded deal's one)."""
    return sent + dt.timedelta(days=_term(days, "deemed_days"))


def resignation_effective_date(notice_sent: dt.date, business_days: int | None = None,
                               calendar: str = "us_federal", deemed_days: int | None = None) -> dt.date:
    """The earliest effective date of a resignation (FEA §4.1(d)): the agent "may at any time
    resign ... by giving five (5) business days prior written notice". Reading used: the notice
    is given when deemed given under §5.2 (one day after telecopy), and the resignation may take
    effect on the fifth business day after that (``business_days``: the deal file's
    ``escrow.resignation_notice_business_days``). The resignation takes effect on "the effective
    date of resignation as specified in such notice" — :func:`step` uses the date the notice
    specifies when it gives one (never earlier than this), else this date."""
    return add_business_days(notice_deemed_given(notice_sent, deemed_days),
                             _term(business_days, "notice_business_days"), calendar)


#: The events that move money out of the escrow to its recipients (a "release").
RELEASES = frozenset({"disburse", "court_order", "terminate_by_agreement"})


def _refuse(state: EscrowState, event: Event, why: str, section: str) -> EscrowTransitionError:
    return EscrowTransitionError(f"event {event.kind!r} on {event.date} by {event.actor[:60]!r} refused in state "
                                 f"{state.phase!r} ({section}): {why}")


def _need_actor(state: EscrowState, event: Event, actor: str | None, section: str) -> None:
    if actor is not None and event.actor != actor:
        raise _refuse(state, event, f"only the {actor} may do this", section)


def _date_field(state: EscrowState, event: Event, key: str, section: str) -> dt.date | None:
    value = event.data.get(key)
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            raise _refuse(state, event, f"{key}: expected YYYY-MM-DD (got {value[:40]!r})", section) from None
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise _refuse(state, event, f"{key}: expected YYYY-MM-DD (got {str(value)[:40]!r})", section)
    return value


def step(state: EscrowState, event: Event) -> tuple[EscrowState, LedgerEntry]:
    """Apply one event; return the new state and its ledger entry.

    Raises :class:`EscrowTransitionError` (naming the state, the event and the section) for an
    event the agreement does not allow in this state, by this actor, on this date, or with this
    data. Nothing is ever silently ignored. The rules beyond :data:`TRANSITIONS`:

    - Resignation (FEA §4.1(d)): it takes effect on "the effective date of resignation as
      specified in such notice" — the notice's ``effective`` date, which may not be earlier than
      five business days after the notice is deemed given (§5.2), and is that earliest date when
      the notice names none. From that date no release (:data:`RELEASES`: a disbursement, a
      remittance under a Court Order, a return under §5.1) is possible: only delivery to the
      substitute Escrow Agent or, "if no successor Escrow Agent is named", a deposit with a New
      York court or an interpleader. A dispute raised while resigning returns to the resignation
      when it ends (a dispute never resets it), and a deposit into court on the §4.1(d) path
      comes only once the resignation is effective. (§4.2(a)(iii) separately lets the agent
      deposit with a court in a dispute.)
    - A release happens once: disbursement, Court Order remittance, deposit and delivery end the
      escrow (§5.1) and no event is accepted after.
    """
    if event.kind not in TRANSITIONS:
        raise EscrowTransitionError(f"unknown event {str(event.kind)[:40]!r} in state {state.phase!r}; known: "
                                    f"{', '.join(TRANSITIONS)}")
    allowed, actor, section = TRANSITIONS[event.kind]
    if state.terminal:
        raise _refuse(state, event, "the escrow has ended (FEA §5.1); no event is allowed after it", section)
    if event.date < state.last_date:
        raise _refuse(state, event, f"events must be in date order; the last was on {state.last_date}", section)
    if state.phase not in allowed:
        raise _refuse(state, event, f"allowed only in {', '.join(sorted(allowed))}", section)
    _need_actor(state, event, actor, section)
    if event.kind in RELEASES and state.resigned_on(event.date):
        raise _refuse(state, event, f"the Escrow Agent's resignation took effect on {state.resignation_effective} "
                                    "(§4.1(d)); nothing can be released after it — only delivery to a substitute "
                                    "Escrow Agent or a deposit with a New York court", f"{section}; FEA §4.1(d)")
    new = dataclasses.replace(state, last_date=event.date)
    detail = ""
    k = event.kind
    if k == "deposit_documents":
        if state.documents:
            raise _refuse(state, event, "the Documents were already delivered", section)
        fully = event.data.get("fully_executed", True)
        new = dataclasses.replace(new, documents=True,
                                  conditions=state.conditions | ({"i"} if fully is True else set()))
        detail = "copies of the Documents delivered" + ("" if fully is True else " (not fully executed: (i) not met)")
    elif k == "deposit_payment":
        if state.held or state.paid_out:
            raise _refuse(state, event, "the Escrowed Payment was already delivered", section)
        try:
            amount = _money_field(event.data.get("amount", state.escrowed), "amount")
        except InstructionError as exc:
            raise _refuse(state, event, str(exc), section) from None
        if amount != state.escrowed:
            raise _refuse(state, event, f"the Escrowed Payment is {state.escrowed} (§1.1(d)), not {amount}", section)
        available = event.data.get("immediately_available", True) is True
        new = dataclasses.replace(new, held=amount, conditions=state.conditions | ({"ii"} if available else set()))
        detail = f"{amount} received" + ("" if available else " (not immediately available funds: (ii) not met)")
    elif k == "joint_instructions":
        instructions = event.data.get("instructions")
        if instructions is None:
            raise _refuse(state, event, "Joint Instructions must set out the payment directions", section)
        try:  # checked now, so a bad instruction is refused when given, not at disbursement
            rows = _disburse_state(state, state.escrowed, instructions)
        except InstructionError as exc:
            raise _refuse(state, event, str(exc), section) from None
        new = dataclasses.replace(new, instructions=tuple(instructions), conditions=state.conditions | {"iii"})
        dropped = f"; {'; '.join(rows.findings)}" if rows.findings else ""
        if state.phase == Phase.DISPUTED:  # §4.2(a)(i): the hold ends on a Joint Instruction
            new = dataclasses.replace(new, phase=state.phase_before_dispute or Phase.HOLDING, phase_before_dispute=None)
            detail = "Joint Instruction received: the dispute hold ends (§4.2(a)(i))" + dropped
        else:
            detail = f"Joint Instructions with {len(instructions)} payment direction(s)" + dropped
    elif k == "verbal_confirmation":
        if event.actor not in AUTHORIZED_CONFIRMERS:
            raise _refuse(state, event, f"verbal instructions must come from {' or '.join(AUTHORIZED_CONFIRMERS)}",
                          section)
        new = dataclasses.replace(new, conditions=state.conditions | {"iv"})
        detail = f"{event.actor} confirms all closing conditions are satisfied"
    elif k == "disburse":
        rows = _disburse_state(state, state.held, state.instructions or ())
        new = dataclasses.replace(new, phase=Phase.DISBURSED, disbursements=tuple(rows), held=ZERO)
        detail = f"{len(rows)} payments totalling {sum((r.amount for r in rows), ZERO)}; the escrow terminates (§5.1)"
        if rows.findings:
            detail += "; " + "; ".join(rows.findings)
    elif k == "court_order":
        if event.data.get("final_non_appealable") is not True:
            raise _refuse(state, event, "a Court Order must be final and non-appealable", section)
        if event.data.get("opinion_of_counsel") is not True:
            raise _refuse(state, event, "a Court Order must come with an opinion of counsel satisfactory to the "
                                        "Escrow Agent", section)
        payee = event.data.get("payee", "as the Court Order directs")
        directions = event.data.get("instructions", [{"payee": str(payee)[:200], "remainder": True}])
        try:  # the Court Order's own directions; nothing is retained unless it says so
            rows = _allocate(state.held, _parse_instructions(directions), "FEA §3.1(b)") if state.held else []
        except InstructionError as exc:
            raise _refuse(state, event, str(exc), section) from None
        rows = [dataclasses.replace(r, basis="per the Court Order", section="FEA §3.1(b)") for r in rows]
        new = dataclasses.replace(new, phase=Phase.REMITTED_BY_COURT_ORDER, disbursements=tuple(rows), held=ZERO)
        detail = f"remitted {state.held} per the Court Order"
    elif k == "dispute":
        new = dataclasses.replace(new, phase=Phase.DISPUTED, phase_before_dispute=state.phase)
        detail = f"dispute raised by {event.actor[:60]}: the agent may hold pending a Joint Instruction (§4.2(a)(i))"
        if state.phase == Phase.RESIGNING:
            detail += f"; the resignation effective {state.resignation_effective} stands (§4.1(d))"
    elif k == "interpleader":
        if state.phase == Phase.RESIGNING:
            _need_resignation_effective(state, event, section)
        new = dataclasses.replace(new, phase=Phase.INTERPLEADER)
        detail = "interpleader commenced; funds held pending a Court Order"
    elif k == "deposit_with_court":
        if state.phase == Phase.RESIGNING:
            if state.successor is not None:
                raise _refuse(state, event, f"a successor ({state.successor[:60]}) was named: deliver to it", section)
            _need_resignation_effective(state, event, section)
            why = "resignation effective with no successor named (§4.1(d))"
        else:
            why = "dispute: deposit with a court (§4.2(a)(iii))"
        new = dataclasses.replace(new, phase=Phase.DEPOSITED_WITH_COURT, held=ZERO, disbursements=(
            Disbursement("Clerk of a New York court", state.held, "deposited with the court", section),) if state.held else ())
        detail = f"Documents and Escrowed Payment deposited with a New York court; agent discharged ({why})"
    elif k == "dispute_resolved":
        new = dataclasses.replace(new, phase=state.phase_before_dispute or Phase.HOLDING, phase_before_dispute=None)
        detail = "dispute resolved by written agreement of the Companies and the Purchaser"
    elif k == "resignation_notice":
        earliest = resignation_effective_date(event.date, state.notice_business_days, deemed_days=state.deemed_days)
        specified = _date_field(state, event, "effective", section)
        if specified is not None and specified < earliest:
            raise _refuse(state, event, f"the notice specifies {specified}, earlier than {state.notice_business_days} "
                                        f"business days after it is deemed given ({earliest})", section)
        eff = specified or earliest
        new = dataclasses.replace(new, phase=Phase.RESIGNING, resignation_effective=eff, resignation_notice=event.date,
                                  phase_before_dispute=None)
        detail = (f"notice deemed given {notice_deemed_given(event.date, state.deemed_days)} (§5.2); effective {eff} "
                  + ("(as the notice specifies)" if specified else f"({state.notice_business_days} business days)"))
    elif k == "successor_instruction":
        name = event.data.get("successor")
        if not isinstance(name, str) or not name.strip():
            raise _refuse(state, event, "the Joint Instruction must name the substitute Escrow Agent", section)
        if state.resigned_on(event.date):
            raise _refuse(state, event, f"it must come before the resignation's effective date "
                                        f"{state.resignation_effective}", section)
        new = dataclasses.replace(new, successor=name.strip()[:200])
        detail = f"substitute Escrow Agent: {name.strip()[:200]}"
    elif k == "deliver_to_successor":
        if state.successor is None:
            raise _refuse(state, event, "no successor has been named by Joint Instruction", section)
        new = dataclasses.replace(new, phase=Phase.TRANSFERRED_TO_SUCCESSOR, held=ZERO, disbursements=(
            Disbursement(state.successor, state.held, "delivered to the substitute Escrow Agent", section),) if state.held else ())
        detail = f"Documents and {state.held} delivered to {state.successor}"
    elif k == "terminate_by_agreement":
        payee = str(event.data.get("return_to") or state.purchaser or PURCHASER)[:200]
        new = dataclasses.replace(new, phase=Phase.TERMINATED_BY_AGREEMENT, held=ZERO, disbursements=(
            Disbursement(payee, state.held, "returned under the parties' written agreement", section),)
            if state.held else ())
        detail = f"terminated by written agreement; {state.held} to {payee}"
    # §3.1(a): once all four conditions hold (and no dispute), the payment is deemed released
    if new.phase == Phase.HOLDING and new.conditions >= set(CONDITIONS) and new.held:
        new = dataclasses.replace(new, phase=Phase.RELEASED)
        detail += "; all four conditions of §3.1(a) met: the Escrowed Payment is deemed released"
    entry = LedgerEntry(0, event.date, event.actor, event.kind, state.phase, new.phase, section, detail,
                        dict(event.data))
    return new, entry


def _need_resignation_effective(state: EscrowState, event: Event, section: str) -> None:
    if not state.resigned_on(event.date):
        raise _refuse(state, event, f"on the §4.1(d) path only after the resignation takes effect on "
                                    f"{state.resignation_effective} (\"If no successor Escrow Agent is named\")", section)


def _disburse_state(state: EscrowState, amount: Decimal, instructions) -> Disbursements:
    return disburse(amount, instructions, state.agent_fee, schedule_a=state.closing_payment,
                    closing_payee=state.closing_payee, agent=state.agent)


@dataclass(frozen=True)
class EscrowRun:
    state: EscrowState
    ledger: tuple[LedgerEntry, ...]
    initial: EscrowState


def run(events: Iterable[Event | Mapping[str, Any]], initial: EscrowState | None = None) -> EscrowRun:
    """Apply events in order from ``initial`` (default :func:`start`); every transition is
    recorded. Raises on the first refused event."""
    state = initial or start()
    first = state
    ledger: list[LedgerEntry] = []
    for n, ev in enumerate(events):
        event = ev if isinstance(ev, Event) else Event.from_mapping(ev, f"events[{n}]")
        state, entry = step(state, event)
        ledger.append(dataclasses.replace(entry, seq=n + 1))
    return EscrowRun(state, tuple(ledger), first)


def replay(ledger: Iterable[LedgerEntry], initial: EscrowState | None = None) -> EscrowRun:
    """Re-run a recorded ledger: the same events give the same state (and the same ledger)."""
    events = [Event(e.event, e.date, e.actor, e.data) for e in ledger]
    return run(events, initial)


# =========================================================================== scenarios =====
def _closing_events(day: dt.date, instructions: list[Mapping[str, Any]], escrowed: Decimal) -> list[dict[str, Any]]:
    return [
        {"kind": "deposit_documents", "date": day, "actor": PURCHASER, "fully_executed": True},
        {"kind": "deposit_payment", "date": day, "actor": PURCHASER, "amount": str(escrowed),
         "immediately_available": True},
        {"kind": "joint_instructions", "date": day, "actor": PARTIES, "instructions": instructions},
    ]


def scenario_events(name: str, instructions: list[Mapping[str, Any]], day: dt.date | None = None, *, deal=None
                    ) -> list[dict[str, Any]]:
    """The events of a named scenario (see :data:`SCENARIOS`), starting on ``day`` (default: the
    deal's closing date), with the deal's Escrowed Payment and notice periods (``deal``: default
    the embedded deal file). Run them from ``start(deal=deal)``."""
    t = escrow_terms(deal)
    day = t["agreement_date"] if day is None else day
    nb = lambda n: add_business_days(day, n)  # noqa: E731 - a local date helper
    effective = lambda sent: resignation_effective_date(sent, t["notice_business_days"],  # noqa: E731
                                                        deemed_days=t["deemed_days"])
    base = _closing_events(day, instructions, t["escrowed"])
    confirm = {"kind": "verbal_confirmation", "date": day, "actor": "David Grin"}
    disburse_now = {"kind": "disburse", "date": day, "actor": AGENT}
    if name == "clean_release":
        return base + [confirm, disburse_now]
    if name == "dispute_then_joint_instruction":
        return base + [{"kind": "dispute", "date": day, "actor": "Companies"},
                       {"kind": "joint_instructions", "date": nb(3), "actor": PARTIES, "instructions": instructions},
                       {"kind": "verbal_confirmation", "date": nb(3), "actor": "Eugene Grin"},
                       {"kind": "disburse", "date": nb(4), "actor": AGENT}]
    if name == "dispute_interpleader_court_order":
        return base + [{"kind": "dispute", "date": nb(1), "actor": PURCHASER},
                       {"kind": "interpleader", "date": nb(5), "actor": AGENT},
                       {"kind": "court_order", "date": nb(60), "actor": "New York Supreme Court",
                        "final_non_appealable": True, "opinion_of_counsel": True,
                        "payee": "as the Court Order directs"}]
    if name == "resignation_with_successor":
        return base + [{"kind": "resignation_notice", "date": nb(1), "actor": AGENT},
                       {"kind": "successor_instruction", "date": nb(3), "actor": PARTIES,
                        "successor": "Substitute Escrow Agent (named by Joint Instruction)"},
                       {"kind": "deliver_to_successor", "date": effective(nb(1)), "actor": AGENT}]
    if name == "resignation_dispute_court":
        return base + [{"kind": "resignation_notice", "date": nb(1), "actor": AGENT},
                       {"kind": "dispute", "date": nb(2), "actor": "Companies"},
                       {"kind": "joint_instructions", "date": nb(3), "actor": PARTIES, "instructions": instructions},
                       {"kind": "deposit_with_court", "date": effective(nb(1)), "actor": AGENT}]
    if name == "resignation_no_successor":
        return base + [{"kind": "resignation_notice", "date": nb(1), "actor": AGENT},
                       {"kind": "deposit_with_court", "date": effective(nb(1)), "actor": AGENT}]
    raise ParameterError(f"unknown scenario {str(name)[:40]!r}; known: {', '.join(SCENARIOS)}")


#: Named scenarios for the notebook, with what they show.
SCENARIOS = {
    "clean_release": "all four §3.1(a) conditions met at closing; disbursed under the Joint Instructions",
    "dispute_then_joint_instruction": "a dispute (§4.2(a)) holds the funds until a Joint Instruction (§4.2(a)(i))",
    "dispute_interpleader_court_order": "dispute, interpleader (§4.2(a)(ii)), remittance under a final Court Order (§3.1(b))",
    "resignation_with_successor": "resignation on the §4.1(d) notice; delivery to a substitute agent (§4.1(d))",
    "resignation_no_successor": "resignation with no successor named: deposit with a New York court (§4.1(d))",
    "resignation_dispute_court": "a dispute during the resignation ends on a Joint Instruction but does not reset the "
                                 "resignation: no release; deposit with a New York court once it is effective (§4.1(d))",
}


# =========================================================================== the deal's terms
def default_instructions(deal) -> list[dict[str, Any]]:
    """Joint Instructions seeded from the public record: the known uses of the proceeds
    (``deal.escrow.known_uses``, e.g. $1,350,000 to the NTSCO pension plan account), then the
    balance to ATG for the Companies — an *assumption* (the real Joint Instructions are not
    public), marked as such in each instruction's ``note``."""
    out: list[dict[str, Any]] = [{"payee": use.payee, "amount": str(use.amount.value),
                                  "note": f"public record: {deal.cite(use.amount.source)}"}
                                 for use in deal.escrow.known_uses]
    out.append({"payee": f"{deal.party_name('atg')} (balance, for the Companies)", "remainder": True,
                "note": "assumed: the real Joint Instructions are not public"})
    return out


def disburse_deal(deal, instructions: Iterable[Mapping[str, Any]], agent_fee: Decimal | str) -> Disbursements:
    """:func:`disburse` with the deal's Escrowed Payment (§1.1(d)), Schedule A's Closing Payment
    and its payee (§1.1(b)) and Escrow Agent (preamble)."""
    t = escrow_terms(deal)
    return disburse(t["escrowed"], instructions, agent_fee, schedule_a=t["closing_payment"],
                    closing_payee=t["closing_payee"], agent=t["agent"])


def parse_instructions(text: str | list, deal) -> list[dict[str, Any]]:
    """Joint Instructions from a parameter: ``"default"`` (:func:`default_instructions`), a JSON
    list of mappings, or a list already. Bad JSON raises :class:`InstructionError`."""
    import json

    if isinstance(text, list):
        return text
    if not isinstance(text, str):
        raise InstructionError(f"instructions: expected \"default\" or a JSON list (got {type(text).__name__})")
    if text.strip().lower() in ("", "default"):
        return default_instructions(deal)
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InstructionError(f"instructions: not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}); "
                               f"got {text[:80]!r}") from None
    if not isinstance(value, list):
        raise InstructionError(f"instructions: expected a JSON list of mappings (got {type(value).__name__})")
    return value


#: Where each event leads (for the state diagram); ``None``: the phase does not change.
TARGETS: dict[str, str | None] = {
    "deposit_documents": None, "deposit_payment": None, "joint_instructions": None, "verbal_confirmation": None,
    "disburse": Phase.DISBURSED, "court_order": Phase.REMITTED_BY_COURT_ORDER, "dispute": Phase.DISPUTED,
    "interpleader": Phase.INTERPLEADER, "deposit_with_court": Phase.DEPOSITED_WITH_COURT,
    "dispute_resolved": Phase.HOLDING, "resignation_notice": Phase.RESIGNING, "successor_instruction": None,
    "deliver_to_successor": Phase.TRANSFERRED_TO_SUCCESSOR, "terminate_by_agreement": Phase.TERMINATED_BY_AGREEMENT,
}


def transitions_frame():
    """The transition table: event, from which phases, to which phase, who acts, section."""
    import pandas as pd

    rows = [{"event": k, "allowed in": ", ".join(sorted(allowed)), "leads to": TARGETS[k] or "(same phase)",
             "actor": actor or "see section", "section": section} for k, (allowed, actor, section) in TRANSITIONS.items()]
    rows.insert(4, {"event": "(all four conditions met)", "allowed in": Phase.HOLDING, "leads to": Phase.RELEASED,
                    "actor": "—", "section": "FEA §3.1(a)"})
    return pd.DataFrame(rows)


def checklist_frame(state: EscrowState):
    """The §3.1(a) release conditions and whether each is met in ``state``."""
    import pandas as pd

    return pd.DataFrame([{"condition": key, "what": text, "met": "yes" if key in state.conditions else "no"}
                         for key, text in CONDITIONS.items()])


def ledger_frame(result: EscrowRun):
    """The recorded ledger: one row per event."""
    import pandas as pd

    return pd.DataFrame([{"#": x.seq, "date": x.date, "actor": x.actor, "event": x.event, "from": x.phase_before,
                          "to": x.phase_after, "section": x.section, "detail": x.detail} for x in result.ledger])


def disbursement_frame(rows: Iterable[Disbursement]):
    """Disbursement rows as a table; ``amount`` stays ``Decimal``."""
    import pandas as pd

    return pd.DataFrame([{"payee": r.payee, "amount": r.amount, "shown": f"${r.amount:,.2f}", "basis": r.basis,
                          "section": r.section} for r in rows])


def outcomes_frame(outcomes: Mapping[str, EscrowRun]):
    """Each named scenario's end: final phase, where the money went, and the conservation check."""
    import pandas as pd

    rows = []
    for name, result in outcomes.items():
        s = result.state
        where = "; ".join(f"{d.payee} ${d.amount:,.2f}" for d in s.disbursements if d.amount) or "held"
        rows.append({"scenario": name, "what happens": SCENARIOS.get(name, ""), "ends": s.phase,
                     "last event": s.last_date, "money went to": where,
                     "paid + held = escrowed": "yes" if s.paid_out + s.held == s.escrowed else "NO"})
    return pd.DataFrame(rows)


def expense_and_interest_frame(split: ExpenseSplit, readings: InterestReadings, rate: Any):
    """The §4.1 expense split and the §5.3 readings as one table of figures with their clauses
    (the default §5.3 reading first)."""
    import pandas as pd

    return pd.DataFrame([
        {"item": "expenses reimbursed by the parties, jointly and severally (capped)", "amount": f"${split.reimbursed_capped:,.2f}", "clause": f"FEA §4.1(c), cap ${split.cap:,.2f}"},
        {"item": "costs within the indemnity (not capped)", "amount": f"${split.indemnified:,.2f}", "clause": "FEA §4.1(b)"},
        {"item": "borne by the Escrow Agent (above the cap, or gross negligence)", "amount": f"${split.borne_by_agent:,.2f}", "clause": "FEA §4.1(b)-(c)"},
        {"item": "§5.3 no_interest_payable (default): “nor will interest be payable in connection therewith”", "amount": f"${readings.to_parties_b:,.2f}", "clause": "FEA §5.3 (second half, operative)"},
        {"item": f"§5.3 interest_follows_funds: an interest bearing account over {readings.days} days at {str(rate)[:20]} (ACT/360), interest to the recipients", "amount": f"${readings.to_parties_a:,.2f}", "clause": "FEA §5.3 (first half, against the second)"},
        {"item": "what the contradiction is worth", "amount": f"${readings.difference:,.2f}", "clause": "FEA §5.3"},
    ])
