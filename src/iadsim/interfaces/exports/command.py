"""``iadsim export FORMAT RUN_DIR ...``: the command and the one Python call behind it.

>>> from iadsim.interfaces.exports.command import export_run
>>> export_run("czml", "runs/x", out="x.czml")          # doctest: +SKIP
>>> export_run("dis", "runs/x", file="x.pdu", rate_hz=5)  # doctest: +SKIP
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console


class ExportFormat(StrEnum):
    CZML = "czml"
    KML = "kml"
    DIS = "dis"
    PARQUET = "parquet"
    CSV = "csv"


def export_run(file_format: str, run_dir: str | Path, out: str | Path | None = None, *,
               udp: str | None = None, file: str | Path | None = None, rate_hz: float = 5.0,
               speed: float = 1.0, start: str | None = None,
               scenario: str | Path | None = None, sample_s: float = 5.0,
               exercise: int = 1) -> str:
    """Export a run folder; returns a one-line description of what was written or sent.

    ``czml``/``kml``: ``out`` is the file (``start``: ISO time of scenario second 0;
    ``sample_s``: spacing of threat samples). ``parquet``/``csv``: ``out`` is a folder.
    ``dis``: ``udp`` (HOST:PORT, paced at ``speed`` times real time, 0 for no pacing) or
    ``file``, at ``rate_hz`` entity states per second per moving object.

    Raises
    ------
    ExportError
        One line naming the file, folder or option at fault.
    """
    from iadsim.interfaces.exports.run_folder import ExportError, read_run_folder

    try:
        chosen = ExportFormat(file_format)
    except ValueError:
        raise ExportError(f"FORMAT: expected one of {', '.join(f.value for f in ExportFormat)}"
                          f", got {file_format!r}") from None
    if chosen is ExportFormat.DIS:
        if (udp is None) == (file is None):
            raise ExportError("dis: give exactly one of --udp HOST:PORT or --file F.pdu")
        if udp is not None:
            from iadsim.interfaces.exports.dis import parse_address

            address = parse_address(udp)  # checked before the run folder is read
    elif out is None:
        raise ExportError(f"{chosen.value}: --out is required")
    if not sample_s > 0:
        raise ExportError(f"--sample-s: expected a positive spacing, got {sample_s}")
    run = read_run_folder(run_dir, scenario)
    if chosen in (ExportFormat.CZML, ExportFormat.KML):
        from iadsim.interfaces.exports.timeline import parse_start

        moment = parse_start(start)
        if chosen is ExportFormat.CZML:
            from iadsim.interfaces.exports.czml import write_czml

            path = write_czml(run, out, moment, sample_s)
        else:
            from iadsim.interfaces.exports.kml import write_kml

            path = write_kml(run, out, moment, sample_s)
        return f"Wrote {path}"
    if chosen in (ExportFormat.PARQUET, ExportFormat.CSV):
        from iadsim.interfaces.exports.tables import write_tables

        written = write_tables(run, out, chosen.value)
        return f"Wrote {len(written)} tables to {out}: " + ", ".join(p.name for p in written)
    from iadsim.interfaces.exports.dis import iter_dis, send_udp, write_dis_file

    stream = iter_dis(run, rate_hz, exercise)
    if file is not None:
        path, count = write_dis_file(stream, file)
        return f"Wrote {count} DIS PDUs to {path}"
    sent = send_udp(stream, address, speed)
    return f"Sent {sent} DIS PDUs to {udp}"


def export_command(
    file_format: Annotated[ExportFormat, typer.Argument(
        metavar="FORMAT", help="czml, kml, dis, parquet or csv.")],
    run_dir: Annotated[Path, typer.Argument(metavar="RUN_DIR",
                                            help="A run folder (the --out of iadsim run).")],
    out: Annotated[Path | None, typer.Option(help="czml/kml: the file; parquet/csv: the "
                                             "folder.")] = None,
    udp: Annotated[str | None, typer.Option(help="dis: send to HOST:PORT over UDP.")] = None,
    file: Annotated[Path | None, typer.Option(help="dis: write the PDUs to this file.")]
    = None,
    rate_hz: Annotated[float, typer.Option(help="dis: entity states per second per moving "
                                           "object.")] = 5.0,
    speed: Annotated[float, typer.Option(help="dis --udp: times real time (0: as fast as "
                                         "possible).")] = 1.0,
    start: Annotated[str | None, typer.Option(help="czml/kml: ISO time of scenario second 0 "
                                              "(default 2026-01-01T00:00:00Z).")] = None,
    scenario: Annotated[str | None, typer.Option(help="The run's scenario, for a folder "
                                                 "without scenario.json.")] = None,
    sample_s: Annotated[float, typer.Option(help="czml/kml: seconds between threat "
                                            "samples.")] = 5.0,
    exercise: Annotated[int, typer.Option(min=0, max=255, help="dis: exercise id.")] = 1,
) -> None:
    """Export a run: CZML (CesiumJS), KML (Google Earth), DIS (UDP or file), Parquet or CSV."""
    from iadsim.interfaces.exports.run_folder import ExportError

    try:
        message = export_run(file_format.value, run_dir, out, udp=udp, file=file,
                             rate_hz=rate_hz, speed=speed, start=start, scenario=scenario,
                             sample_s=sample_s, exercise=exercise)
    except ExportError as error:
        Console(stderr=True, emoji=False).print(f"error: {error}", markup=False,
                                                highlight=False, soft_wrap=True)
        raise typer.Exit(code=2) from None
    except KeyboardInterrupt:
        raise typer.Exit(code=130) from None
    Console(emoji=False).print(message, markup=False, highlight=False, soft_wrap=True)
