"""The IP Security Agreement (Exhibit 4.10) as a register: what is pledged, how the security
interest is perfected, when it ends, and what the schedules actually list."""

from __future__ import annotations

from .model import Deal

__all__ = ["collateral_frame", "schedules_frame", "security_interest_frame"]


def collateral_frame(deal: Deal):
    """The six classes of Collateral of §2, each with its clause."""
    import pandas as pd

    return pd.DataFrame([{"class": f"§2({c.id})", "collateral": c.text.value, "source": deal.cite(c.text.source)}
                         for c in deal.ip_collateral.classes])


def schedules_frame(deal: Deal):
    """Schedules I-III as written, part by part, with what each means for §3: a schedule with
    entries lists registrations; "None" says there are none; a blank table says nothing, while
    §3 represents that the schedules are complete — a finding (see :func:`dealkit.review`)."""
    import pandas as pd

    rows = []
    for s in deal.ip_collateral.schedules:
        written = s.as_written.value
        if s.entries:
            meaning = f"{len(s.entries)} item(s) listed"
        elif written.lower() == "none":
            meaning = "states there are none"
        else:
            meaning = "FINDING: left blank — nothing listed and no 'None'; §3 represents completeness"
        rows.append({"schedule": s.schedule, "part": s.part, "as written": written, "entries": len(s.entries),
                     "meaning": meaning, "source": deal.cite(s.as_written.source)})
    return pd.DataFrame(rows)


def security_interest_frame(deal: Deal):
    """Grantors, secured party, nature, perfection and termination of the security interest."""
    import pandas as pd

    ip = deal.ip_collateral
    return pd.DataFrame([
        {"item": "Grantors", "terms": ", ".join(deal.party_name(g) for g in ip.grantors), "source": "IP Security Agreement preamble"},
        {"item": "Secured party", "terms": deal.party_name(ip.secured_party), "source": "IP Security Agreement preamble"},
        {"item": "Nature", "terms": ip.nature.value, "source": deal.cite(ip.nature.source)},
        {"item": "Perfection", "terms": ip.perfection.value, "source": deal.cite(ip.perfection.source)},
        {"item": "Termination", "terms": ip.termination.value, "source": deal.cite(ip.termination.source)},
    ])
