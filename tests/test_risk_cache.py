"""The cheaper risk computation gives the same integers: the one-pass rounding of a simulated
close against an exact Fraction twin, a plan built from the fixed-layer cache against one built
from nothing, the metrics asked one by one against all of them at once (the IRR's by-date flows),
a row with nothing due in the whole-width stock arithmetic, GBM variants drawn from shared shocks
against each drawn alone, and the heap setting."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import platform
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from conftest import full_or
from hypothesis import given, settings
from hypothesis import strategies as st

import dealkit
from dealkit import market as mk
from dealkit.engines.risk import plan as plan_module
from dealkit.engines.risk.conversion import scheduled_rows
from dealkit.engines.risk.default import run
from dealkit.engines.risk.heap import retain_freed_memory
from dealkit.engines.risk.metrics import METRICS, metrics
from dealkit.engines.risk.terms import holder_policy, risk_terms
from dealkit.engines.risk.windows import windows
from dealkit.errors import ParameterError
from dealkit.rules import notes

DEAL = dealkit.load_deal()
PRIME = dealkit.load_prime()
BASE = notes.assumptions_from_deal(DEAL)


def _micro_twin(p: float) -> int:
    """⌊min(max(p, 1), 2⁴⁰) + ½⌋ in exact rationals."""
    return math.floor(min(max(Fraction(p), Fraction(1)), Fraction(2**40)) + Fraction(1, 2))


@settings(max_examples=full_or(50, 2000))
@given(st.lists(st.floats(min_value=0.0, max_value=2.0**42, allow_nan=False), min_size=1, max_size=20))
def test_to_micro_is_the_exact_half_up(values):
    """The add-and-cast pass is the floor of x + ½ (x ≥ 1 after the clip, x + ½ exact below 2⁵¹)."""
    twin = [_micro_twin(v) for v in values]
    assert mk.to_micro(np.array(values)).tolist() == twin
    out = np.empty(len(values), dtype=np.int64)
    assert mk.to_micro(np.array(values), out) is out and out.tolist() == twin


def _plan(a: notes.NoteAssumptions, **kw) -> plan_module.Plan:
    return plan_module.build_plan(DEAL, a, kw.pop("terms", None), prime=PRIME, **kw)


def _read(schedule: notes.Schedule) -> list[tuple]:
    """What a plan reads of a schedule's rows."""
    return [(r["date"], r["opening"], r["interest"], r["principal_due"]) for r in schedule.rows]


def _same_plan(p: plan_module.Plan, q: plan_module.Plan) -> None:
    for field in dataclasses.fields(p):
        x, y = getattr(p, field.name), getattr(q, field.name)
        if field.name == "notes":
            for name in x:
                for nf in dataclasses.fields(x[name]):
                    u, v = getattr(x[name], nf.name), getattr(y[name], nf.name)
                    if nf.name == "schedule":  # built by the first plan of the layer (as before): what a plan reads
                        u, v = _read(u), _read(v)
                    assert np.array_equal(u, v) if isinstance(u, np.ndarray) else u == v, (name, nf.name)
        elif field.name == "revolver":
            for rf in dataclasses.fields(x):
                u, v = getattr(x, rf.name), getattr(y, rf.name)
                assert np.array_equal(u, v) if isinstance(u, np.ndarray) else _read(u) == _read(v), rf.name
        elif isinstance(x, np.ndarray):
            assert np.array_equal(x, y), field.name
        else:
            assert x == y, field.name


@pytest.mark.parametrize(
    "change",
    [
        {"fixed_conversion_price": Decimal("0.0100")},
        {"cash_premium": Decimal("1.03"), "amortization_volume_cap": Decimal("0.30")},
        {"amortization_share_test": Decimal("1.50"), "maturity_conversion_test": Decimal("1.00")},
    ],
)
def test_a_plan_from_the_cache_is_the_plan_from_nothing(change):
    """A run that changes only the stock-payment terms reuses the fixed layer (schedules, default
    table, interest parts, accruals, the revolver's plan): the plan is the one built afresh."""
    a = dataclasses.replace(BASE, **change)
    for terms in (None, risk_terms(revolver="cash")):
        plan_module._FIXED.clear()
        fresh = _plan(a, terms=terms)
        plan_module._FIXED.clear()
        _plan(BASE, terms=terms)  # the fixed layer now comes from the base terms
        cached = _plan(a, terms=terms)
        assert cached.notes["term_a"].cols is _plan(BASE, terms=terms).notes["term_a"].cols  # shared
        _same_plan(cached, fresh)


def test_the_cache_keys_on_what_the_fixed_layer_reads():
    """The margin and the day count change the layer; the shared arrays are read-only."""
    plan_module._FIXED.clear()
    base = _plan(BASE)
    assert _plan(dataclasses.replace(BASE, margin=Decimal("0.01"))).notes["term_a"].rate_parts != (
        base.notes["term_a"].rate_parts
    )
    plan_module._FIXED.clear()
    _plan(BASE)
    key_count = len(plan_module._FIXED)
    _plan(dataclasses.replace(BASE, day_count="ACT/365"))
    assert len(plan_module._FIXED) == key_count + 1
    for p in base.notes.values():
        for column in (p.cols, p.opening, p.interest, p.due, p.amortizes):
            with pytest.raises(ValueError):
                column[0] = column[0]
    assert base.revolver is not None and not base.revolver.moves.flags.writeable


@pytest.mark.parametrize("policy", ["legacy", "holder"])
def test_metrics_one_by_one_are_the_metrics_at_once(policy):
    """Without the IRR the flows are summed per note, not laid out by date: the same integers."""
    holder = holder_policy("convert", "1.2") if policy == "holder" else None
    terms = risk_terms(revolver="cash", holder=holder)
    plan = _plan(dataclasses.replace(BASE, fixed_conversion_price=Decimal("0.02")), terms=terms)
    w = windows(mk.simulate("gbm", 400, 3, *mk.path_window(plan.grid)), plan.grid)
    res = run(plan, w)
    everything = metrics(res)
    for name in METRICS:
        alone = metrics(res, (name,))[name]
        assert np.array_equal(alone, everything[name], equal_nan=True), name
    pair = metrics(res, ("stock_value", "atg_cost"))
    assert np.array_equal(pair["atg_cost"], everything["atg_cost"])


def test_a_row_with_nothing_due_is_empty_and_leaves_the_others_alone():
    """scheduled_rows computes every row at once: a row with nothing due (here one in the middle
    of the amortization) has nothing in stock or cash and no code, and every other row is what it
    is without that hole."""
    plan = _plan(BASE)
    w = windows(mk.simulate("gbm", 300, 5, *mk.path_window(plan.grid)), plan.grid)
    p = plan.notes["term_a"]
    due_rows = np.nonzero(p.due > 0)[0]
    hole = int(due_rows[len(due_rows) // 2])
    due = p.due.copy()
    due[hole] = 0
    whole, holed = scheduled_rows(p, plan, w), scheduled_rows(dataclasses.replace(p, due=due), plan, w)
    keep = np.arange(len(p.cols)) != hole
    for k in ("principal_cash", "principal_stock", "premium", "shares", "series_d", "limited_by"):
        assert np.array_equal(whole[k][:, keep], holed[k][:, keep]), k
        assert not holed[k][:, hole].any(), k


def test_retain_freed_memory_is_set_once():
    """glibc takes the two thresholds; a second call does nothing more and says the same."""
    first = retain_freed_memory()
    assert retain_freed_memory() is first
    if platform.system() == "Linux" and platform.libc_ver()[0] == "glibc":
        assert first is True


@pytest.mark.parametrize("n", [1, 255, 257, mk.CHUNK + 3])
def test_variants_drawn_once_are_the_variants_drawn_each(n):
    """The two-way table's columns share their shocks: simulate_variants gives, variant for
    variant, the integers simulate gives (volume level 0 and the default assumptions included)."""
    first, last = dt.date(2005, 8, 1), dt.date(2006, 3, 1)
    variants = [
        mk.gbm_assumptions(volatility="0.5"),
        mk.gbm_assumptions(start_price="0.02", volatility="1.7", drift="-0.3", volume_level=0),
        {},
    ]
    together = mk.simulate_variants(n, 11, first, last, variants)
    for v, paths in zip(variants, together, strict=True):
        alone = mk.simulate("gbm", n, 11, first, last, assumptions=v or None)
        assert np.array_equal(paths.closes, alone.closes) and np.array_equal(paths.volumes, alone.volumes)
        assert paths.assumptions == alone.assumptions and paths.seed == alone.seed and paths.dates == alone.dates


def test_variants_count_every_variant_against_the_memory_limit():
    first, last = dt.date(2005, 8, 1), dt.date(2006, 3, 1)
    one = mk.check_memory(100, len(mk.trading_days(first, last)))
    assert len(mk.simulate_variants(100, 1, first, last, [{}, {}], memory_limit=2 * one)) == 2
    with pytest.raises(ParameterError, match="parameter n_paths"):
        mk.simulate_variants(100, 1, first, last, [{}, {}, {}], memory_limit=2 * one)
    with pytest.raises(ParameterError, match="parameter n_paths: must be at least 1"):
        mk.simulate_variants(0, 1, first, last, [{}])
