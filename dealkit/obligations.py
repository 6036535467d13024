"""Obligations across the three documents: the register, the deadlines a dated event stream
triggers, what is overdue as of a date, and exports to CSV and iCalendar.

The register is data (``obligations`` in the deal file), each duty cited to its section. Deadlines
are computed in business days on the U.S. federal calendar (:mod:`dealkit.calendar`).
"promptly" has no fixed term in the documents: it is read as a number of business days (default
2, a named, changeable reading), and shown as such.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping

import yaml

from .calendar import PAYMENT_CALENDAR, add_business_days, adjust, holiday_name, previous_business_day
from .errors import DealDataError, ParameterError
from .model import Deal, Obligation
from .params import as_date

__all__ = ["event_kinds", "unmatched_events", "OUTSIDE_DOCUMENTS", "ObligationEvent", "Triggered", "party_label", "register_frame",
           "load_events", "parse_events", "trigger", "calendar_frame", "to_ics", "write_exports",
           "PROMPTLY_BUSINESS_DAYS", "SCENARIOS", "scenario_path", "deadline", "NoteDue", "note_payments",
           "note_payments_frame"]

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


def _kinds(deal: Deal) -> set[str]:
    return {ob.trigger for ob in deal.obligations} | set(OUTSIDE_DOCUMENTS)


def event_kinds(deal: Deal) -> list[str]:
    """Event kinds the register knows: every obligation's trigger, and those outside the documents."""
    return sorted(_kinds(deal))


_GROUPS = {"grantors": "the Grantors (NTSCO, Omaha, ATG)", "companies": "the Companies (NTSCO, ATG, Omaha)",
           "parties_to_escrow": "the Companies and the Purchaser", "escrow_agent": "the Escrow Agent",
           "company": "the Company (ATG)", "holder": "the Holder"}


def party_label(deal: Deal, who: str) -> str:
    """A party key or group as a name (the Holder shown as the Option names it)."""
    if who == "holder":
        return f"the Holder ({deal.party_name(deal.option.holder.value)})"
    if who == "escrow_agent":
        return f"the Escrow Agent ({deal.party_name(deal.escrow.agent)})"
    return _GROUPS.get(who) or deal.party_name(who)


def _rule_text(ob: Obligation, promptly: int) -> str:
    r = ob.rule
    if r.kind == "immediately":
        return "immediately (the same day)"
    if r.kind == "promptly":
        return f"promptly (read as {promptly} business days)"
    if r.kind == "business_days":
        start = "after the notice is deemed given (FEA §5.2)" if r.from_ == "deemed_notice" else "after the event"
        return f"within {r.n} business days {start}"
    if r.kind == "calendar_days":
        return f"{r.n} days after the event"
    if r.kind == "before_act":
        return "before the act (the last business day before it, when its date is known)"
    return "no time stated"


def register_frame(deal: Deal, party: str | None = None, promptly: int = PROMPTLY_BUSINESS_DAYS):
    """The register: one row per obligation, optionally only those where ``party`` (a key, a
    group or part of a name) owes or is owed."""
    import pandas as pd

    rows = []
    for ob in deal.obligations:
        obligor, obligee = party_label(deal, ob.obligor), party_label(deal, ob.obligee)
        rows.append({"id": ob.id, "obligor": obligor, "obligee": obligee, "duty": ob.duty.value,
                     "trigger": ob.trigger, "deadline": _rule_text(ob, promptly), "section": deal.cite(ob.duty.source)})
    frame = pd.DataFrame(rows, columns=["id", "obligor", "obligee", "duty", "trigger", "deadline", "section"])
    if party:
        needle = party.lower()
        mask = frame["obligor"].str.lower().str.contains(needle, regex=False) | \
            frame["obligee"].str.lower().str.contains(needle, regex=False)
        frame = frame[mask]
    return frame.reset_index(drop=True)


# ============================================================================ events =======
@dataclass(frozen=True)
class ObligationEvent:
    date: dt.date
    kind: str
    note: str = ""
    obligation: str | None = None      # for `performed`
    trigger_date: dt.date | None = None  # for `performed`: the date of the triggering event
    act_date: dt.date | None = None    # for duties due before an act: the act's date, if known


def parse_events(raw: Any, deal: Deal, source: str = "events") -> list[ObligationEvent]:
    """Events from a list of mappings ``{date, kind, note?}`` (``performed`` also takes
    ``obligation`` and ``trigger_date``). Refuses an unknown kind, a bad date, a date before
    the deal's closing, and a ``performed`` that names no known obligation, with a
    :class:`DealDataError` naming the source, the entry and the value."""
    if not isinstance(raw, list):
        raise DealDataError(f"{source}: expected a list of events (got {type(raw).__name__})", file=source)
    kinds = _kinds(deal)
    ids = {ob.id for ob in deal.obligations}
    closing = deal.deal.closing_date.value
    out = []
    for i, item in enumerate(raw):
        where = f"{source}: [{i}]"
        if not isinstance(item, Mapping):
            raise DealDataError(f"{where}: expected a mapping with date and kind (got {item!r})", file=source)
        unknown = set(item) - {"date", "kind", "note", "obligation", "trigger_date", "act_date"}
        if unknown:
            raise DealDataError(f"{where}: unknown key(s) {sorted(unknown)}", file=source, field=f"[{i}]")
        kind = item.get("kind")
        if kind not in kinds:
            raise DealDataError(f"{where}.kind: unknown event kind (got {kind!r}); known: {', '.join(sorted(kinds))}",
                                file=source, field=f"[{i}].kind", value=kind)
        day = _date(item.get("date"), f"{where}.date", source)
        if day < closing:
            raise DealDataError(f"{where}.date: {day} precedes the deal (closing {closing})", file=source,
                                field=f"[{i}].date", value=str(day))
        ob_id, tdate = item.get("obligation"), item.get("trigger_date")
        if kind == "performed":
            if ob_id not in ids:
                raise DealDataError(f"{where}.obligation: unknown obligation (got {ob_id!r})", file=source,
                                    field=f"[{i}].obligation", value=ob_id)
            tdate = _date(tdate, f"{where}.trigger_date", source)
        act = _date(item["act_date"], f"{where}.act_date", source) if item.get("act_date") is not None else None
        if act is not None and act < day:
            raise DealDataError(f"{where}.act_date: {act} is before the event's date {day}", file=source,
                                field=f"[{i}].act_date", value=str(act))
        out.append(ObligationEvent(day, kind, str(item.get("note", "")), ob_id, tdate, act))
    return sorted(out, key=lambda e: e.date)


def _date(value: Any, where: str, source: str) -> dt.date:
    try:
        return as_date(value, where)
    except ParameterError:
        raise DealDataError(f"{where}: expected an ISO date YYYY-MM-DD (got {value!r})", file=source,
                            value=value) from None


SCENARIOS_DIR = Path(__file__).resolve().parent.parent / "data" / "events"
SCENARIOS = {"history": "the deal's recorded history (deal-facts.md) run through the calendar",
             "sample": "an illustrative stream: exercise, reverse split, infringement, escrow resignation, default"}


def scenario_path(name: str) -> Path:
    if name not in SCENARIOS:
        raise DealDataError(f"events: unknown scenario {name!r}; known: {', '.join(SCENARIOS)} (or give a file path)")
    return SCENARIOS_DIR / f"{name}.yaml"


#: An events file must be a small regular file (the recorded history is about 3 KB).
EVENTS_MAX_BYTES = 256 * 1024


def load_events(spec: str | os.PathLike[str], deal: Deal) -> list[ObligationEvent]:
    """Events from a named scenario (``history``, ``sample``) or a YAML file of events.

    The file must be a small regular UTF-8 file (:data:`EVENTS_MAX_BYTES`); it is read and parsed
    with the deal file's limits (:func:`dealkit.loader.read_text_file`,
    :func:`dealkit.loader.parse_yaml`): any problem is one :class:`DealDataError` line.
    """
    from .loader import _display_path, parse_yaml, read_text_file

    path = scenario_path(str(spec)) if str(spec) in SCENARIOS else Path(spec)
    shown = _display_path(path)
    if not str(spec).strip():
        raise DealDataError(f"parameter events: a scenario ({', '.join(SCENARIOS)}) or a YAML file (got '')")
    try:
        text = read_text_file(path, "events file", limit=EVENTS_MAX_BYTES)
    except DealDataError as exc:
        if str(exc).endswith("no such events file"):
            raise DealDataError(f"{exc} (or scenario: {', '.join(SCENARIOS)})", file=shown) from None
        raise
    raw = parse_yaml(text, shown)
    return parse_events(raw, deal, str(path.name))


# ============================================================================ deadlines ====
@dataclass(frozen=True)
class Triggered:
    obligation: Obligation
    event: ObligationEvent
    due: dt.date | None
    rule: str
    status: str
    performed_on: dt.date | None


def deadline(ob: Obligation, trigger_date: dt.date, promptly: int = PROMPTLY_BUSINESS_DAYS,
             calendar: str = "us_federal", act_date: dt.date | None = None) -> dt.date | None:
    """The due date of ``ob`` triggered on ``trigger_date`` (``None``: no time stated).

    immediately: the trigger date; promptly: ``promptly`` business days after; business_days n:
    the n-th business day after the trigger (or after the day a notice is deemed given, one
    calendar day after telecopy, FEA §5.2); calendar_days n: n days after; before_act: the last
    business day before ``act_date`` (``None`` when the act's date is not known).
    """
    r = ob.rule
    if r.kind == "immediately":
        return trigger_date
    if r.kind == "promptly":
        return add_business_days(trigger_date, promptly, calendar)
    if r.kind == "business_days":
        start = trigger_date + dt.timedelta(days=1) if r.from_ == "deemed_notice" else trigger_date
        return add_business_days(start, r.n or 0, calendar)
    if r.kind == "calendar_days":
        return trigger_date + dt.timedelta(days=r.n or 0)
    if r.kind == "before_act":
        return previous_business_day(act_date, calendar) if act_date else None
    return None


def trigger(deal: Deal, events: Iterable[ObligationEvent], as_of: dt.date,
            promptly: int = PROMPTLY_BUSINESS_DAYS) -> list[Triggered]:
    """The obligations each event triggers, their due dates, and their status on ``as_of``:
    duties are ``performed`` (or ``performed late``), ``not yet due``, ``due today``, ``overdue``
    or ``no time stated``; effects are ``in effect`` or ``takes effect later``. Events after
    ``as_of`` have not happened yet and trigger nothing."""
    events = list(events)
    performed = {(e.obligation, e.trigger_date): e.date for e in events if e.kind == "performed" and e.date <= as_of}
    out = []
    for ev in events:
        if ev.date > as_of or ev.kind == "performed":
            continue
        for ob in deal.obligations:
            if ob.trigger != ev.kind:
                continue
            due = deadline(ob, ev.date, promptly, act_date=ev.act_date)
            done = performed.get((ob.id, ev.date))
            if ob.nature == "effect":
                status = "no date" if due is None else "in effect" if due <= as_of else "takes effect later"
            elif done:
                status = "performed" if due is None or done <= due else "performed late"
            elif due is None:
                status = "act date not known" if ob.rule.kind == "before_act" else "no time stated"
            elif due > as_of:
                status = "not yet due"
            elif due == as_of:
                status = "due today"
            else:
                status = "overdue"
            out.append(Triggered(ob, ev, due, _rule_text(ob, promptly), status, done))
    return sorted(out, key=lambda t: (t.due or dt.date.max, t.obligation.id))


def calendar_frame(deal: Deal, triggered: Iterable[Triggered], party: str | None = None):
    """Triggered obligations as a table (the computed calendar)."""
    import pandas as pd

    rows = [{"due": t.due, "status": t.status, "obligation": t.obligation.id,
             "obligor": party_label(deal, t.obligation.obligor), "obligee": party_label(deal, t.obligation.obligee),
             "duty": t.obligation.duty.value, "trigger": f"{t.event.kind} on {t.event.date}",
             "event note": t.event.note, "deadline rule": t.rule, "section": deal.cite(t.obligation.duty.source),
             "performed on": t.performed_on} for t in triggered]
    frame = pd.DataFrame(rows, columns=["due", "status", "obligation", "obligor", "obligee", "duty", "trigger",
                                        "event note", "deadline rule", "section", "performed on"])
    if party:
        needle = party.lower()
        frame = frame[frame["obligor"].str.lower().str.contains(needle, regex=False)
                      | frame["obligee"].str.lower().str.contains(needle, regex=False)]
    return frame.reset_index(drop=True)


def unmatched_events(deal: Deal, events: Iterable[ObligationEvent]):
    """Events that trigger nothing in the three documents, with where they belong."""
    import pandas as pd

    triggers = {ob.trigger for ob in deal.obligations}
    return pd.DataFrame([{"date": e.date, "event": e.kind, "note": e.note,
                          "why nothing is triggered here": OUTSIDE_DOCUMENTS.get(e.kind, "")}
                         for e in events if e.kind not in triggers and e.kind != "performed"],
                        columns=["date", "event", "note", "why nothing is triggered here"])


# ============================================================================ note payments
@dataclass(frozen=True)
class NoteDue:
    """A note's maturity: the date the note states and the date it is paid, moved by the deal's
    business-day convention (``note_terms.business_day_convention``) — the same rule the
    schedules use (:func:`dealkit.notes.payment_dates`, :func:`dealkit.calendar.adjust`)."""

    note: str
    title: str
    stated: dt.date
    due: dt.date
    convention: str
    source: str


def note_payments(deal: Deal, term_b_maturity: dt.date | None = None) -> list[NoteDue]:
    """Each note's maturity as stated and as paid (a weekend or U.S. federal holiday moves by the
    deal's convention: ``following`` — N.Y. Gen. Constr. Law §25-a; Saturday 2008-09-06 is paid
    Monday 2008-09-08). ``term_b_maturity`` replaces Term B's stated date (it was extended)."""
    conv = deal.note_terms.business_day_convention.value
    out = []
    for key, note in deal.notes.items():
        stated = term_b_maturity if key == "term_b" and term_b_maturity else note.maturity.value
        out.append(NoteDue(key, note.title.value, stated, adjust(stated, conv, PAYMENT_CALENDAR), conv,
                           deal.cite(note.maturity.source)))
    return sorted(out, key=lambda d: (d.due, d.note))


def _why_moved(d: NoteDue) -> str:
    if d.due == d.stated:
        return "a business day"
    reason = holiday_name(d.stated, PAYMENT_CALENDAR) or d.stated.strftime("%A")
    return f"{d.stated.isoformat()} is a {reason}: paid {d.due.strftime('%A')} ({d.convention})"


def note_payments_frame(deal: Deal, term_b_maturity: dt.date | None = None):
    """The notes' maturities: stated, paid, and why they differ (the business-day convention)."""
    import pandas as pd

    return pd.DataFrame([{"note": d.title, "stated maturity": d.stated, "paid on": d.due, "why": _why_moved(d),
                          "source": d.source} for d in note_payments(deal, term_b_maturity)],
                        columns=["note", "stated maturity", "paid on", "why", "source"])


def to_ics(deal: Deal, triggered: Iterable[Triggered], stamp: dt.datetime | None = None,
           payments: Iterable[NoteDue] = ()) -> bytes:
    """An iCalendar file: one all-day event per triggered obligation with a due date, and one per
    note maturity in ``payments`` on the date it is *paid* (the business-day convention applied,
    as in the schedules) (icalendar)."""
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//dealkit//Laurus ATG obligations//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "Laurus / ATG financing: obligations")
    stamp = stamp or dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    for t in triggered:
        if t.due is None:
            continue
        ev = Event()
        key = f"{t.obligation.id}|{t.event.kind}|{t.event.date.isoformat()}"
        ev.add("uid", hashlib.sha1(key.encode()).hexdigest() + "@dealkit")
        ev.add("dtstamp", stamp)
        ev.add("dtstart", t.due)
        ev.add("dtend", t.due + dt.timedelta(days=1))
        ev.add("summary", f"[{t.status}] {t.obligation.id}: {party_label(deal, t.obligation.obligor)} → "
                          f"{party_label(deal, t.obligation.obligee)}")
        ev.add("description", f"{t.obligation.duty.value}\nTriggered by {t.event.kind} on {t.event.date} "
                              f"{t.event.note}\nDeadline: {t.rule}\nSource: {deal.cite(t.obligation.duty.source)}")
        ev.add("categories", [t.status])
        cal.add_component(ev)
    for d in payments:
        ev = Event()
        ev.add("uid", hashlib.sha1(f"maturity|{d.note}|{d.stated.isoformat()}".encode()).hexdigest() + "@dealkit")
        ev.add("dtstamp", stamp)
        ev.add("dtstart", d.due)
        ev.add("dtend", d.due + dt.timedelta(days=1))
        ev.add("summary", f"[maturity] {d.note}: {d.title} paid")
        ev.add("description", f"Stated maturity {d.stated.isoformat()}; paid {d.due.isoformat()} "
                              f"({_why_moved(d)})\nSource: {d.source}")
        ev.add("categories", ["maturity"])
        cal.add_component(ev)
    return cal.to_ical()


def write_exports(deal: Deal, triggered: list[Triggered], out_dir: str | os.PathLike[str]) -> list[Path]:
    """Write ``obligations.csv`` (the register), ``obligations-calendar.csv`` (the computed
    calendar) and ``obligations.ics`` (with the notes' maturities on their paid dates) into
    ``out_dir``, each atomically."""
    from .export import write_atomic

    out = Path(out_dir)
    paths = [out / "obligations.csv", out / "obligations-calendar.csv", out / "obligations.ics"]
    write_atomic(paths[0], register_frame(deal).to_csv(index=False))
    write_atomic(paths[1], calendar_frame(deal, triggered).to_csv(index=False))
    write_atomic(paths[2], to_ics(deal, triggered, payments=note_payments(deal)).decode("utf-8"))
    return paths
