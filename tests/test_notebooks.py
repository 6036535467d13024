"""Each notebook under papermill with edge parameters (the defaults run in the shared report
run): real kernels, real HTML. Bad parameters fail the notebook with a clear message."""

import json

import pytest
from conftest import run_cli

pytestmark = pytest.mark.slow

PERCENTS = json.dumps(
    [{"payee": "A", "percent": "33.3333"}, {"payee": "B", "percent": "33.3333"}, {"payee": "C", "percent": "33.3334"}]
)

EDGE_RUNS = [
    (
        "02_escrow",
        [
            "scenario=dispute_interpleader_court_order",
            "agent_fee=2500.00",
            f"instructions={PERCENTS}",
            "hold_days=0",
            "deposit_rate=0",
        ],
        "remitted_by_court_order",
    ),
    (
        "02_escrow",
        ["scenario=resignation_no_successor", "agent_expense_total=999999.99", "interactive=true"],
        "deposited_with_court",
    ),
    (
        "02_escrow",
        ["scenario=resignation_with_successor", "deposit_rate=5%", "hold_days=365"],
        "transferred_to_successor",
    ),
    ("03_option", ["fmv=0.00001", "method=cashless"], "not available: Option §2.2(b)"),
    ("03_option", ["fmv=0", "holdings=500000000", "reading=post_issuance"], "exercisable now: <strong>0</strong>"),
    (
        "03_option",
        ["outstanding=10000000000", "default_notice=2005-09-01", "interactive=true", "event_after=5000000000"],
        "void: Event of Default",
    ),
    (
        "01_notes",
        [
            "margin=3.25%",
            "floor=0.06",
            "conversion_price=0.333",
            "stock_price=0.01",
            "rounding=daily",
            "default_date=",
            "term_b_maturity=2007-03-06",
        ],
        "Lender XIRR",
    ),
    (
        "01_notes",
        ["price_shock=0.5", "monthly_amount=150000.00", "first_amortization=2005-12-01", "interactive=true"],
        "conserved: <strong>Yes</strong>",
    ),
    (
        "01_notes",
        ["option_holder=laurus", "default_date=2005-09-30", "demand_date=2005-10-01"],
        "counted in Laurus's flows",
    ),
    (
        "04_obligations",
        ["events=history", "as_of=2008-06-30", "party=Holder", "promptly_days=0", "interactive=true"],
        "act date not known",
    ),
]


@pytest.mark.parametrize(
    "notebook, params, expected", EDGE_RUNS, ids=[f"{n}-{i}" for i, (n, _, _) in enumerate(EDGE_RUNS)]
)
def test_edge_parameters_run(tmp_path, notebook, params, expected):
    args = ["report", "--notebook", notebook, "--out", str(tmp_path), "--timeout", "120"]
    for p in params:
        args += ["-p", p]
    proc = run_cli(*args)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    html = (tmp_path / f"{notebook}.html").read_text(encoding="utf-8")
    assert expected in html


@pytest.mark.parametrize(
    "notebook, param, message",
    [
        ("02_escrow", 'instructions=[{"payee": "A", "amount": "99000000.00"}]', "over-allocated"),
        ("02_escrow", "instructions=not json", "instructions: not valid JSON"),
        ("02_escrow", "scenario=meteor_strike", "parameter scenario: expected one of"),
        ("02_escrow", "agent_fee=-5", "parameter agent_fee: must not be negative"),
        ("02_escrow", "hold_days=-1", "parameter hold_days: must be at least 0"),
        ("03_option", "fmv=-0.01", "parameter fmv: must not be negative"),
        ("03_option", "reading=generous", "parameter reading: expected one of literal, post_issuance"),
        ("03_option", "as_of=yesterday", "parameter as_of: expected an ISO date"),
        ("04_obligations", "events=/nonexistent/events.yaml", "no such events file"),
        ("01_notes", "margin=150%", "parameter margin: a rate must lie between 0 and 1"),
        ("01_notes", "rounding=weekly", "parameter rounding: expected one of period, daily"),
        ("01_notes", "option_holder=gryphon", "parameter option_holder: expected one of laurus, gssf, excluded"),
        ("05_risk", "volatility=nan", "parameter volatility"),
        ("05_risk", "model=heston", "parameter model: expected one of gbm, bootstrap, csv"),
        ("05_risk", "price_csv=/nonexistent.csv", "price_csv"),
        ("04_obligations", "events=moonlanding", "no such events file"),
    ],
)
def test_bad_parameters_fail_clearly(tmp_path, notebook, param, message):
    """A value the runner can check is refused before anything runs (exit 2, one line on stderr);
    one only the notebook can judge (an over-allocation) fails that notebook (exit 1)."""
    proc = run_cli("report", "--notebook", notebook, "--out", str(tmp_path), "-p", param)
    if message == "over-allocated":
        assert proc.returncode == 1, proc.stdout + proc.stderr
        assert message in proc.stdout
    else:
        assert proc.returncode == 2, proc.stdout + proc.stderr
        assert message in proc.stderr and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
        assert "Traceback" not in proc.stderr
    assert not (tmp_path / f"{notebook}.html").exists()
