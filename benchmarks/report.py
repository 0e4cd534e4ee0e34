"""Report speed: the HTML report and the four plots of a 1,000-threat run.

Runs the synthetic raid of ``benchmarks/engine_scale.py`` (the layered-defense network
against exactly N threats, detections recorded) once, writes its run folder, then times
``iadsim.interfaces.html_report.write_report`` on it (reading the folder, four plots,
tables, one HTML file) and each plot alone. Prints one JSON line (target: the report of
a 1,000-threat run in under 30 s).

Usage::

    .venv/bin/python benchmarks/report.py                     # 1,000 threats, 30 minutes
    .venv/bin/python benchmarks/report.py --threats 200 --duration-s 600
    .venv/bin/python benchmarks/report.py --run-dir runs/big  # reuse (or keep) the run
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

REPORT_TARGET_S = 30.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threats", type=int, default=1_000)
    parser.add_argument("--duration-s", type=float, default=1_800.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--record-tracks", action="store_true",
                        help="Record the truth (threat paths) even past 500 threats.")
    parser.add_argument("--run-dir", type=Path, default=None,
                        help="Run folder: used as is when it holds a run, else written there.")
    options = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import iadsim
    from engine_scale import synthetic_raid
    from iadsim.interfaces.html_report import write_report
    from iadsim.interfaces.plots import PLOT_KINDS, plot_run
    from iadsim.interfaces.run_directory import read_run
    from iadsim.scenario import scenario_from_dict

    with tempfile.TemporaryDirectory(prefix="iadsim-report-bench-") as scratch:
        folder = options.run_dir or Path(scratch) / "run"
        run_s = None
        if not (folder / "events.parquet").exists():
            document = synthetic_raid(options.threats, options.duration_s, True, options.seed)
            document["sim"]["record_tracks"] = options.record_tracks or None
            scenario = scenario_from_dict(document)
            started = time.perf_counter()
            iadsim.run(scenario, seed=options.seed, out=folder)
            run_s = time.perf_counter() - started
        started = time.perf_counter()
        run = read_run(folder)
        read_s = time.perf_counter() - started
        plot_s = {}
        for kind in PLOT_KINDS:
            started = time.perf_counter()
            plot_run(run, kind, Path(scratch) / f"{kind}.png")
            plot_s[kind] = round(time.perf_counter() - started, 3)
        started = time.perf_counter()
        [page] = write_report(folder, Path(scratch) / "report.html")
        report_s = time.perf_counter() - started
        print(json.dumps({
            "bench": "report", "n_threats": len(run.threats),
            "events": int(run.summary["sim"]["events"]),
            "events_read": len(run.events), "truth_rows": len(run.truth),
            "run_s": None if run_s is None else round(run_s, 2),
            "read_s": round(read_s, 3), "plot_s": plot_s, "report_s": round(report_s, 3),
            "report_bytes": page.stat().st_size,
            "map_png_bytes": (Path(scratch) / "map.png").stat().st_size,
            "target_report_s": REPORT_TARGET_S, "met": report_s < REPORT_TARGET_S,
        }))


if __name__ == "__main__":
    main()
