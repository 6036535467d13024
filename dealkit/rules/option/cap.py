"""Option §10: the maximum exercise limitation (4.99%), its two readings, and when it lapses.

§10: the Holder "shall not be entitled to exercise this Option in connection with that number of
shares of Common Stock which would exceed the difference between (i) 4.99% of the issued and
outstanding shares of Common Stock and (ii) the number of shares of Common Stock beneficially
owned by the Holder". The limitation "shall automatically become null and void following notice
to the Company upon the occurrence and during the continuance of an Event of Default under and as
defined in the Security Agreement, or upon 75 days prior notice to the Company".
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal

from dealkit.errors import ParameterError
from dealkit.rules.option.terms import as_fraction, need_date, need_shares, short_value, term

__all__ = ["CAP_REVIVAL_READINGS", "READINGS", "CapStatus", "cap_status", "max_exercisable"]


@dataclass(frozen=True, slots=True)
class CapStatus:
    """Whether §10 is in force, why, and the date it lapsed (``None`` while in force)."""

    in_force: bool
    reason: str
    lapse_date: dt.date | None


#: Two readings of what a cure of the Event of Default does to §10, both named.
CAP_REVIVAL_READINGS = {
    "void_once_noticed": '§10 "shall automatically become null and void following notice": once the notice is '
    "given during the default, the limitation is void and stays void; a later cure does not "
    "revive it (default reading)",
    "revives_on_cure": 'the words "during the continuance of an Event of Default" tie the voiding to the default '
    "continuing: the limitation applies again from the cure",
}

#: Two readings of §10's limit, both named.
READINGS = {
    "literal": "4.99% of the shares outstanding before the exercise, less the shares the Holder owns: "
    "n ≤ floor(cap × O) − H",
    "post_issuance": "the newly issued shares count as outstanding: H + n ≤ cap × (O + n), "
    "so n ≤ floor((cap × O − H) / (1 − cap))",
}


def _voided_by_default(as_of: dt.date, notice: dt.date | None, cured: dt.date | None, revival: str) -> CapStatus | None:
    """§10's Event-of-Default branch: the void status, or ``None`` when it leaves §10 in force.

    A notice given after the cure voids nothing; a cure after the notice revives §10 only under
    ``"revives_on_cure"``."""
    if notice is None or as_of < notice or (cured is not None and notice >= cured):
        return None
    if cured is None or as_of < cured:
        return CapStatus(False, f"void: Event of Default noticed {notice} and continuing (§10)", notice)
    if revival == "void_once_noticed":
        reason = (
            f'void: Event of Default noticed {notice}; "null and void" is not undone by the cure of {cured} '
            "(§10, void_once_noticed reading)"
        )
        return CapStatus(False, reason, notice)
    return None


def cap_status(
    as_of: dt.date,
    default_notice: dt.date | None = None,
    default_cured: dt.date | None = None,
    waiver_notice: dt.date | None = None,
    notice_days: int | None = None,
    revival: str = "void_once_noticed",
) -> CapStatus:
    """Is the maximum exercise limitation of Option §10 in force on ``as_of``? (words: the module)

    - ``default_notice``: notice of an Event of Default: void from that date.
    - ``default_cured``: the cure. :data:`CAP_REVIVAL_READINGS`: ``"void_once_noticed"``
      (default) — "become null and void" is one-way, and "upon the occurrence and during the
      continuance" says *when the notice may be given*; ``"revives_on_cure"`` — the voiding lasts
      only "during the continuance", so §10 applies again from the cure.
    - ``waiver_notice``: a notice "75 days prior": void from ``waiver_notice + notice_days``
      (default: the embedded deal's term).

    .. math:: lapse = waiver\\_notice + notice\\_days

    Examples
    --------
    >>> import datetime as dt
    >>> cap_status(dt.date(2006, 3, 18), waiver_notice=dt.date(2006, 1, 2)).in_force
    False
    """
    days = term(notice_days, "CAP_NOTICE_DAYS")
    need_date(as_of, "as_of")
    for what, value in (("default_notice", default_notice), ("default_cured", default_cured),
                        ("waiver_notice", waiver_notice)):  # fmt: skip
        if value is not None:
            need_date(value, what)
    if revival not in CAP_REVIVAL_READINGS:
        raise ParameterError(f"revival must be one of {', '.join(CAP_REVIVAL_READINGS)} (got {short_value(revival)})")
    if waiver_notice is not None:
        lapse = waiver_notice + dt.timedelta(days=days)
        if as_of >= lapse:
            return CapStatus(False, f"void: {days} days after the notice of {waiver_notice} (§10)", lapse)
    voided = _voided_by_default(as_of, default_notice, default_cured, revival)
    if voided is not None:
        return voided
    pending = f"; a {days}-day notice lapses it on {waiver_notice + dt.timedelta(days=days)}" if waiver_notice else ""
    revived = (
        f"; revived by the cure of {default_cured} (revives_on_cure reading)"
        if default_notice is not None and default_cured is not None and as_of >= default_cured > default_notice
        else ""
    )
    return CapStatus(True, f"in force (§10){revived}{pending}", None)


def max_exercisable(
    outstanding: int,
    owned: int,
    cap: Decimal | None = None,
    reading: str = "literal",
    remaining: int | None = None,
    cap_in_force: bool = True,
) -> int:
    """The most shares the Holder may receive on an exercise now (Option §10). Never negative.

    .. math:: n_{literal} = \\lfloor c O \\rfloor - H, \\qquad
              n_{post} = \\left\\lfloor \\frac{c O - H}{1 - c} \\right\\rfloor

    c: the deal's 4.99% (default: the embedded deal's). H counts every share the Holder
    beneficially owns, including those received on earlier exercises (Rule 13d-3). ``reading``:
    ``"literal"`` (default; §10's words, quoted in the module) or ``"post_issuance"`` (the shares
    issued count as outstanding); see :data:`READINGS`. ``remaining`` bounds it; with
    ``cap_in_force=False`` (§10 void) the answer is ``remaining``.

    Examples
    --------
    >>> max_exercisable(1_000_000_000, 10_000_000), max_exercisable(1_000_000_000, 10_000_000, reading="post_issuance")
    (39900000, 41995579)
    """
    total, held = need_shares(outstanding, "outstanding"), need_shares(owned, "owned")
    if not cap_in_force:
        if remaining is None:
            raise ParameterError("§10 is void: the limit is the shares remaining; give remaining")
        return need_shares(remaining, "remaining")
    rate = as_fraction(term(cap, "CAP"))
    if not (0 <= rate < 1):
        raise ParameterError(f"cap must lie in [0, 1) (got {short_value(cap)})")
    if reading == "literal":
        room = math.floor(rate * total) - held
    elif reading == "post_issuance":
        room = math.floor((rate * total - held) / (1 - rate))
    else:
        raise ParameterError(f"reading must be one of {', '.join(READINGS)} (got {short_value(reading)})")
    room = max(0, room)
    return room if remaining is None else min(room, need_shares(remaining, "remaining"))
