"""Figures stay the same across restructures: the exports, the report's data files and the key
figures equal the golden files taken before issue 11's move (``tests/golden``; rewrite them with
``python tests/golden_data.py`` only when a figure is meant to change)."""

from __future__ import annotations

import json
import math

import pytest
from golden_data import GOLDEN, REPORT_FILES, export_files, key_figures, masked


def _close(new, old, path="") -> list[str]:
    """Where two JSON values differ: exact for text and integers, 1e-12 relative for floats
    (the risk metrics' percentiles of float XIRRs)."""
    if isinstance(old, dict) and isinstance(new, dict):
        diffs = [f"{path}: keys {sorted(set(new) ^ set(old))}"] if set(new) != set(old) else []
        return diffs + [d for k in old if k in new for d in _close(new[k], old[k], f"{path}.{k}")]
    if isinstance(old, list) and isinstance(new, list):
        if len(new) != len(old):
            return [f"{path}: {len(new)} items, golden {len(old)}"]
        return [d for i, (a, b) in enumerate(zip(new, old)) for d in _close(a, b, f"{path}[{i}]")]
    if isinstance(old, float) or isinstance(new, float):
        ok = isinstance(new, (int, float)) and math.isclose(new, old, rel_tol=1e-12, abs_tol=1e-12)
        return [] if ok else [f"{path}: {new!r} != golden {old!r}"]
    return [] if new == old else [f"{path}: {new!r} != golden {old!r}"]


@pytest.fixture(scope="module")
def exports():
    return export_files()


def test_every_export_file_equals_its_golden_copy(exports):
    golden = {
        p.relative_to(GOLDEN / "exports").as_posix(): p.read_bytes()
        for p in (GOLDEN / "exports").rglob("*")
        if p.is_file()
    }
    assert sorted(exports) == sorted(golden)
    for name, data in exports.items():
        assert data == golden[name], f"{name} differs from tests/golden/exports/{name}"


def test_key_figures_equal_the_golden_file():
    golden = json.loads((GOLDEN / "key-figures.json").read_text())
    new = json.loads(json.dumps(key_figures(), ensure_ascii=False))
    assert _close(new, golden) == []
    # the golden file holds real figures, not an empty shell
    assert golden["summary_exact"]["default_payment"] == "10071386.12"
    assert len(golden["summary"]) >= 6 and len(golden["option_grid_exercisable"][0]) >= 4


@pytest.mark.parametrize("name", REPORT_FILES)
def test_report_run_files_equal_their_golden_copies(report_run, name):
    proc, out = report_run
    assert proc.returncode == 0, proc.stderr[-2000:]
    new = masked((out / name).read_bytes())
    old = (GOLDEN / "report" / name).read_bytes()
    if name.endswith(".json"):
        assert _close(json.loads(new), json.loads(old)) == []
    else:
        assert new == old, f"{name} differs from tests/golden/report/{name}"


def test_the_comparison_sees_a_changed_cent():
    assert _close({"a": [1.0, "10.00"]}, {"a": [1.0, "10.01"]}) == [".a[1]: '10.00' != golden '10.01'"]
    assert _close({"x": 0.1 + 1e-9}, {"x": 0.1}) != []
    assert _close({"x": 0.1}, {"x": 0.1}) == []
