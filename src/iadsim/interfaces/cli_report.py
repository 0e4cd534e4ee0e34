"""The ``plot`` and ``report`` commands: pictures and a shareable report of a run folder.

Kept apart from :mod:`iadsim.interfaces.cli` (which registers them with one call) so that
commands added by other work do not touch the same lines.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console

RunFolderArgument = Annotated[Path, typer.Argument(help="The --out folder of 'iadsim run'.")]


def register(app: typer.Typer, fail: Callable[[list[str]], NoReturn], console: Console) -> None:
    """Add ``plot`` and ``report`` to ``app``; ``fail`` prints lines and exits with code 2."""

    @app.command()
    def plot(
        run_folder: RunFolderArgument,
        out: Annotated[Path, typer.Option(help="Picture to write (.png, .svg or .pdf).")],
        kind: Annotated[str, typer.Option(help="map, timeline, profile or magazines.")]
        = "map",
    ) -> None:
        """Draw a run: map, engagement timeline, altitude profile or magazines."""
        from iadsim.errors import IadsimError
        from iadsim.interfaces.plots import PLOT_KINDS, PlotError, plot_run

        if kind not in PLOT_KINDS:
            fail([f"--kind: expected one of {', '.join(PLOT_KINDS)}, got {kind!r}"])
        try:
            written = plot_run(run_folder, kind, out)  # type: ignore[arg-type]
        except (IadsimError, PlotError) as error:
            fail([str(error)])
        console.print(f"Wrote {written}", highlight=False, soft_wrap=True)

    @app.command()
    def report(
        run_folder: RunFolderArgument,
        out: Annotated[Path | None, typer.Option(help="HTML file to write (default: "
                                                      "RUN_FOLDER/report.html).")] = None,
        pdf: Annotated[bool, typer.Option(help="Also print it to PDF beside the HTML "
                                               "(headless Chromium).")] = False,
    ) -> None:
        """Write one self-contained HTML report of a run (scenario, summary, plots, events)."""
        from iadsim.errors import IadsimError
        from iadsim.interfaces.html_report import ReportError, write_report

        try:
            written = write_report(run_folder, out, pdf=pdf)
        except (IadsimError, ReportError) as error:
            fail([str(error)])
        console.print(f"Wrote {' and '.join(str(path) for path in written)}",
                      highlight=False, soft_wrap=True)
