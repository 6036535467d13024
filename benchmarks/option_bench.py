"""Option scenario engine benchmark: 1,000,000 scenarios (100 FMV × 100 outstanding × 50 holdings
× 2 readings), against a plain Python loop over the Decimal functions.

    .venv/bin/python benchmarks/option_bench.py [--sample N] [--repeat N]

Prints the engine's time (best of --repeat), the loop's time on a random sample scaled to the
whole grid, their ratio, and how many sampled points agree exactly (shares, cents); then the
exact path (Python integers, taken when a value is beyond the int64-safe range) on 10,000
scenarios. Goal: 1,000,000 scenarios <= 10 ms (best of N: the machine is shared), >= 100x the
loop, exact agreement. The last line is one JSON object ``{"figures": {...}}`` with
``option_1m_ms``.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dealkit import option as op  # noqa: E402
from dealkit.option_engine import scenario_grid  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    fmv = [Decimal(i * 3) / Decimal(100_000) for i in range(1, 101)]  # $0.00003 .. $0.003
    outstanding = [int(x) for x in np.linspace(500_000_000, 5_000_000_000, 100)]
    holdings = [int(x) for x in np.linspace(0, 200_000_000, 50)]
    scenario_grid(fmv, outstanding, holdings)  # warm
    times = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        grid = scenario_grid(fmv, outstanding, holdings)
        times.append(time.perf_counter() - t0)
    engine = min(times)

    rng = random.Random(1)
    points = [(rng.randrange(100), rng.randrange(100), rng.randrange(50), rng.randrange(2)) for _ in range(args.sample)]
    t0 = time.perf_counter()
    loop_results = []
    for i, j, k, r in points:
        y = op.max_exercisable(outstanding[j], holdings[k], reading=grid.readings[r], remaining=op.OPTION_SHARES)
        res = op.cashless_exercise(op.cashless_exercisable(y, fmv[i], remaining=op.OPTION_SHARES), fmv[i])
        loop_results.append((y, res.shares_issued, res.cash_in_lieu, op.value_to_holder(res, fmv[i])))
    loop_sample = time.perf_counter() - t0
    loop_full = loop_sample / args.sample * grid.size
    agree = sum(
        1
        for (i, j, k, r), want in zip(points, loop_results)
        if (
            grid.point(i, j, k, r)["exercisable"],
            grid.point(i, j, k, r)["shares_issued"],
            grid.point(i, j, k, r)["cash_in_lieu"],
            grid.point(i, j, k, r)["value"],
        )
        == want
    )
    print(f"scenarios: {grid.size:,} (100 FMV x 100 outstanding x 50 holdings x 2 readings)")
    median = sorted(times)[len(times) // 2]
    print(f"engine: {engine * 1000:.1f} ms (best of {args.repeat}; median {median * 1000:.1f} ms)   goal <= 10 ms")
    print(f"Decimal loop: {loop_sample:.2f} s for {args.sample:,} points -> {loop_full:.1f} s for the grid (scaled)")
    print(f"ratio loop / engine: {loop_full / engine:,.0f}x   goal >= 100x")
    print(f"agreement: {agree:,} of {args.sample:,} sampled points exact (shares, cents)")

    # the exact path: one outstanding count beyond the int64-safe range sends the grid there
    big = [10**19 + x for x in outstanding[:10]]
    t0 = time.perf_counter()
    exact = scenario_grid(fmv[:10], big, holdings[:50])
    exact_s = time.perf_counter() - t0
    assert exact.exact_path
    print(f"exact path (Python integers): {exact.size:,} scenarios in {exact_s * 1000:.0f} ms")
    print(
        json.dumps(
            {
                "figures": {
                    "option_1m_ms": round(engine * 1000, 2),
                    "option_1m_median_ms": round(median * 1000, 2),
                    "scenarios": grid.size,
                    "loop_over_engine": round(loop_full / engine),
                    "agreement": f"{agree}/{args.sample}",
                    "exact_path_scenarios": exact.size,
                    "exact_path_ms": round(exact_s * 1000, 1),
                }
            }
        )
    )


if __name__ == "__main__":
    main()
