"""`make lab`'s server: JupyterLab starts on loopback in the project's environment, lists the
notebooks through its API, offers the python3 kernel, and stops."""

import json
import os
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
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
           f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
           f"--ServerApp.root_dir={ROOT / 'notebooks'}", f"--ServerApp.runtime_dir={tmp_path}"]
    if os.geteuid() == 0:  # CI runs as root
        cmd.append("--allow-root")
    server = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "JUPYTER_CONFIG_DIR": str(tmp_path / "cfg")})
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
