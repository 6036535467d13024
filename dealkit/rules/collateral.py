"""The IP Security Agreement (Exhibit 4.10) as a register, pure: what is pledged (§2), what the
schedules actually list and what each means for §3's representation, and the security interest's
grantors, secured party, nature, perfection and termination."""

from __future__ import annotations

from dataclasses import dataclass

from dealkit.deal.model import Deal

__all__ = [
    "CollateralClass",
    "ScheduleReading",
    "SecurityTerm",
    "collateral_classes",
    "schedule_meaning",
    "schedule_readings",
    "security_interest_terms",
]


@dataclass(frozen=True, slots=True)
class CollateralClass:
    """One class of Collateral of §2, with its clause and citation."""

    clause: str
    text: str
    source: str


@dataclass(frozen=True, slots=True)
class ScheduleReading:
    """A part of Schedules I-III as written, the number of entries, and what it means for §3."""

    schedule: str
    part: str
    as_written: str
    entries: int
    meaning: str
    source: str


@dataclass(frozen=True, slots=True)
class SecurityTerm:
    """One term of the security interest (grantors, secured party, nature, perfection, termination)."""

    item: str
    terms: str
    source: str


def collateral_classes(deal: Deal) -> list[CollateralClass]:
    """The six classes of Collateral of §2, each with its clause (``§2(a)`` ... ``§2(f)``)."""
    return [CollateralClass(f"§2({c.id})", c.text.value, deal.cite(c.text.source)) for c in deal.ip_collateral.classes]


def schedule_meaning(as_written: str, entries: int) -> str:
    """What a schedule part means for §3 (the Grantors represent the schedules are complete): a
    part with entries lists registrations; "None" says there are none; a blank table says nothing
    — a finding (see :func:`dealkit.review`).

    Examples
    --------
    >>> schedule_meaning("None", 0), schedule_meaning("", 0)[:8]
    ('states there are none', 'FINDING:')
    """
    if entries:
        return f"{entries} item(s) listed"
    if as_written.lower() == "none":
        return "states there are none"
    return "FINDING: left blank — nothing listed and no 'None'; §3 represents completeness"


def schedule_readings(deal: Deal) -> list[ScheduleReading]:
    """Schedules I-III as written, part by part, with :func:`schedule_meaning` of each."""
    readings = []
    for schedule in deal.ip_collateral.schedules:
        written = schedule.as_written.value
        meaning = schedule_meaning(written, len(schedule.entries))
        source = deal.cite(schedule.as_written.source)
        readings.append(
            ScheduleReading(schedule.schedule, schedule.part, written, len(schedule.entries), meaning, source)
        )
    return readings


def security_interest_terms(deal: Deal) -> list[SecurityTerm]:
    """Grantors and secured party (the agreement's preamble), nature, perfection and termination."""
    ip = deal.ip_collateral
    grantors = ", ".join(deal.party_name(grantor) for grantor in ip.grantors)
    return [
        SecurityTerm("Grantors", grantors, "IP Security Agreement preamble"),
        SecurityTerm("Secured party", deal.party_name(ip.secured_party), "IP Security Agreement preamble"),
        SecurityTerm("Nature", ip.nature.value, deal.cite(ip.nature.source)),
        SecurityTerm("Perfection", ip.perfection.value, deal.cite(ip.perfection.source)),
        SecurityTerm("Termination", ip.termination.value, deal.cite(ip.termination.source)),
    ]
