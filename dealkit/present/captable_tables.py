"""The fully diluted capitalization table as a pandas frame (the notebook and the CSV export)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from dealkit.rules.captable import CapTable

__all__ = ["captable_frame"]


def captable_frame(table: CapTable) -> pd.DataFrame:
    """:meth:`CapTable.display_rows <dealkit.rules.captable.CapTable.display_rows>` as a frame.

    Examples
    --------
    >>> from dealkit.deal.loader import load_deal
    >>> from dealkit.rules.captable import cap_table
    >>> frame = captable_frame(cap_table(load_deal()))
    >>> list(frame.columns)[:2] == list(cap_table(load_deal()).display_rows()[0])[:2]
    True
    """
    import pandas as pd

    return pd.DataFrame(table.display_rows())
