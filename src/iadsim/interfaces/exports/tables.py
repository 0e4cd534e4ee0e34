"""The run's tables for other tools: events, threats, tracks, truth (and interceptors),
as Parquet or CSV, one file a table in an output folder.

Categorical columns (kind, battery, sensor, asset) become plain text in CSV; ids keep
their integer type (-1 where an event does not concern one), missing numbers are empty.
Each file is written atomically; the folder is created when missing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from iadsim.interfaces.exports.run_folder import ExportError, RunFolder, write_atomically

TABLES = ("events", "threats", "tracks", "truth", "interceptors")


def write_tables(run: RunFolder, out: str | Path,
                 file_format: Literal["parquet", "csv"]) -> list[Path]:
    """Write each table of the run to ``out/NAME.parquet`` or ``out/NAME.csv``.

    Returns the written paths. Raises :class:`ExportError` when ``out`` cannot be made.
    """
    if file_format not in ("parquet", "csv"):
        raise ExportError(f"format must be parquet or csv, got {file_format!r}")
    folder = Path(out)
    if folder.exists() and not folder.is_dir():
        raise ExportError(f"{folder}: exists and is not a folder; expected a folder path")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ExportError(f"{folder}: cannot create the folder: "
                          f"{error.strerror or error}") from None
    written = []
    for name in TABLES:
        table = getattr(run, name)
        target = folder / f"{name}.{file_format}"
        if file_format == "parquet":
            written.append(write_atomically(
                target, lambda path, table=table: table.to_parquet(path, index=False)))
        else:
            written.append(write_atomically(
                target, lambda path, table=table: table.to_csv(path, index=False)))
    return written
