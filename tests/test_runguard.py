"""dealkit.report.runguard on real processes: identities that survive pid reuse, watchdogs that end a
process when the one it depends on dies (even by SIGKILL), and the reaping of leftovers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from dealkit.report import runguard
from dealkit.report.runguard import (
    RUN_PREFIX,
    STAGE_PREFIX,
    alive,
    make_private_dir,
    process_identity,
    reap,
    reap_stale_temp_files,
    record_pid,
    watchdog_code,
)

SLEEP = [sys.executable, "-c", "import time; time.sleep(120)"]


def _wait_exit(proc: subprocess.Popen, timeout: float = 10) -> int | None:
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        return None


def test_identity_and_alive():
    me = process_identity()
    assert me.split()[0] == str(os.getpid()) and alive(me)
    proc = subprocess.Popen(SLEEP)
    ident = process_identity(proc.pid)
    assert alive(ident)
    pid, start = ident.split()
    assert not alive(f"{pid} {int(start) + 1}")  # same pid, another process: a recycled pid
    proc.kill()
    proc.wait()
    assert not alive(ident)
    assert not alive("garbage") and not alive("0 1")


def test_watchdog_code_ends_a_kernel_like_child_when_its_parent_is_killed():
    parent = subprocess.Popen(SLEEP)
    child = subprocess.Popen([sys.executable, "-c", watchdog_code([parent.pid]) + "import time; time.sleep(120)"])
    time.sleep(0.5)
    assert child.poll() is None
    parent.kill()  # SIGKILL: no clean-up code of the parent runs
    parent.wait()
    assert _wait_exit(child) == 1, "the watchdog did not end the child"


def test_watchdog_exits_at_once_if_the_parent_is_already_gone():
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    child = subprocess.Popen([sys.executable, "-c", watchdog_code([gone.pid]) + "import time; time.sleep(120)"])
    assert _wait_exit(child) == 1


def test_watch_in_a_forked_worker():
    parent = subprocess.Popen(SLEEP)
    code = f"import time, dealkit.report.runguard as g; g.watch([{parent.pid}]); time.sleep(120)"
    child = subprocess.Popen([sys.executable, "-c", code])
    time.sleep(1.0)
    assert child.poll() is None
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    assert _wait_exit(child) == 1


def test_reap_removes_dead_runs_kills_their_processes_and_keeps_live_ones(tmp_path):
    # a run whose owner is dead, with a process it recorded still alive
    owner = subprocess.Popen([sys.executable, "-c", "pass"])
    owner.wait()
    dead = make_private_dir(tmp_path, RUN_PREFIX)
    (dead / "owner").chmod(0o600)
    (dead / "owner").unlink()
    (dead / "owner").write_text(f"{owner.pid} 1", encoding="ascii")
    straggler = subprocess.Popen(SLEEP)
    record_pid(dead, straggler.pid, "kernel")
    (dead / "k-socket").mkdir()
    live = make_private_dir(tmp_path, RUN_PREFIX)  # owned by this (live) process
    stage_dead = make_private_dir(tmp_path, STAGE_PREFIX)
    (stage_dead / "owner").unlink()
    (stage_dead / "owner").write_text(f"{owner.pid} 1", encoding="ascii")
    # a planted symlink with the run prefix, pointing at a folder that must survive
    keep = tmp_path / "keep"
    keep.mkdir()
    (keep / "precious").write_text("x")
    (tmp_path / (RUN_PREFIX + "planted")).symlink_to(keep, target_is_directory=True)

    removed = reap(tmp_path)
    assert set(removed) == {dead, stage_dead}
    assert not dead.exists() and not stage_dead.exists() and live.is_dir()
    assert _wait_exit(straggler, 5) == -signal.SIGKILL
    assert (keep / "precious").exists()


def test_stale_temp_files_are_removed_only_when_no_run_is_live(tmp_path):
    out = tmp_path / "out"
    (out / "ipynb").mkdir(parents=True)
    stale = [out / ".index.html.abc123.tmp", out / "ipynb" / ".00_overview.running.ipynb"]
    for path in stale:
        path.write_text("half")
    keep = out / "index.html"
    keep.write_text("whole")
    live = make_private_dir(out, STAGE_PREFIX)
    assert reap_stale_temp_files(out) == []  # a live run writes here: hands off
    import shutil

    shutil.rmtree(live)
    assert sorted(reap_stale_temp_files(out)) == sorted(stale)
    assert keep.exists() and not any(p.exists() for p in stale)


def test_private_dirs_are_private_and_unpredictable(tmp_path):
    a, b = make_private_dir(tmp_path, RUN_PREFIX), make_private_dir(tmp_path, RUN_PREFIX)
    assert a != b and a.name.startswith(RUN_PREFIX) and len(a.name) > len(RUN_PREFIX) + 6
    assert (a.stat().st_mode & 0o777) == 0o700
    assert (a / "owner").read_text() == process_identity()
    with pytest.raises(FileExistsError):
        runguard._write_new(a / "owner", "x")  # O_EXCL: never overwrites, never follows a link
