"""What the terrain hides in ``valley-defense``: first detections, looks and the outcome.

Runs the built-in ``valley-defense`` (seed ``--seed``) three ways and prints one JSON line
each: as shipped (the DEM, land clutter); over a smooth earth (no DEM, the threats flying
their altitudes above the flat ground); and without the surface clutter. Per radar: the
distance (km) from the dam of each cruise missile's first detection, read from the plot's
own position (its measured position, tens of metres off at these ranges), and the
detections of the cruise missiles; then the verdict, rounds and kills. The README's
"Terrain decides what a radar sees" quotes these lines.

Usage::

    PYTHONPATH=src .venv/bin/python benchmarks/valley_terrain.py
"""

from __future__ import annotations

import argparse
import copy
import json
from importlib import resources
from pathlib import Path

import numpy as np

import iadsim
from iadsim.scenario import scenario_from_dict
from iadsim.scenario.yaml_loader import load_yaml
from iadsim.world.geodesy import LocalFrame

BUILTIN = Path(str(resources.files("iadsim.scenario") / "builtin"))
CRUISE = (0, 1, 2, 3)  # threat ids of the valley-cruise group
RADARS = ("dam-radar", "ridge-radar")


def variants() -> dict[str, dict]:
    """The scenario document as shipped, over a smooth earth, and without clutter."""
    shipped = load_yaml((BUILTIN / "valley-defense.yaml").read_text())
    shipped["terrain"] = {"dem_file": str(BUILTIN / "terrain" / "valley.tif")}
    smooth = copy.deepcopy(shipped)
    del smooth["terrain"]
    for group in smooth["threats"]:
        group.pop("terrain_following", None)
    no_clutter = copy.deepcopy(shipped)
    del no_clutter["surface"]
    return {"shipped": shipped, "smooth_earth": smooth, "no_clutter": no_clutter}


def first_detection_km(events, sensor: str) -> dict[int, float]:
    """Each cruise missile's distance (km) from the dam at its first detection by
    ``sensor``, from the plot's position (missing when never detected)."""
    seen = events[(events["kind"] == "detection") & (events["sensor"] == sensor)
                  & events["threat_id"].isin(CRUISE)]
    first = seen.sort_values("time_s").groupby("threat_id").first()
    dam = LocalFrame(39.0, 41.0, 800.0).to_enu(39.0, 41.0, 800.0).reshape(3)
    return {int(threat): round(float(np.hypot(row["east_m"] - dam[0],
                                              row["north_m"] - dam[1])) / 1e3, 1)
            for threat, row in first.iterrows()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    arguments = parser.parse_args()
    for name, document in variants().items():
        result = iadsim.run(scenario_from_dict(document), seed=arguments.seed)
        events, summary = result.events, result.summary
        line = {"bench": "valley_terrain", "variant": name, "seed": arguments.seed}
        for sensor in RADARS:
            line[f"{sensor}_first_km"] = first_detection_km(events, sensor)
            line[f"{sensor}_cruise_detections"] = int(
                ((events["kind"] == "detection") & (events["sensor"] == sensor)
                 & events["threat_id"].isin(CRUISE)).sum())
        line.update(verdict=summary["verdict"], rounds=summary["interceptors"]["fired"],
                    killed=summary["threats"]["killed"],
                    ground_impacts=int((events["kind"] == "ground_impact").sum()))
        print(json.dumps(line))


if __name__ == "__main__":
    main()
