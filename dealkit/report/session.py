"""One report run as an object: its inputs, the resources it holds, and its steps (set up, plan,
execute in this process or in a pool of workers, finish, release); :func:`dealkit.report.runner.run_report`
makes one and runs it. :class:`ReportSummary` is what a run returns."""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import datetime as dt
import gc
import logging
import multiprocessing
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from dealkit.core.files import write_atomic
from dealkit.deal.loader import DEFAULT_DEAL, load_deal
from dealkit.errors import ReportError
from dealkit.report.finish import _ExecutiveSummary, _index_html, _write_combined
from dealkit.report.finish import _risk_metrics as _risk_metrics
from dealkit.report.kernels import WarmKernel
from dealkit.report.notebook import _DISK_ERRORS as _DISK_ERRORS
from dealkit.report.notebook import _WORKER_KERNEL as _WORKER_KERNEL
from dealkit.report.notebook import NotebookResult, run_notebook
from dealkit.report.notebook import _disk_error as _disk_error
from dealkit.report.notebook import _error_text as _error_text
from dealkit.report.notebook import _publish_data_files as _publish_data_files
from dealkit.report.notebook import _run_dir as _run_dir
from dealkit.report.notebook import _safe_mkdir as _safe_mkdir
from dealkit.report.notebook import _title as _title
from dealkit.report.parameters import validate_parameters
from dealkit.report.plan import _TIMINGS_MAX_BYTES as _TIMINGS_MAX_BYTES
from dealkit.report.plan import RUNNER_PARAMETERS as RUNNER_PARAMETERS
from dealkit.report.plan import (
    discover,
    longest_first,
    plan_parameters,
)
from dealkit.report.pool import _guard_worker as _guard_worker
from dealkit.report.pool import _init_fresh_worker as _init_fresh_worker
from dealkit.report.pool import _init_worker as _init_worker
from dealkit.report.pool import (
    _kill_pool,
    _on_terminate,
    _socket_base,
    _warm_imports,
    _warm_in_background,
    run_in_worker,
)
from dealkit.report.redact import _no_path as _no_path
from dealkit.report.redact import _strip_paths as _strip_paths

if TYPE_CHECKING:
    from dealkit.deal.model import Deal

__all__ = ["ReportSummary"]


@dataclass
class ReportSummary:
    out_dir: Path
    results: list[NotebookResult]
    parameters: dict[str, str]
    deal_path: str
    started: dt.datetime
    seconds: float
    combined: Path | None = None
    index: Path | None = None
    failures: list[NotebookResult] = field(default_factory=list)
    executive: object | None = None  # the executive summary (dealkit.report.summary.Summary), if computed
    exports: list[Path] = field(default_factory=list)
    exports_note: str = ""

    @property
    def ok(self) -> bool:
        return not self.failures

    def text(self) -> str:
        lines = [
            f"{r.name:<20} {'ok' if r.ok else 'FAILED':<7} {r.seconds:6.1f} s  {r.html if r.ok else r.ipynb}"
            for r in self.results
        ]
        lines.append(
            f"{len(self.results) - len(self.failures)} of {len(self.results)} notebooks ok "
            f"in {self.seconds:.1f} s; index: {self.index}; combined: {self.combined}"
        )
        for r in self.failures:
            lines.append(f"FAILED {r.name}: {r.error}\n  partial executed notebook: {r.ipynb}")
        if self.exports_note:  # the workbook and OCF exports (dealkit.export.bundle.report_exports)
            lines.append(self.exports_note)
        return "\n".join(lines)


@dataclass
class _ReportRun:
    """One report run's inputs and the resources it holds (signal handlers, the run folder, the
    staging folder, a warm kernel, the worker pool), each released by :meth:`_release`."""

    deal: Deal
    deal_file: Path
    paths: list[Path]
    out: Path
    parameters: dict[str, str]
    jobs: int
    fresh_kernels: bool
    execution_timeout: int
    start_timeout: int
    started: dt.datetime
    t0: float
    handlers: dict = field(default_factory=dict)
    run_dir: Path | None = None
    stage: Path | None = None
    kernel: WarmKernel | None = None
    pool: cf.ProcessPoolExecutor | None = None
    executive: _ExecutiveSummary = field(init=False)

    @classmethod
    def prepare(
        cls,
        deal_path,
        out_dir,
        parameters,
        jobs,
        notebooks,
        notebook_dir,
        fresh_kernels,
        execution_timeout,
        start_timeout,
    ) -> _ReportRun:
        """The run of :func:`run_report`'s arguments: the deal loaded and the notebooks found (both
        fail before anything runs), the workers counted (one a core, at most one a notebook)."""
        started = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        t0 = time.perf_counter()
        deal_file = Path(deal_path).resolve() if deal_path else DEFAULT_DEAL
        deal = load_deal(deal_file)  # fails before anything runs
        paths = discover(notebooks, notebook_dir)
        if not paths:
            raise ReportError(f"no notebooks in {notebook_dir}")
        workers = max(1, min(jobs or os.cpu_count() or 1, len(paths)))
        return cls(
            deal,
            deal_file,
            paths,
            Path(out_dir).resolve(),
            dict(parameters or {}),
            workers,
            fresh_kernels,
            execution_timeout,
            start_timeout,
            started,
            t0,
        )

    def run(self, progress: bool | None) -> ReportSummary:
        """Set up, plan, run every notebook, write the index and the combined report; on any
        exception (Ctrl-C included) the workers are killed; the run's folders always go."""
        try:
            plan = self._setup()
            results = self._execute(plan, progress)
            return self._finish(results)
        except BaseException as exc:
            if self.pool is not None:
                _kill_pool(self.pool)
            if isinstance(exc, KeyboardInterrupt):
                # the kernel client's pending task dies with its kernel: asyncio would log its
                # "exception was never retrieved" at exit, a traceback after the clean message
                logging.getLogger("asyncio").disabled = True
            raise
        finally:
            self._release()

    def _setup(self) -> dict[Path, dict[str, str]]:
        """Signals trapped, stale run folders reaped, this run's folder made (and, with one worker,
        its kernel started early), the parameters planned and checked, the output folder ready."""
        from dealkit.report import kernels
        from dealkit.report.runguard import RUN_PREFIX, make_private_dir, reap

        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGTERM, signal.SIGHUP):
                self.handlers[sig] = signal.signal(sig, _on_terminate)
        base = _socket_base()
        reap(*{tempfile.gettempdir(), base})
        self.run_dir = make_private_dir(base, RUN_PREFIX)
        kernels.configure(self.run_dir, os.getpid())
        if self.jobs == 1 and not self.fresh_kernels:
            # one process: start its kernel now, so it boots while papermill is imported and the
            # parameters are checked (its log stays in the run folder until out_dir exists)
            self.kernel = WarmKernel(None, self.start_timeout)
            self.kernel.start(self.paths[0].parent)
        plan = plan_parameters(
            self.paths, self.parameters, {"deal_path": str(self.deal_file), "output_dir": str(self.out)}
        )
        validate_parameters(self.parameters, self.deal)  # every value, as its notebook will parse it
        stage = self._prepare_out()
        for p in self.paths:
            if "output_dir" in plan[p]:
                plan[p]["output_dir"] = str(stage / f"data-{p.stem}")
        logging.getLogger("papermill").setLevel(logging.WARNING)
        return plan

    def _prepare_out(self) -> Path:
        """The output folder made, reaped and staged (the staging folder is returned); an earlier
        run's pages removed."""
        from dealkit.report.runguard import STAGE_PREFIX, make_private_dir, reap, reap_stale_temp_files

        out = self.out
        try:
            out.mkdir(parents=True, exist_ok=True)
            _safe_mkdir(out / "ipynb")
            reap(out)
            reap_stale_temp_files(out)
            self.stage = make_private_dir(out, STAGE_PREFIX)
            # an earlier run's index and combined report go now: until this run ends there is
            # none, so nothing of an earlier run is ever linked as this run's
            for stale in [out / "index.html", out / "deal-report.html", *(out / f"{p.stem}.html" for p in self.paths)]:
                stale.unlink(missing_ok=True)
        except OSError as exc:
            raise ReportError(f"{out}: cannot write the report there ({exc.strerror})") from None
        return self.stage

    def _execute(self, plan: dict[Path, dict[str, str]], progress: bool | None) -> dict[Path, NotebookResult]:
        """Every notebook, with a progress bar on a terminal; the executive summary is computed in
        a thread meanwhile."""
        from tqdm import tqdm

        show = sys.stderr.isatty() if progress is None else progress
        bar = tqdm(total=len(self.paths), desc="notebooks", unit="nb", disable=not show, file=sys.stderr)
        self.executive = _ExecutiveSummary(self.deal, plan, self.paths)
        banner = (
            f"{self.deal.deal.name.value} · deal file {self.deal_file.name} · generated "
            f"{self.started.isoformat(timespec='seconds')} UTC by dealkit"
        )
        results = self._in_process(plan, banner, bar) if self.jobs == 1 else self._in_pool(plan, banner, bar)
        bar.close()
        return results

    def _in_process(self, plan, banner: str, bar) -> dict[Path, NotebookResult]:
        """One worker: the notebooks one after the other in this process, on its warm kernel."""
        if self.kernel is not None:
            self.kernel.log_dir = self.out / "ipynb"  # later kernels (after a failure) log beside the notebooks
        _warm_in_background()
        self.executive.start()
        results = {}
        for p in self.paths:
            bar.set_postfix_str(p.stem)
            results[p] = run_notebook(
                p, self.out, plan[p], banner, self.execution_timeout, self.start_timeout, self.kernel, self.stage
            )
            bar.update(1)
        return results

    def _in_pool(self, plan, banner: str, bar) -> dict[Path, NotebookResult]:
        """Several workers, forked warm before any thread starts here; the longest notebook first
        (:func:`longest_first`); a worker that dies fails its notebook only."""
        _warm_imports()
        # fork the workers before any thread starts here; each worker guards itself, starts
        # its kernel and warms its exporter
        root = os.getpid()
        init: tuple[Callable[..., None], tuple] = (
            (_init_fresh_worker, (root, str(self.run_dir)))
            if self.fresh_kernels
            else (_init_worker, (self.out / "ipynb", self.paths[0].parent, self.start_timeout, root, str(self.run_dir)))
        )
        self.pool = cf.ProcessPoolExecutor(
            max_workers=self.jobs, mp_context=multiprocessing.get_context("fork"), initializer=init[0], initargs=init[1]
        )
        order = longest_first(self.paths, self.out)
        # the workers inherit this process's objects frozen out of the garbage collector's
        # reach: their full collections skip what was imported here (and copy none of it)
        gc.freeze()
        try:
            futures = {
                self.pool.submit(
                    run_in_worker,
                    p is not order[0],  # the others yield the CPU to the longest notebook
                    p,
                    self.out,
                    plan[p],
                    banner,
                    self.execution_timeout,
                    self.start_timeout,
                    None,
                    self.stage,
                ): p
                for p in order
            }  # the first submit forks every worker
        finally:
            gc.unfreeze()
        self.executive.start()  # a thread: only once the workers are forked
        results = {}
        for fut in cf.as_completed(futures):
            p = futures[fut]
            try:
                results[p] = fut.result()
            except Exception as exc:  # a worker that died (e.g. killed): still one notebook only
                results[p] = NotebookResult(p.stem, p.stem, False, 0.0, None, None, error=_error_text(exc))
            bar.set_postfix_str(p.stem)
            bar.update(1)
        self.pool.shutdown(wait=True)
        self.pool = None
        return results

    def _finish(self, results: dict[Path, NotebookResult]) -> ReportSummary:
        """The summary, the combined report, the exports and the index (written last)."""
        out = self.out
        ordered = [results[p] for p in self.paths]
        disk = next((r.disk_error for r in ordered if r.disk_error), None)
        if disk:
            raise ReportError(f"cannot write the report: {disk} (no half-written file is left)")
        summary = ReportSummary(
            out,
            ordered,
            self.parameters,
            str(self.deal_file),
            self.started,
            0.0,
            failures=[r for r in ordered if not r.ok],
        )
        summary.executive = self.executive.result(out, ordered)
        try:
            _write_combined(summary)
            from dealkit.export.bundle import report_exports  # deal.xlsx and ocf/ beside the reports (dealkit export)

            summary.exports, summary.exports_note = report_exports(self.deal, out, self.parameters)
            summary.seconds = time.perf_counter() - self.t0
            summary.index = out / "index.html"
            write_atomic(summary.index, _index_html(summary))
        except OSError as exc:
            for written in (out / "deal-report.html", out / "index.html"):
                written.unlink(missing_ok=True)
            raise ReportError(
                f"{exc.filename or out}: cannot write the report ({exc.strerror}); no half-written file is left"
            ) from None
        return summary

    def _release(self) -> None:
        """The kernel closed, any worker or kernel of the run killed, the run's folders removed,
        the signal handlers restored."""
        from dealkit.report import kernels
        from dealkit.report.runguard import kill_recorded, reap_stale_temp_files

        if self.kernel is not None:
            with contextlib.suppress(BaseException):  # an interrupted shutdown: the kill below ends it
                self.kernel.close()
        if self.run_dir is not None:
            kill_recorded(self.run_dir)  # any worker or kernel of this run still alive
            shutil.rmtree(self.run_dir, ignore_errors=True)
        if self.stage is not None:
            shutil.rmtree(self.stage, ignore_errors=True)
            # a worker killed in the middle of an atomic write leaves its temporary file
            reap_stale_temp_files(self.out)
        kernels.configure(None, None)
        for sig, handler in self.handlers.items():
            signal.signal(sig, handler)
