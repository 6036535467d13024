"""Interrupted report runs leave nothing behind (issue 10, item 16).

A report run owns two private folders, made by :func:`tempfile.mkdtemp` (unpredictable names,
mode 0700, created with ``O_EXCL`` semantics):

* the *run folder* ``$TMPDIR/dealkit-run-XXXXXXXX``: the kernels' IPC sockets, and one file per
  process of the run (``pids/``: pid and start time);
* the *staging folder* ``OUT/.dealkit-run-XXXXXXXX``: executed notebooks and data files while
  they are written; moved into ``OUT`` with :func:`os.replace` (which never follows a symlink
  planted at the target) when complete.

Each holds an ``owner`` file (pid and start time of the ``dealkit report`` process).

* **SIGINT, SIGTERM**: the runner kills its workers (whose kernels follow, below), removes both
  folders and exits (130 / 143).
* **SIGKILL of the runner**: every worker and every kernel runs a *watchdog* thread blocked on a
  pidfd (``os.pidfd_open``, Linux ≥ 5.3; a 0.2 s poll elsewhere) of the processes it depends on
  (a worker: the runner; a kernel: its worker and the runner) and exits at once when one dies.
  The folders stay, and the next run *reaps* them (:func:`reap`): any folder whose owner is
  gone is removed, after killing any process of its ``pids/`` still alive (same pid *and* start
  time, so a recycled pid is never hit).
"""

from __future__ import annotations

import contextlib
import os
import select
import shutil
import signal
import tempfile
import threading
import time
from pathlib import Path

__all__ = [
    "RUN_PREFIX",
    "STAGE_PREFIX",
    "process_identity",
    "alive",
    "watch",
    "watchdog_code",
    "make_private_dir",
    "record_pid",
    "kill_recorded",
    "reap",
    "reap_stale_temp_files",
]

RUN_PREFIX = "dealkit-run-"
STAGE_PREFIX = ".dealkit-run-"


def _start_time(pid: int) -> str | None:
    """The start time of ``pid`` in clock ticks since boot (``/proc/PID/stat`` field 22)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            data = handle.read().decode("ascii", "replace")
    except OSError:
        return None
    return data.rsplit(")", 1)[-1].split()[19]


def process_identity(pid: int | None = None) -> str:
    """``"PID START"``: a process named so that a recycled pid does not match."""
    pid = os.getpid() if pid is None else pid
    return f"{pid} {_start_time(pid) or '?'}"


def alive(identity: str) -> bool:
    """Whether the process named by :func:`process_identity` still runs."""
    try:
        pid_text, start = identity.split()
        pid = int(pid_text)
    except ValueError:
        return False
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # someone else's process: alive, but not ours
    current = _start_time(pid)
    return current is None or start == "?" or current == start


def watch(pids: list[int]) -> threading.Thread:
    """Exit this process (``os._exit(1)``) as soon as any of ``pids`` ends; a daemon thread
    blocked on their pidfds (or polling where pidfds do not exist)."""
    fds = []
    for pid in pids:
        try:
            fds.append(os.pidfd_open(pid))
        except ProcessLookupError:
            os._exit(1)
        except (AttributeError, OSError):
            fds = []
            break

    def run() -> None:
        if fds:
            select.select(fds, [], [])
        else:
            while all(_exists(p) for p in pids):
                time.sleep(0.2)
        os._exit(1)

    thread = threading.Thread(target=run, name="dealkit-watchdog", daemon=True)
    thread.start()
    return thread


def _exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def watchdog_code(pids: list[int]) -> str:
    """Python source a kernel runs first: the watchdog of :func:`watch`, stand-alone (it must not
    import dealkit before the kernel starts)."""
    return (
        "def _dealkit_watchdog(pids):\n"
        "    import os, select, threading, time\n"
        "    def exists(p):\n"
        "        try:\n"
        "            os.kill(p, 0)\n"
        "        except ProcessLookupError:\n"
        "            return False\n"
        "        except PermissionError:\n"
        "            pass\n"
        "        return True\n"
        "    try:\n"
        "        fds = [os.pidfd_open(p) for p in pids]\n"
        "    except ProcessLookupError:\n"
        "        os._exit(1)\n"
        "    except (AttributeError, OSError):\n"
        "        fds = []\n"
        "    def run():\n"
        "        if fds:\n"
        "            select.select(fds, [], [])\n"
        "        else:\n"
        "            while all(exists(p) for p in pids):\n"
        "                time.sleep(0.2)\n"
        "        os._exit(1)\n"
        "    threading.Thread(target=run, name='dealkit-watchdog', daemon=True).start()\n"
        f"_dealkit_watchdog({list(pids)!r})\n"
        "del _dealkit_watchdog\n"
    )


def make_private_dir(parent: str | os.PathLike[str] | None, prefix: str) -> Path:
    """A new 0700 folder with an unpredictable name (``mkdtemp``) holding an ``owner`` file."""
    path = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    (path / "pids").mkdir()
    _write_new(path / "owner", process_identity())
    return path


def _write_new(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(text)


def record_pid(run_dir: str | os.PathLike[str] | None, pid: int, role: str) -> None:
    """Note ``pid`` as a process of the run (so :func:`reap` can end it if it outlives the run)."""
    if run_dir is None:
        return
    with contextlib.suppress(OSError):  # the run folder is gone (the run is ending): nothing to record
        _write_new(Path(run_dir) / "pids" / f"{role}-{pid}", process_identity(pid))


def _owner_alive(folder: Path) -> bool:
    try:
        fd = os.open(folder / "owner", os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        # an owner file is written right after mkdtemp: a folder without one older than a minute
        # is a leftover
        try:
            return time.time() - folder.lstat().st_mtime < 60
        except OSError:
            return False
    except OSError:
        return True  # cannot tell: leave it
    with os.fdopen(fd, "r", encoding="ascii", errors="replace") as handle:
        return alive(handle.read(100))


def kill_recorded(folder: Path) -> int:
    killed = 0
    pids = folder / "pids"
    if not pids.is_dir() or pids.is_symlink():
        return 0
    for entry in pids.iterdir():
        try:
            identity = entry.read_text(encoding="ascii")
        except OSError:
            continue
        if alive(identity):
            try:
                os.kill(int(identity.split()[0]), signal.SIGKILL)
                killed += 1
            except (OSError, ValueError):
                pass
    return killed


def reap(*parents: str | os.PathLike[str]) -> list[Path]:
    """Remove the run and staging folders of runs that are gone (in each of ``parents``),
    killing any process they recorded that still runs. Returns the folders removed."""
    removed = []
    uid = os.geteuid()
    for parent in parents:
        try:
            entries = list(Path(parent).iterdir())
        except OSError:
            continue
        for folder in entries:
            if not folder.name.startswith((RUN_PREFIX, STAGE_PREFIX)):
                continue
            try:
                info = folder.lstat()
            except OSError:
                continue
            if not os.path.isdir(folder) or folder.is_symlink() or info.st_uid != uid:
                continue  # only our own real folders; a planted symlink is never followed
            if _owner_alive(folder):
                continue
            kill_recorded(folder)
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def reap_stale_temp_files(out: Path) -> list[Path]:
    """Temporary files an interrupted run left in ``out`` (``.NAME.XXXX.tmp`` of an atomic write,
    ``.NAME.running.ipynb`` of older versions), removed when no live run uses ``out``."""
    live = [f for f in out.glob(STAGE_PREFIX + "*") if f.is_dir() and not f.is_symlink() and _owner_alive(f)]
    if live:
        return []
    removed = []
    for folder in (out, out / "ipynb"):
        if not folder.is_dir() or folder.is_symlink():
            continue
        for path in folder.iterdir():
            if path.name.startswith(".") and (path.name.endswith(".tmp") or path.name.endswith(".running.ipynb")):
                try:
                    if path.is_symlink() or path.is_file():
                        path.unlink()
                        removed.append(path)
                except OSError:
                    pass
    return removed
