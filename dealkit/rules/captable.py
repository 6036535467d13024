"""The capitalization table: ATG's common before the financing and, fully diluted, after it.

A small pure function shared by the exports and the reports. Every count comes from the deal
file (through :func:`dealkit.deal.loader.load_deal`) or from a named parameter; nothing is invented:

- common outstanding at closing: ``capitalization.outstanding_at_closing`` (an *assumption* of
  the deal file: no source gives ATG's 2005 count);
- the Option: ``option.shares`` (Option §1.1), exercised in full;
- the Warrant: its share count is blank in the escrow's Schedule A, so it is **unspecified**: it
  is listed, and left out of every total (never a placeholder number);
- each convertible note converted in full at the Fixed Conversion Price
  (``note_terms.fixed_conversion_price``, an assumption): ``floor(face / FCP)`` whole shares;
- Series D equivalents: while authorized common is below ``series_d_until_authorized``, common
  due to Laurus comes as Series D Convertible Preferred, ``shares ÷ series_d_ratio`` (letter of
  Sept 6, 2005, Exhibit 4.13): whole preferred shares and the common left over.

"Fully diluted" ignores the 4.99% caps (Option §10; the notes' conversion cap): they limit how
much may be held *at once*, not how much may be issued in all.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

__all__ = ["CapRow", "CapTable", "cap_table", "ownership_percent", "lender_key", "HolderView", "holder_view"]


@dataclass(frozen=True)
class CapRow:
    """One line of the table. ``added`` is ``None`` when the count is unspecified (the Warrant)."""

    security: str
    holder: str
    kind: str                      # "common", "option", "warrant", "note conversion"
    before: int                    # common outstanding before the financing (0 for new securities)
    added: int | None              # common (or common-equivalent) shares the security adds
    series_d: int | None           # Series D preferred shares on the route (None: unspecified / off route)
    series_d_leftover: int | None  # common under one preferred share (paid in cash, Option §2.1)
    basis: str                     # how the count is obtained, with its citation

    @property
    def after(self) -> int | None:
        return None if self.added is None else self.before + self.added


@dataclass(frozen=True)
class CapTable:
    rows: tuple[CapRow, ...]
    series_d_route: bool
    fixed_conversion_price: Decimal

    @property
    def total_before(self) -> int:
        return sum(r.before for r in self.rows)

    @property
    def total_after(self) -> int:
        """Fully diluted common after the financing; unspecified rows are left out."""
        return sum(r.after for r in self.rows if r.after is not None)

    @property
    def unspecified(self) -> tuple[CapRow, ...]:
        return tuple(r for r in self.rows if r.added is None)

    def ownership_before(self, row: CapRow) -> Fraction:
        """``before / total_before``, exact."""
        return Fraction(row.before, self.total_before) if self.total_before else Fraction(0)

    def ownership_after(self, row: CapRow) -> Fraction | None:
        """``after / total_after``, exact; ``None`` for an unspecified row."""
        if row.after is None:
            return None
        return Fraction(row.after, self.total_after) if self.total_after else Fraction(0)

    def frame(self):
        """The table for display: counts, Series D equivalents and ownership (percent, 4 places)."""
        import pandas as pd

        out = []
        for r in self.rows:
            after = self.ownership_after(r)
            out.append({"security": r.security, "holder": r.holder, "before": r.before,
                        "added": "unspecified" if r.added is None else r.added,
                        "after": "unspecified" if r.after is None else r.after,
                        "Series D equivalent": "unspecified" if r.added is None else (
                            r.series_d if self.series_d_route and r.series_d is not None else "—"),
                        "% before": ownership_percent(self.ownership_before(r)),
                        "% after": "unspecified" if after is None else ownership_percent(after),
                        "basis": r.basis})
        return pd.DataFrame(out)


def lender_key(deal) -> str:
    """The party whose roles include ``lender`` (Laurus): the holder of the notes."""
    for key, party in deal.parties.items():
        if "lender" in party.roles:
            return key
    raise ValueError("parties: no party has the role 'lender' (the notes' holder)")


def ownership_percent(share: Fraction, places: int = 4) -> Decimal:
    """A fraction as a percent, rounded half-up to ``places`` decimals in exact integers (display
    only): ``round_half_up(share × 100 × 10^places) / 10^places``."""
    scaled = Fraction(share) * 100 * 10**places
    q, r = divmod(scaled.numerator, scaled.denominator)
    if 2 * r >= scaled.denominator:
        q += 1
    return Decimal(q).scaleb(-places)


def cap_table(deal, fixed_conversion_price: Decimal | None = None, outstanding: int | None = None,
              authorized: int | None = None) -> CapTable:
    """ATG's capitalization before and after the financing, fully diluted.

    .. math:: after = O + Option + \\sum_{convertible\\ notes} \\lfloor face / FCP \\rfloor

    Parameters
    ----------
    deal
        The loaded deal.
    fixed_conversion_price
        Defaults to ``note_terms.fixed_conversion_price`` (an assumption).
    outstanding, authorized
        Default to ``capitalization.outstanding_at_closing`` and ``authorized_at_closing``
        (assumptions). The Series D route applies while authorized common is below
        ``capitalization.series_d_until_authorized`` (letter of Sept 6, 2005, Exhibit 4.13).

    The Warrant's count is blank in the documents (FEA Schedule A "__________ Warrants"): its row
    is unspecified and no total includes it.
    """
    cap = deal.capitalization
    fcp = deal.note_terms.fixed_conversion_price.value if fixed_conversion_price is None else fixed_conversion_price
    if fcp <= 0:
        raise ValueError(f"fixed_conversion_price: must be positive (got {fcp})")
    o = cap.outstanding_at_closing.value if outstanding is None else outstanding
    auth = cap.authorized_at_closing.value if authorized is None else authorized
    route = auth < cap.series_d_until_authorized.value
    ratio = cap.series_d_ratio.value

    def series_d(n: int | None) -> tuple[int | None, int | None]:
        if n is None or not route:
            return None, None
        return divmod(n, ratio)

    rows = [CapRow("Common stock", "existing holders", "common", o, 0, None, None,
                   f"outstanding at closing: {deal.cite(cap.outstanding_at_closing.source)}")]
    opt = deal.option
    n = opt.shares.value
    rows.append(CapRow("Option (exercised in full)", deal.party_name(opt.holder.value), "option", 0, n, *series_d(n),
                       f"{n:,} shares ({deal.cite(opt.shares.source)})"))
    w = deal.warrant
    if w.shares.value is None:
        rows.append(CapRow("Warrant", deal.party_name(w.holder.value), "warrant", 0, None, None, None,
                           f"unspecified: {w.shares.as_written or 'blank'} ({deal.cite(w.shares.source)})"))
    else:  # a deal file that knows the count: it counts
        rows.append(CapRow("Warrant", deal.party_name(w.holder.value), "warrant", 0, w.shares.value,
                           *series_d(w.shares.value), deal.cite(w.shares.source)))
    lender = lender_key(deal)
    for key, note in deal.notes.items():
        if not note.convertible:
            continue
        shares = int(note.face.value // fcp)  # whole shares, down: Decimal // is exact truncation
        rows.append(CapRow(f"{note.title.value} (converted in full)", deal.party_name(lender),
                           "note conversion", 0, shares, *series_d(shares),
                           f"face ${note.face.value:,.2f} ÷ Fixed Conversion Price ${fcp} (assumed), whole shares"))
    return CapTable(tuple(rows), route, fcp)


@dataclass(frozen=True)
class HolderView:
    """The 4.99% holder view of a capitalization table."""

    cap: Decimal              # Option §10 (the notes' conversion cap is the same figure)
    at_once: int              # the most the holder may own at a time: floor(cap × O) − owned
    fully_diluted: int        # what it would hold were every specified security issued at once
    fully_diluted_share: Fraction


def holder_view(deal, table: CapTable, owned: int = 0) -> HolderView:
    """What the 4.99% cap means for the holder (Option §10, the literal reading: "4.99% of the
    issued and outstanding shares"): at most ``floor(cap × O) − owned`` shares at a time, against
    ``owned + Σ added`` (every specified new security, the Warrant left out) fully diluted.

    Parameters
    ----------
    deal
        The loaded deal (the cap: ``option.max_exercise_cap``).
    table
        :func:`cap_table`'s result (``O`` = its total before).
    owned
        Common the holder already owns.
    """
    import math

    cap = deal.option.max_exercise_cap.value
    o = table.total_before
    at_once = max(0, math.floor(Fraction(cap) * o) - owned)
    added = sum(r.added for r in table.rows if r.added is not None and r.kind != "common")
    held = owned + added
    return HolderView(cap, at_once, held, Fraction(held, table.total_after) if table.total_after else Fraction(0))
