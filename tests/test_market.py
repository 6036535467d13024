"""Market paths: the CSV loader's row-precise validation, the simulations' reproducibility and
provenance, and bad parameters as one clear line."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

import numpy as np
import pytest
from conftest import full_or
from hypothesis import given, settings
from hypothesis import strategies as st

from dealkit import market as mk
from dealkit.engines.risk.path_market import path_market
from dealkit.errors import DealDataError, ParameterError

FIRST, LAST = dt.date(2005, 8, 1), dt.date(2005, 12, 30)


def _csv(tmp_path, lines, name="prices.csv"):
    p = tmp_path / name
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return p


def _good_lines(days=mk.trading_days(FIRST, LAST)):
    return ["date,close,volume"] + [
        f"{d},{Decimal('0.05') + Decimal(i) / 10000},{1_000_000 + i}" for i, d in enumerate(days)
    ]


def test_csv_round_trip_exact(tmp_path):
    p = mk.load_price_csv(_csv(tmp_path, _good_lines()))
    days = mk.trading_days(FIRST, LAST)
    assert p.dates == days and p.n == 1
    assert p.closes[0, 0] == 50_000 and p.closes[0, 3] == 50_300 and p.volumes[0, 3] == 1_000_003
    m = path_market(p, 0, 2_000_000_000, 5_000_000_000)
    assert m.close(days[3]) == Decimal("0.0503")
    # the dollar volume uses each day's own volume, exactly
    d = days[30]
    assert m.dollar_volume(d) == sum(
        Decimal(int(p.closes[0, i])).scaleb(-6) * int(p.volumes[0, i]) for i in range(8, 30)
    )
    assert "prices.csv" in p.provenance()


def _setf(k, field, value):
    def edit(lines):
        parts = lines[k].split(",")
        parts[field] = value
        lines[k] = ",".join(parts)

    return edit


@pytest.mark.parametrize(
    "edit, row, what",
    [
        (_setf(4, 1, "0"), 5, "close: must be a positive price"),
        (_setf(4, 1, "-0.05"), 5, "close: must be a positive price"),
        (_setf(6, 1, "abc"), 7, "close: not a number"),
        (_setf(6, 1, "NaN"), 7, "close: must be a positive price"),
        (_setf(6, 2, "12x"), 7, "volume: expected a whole number"),
        (lambda L: L.insert(6, L[5]), 7, "date: duplicate"),
        (lambda L: L.pop(9), 10, "date: gap, 1 trading day(s) missing"),
        (_setf(2, 0, "2005-08-06"), 3, "not an NYSE trading day"),
        (_setf(2, 0, "08/03/2005"), 3, "expected an ISO date"),
        (_setf(2, 1, "0.0500001"), 3, "more than 6 decimals"),
        (lambda L: L.__setitem__(0, "day,price,volume"), 1, "header must be date,close,volume"),
        (lambda L: L.__setitem__(2, L[2] + ",x"), 3, "expected 3 fields"),
    ],
)
def test_csv_errors_name_the_row(tmp_path, edit, row, what):
    lines = _good_lines()
    edit(lines)
    with pytest.raises(mk.MarketDataError) as e:
        mk.load_price_csv(_csv(tmp_path, lines))
    msg = str(e.value)
    assert msg.startswith(f"prices.csv: row {row}: ") and what in msg and "\n" not in msg
    assert isinstance(e.value, DealDataError)


def test_csv_unsorted_is_named(tmp_path):
    lines = _good_lines()
    lines[4], lines[5] = lines[5], lines[4]
    with pytest.raises(mk.MarketDataError, match=r"prices.csv: row 6: date: not sorted \(comes after 2005-08-05\)"):
        mk.load_price_csv(_csv(tmp_path, lines))


def test_csv_missing_file_and_short_path(tmp_path):
    with pytest.raises(mk.MarketDataError, match="nope.csv: no such price file"):
        mk.load_price_csv(tmp_path / "nope.csv")
    p = mk.load_price_csv(_csv(tmp_path, _good_lines()))
    with pytest.raises(mk.MarketDataError, match=r"must cover 2005-07-01 to 2005-12-30.*runs 2005-08-01"):
        mk.covering(p, dt.date(2005, 7, 1), LAST)


@settings(max_examples=full_or(30, 500))
@given(
    st.lists(st.tuples(st.decimals("0.000001", "50", places=6), st.integers(0, 10**9)), min_size=3, max_size=40),
    st.sampled_from(["0", "-1", "1e", "", "nan", "inf"]),
    st.data(),
)
def test_csv_fuzz_bad_close_is_named(tmp_path_factory, rows, bad, data):
    days = mk.trading_days(FIRST, LAST)[: len(rows)]
    lines = ["date,close,volume"] + [f"{d},{c},{v}" for d, (c, v) in zip(days, rows)]
    assert mk.load_price_csv(_csv(tmp_path_factory.mktemp("c"), lines)).n == 1
    k = data.draw(st.integers(1, len(rows)))
    lines[k] = f"{days[k - 1]},{bad},1"
    with pytest.raises(mk.MarketDataError, match=rf"row {k + 1}: close"):
        mk.load_price_csv(_csv(tmp_path_factory.mktemp("c"), lines))


def test_gbm_reproducible_and_prefix_stable():
    a = mk.simulate("gbm", 300, 5, FIRST, LAST)
    b = mk.simulate("gbm", 300, 5, FIRST, LAST)
    c = mk.simulate("gbm", 40, 5, FIRST, LAST)
    d = mk.simulate("gbm", 300, 6, FIRST, LAST)
    assert np.array_equal(a.closes, b.closes) and np.array_equal(a.volumes, b.volumes)
    assert np.array_equal(a.closes[:40], c.closes) and np.array_equal(a.volumes[:40], c.volumes)
    assert not np.array_equal(a.closes, d.closes)
    assert (a.closes[:, 0] == 60_000).all() and (a.closes >= 1).all() and (a.volumes >= 0).all()
    text = a.provenance()
    for name in (
        "start_price",
        "volatility",
        "drift",
        "volume_level",
        "volume_volatility",
        "volume_correlation",
        "seed 5",
        "model gbm",
    ):
        assert name in text


def _gbm_at_once(n, seed, first, last, a):
    """The GBM of :func:`dealkit.market.simulate` written out whole, one chunk at a time: every
    shock of a chunk drawn in one call, then transformed (the twin of the blocked simulation)."""
    days = len(mk.trading_days(first, last))
    closes, vols = [], []
    for c, start in enumerate(range(0, n, mk.CHUNK)):
        shocks = np.random.default_rng([seed, c]).standard_normal((min(n, start + mk.CHUNK) - start, 2, days))
        z, w = shocks[:, 0, :].copy(), shocks[:, 1, :].copy()
        rho, vv = a["volume_correlation"].value, a["volume_volatility"].value
        v = np.exp(w * (vv * math.sqrt(1.0 - rho * rho)) + (vv * rho) * z) * a["volume_level"].value
        sigma, mu, step = a["volatility"].value, a["drift"].value, 1.0 / 252
        z = z * (sigma * math.sqrt(step)) + (mu - 0.5 * sigma * sigma) * step
        z[:, 0] = 0.0
        p = np.exp(np.cumsum(z, axis=1)) * (float(a["start_price"].value) * mk.PRICE_SCALE)
        closes.append(np.floor(np.clip(p, 1.0, 2.0**40) + 0.5).astype(np.int64))
        vols.append(
            np.floor(np.clip(v, 1.0, 2.0**40) + 0.5).astype(np.int64)
            if a["volume_level"].value
            else np.zeros_like(closes[-1])
        )
    return np.concatenate(closes), np.concatenate(vols)


@pytest.mark.parametrize("n", [1, 255, 256, 257, 600, mk.CHUNK + 3])
def test_gbm_blocks_draw_exactly_the_paths_drawn_at_once(n):
    """The simulation draws and transforms a chunk 256 rows at a time (cache-sized work arrays):
    path for path, day for day, the same integers as drawing the whole chunk at once."""
    for asm in (
        mk.gbm_assumptions(),
        mk.gbm_assumptions(start_price="0.02", volatility="1.7", drift="-0.3", volume_level=0),
    ):
        p = mk.simulate("gbm", n, 11, FIRST, LAST, assumptions=asm)
        closes, volumes = _gbm_at_once(n, 11, FIRST, LAST, p.assumptions)
        assert np.array_equal(p.closes, closes) and np.array_equal(p.volumes, volumes)


def test_gbm_moments_match_the_model():
    """Log returns: mean (μ − σ²/2)/252 and sd σ/√252, within sampling error; volume median the level."""
    asm = mk.gbm_assumptions(start_price="1.00", volatility="0.8", drift="0.1", volume_level=1_000_000)
    p = mk.simulate("gbm", 4000, 9, FIRST, LAST, assumptions=asm)
    r = np.diff(np.log(p.closes.astype(float)), axis=1)
    assert r.std() == pytest.approx(0.8 / math.sqrt(252), rel=0.02)
    assert r.mean() == pytest.approx((0.1 - 0.32) / 252, abs=4 * 0.8 / math.sqrt(252) / math.sqrt(r.size))
    assert np.median(p.volumes) == pytest.approx(1_000_000, rel=0.02)
    # volume drawn jointly: log-volume moves with the price shock (correlation 0.3 assumed)
    lv = np.log(p.volumes[:, 1:].astype(float))
    assert np.corrcoef(r.ravel(), lv.ravel())[0, 1] == pytest.approx(0.3, abs=0.03)


def test_bootstrap_draws_days_of_the_series_jointly(tmp_path):
    src = mk.load_price_csv(_csv(tmp_path, _good_lines()))
    p = mk.simulate("bootstrap", 50, 1, FIRST, LAST, source=src, block=5)
    logret = np.diff(np.log(src.closes[0].astype(float)))
    pairs = set(zip(np.round(logret, 12), src.volumes[0, 1:]))
    r = np.diff(np.log(p.closes.astype(float)), axis=1)
    # every simulated (return, volume) day is a day of the series (up to the micro-dollar rounding)
    assert set(p.volumes[:, 1:].ravel()) <= set(src.volumes[0, 1:])
    assert "block = 5" in p.provenance() and "prices.csv" in p.provenance()
    assert np.array_equal(p.closes, mk.simulate("bootstrap", 50, 1, FIRST, LAST, source=src, block=5).closes)
    assert len(pairs) > 0 and r.shape[1] == len(p.dates) - 1


@pytest.mark.parametrize(
    "kwargs, what",
    [
        (dict(volatility="0"), "parameter volatility: must be greater than 0 (got '0')"),
        (dict(volatility="nan"), "parameter volatility: must be a finite number (got 'nan')"),
        (dict(volatility="high"), "parameter volatility: expected a number (got 'high')"),
        (dict(drift="inf"), "parameter drift: must be a finite number"),
        (dict(volatility="50"), "parameter volatility: must be at most 10 in size (got '50')"),
        (dict(drift="-20"), "parameter drift: must be at most 10 in size (got '-20')"),
        (dict(start_price="-1"), "parameter start_price: must be a positive finite number"),
        (dict(volume_level="lots"), "parameter volume_level: expected a whole number"),
        (dict(volume_correlation="2"), "parameter volume_correlation: must lie between -1 and 1"),
    ],
)
def test_bad_model_parameters(kwargs, what):
    with pytest.raises(ParameterError) as e:
        mk.gbm_assumptions(**kwargs)
    assert what in str(e.value)


def test_unknown_model_and_too_many_paths():
    with pytest.raises(
        ParameterError, match=r"parameter model: unknown model, choose one of gbm, bootstrap \(got 'heston'\)"
    ):
        mk.simulate("heston", 10, 1, FIRST, LAST)
    with pytest.raises(ParameterError, match=r"parameter n_paths: 100,000,000 paths × .* GB, above"):
        mk.simulate("gbm", 100_000_000, 1, FIRST, LAST)
    with pytest.raises(ParameterError, match="parameter n_paths: must be at least 1"):
        mk.simulate("gbm", 0, 1, FIRST, LAST)
    with pytest.raises(ParameterError, match="bootstrap model needs a price series"):
        mk.simulate("bootstrap", 10, 1, FIRST, LAST)


def test_covering_takes_the_trading_days_between_any_two_dates(tmp_path):
    """covering() keeps the trading days from ``first`` to ``last``: a weekend or holiday end is the
    next (or last) trading day, never an error from tuple.index."""
    p = mk.load_price_csv(_csv(tmp_path, _good_lines()))
    weekend, monday = dt.date(2005, 9, 3), dt.date(2005, 9, 6)  # Saturday; Labor Day, 5 Sep 2005
    cut = mk.covering(p, weekend, dt.date(2005, 9, 30))
    assert (
        cut.dates == mk.trading_days(monday, dt.date(2005, 9, 30)) == mk.covering(p, monday, dt.date(2005, 9, 30)).dates
    )
    assert (
        cut.closes[0].tolist() == p.closes[0, p.dates.index(monday) : p.dates.index(dt.date(2005, 9, 30)) + 1].tolist()
    )


def test_trading_days_outside_the_calendar_is_one_line():
    with pytest.raises(mk.MarketDataError, match=r"trading days 1890-01-01 to 1890-02-01: .*outside the calendar"):
        mk.trading_days(dt.date(1890, 1, 1), dt.date(1890, 2, 1))
