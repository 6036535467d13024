"""Tables for the deal overview: parties, instruments, timeline, assumptions.

Each row carries its citation, so every figure in a report traces to the clause or the
assumption that produced it. Money stays ``Decimal`` here; formatting is for display only.
"""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from dealkit.deal.loader import PrimeSeries
from dealkit.deal.model import Deal, iter_cited
from dealkit.core.money import format_money, format_rate

__all__ = ["parties_table", "instruments_table", "timeline_events", "assumptions_table",
           "option_aggregate_exercise_price", "headline"]


def parties_table(deal: Deal) -> pd.DataFrame:
    """One row per party: name, roles, jurisdiction *as each document states it*, notice address."""
    rows = []
    for p in deal.parties.values():
        juris = "; ".join(f"{j.value} ({deal.cite(j.source)})" for j in p.jurisdiction) or "not stated"
        rows.append({"party": p.name.value, "short": p.short, "roles": ", ".join(p.roles),
                     "jurisdiction as stated": juris,
                     "notices": p.notice_address.value or f"blank ({deal.cite(p.notice_address.source)})",
                     "source": deal.cite(p.name.source)})
    return pd.DataFrame(rows)


def option_aggregate_exercise_price(deal: Deal) -> Decimal:
    """Shares × Exercise Price (Option §1.1, definitions (c)), exact (140,250,000 × $0.00001 =
    $1,402.50)."""
    return deal.option.shares.value * deal.option.exercise_price.value


def instruments_table(deal: Deal) -> pd.DataFrame:
    """The notes, the Option, the Warrant and the escrow amounts, with provenance.

    ``amount`` is the exact ``Decimal`` (``None`` where unknown); ``shown`` is for display.
    """
    rows = []
    for n in deal.notes.values():
        inside = f" (inside the {deal.notes[n.within].title.value}; not additive)" if n.within else ""
        rows.append({"instrument": n.title.value + inside, "amount": n.face.value,
                     "shown": format_money(n.face.value), "issued": n.issue_date.value,
                     "matures": n.maturity.value, "convertible": n.convertible,
                     "source": f"face: {deal.cite(n.face.source)}; maturity: {deal.cite(n.maturity.source)}"})
    o = deal.option
    agg = option_aggregate_exercise_price(deal)
    rows.append({"instrument": f"Option for {o.shares.value:,} shares at {format_money(o.exercise_price.value)} "
                               f"(holder: {deal.party_name(o.holder.value)})",
                 "amount": agg, "shown": f"{format_money(agg)} aggregate exercise price",
                 "issued": o.issue_date.value, "matures": o.expiration_date.value, "convertible": None,
                 "source": f"{deal.cite(o.shares.source)}; {deal.cite(o.exercise_price.source)}; "
                           f"expiration: blank ({deal.cite(o.expiration_date.source)})"})
    w = deal.warrant
    rows.append({"instrument": f"Warrant (holder: {deal.party_name(w.holder.value)})", "amount": None,
                 "shown": "shares, price and term not known", "issued": deal.deal.closing_date.value,
                 "matures": None, "convertible": None,
                 "source": f"shares blank ({deal.cite(w.shares.source)}); price and term unknown"})
    e = deal.escrow
    rows.append({"instrument": f"Escrowed Payment (agent: {deal.party_name(e.agent)})",
                 "amount": e.escrowed_payment.value, "shown": format_money(e.escrowed_payment.value),
                 "issued": deal.deal.closing_date.value, "matures": None, "convertible": None,
                 "source": deal.cite(e.escrowed_payment.source)})
    rows.append({"instrument": f"Closing Payment to {deal.party_name(e.closing_payment_payee.value)}",
                 "amount": e.closing_payment.value, "shown": format_money(e.closing_payment.value),
                 "issued": deal.deal.closing_date.value, "matures": None, "convertible": None,
                 "source": deal.cite(e.closing_payment.source)})
    return pd.DataFrame(rows)


_KIND_TO_CATEGORY = {"closing": "Closing", "registration": "Registration", "waiver": "Waiver",
                     "amendment": "Amendment", "maturity": "Maturity", "default": "Default", "sale": "Sale"}


def timeline_events(deal: Deal, prime: PrimeSeries) -> pd.DataFrame:
    """Closing, note maturities, prime changes over the life of the notes, history events.

    Columns: date, category, event, source. Sorted by date.
    """
    rows = []
    closing = deal.deal.closing_date.value
    last = max(n.maturity.value for n in deal.notes.values())
    for n in deal.notes.values():
        rows.append({"date": n.maturity.value, "category": "Maturity",
                     "event": f"{n.title.value} matures ({format_money(n.face.value)})",
                     "source": deal.cite(n.maturity.source)})
    for day, rate in prime.changes_between(closing, last):
        rows.append({"date": day, "category": "Prime change", "event": f"WSJ prime {format_rate(rate)}",
                     "source": prime.source})
    for h in deal.history:
        if h.kind == "maturity" and any(r["date"] == h.date and r["category"] == "Maturity" for r in rows):
            continue  # the stated maturity is already on the chart from the note itself
        rows.append({"date": h.date, "category": _KIND_TO_CATEGORY[h.kind], "event": h.event.value,
                     "source": deal.cite(h.event.source)})
    df = pd.DataFrame(rows, columns=["date", "category", "event", "source"])
    return df.sort_values(["date", "category"], kind="stable").reset_index(drop=True)


def assumptions_table(deal: Deal) -> pd.DataFrame:
    """Every assumed value in force: field, value, range seen elsewhere, reason."""
    rows = []
    for path, c in iter_cited(deal):
        if c.source.kind != "assumed":
            continue
        rng = f"{c.range[0]} – {c.range[1]}" if c.range else ""
        rows.append({"field": path, "value": "unknown" if c.value is None else str(c.value),
                     "range seen": rng, "why assumed": c.source.reason})
    return pd.DataFrame(rows, columns=["field", "value", "range seen", "why assumed"])


def headline(deal: Deal) -> dict[str, str]:
    """The figures a reader sees first, formatted, each with its citation."""
    e = deal.escrow
    return {
        "Facility (revolver + Term A + Term B)": f"{format_money(deal.facility_total())} — "
                                                  + "; ".join(dict.fromkeys(deal.cite(n.face.source)
                                                                            for n in deal.facility_notes().values())),
        "Escrowed Payment": f"{format_money(e.escrowed_payment.value)} — {deal.cite(e.escrowed_payment.source)}",
        "Closing Payment": f"{format_money(e.closing_payment.value)} — {deal.cite(e.closing_payment.source)}",
        "Option shares": f"{deal.option.shares.value:,} — {deal.cite(deal.option.shares.source)}",
        "Default demand (2008-02-01)": f"{format_money(deal.default_demand.amount.value)} — "
                                        f"{deal.cite(deal.default_demand.amount.source)}",
    }
