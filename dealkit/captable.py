"""The fully diluted capitalization table: common outstanding, the Option, the Warrant, note
conversions at the Fixed Conversion Price, Series D equivalents; before and after; ownership.

Pure: everything comes from the deal file (and explicit overrides), nothing is rounded except
the ownership percents, rounded half-up to :data:`OWNERSHIP_PLACES` at the one named point
(:func:`ownership`). Where the documents leave a number blank (the Warrant's share count, FEA
Schedule A "__________ Warrants") the row says *unspecified* and stays out of the totals: a
made-up number would be a silently wrong one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

__all__ = ["CapRow", "CapTable", "cap_table", "ownership", "OWNERSHIP_PLACES"]

#: Ownership fractions are rounded half-up to 1/10,000 (0.01%).
OWNERSHIP_PLACES = Decimal("0.0001")


def ownership(part: int, whole: int) -> Decimal | None:
    """Ownership as a fraction: round_half_up(part ÷ whole, 10⁻⁴) (:data:`OWNERSHIP_PLACES`).

    Parameters
    ----------
    part, whole : int
        Shares of one line; shares of the whole table.

    Returns
    -------
    Decimal or None
        The rounded fraction; ``None`` when ``whole`` is not positive.
    """
    if whole <= 0:
        return None
    f = Fraction(part, whole)
    return (Decimal(f.numerator) / Decimal(f.denominator)).quantize(OWNERSHIP_PLACES, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class CapRow:
    security: str
    holder: str
    shares: int | None            # common-equivalent shares; None = unspecified in the documents
    series_d: int | None          # the same as Series D preferred (shares ÷ ratio, whole shares)
    series_d_fraction: Fraction | None  # the fraction of a Series D share left over
    basis: str
    source: str
    dilutive: bool                # False for the shares outstanding before the deal


@dataclass(frozen=True)
class CapTable:
    rows: tuple[CapRow, ...]
    outstanding: int
    fully_diluted: int
    unspecified: tuple[str, ...]
    holder_cap: Decimal
    holder_cap_shares: int        # the most the holder may own at once before any issue (§10 literal)
    holder_fully_diluted: int     # what the holder would own if everything were issued at once
    series_d_route: bool          # True while authorized common is below the Series D threshold

    def frame(self):
        """One row per security: shares, Series D equivalent, ownership before and fully diluted."""
        import pandas as pd

        rows = []
        for r in self.rows:
            rows.append({"security": r.security, "holder": r.holder,
                         "shares": r.shares if r.shares is not None else "unspecified",
                         "series_d_equivalent": r.series_d if r.shares is not None and r.dilutive else None,
                         "ownership_before": ownership(r.shares, self.outstanding) if not r.dilutive else None,
                         "ownership_fully_diluted": ownership(r.shares, self.fully_diluted) if r.shares is not None else None,
                         "basis": r.basis, "source": r.source})
        return pd.DataFrame(rows, dtype=object)

    def totals(self) -> dict:
        return {"shares": self.fully_diluted, "ownership_before": Decimal(1) if self.outstanding else None,
                "ownership_fully_diluted": Decimal(1) if self.fully_diluted else None}


def cap_table(deal, *, outstanding: int | None = None, conversion_price: Decimal | None = None,
              owned: int = 0) -> CapTable:
    """The fully diluted capitalization table of the financing.

    Rows: common outstanding at closing (an assumption of the deal file unless ``outstanding`` is
    given); the Option's shares (Option §1.1, 140,250,000); the Warrant (FEA recitals (d) and
    Schedule A: its count is blank, so *unspecified*); each convertible note's face at the Fixed
    Conversion Price (``note_terms.fixed_conversion_price``, assumed, or ``conversion_price``):
    shares = floor(face ÷ price). Series D equivalents: shares ÷ ``series_d_ratio`` (letter of
    Sept 6, 2005), the route while authorized common is below ``series_d_until_authorized``.

    The 4.99% holder view (Option §10, the literal reading; the note form's conversion cap is
    the same figure): the holder may own at most floor(cap × O) − owned shares at once, against
    what it would own were everything issued together.

    Parameters
    ----------
    deal : Deal
        The loaded deal (:func:`dealkit.loader.load_deal`).
    outstanding : int, optional
        Common shares outstanding before the deal; default the deal file's assumption.
    conversion_price : Decimal, optional
        The Fixed Conversion Price; default ``note_terms.fixed_conversion_price`` (assumed).
    owned : int
        Shares the holder already owns (for the 4.99% view).

    Returns
    -------
    CapTable
        Rows, the fully diluted total FD = O + Option + Σ floor(face ÷ price) (the Warrant, unspecified,
        left out), and the holder view.
    """
    cap = deal.capitalization
    o = int(outstanding if outstanding is not None else cap.outstanding_at_closing.value)
    if o <= 0:
        raise ValueError(f"outstanding must be a positive number of shares (got {o})")
    price = conversion_price if conversion_price is not None else deal.note_terms.fixed_conversion_price.value
    if price <= 0:
        raise ValueError(f"conversion price must be positive (got {price})")
    ratio = int(cap.series_d_ratio.value)
    holder_name = deal.party_name(deal.option.holder.value)
    lender = next((p.name.value for p in deal.parties.values() if "lender" in p.roles), "the lender")

    def series_d(n: int) -> tuple[int, Fraction]:
        return n // ratio, Fraction(n % ratio, ratio)

    rows = [CapRow("Common stock outstanding", "existing holders", o, None, None,
                   "shares outstanding at closing" + (" (assumed)" if outstanding is None and cap.outstanding_at_closing.source.kind == "assumed" else " (parameter)" if outstanding is not None else ""),
                   deal.cite(cap.outstanding_at_closing.source) if outstanding is None else "parameter", False)]
    n = int(deal.option.shares.value)
    d, frac = series_d(n)
    rows.append(CapRow(f"Option ({n:,} shares at ${deal.option.exercise_price.value.normalize():f})", holder_name, n, d, frac,
                       "Option §1.1: every Option share", deal.cite(deal.option.shares.source), True))
    w = deal.warrant
    wshares = w.shares.value
    rows.append(CapRow("Warrant", deal.party_name(w.holder.value), wshares,
                       None if wshares is None else series_d(int(wshares))[0], None if wshares is None else series_d(int(wshares))[1],
                       "unspecified: the count is blank in the documents" if wshares is None else "Warrant shares",
                       deal.cite(w.shares.source), True))
    for key, note in deal.notes.items():
        if not note.convertible:
            continue
        conv = math.floor(Fraction(note.face.value) / Fraction(price))
        d, frac = series_d(conv)
        rows.append(CapRow(f"{note.title.value}: conversion", lender, conv, d, frac,
                           f"face ${note.face.value:,.2f} ÷ Fixed Conversion Price ${price.normalize():f} (assumed)",
                           f"{deal.cite(note.face.source)}; {deal.cite(deal.note_terms.fixed_conversion_price.source)}", True))
    known = [r for r in rows if r.shares is not None]
    fd = sum(r.shares for r in known)
    capf = deal.option.max_exercise_cap.value
    holder_cap_shares = max(0, math.floor(Fraction(capf) * o) - owned)
    holder_fd = sum(r.shares for r in known if r.dilutive) + owned
    return CapTable(tuple(rows), o, fd, tuple(r.security for r in rows if r.shares is None), capf, holder_cap_shares,
                    holder_fd, cap.authorized_at_closing.value < cap.series_d_until_authorized.value)
