"""Issue 11, first bullet: no constant in dealkit repeats a value of the deal file.

Every numeric value of ``data/deal.yaml`` (money, rates, multiples, prices, share counts, day
counts and dates, with the ends of every assumed range) is collected from the raw YAML; the AST
of every ``dealkit/*.py`` module is walked, and a literal equal to one of them fails the test:
an ``int`` or ``float`` constant, ``Decimal("...")`` / ``Fraction("...")`` of a constant, and
``date(y, m, d)`` / ``date.fromisoformat("...")`` of constants. Only the values in
:data:`ALLOWED` (each justified below) may appear.
"""

from __future__ import annotations

import ast
import datetime as dt
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
DEAL = ROOT / "data" / "deal.yaml"
PACKAGE = ROOT / "dealkit"

#: Numbers that happen to equal a value of the deal file but are used in code as what they
#: generically are, never as the deal's term. Each entry says why. (The Series D ratio, 10,000,
#: IS a deal term and is not allowed; nor are 360-day rates, multiples, faces, counts, dates.)
ALLOWED: dict[Decimal, str] = {
    Decimal(0): "zero: empty sums, starting balances, slider minimums (it is only a range's low end "
    "in the deal file, never a term)",
    Decimal(1): "one: unit steps, a whole share, identity ratios, `range(1, ...)`; the §5.2 one day "
    "is read from the deal (escrow.notice_deemed_given_days) where it is used",
    Decimal(2): "two: decimal places of a cent, halving (half-up rounding, bid/ask mean), pairs; "
    "equals no deal value except by coincidence of small counts",
    Decimal(3): "three: plot coordinates, scenario spacing in business days, the last three words "
    "of a title; the Option §2.1 three business days are read from the deal",
    Decimal(5): "five: `weekday() < 5` (Monday-Friday), the 5-day average-close window of the "
    "Laurus form, scenario spacing; the §4.1(d) five business days are read from the deal",
    Decimal(12): "twelve: months in a year (monthly rate x 12), plotly marker sizes, slider bounds",
    Decimal(100): "a hundred: percent conversion (fraction x 100) and plausibility bounds",
    Decimal("0.01"): "the cent (the money quantum) and a percent step; it equals the low end of the "
    "assumed prime-margin range only by coincidence",
}


#: Bare numbers (not ``Decimal``/``Fraction``/``date`` of a constant) that equal a deal value by
#: coincidence, per module: plotly layout positions, slider steps, numerical constants of the
#: float engines. Rule modules compute terms with Decimal and Fraction only; any other literal, in
#: these modules too, is still checked. Each entry says what the number is.
COINCIDENCES: dict[tuple[str, Decimal], str] = {
    ("charts.py", Decimal("0.5")): "half a unit: the centre of a node in the state diagram, axis padding",
    ("charts.py", Decimal("1.2")): "plotly arrowsize of the state diagram's arrows",
    ("charts.py", Decimal("1.15")): "plotly paper y of the buttons above a chart",
    ("charts.py", Decimal("0.25")): "plotly paper y of a legend below a chart (-0.25; the sign is an operator)",
    ("charts.py", Decimal("1.02")): "plotly paper y of an annotation just above a chart",
    ("charts_escrow.py", Decimal("0.5")): "half a unit: the centre of a node in the state diagram, axis padding",
    ("charts_escrow.py", Decimal("1.2")): "plotly arrowsize of the state diagram's arrows",
    ("charts_option.py", Decimal("1.15")): "plotly paper y of the buttons above a chart",
    ("charts_option.py", Decimal("0.25")): "plotly paper y of a legend below a chart (-0.25; the sign is an operator)",
    ("charts_schedules.py", Decimal("1.02")): "plotly paper y of an annotation just above a chart",
    (
        "charts_schedules.py",
        Decimal("0.5"),
    ): "the centre of the plotting area (paper x and y) of an empty chart's message",
    ("widgets.py", Decimal("0.05")): "log10 step of the FMV and conversion-price sliders",
    ("widgets.py", Decimal("0.25")): "step of the margin and floor sliders, in percentage points",
    ("widgets.py", Decimal("0.1")): "low end and step of the price-shock slider (a multiplier of market prices)",
    # present/widgets.py's explorers moved to present/explorers.py (issue 11: no module over 400 lines)
    ("explorers.py", Decimal("0.05")): "log10 step of the FMV and conversion-price sliders",
    ("explorers.py", Decimal("0.25")): "step of the margin and floor sliders, in percentage points",
    ("explorers.py", Decimal("0.1")): "low end and step of the price-shock slider (a multiplier of market prices)",
    ("loader.py", Decimal("0.5")): "a square root (`** 0.5`) in the YAML alias-expansion bound",
    ("market/gbm.py", Decimal("0.5")): "the half-up rounding offset of a simulated close (micro-dollars)",
    ("market/simulate.py", Decimal("1E+9")): "bytes per gigabyte in the memory-limit message",
    ("engines/risk/xirr.py", Decimal("1.1")): "the IRR solver's Newton start, log(1 + 10%)",
    ("engines/risk/scenarios.py", Decimal(10000)): "the default number of simulated price paths (n_paths), "
    "not the Series D ratio",
    ("present/risk_tables.py", Decimal(75)): "the 75th percentile (with the 5th, 25th, 50th and 95th)",
    ("present/risk_charts.py", Decimal(75)): "the 25-75% percentile band",
    ("present/risk_widgets.py", Decimal("0.05")): "step of the holder-trigger and recovery sliders",
    ("05_risk.ipynb", Decimal("0.5")): "a volatility multiplier of the two-way table (0.5, 1.0, 1.5, 2.0)",
    ("bundle.py", dt.date(2008, 1, 31)): "Term B's maturity as extended, an assumption of 01_notes's "
    "term_b_maturity parameter (kept in step with it; the deal file "
    "gives only the stated 2007-03-06); the export's default_date "
    "takes the notice of default from the deal",
}


def _numeric(value) -> Decimal | dt.date | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        try:
            d = Decimal(value)
        except InvalidOperation:
            return None
        return d if d.is_finite() else None
    return None


def deal_values(raw) -> dict[object, str]:
    """Every numeric value of the deal file with the field path of its first occurrence: ``value``
    and ``range`` entries of cited values, share counts, day counts and dates anywhere."""
    found: dict[object, str] = {}

    def walk(node, path: str) -> None:
        if isinstance(node, dict):
            for key, val in node.items():
                if key in (
                    "doc",
                    "sec",
                    "url",
                    "assumed",
                    "note",
                    "as_written",
                    "seed",
                    "id",
                    "exhibit",
                    "purchaser_fax",
                    "schema_version",
                ):
                    continue
                walk(val, f"{path}.{key}" if path else str(key))
        elif isinstance(node, list):
            for i, val in enumerate(node):
                walk(val, f"{path}[{i}]")
        else:
            num = _numeric(node)
            if num is not None:
                found.setdefault(num, path)

    walk(raw, "")
    return found


def _const(node):
    return node.value if isinstance(node, ast.Constant) else None


def _call_name(node: ast.Call) -> str:
    f = node.func
    if isinstance(f, ast.Name):
        return f.id
    if isinstance(f, ast.Attribute):
        base = f.value
        prefix = (
            (base.id + ".")
            if isinstance(base, ast.Name)
            else ((base.attr + ".") if isinstance(base, ast.Attribute) else "")
        )
        return prefix + f.attr
    return ""


def literals(tree: ast.AST):
    """(line, source form, value) of every numeric or date literal in a module."""
    inside_calls: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = _call_name(node)
            args = [_const(a) for a in node.args]
            if (
                name in ("Decimal", "Fraction", "decimal.Decimal", "fractions.Fraction")
                and len(args) == 1
                and isinstance(args[0], str)
            ):
                try:
                    yield node.lineno, f'{name}("{args[0]}")', Decimal(args[0])
                except InvalidOperation:
                    pass
            elif (
                name in ("date", "dt.date", "datetime.date")
                and len(args) == 3
                and all(isinstance(a, int) for a in args)
            ):
                inside_calls.update(id(a) for a in node.args)
                try:
                    yield node.lineno, f"{name}{tuple(args)}", dt.date(*args)
                except ValueError:
                    pass
            elif name.endswith("date.fromisoformat") and len(args) == 1 and isinstance(args[0], str):
                try:
                    yield node.lineno, f'{name}("{args[0]}")', dt.date.fromisoformat(args[0])
                except ValueError:
                    pass
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and id(node) not in inside_calls
            and isinstance(node.value, (int, float))
            and not isinstance(node.value, bool)
        ):
            value = Decimal(repr(node.value)) if isinstance(node.value, float) else Decimal(node.value)
            yield node.lineno, repr(node.value), value


def _coincidence(where: str, form: str, value) -> bool:
    """A bare number listed in :data:`COINCIDENCES` for this module or notebook (by its path in the
    package or, since the issue 11 layers moved the modules, by its file name)."""
    listed = (where, value) in COINCIDENCES or (where.rsplit("/", 1)[-1], value) in COINCIDENCES
    if isinstance(value, dt.date):
        return listed
    return "(" not in form and listed


def offending_literals(values: dict[object, str]) -> list[str]:
    problems = []
    for module in sorted(PACKAGE.rglob("*.py")):  # subpackages too
        name = module.relative_to(PACKAGE).as_posix()
        tree = ast.parse(module.read_text(encoding="utf-8"), filename=str(module))
        for line, form, value in literals(tree):
            if isinstance(value, Decimal) and value in ALLOWED:
                continue
            if _coincidence(name, form, value):
                continue
            if value in values:
                problems.append(f"dealkit/{name}:{line}: {form} repeats deal value {values[value]}")
    return problems


def test_collects_the_deal_terms():
    """The collector sees money, rates, multiples, share counts, day counts and dates."""
    values = deal_values(yaml.safe_load(DEAL.read_text(encoding="utf-8")))
    for expected in (
        Decimal("12000000.00"),
        Decimal("450000.00"),
        Decimal("0.0499"),
        Decimal("1.30"),
        Decimal("0.015"),
        Decimal(140250000),
        Decimal("0.00001"),
        Decimal(10000),
        Decimal(75),
        Decimal(2000000000),
        Decimal("13580810.00"),
        dt.date(2008, 9, 6),
        dt.date(2005, 9, 7),
        Decimal("0.0325"),
    ):
        assert expected in values, expected


def test_finder_catches_each_literal_form():
    """The AST walk flags every form of literal it claims to (guards the test itself)."""
    src = (
        "from decimal import Decimal\nimport datetime as dt\nfrom fractions import Fraction\n"
        "a = Decimal('1.30')\nb = 0.015\nc = 2_000_000_000\nd = dt.date(2008, 9, 6)\n"
        "e = dt.date.fromisoformat('2005-09-07')\nf = Fraction('0.0499')\ng = 10_000\nh = 12000000.0\n"
    )
    found = {(line, value) for line, _, value in literals(ast.parse(src))}
    assert {line for line, _ in found} >= {4, 5, 6, 7, 8, 9, 10, 11}
    values = deal_values(yaml.safe_load(DEAL.read_text(encoding="utf-8")))
    assert all(v in values for _, v in found if not (isinstance(v, Decimal) and v in ALLOWED))


def test_no_constant_in_dealkit_repeats_a_deal_value():
    values = deal_values(yaml.safe_load(DEAL.read_text(encoding="utf-8")))
    problems = offending_literals(values)
    assert not problems, "deal values repeated in code:\n" + "\n".join(problems)


def test_no_notebook_code_repeats_a_deal_value():
    """The notebooks' code cells (the ``parameters`` cell aside: its defaults are strings, market
    data or "deal") take every term from the loaded deal too."""
    import json

    values = deal_values(yaml.safe_load(DEAL.read_text(encoding="utf-8")))
    problems = []
    from dealkit.report.runner import NOTEBOOK_DIR

    paths = sorted(Path(NOTEBOOK_DIR).glob("*.ipynb"))
    assert paths, f"no notebooks in {NOTEBOOK_DIR}"
    for path in paths:
        for i, cell in enumerate(json.loads(path.read_text(encoding="utf-8"))["cells"]):
            if cell["cell_type"] != "code" or "parameters" in cell["metadata"].get("tags", []):
                continue
            for line, form, value in literals(ast.parse("".join(cell["source"]))):
                if (
                    not (isinstance(value, Decimal) and value in ALLOWED)
                    and value in values
                    and not _coincidence(path.name, form, value)
                ):
                    problems.append(f"{path.name} cell {i} line {line}: {form} repeats deal value {values[value]}")
    assert not problems, "deal values repeated in notebooks:\n" + "\n".join(problems)


#: Run in a fresh interpreter by the test below: argv = deal file, output folder, notebooks.
_NO_FALLBACK_SCRIPT = r"""
import json, sys
import dealkit.rules.escrow.terms, dealkit.rules.notes.default, dealkit.rules.notes.interest
import dealkit.rules.notes.terms, dealkit.rules.option.terms

def refuse():
    raise AssertionError("a term was read from the embedded deal file")

for module, name in ((dealkit.rules.notes.terms, "embedded_deal"), (dealkit.rules.notes.interest, "embedded_deal"),
                     (dealkit.rules.notes.default, "embedded_deal"), (dealkit.rules.option.terms, "embedded_deal"),
                     (dealkit.rules.escrow.terms, "_embedded_deal")):
    setattr(module, name, refuse)
from IPython.core.interactiveshell import InteractiveShell
shell = InteractiveShell.instance()
shell.display_pub.publish = lambda *a, **k: None
deal, out = sys.argv[1], sys.argv[2]
for path in sys.argv[3:]:
    shell.run_line_magic("reset", "-f")
    for cell in json.load(open(path, encoding="utf-8"))["cells"]:
        if cell["cell_type"] != "code":
            continue
        result = shell.run_cell("".join(cell["source"]), store_history=False)
        if "parameters" in cell["metadata"].get("tags", []):
            shell.push({"deal_path": deal, "output_dir": out})
        if not result.success:
            print(f"{path}: {result.error_in_exec or result.error_before_exec!r}")
            sys.exit(1)
print("ok")
"""


def test_no_notebook_reads_a_term_from_the_embedded_deal_file(write_deal, tmp_path):
    """Every notebook's code, run on a copy of the deal file, never falls back on a keyword
    default read from the embedded deal file (the rules' defaults are for callers without a deal;
    a notebook that used one would keep the embedded term whatever the deal file says)."""
    import subprocess
    import sys

    notebooks = sorted(str(p) for p in (ROOT / "notebooks").glob("*.ipynb"))
    assert notebooks
    proc = subprocess.run(
        [sys.executable, "-c", _NO_FALLBACK_SCRIPT, str(write_deal()), str(tmp_path / "out"), *notebooks],
        capture_output=True,
        text=True,
        cwd=ROOT / "notebooks",
        timeout=300,
    )
    assert proc.returncode == 0 and proc.stdout.strip().endswith("ok"), proc.stdout[-2000:] + proc.stderr[-2000:]
