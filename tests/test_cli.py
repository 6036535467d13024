"""``dealkit check`` and the input checks of ``dealkit report``, as a user runs them."""

import json

from conftest import run_cli


def test_check_default_deal():
    proc = run_cli("check")
    assert proc.returncode == 0, proc.stderr
    assert "embedded deal: valid. Findings: 3 high" in proc.stdout
    assert "[high] jurisdiction: ATG's jurisdiction differs across documents" in proc.stdout
    assert "✓ Schedule A lines = Schedule A total = $12,000,000.00" in proc.stdout


def test_check_json():
    proc = run_cli("check", "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    kinds = {f["kind"] for f in data["findings"]}
    assert {"jurisdiction", "holder", "blank", "assumption", "naming"} <= kinds
    assert data["counts"]["high"] == 3


def test_check_bad_file_exit_2_without_traceback(write_deal):
    path = write_deal(lambda d: d["notes"]["term_a"]["face"].update(value="-1.00"))
    proc = run_cli("check", "--deal", str(path))
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr
    assert "deal.yaml: notes.term_a.face.value: money must not be negative (got '-1.00')" in proc.stderr


def test_check_missing_file(tmp_path):
    proc = run_cli("check", "--deal", str(tmp_path / "missing.yaml"))
    assert proc.returncode == 2
    assert "missing.yaml: no such deal file" in proc.stderr


def test_report_refuses_undeclared_parameter_before_running(tmp_path):
    out = tmp_path / "out"
    proc = run_cli("report", "--out", str(out), "-p", "margn=0.03")
    assert proc.returncode == 2
    assert "parameter margn: not declared by any of 00_overview.ipynb" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not out.exists()  # nothing ran, nothing was written


def test_report_refuses_runner_parameter_and_bad_syntax(tmp_path):
    proc = run_cli("report", "--out", str(tmp_path / "o"), "-p", "deal_path=/etc/passwd")
    assert proc.returncode == 2 and "set by the runner (--deal, --out)" in proc.stderr
    proc = run_cli("report", "--out", str(tmp_path / "o"), "-p", "interactive")
    assert proc.returncode == 2 and "expected NAME=VALUE" in proc.stderr


def test_report_refuses_bad_deal_and_unknown_notebook(tmp_path, write_deal):
    bad = write_deal(lambda d: d["escrow"].update(extra_field=1))
    proc = run_cli("report", "--deal", str(bad), "--out", str(tmp_path / "o"))
    assert proc.returncode == 2 and "escrow.extra_field: Extra inputs are not permitted" in proc.stderr
    proc = run_cli("report", "--notebook", "99_nothing", "--out", str(tmp_path / "o"))
    assert proc.returncode == 2 and "no notebook named '99_nothing'" in proc.stderr
    assert not (tmp_path / "o").exists()


def test_report_into_an_unwritable_place_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    proc = run_cli("report", "--notebook", "00_overview", "--out", str(blocker / "reports"))
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and str(blocker) in proc.stderr


def test_report_refuses_a_broken_notebook_and_bad_options(tmp_path):
    nbdir = tmp_path / "nbs"
    nbdir.mkdir()
    (nbdir / "broken.ipynb").write_text("{not json", encoding="utf-8")
    proc = run_cli("report", "--notebook-dir", str(nbdir), "--out", str(tmp_path / "o"))
    assert proc.returncode == 2 and "broken.ipynb: not a readable notebook" in proc.stderr
    assert "Traceback" not in proc.stderr and not (tmp_path / "o").exists()
    proc = run_cli("report", "--timeout", "-5", "--out", str(tmp_path / "o"))
    assert proc.returncode == 2 and "--timeout: must be at least 1 second (got -5)" in proc.stderr
