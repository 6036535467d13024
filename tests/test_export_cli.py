"""``dealkit export --format xlsx|ocf|csv|ics --out DIR`` as a user runs it, its bad inputs (one
clear line, exit 2, nothing half-written), and the report run writing the exports too."""

from __future__ import annotations

import csv
import io
import os
from decimal import Decimal

import pytest
from conftest import ROOT, run_cli

from dealkit import bundle, load_deal
from dealkit.report.runner import declared_parameters


def _one_line(proc) -> str:
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 2 and len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    return lines[0]


def test_export_every_format(tmp_path):
    out = tmp_path / "exports"
    proc = run_cli("export", "--format", "xlsx,ocf", "--format", "csv", "--format", "ics", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    names = {str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()}
    assert names == {
        "deal.xlsx",
        "ocf/Manifest.ocf.json",
        "ocf/Stakeholders.ocf.json",
        "ocf/StockClasses.ocf.json",
        "ocf/Transactions.ocf.json",
        "notes-term-a.csv",
        "notes-term-b.csv",
        "notes-revolver.csv",
        "escrow-disbursement.csv",
        "captable.csv",
        "obligations.csv",
        "obligations-calendar.csv",
        "obligations.ics",
    }
    assert sorted(proc.stdout.split()) == sorted(str(out / n) for n in names)
    figures = bundle.compute(load_deal())
    # the CSVs carry dealkit's exact figures
    rows = list(csv.DictReader(io.StringIO((out / "escrow-disbursement.csv").read_text(encoding="utf-8"))))
    assert sum(Decimal(r["amount"]) for r in rows) == figures.deal.escrow.escrowed_payment.value
    term_a = list(csv.DictReader(io.StringIO((out / "notes-term-a.csv").read_text(encoding="utf-8"))))
    assert sum(Decimal(r["interest"]) for r in term_a) == figures.schedules["term_a"].interest
    assert [Decimal(r["closing"]) for r in term_a] == [r["closing"] for r in figures.schedules["term_a"].rows]
    from icalendar import Calendar

    cal = Calendar.from_ical((out / "obligations.ics").read_bytes())
    from dealkit import obligations

    events = cal.walk("VEVENT")
    # the triggered obligations (the sample stream: each labelled illustrative) and the notes' maturities
    triggered = [e for e in events if "maturity" not in e.get("categories").cats]
    assert len(triggered) == sum(t.due is not None for t in figures.triggered)
    assert all(str(e["summary"]).startswith(f"[{obligations.ILLUSTRATIVE}]") for e in triggered)
    assert len(events) - len(triggered) == len(obligations.note_payments(figures.deal))


def test_unknown_format_is_one_line_and_writes_nothing(tmp_path):
    out = tmp_path / "never"
    line = _one_line(run_cli("export", "--format", "xlsx,pdf", "--out", str(out)))
    assert line == "dealkit export: --format: unknown format 'pdf' (choose from xlsx, ocf, csv, ics)"
    assert not out.exists()


def test_no_format_is_one_line(tmp_path):
    line = _one_line(run_cli("export", "--out", str(tmp_path / "o")))
    assert line == "dealkit export: --format: no format given (choose from xlsx, ocf, csv, ics)"
    assert not (tmp_path / "o").exists()


def test_out_is_a_file_or_under_a_file(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("mine")
    line = _one_line(run_cli("export", "--format", "csv", "--out", str(blocker)))
    assert line == f"dealkit export: --out: {blocker}: exists and is a file, not a folder"
    line = _one_line(run_cli("export", "--format", "csv", "--out", str(blocker / "sub")))
    assert str(blocker) in line and "file, not a folder" in line
    assert blocker.read_text() == "mine"


def test_unwritable_target_is_one_line(tmp_path):
    line = _one_line(run_cli("export", "--format", "ics", "--out", "/proc/dealkit-cannot-write-here"))
    assert line.startswith("dealkit export: --out: /proc/dealkit-cannot-write-here: cannot")
    if os.geteuid() != 0:  # root writes through permissions; the /proc case above covers it
        ro = tmp_path / "ro"
        ro.mkdir()
        ro.chmod(0o555)
        assert "not writable" in _one_line(run_cli("export", "--format", "ics", "--out", str(ro)))


def test_a_failure_half_way_leaves_the_folder_as_it_was(tmp_path):
    out = tmp_path / "exports"
    out.mkdir()
    (out / "deal.xlsx").write_bytes(b"the old workbook")
    (out / "obligations.ics").mkdir()  # a folder in the way of the second file
    line = _one_line(run_cli("export", "--format", "xlsx,ics", "--out", str(out)))
    assert "a folder is in the way of the file obligations.ics" in line
    assert (out / "deal.xlsx").read_bytes() == b"the old workbook"  # not replaced: all or nothing
    assert sorted(p.name for p in out.iterdir()) == ["deal.xlsx", "obligations.ics"]  # no temporary file left


def test_an_existing_file_is_replaced_whole(tmp_path):
    out = tmp_path / "exports"
    out.mkdir()
    old = out / "deal.xlsx"
    old.write_bytes(b"old")
    before = old.stat().st_ino
    assert run_cli("export", "--format", "xlsx", "--out", str(out)).returncode == 0
    assert old.stat().st_ino != before  # a new file renamed over the old one, not rewritten in place
    assert old.read_bytes()[:2] == b"PK"  # a whole workbook (a zip)
    assert [p.name for p in out.iterdir()] == ["deal.xlsx"]


def test_bad_deal_file_is_one_line(tmp_path, write_deal):
    bad = write_deal(lambda d: d["escrow"]["escrowed_payment"].update(value="twelve"))
    line = _one_line(run_cli("export", "--format", "xlsx", "--deal", str(bad), "--out", str(tmp_path / "o")))
    assert "escrow.escrowed_payment.value" in line and "twelve" in line
    assert not (tmp_path / "o" / "deal.xlsx").exists()


def test_export_inputs_match_the_notebooks_defaults():
    """The exports start from the notebooks' parameter defaults (kept in step here)."""
    declared = {}
    for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
        if nb.stem == "05_risk":  # simulated paths: the exports follow the notes, escrow, option, obligations
            continue
        for name, spec in declared_parameters(nb).items():
            declared[name] = spec["default"].strip("\"'")
    inputs = bundle.ExportInputs()
    for name in (
        "stock_price",
        "daily_volume",
        "price_shock",
        "term_b_maturity",
        "default_date",
        "rounding",
        "agent_fee",
        "instructions",
        "fmv",
        "holdings",
        "reading",
        "as_of",
        "events",
        "promptly_days",
    ):
        assert str(getattr(inputs, bundle.PARAMETER_FIELDS.get(name, name))) == declared[name], name
    parsed, ignored = bundle.inputs_from_parameters({"stock_price": "0.10", "margin": "0.03", "as_of": "2007-01-02"})
    assert parsed.stock_price == "0.10" and str(parsed.as_of) == "2007-01-02" and ignored == ["margin"]
    assert bundle.inputs_from_parameters({"rounding": "daily"})[0].interest_rounding_point == "daily"


@pytest.mark.slow
def test_report_run_writes_and_links_the_exports(report_run):
    proc, out = report_run
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (out / "deal.xlsx").read_bytes()[:2] == b"PK"
    assert (out / "ocf" / "Manifest.ocf.json").is_file()
    index = (out / "index.html").read_text(encoding="utf-8")
    assert '<a href="deal.xlsx">deal.xlsx</a>' in index and '<a href="ocf/Manifest.ocf.json">' in index
