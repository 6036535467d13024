"""The Funds Escrow Agreement (Exhibit 4.12): the release as a state machine, the disbursement
to the cent, the agent's expenses and the two readings of §5.3.

Every rule cites its section of the Funds Escrow Agreement ("FEA"). Money is ``Decimal``; the
disbursement always pays out exactly what the escrow holds.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from typing import Any, Iterable, Mapping

from .calendar import add_business_days
from .money import CENT, ROUNDING, round_cents, to_decimal

__all__ = [
    "InstructionError", "EscrowTransitionError", "Disbursement", "disburse", "ExpenseSplit",
    "agent_expenses", "InterestReadings", "interest_readings", "Event", "EscrowState", "LedgerEntry",
    "EscrowRun", "Phase", "TRANSITIONS", "TERMINAL", "CONDITIONS", "start", "step", "run", "replay",
    "SCENARIOS", "scenario_events", "AUTHORIZED_CONFIRMERS", "resignation_effective_date",
    "notice_deemed_given", "default_instructions", "disburse_deal", "parse_instructions", "TARGETS",
    "transitions_frame", "checklist_frame", "ledger_frame", "disbursement_frame", "outcomes_frame",
    "expense_and_interest_frame",
]

ZERO = Decimal("0.00")
HUNDRED = Decimal(100)


class InstructionError(ValueError):
    """Joint Instructions that cannot be carried out; the message names the instruction (its
    index), the field and the bad value."""


class EscrowTransitionError(ValueError):
    """An event the agreement does not allow in the current state; the message names the state,
    the event and the section."""


# =========================================================================== disbursement ==
@dataclass(frozen=True)
class Disbursement:
    """One payment out of the escrow."""

    payee: str
    amount: Decimal
    basis: str
    section: str


_INSTRUCTION_KEYS = {"payee", "amount", "percent", "remainder", "note"}


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
    if kind == "percent":
        if d < 0 or d > 100:
            raise InstructionError(f"{where}: a percent between 0 and 100 (got {value!r})")
        return d
    if d < 0:
        raise InstructionError(f"{where}: must not be negative (got {value!r})")
    if d != d.quantize(CENT):
        raise InstructionError(f"{where}: more than two decimal places (got {value!r})")
    return d


def _money_field(value: Any, where: str) -> Decimal:
    return _decimal_field(value, where, "money")


def disburse(escrowed: Decimal | str, instructions: Iterable[Mapping[str, Any]], agent_fee: Decimal | str,
             closing_payment: Decimal | str = Decimal("450000.00"),
             closing_payee: str = "Laurus Capital Management, L.L.C.",
             agent: str = "Loeb & Loeb LLP") -> list[Disbursement]:
    """Disburse the Escrowed Payment under the Joint Instructions (FEA §3.1(a)).

    The Joint Instructions "shall include ... Escrow Agent's authorization to retain from the
    Escrowed Payment Escrow Agent's fee ... and the Closing Payment for delivery to Laurus Capital
    Management, L.L.C." (§3.1(a); Closing Payment $450,000, Schedule A): both are retained first.
    Then the instructions, in order, each a mapping as it comes from YAML or a parameter:

    - ``{"payee": P, "amount": "1350000.00"}`` — a fixed amount;
    - ``{"payee": P, "percent": "12.5"}`` — a percent of the *base*, what remains after the
      retained items (not of the running balance);
    - ``{"payee": P, "remainder": true}`` — whatever is left (at most one).

    Rounding: each percent share is ``base × percent / 100`` rounded *down* to the cent; the
    cents this leaves go to the remainder payee if there is one, otherwise one cent each to the
    percent payees with the largest dropped fractions (ties: the earlier instruction) —
    the largest-remainder method. Without a remainder payee the instructions must allocate the
    base exactly (up to those cents).

    Returns one row per payee, retained items first. ``sum(row.amount) == escrowed`` always.

    Raises
    ------
    InstructionError
        Over-allocation, money left unallocated without a remainder payee, a negative amount, an
        unknown key, two remainder payees, a float, a missing payee.
    """
    escrowed_d = _money_field(escrowed, "escrowed")
    fee = _money_field(agent_fee, "agent_fee")
    closing = _money_field(closing_payment, "closing_payment")
    rows = [Disbursement(agent, fee, "Escrow Agent's fee, retained", "FEA §3.1(a)"),
            Disbursement(closing_payee, closing, "Closing Payment, retained (Schedule A)", "FEA §3.1(a); §1.1(b)")]
    base = escrowed_d - fee - closing
    if base < 0:
        raise InstructionError(f"agent_fee: the fee {fee} and the Closing Payment {closing} exceed the "
                               f"Escrowed Payment {escrowed_d}")
    parsed: list[tuple[int, str, str, Decimal | None]] = []  # (index, payee, kind, value)
    remainder_at: int | None = None
    if isinstance(instructions, (str, bytes)) or not isinstance(instructions, Iterable):
        raise InstructionError(f"instructions: expected a list of mappings (got {type(instructions).__name__})")
    for i, ins in enumerate(instructions):
        where = f"instructions[{i}]"
        if not isinstance(ins, Mapping):
            raise InstructionError(f"{where}: expected a mapping like {{payee: ..., amount: ...}} (got {ins!r})")
        unknown = set(ins) - _INSTRUCTION_KEYS
        if unknown:
            raise InstructionError(f"{where}: unknown key(s) {sorted(unknown)} (allowed: payee, amount, percent, "
                                   "remainder, note)")
        payee = ins.get("payee")
        if not isinstance(payee, str) or not payee.strip():
            raise InstructionError(f"{where}.payee: a non-empty name is required (got {payee!r})")
        kinds = [k for k in ("amount", "percent", "remainder") if k in ins]
        if len(kinds) != 1:
            raise InstructionError(f"{where}: give exactly one of amount, percent, remainder (got {kinds or 'none'})")
        kind = kinds[0]
        if kind == "amount":
            parsed.append((i, payee.strip(), kind, _money_field(ins["amount"], f"{where}.amount")))
        elif kind == "percent":
            parsed.append((i, payee.strip(), kind, _decimal_field(ins["percent"], f"{where}.percent", "percent")))
        else:
            if ins["remainder"] is not True:
                raise InstructionError(f"{where}.remainder: must be true (got {ins['remainder']!r})")
            if remainder_at is not None:
                raise InstructionError(f"{where}.remainder: a second remainder payee (the first is "
                                       f"instructions[{remainder_at}])")
            remainder_at = i
            parsed.append((i, payee.strip(), kind, None))

    fixed_total = sum((v for _, _, k, v in parsed if k == "amount"), ZERO)
    exact = {i: base * v / HUNDRED for i, _, k, v in parsed if k == "percent"}
    floor = {i: e.quantize(CENT, rounding=ROUND_DOWN) for i, e in exact.items()}
    allocated = fixed_total + sum(exact.values(), Decimal(0))
    if allocated > base:
        raise InstructionError(f"instructions: over-allocated by {round_cents(allocated - base)}: they allocate "
                               f"{round_cents(allocated)} of {base} left after the retained items")
    odd_cents = {i: Decimal(0) for i in floor}
    if remainder_at is None:
        if allocated != base:
            raise InstructionError(f"instructions: {round_cents(base - allocated)} left unallocated and no "
                                   "remainder payee ({\"payee\": ..., \"remainder\": true})")
        cents = int((base - fixed_total - sum(floor.values(), ZERO)) / CENT)
        order = sorted(floor, key=lambda i: (-(exact[i] - floor[i]), i))
        for i in order[:cents]:
            odd_cents[i] = CENT
    amounts = {i: floor[i] + odd_cents[i] for i in floor}
    remainder = base - fixed_total - sum(amounts.values(), ZERO)
    for i, payee, kind, value in parsed:
        if kind == "amount":
            rows.append(Disbursement(payee, value, "fixed amount (Joint Instructions)", "FEA §3.1(a)(iii)"))
        elif kind == "percent":
            extra = " + odd cent" if odd_cents[i] else ""
            rows.append(Disbursement(payee, amounts[i], f"{value}% of {base} after retained items, rounded down"
                                     f"{extra}", "FEA §3.1(a)(iii)"))
        else:
            rows.append(Disbursement(payee, remainder, "remainder (Joint Instructions)", "FEA §3.1(a)(iii)"))
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


def agent_expenses(ordinary: Decimal | str, indemnifiable: Decimal | str = ZERO, cap: Decimal | str = Decimal("2500.00"),
                   gross_negligence: bool = False) -> ExpenseSplit:
    """Split the agent's expenses (FEA §4.1(c), subject to §4.1(b)).

    ``ordinary``: reasonable out-of-pocket expenses incurred in performing its duties — the
    Purchaser and the Companies reimburse them jointly and severally up to ``cap`` ($2,500,
    §4.1(c)); the excess is the agent's. ``indemnifiable``: costs within the §4.1(b) indemnity
    (claims, losses, costs of defending itself, outside counsel) — recoverable without the cap,
    except where caused by the agent's gross negligence or willful misconduct
    (``gross_negligence=True``), when the agent bears them. ``total`` equals the inputs' sum.
    """
    ordinary_d = _money_field(ordinary, "ordinary")
    indem_d = _money_field(indemnifiable, "indemnifiable")
    cap_d = _money_field(cap, "cap")
    capped = min(ordinary_d, cap_d)
    indemnified = ZERO if gross_negligence else indem_d
    borne = ordinary_d - capped + (indem_d - indemnified)
    return ExpenseSplit(capped, indemnified, borne, cap_d)


# =========================================================================== interest §5.3 =
@dataclass(frozen=True)
class InterestReadings:
    days: int
    interest_earned: Decimal     # reading A: the account earns this
    to_parties_a: Decimal        # reading A: interest follows the funds to their recipients
    to_parties_b: Decimal        # reading B: no interest at all
    difference: Decimal


def interest_readings(amount: Decimal | str, annual_rate: Decimal | str, start: dt.date, end: dt.date,
                      day_count: int = 360) -> InterestReadings:
    """The two readings of FEA §5.3 ("held in an interest bearing account nor will interest be
    payable in connection therewith"), for a hold from ``start`` to ``end``.

    Reading A (the first half as written): the account bears interest
    ``I = amount × rate × days / day_count`` (simple, ACT/360 by default, the U.S. money-market
    convention; ACT/365 with ``day_count=365``), rounded half-up to the cent, and it follows
    the funds. Reading B (the likely intent, "shall not be held in an interest bearing account
    nor will interest be payable"): nothing. ``difference = A − B``.
    """
    amount_d = _money_field(amount, "amount")
    try:
        rate = to_decimal(annual_rate, "annual_rate")
    except ValueError as exc:
        raise ValueError(f"annual_rate: {exc}") from None
    if not (0 <= rate <= 1):
        raise ValueError(f"annual_rate: a fraction between 0 and 1 (got {annual_rate!r})")
    if day_count not in (360, 365):
        raise ValueError(f"day_count: 360 or 365 (got {day_count!r})")
    days = (end - start).days
    if days < 0:
        raise ValueError(f"end {end} is before start {start}")
    earned = round_cents(amount_d * rate * Decimal(days) / Decimal(day_count), ROUNDING)
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
        """An event from YAML / JSON: ``{kind, date (ISO), actor, ...data}``."""
        if not isinstance(raw, Mapping):
            raise EscrowTransitionError(f"{where}: expected a mapping with kind, date, actor (got {raw!r})")
        missing = [k for k in ("kind", "date", "actor") if k not in raw]
        if missing:
            raise EscrowTransitionError(f"{where}: missing {', '.join(missing)} (got {dict(raw)!r})")
        kind = raw["kind"]
        if kind not in TRANSITIONS:
            raise EscrowTransitionError(f"{where}.kind: unknown event {kind!r}; known: {', '.join(TRANSITIONS)}")
        date = raw["date"]
        if isinstance(date, str):
            try:
                date = dt.date.fromisoformat(date)
            except ValueError:
                raise EscrowTransitionError(f"{where}.date: expected YYYY-MM-DD (got {raw['date']!r})") from None
        if not isinstance(date, dt.date):
            raise EscrowTransitionError(f"{where}.date: expected YYYY-MM-DD (got {raw['date']!r})")
        data = {k: v for k, v in raw.items() if k not in ("kind", "date", "actor")}
        return cls(kind, date, str(raw["actor"]), data)


@dataclass(frozen=True)
class EscrowState:
    """The escrow at a point in time (immutable; :func:`step` returns a new one)."""

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

    @property
    def terminal(self) -> bool:
        return self.phase in TERMINAL

    @property
    def paid_out(self) -> Decimal:
        return sum((d.amount for d in self.disbursements), ZERO)


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


def start(escrowed: Decimal | str = Decimal("12000000.00"), agreement_date: dt.date = dt.date(2005, 9, 7),
          agent_fee: Decimal | str = ZERO) -> EscrowState:
    """The escrow on the agreement's date: nothing deposited (FEA §2.1)."""
    return EscrowState(Phase.HOLDING, _money_field(escrowed, "escrowed"), agreement_date, agreement_date,
                       agent_fee=_money_field(agent_fee, "agent_fee"))


def notice_deemed_given(sent: dt.date) -> dt.date:
    """FEA §5.2: a notice is "deemed to have been duly given one (1) day after being sent by
    telecopy" (with a copy by courier or mail): one calendar day."""
    return sent + dt.timedelta(days=1)


def resignation_effective_date(notice_sent: dt.date, business_days: int = 5, calendar: str = "us_federal") -> dt.date:
    """FEA §4.1(d): resignation "by giving five (5) business days prior written notice". Reading
    used: the notice is given when deemed given under §5.2 (one day after telecopy), and the
    resignation takes effect on the fifth business day after that."""
    return add_business_days(notice_deemed_given(notice_sent), business_days, calendar)


def _refuse(state: EscrowState, event: Event, why: str, section: str) -> EscrowTransitionError:
    return EscrowTransitionError(f"event {event.kind!r} on {event.date} by {event.actor!r} refused in state "
                                 f"{state.phase!r} ({section}): {why}")


def _need_actor(state: EscrowState, event: Event, actor: str | None, section: str) -> None:
    if actor is not None and event.actor != actor:
        raise _refuse(state, event, f"only the {actor} may do this", section)


def step(state: EscrowState, event: Event) -> tuple[EscrowState, LedgerEntry]:
    """Apply one event; return the new state and its ledger entry.

    Raises :class:`EscrowTransitionError` (naming the state, the event and the section) for an
    event the agreement does not allow in this state, by this actor, on this date, or with this
    data. Nothing is ever silently ignored.
    """
    if event.kind not in TRANSITIONS:
        raise EscrowTransitionError(f"unknown event {event.kind!r} in state {state.phase!r}; known: "
                                    f"{', '.join(TRANSITIONS)}")
    allowed, actor, section = TRANSITIONS[event.kind]
    if state.terminal:
        raise _refuse(state, event, "the escrow has ended (FEA §5.1); no event is allowed after it", section)
    if event.date < state.last_date:
        raise _refuse(state, event, f"events must be in date order; the last was on {state.last_date}", section)
    if state.phase not in allowed:
        raise _refuse(state, event, f"allowed only in {', '.join(sorted(allowed))}", section)
    _need_actor(state, event, actor, section)
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
        if state.held:
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
            disburse(state.escrowed, instructions, state.agent_fee)
        except InstructionError as exc:
            raise _refuse(state, event, str(exc), section) from None
        new = dataclasses.replace(new, instructions=tuple(instructions), conditions=state.conditions | {"iii"})
        if state.phase == Phase.DISPUTED:  # §4.2(a)(i): the hold ends on a Joint Instruction
            new = dataclasses.replace(new, phase=state.phase_before_dispute or Phase.HOLDING, phase_before_dispute=None)
            detail = "Joint Instruction received: the dispute hold ends (§4.2(a)(i))"
        else:
            detail = f"Joint Instructions with {len(instructions)} payment direction(s)"
    elif k == "verbal_confirmation":
        if event.actor not in AUTHORIZED_CONFIRMERS:
            raise _refuse(state, event, f"verbal instructions must come from {' or '.join(AUTHORIZED_CONFIRMERS)}",
                          section)
        new = dataclasses.replace(new, conditions=state.conditions | {"iv"})
        detail = f"{event.actor} confirms all closing conditions are satisfied"
    elif k == "disburse":
        rows = disburse(state.held, state.instructions or (), state.agent_fee)
        new = dataclasses.replace(new, phase=Phase.DISBURSED, disbursements=tuple(rows), held=ZERO)
        detail = f"{len(rows)} payments totalling {sum((r.amount for r in rows), ZERO)}; the escrow terminates (§5.1)"
    elif k == "court_order":
        if event.data.get("final_non_appealable") is not True:
            raise _refuse(state, event, "a Court Order must be final and non-appealable", section)
        if event.data.get("opinion_of_counsel") is not True:
            raise _refuse(state, event, "a Court Order must come with an opinion of counsel satisfactory to the "
                                        "Escrow Agent", section)
        directions = event.data.get("instructions", [{"payee": event.data.get("payee", "as the Court Order directs"),
                                                      "remainder": True}])
        try:  # the Court Order's own directions; nothing is retained unless it says so
            rows = disburse(state.held, directions, ZERO, closing_payment=ZERO)[2:] if state.held else []
        except InstructionError as exc:
            raise _refuse(state, event, str(exc), section) from None
        rows = [dataclasses.replace(r, basis="per the Court Order", section="FEA §3.1(b)") for r in rows]
        new = dataclasses.replace(new, phase=Phase.REMITTED_BY_COURT_ORDER, disbursements=tuple(rows), held=ZERO)
        detail = f"remitted {state.held} per the Court Order"
    elif k == "dispute":
        new = dataclasses.replace(new, phase=Phase.DISPUTED, phase_before_dispute=state.phase
                                  if state.phase != Phase.RESIGNING else Phase.HOLDING)
        detail = f"dispute raised by {event.actor}: the agent may hold pending a Joint Instruction (§4.2(a)(i))"
    elif k == "interpleader":
        new = dataclasses.replace(new, phase=Phase.INTERPLEADER)
        detail = "interpleader commenced; funds held pending a Court Order"
    elif k == "deposit_with_court":
        if state.phase == Phase.RESIGNING and state.successor is not None:
            raise _refuse(state, event, f"a successor ({state.successor}) was named: deliver to it", section)
        new = dataclasses.replace(new, phase=Phase.DEPOSITED_WITH_COURT, held=ZERO, disbursements=(
            Disbursement("Clerk of a New York court", state.held, "deposited with the court", section),) if state.held else ())
        detail = "Documents and Escrowed Payment deposited with a New York court; agent discharged (written notice)"
    elif k == "dispute_resolved":
        new = dataclasses.replace(new, phase=state.phase_before_dispute or Phase.HOLDING, phase_before_dispute=None)
        detail = "dispute resolved by written agreement of the Companies and the Purchaser"
    elif k == "resignation_notice":
        eff = resignation_effective_date(event.date)
        new = dataclasses.replace(new, phase=Phase.RESIGNING, resignation_effective=eff)
        detail = f"notice deemed given {notice_deemed_given(event.date)} (§5.2); effective {eff} (5 business days)"
    elif k == "successor_instruction":
        name = event.data.get("successor")
        if not isinstance(name, str) or not name.strip():
            raise _refuse(state, event, "the Joint Instruction must name the substitute Escrow Agent", section)
        if state.resignation_effective and event.date >= state.resignation_effective:
            raise _refuse(state, event, f"it must come before the resignation's effective date "
                                        f"{state.resignation_effective}", section)
        new = dataclasses.replace(new, successor=name.strip())
        detail = f"substitute Escrow Agent: {name.strip()}"
    elif k == "deliver_to_successor":
        if state.successor is None:
            raise _refuse(state, event, "no successor has been named by Joint Instruction", section)
        new = dataclasses.replace(new, phase=Phase.TRANSFERRED_TO_SUCCESSOR, held=ZERO, disbursements=(
            Disbursement(state.successor, state.held, "delivered to the substitute Escrow Agent", section),) if state.held else ())
        detail = f"Documents and {state.held} delivered to {state.successor}"
    elif k == "terminate_by_agreement":
        payee = event.data.get("return_to", "Laurus Master Fund, Ltd.")
        new = dataclasses.replace(new, phase=Phase.TERMINATED_BY_AGREEMENT, held=ZERO, disbursements=(
            Disbursement(str(payee), state.held, "returned under the parties' written agreement", section),)
            if state.held else ())
        detail = f"terminated by written agreement; {state.held} to {payee}"
    # §3.1(a): once all four conditions hold (and no dispute), the payment is deemed released
    if new.phase == Phase.HOLDING and new.conditions >= set(CONDITIONS) and new.held:
        new = dataclasses.replace(new, phase=Phase.RELEASED)
        detail += "; all four conditions of §3.1(a) met: the Escrowed Payment is deemed released"
    entry = LedgerEntry(0, event.date, event.actor, event.kind, state.phase, new.phase, section, detail,
                        dict(event.data))
    return new, entry


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
def _closing_events(day: dt.date, instructions: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    return [
        {"kind": "deposit_documents", "date": day, "actor": PURCHASER, "fully_executed": True},
        {"kind": "deposit_payment", "date": day, "actor": PURCHASER, "amount": "12000000.00",
         "immediately_available": True},
        {"kind": "joint_instructions", "date": day, "actor": PARTIES, "instructions": instructions},
    ]


def scenario_events(name: str, instructions: list[Mapping[str, Any]], day: dt.date = dt.date(2005, 9, 7)
                    ) -> list[dict[str, Any]]:
    """The events of a named scenario (see :data:`SCENARIOS`), starting on ``day``."""
    nb = lambda n: add_business_days(day, n)  # noqa: E731 - a local date helper
    base = _closing_events(day, instructions)
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
                       {"kind": "deliver_to_successor", "date": resignation_effective_date(nb(1)), "actor": AGENT}]
    if name == "resignation_no_successor":
        return base + [{"kind": "resignation_notice", "date": nb(1), "actor": AGENT},
                       {"kind": "deposit_with_court", "date": resignation_effective_date(nb(1)), "actor": AGENT}]
    raise ValueError(f"unknown scenario {name!r}; known: {', '.join(SCENARIOS)}")


#: Named scenarios for the notebook, with what they show.
SCENARIOS = {
    "clean_release": "all four §3.1(a) conditions met at closing; disbursed under the Joint Instructions",
    "dispute_then_joint_instruction": "a dispute (§4.2(a)) holds the funds until a Joint Instruction (§4.2(a)(i))",
    "dispute_interpleader_court_order": "dispute, interpleader (§4.2(a)(ii)), remittance under a final Court Order (§3.1(b))",
    "resignation_with_successor": "resignation on 5 business days' notice; delivery to a substitute agent (§4.1(d))",
    "resignation_no_successor": "resignation with no successor named: deposit with a New York court (§4.1(d))",
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


def disburse_deal(deal, instructions: Iterable[Mapping[str, Any]], agent_fee: Decimal | str) -> list[Disbursement]:
    """:func:`disburse` with the deal's Escrowed Payment (§1.1(d)), Closing Payment and payee
    (Schedule A, §1.1(b)) and Escrow Agent (preamble)."""
    e = deal.escrow
    return disburse(e.escrowed_payment.value, instructions, agent_fee, closing_payment=e.closing_payment.value,
                    closing_payee=deal.party_name(e.closing_payment_payee.value), agent=deal.party_name(e.agent))


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
    """The §4.1 expense split and the §5.3 readings as one table of figures with their clauses."""
    import pandas as pd

    return pd.DataFrame([
        {"item": "expenses reimbursed by the parties, jointly and severally (capped)", "amount": f"${split.reimbursed_capped:,.2f}", "clause": f"FEA §4.1(c), cap ${split.cap:,.2f}"},
        {"item": "costs within the indemnity (not capped)", "amount": f"${split.indemnified:,.2f}", "clause": "FEA §4.1(b)"},
        {"item": "borne by the Escrow Agent (above the cap, or gross negligence)", "amount": f"${split.borne_by_agent:,.2f}", "clause": "FEA §4.1(b)-(c)"},
        {"item": f"§5.3 reading A: interest earned over {readings.days} days at {rate} (ACT/360), follows the funds", "amount": f"${readings.to_parties_a:,.2f}", "clause": "FEA §5.3 (first half)"},
        {"item": "§5.3 reading B: no interest", "amount": f"${readings.to_parties_b:,.2f}", "clause": "FEA §5.3 (likely intent)"},
        {"item": "difference between the readings", "amount": f"${readings.difference:,.2f}", "clause": "FEA §5.3"},
    ])
