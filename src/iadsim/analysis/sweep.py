"""Parameter sweeps: a Monte Carlo campaign per point of a grid of scenario variants.

A parameter is a dotted path into the scenario by section and entry name,
``threats.drone-wave.count`` or ``batteries.sr-battery-refinery.launchers`` (a list section
is entered by its entries' names, a mapping section such as ``doctrine`` or ``sim`` by its
field names: ``doctrine.salvo_size``), with the values to try. Each variant is validated
from scratch, ``Scenario.model_validate({**base.model_dump(), **change})`` plus the
cross-section checks, so a value the schema refuses is refused here too.

Every variant keeps the base scenario's seed, so replication ``i`` of every variant runs
with the same seed (common random numbers): the difference between two variants is the
change, not the luck of the draw.

With a results folder, the sweep records what it is (``campaign.json`` of kind ``sweep``:
the base scenario's digest and seed, the swept paths and values) and each variant's
replications as they finish (a Monte Carlo store in ``variant-NN/``), so an interrupted
sweep (Ctrl-C, a killed worker or process) resumes (``resume=True``, ``iadsim sweep
--resume``) with no variant or replication lost and none counted twice: its tables and
plots are those of an uninterrupted sweep. A resume with other parameters, another
scenario or seed is refused before anything runs.
"""

from __future__ import annotations

import contextlib
import copy
import itertools
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from pydantic import ValidationError

from iadsim.analysis.monte_carlo import campaign_client, check_result_columns, run_campaign
from iadsim.analysis.results_store import (
    claim_folder,
    scenario_digest,
    write_atomically,
    write_database,
)
from iadsim.engine.run_cost import DEFAULT_MAX_EVENTS, check_replications
from iadsim.scenario.references import reference_problems
from iadsim.scenario.schema import Scenario


@dataclass(frozen=True, slots=True)
class SweepParameter:
    """One swept scenario field: its dotted ``path`` and the ``values`` to try."""

    path: str
    values: tuple[Any, ...]


def parse_parameter(text: str) -> SweepParameter:
    """``"threats.drone-wave.count=50,100"`` -> ``SweepParameter(path, (50, 100))``.

    Values are read as YAML scalars (``50`` an integer, ``2.5`` a float, ``true`` a
    boolean, anything else a string).
    """
    path, separator, listed = text.partition("=")
    path = path.strip()
    if not separator or not path or not listed.strip():
        raise ValueError(f"--param {text}: expected PATH=VALUE[,VALUE...], e.g. "
                         "threats.drone-wave.count=50,100")
    values = []
    for item in listed.split(","):
        try:
            values.append(yaml.safe_load(item.strip()) if item.strip() else None)
        except yaml.YAMLError:
            values.append(item.strip())
        if values[-1] is None or isinstance(values[-1], list | dict):
            raise ValueError(f"--param {path}: value {item.strip()!r} is not a number, "
                             "boolean or word")
    return SweepParameter(path, tuple(values))


def _entry(node: list[Any], tokens: list[str], walked: str) -> tuple[dict[str, Any], int]:
    """The entry of a list section named by the longest prefix of ``tokens`` (names may
    contain dots), and how many tokens its name used."""
    names = [entry.get("name") for entry in node if isinstance(entry, dict)]
    for used in range(len(tokens), 0, -1):
        name = ".".join(tokens[:used])
        if name in names:
            return node[names.index(name)], used
    raise ValueError(f"no entry named {tokens[0]!r} in {walked}; expected one of: "
                     + ", ".join(str(n) for n in names))


def set_path(document: dict[str, Any], path: str, value: Any) -> None:
    """Set the field at dotted ``path`` of a dumped scenario (modified in place)."""
    tokens = path.split(".")
    node: Any = document
    walked = ""
    while tokens:
        if isinstance(node, list):
            node, used = _entry(node, tokens, walked.lstrip(".") or "the scenario")
            walked += "." + ".".join(tokens[:used])
            tokens = tokens[used:]
            if not tokens:
                raise ValueError(f"{walked.lstrip('.')} is an entry; expected a field of it, "
                                 f"e.g. {walked.lstrip('.')}.count")
            continue
        key = tokens.pop(0)
        if not isinstance(node, dict) or key not in node:
            known = ", ".join(node) if isinstance(node, dict) else "none (not a section)"
            where = walked.lstrip(".") or "the scenario"
            raise ValueError(f"unknown field {key!r} in {where}; expected one of: {known}")
        walked += "." + key
        if tokens:
            node = node[key]
        elif isinstance(node[key], list | dict):
            raise ValueError(f"{walked.lstrip('.')} is a section; expected a field path such as "
                             f"{walked.lstrip('.')}.<entry name>.<field>")
        else:
            node[key] = value


def variant(base: Scenario, changes: dict[str, Any]) -> Scenario:
    """The base scenario with ``changes`` (dotted path -> value), validated in full.

    Raises
    ------
    ValueError
        One line naming the parameter (path and value) and what was expected.
    """
    dumped = base.model_dump()
    change: dict[str, Any] = {}
    for path, value in changes.items():
        section = path.split(".")[0]
        if section not in dumped:
            raise ValueError(f"--param {path}: unknown section {section!r}; expected one of: "
                             + ", ".join(dumped))
        change.setdefault(section, copy.deepcopy(dumped[section]))
        try:
            set_path({section: change[section]}, path, value)
        except ValueError as error:
            raise ValueError(f"--param {path}: {error}") from None
    label = ", ".join(f"{path}={value}" for path, value in changes.items())
    try:
        scenario = Scenario.model_validate({**dumped, **change})
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        where = "".join(f"[{part}]" if isinstance(part, int) else f".{part}"
                        for part in first["loc"]).lstrip(".")
        raise ValueError(f"--param {label}: {where}: {first['msg']} "
                         f"(got {first.get('input')!r})") from None
    problems = reference_problems(scenario)
    if problems:
        raise ValueError(f"--param {label}: {problems[0][0]}: {problems[0][1]}")
    return scenario


def grid(base: Scenario, parameters: list[SweepParameter]) -> list[tuple[dict[str, Any],
                                                                            Scenario]]:
    """Every combination of the parameters' values, each with its validated scenario (all
    variants are validated before any runs)."""
    if not parameters:
        raise ValueError("parameters: expected at least one --param PATH=VALUES")
    paths = [p.path for p in parameters]
    if len(set(paths)) != len(paths):
        raise ValueError(f"parameters: a path is given twice: {paths}")
    points = [dict(zip(paths, values, strict=True))
              for values in itertools.product(*(p.values for p in parameters))]
    return [(point, variant(base, point)) for point in points]


def check_budget(points: list[tuple[dict[str, Any], Scenario]],
                 max_events: int = DEFAULT_MAX_EVENTS) -> None:
    """Refuse the sweep when a variant's run is over the budget: ``ScenarioError`` naming
    the largest such variant (``variant threats.drone-wave.count=400: run too large:
    ...``), before anything runs or is written."""
    check_replications(((f"variant {', '.join(f'{p}={v}' for p, v in point.items())}", model)
                        for point, model in points), max_events, "iadsim.analysis.sweep.sweep")


def _described(parameters: list[dict[str, Any]]) -> str:
    """``threats.high-run.count=1,2 batteries.trial-battery.salvo_size=1,2`` (as typed)."""
    def word(value: Any) -> str:
        return value if isinstance(value, str) else json.dumps(value)

    return " ".join(f"{p['path']}={','.join(word(v) for v in p['values'])}"
                    for p in parameters)


def claim_sweep_folder(folder: Path, base: Scenario, parameters: list[SweepParameter],
                       replications: int, resume: bool) -> None:
    """Record the sweep in ``folder/campaign.json`` (kind ``sweep``), or check on resume
    that the folder holds this sweep: the same base scenario and seed, the same paths and
    values in the same order (``1`` and ``1.0`` differ: they give other columns). The
    replications may differ, as for ``iadsim mc --resume``: a sweep can be extended.

    Raises
    ------
    ValueError
        One line naming ``out`` or ``resume`` and what was expected.
    """
    swept = json.loads(json.dumps([{"path": p.path, "values": list(p.values)}
                                   for p in parameters]))

    def compare(previous: dict[str, Any]) -> str | None:
        stored = previous.get("parameters")
        if json.dumps(stored) == json.dumps(swept):
            return None
        held = _described(stored) if isinstance(stored, list) else "unknown"
        return (f"resume: {folder} holds a sweep of other parameters ({held}); expected "
                f"the same --param options in the same order, got {_described(swept)}")

    claim_folder(folder, {"kind": "sweep", "scenario": base.name,
                          "scenario_sha256": scenario_digest(base), "seed": base.sim.seed,
                          "replications": replications, "parameters": swept},
                 resume, compare)


@dataclass(frozen=True, slots=True)
class SweepResult:
    """Rows of every replication of every variant and the interval table per variant, each
    with one column per swept path; the PNG plots written (empty without ``out``)."""

    replications: pd.DataFrame
    intervals: pd.DataFrame
    plots: tuple[Path, ...] = ()


def sweep(scenario: str | Path | Scenario, parameters: list[str] | list[SweepParameter],
          replications: int, workers: int | None = None, scheduler: str | None = None,
          out: str | Path | None = None, progress: bool = True,
          client: Any = None, max_events: int = DEFAULT_MAX_EVENTS,
          resume: bool = False) -> SweepResult:
    """Run a Monte Carlo campaign of ``replications`` per grid point (same seeds for all).

    ``parameters`` are ``PATH=VALUES`` strings or :class:`SweepParameter`. With ``out``, each
    variant's campaign goes to ``out/variant-NN`` and the sweep writes ``sweep.csv`` (the
    interval table per variant), ``replications.parquet``, ``runs.duckdb`` and one PNG per
    metric and parameter in ``out/plots``. ``client``: an existing Dask client to run on
    (then ``workers`` and ``scheduler`` are not used). ``max_events``: the run budget of
    each replication (:mod:`iadsim.engine.run_cost`); every variant is checked before any
    runs, and a variant over it refuses the sweep (``ScenarioError`` naming the variant).
    ``resume``: complete the sweep already in ``out`` (same scenario, seed and parameters;
    refused otherwise): its recorded replications are kept, only the missing ones run, and
    the tables and plots are those of an uninterrupted sweep.
    """
    from iadsim.scenario.loader import load_scenario

    if isinstance(replications, bool) or not isinstance(replications, int) or replications < 1:
        raise ValueError(f"replications must be an integer >= 1, got {replications!r}")
    if resume and out is None:
        raise ValueError("resume: needs out (the folder of the sweep to resume)")
    base = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    parsed = [p if isinstance(p, SweepParameter) else parse_parameter(p) for p in parameters]
    points = grid(base, parsed)
    check_budget(points, max_events)
    for _, model in points:
        check_result_columns(model)
    folder = Path(out) if out is not None else None
    if folder is not None:
        claim_sweep_folder(folder, base, parsed, replications, resume)
    row_frames, interval_frames = [], []
    with contextlib.ExitStack() as stack:
        if client is None:
            client = stack.enter_context(campaign_client(workers, scheduler))
        for number, (point, model) in enumerate(points):
            label = f"variant {number + 1}/{len(points)}"
            result = run_campaign(client, model, replications,
                                  out=folder / f"variant-{number:02d}" if folder else None,
                                  resume=resume, label=label, progress=progress,
                                  max_events=max_events)
            columns = {path: value for path, value in point.items()}
            row_frames.append(result.replications.assign(variant=number, **columns))
            interval_frames.append(result.intervals.assign(variant=number, **columns))
    rows = pd.concat(row_frames, ignore_index=True)
    intervals = pd.concat(interval_frames, ignore_index=True)
    plots: tuple[Path, ...] = ()
    if folder is not None:
        write_atomically(folder / "sweep.csv", lambda path: intervals.to_csv(path, index=False))
        write_atomically(folder / "replications.parquet",
                         lambda path: rows.to_parquet(path, index=False))
        write_database(folder / "runs.duckdb", {"replications": rows, "intervals": intervals})
        plots = plot_sweep(intervals, [p.path for p in parsed], folder / "plots")
    return SweepResult(rows, intervals, plots)


def plot_sweep(intervals: pd.DataFrame, paths: list[str], folder: Path) -> tuple[Path, ...]:
    """One PNG per metric and swept path: the estimate against the path's values with its
    interval as a band, one line per combination of the other paths' values."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    written = []
    for metric, by_metric in intervals.groupby("metric", sort=False):
        for path in paths:
            others = [p for p in paths if p != path]
            figure, axes = pyplot.subplots(figsize=(6, 4), dpi=100)
            groups = by_metric.groupby(others, sort=False) if others else [((), by_metric)]
            for key, frame in groups:
                frame = frame.sort_values(path)
                x = frame[path].to_numpy()
                numeric = pd.api.types.is_numeric_dtype(frame[path])
                positions = x if numeric else range(len(x))
                keys = key if isinstance(key, tuple) else (key,)
                name = ", ".join(f"{p}={v}" for p, v in zip(others, keys, strict=True))
                axes.plot(positions, frame["estimate"], marker="o", label=name or None)
                axes.fill_between(positions, frame["low"], frame["high"], alpha=0.2)
                if not numeric:
                    axes.set_xticks(list(positions), [str(v) for v in x])
            axes.set_xlabel(path)
            axes.set_ylabel(str(metric))
            axes.set_title(f"{metric} against {path} (95% interval band)", fontsize=9)
            if others:
                axes.legend(fontsize=7)
            figure.tight_layout()
            slug = re.sub(r"[^0-9A-Za-z]+", "-", f"{metric}--{path}").strip("-")
            target = folder / f"{slug}.png"
            write_atomically(target, lambda temporary, f=figure: f.savefig(temporary,
                                                                            format="png"))
            pyplot.close(figure)
            written.append(target)
    return tuple(written)
