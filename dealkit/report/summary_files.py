"""The executive summary as a data file: ``00_overview`` writes the summary it shows, and the report
run's index and combined report read that one instead of computing it a second time.

The file is read back strictly (it sits in an output folder): anything that is not exactly the
shape written here gives ``None``, and the runner computes the summary itself."""

from __future__ import annotations

import json
import os
from pathlib import Path

from dealkit.core.files import write_atomic
from dealkit.report.summary import SECTIONS, Figure, Summary

__all__ = ["SUMMARY_FILE", "summary_json", "summary_from_json", "write_summary", "read_summary"]

#: The file ``00_overview`` writes beside its page (``output_dir``) in a report run.
SUMMARY_FILE = "00_overview.summary.json"
#: The largest summary file read back (a real one is about 5 KB).
MAX_BYTES = 1_000_000


def summary_json(summary: Summary) -> str:
    """``summary`` as JSON: its figures, findings, key assumptions and inputs as text; the exact
    figures as their text (``str``), for the reader who checks them.

    Examples
    --------
    >>> s = Summary([Figure("xirr", "What Laurus earns (XIRR)", "23.6%")], [], [("Rate floor", "7.5%")])
    >>> summary_from_json(summary_json(s)) == s
    True
    """
    return json.dumps(
        {
            "figures": [[f.key, f.label, f.value, f.detail] for f in summary.figures],
            "findings": [list(f) for f in summary.findings],
            "assumptions": [list(a) for a in summary.assumptions],
            "inputs": dict(summary.inputs),
            "exact": {k: None if v is None else str(v) for k, v in summary.exact.items()},
        },
        ensure_ascii=False,
        indent=1,
    )


def _texts(value: object, width: int) -> list[str] | None:
    ok = isinstance(value, list) and len(value) == width and all(isinstance(x, str) for x in value)
    return value if ok else None  # type: ignore[return-value]


def summary_from_json(text: str) -> Summary | None:
    """The :class:`Summary` of :func:`summary_json`'s text; ``None`` for anything else."""
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict) or set(data) != {"figures", "findings", "assumptions", "inputs", "exact"}:
        return None
    figures = [_texts(f, 4) for f in data["figures"]] if isinstance(data["figures"], list) else [None]
    findings = [_texts(f, 3) for f in data["findings"]] if isinstance(data["findings"], list) else [None]
    assumptions = [_texts(a, 2) for a in data["assumptions"]] if isinstance(data["assumptions"], list) else [None]
    inputs, exact = data["inputs"], data["exact"]
    if None in figures or None in findings or None in assumptions:
        return None
    if not isinstance(inputs, dict) or not all(isinstance(v, str) for v in inputs.values()):
        return None
    if not isinstance(exact, dict) or not all(v is None or isinstance(v, str) for v in exact.values()):
        return None
    if any(f[0] not in SECTIONS for f in figures):  # type: ignore[index]
        return None
    return Summary(
        [Figure(*f) for f in figures],  # type: ignore[misc]
        [(s, t, c) for s, t, c in findings],  # type: ignore[misc]
        [(w, v) for w, v in assumptions],  # type: ignore[misc]
        dict(inputs),
        dict(exact),
    )


def write_summary(summary: Summary, output_dir: str | os.PathLike[str]) -> Path:
    """Write :data:`SUMMARY_FILE` into ``output_dir`` (atomically); its path."""
    path = Path(output_dir) / SUMMARY_FILE
    write_atomic(path, summary_json(summary))
    return path


def read_summary(path: Path) -> Summary | None:
    """The summary in ``path`` if it is a small regular file of :func:`summary_json`'s shape."""
    try:
        if not path.is_file() or path.is_symlink() or path.stat().st_size > MAX_BYTES:
            return None
        return summary_from_json(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return None
