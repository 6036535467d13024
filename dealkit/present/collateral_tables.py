"""The IP collateral register's tables (pandas frames), laid out from the pure rules of
:mod:`dealkit.rules.collateral` (IP Security Agreement §2, §3, Schedules I-III)."""

from __future__ import annotations

from dataclasses import asdict

import pandas as pd

from dealkit.deal.model import Deal
from dealkit.rules.collateral import collateral_classes, schedule_readings, security_interest_terms

__all__ = ["collateral_frame", "schedules_frame", "security_interest_frame"]


def collateral_frame(deal: Deal) -> pd.DataFrame:
    """The six classes of Collateral of §2, each with its clause."""
    rows = [{"class": c.clause, "collateral": c.text, "source": c.source} for c in collateral_classes(deal)]
    return pd.DataFrame(rows)


def schedules_frame(deal: Deal) -> pd.DataFrame:
    """Schedules I-III as written, part by part, with what each means for §3: a schedule with
    entries lists registrations; "None" says there are none; a blank table says nothing, while
    §3 represents that the schedules are complete — a finding (see :func:`dealkit.review`).

    Examples
    --------
    >>> from dealkit.loader import load_deal
    >>> frame = schedules_frame(load_deal())
    >>> int(frame["meaning"].str.startswith("FINDING").sum())
    6
    """
    rows = [
        {"schedule": r.schedule, "part": r.part, "as written": r.as_written, "entries": r.entries,
         "meaning": r.meaning, "source": r.source}
        for r in schedule_readings(deal)
    ]  # fmt: skip
    return pd.DataFrame(rows)


def security_interest_frame(deal: Deal) -> pd.DataFrame:
    """Grantors, secured party, nature, perfection and termination of the security interest."""
    return pd.DataFrame([asdict(term) for term in security_interest_terms(deal)])
