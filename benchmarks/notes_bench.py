"""Notes benchmark: 10,000 Term A schedules of 36 months under random assumptions, 500 revolvers
on their daily balance with random draw histories, the reconciliation of the 2008 demand, and the
widget's update time for one schedule set (recompute and redraw; goal <= 100 ms). The last line is
one JSON object ``{"figures": {...}}``.

    .venv/bin/python benchmarks/notes_bench.py [--schedules N] [--revolvers N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
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
    parser.add_argument("--revolvers", type=int, default=500)
    args = parser.parse_args()
    deal = load_deal()
    rng = random.Random(7)
    issue, maturity = dt.date(2005, 9, 7), dt.date(2008, 9, 6)
    n.term_a_schedule(
        Decimal("3000000.00"), issue, maturity, n.assumptions_from_deal(deal), n.Market(Decimal("0.06"), 1)
    )
    t0 = time.perf_counter()
    conserved = 0
    for _ in range(args.schedules):
        a = n.assumptions_from_deal(
            deal,
            margin=Decimal(rng.randint(100, 325)) / 10_000,
            floor=Decimal(rng.randint(600, 1000)) / 10_000,
            monthly_amount=Decimal(rng.randint(50, 150) * 1000),
            fixed_conversion_price=Decimal(rng.randint(100, 3330)) / 10_000,
        )
        market = n.Market(Decimal(rng.randint(10, 5000)) / 10_000, rng.randint(0, 20_000_000))
        s = n.term_a_schedule(Decimal("3000000.00"), issue, maturity, a, market)
        conserved += s.conserved()
    total = time.perf_counter() - t0
    print(f"schedules: {args.schedules:,} Term A schedules of 36 months, random margin/floor/amount/price/volume")
    print(
        f"time: {total:.2f} s ({total / args.schedules * 1000:.2f} ms a schedule); conserved exactly: "
        f"{conserved:,} of {args.schedules:,}"
    )

    # the revolver on its daily balance: random histories of up to 24 draws and repayments
    reports_sets = []
    for _ in range(args.revolvers):
        k = rng.randint(1, 24)
        days = sorted(rng.sample(range(0, 1000), k))
        days[0] = 0
        bal, reps = 0, []
        for d in days:
            amt = -rng.randint(0, bal) if bal and rng.random() < 0.4 else rng.randint(0, 7_000_000 - bal)
            bal += amt
            reps.append(
                n.BorrowingBase(
                    issue + dt.timedelta(days=d),
                    Decimal(rng.randint(0, 8_000_000)),
                    Decimal(rng.randint(0, 4_000_000)),
                    Decimal(amt),
                )
            )
        reports_sets.append(reps)
    a0 = n.assumptions_from_deal(deal)
    t0 = time.perf_counter()
    rev_conserved = 0
    for reps in reports_sets:
        s = n.revolver_schedule(Decimal("7000000.00"), Decimal("3000000.00"), issue, maturity, a0, reps)
        rev_conserved += s.conserved()
    rev_total = time.perf_counter() - t0
    print(
        f"revolvers: {args.revolvers:,} daily-balance schedules of 37 periods, up to 24 draws/repayments each: "
        f"{rev_total:.2f} s ({rev_total / args.revolvers * 1000:.2f} ms each); conserved {rev_conserved:,}"
    )

    market0 = n.Market(Decimal("0.06"), 5_000_000)
    stop = dt.date(2008, 1, 31)
    t0 = time.perf_counter()
    sched = n.build_schedules(deal, a0, market0, term_b_maturity=stop, stop=stop)
    ds = n.default_scenario(sched, stop, dt.date(2008, 2, 1), a0)
    recon = n.reconcile_demand(deal, a0, ds, sched)
    recon_ms = (time.perf_counter() - t0) * 1000
    print(f"reconciliation of the 2008 demand ({len(recon)} rows, schedules included): {recon_ms:.0f} ms")

    from dealkit.present.widgets import notes_explorer

    box = notes_explorer(
        deal,
        n.assumptions_from_deal(deal),
        n.Market(Decimal("0.06"), 5_000_000),
        dt.date(2008, 1, 31),
        dt.date(2008, 1, 31),
    )
    margin = box.children[0]
    times = []
    for i in range(10):
        t0 = time.perf_counter()
        margin.value = 1.0 + (i % 4) * 0.5
        times.append(time.perf_counter() - t0)
    print(
        f"widget update (three schedules recomputed, lender XIRR, chart redrawn): best {min(times) * 1000:.0f} ms, "
        f"median {sorted(times)[5] * 1000:.0f} ms   goal <= 100 ms"
    )
    print(
        json.dumps(
            {
                "figures": {
                    "term_a_ms_per_schedule": round(total / args.schedules * 1000, 3),
                    "revolver_ms_per_schedule": round(rev_total / args.revolvers * 1000, 3),
                    "reconciliation_ms": round(recon_ms, 1),
                    "widget_update_median_ms": round(sorted(times)[5] * 1000, 1),
                    "conserved": conserved + rev_conserved,
                    "schedules": args.schedules + args.revolvers,
                }
            }
        )
    )


if __name__ == "__main__":
    main()
