"""The workbook's sheets past the Assumptions: each schedule with its live closing balances, totals
and conservation check, the escrow disbursement, the Option's scenarios, the obligations and the
capitalization table (written by :func:`dealkit.export.xlsx.workbook_bytes`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from dealkit.export.ocf_common import percent_text

if TYPE_CHECKING:
    from xlsxwriter.worksheet import Worksheet

    from dealkit.export.bundle import Figures
    from dealkit.export.xlsx import Book

__all__ = ["schedule_sheet", "escrow_sheet", "option_sheet", "obligations_sheet", "captable_sheet", "column_name"]

_SCHEDULE_COLS = [  # key, title, format, width
    ("date", "payment date", "date", 12),
    ("opening", "opening", "money", 15),
    ("draw", "draw", "money", 14),
    ("repaid", "repaid", "money", 14),
    ("borrowing_base", "borrowing base", "money", 15),
    ("overadvance", "overadvance", "money", 14),
    ("rates", "contract rate(s)", "text", 16),
    ("days", "days", "int", 6),
    ("interest", "interest", "money", 14),
    ("principal_cash", "principal in cash", "money", 15),
    ("principal_stock", "principal in stock", "money", 15),
    ("premium", "cash premium", "money", 13),
    ("shares", "shares issued", "shares", 15),
    ("series_d", "Series D issued", "shares", 12),
    ("limited_by", "limited by", "text", 12),
    ("closing", "closing", "money", 15),
]
_SUMMED = ("draw", "repaid", "interest", "principal_cash", "principal_stock", "premium", "shares", "series_d")


def column_name(index: int) -> str:
    """The spreadsheet column of a zero-based index: ``0`` → ``A``, ``26`` → ``AA``.

    Examples
    --------
    >>> column_name(0), column_name(26)
    ('A', 'AA')
    """
    from xlsxwriter.utility import xl_col_to_name

    name: str = xl_col_to_name(index)
    return name


def _schedule_rows(
    book: Book,
    worksheet: Worksheet,
    rows: list[dict[str, Any]],
    cols: list[tuple[str, str, str, int]],
    index: dict[str, int],
) -> None:
    """The data rows; each closing balance a live formula: opening + draw − principal in cash − in stock."""
    for r, row in enumerate(rows, start=1):
        for c, (key, _, fmt, _) in enumerate(cols):
            if key != "closing":
                book.cell(worksheet, r, c, row[key], fmt)
                continue
            refs = {name: f"{column_name(index[name])}{r + 1}" for name in index}
            text = (
                f"={refs['opening']}"
                + (f"+{refs['draw']}" if "draw" in index else "")
                + f"-{refs['principal_cash']}-{refs['principal_stock']}"
            )
            book.formula(worksheet, r, c, text, fmt, row[key])


def _schedule_totals(
    book: Book,
    worksheet: Worksheet,
    name: str,
    prefix: str,
    rows: list[dict[str, Any]],
    cols: list[tuple[str, str, str, int]],
    index: dict[str, int],
) -> None:
    """The totals row: a ``SUM`` of each summed column, each a named range ``{prefix}_Total_{key}``."""
    first, last = 2, len(rows) + 1  # spreadsheet rows of the data
    total_row = len(rows) + 1
    worksheet.write_string(total_row, 0, "total", book.bold)
    formats = {key: fmt for key, _, fmt, _ in cols}
    for key in _SUMMED:
        if key not in index:
            continue
        c = index[key]
        total = sum((row[key] for row in rows), 0)
        book.formula(
            worksheet,
            total_row,
            c,
            f"=SUM({column_name(c)}{first}:{column_name(c)}{max(first, last)})",
            formats[key],
            total,
            total=True,
        )
        book.wb.define_name(f"{prefix}_Total_{key}", f"='{name}'!${column_name(c)}${total_row + 1}")


def _schedule_conservation(
    book: Book, worksheet: Worksheet, name: str, prefix: str, schedule: Any, index: dict[str, int], face_name: str
) -> None:
    """The check *principal repaid (cash + stock) + outstanding = face (or drawn)*, live."""
    rows = schedule.rows
    total_row = len(rows) + 1
    cash = f"{column_name(index['principal_cash'])}{total_row + 1}"
    stock = f"{column_name(index['principal_stock'])}{total_row + 1}"
    closing = f"{column_name(index['closing'])}{len(rows) + 1}" if rows else face_name
    base = total_row + 2
    labels = [
        ("face (deal file)" if "draw" not in index else "drawn on the line", "money"),
        ("principal repaid (cash + stock)", "money"),
        ("outstanding", "money"),
        ("repaid + outstanding", "money"),
        ("difference (must be 0)", "money"),
        ("conserved", "text"),
    ]
    repaid = schedule.principal_cash + schedule.principal_stock
    formulas = [
        f"={column_name(index['draw'])}{total_row + 1}" if "draw" in index else f"={face_name}",
        f"={cash}+{stock}",
        f"={closing}",
        f"=B{base + 2}+B{base + 3}",
        f"=B{base + 4}-B{base + 1}",
        f'=IF(ABS(B{base + 5})<0.005,"yes","NO")',
    ]
    values = [
        schedule.drawn,
        repaid,
        schedule.outstanding,
        repaid + schedule.outstanding,
        repaid + schedule.outstanding - schedule.drawn,
        "yes" if schedule.conserved() else "NO",
    ]
    for k, ((label, fmt), text, value) in enumerate(zip(labels, formulas, values, strict=True)):
        worksheet.write_string(base + k, 0, label, book.bold)
        book.formula(worksheet, base + k, 1, text, fmt, value)
    book.wb.define_name(f"{prefix}_Outstanding", f"='{name}'!$B${base + 3}")
    book.wb.define_name(f"{prefix}_Conserved", f"='{name}'!$B${base + 6}")


def schedule_sheet(book: Book, name: str, prefix: str, schedule: Any, face_name: str) -> None:
    """A note's schedule (:class:`dealkit.notes.Schedule`): rows, totals, conservation check."""
    rows = schedule.rows
    cols = [col for col in _SCHEDULE_COLS if not rows or col[0] in rows[0]]
    worksheet = book.sheet(name, [(title, width) for _, title, _, width in cols])
    index = {key: i for i, (key, _, _, _) in enumerate(cols)}
    _schedule_rows(book, worksheet, rows, cols, index)
    _schedule_totals(book, worksheet, name, prefix, rows, cols, index)
    _schedule_conservation(book, worksheet, name, prefix, schedule, index, face_name)
    worksheet.set_column(0, 0, 30 if len(cols) else 12)


def escrow_sheet(book: Book, figures: Figures) -> None:
    """The disbursement (FEA §3.1(a)), its total and the check that it pays out what the escrow
    holds (FEA §1.1(d)): :math:`held - \\sum paid = 0`."""
    rows = figures.disbursement
    worksheet = book.sheet("Escrow disbursement", [("payee", 48), ("amount", 16), ("basis", 52), ("section", 22)])
    for r, line in enumerate(rows, start=1):
        worksheet.write_string(r, 0, line.payee)
        book.cell(worksheet, r, 1, line.amount, "money")
        worksheet.write_string(r, 2, line.basis)
        worksheet.write_string(r, 3, line.section)
    count = len(rows)
    total_row = count + 1
    paid = sum((line.amount for line in rows), Decimal("0.00"))
    held = figures.deal.escrow.escrowed_payment.value
    worksheet.write_string(total_row, 0, "total paid out", book.bold)
    book.formula(worksheet, total_row, 1, f"=SUM(B2:B{count + 1})", "money", paid, total=True)
    book.wb.define_name("Escrow_PaidOut", f"='Escrow disbursement'!$B${total_row + 1}")
    worksheet.write_string(total_row + 2, 0, "Escrowed Payment (FEA §1.1(d))", book.bold)
    book.formula(worksheet, total_row + 2, 1, "=EscrowedPayment", "money", held)
    worksheet.write_string(total_row + 3, 0, "left in escrow: held − paid (must be 0)", book.bold)
    book.formula(worksheet, total_row + 3, 1, f"=B{total_row + 3}-B{total_row + 1}", "money", held - paid)
    worksheet.write_string(total_row + 4, 0, "conserved", book.bold)
    book.formula(
        worksheet,
        total_row + 4,
        1,
        f'=IF(ABS(B{total_row + 4})<0.005,"yes","NO")',
        "text",
        "yes" if held == paid else "NO",
    )
    book.wb.define_name("Escrow_Conserved", f"='Escrow disbursement'!$B${total_row + 5}")


def _option_row(book: Book, worksheet: Worksheet, row: int, point: dict[str, Any], cash: Any) -> None:
    book.cell(worksheet, row, 0, point["fmv"], "price")
    book.cell(worksheet, row, 1, point["outstanding"], "shares")
    book.cell(worksheet, row, 2, point["holdings"], "shares")
    worksheet.write_string(row, 3, point["reading"])
    book.cell(worksheet, row, 4, point["exercisable"], "shares")
    book.formula(worksheet, row, 5, f"=ROUND(E{row + 1}*ExercisePrice,2)", "money", cash)
    worksheet.write_string(row, 6, "yes" if point["available"] else "no (FMV ≤ Exercise Price)")
    book.cell(worksheet, row, 7, point["shares_issued"], "shares")
    book.cell(worksheet, row, 8, point["cash_in_lieu"], "money")
    book.cell(worksheet, row, 9, point["value"], "money")
    worksheet.write_number(row, 10, point["dilution"], book.fmt["pct4"])


def option_sheet(book: Book, figures: Figures) -> None:
    """Every Option scenario; the aggregate Exercise Price live, ``ROUND(Y × Exercise Price, 2)``
    (Option §2.2(a)(i))."""
    grid = figures.scenarios
    worksheet = book.sheet(
        "Option scenarios",
        [
            ("FMV", 11),
            ("outstanding", 16),
            ("holder owns", 14),
            ("§10 reading", 14),
            ("exercisable now (Y)", 15),
            ("cash: aggregate Exercise Price", 16),
            ("cashless available (§2.2(b))", 12),
            ("cashless: shares issued (X)", 16),
            ("cash in lieu (§2.1)", 13),
            ("value to holder at FMV", 16),
            ("dilution", 10),
        ],
    )
    row = 1
    for i in range(len(grid.fmv)):
        for j in range(len(grid.outstanding)):
            for k in range(len(grid.holdings)):
                for q in range(len(grid.readings)):
                    _option_row(book, worksheet, row, grid.point(i, j, k, q), figures.cash_exercise[(j, q)])
                    row += 1
    worksheet.autofilter(0, 0, row - 1, 10)


def obligations_sheet(book: Book, figures: Figures) -> None:
    """The triggered obligations' calendar and a live count by status (``COUNTIF``)."""
    from dealkit.present.obligations_tables import calendar_frame

    frame = calendar_frame(figures.deal, figures.triggered)
    widths = {
        "duty": 60,
        "deadline rule": 30,
        "section": 30,
        "obligor": 28,
        "obligee": 28,
        "trigger": 30,
        "event note": 30,
    }
    cols = list(frame.columns)
    worksheet = book.sheet("Obligations", [(col, widths.get(col, 14)) for col in cols])
    for r, record in enumerate(frame.itertuples(index=False), start=1):
        for c, value in enumerate(record):
            if value is None or (isinstance(value, float) and value != value):
                continue
            book.cell(worksheet, r, c, value, "date" if isinstance(value, dt.date) else "text")
    count = len(frame)
    worksheet.autofilter(0, 0, max(count, 1), len(cols) - 1)
    status_col = column_name(cols.index("status"))
    base = count + 2
    worksheet.write_string(base, 0, f"as of {figures.inputs.as_of.isoformat()}: obligations by status", book.bold)
    statuses = sorted({item.status for item in figures.triggered})
    for k, status in enumerate(statuses, start=1):
        worksheet.write_string(base + k, 0, status)
        found = sum(item.status == status for item in figures.triggered)
        book.formula(
            worksheet, base + k, 1, f'=COUNTIF({status_col}2:{status_col}{max(count + 1, 2)},"{status}")', "int", found
        )


def _captable_row(book: Book, worksheet: Worksheet, r: int, row: Any, table: Any, totals_at: int) -> None:
    """One security: counts, after = before + added, Series D = INT(added ÷ ratio), ownership."""
    worksheet.write_string(r, 0, row.security)
    worksheet.write_string(r, 1, row.holder)
    book.cell(worksheet, r, 2, row.before, "shares")
    excel_row = r + 1
    if row.added is None:
        for c in (3, 4, 5, 7):
            worksheet.write_string(r, c, "unspecified")
    else:
        book.cell(worksheet, r, 3, row.added, "shares")
        book.formula(worksheet, r, 4, f"=C{excel_row}+D{excel_row}", "shares", row.after)
        if table.series_d_route and row.kind != "common":
            book.formula(worksheet, r, 5, f"=INT(D{excel_row}/SeriesDRatio)", "shares", row.series_d)
        else:
            worksheet.write_string(r, 5, "—")
        book.formula(worksheet, r, 7, f"=E{excel_row}/E${totals_at + 1}", "pct4", table.ownership_after(row))
    book.formula(worksheet, r, 6, f"=C{excel_row}/C${totals_at + 1}", "pct4", table.ownership_before(row))
    worksheet.write_string(r, 8, row.basis)


def captable_sheet(book: Book, figures: Figures) -> None:
    """The fully diluted capitalization table with live after-counts, totals and ownership."""
    table = figures.captable
    worksheet = book.sheet(
        "Cap table",
        [
            ("security", 44),
            ("holder", 28),
            ("common before", 16),
            ("added", 16),
            ("after (fully diluted)", 18),
            ("Series D equivalent", 14),
            ("% before", 11),
            ("% after", 11),
            ("basis", 70),
        ],
    )
    count = len(table.rows)
    totals_at = count + 1  # zero-based row of the totals
    for r, row in enumerate(table.rows, start=1):
        _captable_row(book, worksheet, r, row, table, totals_at)
    worksheet.write_string(totals_at, 0, "total (unspecified rows excluded)", book.bold)
    for col, letter, value, fmt in (
        (2, "C", table.total_before, "shares"),
        (3, "D", table.total_after - table.total_before, "shares"),
        (4, "E", table.total_after, "shares"),
        (6, "G", 1, "pct4"),
        (7, "H", 1, "pct4"),
    ):
        book.formula(worksheet, totals_at, col, f"=SUM({letter}2:{letter}{count + 1})", fmt, value, total=True)
    book.wb.define_name("CapTable_TotalAfter", f"='Cap table'!$E${totals_at + 1}")
    note = (
        "Fully diluted: the Option exercised and every convertible note converted in full at the Fixed "
        f"Conversion Price (assumed); the {percent_text(figures.deal.option.max_exercise_cap.value)} caps "
        "(Option §10, the notes' conversion cap) limit holdings at one time, not the total. "
        + (
            "Series D route: authorized common below the threshold, so common due to Laurus comes as Series D "
            "preferred (÷ ratio)."
            if table.series_d_route
            else "Series D route does not apply."
        )
    )
    worksheet.write_string(totals_at + 2, 0, note)
