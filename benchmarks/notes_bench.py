"""Notes benchmark: 10,000 schedules of 36 months under random assumptions, and the widget's
update time for one schedule set (recompute and redraw; goal <= 100 ms).

    .venv/bin/python benchmarks/notes_bench.py [--schedules N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dealkit import load_deal  # noqa: E402
from dealkit import notes as n  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schedules", type=int, default=10_000)
    args = parser.parse_args()
    deal = load_deal()
    rng = random.Random(7)
    issue, maturity = dt.date(2005, 9, 7), dt.date(2008, 9, 6)
    n.term_a_schedule(Decimal("3000000.00"), issue, maturity, n.assumptions_from_deal(deal), n.Market(Decimal("0.06"), 1))
    t0 = time.perf_counter()
    conserved = 0
    for _ in range(args.schedules):
        a = n.assumptions_from_deal(
            deal, margin=Decimal(rng.randint(100, 325)) / 10_000, floor=Decimal(rng.randint(600, 1000)) / 10_000,
            monthly_amount=Decimal(rng.randint(50, 150) * 1000), fixed_conversion_price=Decimal(rng.randint(100, 3330)) / 10_000)
        market = n.Market(Decimal(rng.randint(10, 5000)) / 10_000, rng.randint(0, 20_000_000))
        s = n.term_a_schedule(Decimal("3000000.00"), issue, maturity, a, market)
        conserved += s.conserved()
    total = time.perf_counter() - t0
    print(f"schedules: {args.schedules:,} Term A schedules of 36 months, random margin/floor/amount/price/volume")
    print(f"time: {total:.2f} s ({total / args.schedules * 1000:.2f} ms a schedule); conserved exactly: "
          f"{conserved:,} of {args.schedules:,}")

    from dealkit.widgets import notes_explorer

    box = notes_explorer(deal, n.assumptions_from_deal(deal), n.Market(Decimal("0.06"), 5_000_000),
                         dt.date(2008, 1, 31), dt.date(2008, 1, 31))
    margin = box.children[0]
    times = []
    for i in range(10):
        t0 = time.perf_counter()
        margin.value = 1.0 + (i % 4) * 0.5
        times.append(time.perf_counter() - t0)
    print(f"widget update (three schedules recomputed, chart redrawn): best {min(times) * 1000:.0f} ms, "
          f"median {sorted(times)[5] * 1000:.0f} ms   goal <= 100 ms")


if __name__ == "__main__":
    main()
