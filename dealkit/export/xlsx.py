"""The deal as an Excel workbook (``deal.xlsx``, xlsxwriter), for analysts who carry it elsewhere.

One sheet per schedule: Term A, Term B, the revolver (with the MBN), the escrow disbursement, the
Option's scenarios, the obligations, the capitalization table; and an Assumptions sheet listing
every cited term of the deal file (:func:`dealkit.deal.model.iter_cited`) with its provenance, and the
market inputs of the export (not deal terms). Every figure is dealkit's own (see
:mod:`dealkit.export.bundle`); the workbook adds *live formulas* where a reader expects them:

- each schedule's closing balance, ``opening + draw − principal in cash − principal in stock``;
  its totals (``SUM``); the conservation check *principal repaid + outstanding = face* (or drawn);
- the escrow's total paid out and its conservation check against the Escrowed Payment (FEA
  §1.1(d): the disbursement pays out exactly what the escrow holds);
- the aggregate Exercise Price of each Option scenario, ``ROUND(Y × Exercise Price, 2)``
  (Option §2.2(a)(i));
- the counts of obligations by status;
- the capitalization table's after-counts, totals, Series D equivalents and ownership.

Real number formats ($, %, thousands, ISO dates), frozen header rows, widths, workbook-level named
ranges for the key terms (``FaceTermA``, ``EscrowedPayment``, ``ExercisePrice``, ...). Each
formula is written with dealkit's value as its cached result (``cache_values=True``), so viewers
that do not recalculate still show the right figure; tests recalculate with LibreOffice.
"""

from __future__ import annotations

import datetime as dt
import io
import typing
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from dealkit.deal.model import iter_cited

if TYPE_CHECKING:
    from xlsxwriter.worksheet import Worksheet

    from dealkit.deal.model import Deal
    from dealkit.deal.values import Cited
    from dealkit.export.bundle import Figures

__all__ = ["workbook_bytes", "NAMED_TERMS", "SHEETS", "value_kind", "Book"]

#: Workbook names -> deal file paths (each names the Assumptions sheet's value cell).
NAMED_TERMS = {
    "FaceTermA": "notes.term_a.face",
    "FaceTermB": "notes.term_b.face",
    "FaceRevolving": "notes.revolving.face",
    "FaceMBN": "notes.mbn.face",
    "EscrowedPayment": "escrow.escrowed_payment",
    "ClosingPayment": "escrow.closing_payment",
    "OptionShares": "option.shares",
    "ExercisePrice": "option.exercise_price",
    "OptionCap": "option.max_exercise_cap",
    "FixedConversionPrice": "note_terms.fixed_conversion_price",
    "OutstandingAtClosing": "capitalization.outstanding_at_closing",
    "SeriesDRatio": "capitalization.series_d_ratio",
}

SHEETS = (
    "Assumptions",
    "Term A",
    "Term B",
    "Revolver",
    "Escrow disbursement",
    "Option scenarios",
    "Obligations",
    "Cap table",
)

_FORMATS: dict[str, dict[str, Any]] = {
    "money": {"num_format": "$#,##0.00"},
    "price": {"num_format": "$0.00000"},
    "rate": {"num_format": "0.00%"},
    "pct4": {"num_format": "0.0000%"},
    "shares": {"num_format": "#,##0"},
    "int": {"num_format": "0"},
    "date": {"num_format": "yyyy-mm-dd"},
    "multiple": {"num_format": '0.00"×"'},
    "text": {"text_wrap": False},
}


def _validator_names(annotation: Any, metadata: list[Any]) -> set[str]:
    names = {getattr(getattr(m, "func", None), "__name__", "") for m in metadata}
    for arg in typing.get_args(annotation):
        names |= _validator_names(arg, list(getattr(arg, "__metadata__", ())))
    return names


def value_kind(cited: Cited[Any]) -> str:
    """How a cited value is shown: ``money``, ``price``, ``rate``, ``multiple``, ``shares``,
    ``date``, ``bool`` or ``text``: from the model's own validator of the field (``Money``,
    ``Rate``, ...), so a rate is a percent and money is dollars."""
    field = type(cited).model_fields["value"]
    names = _validator_names(field.annotation, list(field.metadata))
    for func, kind in (
        ("_money", "money"),
        ("_price", "price"),
        ("_rate", "rate"),
        ("_multiple", "multiple"),
        ("_shares", "shares"),
        ("_date", "date"),
    ):
        if func in names:
            return kind
    if isinstance(cited.value, bool):
        return "bool"
    return "text"


def _num(value: Decimal | int | Fraction) -> float | int:
    """A cell's number (IEEE double: the workbook's own type; dealkit's exact figure stays in
    dealkit, and the tests compare to the cent)."""
    if isinstance(value, int):
        return value
    return float(value)


class Book:
    """An in-memory xlsxwriter workbook with dealkit's formats, and writers that keep each
    formula's cached value (``cache_values``) equal to dealkit's exact figure."""

    def __init__(self, cache_values: bool) -> None:
        import xlsxwriter

        self.buffer = io.BytesIO()
        self.wb = xlsxwriter.Workbook(
            self.buffer,
            {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False},
        )
        self.wb.set_properties(
            {
                "title": "Laurus / ATG financing (September 2005)",
                "author": "dealkit",
                "comments": "Figures computed by dealkit; formulas are live.",
            }
        )
        self.cache = cache_values
        self.fmt = {k: self.wb.add_format(v) for k, v in _FORMATS.items()}
        self.head = self.wb.add_format(
            {"bold": True, "bg_color": "#DDE4EE", "bottom": 1, "text_wrap": True, "valign": "top"}
        )
        self.bold = self.wb.add_format({"bold": True})
        self.total = {k: self.wb.add_format({**v, "bold": True, "top": 1}) for k, v in _FORMATS.items()}

    def sheet(self, name: str, headers: list[tuple[str, int]]) -> Worksheet:
        """A new sheet with its header row (bold, frozen) and column widths."""
        worksheet = self.wb.add_worksheet(name)
        for col, (title, width) in enumerate(headers):
            worksheet.write_string(0, col, title, self.head)
            worksheet.set_column(col, col, width)
        worksheet.freeze_panes(1, 0)
        worksheet.set_row(0, 30)
        return worksheet

    def formula(
        self, worksheet: Worksheet, row: int, col: int, text: str, fmt: str, value: Any, total: bool = False
    ) -> None:
        """A live formula, cached with dealkit's ``value`` unless ``cache_values`` is off."""
        cell_format = (self.total if total else self.fmt)[fmt]
        if self.cache:
            cached = value if isinstance(value, str) else _num(value)
            worksheet.write_formula(row, col, text, cell_format, cached)
        else:
            worksheet.write_formula(row, col, text, cell_format)

    def cell(self, worksheet: Worksheet, row: int, col: int, value: Any, fmt: str = "text") -> None:
        """A value in its own type: ``None`` reads "unspecified", dates are dates, numbers numbers."""
        if value is None:
            worksheet.write_string(row, col, "unspecified", self.fmt["text"])
        elif isinstance(value, bool):
            worksheet.write_boolean(row, col, value)
        elif isinstance(value, (int, Decimal, Fraction)):
            worksheet.write_number(row, col, _num(value), self.fmt[fmt])
        elif isinstance(value, dt.date):
            worksheet.write_datetime(row, col, dt.datetime.combine(value, dt.time()), self.fmt["date"])
        else:
            worksheet.write_string(row, col, str(value))

    def close(self) -> bytes:
        """Close the workbook and return its bytes."""
        self.wb.close()
        return self.buffer.getvalue()


#: The name the workbook writer had before the sheets moved to :mod:`dealkit.export.xlsx_sheets`.
_Book = Book


def _cited_terms(book: Book, worksheet: Worksheet, deal: Deal) -> int:
    """One row per cited term (value in its format, kind, source, citation, range, as written,
    note); the named ranges of :data:`NAMED_TERMS`. Returns the next free row."""
    row = 1
    where: dict[str, int] = {}
    for path, cited in iter_cited(deal):
        kind = value_kind(cited)
        book.cell(worksheet, row, 0, path)
        fmt = {"bool": "text", "multiple": "multiple"}.get(kind, kind)
        if cited.value is None:
            worksheet.write_string(row, 1, "unspecified")
        else:
            book.cell(worksheet, row, 1, cited.value, fmt)
        worksheet.write_string(row, 2, kind)
        worksheet.write_string(row, 3, cited.source.kind)
        worksheet.write_string(row, 4, deal.cite(cited.source))
        if cited.range:
            book.cell(worksheet, row, 5, cited.range[0], fmt)
            book.cell(worksheet, row, 6, cited.range[1], fmt)
        if cited.as_written:
            worksheet.write_string(row, 7, cited.as_written)
        if cited.note:
            worksheet.write_string(row, 8, cited.note)
        where[path.removesuffix(".value")] = row
        row += 1
    for name, path in NAMED_TERMS.items():
        if path in where:
            book.wb.define_name(name, f"=Assumptions!$B${where[path] + 1}")
    return row


def _assumptions(book: Book, figures: Figures) -> None:
    """Every cited term with its provenance (named ranges for :data:`NAMED_TERMS`), then the
    export's inputs (market data and scenario choices: not deal terms)."""
    worksheet = book.sheet(
        "Assumptions",
        [
            ("field (deal file path)", 46),
            ("value", 20),
            ("kind", 9),
            ("source", 13),
            ("citation", 60),
            ("range low", 14),
            ("range high", 14),
            ("as written", 40),
            ("note", 50),
        ],
    )
    row = _cited_terms(book, worksheet, figures.deal)
    worksheet.autofilter(0, 0, row - 1, 8)
    assumed = book.wb.add_format({"bg_color": "#FFF4CE"})  # assumptions stand out
    worksheet.conditional_format(1, 0, row - 1, 8, {"type": "formula", "criteria": '=$D2="assumed"', "format": assumed})
    # the export's market inputs: not deal terms
    row += 1
    worksheet.write_string(
        row, 0, "Inputs of this export (market data and scenario choices; not deal terms)", book.bold
    )
    row += 1
    for field in type(figures.inputs).__dataclass_fields__:
        value = getattr(figures.inputs, field)
        worksheet.write_string(row, 0, f"inputs.{field}")
        worksheet.write_string(row, 1, ", ".join(map(str, value)) if isinstance(value, tuple) else str(value))
        worksheet.write_string(row, 3, "input")
        worksheet.write_string(row, 4, "dealkit.export.bundle.ExportInputs (the notebooks' parameter defaults)")
        row += 1


def workbook_bytes(figures: Figures, cache_values: bool = True) -> bytes:
    """The workbook, in memory (nothing is written to disk here).

    Parameters
    ----------
    figures
        :class:`dealkit.export.bundle.Figures`.
    cache_values
        Store dealkit's value as each formula's cached result (default). ``False`` leaves the
        cached results at 0, so only a recalculation shows the figures (the tests use it to
        prove LibreOffice computed them).

    Examples
    --------
    >>> from dealkit.deal.loader import load_deal
    >>> from dealkit.export.bundle import compute
    >>> workbook_bytes(compute(load_deal()))[:2]
    b'PK'
    """
    from dealkit.export import xlsx_sheets

    book = Book(cache_values)
    _assumptions(book, figures)
    schedules = figures.schedules
    xlsx_sheets.schedule_sheet(book, "Term A", "TermA", schedules["term_a"], "FaceTermA")
    xlsx_sheets.schedule_sheet(book, "Term B", "TermB", schedules["term_b"], "FaceTermB")
    xlsx_sheets.schedule_sheet(book, "Revolver", "Revolver", schedules["revolver"], "FaceRevolving")
    xlsx_sheets.escrow_sheet(book, figures)
    xlsx_sheets.option_sheet(book, figures)
    xlsx_sheets.obligations_sheet(book, figures)
    xlsx_sheets.captable_sheet(book, figures)
    return book.close()
