"""The obligations' tables (pandas frames) and their calendar (iCalendar bytes), laid out from the
pure rules of :mod:`dealkit.rules.obligations`: the register, the computed calendar, the events
outside the documents, the notes' maturities."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable

import pandas as pd
from icalendar import Calendar, Event

from dealkit.deal.model import Deal
from dealkit.rules.obligations import (
    PROMPTLY_BUSINESS_DAYS,
    NoteDue,
    ObligationEvent,
    Triggered,
    deadline_text,
    note_payments,
    outside_documents,
    party_label,
    payment_reason,
)

__all__ = [
    "CALENDAR_COLUMNS",
    "ILLUSTRATIVE",
    "REGISTER_COLUMNS",
    "calendar_frame",
    "note_payments_frame",
    "register_frame",
    "to_ics",
    "unmatched_events",
]

#: The label of the fictional sample event stream, shown wherever its events appear.
ILLUSTRATIVE = "Illustrative: fictional sample events, not the deal's record"

REGISTER_COLUMNS = ["id", "obligor", "obligee", "duty", "trigger", "deadline", "section"]
CALENDAR_COLUMNS = ["due", "status", "obligation", "obligor", "obligee", "duty", "trigger", "event note",
                    "deadline rule", "section", "performed on"]  # fmt: skip


def _involving(frame: pd.DataFrame, party: str | None) -> pd.DataFrame:
    """The rows where ``party`` (a key, a group or part of a name, any case) owes or is owed."""
    if party:
        needle = party.lower()
        owes = frame["obligor"].str.lower().str.contains(needle, regex=False)
        owed = frame["obligee"].str.lower().str.contains(needle, regex=False)
        frame = frame[owes | owed]
    return frame.reset_index(drop=True)


def register_frame(deal: Deal, party: str | None = None, promptly: int = PROMPTLY_BUSINESS_DAYS) -> pd.DataFrame:
    """The register: one row per obligation (its deadline rule in words, its cited section),
    optionally only those where ``party`` (a key, a group or part of a name) owes or is owed.

    Examples
    --------
    >>> from dealkit.loader import load_deal
    >>> register_frame(load_deal(), party="escrow agent")["id"].tolist()[:2]
    ['fea_3_1a_disburse', 'fea_4_1c_reimburse']
    """
    rows = [
        {
            "id": ob.id,
            "obligor": party_label(deal, ob.obligor),
            "obligee": party_label(deal, ob.obligee),
            "duty": ob.duty.value,
            "trigger": ob.trigger,
            "deadline": deadline_text(ob, promptly),
            "section": deal.cite(ob.duty.source),
        }
        for ob in deal.obligations
    ]
    return _involving(pd.DataFrame(rows, columns=REGISTER_COLUMNS), party)


def calendar_frame(deal: Deal, triggered: Iterable[Triggered], party: str | None = None) -> pd.DataFrame:
    """Triggered obligations (:func:`dealkit.obligations.trigger`) as a table: the computed calendar.

    Examples
    --------
    >>> import datetime as dt
    >>> from dealkit.loader import load_deal
    >>> from dealkit.rules.obligations import ObligationEvent, trigger
    >>> deal = load_deal()
    >>> triggered = trigger(deal, [ObligationEvent(dt.date(2005, 11, 22), "exercise_notice")], dt.date(2005, 11, 28))
    >>> calendar_frame(deal, triggered)[["due", "status"]].values.tolist()
    [[datetime.date(2005, 11, 28), 'due today']]
    """
    rows = [
        {
            "due": t.due,
            "status": t.status,
            "obligation": t.obligation.id,
            "obligor": party_label(deal, t.obligation.obligor),
            "obligee": party_label(deal, t.obligation.obligee),
            "duty": t.obligation.duty.value,
            "trigger": f"{t.event.kind} on {t.event.date}",
            "event note": t.event.note,
            "deadline rule": t.rule,
            "section": deal.cite(t.obligation.duty.source),
            "performed on": t.performed_on,
        }
        for t in triggered
    ]
    return _involving(pd.DataFrame(rows, columns=CALENDAR_COLUMNS), party)


def unmatched_events(deal: Deal, events: Iterable[ObligationEvent]) -> pd.DataFrame:
    """Events that trigger nothing in the three documents, with where they belong."""
    columns = ["date", "event", "note", "why nothing is triggered here"]
    rows = [
        {"date": event.date, "event": event.kind, "note": event.note, "why nothing is triggered here": why}
        for event, why in outside_documents(deal, events)
    ]
    return pd.DataFrame(rows, columns=columns)


def note_payments_frame(deal: Deal, term_b_maturity: dt.date | None = None) -> pd.DataFrame:
    """The notes' maturities: stated, paid, and why they differ (the business-day convention)."""
    rows = [
        {"note": d.title, "stated maturity": d.stated, "paid on": d.due, "why": payment_reason(d), "source": d.source}
        for d in note_payments(deal, term_b_maturity)
    ]
    return pd.DataFrame(rows, columns=["note", "stated maturity", "paid on", "why", "source"])


def _all_day(uid_key: str, day: dt.date, stamp: dt.datetime, summary: str, description: str, category: str):
    """One all-day VEVENT, its UID a hash of ``uid_key`` (stable across runs)."""
    event = Event()
    event.add("uid", hashlib.sha1(uid_key.encode()).hexdigest() + "@dealkit")
    event.add("dtstamp", stamp)
    event.add("dtstart", day)
    event.add("dtend", day + dt.timedelta(days=1))
    event.add("summary", summary)
    event.add("description", description)
    event.add("categories", [category])
    return event


def _obligation_event(deal: Deal, t: Triggered, due: dt.date, stamp: dt.datetime, label: str | None):
    """The VEVENT of a triggered obligation on its ``due`` date, headed by ``label`` when given."""
    parties = f"{party_label(deal, t.obligation.obligor)} → {party_label(deal, t.obligation.obligee)}"
    summary = (f"[{label}] " if label else "") + f"[{t.status}] {t.obligation.id}: {parties}"
    description = (
        f"{t.obligation.duty.value}\nTriggered by {t.event.kind} on {t.event.date} "
        f"{t.event.note}\nDeadline: {t.rule}\nSource: {deal.cite(t.obligation.duty.source)}"
    )
    key = f"{t.obligation.id}|{t.event.kind}|{t.event.date.isoformat()}"
    return _all_day(key, due, stamp, summary, description, t.status)


def _maturity_event(payment: NoteDue, stamp: dt.datetime):
    """The VEVENT of a note's maturity on the date it is paid (the record: never labelled)."""
    description = (
        f"Stated maturity {payment.stated.isoformat()}; paid {payment.due.isoformat()} "
        f"({payment_reason(payment)})\nSource: {payment.source}"
    )
    key = f"maturity|{payment.note}|{payment.stated.isoformat()}"
    summary = f"[maturity] {payment.note}: {payment.title} paid"
    return _all_day(key, payment.due, stamp, summary, description, "maturity")


def to_ics(
    deal: Deal,
    triggered: Iterable[Triggered],
    stamp: dt.datetime | None = None,
    payments: Iterable[NoteDue] = (),
    label: str | None = None,
) -> bytes:
    """An iCalendar file (icalendar): one all-day event per triggered obligation with a due date,
    and one per note maturity in ``payments`` on the date it is *paid* (the business-day
    convention applied, as in the schedules). ``label`` (e.g. :data:`ILLUSTRATIVE` for the sample
    stream) heads the summary of every triggered obligation, so fictional events never pass for
    the record in a calendar app (the notes' maturities are the record and stay unlabelled).
    ``stamp`` (default: now, UTC, to the second) is every event's DTSTAMP.

    Examples
    --------
    >>> import datetime as dt
    >>> from dealkit.loader import load_deal
    >>> from dealkit.rules.obligations import note_payments
    >>> deal = load_deal()
    >>> ics = to_ics(deal, [], stamp=dt.datetime(2020, 1, 1, tzinfo=dt.UTC), payments=note_payments(deal))
    >>> ics.count(b"BEGIN:VEVENT") == len(deal.notes)
    True
    """
    calendar = Calendar()
    calendar.add("prodid", "-//dealkit//Laurus ATG obligations//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Laurus / ATG financing: obligations")
    stamp = stamp or dt.datetime.now(dt.UTC).replace(microsecond=0)
    for t in triggered:
        if t.due is not None:
            calendar.add_component(_obligation_event(deal, t, t.due, stamp, label))
    for payment in payments:
        calendar.add_component(_maturity_event(payment, stamp))
    return calendar.to_ical()
