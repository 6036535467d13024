"""The workbook, recalculated by real LibreOffice (headless): every formula's value equals
dealkit's figure to the cent, and the sheets carry real formats, frozen headers and names."""

from __future__ import annotations

import shutil
import subprocess
from decimal import Decimal
from fractions import Fraction

import openpyxl
import pytest
from conftest import full_or
from hypothesis import given, settings
from hypothesis import strategies as st

from dealkit import bundle, load_deal, option
from dealkit.captable import cap_table
from dealkit.export.xlsx import NAMED_TERMS, SHEETS, workbook_bytes

# LibreOffice does not recalculate an .xlsx on load by default: this profile says "always".
_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def recalculate(src, out_dir):
    """``src`` opened and saved again as .xlsx by headless LibreOffice (own profile: parallel runs
    do not share one), every formula recalculated on load."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        pytest.fail("LibreOffice is missing: `make test` installs it (apt-get install libreoffice-calc-nogui)")
    profile = out_dir / "lo-profile"
    (profile / "user").mkdir(parents=True, exist_ok=True)
    (profile / "user" / "registrymodifications.xcu").write_text(_PROFILE, encoding="utf-8")
    target = out_dir / "recalculated"
    target.mkdir(exist_ok=True)
    proc = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(target),
            str(src),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    result = target / src.name
    assert proc.returncode == 0 and result.exists(), proc.stdout + proc.stderr
    return result


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory):
    """(figures, formulas workbook, dealkit's cached values, LibreOffice's values)."""
    tmp = tmp_path_factory.mktemp("xlsx")
    figures = bundle.compute(load_deal())
    plain = tmp / "deal.xlsx"
    plain.write_bytes(workbook_bytes(figures, cache_values=False))  # formulas cached as 0
    cached = tmp / "cached.xlsx"
    cached.write_bytes(workbook_bytes(figures))
    lo = recalculate(plain, tmp)
    return (
        figures,
        openpyxl.load_workbook(plain),
        openpyxl.load_workbook(cached, data_only=True),
        openpyxl.load_workbook(lo, data_only=True),
    )


def _formula_cells(wb):
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.value.startswith("="):
                    yield ws.title, c.coordinate, c.value


def test_every_formula_recalculates_to_dealkits_figure(recalculated):
    _, formulas, cached, lo = recalculated
    cells = list(_formula_cells(formulas))
    assert len(cells) > 150
    wrong = []
    for sheet, coord, text in cells:
        want, got = cached[sheet][coord].value, lo[sheet][coord].value
        if isinstance(want, (int, float)) and not isinstance(want, bool):
            ok = isinstance(got, (int, float)) and abs(Decimal(str(got)) - Decimal(str(want))) < Decimal("0.005")
        else:
            ok = got == want
        if not ok:
            wrong.append(f"{sheet}!{coord} {text}: LibreOffice {got!r}, dealkit {want!r}")
    assert wrong == []


def test_schedules_totals_and_conservation_equal_dealkit(recalculated):
    figures, _, _, lo = recalculated
    names = {"Term A": "term_a", "Term B": "term_b", "Revolver": "revolver"}
    for sheet, key in names.items():
        s = figures.schedules[key]
        ws = lo[sheet]
        header = [c.value for c in ws[1]]
        rows = list(ws.iter_rows(min_row=2, values_only=True))
        total = next(r for r in rows if r[0] == "total")
        col = {name: header.index(name) for name in header}
        assert _cents(total[col["interest"]]) == s.interest
        assert _cents(total[col["principal in cash"]]) == s.principal_cash
        assert _cents(total[col["principal in stock"]]) == s.principal_stock
        assert total[col["shares issued"]] == s.shares
        closings = [r[col["closing"]] for r in rows[: len(s.rows)]]
        assert [_cents(c) for c in closings] == [r["closing"] for r in s.rows]
        check = {r[0]: r[1] for r in rows if r[0] and r[1] is not None}
        assert _cents(check["outstanding"]) == s.outstanding
        assert _cents(check["repaid + outstanding"]) == s.drawn
        assert _cents(check["difference (must be 0)"]) == 0
        assert check["conserved"] == "yes"
    assert (
        _cents(lo["Term A"]["B" + str(_row_of(lo["Term A"], "face (deal file)"))].value)
        == figures.deal.notes["term_a"].face.value
    )


def test_escrow_conservation_and_option_prices(recalculated):
    figures, _, _, lo = recalculated
    ws = lo["Escrow disbursement"]
    values = {r[0]: r[1] for r in ws.iter_rows(min_row=2, values_only=True) if r[0]}
    held = figures.deal.escrow.escrowed_payment.value
    assert _cents(values["total paid out"]) == sum(d.amount for d in figures.disbursement) == held
    assert _cents(values["left in escrow: held − paid (must be 0)"]) == 0 and values["conserved"] == "yes"
    ws = lo["Option scenarios"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(rows) == figures.scenarios.size
    strike = figures.deal.option.exercise_price.value
    for r in rows:
        assert _cents(r[5]) == option.cash_exercise(r[4], strike), r


def test_cap_table_counts_and_ownership(recalculated):
    figures, _, _, lo = recalculated
    t = figures.captable
    ws = lo["Cap table"]
    rows = list(ws.iter_rows(min_row=2, max_row=len(t.rows) + 2, values_only=True))
    for row, want in zip(rows, t.rows):
        assert row[0] == want.security
        if want.added is None:
            assert row[4] == "unspecified" and row[7] == "unspecified"
            continue
        assert row[4] == want.after
        assert abs(Fraction(row[7]) - t.ownership_after(want)) < Fraction(1, 10**12)
    total = rows[len(t.rows)]
    assert total[4] == t.total_after and total[2] == t.total_before
    assert abs(total[7] - 1) < 1e-12


def test_obligation_counts(recalculated):
    figures, _, _, lo = recalculated
    ws = lo["Obligations"]
    counts = {}
    seen = False
    for r in ws.iter_rows(values_only=True):
        if isinstance(r[0], str) and r[0].startswith("as of "):
            seen = True
            continue
        if seen and r[0]:
            counts[r[0]] = r[1]
    assert counts == {s: sum(t.status == s for t in figures.triggered) for s in {t.status for t in figures.triggered}}


def test_sheets_formats_names_and_frozen_headers(recalculated):
    figures, formulas, _, _ = recalculated
    assert formulas.sheetnames == list(SHEETS)
    for ws in formulas.worksheets:
        assert ws.freeze_panes == "A2", ws.title
        assert ws.column_dimensions["A"].width and ws.column_dimensions["A"].width > 8
    names = set(formulas.defined_names.keys())
    assert set(NAMED_TERMS) <= names and {"Escrow_Conserved", "TermA_Conserved", "CapTable_TotalAfter"} <= names
    a = formulas["Assumptions"]
    by_path = {r[0].value: r for r in a.iter_rows(min_row=2) if r[0].value}
    assert by_path["notes.term_a.face"][1].number_format == "$#,##0.00"
    assert by_path["note_terms.prime_margin"][1].number_format == "0.00%"
    assert by_path["option.shares"][1].number_format == "#,##0"
    assert by_path["deal.closing_date"][1].is_date
    # every cited value of the deal file is listed with its provenance; blanks say so
    from dealkit.deal.model import iter_cited

    deal = figures.deal
    paths = [p.removesuffix(".value") for p, _ in iter_cited(deal)]
    assert all(p in by_path for p in paths)
    assert by_path["warrant.shares"][1].value == "unspecified"
    assert by_path["note_terms.prime_margin"][3].value == "assumed"
    assert by_path["note_terms.prime_margin"][4].value.startswith("assumed: ATG margin unknown")
    dfn = formulas.defined_names["EscrowedPayment"]
    sheet, ref = next(iter(dfn.destinations))
    assert _cents(formulas[sheet][ref.replace("$", "")].value) == deal.escrow.escrowed_payment.value


def test_text_reaches_cells_as_text_never_as_a_formula(write_deal):
    """A deal file whose text starts with '=' stays text in the workbook (no formula injection)."""

    def edit(d):
        d["deal"]["name"]["value"] = '=HYPERLINK("http://example.invalid","x")'

    deal = load_deal(write_deal(edit))
    import io

    wb = openpyxl.load_workbook(io.BytesIO(workbook_bytes(bundle.compute(deal))))
    a = wb["Assumptions"]
    cell = next(r[1] for r in a.iter_rows(min_row=2) if r[0].value == "deal.name")
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


@settings(max_examples=full_or(30, 1000))
@given(outstanding=st.integers(1, 10**11), fcp_cents=st.integers(1, 10**5))
def test_cap_table_is_conserved(outstanding, fcp_cents):
    deal = _DEAL
    t = cap_table(deal, Decimal(fcp_cents) / 10000, outstanding=outstanding)
    assert t.total_after == t.total_before + sum(r.added for r in t.rows if r.added is not None)
    assert sum((t.ownership_after(r) for r in t.rows if r.added is not None), Fraction(0)) == 1
    for r in t.rows:
        if r.kind == "note conversion":
            face = next(n.face.value for n in deal.notes.values() if n.title.value in r.security)
            fcp = Fraction(Decimal(fcp_cents) / 10000)
            assert r.added == int(Fraction(face) // fcp)
        if r.series_d is not None:
            assert r.series_d * deal.capitalization.series_d_ratio.value + r.series_d_leftover == r.added


_DEAL = load_deal()


def _cents(v) -> Decimal:
    return Decimal(str(v)).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")


def _row_of(ws, label: str) -> int:
    for r in ws.iter_rows():
        if r[0].value == label:
            return r[0].row
    raise AssertionError(label)
