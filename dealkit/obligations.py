"""Obligations across the three documents — a facade: the register, the deadlines a dated event
stream triggers, what is overdue as of a date, and exports to CSV and iCalendar.

The rules live in :mod:`dealkit.rules.obligations` (pure: deadlines in business days on the U.S.
federal calendar, statuses, the notes' maturities as paid; "promptly", with no term in the
documents, read as :data:`PROMPTLY_BUSINESS_DAYS` business days); the tables and the iCalendar in
:mod:`dealkit.present.obligations_tables`; reading event streams and writing the files in
:mod:`dealkit.present.obligations_files`. This module re-exports every public name it had.
"""

from __future__ import annotations

from dealkit.present.obligations_files import (
    EVENTS_MAX_BYTES,
    SCENARIOS,
    SCENARIOS_DIR,
    load_events,
    parse_events,
    scenario_path,
    write_exports,
)
from dealkit.present.obligations_tables import (
    ILLUSTRATIVE,
    calendar_frame,
    note_payments_frame,
    register_frame,
    to_ics,
    unmatched_events,
)
from dealkit.rules.obligations import (
    OUTSIDE_DOCUMENTS,
    PROMPTLY_BUSINESS_DAYS,
    NoteDue,
    ObligationEvent,
    Triggered,
    deadline,
    event_kinds,
    note_payments,
    party_label,
    trigger,
)
from dealkit.rules.obligations import deadline_text as _rule_text
from dealkit.rules.obligations import known_kinds as _kinds
from dealkit.rules.obligations import payment_reason as _why_moved

__all__ = [
    "event_kinds", "unmatched_events", "OUTSIDE_DOCUMENTS", "ObligationEvent", "Triggered", "party_label",
    "register_frame", "load_events", "parse_events", "trigger", "calendar_frame", "to_ics", "write_exports",
    "PROMPTLY_BUSINESS_DAYS", "SCENARIOS", "ILLUSTRATIVE", "scenario_path", "deadline", "NoteDue",
    "note_payments", "note_payments_frame",
]  # fmt: skip

# names the module had outside __all__, kept for code that reached into it
_KEPT = (EVENTS_MAX_BYTES, SCENARIOS_DIR, _kinds, _rule_text, _why_moved)
