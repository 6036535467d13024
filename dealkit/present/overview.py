"""Tables for the deal overview: parties, instruments, timeline, assumptions.

Each row carries its citation, so every figure in a report traces to the clause or the
assumption that produced it. Money stays ``Decimal`` here; formatting is for display only.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pandas as pd

from dealkit.core.money import format_money, format_rate
from dealkit.deal.loader import PrimeSeries
from dealkit.deal.model import Deal, iter_cited

__all__ = [
    "parties_table",
    "instruments_table",
    "timeline_events",
    "assumptions_table",
    "option_aggregate_exercise_price",
    "headline",
]


def parties_table(deal: Deal) -> pd.DataFrame:
    """One row per party: name, roles, jurisdiction *as each document states it*, notice address."""
    rows = []
    for party in deal.parties.values():
        juris = "; ".join(f"{j.value} ({deal.cite(j.source)})" for j in party.jurisdiction) or "not stated"
        rows.append(
            {
                "party": party.name.value,
                "short": party.short,
                "roles": ", ".join(party.roles),
                "jurisdiction as stated": juris,
                "notices": party.notice_address.value or f"blank ({deal.cite(party.notice_address.source)})",
                "source": deal.cite(party.name.source),
            }
        )
    return pd.DataFrame(rows)


def option_aggregate_exercise_price(deal: Deal) -> Decimal:
    """Shares × Exercise Price (Option §1.1, definitions (c)), exact (140,250,000 × $0.00001 =
    $1,402.50)."""
    return deal.option.shares.value * deal.option.exercise_price.value


def _instrument(
    instrument: str,
    amount: Decimal | None,
    shown: str,
    issued: Any,
    matures: Any,
    convertible: bool | None,
    source: str,
) -> dict[str, Any]:
    return {
        "instrument": instrument,
        "amount": amount,
        "shown": shown,
        "issued": issued,
        "matures": matures,
        "convertible": convertible,
        "source": source,
    }


def _note_rows(deal: Deal) -> list[dict[str, Any]]:
    """Each note: face, issue, maturity, whether convertible (a note inside another is not additive)."""
    rows = []
    for note in deal.notes.values():
        inside = f" (inside the {deal.notes[note.within].title.value}; not additive)" if note.within else ""
        rows.append(
            _instrument(
                note.title.value + inside,
                note.face.value,
                format_money(note.face.value),
                note.issue_date.value,
                note.maturity.value,
                note.convertible,
                f"face: {deal.cite(note.face.source)}; maturity: {deal.cite(note.maturity.source)}",
            )
        )
    return rows


def _equity_and_escrow_rows(deal: Deal) -> list[dict[str, Any]]:
    """The Option (its aggregate Exercise Price), the Warrant (unknown terms), the escrow's two amounts."""
    option, warrant, escrow = deal.option, deal.warrant, deal.escrow
    closing = deal.deal.closing_date.value
    aggregate = option_aggregate_exercise_price(deal)
    return [
        _instrument(
            f"Option for {option.shares.value:,} shares at {format_money(option.exercise_price.value)} "
            f"(holder: {deal.party_name(option.holder.value)})",
            aggregate,
            f"{format_money(aggregate)} aggregate exercise price",
            option.issue_date.value,
            option.expiration_date.value,
            None,
            f"{deal.cite(option.shares.source)}; {deal.cite(option.exercise_price.source)}; "
            f"expiration: blank ({deal.cite(option.expiration_date.source)})",
        ),
        _instrument(
            f"Warrant (holder: {deal.party_name(warrant.holder.value)})",
            None,
            "shares, price and term not known",
            closing,
            None,
            None,
            f"shares blank ({deal.cite(warrant.shares.source)}); price and term unknown",
        ),
        _instrument(
            f"Escrowed Payment (agent: {deal.party_name(escrow.agent)})",
            escrow.escrowed_payment.value,
            format_money(escrow.escrowed_payment.value),
            closing,
            None,
            None,
            deal.cite(escrow.escrowed_payment.source),
        ),
        _instrument(
            f"Closing Payment to {deal.party_name(escrow.closing_payment_payee.value)}",
            escrow.closing_payment.value,
            format_money(escrow.closing_payment.value),
            closing,
            None,
            None,
            deal.cite(escrow.closing_payment.source),
        ),
    ]


def instruments_table(deal: Deal) -> pd.DataFrame:
    """The notes, the Option, the Warrant and the escrow amounts, with provenance.

    ``amount`` is the exact ``Decimal`` (``None`` where unknown); ``shown`` is for display.
    """
    return pd.DataFrame(_note_rows(deal) + _equity_and_escrow_rows(deal))


_KIND_TO_CATEGORY = {
    "closing": "Closing",
    "registration": "Registration",
    "waiver": "Waiver",
    "amendment": "Amendment",
    "maturity": "Maturity",
    "default": "Default",
    "sale": "Sale",
}


def timeline_events(deal: Deal, prime: PrimeSeries) -> pd.DataFrame:
    """Closing, note maturities, prime changes over the life of the notes, history events.

    Columns: date, category, event, source. Sorted by date.
    """
    rows = []
    closing = deal.deal.closing_date.value
    last = max(n.maturity.value for n in deal.notes.values())
    for n in deal.notes.values():
        rows.append(
            {
                "date": n.maturity.value,
                "category": "Maturity",
                "event": f"{n.title.value} matures ({format_money(n.face.value)})",
                "source": deal.cite(n.maturity.source),
            }
        )
    for day, rate in prime.changes_between(closing, last):
        rows.append(
            {"date": day, "category": "Prime change", "event": f"WSJ prime {format_rate(rate)}", "source": prime.source}
        )
    for h in deal.history:
        if h.kind == "maturity" and any(r["date"] == h.date and r["category"] == "Maturity" for r in rows):
            continue  # the stated maturity is already on the chart from the note itself
        rows.append(
            {
                "date": h.date,
                "category": _KIND_TO_CATEGORY[h.kind],
                "event": h.event.value,
                "source": deal.cite(h.event.source),
            }
        )
    df = pd.DataFrame(rows, columns=["date", "category", "event", "source"])
    return df.sort_values(["date", "category"], kind="stable").reset_index(drop=True)


def assumptions_table(deal: Deal) -> pd.DataFrame:
    """Every assumed value in force: field, value, range seen elsewhere, reason."""
    rows = []
    for path, c in iter_cited(deal):
        if c.source.kind != "assumed":
            continue
        rng = f"{c.range[0]} – {c.range[1]}" if c.range else ""
        rows.append(
            {
                "field": path,
                "value": "unknown" if c.value is None else str(c.value),
                "range seen": rng,
                "why assumed": c.source.reason,
            }
        )
    return pd.DataFrame(rows, columns=["field", "value", "range seen", "why assumed"])


def headline(deal: Deal) -> dict[str, str]:
    """The figures a reader sees first, formatted, each with its citation."""
    escrow = deal.escrow
    return {
        "Facility (revolver + Term A + Term B)": f"{format_money(deal.facility_total())} — "
        + "; ".join(dict.fromkeys(deal.cite(n.face.source) for n in deal.facility_notes().values())),
        "Escrowed Payment": f"{format_money(escrow.escrowed_payment.value)} — "
        f"{deal.cite(escrow.escrowed_payment.source)}",
        "Closing Payment": f"{format_money(escrow.closing_payment.value)} — {deal.cite(escrow.closing_payment.source)}",
        "Option shares": f"{deal.option.shares.value:,} — {deal.cite(deal.option.shares.source)}",
        "Default demand (2008-02-01)": f"{format_money(deal.default_demand.amount.value)} — "
        f"{deal.cite(deal.default_demand.amount.source)}",
    }
