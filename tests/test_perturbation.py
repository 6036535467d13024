"""Issue 11: every term flows from the loaded deal. In a copy of ``data/deal.yaml`` each numeric
term (and the business-day convention) is changed in turn and the notebooks are run on it (papermill, the real ``python3`` kernel,
through :func:`dealkit.report.run_report`): every notebook runs, and every notebook that uses the
term shows something different from the run on an unchanged copy (its outputs, and for
``01_notes`` the schedules' CSV files).

Notebook runs are slow, so the suite runs a sample of the terms (only the notebooks that use
them); ``DEALKIT_FULL=1`` runs every term against every notebook.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from conftest import FULL, full_or

from dealkit.report.runner import (
    NOTEBOOK_DIR,  # noqa: E402 - where the report runner finds them
    run_report,
)

NOTEBOOKS = tuple(sorted(p.stem for p in Path(NOTEBOOK_DIR).glob("*.ipynb")))
assert NOTEBOOKS, f"no notebooks in {NOTEBOOK_DIR}"

#: (name, path in the deal file to a cited value, the value it is changed to, the notebooks whose
#: output must change). A value moves within its assumed range where the deal file gives one;
#: where the range is a single point, the copy widens it to take the new value.
TERMS: list[tuple[str, tuple, object, tuple[str, ...]]] = [
    ("escrowed payment", ("escrow", "escrowed_payment"), "13200000.00", ("02_escrow",)),
    ("closing payment", ("escrow", "closing_payment"), "495000.00", ("02_escrow", "01_notes")),
    ("expense cap", ("escrow", "expense_cap"), "3000.00", ("02_escrow",)),
    ("§4.1(d) notice days", ("escrow", "resignation_notice_business_days"), 8, ("02_escrow",)),
    ("option shares", ("option", "shares"), 154275000, ("03_option", "01_notes", "00_overview")),
    ("exercise price", ("option", "exercise_price"), "0.00002", ("03_option", "00_overview")),
    ("§10 cap", ("option", "max_exercise_cap"), "0.0999", ("03_option",)),
    ("shares outstanding", ("capitalization", "outstanding_at_closing"), 2200000000, ("03_option", "01_notes")),
    ("Series D ratio", ("capitalization", "series_d_ratio"), 1000, ("03_option", "01_notes")),
    # a note's face, with the amounts the documents tie to it (its Schedule A line, Schedule A's
    # total and the Escrowed Payment, which fund it at closing): changed alone, the deal file is
    # inconsistent and 01_notes refuses it naming the field (test_a_face_above_the_escrow_...)
    ("Term A face", ("notes", "term_a", "face"), "3300000.00", ("01_notes", "00_overview")),
    ("Term B face", ("notes", "term_b", "face"), "2200000.00", ("01_notes", "00_overview")),
    ("revolver face", ("notes", "revolving", "face"), "7700000.00", ("01_notes", "00_overview")),
    # the MBN sits inside the revolving line, drawn in full at closing: the interest minimum never
    # binds, so only the instruments table shows it
    ("MBN face", ("notes", "mbn", "face"), "3300000.00", ("00_overview",)),
    ("prime margin", ("note_terms", "prime_margin"), "0.0275", ("01_notes", "00_overview")),
    ("rate floor", ("note_terms", "rate_floor"), "0.095", ("01_notes",)),
    ("Term A Monthly Amount", ("note_terms", "term_a_monthly_amount"), "110000.00", ("01_notes",)),
    ("Term A first amortization", ("note_terms", "term_a_first_amortization"), dt.date(2006, 6, 1), ("01_notes",)),
    ("Fixed Conversion Price", ("note_terms", "fixed_conversion_price"), "0.0400", ("01_notes", "05_risk")),
    ("amortization share test", ("note_terms", "amortization_share_test"), "1.25", ("01_notes",)),
    ("Default Payment multiple", ("note_terms", "default_payment_multiple"), "1.25", ("01_notes",)),
    ("default interest", ("note_terms", "default_interest_monthly"), "0.02", ("01_notes",)),
    ("advance rate, receivables", ("note_terms", "advance_rate_receivables"), "0.80", ("01_notes",)),
    ("borrowing base, receivables", ("note_terms", "borrowing_base_receivables"), "3000000.00", ("01_notes",)),
    ("borrowing base, inventory", ("note_terms", "borrowing_base_inventory"), "1000000.00", ("01_notes",)),
    ("demand of record", ("default_demand", "amount"), "14000000.00", ("01_notes",)),
    ("notice of default", ("default_demand", "notice_date"), dt.date(2008, 1, 15), ("01_notes",)),
    ("demand due date", ("default_demand", "due_date"), dt.date(2008, 2, 15), ("01_notes",)),
    ("Option Issue Date", ("option", "issue_date"), dt.date(2005, 10, 3), ("03_option",)),
    # a term that is a word: the Saturday 2008-09-06 maturity paid on Friday instead of Monday
    # (01_notes' default run stops at the 2008 default, before it; the day count is a word too,
    # but the deal model admits only the notes' ACT/360)
    ("business-day convention", ("note_terms", "business_day_convention"), "preceding", ("04_obligations", "05_risk")),
]
#: A note's Schedule A line (index in escrow.schedule_a.notes).
SCHEDULE_A_LINE = {"revolving": 0, "term_a": 1, "term_b": 2}
#: The suite's sample: one term from each rule module, one assumed term and the word (5 terms).
SAMPLE = (
    "closing payment",
    "option shares",
    "Default Payment multiple",
    "borrowing base, receivables",
    "business-day convention",
)
CASES = TERMS if FULL else [t for t in TERMS if t[0] in SAMPLE]
assert len(CASES) == full_or(len(SAMPLE), len(TERMS))


def perturb(raw: dict, path: tuple, value) -> dict:
    """A copy of the raw deal with the cited value at ``path`` set to ``value`` (its assumed range
    widened to hold it where needed)."""
    data = copy.deepcopy(raw)
    node = data
    for key in path:
        node = node[key]
    assert node["value"] != value, f"{path}: the perturbed value equals the deal's"
    if path[0] == "notes" and path[1] in SCHEDULE_A_LINE:  # keep Schedule A and the escrow whole
        delta = Decimal(value) - Decimal(node["value"])
        escrow = data["escrow"]
        for cited in (
            escrow["schedule_a"]["notes"][SCHEDULE_A_LINE[path[1]]]["amount"],
            escrow["schedule_a"]["total"],
            escrow["escrowed_payment"],
        ):
            cited["value"] = str(Decimal(cited["value"]) + delta)
    node["value"] = value
    if "range" in node:
        lo, hi = node["range"]
        as_num = (lambda v: v) if isinstance(value, (int, dt.date)) else float
        node["range"] = [lo if as_num(lo) <= as_num(value) else value, hi if as_num(hi) >= as_num(value) else value]
    return data


def _write(data: dict, path: Path) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def outputs(out_dir: Path, notebook: str) -> list[str]:
    """What the executed notebook shows, cell by cell (the injected parameters cell, which holds
    the deal file's path, left out), and for 01_notes the schedules' CSV files."""
    nb = json.loads((out_dir / "ipynb" / f"{notebook}.ipynb").read_text(encoding="utf-8"))
    shown = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "code" or "injected-parameters" in cell["metadata"].get("tags", []):
            continue
        for out in cell.get("outputs", []):
            if out.get("name") == "stderr":  # kernel noise, not a result
                continue
            if "text" in out:
                text = "".join(out["text"])
                # IPython's history database on a reused kernel prints this on stdout: noise
                text = "".join(
                    line
                    for line in text.splitlines(keepends=True)
                    if not line.startswith("ERROR! Session/line number was not unique")
                )
                if text:
                    shown.append(text)
            for mime, data in sorted(out.get("data", {}).items()):
                shown.append(
                    mime
                    + ":"
                    + (
                        data
                        if isinstance(data, str)
                        else json.dumps(data, sort_keys=True)
                        if not isinstance(data, list)
                        else "".join(data)
                    )
                )
    if notebook == "01_notes":
        shown += [p.name + ":" + p.read_text(encoding="utf-8") for p in sorted(out_dir.glob("notes-*.csv"))]
    return shown


def _run(deal: Path, out: Path, notebooks) -> None:
    summary = run_report(deal, out, notebooks=list(notebooks), progress=False)
    assert summary.ok, summary.text()


def _needed() -> tuple[str, ...]:
    return NOTEBOOKS if FULL else tuple(sorted({nb for case in CASES for nb in case[3]}))


@pytest.fixture(scope="module")
def baseline(tmp_path_factory, raw_deal):
    """The notebooks run on an unchanged copy of the deal file: name -> outputs."""
    tmp = tmp_path_factory.mktemp("baseline")
    deal = _write(raw_deal, tmp / "deal.yaml")
    _run(deal, tmp / "out", _needed())
    return {nb: outputs(tmp / "out", nb) for nb in _needed()}


def test_the_terms_exist_and_load(raw_deal, tmp_path):
    """Every perturbed copy is a valid deal file whose term took the new value."""
    from dealkit.deal.model import iter_cited
    from dealkit.loader import load_deal

    for name, path, value, _ in TERMS:
        deal = load_deal(_write(perturb(raw_deal, path, value), tmp_path / "deal.yaml"))
        cited = dict(iter_cited(deal))[".".join(path)]
        expected = value if isinstance(value, (int, dt.date)) else type(cited.value)(value)
        assert cited.value == expected, name


@pytest.mark.slow
def test_an_unchanged_copy_gives_the_same_outputs(baseline, raw_deal, tmp_path):
    """The control: outputs are reproducible, so a difference below is the term's doing."""
    notebooks = _needed() if FULL else ("02_escrow", "03_option")
    _run(_write(raw_deal, tmp_path / "deal.yaml"), tmp_path / "out", notebooks)
    for nb in notebooks:
        assert outputs(tmp_path / "out", nb) == baseline[nb], nb


@pytest.mark.slow
@pytest.mark.parametrize("name, path, value, uses", CASES, ids=[c[0] for c in CASES])
def test_a_perturbed_term_flows_into_the_notebooks(name, path, value, uses, baseline, raw_deal, tmp_path):
    notebooks = NOTEBOOKS if FULL else uses
    deal = _write(perturb(raw_deal, path, value), tmp_path / "deal.yaml")
    _run(deal, tmp_path / "out", notebooks)  # all run
    unchanged = [nb for nb in uses if outputs(tmp_path / "out", nb) == baseline[nb]]
    assert not unchanged, f"{name} ({'.'.join(path)} = {value}) left {unchanged} as on the deal file"


def test_a_face_above_the_escrowed_payment_is_refused_naming_the_field(raw_deal, tmp_path):
    """A note face raised alone (Schedule A and the Escrowed Payment left as they are): the lender's
    flows refuse it in one line naming the deal file's field, as a DealDataError."""
    from dealkit import notes
    from dealkit.errors import DealDataError
    from dealkit.loader import load_deal

    data = copy.deepcopy(raw_deal)
    data["notes"]["term_a"]["face"]["value"] = "3300000.00"
    deal = load_deal(_write(data, tmp_path / "deal.yaml"))
    a = notes.assumptions_from_deal(deal)
    market = notes.Market.for_deal(deal, Decimal("0.06"), 5_000_000)
    schedules = notes.build_schedules(deal, a, market)
    with pytest.raises(DealDataError) as info:
        notes.lender_cash_flows(
            list(schedules.values()),
            market,
            deal.escrow.escrowed_payment.value,
            deal.deal.closing_date.value,
            deal.escrow.closing_payment.value,
        )
    message = str(info.value)
    assert "\n" not in message and "escrow.escrowed_payment" in message
    assert "12,300,000.00" in message and "12,000,000.00" in message
