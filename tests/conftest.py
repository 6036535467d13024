"""Shared fixtures: the embedded deal as raw data, a writer of edited deal files, and one real
report run (papermill on the python3 kernel) shared by the report and browser tests."""

from __future__ import annotations

import copy
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
DEAL = ROOT / "data" / "deal.yaml"
DEALKIT = [sys.executable, "-m", "dealkit.cli"]


@pytest.fixture(scope="session")
def raw_deal() -> dict:
    return yaml.safe_load(DEAL.read_text(encoding="utf-8"))


@pytest.fixture
def write_deal(tmp_path, raw_deal):
    """write_deal(edit) -> path of a deal file in which ``edit(data)`` changed a copy."""

    def _write(edit=None, name="deal.yaml") -> Path:
        data = copy.deepcopy(raw_deal)
        if edit:
            edit(data)
        path = tmp_path / name
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
        return path

    return _write


def run_cli(*args: str, cwd: Path = ROOT, timeout: int = 600) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    return subprocess.run([*DEALKIT, *args], cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env)


@pytest.fixture(scope="session")
def report_run(tmp_path_factory):
    """``dealkit report`` on the default deal, once per test session: (completed process, out dir)."""
    out = tmp_path_factory.mktemp("reports")
    proc = run_cli("report", "--out", str(out))
    return proc, out


# Property and fuzz tests: a sample in the suite, the full runs on demand.
#   DEALKIT_FULL=1 .venv/bin/python -m pytest tests/...   (or `make fuzz`)
# Tests that want a size scaled by the profile use ``full_or(sample, full)``.
from hypothesis import settings as _hyp_settings  # noqa: E402

FULL = os.environ.get("DEALKIT_FULL") == "1"
_hyp_settings.register_profile("suite", deadline=None, derandomize=False)
_hyp_settings.register_profile("full", deadline=None, max_examples=2000)
_hyp_settings.load_profile("full" if FULL else "suite")


def full_or(sample: int, full: int) -> int:
    """The size of a fuzz or property run: ``sample`` in the suite, ``full`` with DEALKIT_FULL=1."""
    return full if FULL else sample


# Headless Debian chromium, driven by playwright: one browser for the whole session.
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium (``make test`` installs it), headless, through playwright."""
    from playwright import sync_api

    if not shutil.which("chromium"):
        pytest.fail("Debian's chromium is not installed: `make test` installs it (apt-get install chromium)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture(scope="session")
def deal():
    """The embedded deal, loaded once (immutable: a frozen model)."""
    import dealkit

    return dealkit.load_deal()


@pytest.fixture(scope="session")
def prime():
    """The embedded WSJ prime history, loaded once."""
    import dealkit

    return dealkit.load_prime()
