"""How the escrow's state machine refuses an event: one line naming the event, its date and
actor, the state and the section of the agreement that refuses it."""

from __future__ import annotations

import datetime as dt

from dealkit.rules.escrow.state import EscrowState, Event
from dealkit.rules.escrow.terms import EscrowTransitionError

__all__ = ["refuse", "need_actor", "date_field", "need_resignation_effective"]


def refuse(state: EscrowState, event: Event, why: str, section: str) -> EscrowTransitionError:
    """The error for ``event`` refused in ``state`` under ``section`` because ``why``."""
    return EscrowTransitionError(
        f"event {event.kind!r} on {event.date} by {event.actor[:60]!r} refused in state {state.phase!r} "
        f"({section}): {why}"
    )


def need_actor(state: EscrowState, event: Event, actor: str | None, section: str) -> None:
    """Only ``actor`` (when the section names one) may cause ``event``."""
    if actor is not None and event.actor != actor:
        raise refuse(state, event, f"only the {actor} may do this", section)


def date_field(state: EscrowState, event: Event, key: str, section: str) -> dt.date | None:
    """The event's optional date ``key`` (a ``date`` or an ISO string), or ``None``."""
    value = event.data.get(key)
    if value is None:
        return None
    if isinstance(value, str):
        text = value
        try:
            value = dt.date.fromisoformat(text)
        except ValueError:
            raise refuse(state, event, f"{key}: expected YYYY-MM-DD (got {text[:40]!r})", section) from None
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise refuse(state, event, f"{key}: expected YYYY-MM-DD (got {str(value)[:40]!r})", section)
    return value


def need_resignation_effective(state: EscrowState, event: Event, section: str) -> None:
    """FEA §4.1(d): "If no successor Escrow Agent is named", the agent goes to court only once
    its resignation has taken effect."""
    if not state.resigned_on(event.date):
        raise refuse(
            state,
            event,
            f"on the §4.1(d) path only after the resignation takes effect on {state.resignation_effective} "
            '("If no successor Escrow Agent is named")',
            section,
        )
