"""The report run: every notebook through papermill on a real ``python3`` kernel, then HTML.

``run_report`` validates the deal and the parameters before anything runs, executes the
notebooks (in parallel worker processes forked warm from this one), exports each to a
self-contained HTML page, and writes ``index.html`` and the combined ``deal-report.html``.
Every file is written atomically. A failing notebook keeps its partial executed ``.ipynb``
(``ipynb/NAME.ipynb``), loses any stale HTML of an earlier run, and does not stop the others.
"""

from __future__ import annotations

import concurrent.futures as cf
import datetime as dt
import errno
import gc
import logging
import multiprocessing
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from dealkit.errors import ParameterError, ReportError
from dealkit.core.files import write_atomic
from dealkit.report.html import notebook_to_html
from dealkit.report.kernels import KERNEL, WarmKernel, ipc_kernel_manager
from dealkit.deal.loader import DEFAULT_DEAL, load_deal
from dealkit.params import _shown
from dealkit.report.parameters import validate_parameters
from dealkit.deal.resources import notebook_dir

__all__ = ["NOTEBOOK_DIR", "NotebookResult", "Terminated", "ReportSummary", "discover", "declared_parameters",
           "plan_parameters", "run_notebook", "run_report", "EXECUTION_TIMEOUT", "START_TIMEOUT", "expected_seconds",
           "longest_first"]

#: The report notebooks shipped with the package (``dealkit/notebooks``).
NOTEBOOK_DIR = notebook_dir()
#: Seconds a single cell may run before the run is abandoned (papermill has no default: #711).
EXECUTION_TIMEOUT = 300
#: Seconds the kernel may take to start.
START_TIMEOUT = 60
#: Parameters the runner fills in itself: the deal file (every notebook declares it) and the
#: report folder (for notebooks that write files beside their HTML, e.g. CSV and .ics exports).
RUNNER_PARAMETERS = ("deal_path", "output_dir")


@dataclass
class NotebookResult:
    name: str
    title: str
    ok: bool
    seconds: float
    html: Path | None
    ipynb: Path | None
    figures: int = 0
    error: str | None = None
    #: data files (CSV, .ics) this notebook wrote beside its page, in this run
    files: list[str] = field(default_factory=list)
    #: the output folder refused a write (full disk, read-only, no permission)
    disk_error: str | None = None


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
        lines = [f"{r.name:<20} {'ok' if r.ok else 'FAILED':<7} {r.seconds:6.1f} s  "
                 f"{r.html if r.ok else r.ipynb}" for r in self.results]
        lines.append(f"{len(self.results) - len(self.failures)} of {len(self.results)} notebooks ok "
                     f"in {self.seconds:.1f} s; index: {self.index}; combined: {self.combined}")
        for r in self.failures:
            lines.append(f"FAILED {r.name}: {r.error}\n  partial executed notebook: {r.ipynb}")
        if self.exports_note:  # the workbook and OCF exports (dealkit.export.bundle.report_exports)
            lines.append(self.exports_note)
        return "\n".join(lines)


def discover(names: list[str] | None = None, notebook_dir: Path = NOTEBOOK_DIR) -> list[Path]:
    """The notebooks to run, in name order; ``names`` may be stems (``00_overview``) or file names."""
    if not notebook_dir.is_dir():
        raise ReportError(f"{notebook_dir}: no such notebook folder")
    available = sorted(p for p in notebook_dir.glob("*.ipynb") if not p.name.startswith("."))
    if not names:
        return available
    by_stem = {p.stem: p for p in available}
    chosen = []
    for name in names:
        stem = Path(name).stem
        if stem not in by_stem:
            raise ReportError(f"no notebook named {name!r} in {notebook_dir}; available: "
                              f"{', '.join(by_stem) or 'none'}")
        chosen.append(by_stem[stem])
    return chosen


def declared_parameters(path: Path) -> dict[str, dict]:
    """The names the notebook's ``parameters`` cell declares (papermill's own inference)."""
    import papermill

    try:
        params = papermill.inspect_notebook(str(path))
    except Exception as exc:  # noqa: BLE001 - a hostile or broken .ipynb: one line, no traceback
        raise ReportError(f"{path.name}: not a readable notebook ({type(exc).__name__})") from None
    if not params:
        raise ReportError(f"{path.name}: no cell tagged 'parameters'")
    return params


def plan_parameters(notebooks: list[Path], params: dict[str, str],
                    runner: dict[str, str] | None = None) -> dict[Path, dict[str, str]]:
    """Which parameters go to which notebook. Each name goes to every notebook that declares it;
    a name that none of the chosen notebooks declares is refused before anything runs. The
    ``runner`` values (deal_path, output_dir) go to the notebooks that declare them."""
    declared = {nb: declared_parameters(nb) for nb in notebooks}
    for name, value in params.items():
        if name in RUNNER_PARAMETERS:
            raise ParameterError(f"parameter {name}: set by the runner (--deal, --out); not a -p parameter "
                                 f"(got {_shown(value)})")
        if not any(name in d for d in declared.values()):
            known = sorted({n for d in declared.values() for n in d} - set(RUNNER_PARAMETERS))
            raise ParameterError(f"parameter {name}: not declared by any of "
                                 f"{', '.join(nb.name for nb in notebooks)} (got {_shown(value)}); "
                                 f"declared: {', '.join(known)}")
    merged = {**params, **(runner or {})}
    return {nb: {k: v for k, v in merged.items() if k in d} for nb, d in declared.items()}


#: The largest executed notebook of an earlier run read for its cell timings (bytes).
_TIMINGS_MAX_BYTES = 20_000_000


def expected_seconds(path: Path, out_dir: Path | None = None) -> float:
    """What a notebook is expected to cost, to start the longest first: the sum of its cells'
    times in the earlier run's executed notebook (``out_dir/ipynb/NAME.ipynb``, papermill's
    ``metadata.papermill.duration`` of each cell: the kernel's start is not in them), else the
    ``metadata.dealkit.expected_seconds`` of the notebook itself, else 0. Anything unreadable
    counts as unknown (0): the order only decides which notebook starts first."""
    import json
    import math

    def read(file: Path) -> dict | None:
        try:
            if file.is_symlink() or not file.is_file() or file.stat().st_size > _TIMINGS_MAX_BYTES:
                return None
            data = json.loads(file.read_text(encoding="utf-8"))
            return data if isinstance(data, dict) else None
        except (OSError, ValueError):
            return None

    def number(value) -> float:  # a duration: a finite number of seconds, not negative
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and value >= 0
        return float(value) if ok else 0.0

    earlier = read(out_dir / "ipynb" / f"{path.stem}.ipynb") if out_dir is not None else None
    if earlier is not None and isinstance(earlier.get("cells"), list):
        cells = [c.get("metadata", {}).get("papermill", {}) for c in earlier["cells"] if isinstance(c, dict)]
        timed = [number(c.get("duration")) for c in cells if isinstance(c, dict) and c.get("duration") is not None]
        if timed and all(isinstance(c, dict) and not c.get("exception") for c in cells):
            return sum(timed)
    source = read(path)
    hint = (source or {}).get("metadata", {}).get("dealkit", {}) if source else {}
    return number(hint.get("expected_seconds")) if isinstance(hint, dict) else 0.0


def longest_first(paths: list[Path], out_dir: Path | None = None) -> list[Path]:
    """``paths`` in the order to start them on a pool of workers: the longest expected first
    (:func:`expected_seconds`; ties keep name order), so the last notebook to finish is a short
    one and no core waits on a long notebook started last (longest processing time first)."""
    cost = {p: expected_seconds(p, out_dir) for p in paths}
    return sorted(paths, key=lambda p: -cost[p])


def _title(nb) -> str:
    if nb.metadata.get("title"):
        return str(nb.metadata["title"])
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return "notebook"


def _error_text(exc: BaseException) -> str:
    text = str(exc).strip()
    # papermill's execution error carries the whole traceback; keep its last meaningful line
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith(("---", "Cell In"))]
    return (lines[-1] if lines else type(exc).__name__)[:500]


#: errno values that mean the output folder cannot take the report: the run stops with one
#: clear error (exit 2) instead of reporting each notebook as failed.
_DISK_ERRORS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EFBIG}


def _disk_error(exc: BaseException) -> OSError | None:
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OSError) and exc.errno in _DISK_ERRORS:
            return exc
        exc = exc.__cause__ or exc.__context__
    return None


def run_notebook(path: Path, out_dir: Path, parameters: dict[str, str], banner: str = "",
                 execution_timeout: int = EXECUTION_TIMEOUT, start_timeout: int = START_TIMEOUT,
                 kernel: WarmKernel | None = None, stage_dir: Path | None = None) -> NotebookResult:
    """Execute one notebook with papermill on the ``python3`` kernel and export it to HTML.

    ``kernel``: a warm kernel to reuse (:mod:`dealkit.report.kernels`); ``None`` starts a fresh one.
    ``stage_dir``: the run's private staging folder inside ``out_dir`` (``None``: one is made
    for this call). The executed notebook is written there, then moved to
    ``out_dir/ipynb/NAME.ipynb`` (partial on failure); data files the notebook writes to its
    ``output_dir`` (a folder in the staging folder) are moved beside the page on success only.
    The page goes to ``out_dir/NAME.html`` (written atomically, only on success; removed on
    failure, so a stale page of an earlier run never passes for this one). Every move is an
    :func:`os.replace`: a symlink planted at a target is replaced, never followed.
    """
    kernel = kernel if kernel is not None else _WORKER_KERNEL
    import nbformat
    import papermill

    from dealkit.report.runguard import STAGE_PREFIX, make_private_dir

    name = path.stem
    ipynb = out_dir / "ipynb" / f"{name}.ipynb"
    page = out_dir / f"{name}.html"
    own_stage = stage_dir is None
    t0 = time.perf_counter()
    title = name
    try:
        _safe_mkdir(ipynb.parent)
        if own_stage:
            stage_dir = make_private_dir(out_dir, STAGE_PREFIX)
        tmp_ipynb = stage_dir / f"{name}.ipynb"
        data_dir = Path(parameters["output_dir"]) if parameters.get("output_dir") else None
        if data_dir is not None:
            data_dir.mkdir(parents=True, exist_ok=True)
        if kernel is not None:
            _execute(papermill, path, tmp_ipynb, ipynb, parameters, start_timeout, execution_timeout,
                     km=kernel.acquire(path.parent))
        else:
            with tempfile.TemporaryDirectory(prefix="k-", dir=_run_dir()) as socket_dir:
                _execute(papermill, path, tmp_ipynb, ipynb, parameters, start_timeout, execution_timeout,
                         kernel_manager_class=ipc_kernel_manager(socket_dir, ipynb.with_suffix(".kernel.log")))
        nb = nbformat.read(str(ipynb), as_version=4)
        title = _title(nb)
        html_text = notebook_to_html(nb, banner=banner)
        write_atomic(page, html_text)
        figures = html_text.count('class="plotly-graph-div"')
        files = _publish_data_files(data_dir, out_dir) if data_dir is not None else []
        return NotebookResult(name, title, True, time.perf_counter() - t0, page, ipynb, figures, files=files)
    except BaseException as exc:  # noqa: BLE001 - one notebook's failure must not stop the others
        if isinstance(exc, KeyboardInterrupt):
            raise
        if kernel is not None:
            kernel.discard()  # whatever state the failure left: the next notebook gets a fresh kernel
        try:
            page.unlink(missing_ok=True)
        except OSError:
            pass
        logging.getLogger("dealkit").debug("notebook %s failed:\n%s", name, traceback.format_exc())
        disk = _disk_error(exc)
        return NotebookResult(name, title, False, time.perf_counter() - t0, None,
                              ipynb if ipynb.is_file() and not ipynb.is_symlink() else None,
                              error=_error_text(exc),
                              disk_error=f"{disk.filename or out_dir}: {disk.strerror}" if disk else None)
    finally:
        if own_stage and stage_dir is not None:
            shutil.rmtree(stage_dir, ignore_errors=True)


def _safe_mkdir(folder: Path) -> None:
    """``mkdir -p`` that refuses a symlink planted in place of the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    if folder.is_symlink():
        raise ReportError(f"{folder.name}: a symbolic link where the report's folder should be; refusing to follow it")


def _publish_data_files(data_dir: Path, out_dir: Path) -> list[str]:
    """Move the files a notebook wrote to its staging data folder beside its page."""
    names = []
    for src in sorted(data_dir.iterdir()):
        if src.is_file() and not src.is_symlink():
            os.replace(src, out_dir / src.name)
            names.append(src.name)
    return names


def _execute(papermill, path: Path, tmp_ipynb: Path, ipynb: Path, parameters: dict[str, str],
             start_timeout: int, execution_timeout: int, **kernel) -> None:
    try:
        papermill.execute_notebook(
            str(path), str(tmp_ipynb), parameters=parameters, kernel_name=KERNEL,
            progress_bar=False, log_output=False, request_save_on_cell_execute=False,
            start_timeout=start_timeout, execution_timeout=execution_timeout, cwd=str(path.parent), **kernel)
    finally:
        if tmp_ipynb.exists():  # papermill writes the partial notebook on failure too
            os.replace(tmp_ipynb, ipynb)


#: The warm kernel of a pool worker (set by :func:`_init_worker`).
_WORKER_KERNEL: WarmKernel | None = None


def _run_dir() -> str | None:
    from dealkit.report.kernels import _RUN

    return _RUN["dir"]


def _guard_worker(root: int, run_dir: str) -> None:
    """In each worker process: leave SIGINT to the runner (a terminal's Ctrl-C reaches the whole
    process group), exit as soon as the runner is gone (even by SIGKILL), and note this process
    in the run folder."""
    from dealkit.report.runguard import record_pid, watch

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    watch([root])
    record_pid(run_dir, os.getpid(), "worker")


def _init_worker(log_dir: Path, cwd: Path, start_timeout: int, root: int, run_dir: str) -> None:
    """In each worker process: guard it (:func:`_guard_worker`), start its kernel at once (it
    boots while the worker waits for its first notebook), warm the exporter in a thread, and
    shut the kernel down when the worker exits (multiprocessing runs Finalize callbacks, not
    atexit, in its children)."""
    global _WORKER_KERNEL
    from multiprocessing.util import Finalize

    _guard_worker(root, run_dir)
    _WORKER_KERNEL = WarmKernel(log_dir, start_timeout)
    _WORKER_KERNEL.start(cwd)
    Finalize(_WORKER_KERNEL, _WORKER_KERNEL.close, exitpriority=10)
    _warm_in_background()


def _init_fresh_worker(root: int, run_dir: str) -> None:
    """A worker that starts a fresh kernel for every notebook (``--fresh-kernels``)."""
    _guard_worker(root, run_dir)
    _warm_in_background()


def _warm_imports() -> None:
    """Import what every worker needs before forking, so each worker starts warm."""
    import nbconvert  # noqa: F401
    import nbformat  # noqa: F401
    import papermill  # noqa: F401


def _warm_in_background() -> threading.Thread:
    """Build the HTML exporter in a thread while kernels run (the process mostly waits then)."""
    from dealkit.report.html import warm_up

    thread = threading.Thread(target=warm_up, name="dealkit-export-warm-up", daemon=True)
    thread.start()
    return thread


_ABS_PATH = re.compile(r"""(?<![\w.:/])(?:/[^\s/'"(),;:]+)+/([^\s/'"(),;:]+)""")


def _strip_paths(text: str) -> str:
    """An error message as a page shows it: absolute paths cut to their last part."""
    return _ABS_PATH.sub(lambda m: m.group(1), text)


def _no_path(value: str) -> str:
    """A parameter as the index shows it: a file's name, never its local path."""
    return Path(value).name if (os.path.isabs(value) or os.path.exists(value)) else value


def _index_html(summary: ReportSummary) -> str:
    """The landing page (:func:`dealkit.report.landing.index_html`)."""
    from dealkit.report.landing import index_html

    return index_html(summary, summary.executive, "Laurus / ATG financing — deal reports")


def _socket_base() -> str:
    """Where the run folder goes: ``$TMPDIR``, unless it is too long for the kernels' IPC socket
    paths (107 bytes on Linux; the run folder adds about 40), then ``/tmp``."""
    base = tempfile.gettempdir()
    if len(os.fsencode(base)) > 60 and os.path.isdir("/tmp"):
        return "/tmp"
    return base


class Terminated(KeyboardInterrupt):
    """SIGTERM (or SIGHUP) reached the report run: handled like Ctrl-C (workers and kernels
    ended, temporary folders removed), then exit 143."""


def _on_terminate(signum, frame):  # noqa: ARG001 - a signal handler's signature
    raise Terminated(signum)


def _kill_pool(pool: cf.ProcessPoolExecutor) -> None:
    """End every worker now (SIGKILL): their kernels follow through their watchdogs."""
    procs = list((getattr(pool, "_processes", None) or {}).values())
    for proc in procs:
        try:
            proc.kill()
        except (OSError, ValueError, AttributeError):
            pass
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in procs:
        try:
            proc.join(timeout=5)
        except (OSError, ValueError, AssertionError, AttributeError):
            pass


def run_report(deal_path: str | os.PathLike[str] | None = None, out_dir: str | os.PathLike[str] = "reports",
               parameters: dict[str, str] | None = None, jobs: int | None = None,
               notebooks: list[str] | None = None, progress: bool | None = None,
               notebook_dir: Path = NOTEBOOK_DIR, execution_timeout: int = EXECUTION_TIMEOUT,
               start_timeout: int = START_TIMEOUT, fresh_kernels: bool = False) -> ReportSummary:
    """Run the notebooks and write the reports into ``out_dir``.

    Raises :class:`~dealkit.errors.DealDataError` (bad deal), :class:`ParameterError` (an
    undeclared name) or :class:`ReportError` (no such notebook) before anything runs; a notebook
    that fails is reported in the summary (``summary.ok`` is then ``False``). An output folder
    that cannot take the report (full disk, read-only, no permission) raises
    :class:`ReportError` naming it; nothing half-written is left.

    ``index.html`` and ``deal-report.html`` (and the pages of the chosen notebooks) of an earlier
    run are removed when the run starts and written, atomically, only when it ends. SIGINT and
    SIGTERM end the workers and kernels and remove the run's temporary folders before the
    exception propagates (:class:`KeyboardInterrupt`, :class:`Terminated`); after a SIGKILL the
    workers and kernels exit by themselves and the next run reaps the folders
    (:mod:`dealkit.report.runguard`).
    """
    from dealkit.report import kernels
    from dealkit.report.runguard import RUN_PREFIX, STAGE_PREFIX, kill_recorded, make_private_dir, reap, reap_stale_temp_files

    started = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    t0 = time.perf_counter()
    parameters = dict(parameters or {})
    deal_file = Path(deal_path).resolve() if deal_path else DEFAULT_DEAL
    deal = load_deal(deal_file)  # fails before anything runs
    paths = discover(notebooks, notebook_dir)
    if not paths:
        raise ReportError(f"no notebooks in {notebook_dir}")
    out = Path(out_dir).resolve()
    # default: one more worker than cores: a worker mostly waits while its kernel computes
    jobs = max(1, min(jobs or (os.cpu_count() or 1) + 1, len(paths)))
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # quiets the kernel's debugger warning

    handlers = {}
    run_dir = stage = kernel = pool = None
    try:
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGTERM, signal.SIGHUP):
                handlers[sig] = signal.signal(sig, _on_terminate)
        base = _socket_base()
        reap(*{tempfile.gettempdir(), base})
        run_dir = make_private_dir(base, RUN_PREFIX)
        kernels.configure(run_dir, os.getpid())
        if jobs == 1 and not fresh_kernels:
            # one process: start its kernel now, so it boots while papermill is imported and the
            # parameters are checked (its log stays in the run folder until out_dir exists)
            kernel = WarmKernel(None, start_timeout)
            kernel.start(paths[0].parent)
        plan = plan_parameters(paths, parameters, {"deal_path": str(deal_file), "output_dir": str(out)})
        validate_parameters(parameters, deal)  # every value, as its notebook will parse it
        try:
            out.mkdir(parents=True, exist_ok=True)
            _safe_mkdir(out / "ipynb")
            reap(out)
            reap_stale_temp_files(out)
            stage = make_private_dir(out, STAGE_PREFIX)
            # an earlier run's index and combined report go now: until this run ends there is
            # none, so nothing of an earlier run is ever linked as this run's
            for stale in [out / "index.html", out / "deal-report.html", *(out / f"{p.stem}.html" for p in paths)]:
                stale.unlink(missing_ok=True)
        except OSError as exc:
            raise ReportError(f"{out}: cannot write the report there ({exc.strerror})") from None
        for p in paths:
            if "output_dir" in plan[p]:
                plan[p]["output_dir"] = str(stage / f"data-{p.stem}")
        logging.getLogger("papermill").setLevel(logging.WARNING)
        banner = (f"{deal.deal.name.value} · deal file {deal_file.name} · generated "
                  f"{started.isoformat(timespec='seconds')} UTC by dealkit")

        from tqdm import tqdm

        show = sys.stderr.isatty() if progress is None else progress
        bar = tqdm(total=len(paths), desc="notebooks", unit="nb", disable=not show, file=sys.stderr)
        results: dict[Path, NotebookResult] = {}
        log_dir = out / "ipynb"
        executive = _ExecutiveSummary(deal, plan, paths)
        if jobs == 1:
            if kernel is not None:
                kernel.log_dir = log_dir  # later kernels (after a failure) log beside the notebooks
            _warm_in_background()
            executive.start()
            for p in paths:
                bar.set_postfix_str(p.stem)
                results[p] = run_notebook(p, out, plan[p], banner, execution_timeout, start_timeout, kernel, stage)
                bar.update(1)
        else:
            _warm_imports()
            # fork the workers before any thread starts here; each worker guards itself, starts
            # its kernel and warms its exporter
            root = os.getpid()
            init = ((_init_fresh_worker, (root, str(run_dir))) if fresh_kernels else
                    (_init_worker, (log_dir, paths[0].parent, start_timeout, root, str(run_dir))))
            pool = cf.ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork"),
                                          initializer=init[0], initargs=init[1])
            order = longest_first(paths, out)
            # the workers inherit this process's objects frozen out of the garbage collector's
            # reach: their full collections skip what was imported here (and copy none of it)
            gc.freeze()
            try:
                futures = {pool.submit(run_notebook, p, out, plan[p], banner, execution_timeout, start_timeout,
                                       None, stage): p for p in order}  # the first submit forks every worker
            finally:
                gc.unfreeze()
            executive.start()  # a thread: only once the workers are forked
            for fut in cf.as_completed(futures):
                p = futures[fut]
                try:
                    results[p] = fut.result()
                except Exception as exc:  # a worker that died (e.g. killed): still one notebook only
                    results[p] = NotebookResult(p.stem, p.stem, False, 0.0, None, None, error=_error_text(exc))
                bar.set_postfix_str(p.stem)
                bar.update(1)
            pool.shutdown(wait=True)
            pool = None
        bar.close()
        ordered = [results[p] for p in paths]
        disk = next((r.disk_error for r in ordered if r.disk_error), None)
        if disk:
            raise ReportError(f"cannot write the report: {disk} (no half-written file is left)")
        summary = ReportSummary(out, ordered, parameters, str(deal_file), started, 0.0,
                                failures=[r for r in ordered if not r.ok])
        summary.executive = executive.result(out, ordered)
        try:
            _write_combined(summary)
            from dealkit.export.bundle import report_exports  # deal.xlsx and ocf/ beside the reports (dealkit export)

            summary.exports, summary.exports_note = report_exports(deal, out, parameters)
            summary.seconds = time.perf_counter() - t0
            summary.index = out / "index.html"
            write_atomic(summary.index, _index_html(summary))
        except OSError as exc:
            for written in (out / "deal-report.html", out / "index.html"):
                written.unlink(missing_ok=True)
            raise ReportError(f"{exc.filename or out}: cannot write the report ({exc.strerror}); "
                              "no half-written file is left") from None
        return summary
    except BaseException as exc:
        if pool is not None:
            _kill_pool(pool)
        if isinstance(exc, KeyboardInterrupt):
            # the kernel client's pending task dies with its kernel: asyncio would log its
            # "exception was never retrieved" at exit, a traceback after the clean message
            logging.getLogger("asyncio").disabled = True
        raise
    finally:
        if kernel is not None:
            try:
                kernel.close()
            except BaseException:  # noqa: BLE001 - an interrupted shutdown: the kill below ends it
                pass
        if run_dir is not None:
            kill_recorded(run_dir)  # any worker or kernel of this run still alive
            shutil.rmtree(run_dir, ignore_errors=True)
        if stage is not None:
            shutil.rmtree(stage, ignore_errors=True)
            # a worker killed in the middle of an atomic write leaves its temporary file
            reap_stale_temp_files(out)
        kernels.configure(None, None)
        for sig, handler in handlers.items():
            signal.signal(sig, handler)


def _risk_metrics(out: Path, results: list[NotebookResult]) -> dict | None:
    """``05_risk.metrics.json`` if 05_risk ran, and succeeded, in *this* run (never an earlier run's)."""
    import json

    if not any(r.name == "05_risk" and r.ok for r in results):
        return None
    try:
        return json.loads((out / "05_risk.metrics.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


class _ExecutiveSummary:
    """The executive summary on the parameters the notes notebook runs with, computed in a thread
    of the runner while the notebooks run (the runner only waits on its workers then); the
    ranges over simulated paths are added at the end, from 05_risk's metrics of this run
    (:func:`dealkit.summary.with_risk`). A failure gives ``None`` (the pages still stand; the
    reason is logged)."""

    def __init__(self, deal, plan: dict[Path, dict[str, str]], paths: list[Path]) -> None:
        self.deal = deal
        self.params = next((plan[p] for p in paths if p.stem == "01_notes"), {})
        self.summary = self.error = None
        self.thread = threading.Thread(target=self._compute, name="dealkit-executive-summary", daemon=True)

    def start(self) -> "_ExecutiveSummary":
        self.thread.start()
        return self

    def _compute(self) -> None:
        from .summary import executive_summary

        try:
            self.summary = executive_summary(self.deal, params=self.params)
        except Exception:  # noqa: BLE001 - a summary failure must not lose the run's pages
            self.error = traceback.format_exc()

    def result(self, out: Path, results: list[NotebookResult]):
        from .summary import with_risk

        if self.thread.ident is None:  # never started (e.g. one notebook failed to fork): compute here
            self._compute()
        self.thread.join()
        if self.summary is None:
            logging.getLogger("dealkit").warning("executive summary not computed:\n%s", self.error)
            return None
        try:
            return with_risk(self.summary, _risk_metrics(out, results))
        except Exception:  # noqa: BLE001 - a bad metrics file: the summary without its ranges
            logging.getLogger("dealkit").warning("risk figures not added:\n%s", traceback.format_exc())
            return self.summary


def _write_combined(summary: ReportSummary) -> None:
    """``deal-report.html``: the executive summary, a nested sticky table of contents, every
    successful section in one file, plotly.js once (:func:`dealkit.report.landing.combined_report`)."""
    from dealkit.report.landing import combined_report

    good = [r for r in summary.results if r.ok and r.html]
    if not good:
        return
    pages = [(r.name, r.title, r.html.read_text(encoding="utf-8")) for r in good]
    path = summary.out_dir / "deal-report.html"
    write_atomic(path, combined_report(pages, "Laurus / ATG financing — deal report", summary.executive,
                                       [(r.title, _strip_paths(r.error or "")) for r in summary.failures]))
    summary.combined = path
