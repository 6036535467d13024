"""Exports benchmark: the time to compute the figures and render each format in memory, the whole
`dealkit export` of all four formats into a folder, and LibreOffice's headless recalculation of
the workbook (what the test pays). Prints a JSON line {"figures": {...}} last.

    .venv/bin/python benchmarks/export_bench.py [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dealkit import bundle, load_deal, load_prime  # noqa: E402

_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def _median(f, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        f()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    deal, prime = load_deal(), load_prime()
    figures = bundle.compute(deal, prime=prime)
    out = {"compute_s": _median(lambda: bundle.compute(deal, prime=prime), args.repeat)}
    for fmt in bundle.FORMATS:
        out[f"render_{fmt}_s"] = _median(lambda: bundle.render(figures, [fmt]), args.repeat)
    with tempfile.TemporaryDirectory() as tmp:
        out["export_all_s"] = _median(
            lambda: bundle.export(deal, Path(tmp) / "x", list(bundle.FORMATS), prime=prime), args.repeat
        )
        files = bundle.render(figures, ["xlsx"])
        out["xlsx_bytes"] = len(files["deal.xlsx"])
        soffice = shutil.which("soffice")
        if soffice:
            (Path(tmp) / "deal.xlsx").write_bytes(files["deal.xlsx"])
            profile = Path(tmp) / "lo" / "user"
            profile.mkdir(parents=True)
            (profile / "registrymodifications.xcu").write_text(_PROFILE, encoding="utf-8")
            t0 = time.perf_counter()
            subprocess.run(
                [
                    soffice,
                    f"-env:UserInstallation={profile.parent.as_uri()}",
                    "--headless",
                    "--norestore",
                    "--convert-to",
                    "xlsx",
                    "--outdir",
                    str(Path(tmp) / "lo-out"),
                    str(Path(tmp) / "deal.xlsx"),
                ],
                check=True,
                capture_output=True,
                timeout=300,
            )
            out["libreoffice_recalc_s"] = time.perf_counter() - t0
    for k, v in out.items():
        print(f"{k:<24} {v:.3f}" if isinstance(v, float) else f"{k:<24} {v:,}")
    print(json.dumps({"figures": {k: round(v, 4) if isinstance(v, float) else v for k, v in out.items()}}))


if __name__ == "__main__":
    main()
