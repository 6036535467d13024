"""The report run's worker processes and signals.

Workers are forked warm from the runner (:func:`_warm_imports`), each guarded
(:func:`_guard_worker`: SIGINT left to the runner, exit when the runner dies) and, unless fresh
kernels are asked for, holding one warm kernel (:func:`_init_worker`). SIGTERM and SIGHUP become
:class:`Terminated`; :func:`_kill_pool` ends every worker at once.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import os
import signal
import tempfile
import threading
from pathlib import Path

from dealkit.report import notebook
from dealkit.report.kernels import WarmKernel

__all__ = ["Terminated", "YIELD_NICENESS", "run_in_worker"]

#: The nice increment of a worker, and of its kernel, once it runs a notebook other than the
#: run's longest (:func:`run_in_worker`).
YIELD_NICENESS = 5


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
    from multiprocessing.util import Finalize

    _guard_worker(root, run_dir)
    kernel = notebook._WORKER_KERNEL = WarmKernel(log_dir, start_timeout)
    kernel.start(cwd)
    Finalize(kernel, kernel.close, exitpriority=10)
    _warm_in_background()


def _init_fresh_worker(root: int, run_dir: str) -> None:
    """A worker that starts a fresh kernel for every notebook (``--fresh-kernels``)."""
    _guard_worker(root, run_dir)
    _warm_in_background()


def run_in_worker(yield_cpu: bool, *args) -> notebook.NotebookResult:
    """:func:`dealkit.report.notebook.run_notebook` in a pool worker. ``yield_cpu``: the notebook
    is not the run's longest, so this worker and its kernel first lower their CPU priority by
    :data:`YIELD_NICENESS` (:func:`_yield_cpu`, once: a nice value only goes up), and the longest
    notebook, the run's critical path, gets a core of its own while the others share the rest.
    Where a priority cannot be changed (no ``setpriority``, or refused) nothing changes."""
    if yield_cpu:
        _yield_cpu()
    return notebook.run_notebook(*args)


def _yield_cpu() -> None:
    """Raise this process's nice value, and its kernel's, to :data:`YIELD_NICENESS` above what
    they had when the worker started (a kernel started later inherits the worker's)."""
    if "nice" in _YIELDED or not hasattr(os, "setpriority"):
        return
    kernel = notebook._WORKER_KERNEL
    process = getattr(getattr(getattr(kernel, "km", None), "provisioner", None), "process", None)
    pids = [os.getpid(), *([process.pid] if process is not None else [])]
    for pid in pids:
        with contextlib.suppress(OSError):
            base = _YIELDED.setdefault("base", os.getpriority(os.PRIO_PROCESS, os.getpid()))
            os.setpriority(os.PRIO_PROCESS, pid, min(19, base + YIELD_NICENESS))
    _YIELDED["nice"] = True


#: Whether this worker lowered its priority (:func:`_yield_cpu`), and from what nice value.
_YIELDED: dict[str, int | bool] = {}


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
        with contextlib.suppress(OSError, ValueError, AttributeError):
            proc.kill()
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in procs:
        with contextlib.suppress(OSError, ValueError, AssertionError, AttributeError):
            proc.join(timeout=5)
