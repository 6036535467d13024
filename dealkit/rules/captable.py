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

import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from dealkit.deal.model import Deal
from dealkit.errors import DealDataError, ParameterError

if TYPE_CHECKING:
    pass

__all__ = [
    "CapRow",
    "CapTable",
    "cap_table",
    "ownership_percent",
    "lender_key",
    "HolderView",
    "holder_view",
    "UNSPECIFIED",
]

#: What a count the documents leave blank reads as in the table.
UNSPECIFIED = "unspecified"


@dataclass(frozen=True, slots=True)
class CapRow:
    """One line of the table. ``added`` is ``None`` when the count is unspecified (the Warrant)."""

    security: str
    holder: str
    kind: str  # "common", "option", "warrant", "note conversion"
    before: int  # common outstanding before the financing (0 for new securities)
    added: int | None  # common (or common-equivalent) shares the security adds
    series_d: int | None  # Series D preferred shares on the route (None: unspecified / off route)
    series_d_leftover: int | None  # common under one preferred share (paid in cash, Option §2.1)
    basis: str  # how the count is obtained, with its citation

    @property
    def after(self) -> int | None:
        """``before + added``; ``None`` when the count is unspecified."""
        return None if self.added is None else self.before + self.added


@dataclass(frozen=True, slots=True)
class CapTable:
    """The rows of :func:`cap_table`, whether the Series D route applies, and the price used."""

    rows: tuple[CapRow, ...]
    series_d_route: bool
    fixed_conversion_price: Decimal

    @property
    def total_before(self) -> int:
        """Common outstanding before the financing: :math:`\\sum before`."""
        return sum(row.before for row in self.rows)

    @property
    def total_after(self) -> int:
        """Fully diluted common after the financing; unspecified rows are left out."""
        return sum(row.after for row in self.rows if row.after is not None)

    @property
    def unspecified(self) -> tuple[CapRow, ...]:
        """The rows whose count the documents leave blank (the Warrant)."""
        return tuple(row for row in self.rows if row.added is None)

    def ownership_before(self, row: CapRow) -> Fraction:
        """``before / total_before``, exact."""
        return Fraction(row.before, self.total_before) if self.total_before else Fraction(0)

    def ownership_after(self, row: CapRow) -> Fraction | None:
        """``after / total_after``, exact; ``None`` for an unspecified row."""
        if row.after is None:
            return None
        return Fraction(row.after, self.total_after) if self.total_after else Fraction(0)

    def display_rows(self) -> list[dict[str, Any]]:
        """The table for display, as plain rows: counts, Series D equivalents and ownership
        (percent, 4 places); a blank count reads :data:`UNSPECIFIED`."""
        out = []
        for row in self.rows:
            after = self.ownership_after(row)
            on_route = self.series_d_route and row.series_d is not None
            out.append(
                {
                    "security": row.security,
                    "holder": row.holder,
                    "before": row.before,
                    "added": UNSPECIFIED if row.added is None else row.added,
                    "after": UNSPECIFIED if row.after is None else row.after,
                    "Series D equivalent": UNSPECIFIED if row.added is None else (row.series_d if on_route else "—"),
                    "% before": ownership_percent(self.ownership_before(row)),
                    "% after": UNSPECIFIED if after is None else ownership_percent(after),
                    "basis": row.basis,
                }
            )
        return out


def lender_key(deal: Deal) -> str:
    """The party whose roles include ``lender`` (Laurus): the holder of the notes.

    Examples
    --------
    >>> from dealkit.deal.loader import load_deal
    >>> lender_key(load_deal())
    'laurus'
    """
    for key, party in deal.parties.items():
        if "lender" in party.roles:
            return key
    raise DealDataError("parties: no party has the role 'lender' (the notes' holder)", field="parties")


def ownership_percent(share: Fraction, places: int = 4) -> Decimal:
    """A fraction as a percent, rounded half-up to ``places`` decimals in exact integers (display
    only): ``round_half_up(share × 100 × 10^places) / 10^places``.

    Examples
    --------
    >>> ownership_percent(Fraction(1, 3)), ownership_percent(Fraction(1, 8), places=1)
    (Decimal('33.3333'), Decimal('12.5'))
    """
    scaled = Fraction(share) * 100 * 10**places
    quotient, remainder = divmod(scaled.numerator, scaled.denominator)
    if 2 * remainder >= scaled.denominator:
        quotient += 1
    return Decimal(quotient).scaleb(-places)


def _series_d_split(count: int | None, on_route: bool, ratio: int) -> tuple[int | None, int | None]:
    """``divmod(count, ratio)``: whole Series D shares and the common left over, on the route only."""
    if count is None or not on_route:
        return None, None
    return divmod(count, ratio)


def _common_row(deal: Deal, common: int) -> CapRow:
    """Common outstanding before the financing (an assumption of the deal file)."""
    source = deal.cite(deal.capitalization.outstanding_at_closing.source)
    return CapRow(
        "Common stock", "existing holders", "common", common, 0, None, None, f"outstanding at closing: {source}"
    )


def _security_rows(deal: Deal, on_route: bool) -> list[CapRow]:
    """The Option (exercised in full) and the Warrant (unspecified while its count is blank)."""
    ratio = deal.capitalization.series_d_ratio.value
    option, warrant = deal.option, deal.warrant
    option_shares = option.shares.value
    rows = [
        CapRow(
            "Option (exercised in full)",
            deal.party_name(option.holder.value),
            "option",
            0,
            option_shares,
            *_series_d_split(option_shares, on_route, ratio),
            f"{option_shares:,} shares ({deal.cite(option.shares.source)})",
        )
    ]
    if warrant.shares.value is None:
        rows.append(
            CapRow(
                "Warrant",
                deal.party_name(warrant.holder.value),
                "warrant",
                0,
                None,
                None,
                None,
                f"unspecified: {warrant.shares.as_written or 'blank'} ({deal.cite(warrant.shares.source)})",
            )
        )
    else:  # a deal file that knows the count: it counts
        rows.append(
            CapRow(
                "Warrant",
                deal.party_name(warrant.holder.value),
                "warrant",
                0,
                warrant.shares.value,
                *_series_d_split(warrant.shares.value, on_route, ratio),
                deal.cite(warrant.shares.source),
            )
        )
    return rows


def _conversion_rows(deal: Deal, conversion_price: Decimal, on_route: bool) -> list[CapRow]:
    """Each convertible note converted in full: ``floor(face / FCP)`` whole shares."""
    ratio = deal.capitalization.series_d_ratio.value
    lender = deal.party_name(lender_key(deal))
    rows = []
    for note in deal.notes.values():
        if not note.convertible:
            continue
        shares = int(note.face.value // conversion_price)  # whole shares, down: Decimal // is exact truncation
        rows.append(
            CapRow(
                f"{note.title.value} (converted in full)",
                lender,
                "note conversion",
                0,
                shares,
                *_series_d_split(shares, on_route, ratio),
                f"face ${note.face.value:,.2f} ÷ Fixed Conversion Price ${conversion_price} (assumed), whole shares",
            )
        )
    return rows


def cap_table(
    deal: Deal,
    fixed_conversion_price: Decimal | None = None,
    outstanding: int | None = None,
    authorized: int | None = None,
) -> CapTable:
    """ATG's capitalization before and after the financing, fully diluted.

    .. math:: after = O + Option + \\sum_{convertible\\ notes} \\lfloor face / FCP \\rfloor

    Parameters
    ----------
    deal
        The loaded deal.
    fixed_conversion_price, outstanding, authorized
        Default to ``note_terms.fixed_conversion_price``, ``capitalization.outstanding_at_closing``
        and ``authorized_at_closing`` (assumptions). The Series D route applies while authorized
        common is below ``series_d_until_authorized`` (letter of Sept 6, 2005, Exhibit 4.13). The
        Warrant's count is blank (FEA Schedule A): its row is unspecified, in no total.

    Raises
    ------
    dealkit.errors.ParameterError
        A Fixed Conversion Price that is not positive.

    Examples
    --------
    >>> from dealkit.deal.loader import load_deal
    >>> deal = load_deal()
    >>> [row.kind for row in cap_table(deal).rows]
    ['common', 'option', 'warrant', 'note conversion', 'note conversion', 'note conversion']
    >>> cap_table(deal, Decimal("0"))
    Traceback (most recent call last):
    dealkit.errors.ParameterError: fixed_conversion_price: must be positive (got 0)
    """
    capitalization = deal.capitalization
    conversion_price = (
        deal.note_terms.fixed_conversion_price.value if fixed_conversion_price is None else fixed_conversion_price
    )
    if conversion_price <= 0:
        raise ParameterError(f"fixed_conversion_price: must be positive (got {conversion_price})")
    common = capitalization.outstanding_at_closing.value if outstanding is None else outstanding
    authorized_common = capitalization.authorized_at_closing.value if authorized is None else authorized
    on_route = authorized_common < capitalization.series_d_until_authorized.value
    rows = (
        _common_row(deal, common),
        *_security_rows(deal, on_route),
        *_conversion_rows(deal, conversion_price, on_route),
    )
    return CapTable(rows, on_route, conversion_price)


@dataclass(frozen=True, slots=True)
class HolderView:
    """The 4.99% holder view of a capitalization table."""

    cap: Decimal  # Option §10 (the notes' conversion cap is the same figure)
    at_once: int  # the most the holder may own at a time: floor(cap × O) − owned
    fully_diluted: int  # what it would hold were every specified security issued at once
    fully_diluted_share: Fraction


def holder_view(deal: Deal, table: CapTable, owned: int = 0) -> HolderView:
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

    .. math:: at\\_once = \\max(0, \\lfloor cap \\cdot O \\rfloor - owned),\\quad
              fully\\_diluted = owned + \\sum added

    Examples
    --------
    >>> from dealkit.deal.loader import load_deal
    >>> deal = load_deal()
    >>> view = holder_view(deal, cap_table(deal))
    >>> view.at_once == math.floor(Fraction(deal.option.max_exercise_cap.value) * cap_table(deal).total_before)
    True
    """
    cap = deal.option.max_exercise_cap.value
    outstanding = table.total_before
    at_once = max(0, math.floor(Fraction(cap) * outstanding) - owned)
    added = sum(row.added for row in table.rows if row.added is not None and row.kind != "common")
    held = owned + added
    return HolderView(cap, at_once, held, Fraction(held, table.total_after) if table.total_after else Fraction(0))
