"""`make lab`'s server: JupyterLab starts on loopback in the project's environment, lists the
notebooks through its API, offers the python3 kernel, and stops."""

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from conftest import ROOT

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str):
    with urllib.request.urlopen(url, timeout=5) as resp:  # noqa: S310 - loopback only
        return resp.status, resp.read()


def test_lab_server_lists_notebooks(tmp_path):
    port, token = _free_port(), "dealkit-test-token"
    cmd = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={ROOT / 'notebooks'}",
        f"--ServerApp.runtime_dir={tmp_path}",
    ]
    if os.geteuid() == 0:  # CI runs as root
        cmd.append("--allow-root")
    server = subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "JUPYTER_CONFIG_DIR": str(tmp_path / "cfg")},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, body = _get(f"{base}/api/contents?token={token}")
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"JupyterLab did not start:\n{server.stdout.read() if server.stdout else ''}")
                time.sleep(0.3)
        assert status == 200
        names = {item["name"] for item in json.loads(body)["content"]}
        assert "00_overview.ipynb" in names
        status, body = _get(f"{base}/api/kernelspecs?token={token}")
        specs = json.loads(body)
        assert "python3" in specs["kernelspecs"]
        status, body = _get(f"{base}/lab?token={token}")
        assert status == 200 and b"JupyterLab" in body
        status, body = _get(f"{base}/api/contents/00_overview.ipynb?token={token}")
        nb = json.loads(body)["content"]
        assert any("parameters" in c["metadata"].get("tags", []) for c in nb["cells"])
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()


class _Lab:
    """A real JupyterLab server on a free loopback port, in its own HOME/config/data folders."""

    def __init__(self, root, home):
        self.port, self.token = _free_port(), "dealkit-test-token"
        (home / "settings" / "@jupyterlab" / "notebook-extension").mkdir(parents=True, exist_ok=True)
        # render every cell (JupyterLab 4 only renders the cells in view by default)
        (home / "settings" / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings").write_text(
            json.dumps({"windowingMode": "none"})
        )
        self.env = {
            "HOME": str(home),
            "PATH": f"{os.path.dirname(sys.executable)}:/usr/bin:/bin",
            "JUPYTER_CONFIG_DIR": str(home / "cfg"),
            "JUPYTER_DATA_DIR": str(home / "data"),
            "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
        }
        self.cmd = [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={root}",
            f"--ServerApp.runtime_dir={home / 'rt'}",
        ] + (["--allow-root"] if os.geteuid() == 0 else [])
        self.base = f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        self.server = subprocess.Popen(
            self.cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=self.env
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                _get(f"{self.base}/api/contents?token={self.token}")
                return self
            except OSError:
                if self.server.poll() is not None or time.monotonic() > deadline:
                    self.__exit__()
                    pytest.fail("JupyterLab did not start")
                time.sleep(0.3)

    def __exit__(self, *exc):
        self.server.terminate()
        try:
            self.server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.server.kill()


def test_lab_shows_money_as_text(report_run, tmp_path, browser):
    """The executed notebooks opened in the real JupyterLab: every dollar amount reads as text
    (markdown cells and computed output alike), while real math still typesets (a control cell)."""
    import nbformat

    _, out = report_run
    root = tmp_path / "nb"
    root.mkdir()
    home = tmp_path / "home"
    names = ["00_overview", "01_notes", "02_escrow", "03_option"]
    for name in names:
        nb = nbformat.read(out / "ipynb" / f"{name}.ipynb", as_version=4)
        nb.cells.append(nbformat.v4.new_markdown_cell("Control: $E = mc^2$"))
        nbformat.write(nb, root / f"{name}.ipynb")
    with _Lab(root, home) as lab:
        subprocess.run(
            [sys.executable, "-m", "jupyter", "trust", *[str(root / f"{n}.ipynb") for n in names]],
            env=lab.env,
            check=True,
            capture_output=True,
        )
        for name in names:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"{lab.base}/lab/tree/{name}.ipynb?reset&token={lab.token}")
            page.wait_for_selector(".jp-NotebookPanel .jp-MarkdownCell", timeout=60000)
            # the control cell typesets: MathJax is at work in this Lab
            page.wait_for_function(
                "[...document.querySelectorAll('.jp-NotebookPanel mjx-container')].length >= 1", timeout=30000
            )
            page.wait_for_timeout(1500)
            math = page.evaluate(
                "[...document.querySelectorAll('.jp-NotebookPanel mjx-container')]"
                ".map(e => e.closest('.jp-Cell').innerText.slice(0, 80))"
            )
            wrong = [m for m in math if not m.startswith("Control")]
            assert not wrong, f"{name}: LaTeX where money should be: {wrong}"
            text = page.locator(".jp-NotebookPanel .jp-Notebook").inner_text()
            assert re.search(r"\$\d{1,3}(,\d{3})+", text), f"{name}: no dollar amount shown as text"
            page.close()
