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
from typing import Any

from dealkit.deal.model import iter_cited

__all__ = ["workbook_bytes", "NAMED_TERMS", "SHEETS", "value_kind"]

#: Workbook names -> deal file paths (each names the Assumptions sheet's value cell).
NAMED_TERMS = {
    "FaceTermA": "notes.term_a.face", "FaceTermB": "notes.term_b.face", "FaceRevolving": "notes.revolving.face",
    "FaceMBN": "notes.mbn.face", "EscrowedPayment": "escrow.escrowed_payment",
    "ClosingPayment": "escrow.closing_payment", "OptionShares": "option.shares", "ExercisePrice": "option.exercise_price",
    "OptionCap": "option.max_exercise_cap", "FixedConversionPrice": "note_terms.fixed_conversion_price",
    "OutstandingAtClosing": "capitalization.outstanding_at_closing", "SeriesDRatio": "capitalization.series_d_ratio",
}

SHEETS = ("Assumptions", "Term A", "Term B", "Revolver", "Escrow disbursement", "Option scenarios", "Obligations",
          "Cap table")

_FORMATS = {
    "money": {"num_format": "$#,##0.00"}, "price": {"num_format": "$0.00000"}, "rate": {"num_format": "0.00%"},
    "pct4": {"num_format": "0.0000%"}, "shares": {"num_format": "#,##0"}, "int": {"num_format": "0"},
    "date": {"num_format": "yyyy-mm-dd"}, "multiple": {"num_format": "0.00\"×\""}, "text": {"text_wrap": False},
}


def _validator_names(annotation: Any, metadata: list) -> set[str]:
    names = {getattr(getattr(m, "func", None), "__name__", "") for m in metadata}
    for arg in typing.get_args(annotation):
        names |= _validator_names(arg, list(getattr(arg, "__metadata__", ())))
    return names


def value_kind(cited) -> str:
    """How a cited value is shown: ``money``, ``price``, ``rate``, ``multiple``, ``shares``,
    ``date``, ``bool`` or ``text``: from the model's own validator of the field (``Money``,
    ``Rate``, ...), so a rate is a percent and money is dollars."""
    field = type(cited).model_fields["value"]
    names = _validator_names(field.annotation, list(field.metadata))
    for func, kind in (("_money", "money"), ("_price", "price"), ("_rate", "rate"), ("_multiple", "multiple"),
                       ("_shares", "shares"), ("_date", "date")):
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


class _Book:
    def __init__(self, cache_values: bool):
        import xlsxwriter

        self.buffer = io.BytesIO()
        self.wb = xlsxwriter.Workbook(self.buffer, {"in_memory": True, "strings_to_numbers": False,
                                                    "strings_to_formulas": False, "strings_to_urls": False})
        self.wb.set_properties({"title": "Laurus / ATG financing (September 2005)", "author": "dealkit",
                                "comments": "Figures computed by dealkit; formulas are live."})
        self.cache = cache_values
        self.fmt = {k: self.wb.add_format(v) for k, v in _FORMATS.items()}
        self.head = self.wb.add_format({"bold": True, "bg_color": "#DDE4EE", "bottom": 1, "text_wrap": True,
                                        "valign": "top"})
        self.bold = self.wb.add_format({"bold": True})
        self.total = {k: self.wb.add_format({**v, "bold": True, "top": 1}) for k, v in _FORMATS.items()}

    def sheet(self, name: str, headers: list[tuple[str, int]]):
        ws = self.wb.add_worksheet(name)
        for col, (title, width) in enumerate(headers):
            ws.write_string(0, col, title, self.head)
            ws.set_column(col, col, width)
        ws.freeze_panes(1, 0)
        ws.set_row(0, 30)
        return ws

    def formula(self, ws, row: int, col: int, text: str, fmt: str, value: Any, total: bool = False) -> None:
        f = (self.total if total else self.fmt)[fmt]
        if self.cache:
            cached = value if isinstance(value, str) else _num(value)
            ws.write_formula(row, col, text, f, cached)
        else:
            ws.write_formula(row, col, text, f)

    def cell(self, ws, row: int, col: int, value: Any, fmt: str = "text") -> None:
        if value is None:
            ws.write_string(row, col, "unspecified", self.fmt["text"])
        elif isinstance(value, bool):
            ws.write_boolean(row, col, value)
        elif isinstance(value, (int, Decimal, Fraction)):
            ws.write_number(row, col, _num(value), self.fmt[fmt])
        elif isinstance(value, dt.date):
            ws.write_datetime(row, col, dt.datetime.combine(value, dt.time()), self.fmt["date"])
        else:
            ws.write_string(row, col, str(value))

    def close(self) -> bytes:
        self.wb.close()
        return self.buffer.getvalue()


def _pct(rate: Decimal) -> str:
    from dealkit.export.ocf import _pct as pct

    return pct(rate)


def _col(n: int) -> str:
    from xlsxwriter.utility import xl_col_to_name

    return xl_col_to_name(n)


# ============================================================================ sheets ========
def _assumptions(book: _Book, figures) -> None:
    deal = figures.deal
    ws = book.sheet("Assumptions", [("field (deal file path)", 46), ("value", 20), ("kind", 9), ("source", 13),
                                    ("citation", 60), ("range low", 14), ("range high", 14), ("as written", 40),
                                    ("note", 50)])
    row = 1
    where: dict[str, int] = {}
    for path, cited in iter_cited(deal):
        kind = value_kind(cited)
        book.cell(ws, row, 0, path)
        fmt = {"bool": "text", "multiple": "multiple"}.get(kind, kind)
        if cited.value is None:
            ws.write_string(row, 1, "unspecified")
        else:
            book.cell(ws, row, 1, cited.value, fmt)
        ws.write_string(row, 2, kind)
        ws.write_string(row, 3, cited.source.kind)
        ws.write_string(row, 4, deal.cite(cited.source))
        if cited.range:
            book.cell(ws, row, 5, cited.range[0], fmt)
            book.cell(ws, row, 6, cited.range[1], fmt)
        if cited.as_written:
            ws.write_string(row, 7, cited.as_written)
        if cited.note:
            ws.write_string(row, 8, cited.note)
        where[path.removesuffix(".value")] = row
        row += 1
    ws.autofilter(0, 0, row - 1, 8)
    assumed = book.wb.add_format({"bg_color": "#FFF4CE"})  # assumptions stand out
    ws.conditional_format(1, 0, row - 1, 8, {"type": "formula", "criteria": '=$D2="assumed"', "format": assumed})
    for name, path in NAMED_TERMS.items():
        if path in where:
            book.wb.define_name(name, f"=Assumptions!$B${where[path] + 1}")
    # the export's market inputs: not deal terms
    row += 1
    ws.write_string(row, 0, "Inputs of this export (market data and scenario choices; not deal terms)", book.bold)
    row += 1
    for field in type(figures.inputs).__dataclass_fields__:
        value = getattr(figures.inputs, field)
        ws.write_string(row, 0, f"inputs.{field}")
        ws.write_string(row, 1, ", ".join(map(str, value)) if isinstance(value, tuple) else str(value))
        ws.write_string(row, 3, "input")
        ws.write_string(row, 4, "dealkit.export.bundle.ExportInputs (the notebooks' parameter defaults)")
        row += 1


_SCHEDULE_COLS = [  # key, title, format, width
    ("date", "payment date", "date", 12), ("opening", "opening", "money", 15), ("draw", "draw", "money", 14),
    ("repaid", "repaid", "money", 14), ("borrowing_base", "borrowing base", "money", 15),
    ("overadvance", "overadvance", "money", 14), ("rates", "contract rate(s)", "text", 16), ("days", "days", "int", 6),
    ("interest", "interest", "money", 14), ("principal_cash", "principal in cash", "money", 15),
    ("principal_stock", "principal in stock", "money", 15), ("premium", "cash premium", "money", 13),
    ("shares", "shares issued", "shares", 15), ("series_d", "Series D issued", "shares", 12),
    ("limited_by", "limited by", "text", 12), ("closing", "closing", "money", 15),
]
_SUMMED = ("draw", "repaid", "interest", "principal_cash", "principal_stock", "premium", "shares", "series_d")


def _schedule(book: _Book, name: str, prefix: str, schedule, face_name: str) -> None:
    rows = schedule.rows
    cols = [c for c in _SCHEDULE_COLS if not rows or c[0] in rows[0]]
    ws = book.sheet(name, [(title, width) for _, title, _, width in cols])
    idx = {key: i for i, (key, _, _, _) in enumerate(cols)}
    first, last = 2, len(rows) + 1  # spreadsheet rows of the data
    for r, row in enumerate(rows, start=1):
        for c, (key, _, fmt, _) in enumerate(cols):
            if key == "closing":
                ref = lambda k: f"{_col(idx[k])}{r + 1}"  # noqa: E731
                text = f"={ref('opening')}" + (f"+{ref('draw')}" if "draw" in idx else "") \
                    + f"-{ref('principal_cash')}-{ref('principal_stock')}"
                book.formula(ws, r, c, text, fmt, row[key])
            else:
                book.cell(ws, r, c, row[key], fmt)
    t = len(rows) + 1
    ws.write_string(t, 0, "total", book.bold)
    for key in _SUMMED:
        if key in idx:
            c = idx[key]
            fmt = dict((k, f) for k, _, f, _ in cols)[key]
            total = sum((x[key] for x in rows), 0)
            book.formula(ws, t, c, f"=SUM({_col(c)}{first}:{_col(c)}{max(first, last)})", fmt, total, total=True)
            book.wb.define_name(f"{prefix}_Total_{key}", f"='{name}'!${_col(c)}${t + 1}")
    # the conservation check: principal repaid (cash + stock) + outstanding = face (or drawn)
    cash, stock = f"{_col(idx['principal_cash'])}{t + 1}", f"{_col(idx['principal_stock'])}{t + 1}"
    closing = f"{_col(idx['closing'])}{last}" if rows else face_name
    base = t + 2
    labels = [("face (deal file)" if "draw" not in idx else "drawn on the line", "money"),
              ("principal repaid (cash + stock)", "money"), ("outstanding", "money"),
              ("repaid + outstanding", "money"), ("difference (must be 0)", "money"), ("conserved", "text")]
    repaid = schedule.principal_cash + schedule.principal_stock
    drawn = schedule.drawn
    formulas = [
        f"={_col(idx['draw'])}{t + 1}" if "draw" in idx else f"={face_name}",
        f"={cash}+{stock}", f"={closing}", f"=B{base + 2}+B{base + 3}", f"=B{base + 4}-B{base + 1}",
        f'=IF(ABS(B{base + 5})<0.005,"yes","NO")',
    ]
    values = [drawn, repaid, schedule.outstanding, repaid + schedule.outstanding,
              repaid + schedule.outstanding - drawn, "yes" if schedule.conserved() else "NO"]
    for k, ((label, fmt), text, value) in enumerate(zip(labels, formulas, values)):
        ws.write_string(base + k, 0, label, book.bold)
        book.formula(ws, base + k, 1, text, fmt, value)
    book.wb.define_name(f"{prefix}_Outstanding", f"='{name}'!$B${base + 3}")
    book.wb.define_name(f"{prefix}_Conserved", f"='{name}'!$B${base + 6}")
    ws.set_column(0, 0, 30 if len(cols) else 12)


def _escrow(book: _Book, figures) -> None:
    rows = figures.disbursement
    ws = book.sheet("Escrow disbursement", [("payee", 48), ("amount", 16), ("basis", 52), ("section", 22)])
    for r, d in enumerate(rows, start=1):
        ws.write_string(r, 0, d.payee)
        book.cell(ws, r, 1, d.amount, "money")
        ws.write_string(r, 2, d.basis)
        ws.write_string(r, 3, d.section)
    n = len(rows)
    t = n + 1
    paid = sum((d.amount for d in rows), Decimal("0.00"))
    held = figures.deal.escrow.escrowed_payment.value
    ws.write_string(t, 0, "total paid out", book.bold)
    book.formula(ws, t, 1, f"=SUM(B2:B{n + 1})", "money", paid, total=True)
    book.wb.define_name("Escrow_PaidOut", f"='Escrow disbursement'!$B${t + 1}")
    ws.write_string(t + 2, 0, "Escrowed Payment (FEA §1.1(d))", book.bold)
    book.formula(ws, t + 2, 1, "=EscrowedPayment", "money", held)
    ws.write_string(t + 3, 0, "left in escrow: held − paid (must be 0)", book.bold)
    book.formula(ws, t + 3, 1, f"=B{t + 3}-B{t + 1}", "money", held - paid)
    ws.write_string(t + 4, 0, "conserved", book.bold)
    book.formula(ws, t + 4, 1, f'=IF(ABS(B{t + 4})<0.005,"yes","NO")', "text", "yes" if held == paid else "NO")
    book.wb.define_name("Escrow_Conserved", f"='Escrow disbursement'!$B${t + 5}")


def _option(book: _Book, figures) -> None:
    g = figures.scenarios
    ws = book.sheet("Option scenarios", [("FMV", 11), ("outstanding", 16), ("holder owns", 14), ("§10 reading", 14),
                                         ("exercisable now (Y)", 15), ("cash: aggregate Exercise Price", 16),
                                         ("cashless available (§2.2(b))", 12), ("cashless: shares issued (X)", 16),
                                         ("cash in lieu (§2.1)", 13), ("value to holder at FMV", 16),
                                         ("dilution", 10)])
    r = 1
    for i in range(len(g.fmv)):
        for j in range(len(g.outstanding)):
            for k in range(len(g.holdings)):
                for q in range(len(g.readings)):
                    p = g.point(i, j, k, q)
                    book.cell(ws, r, 0, p["fmv"], "price")
                    book.cell(ws, r, 1, p["outstanding"], "shares")
                    book.cell(ws, r, 2, p["holdings"], "shares")
                    ws.write_string(r, 3, p["reading"])
                    book.cell(ws, r, 4, p["exercisable"], "shares")
                    book.formula(ws, r, 5, f"=ROUND(E{r + 1}*ExercisePrice,2)", "money", figures.cash_exercise[(j, q)])
                    ws.write_string(r, 6, "yes" if p["available"] else "no (FMV ≤ Exercise Price)")
                    book.cell(ws, r, 7, p["shares_issued"], "shares")
                    book.cell(ws, r, 8, p["cash_in_lieu"], "money")
                    book.cell(ws, r, 9, p["value"], "money")
                    ws.write_number(r, 10, p["dilution"], book.fmt["pct4"])
                    r += 1
    ws.autofilter(0, 0, r - 1, 10)


def _obligations(book: _Book, figures) -> None:
    from dealkit.obligations import calendar_frame

    frame = calendar_frame(figures.deal, figures.triggered)
    widths = {"duty": 60, "deadline rule": 30, "section": 30, "obligor": 28, "obligee": 28, "trigger": 30,
              "event note": 30}
    cols = list(frame.columns)
    ws = book.sheet("Obligations", [(c, widths.get(c, 14)) for c in cols])
    for r, rec in enumerate(frame.itertuples(index=False), start=1):
        for c, v in enumerate(rec):
            if v is None or (isinstance(v, float) and v != v):
                continue
            book.cell(ws, r, c, v, "date" if isinstance(v, dt.date) else "text")
    n = len(frame)
    ws.autofilter(0, 0, max(n, 1), len(cols) - 1)
    s = cols.index("status")
    base = n + 2
    ws.write_string(base, 0, f"as of {figures.inputs.as_of.isoformat()}: obligations by status", book.bold)
    statuses = sorted({t.status for t in figures.triggered})
    for k, status in enumerate(statuses, start=1):
        ws.write_string(base + k, 0, status)
        count = sum(t.status == status for t in figures.triggered)
        book.formula(ws, base + k, 1, f'=COUNTIF({_col(s)}2:{_col(s)}{max(n + 1, 2)},"{status}")', "int", count)


def _captable(book: _Book, figures) -> None:
    t = figures.captable
    ws = book.sheet("Cap table", [("security", 44), ("holder", 28), ("common before", 16), ("added", 16),
                                  ("after (fully diluted)", 18), ("Series D equivalent", 14), ("% before", 11),
                                  ("% after", 11), ("basis", 70)])
    n = len(t.rows)
    tot = n + 1  # zero-based row of the totals
    for r, row in enumerate(t.rows, start=1):
        ws.write_string(r, 0, row.security)
        ws.write_string(r, 1, row.holder)
        book.cell(ws, r, 2, row.before, "shares")
        x = r + 1
        if row.added is None:
            for c in (3, 4, 5, 7):
                ws.write_string(r, c, "unspecified")
        else:
            book.cell(ws, r, 3, row.added, "shares")
            book.formula(ws, r, 4, f"=C{x}+D{x}", "shares", row.after)
            if t.series_d_route and row.kind != "common":
                book.formula(ws, r, 5, f"=INT(D{x}/SeriesDRatio)", "shares", row.series_d)
            else:
                ws.write_string(r, 5, "—")
            book.formula(ws, r, 7, f"=E{x}/E${tot + 1}", "pct4", t.ownership_after(row))
        book.formula(ws, r, 6, f"=C{x}/C${tot + 1}", "pct4", t.ownership_before(row))
        ws.write_string(r, 8, row.basis)
    ws.write_string(tot, 0, "total (unspecified rows excluded)", book.bold)
    book.formula(ws, tot, 2, f"=SUM(C2:C{n + 1})", "shares", t.total_before, total=True)
    book.formula(ws, tot, 3, f"=SUM(D2:D{n + 1})", "shares", t.total_after - t.total_before, total=True)
    book.formula(ws, tot, 4, f"=SUM(E2:E{n + 1})", "shares", t.total_after, total=True)
    book.formula(ws, tot, 6, f"=SUM(G2:G{n + 1})", "pct4", 1, total=True)
    book.formula(ws, tot, 7, f"=SUM(H2:H{n + 1})", "pct4", 1, total=True)
    book.wb.define_name("CapTable_TotalAfter", f"='Cap table'!$E${tot + 1}")
    note = ("Fully diluted: the Option exercised and every convertible note converted in full at the Fixed "
            f"Conversion Price (assumed); the {_pct(figures.deal.option.max_exercise_cap.value)} caps (Option §10, "
            "the notes' conversion cap) limit holdings at one time, not the total. "
            + ("Series D route: authorized common below the threshold, so common due to Laurus comes as Series D "
               "preferred (÷ ratio)." if t.series_d_route else "Series D route does not apply."))
    ws.write_string(tot + 2, 0, note)


def workbook_bytes(figures, cache_values: bool = True) -> bytes:
    """The workbook, in memory (nothing is written to disk here).

    Parameters
    ----------
    figures
        :class:`dealkit.export.bundle.Figures`.
    cache_values
        Store dealkit's value as each formula's cached result (default). ``False`` leaves the
        cached results at 0, so only a recalculation shows the figures (the tests use it to
        prove LibreOffice computed them).
    """
    book = _Book(cache_values)
    _assumptions(book, figures)
    s = figures.schedules
    _schedule(book, "Term A", "TermA", s["term_a"], "FaceTermA")
    _schedule(book, "Term B", "TermB", s["term_b"], "FaceTermB")
    _schedule(book, "Revolver", "Revolver", s["revolver"], "FaceRevolving")
    _escrow(book, figures)
    _option(book, figures)
    _obligations(book, figures)
    _captable(book, figures)
    return book.close()
