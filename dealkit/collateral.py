"""The IP Security Agreement (Exhibit 4.10) as a register — a facade: what is pledged, how the
security interest is perfected, when it ends, and what the schedules actually list.

The rules live in :mod:`dealkit.rules.collateral` (pure rows); the tables in
:mod:`dealkit.present.collateral_tables`.
"""

from __future__ import annotations

from dealkit.present.collateral_tables import collateral_frame, schedules_frame, security_interest_frame

__all__ = ["collateral_frame", "schedules_frame", "security_interest_frame"]
