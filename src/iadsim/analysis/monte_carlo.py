"""Monte Carlo campaigns: one scenario replicated over independent seeds, on Dask.

Replication ``i`` runs ``iadsim.run(scenario, seed=replication_seed(scenario.sim.seed, i))``:
its seed is a pure function of the scenario seed and ``i`` (``numpy.random.SeedSequence``
spawn key ``(i,)``), so a replication gives the same row whichever worker runs it, whatever
the number of workers, and a campaign can be extended or resumed. Variants of a scenario
that keep its seed replay the same seeds (common random numbers, see sweep.py).

Execution is Dask distributed: by default a ``LocalCluster`` of worker processes (one
thread each) is started for the campaign and closed after it; given a scheduler address,
the campaign runs on that cluster instead. A worker is one long-lived process that runs
many replications, so the compiled kernels are loaded once per worker.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from iadsim.analysis.replication_metrics import interval_table, summary_row
from iadsim.analysis.results_store import ResultsStore
from iadsim.engine.run_cost import DEFAULT_MAX_EVENTS, check_replications
from iadsim.errors import WorkerLostError
from iadsim.scenario.schema import Scenario

#: Rows are flushed to the store at least this often while a campaign runs (seconds).
FLUSH_INTERVAL_S = 2.0

#: Dask settings of the local cluster's workers. A worker's own threads run beside the
#: replication on the same core: its statistical profiler walks the running task's stack
#: every 10 ms (holding the interpreter lock), and its event-loop tick, memory and system
#: monitors wake every 20, 100 and 500 ms. They cost about 3-8 % of a worker's CPU; a
#: campaign reads none of them (no dashboard), so the profiler is off and the monitors
#: wake less often. A cluster given by ``--scheduler`` keeps its own settings.
LOCAL_WORKER_CONFIG: dict[str, Any] = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.admin.system-monitor.interval": "5s",
}


def replication_seed(scenario_seed: int, index: int) -> int:
    """Seed of replication ``index`` (0-based): 63 bits of
    ``SeedSequence(scenario_seed, spawn_key=(index,))``, i.e. of
    ``SeedSequence(scenario_seed).spawn(n)[index]`` for any ``n > index``."""
    if index < 0:
        raise ValueError(f"index must be >= 0, got {index}")
    words = np.random.SeedSequence(scenario_seed, spawn_key=(index,)).generate_state(
        2, np.uint32)
    return ((int(words[0]) << 32) | int(words[1])) >> 1


@dataclass(frozen=True, slots=True)
class CampaignResult:
    """A finished campaign: one row per replication and the interval table.

    ``replications`` has the columns ``replication``, ``seed`` and those of
    :func:`~iadsim.analysis.replication_metrics.summary_row`; ``intervals`` those of
    :func:`~iadsim.analysis.replication_metrics.interval_table`. ``out`` is the results
    folder, or None. Unpacks as ``rows, intervals = iadsim.monte_carlo(...)``.
    """

    replications: pd.DataFrame
    intervals: pd.DataFrame
    out: Path | None = None

    def __iter__(self) -> Iterator[pd.DataFrame]:
        return iter((self.replications, self.intervals))


def run_replication(scenario: Scenario, index: int, seed: int, keep_run: bool,
                    extract: Callable[[Any], Any] | None = None,
                    max_events: int = DEFAULT_MAX_EVENTS) -> dict[str, Any]:
    """Run one replication (on a worker). Returns its row, the run when ``keep_run``, and
    ``extract(run)`` when an extractor is given (trials use it for per-target tables).
    ``max_events``: the campaign's run budget (checked once before the campaign started,
    see :func:`iadsim.engine.run_cost.check_replications`)."""
    from iadsim.api import run

    result = run(scenario, seed=seed, max_events=max_events)
    row = {"replication": index, "seed": seed, **summary_row(result.summary)}
    return {"row": row, "run": result if keep_run else None,
            "extra": extract(result) if extract is not None else None}


@contextlib.contextmanager
def campaign_client(workers: int | None, scheduler: str | None) -> Iterator[Any]:
    """A Dask client: on the cluster at ``scheduler`` (``tcp://host:port``), or on a
    ``LocalCluster`` of ``workers`` processes with one thread each (with
    :data:`LOCAL_WORKER_CONFIG`), closed on exit."""
    import dask
    from distributed import Client, LocalCluster

    if scheduler is not None:
        if workers is not None:
            raise ValueError("workers: give either workers (a local cluster) or scheduler "
                             "(an existing cluster), not both")
        try:
            client = Client(scheduler, timeout="20s")
        except (OSError, TimeoutError) as error:
            raise ValueError(f"scheduler: cannot connect to {scheduler} ({error}); expected "
                             "the address of a running dask scheduler, tcp://HOST:PORT") from None
        with client:
            yield client
        return
    count = workers if workers is not None else max(1, os.cpu_count() or 1)
    if count < 1:
        raise ValueError(f"workers must be at least 1, got {count}")
    # The nannies hand the configuration in force when they start to their worker processes.
    with dask.config.set(LOCAL_WORKER_CONFIG):
        cluster = LocalCluster(n_workers=count, processes=True, threads_per_worker=1,
                               scheduler_port=0, dashboard_address=":0",
                               silence_logs=logging.ERROR)
    with cluster, Client(cluster) as client:
        yield client


def _scenario_of(scenario: Scenario) -> Scenario:
    """The scenario, as a task's result on a worker (see :func:`execute`)."""
    return scenario


def execute(client: Any, scenario: Scenario, indices: list[int], keep: set[int],
            on_result: Callable[[dict[str, Any]], None],
            extract: Callable[[Any], Any] | None = None, label: str = "replications",
            progress: bool = True,
            task: Callable[..., dict[str, Any]] = run_replication,
            max_events: int = DEFAULT_MAX_EVENTS) -> None:
    """Run the replications ``indices`` of ``scenario`` on ``client``, calling
    ``on_result`` in the caller's process for each as it completes (in any order).

    Each replication is ``task(scenario, index, seed, keep_run, extract,
    max_events=max_events)``, by default :func:`run_replication`; an inventory campaign
    passes one that plays its days. With ``client`` None the replications run in this
    process, one after the other, in the order of ``indices``.

    On an exception (KeyboardInterrupt included) the pending replications are cancelled
    and the exception propagates; what ``on_result`` recorded stays recorded. A worker
    that dies is replaced and its replication run again; one whose workers die every
    time it is tried raises :class:`~iadsim.errors.WorkerLostError` naming it.
    """
    from distributed import as_completed
    from distributed.scheduler import KilledWorker
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    if not indices:
        return
    seed = scenario.sim.seed
    if client is None:
        for index in indices:
            on_result(task(scenario, index, replication_seed(seed, index), index in keep,
                           extract, max_events=max_events))
        return
    # The scenario is a task's result, not scattered data: when the worker holding it dies,
    # the scheduler computes it again on another (scattered data would be lost, and every
    # replication waiting on it cancelled).
    shared = client.submit(_scenario_of, scenario, pure=False)
    futures = [client.submit(task, shared, index, replication_seed(seed, index),
                             index in keep, extract, max_events=max_events,
                             key=f"{label}-{seed}-{index}-{shared.key}",
                             pure=False, retries=2)
               for index in indices]
    bar = Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TimeElapsedColumn(), TextColumn("eta"), TimeRemainingColumn(),
                   console=Console(stderr=True), disable=not progress, transient=False)
    try:
        with bar:
            task = bar.add_task(label, total=len(futures))
            for future in as_completed(futures, loop=client.loop):
                try:
                    outcome = future.result()
                except KilledWorker:
                    index = indices[futures.index(future)]
                    raise WorkerLostError(
                        f"{label}: replication {index} (seed {replication_seed(seed, index)}) "
                        "killed its worker process each time it ran (a crash or the "
                        "out-of-memory killer)") from None
                on_result(outcome)
                future.release()
                bar.advance(task)
    finally:
        client.cancel([f for f in futures if not f.done()])


def record_replications(client: Any, scenario: Scenario, replications: int,
                        store: ResultsStore | None,
                        rows_of: Callable[[dict[str, Any]], list[dict[str, Any]]],
                        keep: set[int] | None = None, label: str = "replications",
                        progress: bool = True,
                        task: Callable[..., dict[str, Any]] = run_replication,
                        max_events: int = DEFAULT_MAX_EVENTS,
                        key: tuple[str, ...] = ("replication",)) -> pd.DataFrame:
    """Run the replications ``0 .. replications-1`` that ``store`` has not recorded yet and
    return the rows of all of them, sorted by ``key`` (the store's when there is one:
    ``replication``, and ``day`` for an inventory campaign).

    ``rows_of(outcome)`` gives the rows of one finished replication (one row for a Monte
    Carlo replication, one per day for an inventory campaign). Rows are flushed to the
    store as parts, every replication's rows in the same part, so that an interruption
    (Ctrl-C, a killed process) loses at most the replications not yet flushed and never
    records part of one; on resume, a replication recorded twice (a crash between two
    renames) counts once (:meth:`ResultsStore.done_rows`). Without a store the rows stay
    in memory. The one loop of ``iadsim mc``, ``sweep`` and ``campaign --resume``.
    """
    key = list(store.key if store is not None else key)
    done = store.done_rows() if store is not None else pd.DataFrame()
    done_indices = set(done["replication"].tolist()) if len(done) else set()
    missing = [i for i in range(replications) if i not in done_indices]
    pending: list[dict[str, Any]] = []
    recorded: list[dict[str, Any]] = []
    flushed_at = time.monotonic()
    flush_replications = max(1, min(50, replications // 20))
    pending_replications = 0

    def flush() -> None:
        nonlocal flushed_at, pending_replications
        # Taken out of ``pending`` first: when an interrupt arrives inside ``append`` (after
        # its rename), the final flush must not write the same rows again.
        batch = pending.copy()
        pending.clear()
        pending_replications = 0
        recorded.extend(batch)
        if store is not None:
            store.append(batch)
        flushed_at = time.monotonic()

    def on_result(outcome: dict[str, Any]) -> None:
        nonlocal pending_replications
        pending.extend(rows_of(outcome))
        pending_replications += 1
        if (pending_replications >= flush_replications
                or time.monotonic() - flushed_at > FLUSH_INTERVAL_S):
            flush()

    try:
        execute(client, scenario, missing, keep or set(), on_result, label=label,
                progress=progress, task=task, max_events=max_events)
    finally:
        flush()
    frames = [done] if len(done) else []
    frames.append(pd.DataFrame.from_records(recorded))
    rows = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    if not len(rows):
        return rows
    rows = rows[rows["replication"] < replications]
    return rows.sort_values(key, ignore_index=True)


def check_result_columns(scenario: Scenario) -> None:
    """Refuse a scenario two of whose names would share a replication row's column
    (defended assets ``sam-home`` and ``sam_home``: ``survived_sam_home``), the second
    overwriting the first, before anything runs.

    Raises
    ------
    ScenarioError
        One problem per clash, naming the field path (``defended_assets[1].name``).
    """
    from iadsim.errors import ScenarioError
    from iadsim.scenario.campaign_schema import result_column_problems

    problems = result_column_problems(scenario)
    if problems:
        raise ScenarioError(f"<scenario {scenario.name}>", problems)


def run_campaign(client: Any, scenario: Scenario, replications: int,
                 out: str | Path | None = None, keep_events: int = 0, resume: bool = False,
                 label: str = "replications", progress: bool = True,
                 confidence: float = 0.95,
                 max_events: int = DEFAULT_MAX_EVENTS) -> CampaignResult:
    """A campaign on an existing client (see :func:`monte_carlo`; sweeps share a client).
    Refused before anything is written when a replication is over the run budget, or when
    two names would share a result column (:func:`check_result_columns`)."""
    check_replications([("", scenario)], max_events, "iadsim.monte_carlo")
    check_result_columns(scenario)
    store = ResultsStore(out, scenario, replications, resume) if out is not None else None
    kept: dict[int, Any] = {}

    def rows_of(outcome: dict[str, Any]) -> list[dict[str, Any]]:
        index = outcome["row"]["replication"]
        if outcome["run"] is not None:
            if store is not None:
                store.keep_run(index, outcome["run"].write)
            else:
                kept[index] = outcome["run"]
        return [outcome["row"]]

    rows = record_replications(client, scenario, replications, store, rows_of,
                               keep=set(range(keep_events)), label=label, progress=progress,
                               max_events=max_events)
    intervals = interval_table(rows, scenario.sim.seed, confidence)
    if store is not None:
        store.finish(rows, intervals)
    return CampaignResult(rows, intervals, store.folder if store is not None else None)


def monte_carlo(scenario: str | Path | Scenario, replications: int, workers: int | None = None,
                scheduler: str | None = None, out: str | Path | None = None,
                keep_events: int = 0, resume: bool = False,
                progress: bool = True, max_events: int = DEFAULT_MAX_EVENTS) -> CampaignResult:
    """Replicate a scenario over independent seeds and estimate each metric's interval.

    Parameters
    ----------
    scenario:
        A built-in name, a scenario file, or a validated Scenario.
    replications:
        Number of replications (>= 1); replication ``i`` uses
        :func:`replication_seed` ``(sim.seed, i)``.
    workers:
        Worker processes of the local Dask cluster started for the campaign (default: the
        machine's CPU count). Not with ``scheduler``.
    scheduler:
        Address ``tcp://HOST:PORT`` of a running Dask scheduler to run on instead.
    out:
        Results folder (see :mod:`iadsim.analysis.results_store`); None keeps everything in
        memory.
    keep_events:
        The event logs of replications ``0 .. keep_events-1`` are written to
        ``out/events/`` (needs ``out``).
    resume:
        Complete the campaign already in ``out``: its recorded replications are kept, only
        the missing ones run.
    progress:
        Show a progress bar on stderr.
    max_events:
        The run budget of each replication (:mod:`iadsim.engine.run_cost`), the same as
        ``iadsim.run``'s: a scenario estimated over it is refused before anything starts.

    Returns
    -------
    CampaignResult
        The rows (one per replication, by index) and the interval table; the same
        whatever the number of workers, except the ``wall_time_s`` column.
    """
    from iadsim.scenario.loader import load_scenario

    if isinstance(replications, bool) or not isinstance(replications, int) or replications < 1:
        raise ValueError(f"replications must be an integer >= 1, got {replications!r}")
    if keep_events < 0:
        raise ValueError(f"keep_events must be >= 0, got {keep_events}")
    if keep_events and out is None:
        raise ValueError("keep_events: needs out (a folder for the kept event logs)")
    if resume and out is None:
        raise ValueError("resume: needs out (the folder of the campaign to resume)")
    if workers is not None and workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    model = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    check_replications([("", model)], max_events, "iadsim.monte_carlo")
    check_result_columns(model)
    local_workers = workers if scheduler is not None else (
        workers if workers is not None else min(replications, max(1, os.cpu_count() or 1)))
    with campaign_client(local_workers, scheduler) as client:
        return run_campaign(client, model, replications, out=out, keep_events=keep_events,
                            resume=resume, progress=progress, max_events=max_events)
