"""The notes' tables: schedules, flows, the terms in force, the back-solve of a demand and the
reconciliation with it, as pandas frames with exact values (``Decimal`` money, ``int`` shares), and
the schedules' CSV files. The figures come from :mod:`dealkit.rules.notes`; the formatting layer
(:mod:`dealkit.fmt`) shows them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dealkit.rules.notes.default import BackSolveRow, DefaultScenario, back_solve_rows
from dealkit.rules.notes.reconcile import ReconciliationRow, reconcile_rows
from dealkit.rules.notes.schedule import PeriodRow, RevolverRow, Schedule
from dealkit.rules.notes.terms import BACK_SOLVE_ROUNDING, ZERO, NoteAssumptions, multiple_label

if TYPE_CHECKING:  # pandas is imported where a frame is made: importing dealkit.notes stays light
    import pandas as pd

__all__ = [
    "TERM_COLUMNS",
    "REVOLVER_COLUMNS",
    "SCHEDULE_TOTALS",
    "schedule_frame",
    "schedule_display",
    "write_csv",
    "flows_frame",
    "assumptions_frame",
    "back_solve_frame",
    "back_solve_demand",
    "reconciliation_frame",
    "reconcile_demand",
    "reconciliation_summary",
]

#: A term note's columns, in the order of the CSV files.
TERM_COLUMNS = (
    "date",
    "opening",
    "rates",
    "days",
    "interest",
    "principal_due",
    "principal_cash",
    "principal_stock",
    "premium",
    "shares",
    "series_d",
    "limited_by",
    "closing",
)
_REVOLVER_ONLY = ("draw", "repaid", "borrowing_base", "overadvance")
#: The revolver's columns, in the order of the CSV files: a term note's, with the revolver's own
#: after the opening balance and its overadvance interest after the interest.
REVOLVER_COLUMNS = TERM_COLUMNS[:2] + _REVOLVER_ONLY + TERM_COLUMNS[2:5] + ("overadvance_interest",) + TERM_COLUMNS[5:]
_OPTIONAL_CONVERSION = ("opt_principal", "opt_shares", "opt_series_d")
#: The columns a page shows (the CSV has them all): the revolver's without the due and the
#: overadvance interest, which the interest and the cash principal already carry.
_SHOWN = [c for c in REVOLVER_COLUMNS if c not in ("principal_due", "overadvance_interest")]
#: The columns a reader adds up: a schedule's totals row (:data:`dealkit.present.display.table`'s ``totals``).
SCHEDULE_TOTALS = ("draw", "repaid", "interest", "principal_cash", "principal_stock", "premium", "shares", "series_d")


def _columns(rows: Sequence[PeriodRow]) -> tuple[str, ...]:
    """A schedule's columns: the revolver's or a term note's, and the holder's optional conversion
    when a row has one."""
    columns: tuple[str, ...] = REVOLVER_COLUMNS if isinstance(rows[0], RevolverRow) else TERM_COLUMNS
    if any(row.opt_principal or row.opt_shares for row in rows):
        columns += _OPTIONAL_CONVERSION
    return columns


def schedule_frame(schedule: Schedule) -> pd.DataFrame:
    """Every row of ``schedule`` as a frame, exact (the CSV files' content; empty without rows).

    Examples
    --------
    >>> from dealkit.loader import load_deal
    >>> from dealkit.rules.notes import Market, assumptions_from_deal, build_schedules
    >>> deal = load_deal()
    >>> market = Market.for_deal(deal, Decimal("0.06"), 5_000_000)
    >>> schedules = build_schedules(deal, assumptions_from_deal(deal), market)
    >>> list(schedule_frame(schedules["term_b"]).columns)[:5]
    ['date', 'opening', 'rates', 'days', 'interest']
    """
    import pandas as pd

    if not schedule.rows:
        return pd.DataFrame([])
    columns = _columns(schedule.rows)
    return pd.DataFrame([{column: row[column] for column in columns} for row in schedule.rows])


def schedule_display(schedule: Schedule) -> pd.DataFrame:
    """The schedule's frame with the columns that apply, exact values (Decimal money, int shares):
    the formatting layer (:mod:`dealkit.fmt`) shows them as money and thousands; add up
    :data:`SCHEDULE_TOTALS` for a totals row."""
    import pandas as pd

    frame = schedule_frame(schedule)
    if frame.empty:  # e.g. a default before the first payment date: no period has ended
        return pd.DataFrame(columns=[c for c in _SHOWN if schedule.movements or c not in _REVOLVER_ONLY])
    return frame[[c for c in _SHOWN if c in frame.columns]].copy()


def write_csv(schedules: Mapping[str, Schedule], out_dir: str | Path) -> list[Path]:
    """Each schedule as ``notes-NAME.csv`` in ``out_dir`` (exact decimals), written atomically."""
    from dealkit.core.files import write_atomic

    paths = []
    for name, schedule in schedules.items():
        path = Path(out_dir) / f"notes-{name.replace('_', '-')}.csv"
        write_atomic(path, schedule_frame(schedule).to_csv(index=False))
        paths.append(path)
    return paths


def flows_frame(flows: Sequence[Any]) -> pd.DataFrame:
    """Dated flows (:class:`~dealkit.core.cashflows.CashFlow` or triples) as a frame: date, amount, what."""
    import pandas as pd

    return pd.DataFrame([{"date": day, "amount": amount, "what": what} for day, amount, what in flows])


_ASSUMPTION_FIELDS = {  # NoteAssumptions field -> note_terms key
    "margin": "prime_margin",
    "floor": "rate_floor",
    "monthly_amount": "term_a_monthly_amount",
    "first_amortization": "term_a_first_amortization",
    "fixed_conversion_price": "fixed_conversion_price",
    "amortization_share_test": "amortization_share_test",
    "amortization_volume_cap": "amortization_volume_cap",
    "cash_premium": "cash_payment_premium",
    "maturity_conversion_test": "maturity_conversion_test",
    "maturity_volume_cap": "maturity_volume_cap",
    "conversion_cap": "conversion_cap",
    "default_multiple": "default_payment_multiple",
    "default_interest_monthly": "default_interest_monthly",
    "overadvance_monthly": "overadvance_monthly",
    "advance_rate_receivables": "advance_rate_receivables",
    "advance_rate_inventory": "advance_rate_inventory",
}
_MONEY_TERMS = ("monthly_amount", "fixed_conversion_price")
#: note_terms used as the deal file gives them: the revolver's borrowing base at closing.
_DEAL_ONLY_TERMS = ("borrowing_base_receivables", "borrowing_base_inventory")


def _term_text(name: str, value: Any) -> str:
    """One note term as a reader reads it: money in $, a date in the one date format, every
    rate, test, cap, premium and multiple as a percent (``1.10`` → ``110.00%``)."""
    from dealkit.present import fmt

    if isinstance(value, dt.date):
        return fmt.date(value)
    if name in _MONEY_TERMS:
        return fmt.money(value)
    return fmt.pct(Decimal(str(value)), None)


def assumptions_frame(deal: Any, a: NoteAssumptions, overrides: Mapping[str, object] = ()) -> pd.DataFrame:  # type: ignore[assignment]
    """Every note term in force: its value in this run, whether a parameter changed it, the deal
    file's value and range, and its source (an assumption's reason, or the public record)."""
    import pandas as pd

    from dealkit.present import fmt

    rows = []
    for name, key in _ASSUMPTION_FIELDS.items():
        cited = getattr(deal.note_terms, key)
        seen = f"{_term_text(name, cited.range[0])} – {_term_text(name, cited.range[1])}" if cited.range else ""
        rows.append(
            {
                "term": fmt.header(name),
                "in this run": _term_text(name, getattr(a, name)),
                "set by": "parameter" if name in overrides else "deal file",
                "deal file": _term_text(name, cited.value),
                "range seen": seen,
                "source": deal.cite(cited.source),
            }
        )
    for key in _DEAL_ONLY_TERMS:  # amounts used as the deal file gives them (no parameter changes them)
        cited = getattr(deal.note_terms, key)
        rows.append(
            {
                "term": fmt.header(key),
                "in this run": fmt.money(cited.value),
                "set by": "deal file",
                "deal file": fmt.money(cited.value),
                "range seen": f"{fmt.money(cited.range[0])} – {fmt.money(cited.range[1])}" if cited.range else "",
                "source": deal.cite(cited.source),
            }
        )
    return pd.DataFrame(rows)


def back_solve_frame(rows: Sequence[BackSolveRow], a: NoteAssumptions) -> pd.DataFrame:
    """:func:`~dealkit.rules.notes.default.back_solve_rows` as a table, one row per combination."""
    import pandas as pd

    return pd.DataFrame(
        [
            {
                "months of interest unpaid": row.months_unpaid,
                "interest from": row.interest_from,
                "default interest from": row.default_from or "none",
                "fees (% of principal)": f"{row.fee_rate * 100:.1f}%",
                "principal": row.principal,
                multiple_label(a.default_multiple): row.multiple_part,
                "interest": row.interest,
                "fees": row.fees,
                "total (rounding ±1¢ a part)": row.total,
                "consistent": row.consistent,
            }
            for row in rows
        ]
    )


def back_solve_demand(
    demand: Decimal,
    due: dt.date,
    a: NoteAssumptions,
    *,
    months_unpaid: Sequence[int] = (0, 1, 2, 3),
    default_dates: Sequence[dt.date | None] = (None,),
    fee_rates: Sequence[Decimal] = (ZERO,),
    prime: Any = None,
    max_principal: Decimal | None = None,
    principal_rounding: str = BACK_SOLVE_ROUNDING,
    months_from: dt.date | None = None,
) -> pd.DataFrame:
    """Which outstanding principal balances are consistent with a demand, as a table
    (:func:`~dealkit.rules.notes.default.back_solve_rows`):

    .. math:: P = \\mathrm{round}\\Big(\\frac{demand}{1.30 + i + f}\\Big)

    The answer is the range, not one number.

    Examples
    --------
    >>> from dealkit.loader import load_deal
    >>> from dealkit.rules.notes import assumptions_from_deal
    >>> table = back_solve_demand(Decimal("13580810"), dt.date(2008, 2, 1), assumptions_from_deal(load_deal()),
    ...                           months_unpaid=(0,))
    >>> table.loc[0, "principal"]
    Decimal('10446776.92')
    """
    return back_solve_frame(
        back_solve_rows(
            demand,
            due,
            a,
            months_unpaid=months_unpaid,
            default_dates=default_dates,
            fee_rates=fee_rates,
            prime=prime,
            max_principal=max_principal,
            principal_rounding=principal_rounding,
            months_from=months_from,
        ),
        a,
    )


def _reconciliation_record(row: ReconciliationRow, a: NoteAssumptions, first: bool) -> dict[str, Any]:
    """One row of the reconciliation table (the scenario's row has no back-solved principal)."""
    record = {
        "principal": row.label,
        "months of interest unpaid": "since the last payment" if row.months_unpaid is None else row.months_unpaid,
        "default interest from": row.default_from if first else (row.default_from or "none"),
        "principal at default": row.principal,
        multiple_label(a.default_multiple): row.multiple_part,
        "contract interest": row.contract_interest,
        "default interest": row.default_interest,
        "fees": row.fees,
        "payment": row.payment,
        "difference (demand − payment)": row.difference,
        "reproduces": row.reproduces,
    }
    if not first:
        record |= {"principal that reproduces it": row.needed, "principal gap": row.gap}
    return record


def reconciliation_frame(rows: Sequence[ReconciliationRow], a: NoteAssumptions) -> pd.DataFrame:
    """:func:`~dealkit.rules.notes.reconcile.reconcile_rows` as a table, the scenario first."""
    import pandas as pd

    return pd.DataFrame([_reconciliation_record(row, a, index == 0) for index, row in enumerate(rows)])


def reconcile_demand(
    deal: Any,
    a: NoteAssumptions,
    scenario: DefaultScenario,
    schedules: Mapping[str, Schedule] | None = None,
    *,
    months_unpaid: Sequence[int] = (0, 1, 2, 3),
    default_from: Sequence[dt.date | None] | None = None,
    prime: Any = None,
    tolerance: Decimal = Decimal("1.00"),
) -> pd.DataFrame:
    """The default scenario's payment against the demand of record, term by term, as a table
    (:func:`~dealkit.rules.notes.reconcile.reconcile_rows`; issue 10, item 6):

    .. math:: DP = \\mathrm{round}(1.30\\,P) + \\mathrm{round}(I_c) + I_d
    """
    rows = reconcile_rows(
        deal,
        a,
        scenario,
        schedules,
        months_unpaid=months_unpaid,
        default_from=default_from,
        prime=prime,
        tolerance=tolerance,
    )
    return reconciliation_frame(rows, a)


def _signed(amount: Decimal) -> str:
    """``−$1,234.50`` / ``$1,234.50``."""
    return f"{'−' if amount < 0 else ''}${abs(amount):,.2f}"


def reconciliation_summary(table: pd.DataFrame, demand: Decimal) -> str:
    """One sentence (Markdown) on a :func:`reconcile_demand` table: how far this run's payment is
    from the demand, and which combinations reproduce it — or the closest and by how much."""
    first = table.iloc[0]
    hits = table.iloc[1:][table.iloc[1:]["reproduces"]]
    head = (
        f"Demand **${demand:,.2f}**; this run's Default Payment **${first['payment']:,.2f}** (difference "
        f"{_signed(first['difference (demand − payment)'])}). "
    )
    if len(hits):
        return head + f"**{len(hits)}** combination(s) reproduce the demand within $1 (marked below)."
    if len(table) < 2:
        return head + "No other combination was tried."
    best = table.iloc[1]
    return head + (
        f"No combination reproduces it within $1; the closest — {best['principal']}, "
        f"{best['months of interest unpaid']} month(s) of interest unpaid, default interest from "
        f"{best['default interest from']} — differs by **{_signed(best['difference (demand − payment)'])}** "
        f"and would need a principal of ${best['principal that reproduces it']:,.2f}."
    )
