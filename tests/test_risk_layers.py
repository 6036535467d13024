"""Issue 11 for the risk part: the layers import only downward, the old modules re-export the same
objects, the engine takes ACT/360 from the deal's day_count through dealkit.core.daycount (no
second 360), and the engine's interest basis follows dealkit.core.money exactly."""

from __future__ import annotations

import ast
import datetime as dt
import importlib
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

import dealkit
from dealkit.core import daycount, money
from dealkit.engines.risk import plan as plan_module
from dealkit.rules import notes

PACKAGE = Path(dealkit.__file__).resolve().parent
MARKET = sorted((PACKAGE / "market").glob("*.py"))
ENGINE = sorted((PACKAGE / "engines" / "risk").glob("*.py")) + [PACKAGE / "engines" / "sweep.py"]


def _top_level_imports(path: Path) -> set[str]:
    """Modules a file imports when it is imported (module level, TYPE_CHECKING blocks excluded)."""
    names: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
    return names


@pytest.mark.parametrize("path", MARKET, ids=lambda p: p.name)
def test_market_imports_nothing_above_it(path):
    """dealkit.market sits below the rules, engines and presentation: it imports none of them."""
    above = (
        "dealkit.notes",
        "dealkit.option",
        "dealkit.engines",
        "dealkit.present",
        "dealkit.risk",
        "pandas",
        "plotly",
        "ipywidgets",
    )
    bad = sorted(n for n in _top_level_imports(path) if n.startswith(above))
    assert not bad, f"{path.name} imports {bad}"


@pytest.mark.parametrize("path", ENGINE, ids=lambda p: p.name)
def test_engines_import_no_presentation(path):
    """The engines import no presentation layer (pandas frames, plotly, widgets) at import time."""
    above = (
        "dealkit.present",
        "dealkit.risk_charts",
        "dealkit.risk_widgets",
        "pandas",
        "plotly",
        "ipywidgets",
        "dealkit.report",
        "dealkit.cli",
    )
    bad = sorted(n for n in _top_level_imports(path) if n.startswith(above))
    assert not bad, f"{path.name} imports {bad}"


def test_no_second_act_360_in_the_engine():
    """No literal 360 in the engine: its day-count year is core.daycount.year_days(day_count)."""
    for path in ENGINE:
        constants = [
            n.lineno
            for n in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(n, ast.Constant) and n.value == 360 and not isinstance(n.value, bool)
        ]
        assert not constants, f"{path.name}: 360 at lines {constants}"
    assert plan_module.year_days is daycount.year_days


def test_engine_interest_basis_is_money_act_360():
    """A row's interest factor is Σ rate × days / DAYS_IN_YEAR: on a principal where the quotient is
    exact, the engine's interest equals money.simple_interest_act_360 (unrounded) to the last digit."""
    start, end = dt.date(2005, 9, 7), dt.date(2005, 10, 3)
    rate = Decimal("0.09")
    year = daycount.year_days(notes.assumptions_from_deal(dealkit.load_deal()).day_count)
    ((factor, days),) = plan_module.rate_parts([(Fraction(rate), money.days_between(start, end))], "period", year)
    assert days == 1
    principal = Decimal(3600)
    exact = money.simple_interest_act_360(principal, rate, start, end, rounding=None)
    assert Fraction(principal) * factor == Fraction(exact)
    assert factor == Fraction(9, 100) * 26 / 360  # the twin: ACT/360 written out


_FACADES = {
    "dealkit.risk_engine": "dealkit.engines.risk",
    "dealkit.risk": "dealkit.engines.risk",
    "dealkit.market": "dealkit.market",
    "dealkit.sweep": "dealkit.report.sweep",
    "dealkit.risk_charts": "dealkit.present.risk_charts",
    "dealkit.risk_widgets": "dealkit.present.risk_widgets",
}


@pytest.mark.parametrize("old", sorted(_FACADES))
def test_old_modules_reexport_the_new_objects(old):
    """Every name of an old module's __all__ is importable from it and is the new layer's object
    (a class or function defined in a module of the new layout)."""
    module = importlib.import_module(old)
    assert module.__all__
    for name in module.__all__:
        obj = getattr(module, name)
        home = getattr(obj, "__module__", None)
        if callable(obj) and home is not None and home.startswith("dealkit."):
            layers = (_FACADES[old], "dealkit.present", "dealkit.engines", "dealkit.market", "dealkit.report", old)
            assert home.startswith(layers), f"{old}.{name} is defined in {home}"


def test_path_market_is_the_rules_market():
    """The Decimal twin's market (engine layer, re-exported by dealkit.risk_engine) is a notes.Market."""
    from dealkit import market, risk_engine
    from dealkit.engines.risk.path_market import PathMarket

    assert risk_engine.PathMarket is PathMarket and issubclass(PathMarket, notes.Market)
    assert not hasattr(market, "PathMarket")  # the market layer imports nothing above it


def test_importing_the_risk_modules_stays_light():
    """dealkit.risk and dealkit.risk_engine import no pandas or plotly (the tables import pandas
    where a frame is made): a chunked run of 1,000,000 paths keeps its memory for the paths."""
    import subprocess
    import sys

    code = (
        "import sys, dealkit.risk, dealkit.risk_engine, dealkit.market; "
        "print(sorted(m for m in ('pandas', 'plotly', 'ipywidgets') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"
