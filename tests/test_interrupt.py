"""Interrupted and hostile report runs (issue 10, items 16 and 18), on real runs: SIGINT,
SIGTERM or SIGKILL of ``dealkit report`` half-way leaves no worker or kernel process and no
temporary folder (a SIGKILL's folders are reaped by the next run); the index and the combined
report of an earlier run are invalidated at the start; a planted symlink is never followed; a
full disk is one clear error with nothing half-written."""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest
from conftest import DEALKIT, ROOT, full_or

pytestmark = pytest.mark.slow


def _marked(mark: str) -> list[int]:
    """Pids of live (non-zombie) processes whose environment carries ``mark``."""
    pids = []
    needle = f"DEALKIT_TEST_MARK={mark}".encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if needle not in (entry / "environ").read_bytes():
                continue
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            pids.append(int(entry.name))
    return pids


@pytest.fixture
def short_tmp():
    """A private $TMPDIR with a short path (the kernels' socket paths must fit 107 bytes)."""
    path = Path(tempfile.mkdtemp(prefix="dk-test-", dir="/tmp"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def _start(tmpdir: Path, out: Path, *args: str) -> tuple[subprocess.Popen, str, Path]:
    mark = uuid.uuid4().hex
    env = {**os.environ, "DEALKIT_TEST_MARK": mark, "TMPDIR": str(tmpdir), "PYTHONWARNINGS": "ignore"}
    proc = subprocess.Popen(
        [*DEALKIT, "report", "--out", str(out), *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    return proc, mark, tmpdir


def _wait_for_kernels(proc: subprocess.Popen, mark: str, count: int, timeout: float = 90) -> None:
    """Until ``count`` processes of the run are up (runner, workers, kernels), then a moment
    more so the notebooks are half-way."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()
        if len(_marked(mark)) >= count:
            time.sleep(1.0)
            assert proc.poll() is None, "the run ended before it could be interrupted"
            return
        time.sleep(0.1)
    raise AssertionError(f"the run did not start {count} processes in {timeout} s: {_marked(mark)}")


def _wait_gone(mark: str, timeout: float = 20) -> list[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        left = _marked(mark)
        if not left:
            return []
        time.sleep(0.1)
    return _marked(mark)


def _leftovers(tmpdir: Path, out: Path) -> list[str]:
    found = [p.name for p in tmpdir.iterdir()]
    found += [p.name for p in out.iterdir() if p.name.startswith(".")] if out.exists() else []
    if (out / "ipynb").is_dir():
        found += [f"ipynb/{p.name}" for p in (out / "ipynb").iterdir() if p.name.startswith(".")]
    return found


def _stale_run(out: Path) -> None:
    """An earlier run's index and combined report, which the new run must invalidate."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "index.html").write_text("<p>EARLIER RUN</p>", encoding="utf-8")
    (out / "deal-report.html").write_text("<p>EARLIER RUN</p>", encoding="utf-8")


@pytest.mark.parametrize(
    "how, code, extra", [("SIGINT", 130, ()), ("SIGTERM", 143, ()), ("SIGTERM", 143, ("--fresh-kernels",))]
)
def test_sigint_sigterm_leave_no_process_and_no_temp_folder(tmp_path, short_tmp, how, code, extra):
    out = tmp_path / "out"
    _stale_run(out)
    proc, mark, tmpdir = _start(short_tmp, out, "--jobs", "3", *extra)
    _wait_for_kernels(proc, mark, 7)  # the runner, 3 workers, 3 kernels
    if how == "SIGINT":  # Ctrl-C in a terminal: the whole foreground process group
        os.killpg(proc.pid, signal.SIGINT)
    else:
        os.kill(proc.pid, signal.SIGTERM)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == code, stderr
    assert "Traceback" not in stderr and "interrupted" in stderr
    assert _wait_gone(mark) == [], "processes of the run are still alive"
    assert _leftovers(tmpdir, out) == []
    assert not (out / "index.html").exists() and not (out / "deal-report.html").exists()


@pytest.mark.parametrize("extra", [(), ("--fresh-kernels",)])
def test_sigkill_leaves_no_process_and_next_run_reaps_the_folders(tmp_path, short_tmp, extra):
    out = tmp_path / "out"
    _stale_run(out)
    proc, mark, tmpdir = _start(short_tmp, out, "--jobs", "3", *extra)
    _wait_for_kernels(proc, mark, 7)
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=60)
    assert _wait_gone(mark) == [], "workers or kernels outlived the killed runner"
    assert not (out / "index.html").exists() and not (out / "deal-report.html").exists()
    left = _leftovers(tmpdir, out)
    assert any(n.startswith("dealkit-run-") for n in left), left  # what the next run must reap
    # the next run reaps them, and links only its own pages
    proc2, mark2, _ = _start(short_tmp, out, "--notebook", "00_overview", "--jobs", "1")
    _, stderr = proc2.communicate(timeout=300)
    assert proc2.returncode == 0, stderr
    assert _wait_gone(mark2) == []
    assert _leftovers(tmpdir, out) == []
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="00_overview.html"' in index and 'href="01_notes.html"' not in index
    assert "EARLIER RUN" not in index


def test_planted_symlinks_are_never_followed(tmp_path, short_tmp):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious", encoding="utf-8")
    out = tmp_path / "out"
    (out / "ipynb").mkdir(parents=True)
    for name in (
        "index.html",
        "deal-report.html",
        "00_overview.html",
        ".00_overview.running.ipynb",
        "ipynb/00_overview.ipynb",
        "ipynb/.00_overview.running.ipynb",
    ):
        (out / name).symlink_to(victim)
    proc, mark, tmpdir = _start(short_tmp, out, "--notebook", "00_overview", "--jobs", "1")
    _, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 0, stderr
    assert victim.read_text(encoding="utf-8") == "precious"
    for name in ("index.html", "deal-report.html", "00_overview.html", "ipynb/00_overview.ipynb"):
        assert (out / name).is_file() and not (out / name).is_symlink(), name
    assert _wait_gone(mark) == [] and _leftovers(tmpdir, out) == []


def test_a_symlinked_ipynb_folder_is_refused(tmp_path, short_tmp):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    (out / "ipynb").symlink_to(elsewhere, target_is_directory=True)
    proc, mark, tmpdir = _start(short_tmp, out, "--notebook", "00_overview", "--jobs", "1")
    _, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 2 and "symbolic link" in stderr and "Traceback" not in stderr, stderr
    assert list(elsewhere.iterdir()) == []
    assert _wait_gone(mark) == [] and [n for n in _leftovers(tmpdir, out)] == []


@pytest.fixture
def tiny_disk(tmp_path):
    """A 2 MB tmpfs: a report (5 MB a page, plotly.js inlined) cannot fit."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], capture_output=True)
    if result.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {result.stderr.decode(errors='replace').strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def test_full_disk_is_one_clear_error_with_nothing_half_written(tmp_path, short_tmp, tiny_disk):
    out = tiny_disk / "reports"
    proc, mark, tmpdir = _start(short_tmp, out, "--notebook", "00_overview", "--jobs", "1")
    _, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 2, stderr
    assert "No space left on device" in stderr and "Traceback" not in stderr, stderr
    assert len(stderr.strip().splitlines()) == 1, stderr
    assert not (out / "00_overview.html").exists() and not (out / "index.html").exists()
    assert [p for p in out.rglob("*") if p.is_file() and p.suffix in (".tmp", ".html")] == []
    assert _wait_gone(mark) == [] and _leftovers(tmpdir, out) == []


def test_unwritable_output_folder_is_a_clear_error(tmp_path):
    if os.geteuid() == 0:
        target = Path("/proc/dealkit-reports")  # not even root can create a folder here
    else:
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        target = locked / "reports"
    proc = subprocess.run(
        [*DEALKIT, "report", "--notebook", "00_overview", "--out", str(target)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    assert str(target) in proc.stderr and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert sys.executable  # the runner's own environment ran it


@pytest.mark.parametrize("seed", range(full_or(1, 12)))
def test_kill_at_a_random_moment(tmp_path, short_tmp, seed):
    """A signal at a random moment of a run (start-up, kernels booting, notebooks executing,
    pages being written); then a short run in the same folders reaps whatever was left."""
    rng = random.Random(seed)
    how = rng.choice([signal.SIGINT, signal.SIGTERM, signal.SIGKILL])
    jobs = rng.choice(["1", "2", "3"])
    out = tmp_path / "out"
    proc, mark, tmpdir = _start(short_tmp, out, "--jobs", jobs)
    time.sleep(rng.uniform(0.2, 8.0))
    # a signal that lands while Python is still importing dealkit, before the runner has made
    # anything, ends the process as Python does (-15, or a KeyboardInterrupt in an import); the
    # checks below (no process, no folder) hold all the same
    if proc.poll() is None:
        if how == signal.SIGINT:
            os.killpg(proc.pid, how)
        else:
            os.kill(proc.pid, how)
    _, stderr = proc.communicate(timeout=120)
    early = proc.returncode in (-signal.SIGTERM, -signal.SIGINT) or (
        proc.returncode == 1 and stderr.rstrip().endswith("KeyboardInterrupt") and "import" in stderr
    )
    if not early:
        assert "Traceback" not in stderr, stderr
        assert proc.returncode in (0, 130, 143, -signal.SIGKILL), (proc.returncode, stderr)
    assert _wait_gone(mark) == [], f"processes left after {how!r} (jobs {jobs})"
    if proc.returncode != -signal.SIGKILL:
        assert _leftovers(tmpdir, out) == []
    if (out / "index.html").exists():  # the signal came after the run had written its index
        index = (out / "index.html").read_text(encoding="utf-8")
        for href in re.findall(r'href="([^"#]+)"', index):
            assert (out / href).is_file(), href  # it links only this run's complete files
    proc2, mark2, _ = _start(short_tmp, out, "--notebook", "03_option", "--jobs", "1")
    _, stderr = proc2.communicate(timeout=300)
    assert proc2.returncode == 0, stderr
    assert _wait_gone(mark2) == [] and _leftovers(tmpdir, out) == []
