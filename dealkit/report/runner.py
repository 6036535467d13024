"""The report run: every notebook through papermill on a real ``python3`` kernel, then HTML.

``run_report`` validates the deal and the parameters before anything runs, executes the
notebooks (in parallel worker processes forked warm from this one), exports each to a
self-contained HTML page, and writes ``index.html`` and the combined ``deal-report.html``.
Every file is written atomically. A failing notebook keeps its partial executed ``.ipynb``
(``ipynb/NAME.ipynb``), loses any stale HTML of an earlier run, and does not stop the others.

The steps live beside this module: :mod:`dealkit.report.plan` (which notebooks, which
parameters, which order), :mod:`dealkit.report.notebook` (one notebook), :mod:`dealkit.report.pool`
(workers and signals); every name this module had stays importable from here.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from dealkit.errors import ParameterError as ParameterError
from dealkit.errors import ReportError as ReportError
from dealkit.report.finish import _ExecutiveSummary as _ExecutiveSummary
from dealkit.report.finish import _index_html as _index_html
from dealkit.report.finish import _risk_metrics as _risk_metrics
from dealkit.report.finish import _write_combined as _write_combined
from dealkit.report.notebook import _DISK_ERRORS as _DISK_ERRORS
from dealkit.report.notebook import _WORKER_KERNEL as _WORKER_KERNEL
from dealkit.report.notebook import EXECUTION_TIMEOUT, START_TIMEOUT, NotebookResult, run_notebook
from dealkit.report.notebook import _disk_error as _disk_error
from dealkit.report.notebook import _error_text as _error_text
from dealkit.report.notebook import _publish_data_files as _publish_data_files
from dealkit.report.notebook import _run_dir as _run_dir
from dealkit.report.notebook import _safe_mkdir as _safe_mkdir
from dealkit.report.notebook import _title as _title
from dealkit.report.plan import _TIMINGS_MAX_BYTES as _TIMINGS_MAX_BYTES
from dealkit.report.plan import (
    NOTEBOOK_DIR,
    declared_parameters,
    discover,
    expected_seconds,
    longest_first,
    plan_parameters,
)
from dealkit.report.plan import RUNNER_PARAMETERS as RUNNER_PARAMETERS
from dealkit.report.pool import Terminated
from dealkit.report.pool import _guard_worker as _guard_worker
from dealkit.report.pool import _init_fresh_worker as _init_fresh_worker
from dealkit.report.pool import _init_worker as _init_worker
from dealkit.report.pool import _kill_pool as _kill_pool
from dealkit.report.pool import _on_terminate as _on_terminate
from dealkit.report.pool import _socket_base as _socket_base
from dealkit.report.pool import _warm_imports as _warm_imports
from dealkit.report.pool import _warm_in_background as _warm_in_background
from dealkit.report.redact import _ABS_PATH as _ABS_PATH
from dealkit.report.redact import _no_path as _no_path
from dealkit.report.redact import _strip_paths as _strip_paths

if TYPE_CHECKING:
    pass

from dealkit.report.session import ReportSummary, _ReportRun

__all__ = [
    "NOTEBOOK_DIR",
    "NotebookResult",
    "Terminated",
    "ReportSummary",
    "discover",
    "declared_parameters",
    "plan_parameters",
    "run_notebook",
    "run_report",
    "EXECUTION_TIMEOUT",
    "START_TIMEOUT",
    "expected_seconds",
    "longest_first",
]


def run_report(
    deal_path: str | os.PathLike[str] | None = None,
    out_dir: str | os.PathLike[str] = "reports",
    parameters: dict[str, str] | None = None,
    jobs: int | None = None,
    notebooks: list[str] | None = None,
    progress: bool | None = None,
    notebook_dir: Path = NOTEBOOK_DIR,
    execution_timeout: int = EXECUTION_TIMEOUT,
    start_timeout: int = START_TIMEOUT,
    fresh_kernels: bool = False,
) -> ReportSummary:
    """Run the notebooks and write the reports into ``out_dir``.

    An earlier run's ``index.html``, ``deal-report.html`` and chosen pages go when the run starts; this
    run's are written, atomically, when it ends. SIGINT and SIGTERM end the workers and kernels and remove
    the run's temporary folders before the exception propagates (:class:`KeyboardInterrupt`,
    :class:`Terminated`); after a SIGKILL they exit by themselves and the next run reaps the folders.

    Parameters
    ----------
    deal_path, out_dir : path
        The deal YAML (default: the embedded ``data/deal.yaml``); where pages, ``ipynb/`` and data go.
    parameters : dict of str to str, optional
        ``-p`` values; each goes to every notebook that declares it (:func:`plan_parameters`).
    jobs : int, optional
        Notebooks at once: default one a core (a kernel computes most of the time), at most one a notebook.
    notebooks : list of str, optional
        Stems or file names to run (:func:`discover`); default all of ``notebook_dir``.
    progress : bool, optional
        A progress bar on stderr (default: when stderr is a terminal).
    notebook_dir, execution_timeout, start_timeout, fresh_kernels
        The notebooks' folder; a cell's and a kernel start's limits (s); a new kernel per notebook.

    Returns
    -------
    ReportSummary
        Each notebook's result (``summary.ok``: none failed), the index and the combined report.

    Raises
    ------
    DealDataError, ParameterError, ReportError
        Before anything runs: a bad deal, an undeclared parameter, no such notebook; or an output folder
        that cannot take the report (nothing half-written is left).
    """
    run = _ReportRun.prepare(
        deal_path, out_dir, parameters, jobs, notebooks, notebook_dir, fresh_kernels, execution_timeout, start_timeout
    )
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # quiets the kernel's debugger warning
    return run.run(progress)
