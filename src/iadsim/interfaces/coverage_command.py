"""The ``coverage`` command: where a scenario's radars detect a target, as a picture.

``iadsim coverage SCENARIO [--rcs-m2 0.1] [--altitude-m 100] [--out FILE.png]`` draws the
map (per radar and combined, Pd >= 0.9, terrain-masked when the scenario has a DEM);
``--vertical`` draws the range-altitude diagram of each radar with its horizon. Surface
clutter applies as in the simulation when the scenario has a surface (``--no-clutter`` for
the comparison); ``--jamming-at-s T`` adds the stand-off jammers on at T,
``--self-screening GROUP`` the jammer of a threat group riding on the target. With a DEM
the terrain masks jammers and clutter as in the simulation (a jammer hidden from a radar
does not jam it; a range cell whose ground the radar cannot see adds no clutter). The
summary line says which were applied, and how many jammer-radar pairs the terrain hides.
Kept apart from :mod:`iadsim.interfaces.cli` (which registers it with one call).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console

from iadsim.scenario.schema import Scenario


def register(app: typer.Typer, fail: Callable[[list[str]], NoReturn],
             load: Callable[[str], Scenario], console: Console) -> None:
    """Add ``coverage`` to ``app``; ``fail`` prints lines and exits with code 2, ``load``
    loads a scenario (or fails)."""

    @app.command()
    def coverage(
        scenario: Annotated[str, typer.Argument(help="A built-in name or a scenario file.")],
        rcs_m2: Annotated[float, typer.Option(
            "--rcs-m2", help="Target radar cross-section (m²).")] = 0.1,
        altitude_m: Annotated[float, typer.Option(
            "--altitude-m", help="Target altitude above the ground (m); map only.")] = 100.0,
        vertical: Annotated[bool, typer.Option(
            help="Draw the range-altitude diagram of each radar instead of the map.")]
        = False,
        max_altitude_m: Annotated[float, typer.Option(
            "--max-altitude-m", help="Top of the range-altitude diagram (m).")] = 30_000.0,
        cells: Annotated[int, typer.Option(help="Grid cells on each side.")] = 300,
        terrain: Annotated[bool, typer.Option(
            help="Mask with the scenario's DEM when it has one (--no-terrain: smooth "
                 "earth).")] = True,
        clutter: Annotated[bool, typer.Option(
            help="Apply the surface clutter the simulation sees, after each radar's MTI "
                 "improvement (--no-clutter: leave it out, for comparison).")] = True,
        jamming_at_s: Annotated[float | None, typer.Option(
            "--jamming-at-s", help="Add the scenario's stand-off jammers on at this time "
                                   "(s).")] = None,
        self_screening: Annotated[str | None, typer.Option(
            "--self-screening", help="Put this threat group's noise jammer on the target.")]
        = None,
        out: Annotated[Path | None, typer.Option(
            help="Picture to write (.png, .svg or .pdf; default coverage-NAME.png or "
                 "coverage-NAME-vertical.png).")] = None,
    ) -> None:
        """Draw where the radars see a target with Pd >= 0.9: map or range-altitude."""
        from iadsim.errors import IadsimError
        from iadsim.interfaces.coverage_plot import coverage_figure, vertical_figure
        from iadsim.interfaces.plots import PlotError, save_figure
        from iadsim.sensors.coverage import coverage as coverage_grid
        from iadsim.sensors.coverage import vertical_coverage
        from iadsim.world.terrain import TerrainError

        problems = []
        if not rcs_m2 > 0 or rcs_m2 == float("inf"):
            problems.append(f"--rcs-m2: expected a radar cross-section > 0 m², got {rcs_m2}")
        if not 0 <= altitude_m <= 100_000:
            problems.append(f"--altitude-m: expected an altitude from 0 to 100000 m, got "
                            f"{altitude_m}")
        if not 0 < max_altitude_m <= 100_000:
            problems.append(f"--max-altitude-m: expected an altitude above 0 and at most "
                            f"100000 m, got {max_altitude_m}")
        if not 10 <= cells <= 2_000:
            problems.append(f"--cells: expected 10 to 2000 cells a side, got {cells}")
        if jamming_at_s is not None and not 0 <= jamming_at_s <= 7 * 86_400:
            problems.append(f"--jamming-at-s: expected a time from 0 to 604800 s, got "
                            f"{jamming_at_s}")
        if problems:
            fail(problems)
        model = load(scenario)
        if not model.sensors:
            fail([f"{scenario}: the scenario has no sensors; nothing to cover"])
        if self_screening is not None:
            carriers = sorted(group.name for group in model.threats if group.jammer is not None)
            if self_screening not in carriers:
                fail([f"--self-screening: expected a threat group with a jammer "
                      f"({', '.join(carriers) or 'the scenario has none'}), got "
                      f"{self_screening!r}"])
        interference = {"clutter": clutter, "jammers_at_s": jamming_at_s,
                        "self_screening": self_screening}
        suffix = "-vertical" if vertical else ""
        target = out if out is not None else Path(f"coverage-{model.name}{suffix}.png")
        try:
            if vertical:
                diagram = vertical_coverage(model, rcs_m2=rcs_m2,
                                            max_altitude_m=max_altitude_m, cells=cells,
                                            **interference)
                written = save_figure(vertical_figure(model, diagram), target)
                console.print(f"Wrote {written} ({diagram.interference.describe()})",
                              highlight=False, soft_wrap=True)
                return
            grid = coverage_grid(model, rcs_m2=rcs_m2, altitude_m=altitude_m, cells=cells,
                                 terrain=terrain, horizon_limited=True, **interference)
            written = save_figure(coverage_figure(model, grid), target)
        except (IadsimError, PlotError, TerrainError) as error:
            fail([str(error)])
        per_radar, combined = grid.covered_area_km2()
        masking = ("with terrain" if grid.terrain else "smooth earth") + (
            f"; {grid.interference.describe()}" if grid.interference is not None else "")
        console.print(f"Wrote {written}: Pd >= 0.9 for {rcs_m2:g} m² at {altitude_m:g} m "
                      f"({masking}) over {combined:,.0f} km² combined; per radar: "
                      + ", ".join(f"{name} {area:,.0f}" for name, area
                                  in zip(grid.radar_names, per_radar, strict=True)),
                      highlight=False, soft_wrap=True)
