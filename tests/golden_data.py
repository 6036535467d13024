"""Golden files: the report's and the exports' figures, taken before the issue 11 restructure.

``tests/test_golden.py`` compares what dealkit computes now with the files under ``tests/golden``;
``python tests/golden_data.py`` rewrites them (only when a figure is meant to change: say why in
the commit). Run-time stamps (the .ics DTSTAMP, OCF's generated_at) are masked."""

from __future__ import annotations

import json
import re
from pathlib import Path

GOLDEN = Path(__file__).parent / "golden"
#: Files of a report run compared with the golden copies (the HTML pages carry run times).
REPORT_FILES = (
    "notes-term-a.csv",
    "notes-term-b.csv",
    "notes-revolver.csv",
    "obligations.csv",
    "obligations-calendar.csv",
    "obligations.ics",
    "05_risk.metrics.json",
    "ocf/Manifest.ocf.json",
    "ocf/Stakeholders.ocf.json",
    "ocf/StockClasses.ocf.json",
    "ocf/Transactions.ocf.json",
)
_STAMPS = [
    (re.compile(rb"^DTSTAMP:\d{8}T\d{6}Z\r?$", re.M), b"DTSTAMP:<masked>"),
    (re.compile(rb'"generated_at": "[^"]*"'), b'"generated_at": "<masked>"'),
]


def masked(data: bytes) -> bytes:
    """``data`` with its run-time stamps masked."""
    for pattern, repl in _STAMPS:
        data = pattern.sub(repl, data)
    return data


def export_files() -> dict[str, bytes]:
    """Every export file (csv, ics, ocf) of the default deal and inputs, masked."""
    from dealkit import bundle, load_deal

    figures = bundle.compute(load_deal())
    files = bundle.render(figures, ["csv", "ics", "ocf"])
    return {name: masked(data) for name, data in sorted(files.items())}


def key_figures() -> dict[str, object]:
    """The executive summary's figures and the Option scenario grid of the exports, as text."""
    from dealkit import bundle, load_deal
    from dealkit.summary import executive_summary

    deal = load_deal()
    summary = executive_summary(deal)
    figures = bundle.compute(deal)
    grid = figures.scenarios
    return {
        "summary": [[f.key, f.label, f.value, f.detail] for f in summary.figures],
        "summary_exact": {k: str(v) for k, v in sorted(summary.exact.items())},
        "findings": [list(f) for f in summary.findings],
        "option_grid_exercisable": grid.exercisable.tolist(),
        "option_cash_exercise": {f"{j},{r}": str(v) for (j, r), v in sorted(figures.cash_exercise.items())},
        "schedule_totals": {name: [str(x) for x in _totals(s)] for name, s in sorted(figures.schedules.items())},
    }


def _totals(schedule) -> list[object]:
    from dealkit.present.notes_tables import schedule_frame

    frame = schedule_frame(schedule)
    return [frame[c].astype(str).tolist() for c in frame.columns]


def write() -> None:
    (GOLDEN / "exports").mkdir(parents=True, exist_ok=True)
    for name, data in export_files().items():
        path = GOLDEN / "exports" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    (GOLDEN / "key-figures.json").write_text(json.dumps(key_figures(), indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    import sys

    sys.path.insert(0, str(Path(__file__).parent.parent))
    write()
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, "-m", "dealkit.cli", "report", "--out", tmp], check=True, stdout=subprocess.DEVNULL
        )
        for name in REPORT_FILES:
            path = GOLDEN / "report" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(masked((Path(tmp) / name).read_bytes()))
