"""Obligations across the three documents, as pure rules: the deadline each duty's rule gives,
what a dated event stream triggers and each obligation's status on a date, and the notes'
maturities as paid.

The register is data (``obligations`` in the deal file), each duty cited to its section (the
Option's §2.1, §5, §10, §13; the Funds Escrow Agreement's §4.1, §4.2, §5.2; the IP Security
Agreement's §4). Deadlines are computed in business days on the U.S. federal calendar
(:mod:`dealkit.core.calendar`). "promptly" has no fixed term in the documents: it is read as a number
of business days (:data:`PROMPTLY_BUSINESS_DAYS`, a named, changeable reading), and shown as such.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from dealkit.core.calendar import PAYMENT_CALENDAR, add_business_days, adjust, holiday_name, previous_business_day
from dealkit.deal.model import Deal, Obligation

__all__ = [
    "OUTSIDE_DOCUMENTS",
    "PROMPTLY_BUSINESS_DAYS",
    "NoteDue",
    "ObligationEvent",
    "Triggered",
    "deadline",
    "deadline_text",
    "event_kinds",
    "known_kinds",
    "note_payments",
    "obligation_status",
    "outside_documents",
    "party_label",
    "payment_reason",
    "trigger",
]

#: The reading of "promptly" (no term is stated in the documents): this many business days.
PROMPTLY_BUSINESS_DAYS = 2

#: Events that trigger nothing in the three documents (they belong to other agreements of the deal).
OUTSIDE_DOCUMENTS = {
    "closing": "the closing itself; the escrow's conditions are a separate event (escrow_conditions_met)",
    "registration_filed_late": "Registration Rights Agreement (not among the three documents): liquidated damages",
    "waiver": "a waiver under the notes or the Security Agreement (not among the three documents)",
    "amendment": "an amendment of the Security Agreement, Term Note B or the Registration Rights Agreement",
    "maturity": "a note's maturity (the notes are not among the three documents)",
    "performed": "records that a triggered obligation was performed (names it in `obligation`)",
}

_GROUPS = {
    "grantors": "the Grantors (NTSCO, Omaha, ATG)",
    "companies": "the Companies (NTSCO, ATG, Omaha)",
    "parties_to_escrow": "the Companies and the Purchaser",
    "escrow_agent": "the Escrow Agent",
    "company": "the Company (ATG)",
    "holder": "the Holder",
}


def known_kinds(deal: Deal) -> set[str]:
    """Every event kind the register knows: the obligations' triggers and :data:`OUTSIDE_DOCUMENTS`."""
    return {obligation.trigger for obligation in deal.obligations} | set(OUTSIDE_DOCUMENTS)


def event_kinds(deal: Deal) -> list[str]:
    """Event kinds the register knows, sorted: every obligation's trigger, and those outside the documents.

    Examples
    --------
    >>> from dealkit.loader import load_deal
    >>> "exercise_notice" in event_kinds(load_deal()), "maturity" in event_kinds(load_deal())
    (True, True)
    """
    return sorted(known_kinds(deal))


def party_label(deal: Deal, who: str) -> str:
    """A party key or group as a name (the Holder shown as the Option names it, Option preamble)."""
    if who == "holder":
        return f"the Holder ({deal.party_name(deal.option.holder.value)})"
    if who == "escrow_agent":
        return f"the Escrow Agent ({deal.party_name(deal.escrow.agent)})"
    return _GROUPS.get(who) or deal.party_name(who)


def deadline_text(obligation: Obligation, promptly: int = PROMPTLY_BUSINESS_DAYS) -> str:
    """The deadline rule of ``obligation`` in words ("promptly" with its reading in business days)."""
    rule = obligation.rule
    if rule.kind == "immediately":
        return "immediately (the same day)"
    if rule.kind == "promptly":
        return f"promptly (read as {promptly} business days)"
    if rule.kind == "business_days":
        start = "after the notice is deemed given (FEA §5.2)" if rule.from_ == "deemed_notice" else "after the event"
        return f"within {rule.n} business days {start}"
    if rule.kind == "calendar_days":
        return f"{rule.n} days after the event"
    if rule.kind == "before_act":
        return "before the act (the last business day before it, when its date is known)"
    return "no time stated"


@dataclass(frozen=True, slots=True)
class ObligationEvent:
    """A dated event of the stream (a notice, an exercise, a default, ...)."""

    date: dt.date
    kind: str
    note: str = ""
    obligation: str | None = None  # for `performed`
    trigger_date: dt.date | None = None  # for `performed`: the date of the triggering event
    act_date: dt.date | None = None  # for duties due before an act: the act's date, if known


@dataclass(frozen=True, slots=True)
class Triggered:
    """An obligation an event triggered: its due date, rule in words, status and performance."""

    obligation: Obligation
    event: ObligationEvent
    due: dt.date | None
    rule: str
    status: str
    performed_on: dt.date | None


def deadline(
    obligation: Obligation,
    trigger_date: dt.date,
    promptly: int = PROMPTLY_BUSINESS_DAYS,
    calendar: str = "us_federal",
    act_date: dt.date | None = None,
) -> dt.date | None:
    """The due date of ``obligation`` triggered on ``trigger_date`` (``None``: no time stated).

    immediately: the trigger date; promptly: ``promptly`` business days after; business_days n:
    the n-th business day after the trigger (or after the day a notice is deemed given, one
    calendar day after telecopy, FEA §5.2); calendar_days n: n days after (Option §10's 75 days);
    before_act: the last business day before ``act_date`` (IP Security Agreement §4(b); ``None``
    when the act's date is not known).

    .. math:: due = add\\_business\\_days(t, n) \\text{ or } t + n \\text{ days}

    Examples
    --------
    >>> import datetime as dt
    >>> from dealkit.loader import load_deal
    >>> certificates = {o.id: o for o in load_deal().obligations}["opt_2_1_certificates"]
    >>> deadline(certificates, dt.date(2005, 11, 22))  # over Thanksgiving
    datetime.date(2005, 11, 28)
    """
    rule = obligation.rule
    if rule.kind == "immediately":
        return trigger_date
    if rule.kind == "promptly":
        return add_business_days(trigger_date, promptly, calendar)
    if rule.kind == "business_days":
        start = trigger_date + dt.timedelta(days=1) if rule.from_ == "deemed_notice" else trigger_date
        return add_business_days(start, rule.n or 0, calendar)
    if rule.kind == "calendar_days":
        return trigger_date + dt.timedelta(days=rule.n or 0)
    if rule.kind == "before_act":
        return previous_business_day(act_date, calendar) if act_date else None
    return None


def obligation_status(obligation: Obligation, due: dt.date | None, done: dt.date | None, as_of: dt.date) -> str:
    """The status on ``as_of``: a duty is ``performed`` (or ``performed late``), ``not yet due``,
    ``due today``, ``overdue``, ``act date not known`` or ``no time stated``; an effect is ``in
    effect``, ``takes effect later`` or ``no date`` (an effect is never overdue)."""
    if obligation.nature == "effect":
        return "no date" if due is None else "in effect" if due <= as_of else "takes effect later"
    if done:
        return "performed" if due is None or done <= due else "performed late"
    if due is None:
        return "act date not known" if obligation.rule.kind == "before_act" else "no time stated"
    if due > as_of:
        return "not yet due"
    return "due today" if due == as_of else "overdue"


def trigger(
    deal: Deal, events: Iterable[ObligationEvent], as_of: dt.date, promptly: int = PROMPTLY_BUSINESS_DAYS
) -> list[Triggered]:
    """The obligations each event triggers, their due dates (:func:`deadline`) and their status on
    ``as_of`` (:func:`obligation_status`), sorted by due date. Events after ``as_of`` have not
    happened yet and trigger nothing; a ``performed`` event on or before ``as_of`` marks the
    obligation it names (for the trigger date it names) as performed.

    Examples
    --------
    >>> import datetime as dt
    >>> from dealkit.loader import load_deal
    >>> notice = ObligationEvent(dt.date(2005, 11, 22), "exercise_notice")
    >>> [(t.obligation.id, t.status) for t in trigger(load_deal(), [notice], dt.date(2005, 11, 28))][:1]
    [('opt_2_1_certificates', 'due today')]
    """
    events = list(events)
    performed = {(e.obligation, e.trigger_date): e.date for e in events if e.kind == "performed" and e.date <= as_of}
    triggered = []
    for event in events:
        if event.date > as_of or event.kind == "performed":
            continue
        for obligation in deal.obligations:
            if obligation.trigger != event.kind:
                continue
            due = deadline(obligation, event.date, promptly, act_date=event.act_date)
            done = performed.get((obligation.id, event.date))
            status = obligation_status(obligation, due, done, as_of)
            triggered.append(Triggered(obligation, event, due, deadline_text(obligation, promptly), status, done))
    return sorted(triggered, key=lambda t: (t.due or dt.date.max, t.obligation.id))


def outside_documents(deal: Deal, events: Iterable[ObligationEvent]) -> list[tuple[ObligationEvent, str]]:
    """Events that trigger nothing in the three documents, each with where it belongs
    (:data:`OUTSIDE_DOCUMENTS`; ``""`` for a kind no obligation and no other agreement names)."""
    triggers = {obligation.trigger for obligation in deal.obligations}
    return [
        (event, OUTSIDE_DOCUMENTS.get(event.kind, ""))
        for event in events
        if event.kind not in triggers and event.kind != "performed"
    ]


@dataclass(frozen=True, slots=True)
class NoteDue:
    """A note's maturity: the date the note states and the date it is paid, moved by the deal's
    business-day convention (``note_terms.business_day_convention``) — the same rule the
    schedules use (:func:`dealkit.notes.payment_dates`, :func:`dealkit.core.calendar.adjust`)."""

    note: str
    title: str
    stated: dt.date
    due: dt.date
    convention: str
    source: str


def note_payments(deal: Deal, term_b_maturity: dt.date | None = None) -> list[NoteDue]:
    """Each note's maturity as stated and as paid, sorted by the date paid.

    A weekend or U.S. federal holiday moves by the deal's convention: ``following`` — N.Y. Gen.
    Constr. Law §25-a; Saturday 2008-09-06 is paid Monday 2008-09-08. ``term_b_maturity``
    replaces Term B's stated date (it was extended).

    .. math:: due = adjust(stated, convention, \\text{U.S. federal calendar})

    Examples
    --------
    >>> from dealkit.loader import load_deal
    >>> last = note_payments(load_deal())[-1]
    >>> last.note, last.stated, last.due
    ('term_a', datetime.date(2008, 9, 6), datetime.date(2008, 9, 8))
    """
    convention = deal.note_terms.business_day_convention.value
    payments = []
    for key, note in deal.notes.items():
        stated = term_b_maturity if key == "term_b" and term_b_maturity else note.maturity.value
        paid = adjust(stated, convention, PAYMENT_CALENDAR)
        payments.append(NoteDue(key, note.title.value, stated, paid, convention, deal.cite(note.maturity.source)))
    return sorted(payments, key=lambda payment: (payment.due, payment.note))


def payment_reason(payment: NoteDue) -> str:
    """Why a maturity is paid on its date: "a business day", or the holiday or weekday that moved it."""
    if payment.due == payment.stated:
        return "a business day"
    reason = holiday_name(payment.stated, PAYMENT_CALENDAR) or payment.stated.strftime("%A")
    return f"{payment.stated.isoformat()} is a {reason}: paid {payment.due.strftime('%A')} ({payment.convention})"
