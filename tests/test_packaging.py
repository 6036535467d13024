"""The project's own files: pyproject and environment.yml in step, the README's two commands,
.ci/run, notebooks committed clean with a papermill parameters contract, and the built package:
an sdist and wheel that carry the deal, the prime history and the notebooks (and no tests), and a
wheel that works installed into a fresh virtual environment, run from another directory."""

import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import tomllib
import zipfile
from pathlib import Path

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


# --- the built package --------------------------------------------------------------------------
#: What the source tree holds for the sdist (the rest of the checkout is not copied: .venv, .git).
_SDIST_SOURCES = ("pyproject.toml", "README.md", "MANIFEST.in", "environment.yml", "dealkit", "tests", "benchmarks")
_JUNK = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints", "*.egg-info", "build")


def _shipped_files() -> set[str]:
    """Every file the running package reads, relative to the project root (``dealkit/...``)."""
    pkg = ROOT / "dealkit"
    patterns = (
        "data/*.yaml",
        "data/*.csv",
        "data/events/*.yaml",
        "notebooks/*.ipynb",
        "templates/**/*.*",
        "app/*.ipynb",
        "app/share/**/*.*",
    )
    found = {p.relative_to(ROOT).as_posix() for pat in patterns for p in pkg.glob(pat) if p.is_file()}
    assert {
        "dealkit/data/deal.yaml",
        "dealkit/data/prime_rate.csv",
        "dealkit/data/events/history.yaml",
        "dealkit/notebooks/00_overview.ipynb",
    } <= found, sorted(found)
    return found


def _build(tmp: Path, hook: str, source: Path, out: Path) -> Path:
    """Run setuptools' PEP 517 hook ``hook`` (build_sdist / build_wheel) on ``source``, offline
    (the build backend of this environment, no isolated download)."""
    out.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            f"import sys; from setuptools import build_meta as b; print(b.{hook}(sys.argv[1]))",
            str(out),
        ],
        cwd=source,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return out / proc.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """(sdist, wheel): the sdist built from a copy of the project, the wheel from the unpacked sdist
    (the route pip takes), both with the backend installed here."""
    tmp = tmp_path_factory.mktemp("build")
    src = tmp / "src"
    for name in _SDIST_SOURCES:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, src / name, ignore=_JUNK)
        elif path.is_file():
            src.mkdir(exist_ok=True)
            shutil.copy2(path, src / name)
    sdist = _build(tmp, "build_sdist", src, tmp / "dist")
    with tarfile.open(sdist) as tar:
        tar.extractall(tmp / "unpacked", filter="data")
    (unpacked,) = (tmp / "unpacked").iterdir()
    wheel = _build(tmp, "build_wheel", unpacked, tmp / "wheel")
    return sdist, wheel


def test_sdist_ships_the_data_and_no_tests(built):
    sdist, _ = built
    with tarfile.open(sdist) as tar:
        names = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
    assert _shipped_files() <= names, sorted(_shipped_files() - names)
    assert not [n for n in names if n.split("/")[0] in ("tests", "benchmarks")], sorted(names)


def test_wheel_ships_the_data_and_no_tests(built):
    _, wheel = built
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
    assert _shipped_files() <= names, sorted(_shipped_files() - names)
    assert not [n for n in names if n.split("/")[0] in ("tests", "benchmarks", "data", "notebooks")], sorted(names)
    assert "dealkit/deal/resources.py" in names and "dealkit/cli.py" in names


@pytest.mark.slow
def test_installed_wheel_runs_from_another_directory(built, tmp_path):
    """The wheel installed into a fresh venv (its dependencies: this environment's site-packages,
    on the path through a .pth file; the checkout's editable dealkit is not) runs ``dealkit check``
    and ``dealkit report`` from an unrelated directory, on the deal and notebooks it ships."""
    _, wheel = built
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    bin_dir = venv / "bin"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(bin_dir / "python"),
            "install",
            "--quiet",
            "--no-deps",
            "--no-index",
            "--no-warn-script-location",
            str(wheel),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    site = Path(
        subprocess.run(
            [str(bin_dir / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    # A plain path line: the directory joins sys.path after the venv's own site-packages, and its
    # .pth files (the editable install's finder) are not run.
    (site / "dealkit_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    # ... and the dependencies' data files (nbconvert's templates, the kernelspec) in the prefix,
    # where installing them into this venv would have put them.
    (venv / "share").mkdir(exist_ok=True)
    (venv / "share" / "jupyter").symlink_to(Path(sys.prefix) / "share" / "jupyter", target_is_directory=True)

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "DEALKIT_DATA", "VIRTUAL_ENV", "PYTHONHOME")}
    env.update(PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}", PYTHONWARNINGS="ignore")

    def run(*args: str, timeout: int = 300) -> subprocess.CompletedProcess:
        return subprocess.run(args, cwd=elsewhere, env=env, capture_output=True, text=True, timeout=timeout)

    where = run(
        str(bin_dir / "python"),
        "-c",
        "import dealkit, dealkit.loader as l, dealkit.report as r; "
        "print(dealkit.__file__); print(l.DEFAULT_DEAL); print(r.NOTEBOOK_DIR)",
    )
    assert where.returncode == 0, where.stderr
    for line in where.stdout.splitlines():
        assert Path(line).resolve().is_relative_to(site.resolve()), (line, site)
        assert not Path(line).resolve().is_relative_to(ROOT.resolve()), line

    data = run(
        str(bin_dir / "python"),
        "-c",
        "from dealkit.loader import load_deal, load_prime; from dealkit.obligations import load_events; "
        "deal = load_deal(); print(len(load_prime().dates), len(load_events('history', deal)), "
        "len(load_events('sample', deal)))",
    )
    assert data.returncode == 0, data.stderr
    assert all(int(n) > 0 for n in data.stdout.split()), data.stdout

    check = run(str(bin_dir / "dealkit"), "check")
    assert check.returncode == 0, check.stdout + check.stderr
    assert "embedded deal: valid" in check.stdout

    out = tmp_path / "reports"
    report = run(str(bin_dir / "dealkit"), "report", "--out", str(out), "--notebook", "00_overview")
    assert report.returncode == 0, report.stdout + report.stderr
    assert "1 of 1 notebooks ok" in report.stdout
    for page in ("00_overview.html", "deal-report.html"):
        assert (out / page).is_file() and (out / page).stat().st_size > 10_000, page
    assert "00_overview.html" in (out / "index.html").read_text(encoding="utf-8")
    executed = nbformat.read(out / "ipynb" / "00_overview.ipynb", as_version=4)
    deal_path = Path(executed.metadata["papermill"]["parameters"]["deal_path"])
    assert deal_path.resolve() == (site / "dealkit" / "data" / "deal.yaml").resolve(), deal_path
    assert "American Technologies Group" in (out / "00_overview.html").read_text(encoding="utf-8")
    assert not list(elsewhere.iterdir()), "the run wrote into the working directory"


def test_resource_paths_are_the_package_files(monkeypatch, tmp_path):
    """dealkit.deal.resources finds the shipped files in the package (the checkout's data/ and
    notebooks/ are symlinks to the same files); DEALKIT_DATA replaces the deal's folder only."""
    from dealkit import loader, obligations, report
    from dealkit.deal.resources import data_dir, notebook_dir, resource_path

    pkg = ROOT / "dealkit"
    assert resource_path("data", "deal.yaml") == pkg / "data" / "deal.yaml"
    assert (ROOT / "data").resolve() == (pkg / "data").resolve()
    assert (ROOT / "notebooks").resolve() == notebook_dir().resolve() == (pkg / "notebooks").resolve()
    assert loader.DEFAULT_DEAL == pkg / "data" / "deal.yaml" and loader.DEFAULT_PRIME.is_file()
    assert report.NOTEBOOK_DIR == pkg / "notebooks"
    assert obligations.scenario_path("history") == pkg / "data" / "events" / "history.yaml"
    monkeypatch.setenv("DEALKIT_DATA", str(tmp_path))
    assert data_dir() == tmp_path
    monkeypatch.delenv("DEALKIT_DATA")
    assert data_dir() == pkg / "data"


def test_readme_public_api_is_importable():
    """Every name the README's Public API table lists exists in the module(s) of its row."""
    import importlib
    import re

    section = (ROOT / "README.md").read_text(encoding="utf-8").split("## Public API")[1].split("\n## ")[0]
    rows = [line for line in section.splitlines() if line.startswith("| `dealkit")]
    assert len(rows) >= 10
    for row in rows:
        modules = [importlib.import_module(m) for m in re.findall(r"`(dealkit[\w.]*)`", row.split("|")[1])]
        for name in re.findall(r"`(\w+)", row.split("|")[2]):
            owners = [*modules, *(m.Market for m in modules if hasattr(m, "Market"))]
            assert any(hasattr(o, name) for o in owners), f"README lists {name!r}, not found in {row.split('|')[1]}"
