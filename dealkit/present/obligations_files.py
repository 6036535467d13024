"""The obligations' files: event streams read (a named scenario shipped with the package, or a
YAML file, untrusted) and the register, calendar and iCalendar written.

The reading and writing kept apart from the pure rules (:mod:`dealkit.rules.obligations`) and
the tables (:mod:`dealkit.present.obligations_tables`), in the presentation layer the CSV and
iCalendar writers belong to.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dealkit.deal.model import Deal
from dealkit.deal.resources import resource_path
from dealkit.errors import DealDataError, ParameterError
from dealkit.params import as_date
from dealkit.present.obligations_tables import calendar_frame, register_frame, to_ics
from dealkit.rules.obligations import ObligationEvent, Triggered, known_kinds, note_payments

__all__ = [
    "EVENTS_MAX_BYTES",
    "SCENARIOS",
    "SCENARIOS_DIR",
    "load_events",
    "parse_events",
    "scenario_path",
    "write_exports",
]

#: The named event scenarios shipped with the package (``dealkit/data/events``).
SCENARIOS_DIR = resource_path("data", "events")
SCENARIOS = {
    "history": "the deal's recorded history (deal-facts.md) run through the calendar",
    "sample": "an illustrative stream: exercise, reverse split, infringement, escrow resignation, default",
}
#: An events file must be a small regular file (the recorded history is about 3 KB).
EVENTS_MAX_BYTES = 256 * 1024
_EVENT_KEYS = {"date", "kind", "note", "obligation", "trigger_date", "act_date"}


def scenario_path(name: str) -> Path:
    """The file of a named scenario (:data:`SCENARIOS`); an unknown name is one line."""
    if name not in SCENARIOS:
        raise DealDataError(f"events: unknown scenario {name!r}; known: {', '.join(SCENARIOS)} (or give a file path)")
    return SCENARIOS_DIR / f"{name}.yaml"


def _date(value: Any, where: str, source: str) -> dt.date:
    """An ISO date (:func:`dealkit.params.as_date`), refused as a :class:`DealDataError` of ``source``."""
    try:
        return as_date(value, where)
    except ParameterError:
        raise DealDataError(
            f"{where}: expected an ISO date YYYY-MM-DD (got {value!r})", file=source, value=value
        ) from None


def _parse_event(index: int, item: Any, deal: Deal, source: str) -> ObligationEvent:
    """Entry ``index`` of a stream: checked against the register's kinds and obligations, and
    against the deal's closing date; any problem is one line naming the entry and the value."""
    where = f"{source}: [{index}]"
    if not isinstance(item, Mapping):
        raise DealDataError(f"{where}: expected a mapping with date and kind (got {item!r})", file=source)
    unknown = set(item) - _EVENT_KEYS
    if unknown:
        raise DealDataError(f"{where}: unknown key(s) {sorted(unknown)}", file=source, field=f"[{index}]")
    kind, kinds = item.get("kind"), known_kinds(deal)
    if kind not in kinds:
        raise DealDataError(f"{where}.kind: unknown event kind (got {kind!r}); known: {', '.join(sorted(kinds))}",
                            file=source, field=f"[{index}].kind", value=kind)  # fmt: skip
    day, closing = _date(item.get("date"), f"{where}.date", source), deal.deal.closing_date.value
    if day < closing:
        raise DealDataError(f"{where}.date: {day} precedes the deal (closing {closing})", file=source,
                            field=f"[{index}].date", value=str(day))  # fmt: skip
    obligation_id, trigger_date = item.get("obligation"), item.get("trigger_date")
    if kind == "performed":
        if obligation_id not in {ob.id for ob in deal.obligations}:
            raise DealDataError(f"{where}.obligation: unknown obligation (got {obligation_id!r})", file=source,
                                field=f"[{index}].obligation", value=obligation_id)  # fmt: skip
        trigger_date = _date(trigger_date, f"{where}.trigger_date", source)
    act = _date(item["act_date"], f"{where}.act_date", source) if item.get("act_date") is not None else None
    if act is not None and act < day:
        raise DealDataError(f"{where}.act_date: {act} is before the event's date {day}", file=source,
                            field=f"[{index}].act_date", value=str(act))  # fmt: skip
    return ObligationEvent(day, kind, str(item.get("note", "")), obligation_id, trigger_date, act)


def parse_events(raw: Any, deal: Deal, source: str = "events") -> list[ObligationEvent]:
    """Events from a list of mappings ``{date, kind, note?}`` (``performed`` also takes
    ``obligation`` and ``trigger_date``; a duty due before an act, ``act_date``), sorted by date.

    Refuses an unknown kind, a bad date, a date before the deal's closing, and a ``performed``
    that names no known obligation, with a :class:`DealDataError` naming the source, the entry
    and the value.
    """
    if not isinstance(raw, list):
        raise DealDataError(f"{source}: expected a list of events (got {type(raw).__name__})", file=source)
    events = [_parse_event(index, item, deal, source) for index, item in enumerate(raw)]
    return sorted(events, key=lambda event: event.date)


def load_events(spec: str | os.PathLike[str], deal: Deal) -> list[ObligationEvent]:
    """Events from a named scenario (``history``, ``sample``) or a YAML file of events.

    The file must be a small regular UTF-8 file (:data:`EVENTS_MAX_BYTES`); it is read and parsed
    with the deal file's limits (:func:`dealkit.loader.read_text_file`,
    :func:`dealkit.loader.parse_yaml`): any problem is one :class:`DealDataError` line.

    Examples
    --------
    >>> from dealkit.loader import load_deal
    >>> events = load_events("history", load_deal())
    >>> events[0].kind, events[0].date
    ('closing', datetime.date(2005, 9, 7))
    """
    from dealkit.deal.loader import _display_path, parse_yaml, read_text_file

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
    return parse_events(parse_yaml(text, shown), deal, str(path.name))


def write_exports(
    deal: Deal, triggered: list[Triggered], out_dir: str | os.PathLike[str], label: str | None = None
) -> list[Path]:
    """Write ``obligations.csv`` (the register), ``obligations-calendar.csv`` (the computed
    calendar) and ``obligations.ics`` (with the notes' maturities on their paid dates) into
    ``out_dir``, each atomically. ``label`` (e.g.
    :data:`dealkit.present.obligations_tables.ILLUSTRATIVE` for the sample events) marks every
    row of the calendar and every triggered event."""
    from dealkit.core.files import write_atomic

    out = Path(out_dir)
    paths = [out / "obligations.csv", out / "obligations-calendar.csv", out / "obligations.ics"]
    write_atomic(paths[0], register_frame(deal).to_csv(index=False))
    calendar = calendar_frame(deal, triggered)
    if label:
        calendar.insert(0, "label", label)
    write_atomic(paths[1], calendar.to_csv(index=False))
    write_atomic(paths[2], to_ics(deal, triggered, payments=note_payments(deal), label=label).decode("utf-8"))
    return paths
