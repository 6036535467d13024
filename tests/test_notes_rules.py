"""Issue 11, the notes as layers: dealkit.rules.notes is pure (no pandas, plotly or files), its
rows and flows are frozen dataclasses that still read as the dicts and triples they replaced,
dealkit.notes re-exports every name it had, the day count comes from the deal's term, and the
modules and functions stay small."""

from __future__ import annotations

import ast
import dataclasses
import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from conftest import ROOT, full_or
from hypothesis import given, settings
from hypothesis import strategies as st

from dealkit import load_deal
from dealkit import notes as facade
from dealkit.core.cashflows import CashFlow, xirr
from dealkit.core.daycount import interest_from_rate_days, year_days
from dealkit.errors import DealDataError
from dealkit.present import notes_tables
from dealkit.rules import notes as rules

D = Decimal
DEAL = load_deal()
A = rules.assumptions_from_deal(DEAL)
MARKET = rules.Market.for_deal(DEAL, D("0.06"), 5_000_000)
RULES_DIR = ROOT / "dealkit" / "rules" / "notes"
MINE = [
    *sorted(RULES_DIR.glob("*.py")),
    ROOT / "dealkit" / "present" / "notes_tables.py",
    ROOT / "dealkit" / "core" / "daycount.py",
    ROOT / "dealkit" / "core" / "cashflows.py",
    ROOT / "dealkit" / "notes.py",
]

#: Every public name dealkit.notes exported before the split (its ``__all__`` then).
OLD_ALL = [
    "NoteAssumptions",
    "assumptions_from_deal",
    "contract_rate",
    "interest_segments",
    "accrued_interest",
    "payment_dates",
    "Market",
    "Schedule",
    "term_a_schedule",
    "term_b_schedule",
    "revolver_schedule",
    "BorrowingBase",
    "optional_conversion",
    "Conversion",
    "default_payment",
    "apply_payment",
    "default_interest",
    "back_solve_demand",
    "lender_cash_flows",
    "xirr",
    "ZERO",
    "default_reports",
    "build_schedules",
    "DefaultScenario",
    "default_scenario",
    "borrower_cash_flows",
    "flows_frame",
    "assumptions_frame",
    "schedule_display",
    "SCHEDULE_TOTALS",
    "NotesRun",
    "run_from_parameters",
    "back_solve_of_record",
    "write_csv",
    "INTEREST_ROUNDING",
    "CREDIT_ROUNDING",
    "BACK_SOLVE_ROUNDING",
    "OPTION_HOLDERS",
    "default_option_holder",
    "option_value",
    "reconcile_demand",
    "business_day_convention",
    "principal_variants",
    "parse_option_holder",
    "reconciliation_summary",
]
#: Lower layers a rule module may import from (the integrator renames them; rules import only downward).
ALLOWED_IMPORTS = (
    "dealkit.errors",
    "dealkit.core",
    "dealkit.deal",
    "dealkit.params",
    "dealkit.rules",
    "__future__",
    "dataclasses",
    "datetime",
    "decimal",
    "collections.abc",
    "typing",
    "functools",
    "math",
    "fractions",
)
#: The one lazy, upward import: Schedule.frame(), kept for dealkit.bundle until it calls
#: dealkit.present.notes_tables.schedule_frame itself.
LAZY_COMPAT = {("schedule.py", "dealkit.present.notes_tables")}


def _imports(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from ((node, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            yield node, node.module or ""


@pytest.mark.parametrize("path", sorted(RULES_DIR.glob("*.py")), ids=lambda p: p.name)
def test_rules_are_pure(path):
    """No pandas, plotly, files or printing in the rules; imports only from the layers below."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node, module in _imports(tree):
        if (path.name, module) in LAZY_COMPAT:
            continue
        assert module.startswith(ALLOWED_IMPORTS), f"{path.name}:{node.lineno}: imports {module}"
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            assert node.func.id not in ("open", "print", "input"), f"{path.name}:{node.lineno}: {node.func.id}()"


def test_the_facade_keeps_every_old_name():
    assert set(OLD_ALL) <= set(facade.__all__)
    for name in OLD_ALL:
        assert getattr(facade, name) is not None, name
    assert facade.term_a_schedule is rules.term_a_schedule and facade.Schedule is rules.Schedule
    assert facade.back_solve_demand is notes_tables.back_solve_demand
    assert facade.SCHEDULE_TOTALS is notes_tables.SCHEDULE_TOTALS
    # the old private helpers dealkit.risk_engine and dealkit.market call
    for name in ("_cents", "_interest_row", "_stock_payment", "_trading_days_before", "CENT", "Decimal"):
        assert callable(getattr(facade, name)) or getattr(facade, name) is not None, name


def test_rows_are_frozen_and_read_as_the_dicts_they_replaced():
    schedules = rules.build_schedules(DEAL, A, MARKET)
    term, line = schedules["term_a"].rows[5], schedules["revolver"].rows[0]
    assert type(term) is rules.PeriodRow and type(line) is rules.RevolverRow
    with pytest.raises(dataclasses.FrozenInstanceError):
        term.interest = D(0)  # type: ignore[misc]
    assert term["interest"] == term.interest and term.get("repaid", D(0)) == 0 and "draw" not in term
    assert "draw" in line and line["draw"] == D("7000000.00") and line.get("repaid") == 0
    assert "opt_shares" not in term and term.get("opt_shares") is None
    with pytest.raises(KeyError):
        term["draw"]
    assert list(term.keys()) == list(notes_tables.TERM_COLUMNS)
    assert list(line.keys()) == sorted(notes_tables.REVOLVER_COLUMNS, key=list(line.keys()).index)


def test_rows_given_as_mappings_become_frozen_rows():
    """The path engine builds its schedules from dicts (with the holder's optional conversion)."""
    row = dict(schedules_row := rules.build_schedules(DEAL, A, MARKET)["term_b"].rows[0])
    assert row == {key: schedules_row[key] for key in notes_tables.TERM_COLUMNS}
    made = rules.Schedule(
        "Term B", D("3000000.00"), ({**row, "opt_principal": D("5.00"), "opt_shares": 100, "opt_series_d": 0},), A
    )
    assert isinstance(made.rows[0], rules.PeriodRow) and made.rows[0]["opt_shares"] == 100
    assert list(notes_tables.schedule_frame(made).columns)[-3:] == ["opt_principal", "opt_shares", "opt_series_d"]
    with pytest.raises(DealDataError, match="unexpected keyword"):
        rules.Schedule("Term B", D("3000000.00"), ({**row, "bogus": 1},), A)


def test_frames_keep_the_csv_columns():
    schedules = rules.build_schedules(DEAL, A, MARKET)
    assert tuple(notes_tables.schedule_frame(schedules["term_a"]).columns) == notes_tables.TERM_COLUMNS
    assert tuple(notes_tables.schedule_frame(schedules["revolver"]).columns) == notes_tables.REVOLVER_COLUMNS
    assert schedules["term_a"].frame().equals(notes_tables.schedule_frame(schedules["term_a"]))


def test_cash_flows_are_frozen_triples():
    flow = CashFlow(dt.date(2005, 9, 7), D("-1.00"), "lent")
    day, amount, what = flow
    assert flow == (day, amount, what) and flow[1] == amount and hash(flow) == hash((day, amount, what))
    with pytest.raises(dataclasses.FrozenInstanceError):
        flow.amount = D(0)  # type: ignore[misc]
    run = facade.run_from_parameters(DEAL, stock_price="0.06", daily_volume="5000000")
    assert all(isinstance(f, CashFlow) for f in run.flows)
    assert xirr(run.flows) == xirr([tuple(f) for f in run.flows])


def test_the_day_count_is_the_deal_term():
    assert A.day_count == DEAL.note_terms.day_count.value == "ACT/360" and year_days(A.day_count) == 360
    with pytest.raises(DealDataError, match=r"note_terms.day_count: one of ACT/360, ACT/365 \(got 'ACT/ACT'\)"):
        year_days("ACT/ACT")
    start, end, principal = dt.date(2006, 1, 3), dt.date(2006, 2, 1), D("1000000.00")
    segments = rules.interest_segments(principal, start, end, A.margin, A.floor)
    assert len(segments) == 2  # the prime changed on 31 January 2006
    for day_count, year in (("ACT/360", 360), ("ACT/365", 365)):
        got = rules.accrued_interest(principal, start, end, A.margin, A.floor, day_count=day_count)
        exact = sum(Fraction(principal) * Fraction(s.rate) * s.days for s in segments) * 100 / year
        assert got == D((exact.numerator * 2 + exact.denominator) // (2 * exact.denominator)) / 100  # half-up
    assert rules.accrued_interest(principal, start, end, A.margin, A.floor) == rules.accrued_interest(
        principal, start, end, A.margin, A.floor, day_count="ACT/360"
    )


@settings(max_examples=full_or(100, 2000), deadline=None)
@given(cents=st.integers(0, 10**12), rate=st.decimals(D("0"), D("0.5"), places=4), days=st.integers(0, 400))
def test_property_one_division_keeps_an_exact_half_cent(cents, rate, days):
    """interest_from_rate_days(P r d) rounded half-up equals the Fraction twin rounded half-up."""
    principal = D(cents) / 100
    got = interest_from_rate_days(principal * rate * days, "ACT/360").quantize(D("0.01"), rounding=ROUND_HALF_UP)
    exact = Fraction(principal) * Fraction(rate) * days / 360 * 100
    twin = (exact.numerator * 2 + exact.denominator) // (2 * exact.denominator)  # half-up, non-negative
    assert got == D(twin) / 100


@pytest.mark.parametrize("path", MINE, ids=lambda p: p.name)
def test_modules_and_functions_stay_small(path):
    text = path.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 400, path.name
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            assert node.end_lineno - node.lineno + 1 <= 50, f"{path.name}: {node.name}"


def test_importing_the_notes_loads_no_pandas_or_plotly():
    """The rules and the facade import neither; the tables import pandas when a frame is made."""
    import subprocess
    import sys

    code = (
        "import sys, dealkit.notes, dealkit.rules.notes; "
        "print(sorted(m for m in ('pandas', 'plotly') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert done.stdout.strip() == "[]", done.stdout + done.stderr
