"""One notebook of a report run: executed by papermill on a ``python3`` kernel, exported to HTML.

:func:`run_notebook` stages the executed notebook and the data files it writes, publishes them
beside the page on success, and turns any failure into a :class:`NotebookResult` (one line, the
partial executed notebook kept) instead of an exception.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import shutil
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from dealkit.core.files import write_atomic
from dealkit.errors import ReportError
from dealkit.report.html import notebook_to_html
from dealkit.report.kernels import KERNEL, WarmKernel, ipc_kernel_manager

if TYPE_CHECKING:
    import nbformat

__all__ = ["EXECUTION_TIMEOUT", "START_TIMEOUT", "NotebookResult", "run_notebook"]

#: Seconds a single cell may run before the run is abandoned (papermill has no default: #711).
EXECUTION_TIMEOUT = 300
#: Seconds the kernel may take to start.
START_TIMEOUT = 60


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


def _disk_error(exc: BaseException | None) -> OSError | None:
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OSError) and exc.errno in _DISK_ERRORS:
            return exc
        exc = exc.__cause__ or exc.__context__
    return None


def run_notebook(
    path: Path,
    out_dir: Path,
    parameters: dict[str, str],
    banner: str = "",
    execution_timeout: int = EXECUTION_TIMEOUT,
    start_timeout: int = START_TIMEOUT,
    kernel: WarmKernel | None = None,
    stage_dir: Path | None = None,
) -> NotebookResult:
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
    from dealkit.report.runguard import STAGE_PREFIX, make_private_dir

    kernel = kernel if kernel is not None else _WORKER_KERNEL
    name = path.stem
    ipynb = out_dir / "ipynb" / f"{name}.ipynb"
    page = out_dir / f"{name}.html"
    own_stage = stage_dir is None
    t0 = time.perf_counter()
    title = [name]  # the notebook's title once it is read (a failure before that shows the name)
    try:
        _safe_mkdir(ipynb.parent)
        if stage_dir is None:
            stage_dir = make_private_dir(out_dir, STAGE_PREFIX)
        data_dir = Path(parameters["output_dir"]) if parameters.get("output_dir") else None
        if data_dir is not None:
            data_dir.mkdir(parents=True, exist_ok=True)
        executed = _execute_with(
            kernel, path, stage_dir / f"{name}.ipynb", ipynb, parameters, start_timeout, execution_timeout
        )
        figures = _export_page(executed, page, banner, title)
        files = _publish_data_files(data_dir, out_dir) if data_dir is not None else []
        return NotebookResult(name, title[0], True, time.perf_counter() - t0, page, ipynb, figures, files=files)
    except BaseException as exc:  # noqa: BLE001 - one notebook's failure must not stop the others
        if isinstance(exc, KeyboardInterrupt):
            raise
        return _failed(exc, kernel, name, title[0], page, ipynb, out_dir, time.perf_counter() - t0)
    finally:
        if own_stage and stage_dir is not None:
            shutil.rmtree(stage_dir, ignore_errors=True)


def _execute_with(
    kernel: WarmKernel | None,
    path: Path,
    tmp_ipynb: Path,
    ipynb: Path,
    parameters: dict[str, str],
    start_timeout: int,
    execution_timeout: int,
) -> nbformat.NotebookNode:
    """Run the notebook on ``kernel`` (warm, reused), or on a fresh kernel whose IPC sockets live in
    a temporary folder of the run (``kernel`` is ``None``); returns the executed notebook (the one
    papermill wrote to ``ipynb``)."""
    import papermill

    with contextlib.ExitStack() as stack:
        if kernel is not None:
            how: dict = {"km": kernel.acquire(path.parent)}
        else:
            socket_dir = stack.enter_context(tempfile.TemporaryDirectory(prefix="k-", dir=_run_dir()))
            how = {"kernel_manager_class": ipc_kernel_manager(socket_dir, ipynb.with_suffix(".kernel.log"))}
        try:
            return papermill.execute_notebook(
                str(path),
                str(tmp_ipynb),
                parameters=parameters,
                kernel_name=KERNEL,
                progress_bar=False,
                log_output=False,
                request_save_on_cell_execute=False,
                start_timeout=start_timeout,
                execution_timeout=execution_timeout,
                cwd=str(path.parent),
                **how,
            )
        finally:
            if tmp_ipynb.exists():  # papermill writes the partial notebook on failure too
                os.replace(tmp_ipynb, ipynb)


def _export_page(nb: nbformat.NotebookNode, page: Path, banner: str, title: list[str]) -> int:
    """Write the executed notebook's page atomically; sets ``title[0]``; returns the charts on it.
    ``nb`` is the notebook papermill returned, not read back from the file it wrote (the same
    notebook: papermill writes what it returns)."""
    title[0] = _title(nb)
    html_text = notebook_to_html(nb, banner=banner)
    write_atomic(page, html_text)
    return html_text.count('class="plotly-graph-div"')


def _failed(
    exc: BaseException,
    kernel: WarmKernel | None,
    name: str,
    title: str,
    page: Path,
    ipynb: Path,
    out_dir: Path,
    seconds: float,
) -> NotebookResult:
    """A failed notebook's result: its kernel discarded, its page removed, the error in one line
    (and the output folder's, if it refused a write), the partial executed notebook kept."""
    if kernel is not None:
        kernel.discard()  # whatever state the failure left: the next notebook gets a fresh kernel
    with contextlib.suppress(OSError):
        page.unlink(missing_ok=True)
    logging.getLogger("dealkit").debug("notebook %s failed:\n%s", name, traceback.format_exc())
    disk = _disk_error(exc)
    return NotebookResult(
        name,
        title,
        False,
        seconds,
        None,
        ipynb if ipynb.is_file() and not ipynb.is_symlink() else None,
        error=_error_text(exc),
        disk_error=f"{disk.filename or out_dir}: {disk.strerror}" if disk else None,
    )


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


#: The warm kernel of a pool worker (set by :func:`_init_worker`).
_WORKER_KERNEL: WarmKernel | None = None


def _run_dir() -> str | None:
    from dealkit.report.kernels import _RUN

    return _RUN["dir"]
