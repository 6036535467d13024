"""Kernels for the report run: one ``python3`` kernel over local IPC sockets, kept warm for the
notebooks a worker runs one after the other.

Starting a kernel and importing pandas, plotly and dealkit in it costs about 1.5 s; a worker that
runs several notebooks pays it once. Between notebooks the kernel's namespace is cleared
(``%reset -f``), its execution count set back to 1 and its working folder set to the notebook's:
each notebook starts from an empty namespace, as in a fresh kernel, with the modules already
imported (as in a warm interpreter). A notebook that fails discards the kernel; the next one gets
a fresh kernel. ``dealkit report --fresh-kernels`` starts a new kernel for every notebook.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

__all__ = ["ipc_kernel_manager", "WarmKernel", "KERNEL", "configure"]

KERNEL = "python3"
_COUNTER = itertools.count(1)

#: The run the kernels of this process belong to (set by the report runner, inherited by its
#: forked workers): its private folder (sockets, pid records) and the pid of ``dealkit report``.
_RUN: dict = {"dir": None, "root": None}


def configure(run_dir: str | os.PathLike[str] | None, root_pid: int | None) -> None:
    """Kernels started from now on put their sockets in ``run_dir``, record their pid there and
    exit when ``root_pid`` or the process that started them ends (:mod:`dealkit.report.runguard`)."""
    _RUN["dir"] = str(run_dir) if run_dir is not None else None
    _RUN["root"] = root_pid


def _guarded_command(kernel_cmd: list[str], pids: list[int]) -> list[str]:
    """``python -m ipykernel_launcher ARGS`` → ``python -c "<watchdog>; run ipykernel_launcher"
    ARGS``: the kernel exits as soon as a process it depends on is gone, even by SIGKILL."""
    from dealkit.report.runguard import watchdog_code

    cmd = list(kernel_cmd)
    for i in range(len(cmd) - 1):
        if cmd[i] == "-m" and cmd[i + 1] == "ipykernel_launcher":
            code = watchdog_code(pids) + (
                "import runpy\nrunpy.run_module('ipykernel_launcher', run_name='__main__', alter_sys=True)\n"
            )
            return cmd[:i] + ["-c", code] + cmd[i + 2 :]
    return cmd


def _open_log(log_path: Path) -> int:
    """The kernel's log, opened for appending without following a symlink planted at its name."""
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    return os.open(log_path, flags, 0o644)


def _ready_client_class():
    """jupyter_client's asynchronous kernel client whose ``wait_for_ready`` makes the same handshake
    (a ``kernel_info_reply`` on the shell channel, then a message on IOPub, which shows the IOPub
    subscription is live; again until both come, or the timeout) but does not end it by waiting
    for 0.2 s of silence on IOPub: it takes what is already there and returns. The report's
    clients read only the replies to their own requests (nbclient and ``execute_interactive``
    match each message's parent id), so a status message still on its way is skipped, never
    misread. The silence cost 0.4 s per notebook on a warm kernel, idle: once for the reset
    between notebooks, once when nbclient starts its client."""
    import asyncio
    import time
    from queue import Empty

    from jupyter_client.asynchronous import AsyncKernelClient

    class ReadyClient(AsyncKernelClient):
        async def wait_for_ready(self, timeout: float | None = None) -> None:
            deadline = time.monotonic() + (timeout if timeout is not None else float("inf"))
            while True:
                self.kernel_info()
                try:
                    msg = await self.shell_channel.get_msg(timeout=1)
                except Empty:
                    pass
                else:
                    if msg["msg_type"] == "kernel_info_reply":
                        try:
                            await self.iopub_channel.get_msg(timeout=0.2)  # IOPub is connected
                        except Empty:
                            pass
                        else:
                            self._handle_kernel_info_reply(msg)
                            break
                if not await self.is_alive():
                    raise RuntimeError("Kernel died before replying to kernel_info")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")
                await asyncio.sleep(0)
            while True:  # what IOPub already holds, without waiting for more
                try:
                    await self.iopub_channel.get_msg(timeout=0)
                except Empty:
                    break

    return ReadyClient


def ipc_kernel_manager(socket_dir: str, log_path: Path):
    """A kernel manager class that talks to the kernel over local IPC sockets instead of TCP
    (nothing listens on a port, and ipykernel does not warn about unencrypted TCP). Each kernel
    gets its own socket folder: parallel kernels would otherwise race for the same socket names.
    The kernel's stderr (its log: start-up warnings, the SIGINT jupyter_client sends at
    shutdown) goes to ``log_path`` instead of the user's terminal; what cells print is in the
    notebook. Clients it hands out are remembered, so their channels can be closed."""
    from jupyter_client.manager import AsyncKernelManager

    class IPCKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs):
            kwargs.setdefault("client_factory", _ready_client_class())
            kwargs.setdefault("transport", "ipc")
            kwargs.setdefault("ip", os.path.join(socket_dir, "kernel"))
            # the connection file beside the sockets (jupyter_client's default is a mkstemp file
            # in $TMPDIR, left behind when the process is killed)
            kwargs.setdefault("connection_file", os.path.join(socket_dir, f"connection-{next(_COUNTER)}.json"))
            super().__init__(**kwargs)
            self.handed_out = []

        def client(self, **kwargs):
            kc = super().client(**kwargs)
            self.handed_out.append(kc)
            return kc

        async def _async_launch_kernel(self, kernel_cmd, **kw):
            from dealkit.report.runguard import record_pid

            pids = sorted({os.getpid(), *([_RUN["root"]] if _RUN["root"] else [])})
            log = _open_log(log_path)  # the child holds it; closed below
            try:
                kw["stderr"] = log
                info = await super()._async_launch_kernel(_guarded_command(kernel_cmd, pids), **kw)
            finally:
                os.close(log)
            process = getattr(getattr(self, "provisioner", None), "process", None)
            if process is not None:
                record_pid(_RUN["dir"], process.pid, "kernel")
            return info

    return IPCKernelManager


#: Modules every report notebook imports, imported while the kernel boots (which overlaps the
#: runner's own start-up), into ``sys.modules`` only: no name is bound in the user namespace.
PRELOAD = (
    "numpy",
    "pandas",
    "plotly.graph_objects",
    "plotly.io._json",
    "dealkit",
    "dealkit.present.charts",
    "dealkit.present.display",
    "dealkit.params",
    "dealkit.risk",
    "dealkit.risk_charts",
)
#: Then the objects alive at that point (the modules, classes and functions of the kernel and of
#: PRELOAD, which live as long as the kernel) are moved out of the garbage collector's reach
#: (:func:`gc.freeze`): every full collection after that — the two of each ``%reset -f`` between
#: notebooks, and those pandas and plotly trigger while a notebook runs — no longer walks them.
_PRELOAD_LINE = (
    f"import importlib as _dk_i; [_dk_i.import_module(_m) for _m in {PRELOAD!r}]; del _dk_i; "
    "import gc as _dk_gc; _dk_gc.freeze(); del _dk_gc"
)

#: Options of the report kernels: no input history (IPython writes every cell to an SQLite file
#: from a thread, which competes with the cells for the interpreter; a report reads no history).
_KERNEL_OPTIONS = ("--HistoryManager.enabled=False",)

_RESET = """get_ipython().run_line_magic("reset", "-f")
import os as _dk_os
_dk_os.chdir({cwd!r})
del _dk_os
get_ipython().execution_count = 1
"""


class WarmKernel:
    """A kernel kept for the notebooks of one process (see the module's doc)."""

    def __init__(self, log_dir: Path | None, start_timeout: int = 60) -> None:
        """``log_dir``: where the kernels' logs go (``None``: the temporary socket folder)."""
        self.socket_dir = tempfile.mkdtemp(prefix="k-" if _RUN["dir"] else "dealkit-kernel-", dir=_RUN["dir"])
        self.log_dir = Path(log_dir) if log_dir is not None else Path(self.socket_dir)
        self.start_timeout = start_timeout
        self.km: Any = None  # jupyter_client's KernelManager once started
        self.used = 0
        self.started = 0

    def start(self, cwd: Path) -> None:
        """Start the kernel now (it boots while the caller goes on)."""
        from jupyter_core.utils import run_sync

        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.started += 1
        log = self.log_dir / f"kernel-{os.getpid()}-{self.started}.log"
        self.km = ipc_kernel_manager(self.socket_dir, log)(kernel_name=KERNEL)
        run_sync(self.km.start_kernel)(
            cwd=str(cwd), extra_arguments=[f"--IPKernelApp.exec_lines={_PRELOAD_LINE}", *_KERNEL_OPTIONS]
        )
        self.used = 0

    def acquire(self, cwd: Path):
        """The kernel manager for the next notebook: started if there is none (or it died),
        reset if a notebook used it before."""
        from jupyter_core.utils import run_sync

        if self.km is None or not run_sync(self.km.is_alive)():
            self.discard()
            self.start(cwd)
        elif self.used:
            self._close_clients()
            run_sync(self._reset)(cwd)
        self.used += 1
        return self.km

    async def _reset(self, cwd: Path) -> None:
        kc = self.km.client()
        kc.start_channels()
        try:
            await kc.wait_for_ready(timeout=self.start_timeout)
            reply = await kc.execute_interactive(
                _RESET.format(cwd=str(cwd)),
                timeout=self.start_timeout,
                store_history=False,
                output_hook=lambda msg: None,
            )
            if reply["content"]["status"] != "ok":
                raise RuntimeError(f"could not reset the kernel: {reply['content']}")
        finally:
            kc.stop_channels()

    def _close_clients(self) -> None:
        for kc in getattr(self.km, "handed_out", []):
            with contextlib.suppress(Exception):  # closing a client that is already closed
                kc.stop_channels()
        if self.km is not None:
            self.km.handed_out = []

    def discard(self) -> None:
        """Shut the kernel down (after a failure, or at the end)."""
        from jupyter_core.utils import run_sync

        if self.km is None:
            return
        self._close_clients()
        with contextlib.suppress(Exception):  # a kernel that is already gone
            run_sync(self.km.shutdown_kernel)(now=True)
        self.km = None

    def close(self) -> None:
        self.discard()
        shutil.rmtree(self.socket_dir, ignore_errors=True)
