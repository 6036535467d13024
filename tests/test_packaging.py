"""The project's own files: pyproject and environment.yml in step, the README's two commands,
.ci/run, and notebooks committed clean with a papermill parameters contract."""

import re
import tomllib

import nbformat
import papermill
import pytest
import yaml

from conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pyproject_pins() -> dict[str, str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    reqs = list(data["project"]["dependencies"])
    for extra in data["project"].get("optional-dependencies", {}).values():
        reqs += extra
    pins = {}
    for req in reqs:
        name, sep, version = req.partition("==")
        assert sep, f"pyproject.toml: {req!r} is not pinned with =="
        pins[_norm(name)] = version
    return pins


def _environment_pins() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    assert "conda-forge" in env["channels"]
    pins = {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            continue  # the pip section installs the project itself
        name, _, version = dep.partition("=")
        if name in ("python", "pip"):
            continue
        pins[_norm(name)] = version
    return pins


def test_environment_yml_lists_the_same_packages_as_pyproject():
    assert _environment_pins() == _pyproject_pins()


def test_environment_python_matches_requires_python():
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    assert "python=3.11" in env["dependencies"]
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert data["project"]["requires-python"].startswith(">=3.11")
    assert data["project"]["scripts"]["dealkit"] == "dealkit.cli:main"


def test_readme_opens_with_the_two_commands_and_ci_runs_the_test_one():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```(?:sh|bash|shell)?\n(.*?)```", readme, re.S)
    assert blocks, "README has no command block"
    first = [ln.strip() for ln in blocks[0].splitlines() if ln.strip() and not ln.strip().startswith("#")]
    assert first == ["make report", "make test"], first
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^make test\s*$", ci, re.M)
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^test: .*chromium", makefile, re.M), "make test must install chromium"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_committed_clean(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{path.name}: outputs committed"
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, f"{path.name}: exactly one cell tagged 'parameters'"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_parameters_contract(path):
    """`name: type = default  # help` for every parameter (papermill --help-notebook reads it),
    no '=' inside a help comment (it breaks papermill's inference), deal_path and interactive."""
    params = papermill.inspect_notebook(str(path))
    assert {"deal_path", "interactive"} <= set(params), path.name
    for name, spec in params.items():
        assert spec["inferred_type_name"] not in ("None", ""), f"{path.name}: {name} has no type"
        assert spec["help"], f"{path.name}: {name} has no help comment"
    cell = next(c for c in nbformat.read(path, as_version=4).cells if "parameters" in c.metadata.get("tags", []))
    for line in cell.source.splitlines():
        if "#" in line:
            assert "=" not in line.split("#", 1)[1], f"{path.name}: '=' in a comment: {line}"


def test_notebooks_are_thin():
    """Logic lives in dealkit: no def/class in a notebook, and few lines per code cell."""
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            assert not re.search(r"^\s*(def|class) ", cell.source, re.M), f"{path.name}: logic belongs in dealkit"
            if "parameters" in cell.metadata.get("tags", []):
                continue  # declarations, one a line (checked by test_parameters_contract)
            assert len(cell.source.splitlines()) <= 15, f"{path.name}: a long cell:\n{cell.source}"
