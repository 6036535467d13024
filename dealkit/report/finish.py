"""What a report run writes once its notebooks are done: the executive summary (the one
``00_overview`` computed and wrote, or computed in a thread while the notebooks run when
``00_overview`` is not in the run), the combined report ``deal-report.html`` and the landing page
``index.html``."""

from __future__ import annotations

import logging
import threading
import traceback
from pathlib import Path

from dealkit.core.files import write_atomic
from dealkit.report.notebook import NotebookResult
from dealkit.report.redact import strip_paths as _strip_paths
from dealkit.report.summary import Summary

__all__: list[str] = []


def _index_html(summary) -> str:
    """The landing page (:func:`dealkit.report.landing.index_html`)."""
    from dealkit.report.landing import index_html

    return index_html(summary, summary.executive, "Laurus / ATG financing — deal reports")


def _risk_metrics(out: Path, results: list[NotebookResult]) -> dict | None:
    """``05_risk.metrics.json`` if 05_risk ran, and succeeded, in *this* run (never an earlier run's)."""
    import json

    if not any(r.name == "05_risk" and r.ok for r in results):
        return None
    try:
        return json.loads((out / "05_risk.metrics.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _warm_finish() -> None:
    """Import what the finish uses (the landing page and combined report, which import pandas, the
    summary file reader, the workbook and OCF exports), in a thread while the notebooks run: the
    runner only waits then, and the finish runs after the last notebook, on the run's critical
    path. (Without 00_overview the summary thread imports them as it computes the summary.)"""
    import importlib

    for module in (
        "dealkit.report.landing",
        "dealkit.report.summary_files",
        "dealkit.export.bundle",
        "dealkit.export.xlsx",
        "dealkit.export.ocf",
    ):
        try:
            importlib.import_module(module)
        except Exception:  # noqa: BLE001 - the finish imports it again and reports any error there
            logging.getLogger("dealkit").debug("warm-up import of %s failed", module, exc_info=True)


class _ExecutiveSummary:
    """The executive summary on the parameters the notes notebook runs with, computed in a thread
    of the runner while the notebooks run (the runner only waits on its workers then); the
    ranges over simulated paths are added at the end, from 05_risk's metrics of this run
    (:func:`dealkit.summary.with_risk`). A failure gives ``None`` (the pages still stand; the
    reason is logged)."""

    def __init__(self, deal, plan: dict[Path, dict[str, str]], paths: list[Path]) -> None:
        self.deal = deal
        self.params = next((plan[p] for p in paths if p.stem in ("01_notes", "00_overview")), {})
        #: 00_overview computes the same summary (the same notes parameters) and writes it
        #: (:mod:`dealkit.report.summary_files`): the run reads that one instead of computing it twice
        self.from_overview = any(p.stem == "00_overview" for p in paths)
        self.summary: Summary | None = None
        self.error: str | None = None
        self.thread = threading.Thread(target=self._compute, name="dealkit-executive-summary", daemon=True)
        #: when 00_overview writes the summary, the thread only imports what the finish needs
        self.warm = threading.Thread(target=_warm_finish, name="dealkit-finish-warm-up", daemon=True)

    def start(self) -> _ExecutiveSummary:
        (self.warm if self.from_overview else self.thread).start()
        return self

    def _compute(self) -> None:
        from .summary import executive_summary

        try:
            self.summary = executive_summary(self.deal, params=self.params)
        except Exception:  # noqa: BLE001 - a summary failure must not lose the run's pages
            self.error = traceback.format_exc()

    def result(self, out: Path, results: list[NotebookResult]):
        from .summary import with_risk

        if self.from_overview and any(r.name == "00_overview" and r.ok for r in results):
            from .summary_files import SUMMARY_FILE, read_summary

            self.summary = read_summary(out / SUMMARY_FILE)  # written by this run's 00_overview
        if self.summary is None and self.thread.ident is None:  # not started, or 00_overview failed
            self._compute()
        for thread in (self.thread, self.warm):
            if thread.ident is not None:
                thread.join()
        if self.summary is None:
            logging.getLogger("dealkit").warning("executive summary not computed:\n%s", self.error)
            return None
        try:
            return with_risk(self.summary, _risk_metrics(out, results))
        except Exception:  # noqa: BLE001 - a bad metrics file: the summary without its ranges
            logging.getLogger("dealkit").warning("risk figures not added:\n%s", traceback.format_exc())
            return self.summary


def _pages_to_combine(pages: list[Path]) -> list[str]:
    """The exported pages' texts for the combined report: the frame page whole (the first whose
    head carries plotly.js, as :func:`dealkit.report.landing.combined_report` picks it; else the
    first), the others only from their content's start marker to its end marker, so no other
    page's head, plotly.js in it, is decoded again. A page without the markers is read whole
    (``combined_report`` refuses it)."""
    from dealkit.report.html import CONTENT_END, CONTENT_START, plotlyjs_banner

    start_mark, end_mark, banner = CONTENT_START.encode(), CONTENT_END.encode(), plotlyjs_banner().encode()
    datas = [page.read_bytes() for page in pages]
    frame = next((i for i, d in enumerate(datas) if banner in d[: max(0, d.find(start_mark))]), 0)
    texts = []
    for i, data in enumerate(datas):
        start = -1 if i == frame else data.find(start_mark)
        end = data.find(end_mark, start) if start >= 0 else -1
        texts.append(data.decode("utf-8") if end < 0 else data[start : end + len(end_mark)].decode("utf-8"))
    return texts


def _write_combined(summary) -> None:
    """``deal-report.html``: the executive summary, a nested sticky table of contents, every
    successful section in one file, plotly.js once (:func:`dealkit.report.landing.combined_report`)."""
    from dealkit.report.landing import combined_report

    good = [r for r in summary.results if r.ok and r.html]
    if not good:
        return
    texts = _pages_to_combine([r.html for r in good])
    pages = [(r.name, r.title, text) for r, text in zip(good, texts, strict=True)]
    path = summary.out_dir / "deal-report.html"
    write_atomic(
        path,
        combined_report(
            pages,
            "Laurus / ATG financing — deal report",
            summary.executive,
            [(r.title, _strip_paths(r.error or "")) for r in summary.failures],
        ),
    )
    summary.combined = path
