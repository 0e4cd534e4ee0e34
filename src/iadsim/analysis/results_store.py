"""A campaign's results folder: replication rows in Parquet and DuckDB, kept event logs.

Layout of a folder written by :func:`iadsim.monte_carlo`::

    campaign.json              scenario name and digest, seed, replications asked for
    parts/part-*.parquet       rows flushed while the campaign runs (gone once it ends)
    replications.parquet       one row per replication (see replication_metrics)
    intervals.csv              the interval table
    runs.duckdb                tables ``replications`` and ``intervals`` (SQL)
    events/replication-NNNNNN/ events.parquet, threats.parquet, summary.json of the
                               first K replications

Every file is written under a temporary name in its folder and renamed into place, so an
interrupted campaign leaves either a whole part or none. Resuming reads the rows of every
part and of ``replications.parquet``, keeps one row per replication index (a replication
recorded twice, which a crash between two renames could leave, is counted once) and runs
only the missing indices.

An inventory campaign (``iadsim campaign``) uses the same store with one row per
replication and day (key ``replication, day``) and ``days.parquet`` as its finished
table; ``campaign.json`` records which kind of campaign a folder holds, so one kind is
never resumed as the other.

A sweep (``iadsim sweep``) records ``campaign.json`` of kind ``sweep`` in its folder (the
base scenario's digest and seed, and the swept paths and values) and one Monte Carlo store
per variant in ``variant-NN/``; resuming it resumes every variant's store.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from iadsim.scenario.schema import Scenario

CAMPAIGN_FILE = "campaign.json"
PARTS_FOLDER = "parts"
ROWS_FILE = "replications.parquet"
INTERVALS_FILE = "intervals.csv"
DATABASE_FILE = "runs.duckdb"
EVENTS_FOLDER = "events"

#: What a folder's ``campaign.json`` ``kind`` holds, as an error message names it.
KINDS = {"monte_carlo": "a Monte Carlo campaign (iadsim mc)",
         "inventory": "an inventory campaign (iadsim campaign)",
         "sweep": "a sweep (iadsim sweep)"}


def scenario_digest(scenario: Scenario) -> str:
    """SHA-256 of the validated scenario's JSON: two campaigns of one scenario share it."""
    return hashlib.sha256(scenario.model_dump_json().encode("utf-8")).hexdigest()


def write_atomically(path: Path, write: Callable[[str], Any]) -> Path:
    """Call ``write(temporary_path)`` on a temporary name beside ``path``, then rename.

    The temporary name is hidden (``.NAME.XXXXXXXX``, never ending like the final name),
    so a process killed mid-way (SIGKILL cannot be caught) leaves no file that looks like
    a result. The file gets the mode the user's umask gives a new file (``mkstemp``
    creates it 0600)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(handle)
    try:
        write(temporary)
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)
    return path


def _umask() -> int:
    """The process's umask (read by setting it and putting it back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def claim_folder(folder: Path, description: dict[str, Any], resume: bool,
                 compare: Callable[[dict[str, Any]], str | None] | None = None) -> None:
    """Record in ``folder/campaign.json`` what the folder holds (``description``: its
    ``kind``, ``scenario_sha256``, ``seed`` and any other field), after checking that the
    folder may take it.

    A folder that holds nothing yet takes anything. One that holds a campaign takes it
    again only with ``resume``, and only of the same kind, scenario digest and seed;
    ``compare(previous_description)`` may refuse more (it returns the error line, or None).
    Nothing is written when the folder is refused.

    Raises
    ------
    ValueError
        One line naming ``out`` or ``resume`` and what was expected.
    """
    if folder.exists() and not folder.is_dir():
        raise ValueError(f"out: {folder} exists and is not a folder; expected a folder")
    recorded = folder / CAMPAIGN_FILE
    kind = description["kind"]
    if not recorded.exists():
        # Results with no campaign.json (an older iadsim, a file lost or copied in): their
        # campaign is unknown, so they must not be taken for this one's rows.
        stale = [name for name in (PARTS_FOLDER, ROWS_FILE, DATABASE_FILE, "days.parquet")
                 if (folder / name).exists()]
        if stale:
            raise ValueError(f"out: {folder} holds results ({', '.join(stale)}) but no "
                             f"{CAMPAIGN_FILE} saying what campaign they are; expected an "
                             "empty or new folder")
    if recorded.exists():
        previous = json.loads(recorded.read_text(encoding="utf-8"))
        held = previous.get("kind", "monte_carlo")  # folders from before the kind
        noun = "a sweep" if held == "sweep" else "a campaign"
        if not resume:
            raise ValueError(f"out: {folder} already holds {noun}; pass resume=True "
                             "(--resume) to complete it, or choose another folder")
        if held != kind:
            raise ValueError(f"resume: {folder} holds {KINDS.get(held, repr(held))}; "
                             f"expected {KINDS[kind]} (choose another folder)")
        for key in ("scenario_sha256", "seed"):
            if previous.get(key) != description[key]:
                raise ValueError(f"resume: {folder} holds {noun} of another scenario or seed "
                                 f"({key} differs); expected the same scenario file and seed")
        refused = compare(previous) if compare is not None else None
        if refused is not None:
            raise ValueError(refused)
    write_atomically(recorded, lambda path: Path(path).write_text(
        json.dumps(description, indent=2) + "\n", encoding="utf-8"))


class ResultsStore:
    """The results folder of one campaign (see the module docstring).

    Parameters
    ----------
    folder:
        Where the campaign writes.
    scenario, replications:
        The campaign, recorded in ``campaign.json`` and checked on resume.
    resume:
        False: the folder must not hold a campaign already. True: it may hold one of the
        same scenario (same digest), whose rows are kept.
    kind:
        ``"monte_carlo"`` (also sweeps) or ``"inventory"``: recorded, and checked on resume.
    key:
        The columns that identify a row: ``("replication",)``, or ``("replication",
        "day")`` for an inventory campaign.
    rows_file:
        The finished table, read back on resume (``replications.parquet``, or
        ``days.parquet``).

    Raises
    ------
    ValueError
        Naming ``out`` or ``resume`` when the folder does not fit the request.
    """

    def __init__(self, folder: str | Path, scenario: Scenario, replications: int,
                 resume: bool, kind: str = "monte_carlo",
                 key: tuple[str, ...] = ("replication",), rows_file: str = ROWS_FILE):
        self.folder = Path(folder)
        self.key = key
        self.rows_file = rows_file
        claim_folder(self.folder, {"kind": kind, "scenario": scenario.name,
                                   "scenario_sha256": scenario_digest(scenario),
                                   "seed": scenario.sim.seed, "replications": replications},
                     resume)

    def done_rows(self) -> pd.DataFrame:
        """Rows already recorded, one per key (replication index, and day), sorted."""
        frames = []
        whole = self.folder / self.rows_file
        if whole.exists():
            frames.append(pd.read_parquet(whole))
        parts = self.folder / PARTS_FOLDER
        if parts.is_dir():
            frames += [pd.read_parquet(p) for p in sorted(parts.glob("part-*.parquet"))]
        if not frames:
            return pd.DataFrame()
        rows = pd.concat(frames, ignore_index=True)
        rows = rows.drop_duplicates(list(self.key), keep="first")
        return rows.sort_values(list(self.key), ignore_index=True)

    def append(self, rows: list[dict[str, Any]]) -> None:
        """Record rows at once, as one new part file."""
        if not rows:
            return
        frame = pd.DataFrame.from_records(rows)
        name = f"part-{int(frame['replication'].min()):06d}-{uuid.uuid4().hex[:12]}.parquet"
        write_atomically(self.folder / PARTS_FOLDER / name,
                         lambda path: frame.to_parquet(path, index=False))

    def events_folder(self, index: int) -> Path:
        return self.folder / EVENTS_FOLDER / f"replication-{index:06d}"

    def keep_run(self, index: int, write: Callable[[Path], Any]) -> None:
        """Write one replication's files into a temporary folder, then rename it into place
        (a folder already there, from an interrupted campaign, is kept)."""
        final = self.events_folder(index)
        if final.exists():
            return
        final.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{final.name}.", dir=final.parent))
        try:
            write(staging)
            os.replace(staging, final)
        finally:
            if staging.exists():
                shutil.rmtree(staging)

    def finish(self, rows: pd.DataFrame, intervals: pd.DataFrame) -> None:
        """Write the consolidated rows, the interval table and ``runs.duckdb``, then drop
        the parts (their rows are in ``replications.parquet`` by then)."""
        write_atomically(self.folder / ROWS_FILE, lambda path: rows.to_parquet(path, index=False))
        write_atomically(self.folder / INTERVALS_FILE,
                         lambda path: intervals.to_csv(path, index=False))
        write_database(self.folder / DATABASE_FILE, {"replications": rows,
                                                     "intervals": intervals})
        self.drop_parts()

    def drop_parts(self) -> None:
        """Remove the parts once the finished table holds their rows."""
        shutil.rmtree(self.folder / PARTS_FOLDER, ignore_errors=True)


def write_database(path: Path, tables: dict[str, pd.DataFrame]) -> Path:
    """An embedded DuckDB database with one table per frame, written atomically."""
    import duckdb

    def write(temporary: str) -> None:
        os.remove(temporary)  # DuckDB creates its own file
        connection = duckdb.connect(temporary)
        try:
            for name, frame in tables.items():
                connection.register("frame_view", frame)
                connection.execute(f'CREATE TABLE "{name}" AS SELECT * FROM frame_view')
                connection.unregister("frame_view")
            connection.execute("CHECKPOINT")
        finally:
            connection.close()

    return write_atomically(path, write)


def query(folder: str | Path, sql: str) -> pd.DataFrame:
    """Run one SQL statement on a campaign folder's ``runs.duckdb`` (read only).

    Raises
    ------
    ValueError
        When the folder holds no finished campaign, or the SQL fails (DuckDB's message).
    """
    import duckdb

    database = Path(folder) / DATABASE_FILE
    if not database.is_file():
        raise ValueError(f"folder: {folder} holds no {DATABASE_FILE}; expected the --out folder "
                         "of a finished iadsim mc or sweep")
    connection = duckdb.connect(str(database), read_only=True)
    try:
        return connection.execute(sql).df()
    except duckdb.Error as error:
        message = " ".join(str(error).split())
        raise ValueError(f"sql: {message}") from None
    finally:
        connection.close()
