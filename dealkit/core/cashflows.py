"""Dated cash flows and their internal rate of return.

A flow is a :class:`CashFlow`: a date, a signed ``Decimal`` amount (+ received, − paid, from the
holder's side) and what it is. It still reads as the ``(date, amount, what)`` triple it replaced
(unpacking and indexing), so code written against the triples keeps working.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

__all__ = ["CashFlow", "xirr"]


@dataclass(frozen=True, slots=True)
class CashFlow:
    """One dated flow: ``amount`` (``Decimal``; + in, − out) on ``date``, described by ``what``.

    Examples
    --------
    >>> flow = CashFlow(dt.date(2005, 9, 7), Decimal("-100.00"), "lent")
    >>> day, amount, what = flow
    >>> (amount, flow[2], flow == (day, amount, what))
    (Decimal('-100.00'), 'lent', True)
    """

    date: dt.date
    amount: Decimal
    what: str

    def __iter__(self) -> Iterator[Any]:
        """``date, amount, what``: unpacks as the triple it replaced."""
        return iter((self.date, self.amount, self.what))

    def __getitem__(self, index: int) -> Any:
        """``flow[0]`` is the date, ``flow[1]`` the amount, ``flow[2]`` what it is."""
        return (self.date, self.amount, self.what)[index]

    def __len__(self) -> int:
        """Three, as the triple."""
        return 3

    def __eq__(self, other: object) -> bool:
        """Equal to a flow, or to the ``(date, amount, what)`` triple, with the same three values."""
        if isinstance(other, CashFlow | tuple):
            return tuple(self) == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        """The triple's hash (equal flows and triples hash alike)."""
        return hash(tuple(self))


def xirr(flows: Sequence[CashFlow | tuple[dt.date, Decimal, str]]) -> float | None:
    """The annual internal rate of return of dated flows (pyxirr, actual/365).

    .. math:: \\sum_j \\frac{CF_j}{(1 + r)^{(t_j - t_0)/365}} = 0

    Parameters
    ----------
    flows : sequence of CashFlow or (date, amount, what)
        The dated flows, in any order.

    Returns
    -------
    float or None
        The rate (a display figure, not money), or ``None`` when none exists (e.g. all flows of
        one sign, or no rate solves them). A set of flows and its mirror give the same rate.

    Examples
    --------
    >>> flows = [CashFlow(dt.date(2005, 1, 1), Decimal("-100"), "lent"),
    ...          CashFlow(dt.date(2006, 1, 1), Decimal("110"), "repaid")]
    >>> f"{xirr(flows):.4f}"
    '0.1000'
    """
    from pyxirr import xirr as solve_xirr

    dates = [flow[0] for flow in flows]
    amounts = [float(flow[1]) for flow in flows]
    if not (any(amount > 0 for amount in amounts) and any(amount < 0 for amount in amounts)):
        return None
    first = next(amount for amount in amounts if amount)
    if first > 0:  # one orientation: a set of flows and its mirror give the very same rate
        amounts = [-amount for amount in amounts]
    try:
        return solve_xirr(dates, amounts)
    except Exception:  # pyxirr raises when no rate solves; say "none" rather than guess
        return None
