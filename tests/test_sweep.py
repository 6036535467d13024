"""dealkit sweep: the grid's validation (one clear line), a local run with a failing scenario
reported with its parameters, and the same sweep on a real Dask LocalCluster (processes)."""

from __future__ import annotations

import csv

import pytest
from conftest import run_cli

from dealkit.errors import ParameterError
from dealkit.sweep import load_grid, run_sweep


def _grid(tmp_path, text):
    p = tmp_path / "grid.yaml"
    p.write_text(text, encoding="utf-8")
    return p


@pytest.mark.parametrize(
    "text, message",
    [
        (
            "notebooks: [05_risk]\nparameters: {volatlity: ['1']}",
            "grid.yaml: parameters.volatlity: not declared by any of 05_risk",
        ),
        ("notebooks: [99_nothing]\nparameters: {}", "grid.yaml: notebooks:"),
        ("notebooks: [05_risk]\nparams: {}", "grid.yaml: params: unknown key"),
        ("notebooks: 05_risk", "grid.yaml: notebooks: expected a non-empty list"),
        ("notebooks: [05_risk]\nparameters: {seed: [[1, 2]]}", "grid.yaml: parameters.seed: expected a scalar value"),
        (
            "notebooks: [05_risk]\nparameters: {output_dir: ['x']}",
            "grid.yaml: parameters.output_dir: set by the sweep itself",
        ),
        ("notebooks: [05_risk\nparameters: {", "grid.yaml: not valid YAML at line"),
        ("- 1\n- 2", "grid.yaml: expected a mapping"),
    ],
)
def test_bad_grids_are_one_clear_line(tmp_path, text, message):
    with pytest.raises(ParameterError) as e:
        load_grid(_grid(tmp_path, text))
    assert message in str(e.value) and "\n" not in str(e.value)


def test_grid_combinations(tmp_path):
    g = load_grid(
        _grid(
            tmp_path,
            "notebooks: [01_notes, 05_risk]\nparameters: {margin: ['0.01', '0.02'], floor: ['0.06'], seed: [1, 2, 3]}",
        )
    )
    combos = g.combinations()
    assert len(combos) == 6 and combos[0] == {"margin": "0.01", "floor": "0.06", "seed": "1"}
    assert [p.stem for p in g.notebooks] == ["01_notes", "05_risk"]


def test_cli_refuses_an_unknown_name_before_running(tmp_path):
    proc = run_cli(
        "sweep",
        str(_grid(tmp_path, "notebooks: [05_risk]\nparameters: {margn: ['0.01']}")),
        "--out",
        str(tmp_path / "out"),
    )
    assert proc.returncode == 2 and "parameters.margn: not declared" in proc.stderr
    assert "Traceback" not in proc.stderr and not (tmp_path / "out").exists()


def _check_outputs(out, rows):
    assert [r["status"] for r in rows] == ["ok", "failed"]
    assert "volatility: must be greater than 0 (got '0')" in rows[1]["error"]
    with open(out / "sweep.csv", encoding="utf-8") as f:
        table = list(csv.DictReader(f))
    assert [t["volatility"] for t in table] == ["0.8", "0"] and table[1]["status"] == "failed"
    assert 0 <= float(table[0]["05_risk.defaulted"]) <= 1 and table[1]["05_risk.defaulted"] == ""
    assert "gbm, 200 paths, seed 7" in table[0]["05_risk.provenance"]
    page = (out / "sweep.html").read_text(encoding="utf-8")
    assert "1 of 2 scenarios ok" in page and "volatility=0" in page
    rest = page.split("</script>", 1)[1]  # after plotly.js, inlined once
    assert page.count("<script type='text/javascript'>") == 1
    assert "<script src" not in rest and "https://" not in rest
    assert (out / "scenario-000" / "05_risk.html").exists()


@pytest.mark.slow
def test_local_sweep_reports_the_failed_scenario_with_its_parameters(tmp_path):
    g = load_grid(_grid(tmp_path, "notebooks: [05_risk]\nparameters: {n_paths: ['200'], volatility: ['0.8', '0']}"))
    rows = run_sweep(g, tmp_path / "out", jobs=2, timeout=120, progress=False)
    _check_outputs(tmp_path / "out", rows)


@pytest.mark.slow
def test_sweep_on_a_dask_local_cluster(tmp_path):
    from distributed import Client, LocalCluster

    g = load_grid(_grid(tmp_path, "notebooks: [05_risk]\nparameters: {n_paths: ['200'], volatility: ['0.8', '0']}"))
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, scheduler_port=0
        ) as cluster,
        Client(cluster) as client,
    ):
        rows = run_sweep(g, tmp_path / "out", scheduler=cluster.scheduler_address, timeout=120, progress=False)
        assert len(client.scheduler_info()["workers"]) == 2
    _check_outputs(tmp_path / "out", rows)


def test_unreachable_scheduler_is_one_line(tmp_path):
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = run_cli(
        "sweep",
        str(_grid(tmp_path, "notebooks: [05_risk]\nparameters: {seed: ['1']}")),
        "--out",
        str(tmp_path / "out"),
        "--scheduler",
        f"tcp://127.0.0.1:{port}",
    )
    assert proc.returncode == 2, proc.stderr
    assert f"dealkit sweep: --scheduler tcp://127.0.0.1:{port}: cannot reach the Dask scheduler" in proc.stderr
    assert "Traceback" not in proc.stderr
