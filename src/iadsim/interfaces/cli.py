"""The ``iadsim`` command: a thin layer over the Python API.

Bad input (an invalid scenario, a missing file, a bad option) prints one line per problem
and exits with code 2, never a traceback.
"""

from __future__ import annotations

import errno
import io
import os
import signal
import sys
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console

from iadsim.errors import OutputError, ScenarioError, WorkerLostError
from iadsim.interfaces import campaign_command
from iadsim.interfaces.cli_options import (
    MaxEventsOption,
    ScenarioArgument,
    SchedulerOption,
    WorkersOption,
)
from iadsim.interfaces.cli_report import register as register_plot_and_report
from iadsim.interfaces.coverage_command import register as register_coverage
from iadsim.interfaces.exports.command import export_command
from iadsim.scenario.schema import Scenario

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="iadsim: simulate a layered air and missile defense network end to end. "
                       "All system profiles are notional.")


class StandardOutputError(Exception):
    """Standard output cannot be written (a closed pipe, a full disk). Not an OSError:
    Click turns a broken pipe (OSError EPIPE) into a silent exit with code 1."""

    def __init__(self, error: OSError):
        super().__init__(error.strerror or str(error))
        self.strerror = error.strerror or str(error)


class _GuardedStdout:
    """The current ``sys.stdout``, with a write or flush failure raised as
    :class:`StandardOutputError`, so that ``main`` can tell it from other OSErrors."""

    def write(self, text: str) -> int:
        try:
            return sys.stdout.write(text)
        except OSError as error:
            raise StandardOutputError(error) from None

    def flush(self) -> None:
        try:
            sys.stdout.flush()
        except OSError as error:
            raise StandardOutputError(error) from None

    def isatty(self) -> bool:
        return sys.stdout.isatty()

    def fileno(self) -> int:
        return sys.stdout.fileno()

    @property
    def encoding(self) -> str:
        return getattr(sys.stdout, "encoding", "utf-8")


# emoji=False: file names and user text are printed as given (``plan:fire:.yaml`` stays so).
console = Console(emoji=False, file=_GuardedStdout())  # type: ignore[arg-type]
errors = Console(stderr=True, emoji=False)


def _fail(lines: list[str]) -> NoReturn:
    for line in lines:
        errors.print(f"error: {line}", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(code=2)


def _fail_scenario(error: ScenarioError, model: Scenario, scenario: str) -> NoReturn:
    """A scenario's problems found after loading (the run budget, a flight the model
    cannot solve), one line each, naming the scenario as the user gave it."""
    _fail([line.replace(f"<scenario {model.name}>", scenario, 1) for line in error.lines()])


def _worker_lost(error: WorkerLostError, folder: Path | None, what: str) -> NoReturn:
    """A replication that killed its workers: one line (what was kept and how to go on)
    and exit code 1 (the input was valid; the run failed)."""
    kept = (f"; the finished replications are kept in {folder}: run the same command with "
            f"--resume to complete the {what}" if folder is not None else "")
    errors.print(f"error: {error}{kept}", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(code=1)


def _load(scenario: str) -> Scenario:
    """Load a scenario, or print its problems (one line each) and exit with code 2."""
    from iadsim.scenario.loader import load_scenario

    try:
        return load_scenario(scenario)
    except ScenarioError as error:
        _fail(error.lines())


#: Most route-into-the-ground warnings printed one per threat; the rest are counted.
MAX_GROUND_WARNINGS = 20


def _warn_ground_impacts(model: Scenario) -> None:
    """One warning line (standard error) per threat whose planned route ends in the DEM's
    ground (:func:`iadsim.threats.ground_crossing.planned_ground_impacts`); nothing without
    a DEM."""
    from iadsim.threats.ground_crossing import planned_ground_impacts

    try:
        impacts = planned_ground_impacts(model)
    except (ScenarioError, ValueError):
        return  # a flight the model cannot solve: the run reports it as one error line
    for impact in impacts[:MAX_GROUND_WARNINGS]:
        errors.print(f"warning: {impact.line()}", markup=False, highlight=False,
                     soft_wrap=True)
    if len(impacts) > MAX_GROUND_WARNINGS:
        errors.print(f"warning: and {len(impacts) - MAX_GROUND_WARNINGS} more threats whose "
                     "planned route goes into the ground", markup=False, highlight=False,
                     soft_wrap=True)


@app.command()
def scenarios() -> None:
    """List the built-in scenarios with a one-line description each."""
    from iadsim.scenario.loader import builtin_names, load_scenario

    for name in builtin_names():
        first_line = load_scenario(name).description.strip().splitlines()[0]
        console.print(f"[bold]{name:<16}[/bold] {first_line}", highlight=False, soft_wrap=True)


@app.command()
def validate(
    scenario: Annotated[str, typer.Argument(help="A scenario file, or a built-in name.")],
) -> None:
    """Check a scenario file and explain every problem (exit code 2 when invalid)."""
    model = _load(scenario)
    counts = ", ".join([
        _counted(len(model.sensors), "radar"),
        _counted(len(model.batteries), "battery", "batteries"),
        _counted(sum(group.count for group in model.threats), "threat")
        + " in " + _counted(len(model.threats), "group"),
        _counted(len(model.defended_assets), "defended asset"),
    ])
    console.print(f"{scenario}: valid scenario {model.name!r}: {counts}.",
                  highlight=False, soft_wrap=True)
    _warn_ground_impacts(model)


def _counted(count: int, singular: str, plural: str | None = None) -> str:
    """``1 battery``, ``2 batteries``, ``0 radars``."""
    return f"{count} {singular if count == 1 else plural or singular + 's'}"


@app.command()
def run(
    scenario: Annotated[str, typer.Argument(help="A built-in name or a scenario file.")]
    = "layered-defense",
    seed: Annotated[int | None, typer.Option(help="Random seed (default: the file's sim.seed).",
                                             min=0, max=2**63 - 1)] = None,
    out: Annotated[str | None, typer.Option(help="Folder for events.parquet, threats.parquet "
                                                 "and summary.json (default: runs/NAME-seedN).")]
    = None,
    quiet: Annotated[bool, typer.Option(help="Print only the verdict line.")] = False,
    svg: Annotated[Path | None, typer.Option(help="Also save the printed summary as an SVG "
                                                  "picture (for reports).")] = None,
    max_events: Annotated[int | None, typer.Option(
        min=1, help="Refuse a run estimated to log more events (default 20,000,000; "
                    "see docs: run budget).")] = None,
) -> None:
    """Run one simulation, write its event log and summary, and print the summary."""
    from iadsim.analysis.results_store import write_atomically
    from iadsim.api import check_output_folder
    from iadsim.api import run as run_scenario
    from iadsim.engine.run_cost import DEFAULT_MAX_EVENTS
    from iadsim.interfaces.report import print_summary

    model = _load(scenario)
    chosen_seed = model.sim.seed if seed is None else seed
    folder = Path(out) if out is not None else Path("runs") / f"{model.name}-seed{chosen_seed}"
    _warn_ground_impacts(model)
    try:  # every output is checked before the run, not after it
        check_output_folder(out if out is not None else folder)
        if svg is not None:
            _check_svg(svg)
        result = run_scenario(model, seed=chosen_seed,
                              max_events=max_events or DEFAULT_MAX_EVENTS)
    except OutputError as error:
        _fail([f"--{error}"])
    except ScenarioError as error:
        _fail_scenario(error, model, scenario)
    try:
        result.write(folder)
    except OutputError as error:
        _fail([f"--{error}"])
    except OSError as error:
        _fail([f"--out: cannot write to {folder}: {error.strerror or error}"])
    if quiet:
        console.print(result.summary["verdict_text"], highlight=False, soft_wrap=True)
    else:
        print_summary(result.summary, console)
    if svg is not None:
        picture = Console(record=True, width=100, file=io.StringIO())
        print_summary(result.summary, picture)
        drawing = picture.export_svg(title=f"iadsim run {model.name} --seed {chosen_seed}")
        try:  # under a temporary name, then renamed: never a half-written picture
            write_atomically(svg, lambda path: Path(path).write_text(drawing, encoding="utf-8"))
        except OSError as error:
            _fail([f"--svg: cannot write {svg}: {error.strerror or error}"])
    recorded = ", tracks, truth and interceptors" if len(result.tracks) else ""
    console.print(f"Wrote {folder}/events.parquet ({len(result.events)} events), "
                  f"threats{recorded} (Parquet), scenario.json and summary.json",
                  highlight=False, soft_wrap=True)


def _check_svg(svg: Path) -> None:
    """Refuse an SVG path that cannot be written, before the run."""
    from iadsim.api import probe_writable

    if str(svg) in ("", "."):
        raise OutputError("svg: empty path; expected a file path ending in .svg")
    if svg.is_dir():
        raise OutputError(f"svg: {svg} is a folder; expected a file path")
    existing = svg.parent
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise OutputError(f"svg: cannot write {svg}: {existing} is not a folder")
    probe_writable(existing, f"svg: cannot write {svg}")


def _number(value: float) -> str:
    """A table cell: NaN as a dash, large values with thousands separators."""
    if value != value:  # NaN
        return "-"
    if abs(value) >= 1_000:
        return f"{value:,.0f}"
    return f"{value:.3f}" if abs(value) < 10 else f"{value:.2f}"


def _print_intervals(intervals: Any, title: str) -> None:
    """The interval table of a campaign: metric, estimate, 95% interval, basis, method."""
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    for header in ("metric", "estimate", "95% interval", "basis", "method"):
        table.add_column(header, justify="left" if header in ("metric", "method") else "right")
    for row in intervals.itertuples():
        basis = (f"{int(row.successes)}/{int(row.trials)}" if row.kind == "probability"
                 else "")
        table.add_row(row.metric, _number(row.estimate),
                      f"[{_number(row.low)}, {_number(row.high)}]", basis, row.method)
    console.print(table)



@app.command()
def mc(
    scenario: ScenarioArgument,
    replications: Annotated[int, typer.Option("-n", "--replications", min=1,
                                              help="Number of replications.")] = 100,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
    out: Annotated[Path | None, typer.Option(help="Results folder: replications.parquet, "
                                             "intervals.csv, runs.duckdb, events/.")] = None,
    keep_events: Annotated[int, typer.Option(min=0, help="Keep the event logs of the first K "
                                             "replications (needs --out).")] = 0,
    resume: Annotated[bool, typer.Option(help="Complete the interrupted campaign in --out.")]
    = False,
    max_events: MaxEventsOption = None,
) -> None:
    """Replicate a scenario over independent seeds; print each metric with its 95% interval."""
    from iadsim.analysis.monte_carlo import monte_carlo
    from iadsim.engine.run_cost import DEFAULT_MAX_EVENTS

    model = _load(scenario)
    try:
        result = monte_carlo(model, replications, workers=workers, scheduler=scheduler,
                             out=out, keep_events=keep_events, resume=resume,
                             max_events=max_events or DEFAULT_MAX_EVENTS)
    except KeyboardInterrupt:
        message = ("interrupted; the recorded replications are kept in --out: run the same "
                   "command with --resume to complete the campaign" if out is not None
                   else "interrupted")
        errors.print(message, markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(code=130) from None
    except WorkerLostError as error:
        _worker_lost(error, out, "campaign")
    except ScenarioError as error:
        _fail_scenario(error, model, scenario)
    except (ValueError, OSError) as error:
        _fail([str(error)])
    _print_intervals(result.intervals, f"{model.name}: {len(result.replications)} replications "
                     f"(seed {model.sim.seed})")
    if result.out is not None:
        console.print(f"Wrote {result.out}/replications.parquet, intervals.csv and runs.duckdb"
                      + (f", events of {keep_events} replication(s)" if keep_events else ""),
                      highlight=False, soft_wrap=True)


#: Metrics shown in the sweep's printed table (all are in sweep.csv and the plots).
SWEEP_COLUMNS = {"P(no leaker)": "P(no leaker)", "P(kill) per shot": "P(kill) per shot",
                 "mean leakers": "leakers (mean)", "mean interceptors_fired": "fired (mean)"}


@app.command()
def sweep(
    scenario: ScenarioArgument,
    param: Annotated[list[str], typer.Option(help="PATH=V1,V2,...: a dotted path by section and "
                                             "entry name, e.g. threats.drone-wave.count=50,100 "
                                             "(repeat for a grid).")],
    replications: Annotated[int, typer.Option("-n", "--replications", min=1,
                                              help="Replications per variant.")] = 100,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
    out: Annotated[Path | None, typer.Option(help="Folder for sweep.csv, replications.parquet, "
                                             "runs.duckdb and plots/ (default: "
                                             "runs/NAME-sweep).")] = None,
    max_events: MaxEventsOption = None,
    resume: Annotated[bool, typer.Option(help="Complete the interrupted sweep in --out (the "
                                              "same scenario and --param options; no variant "
                                              "or replication lost, none counted twice).")]
    = False,
) -> None:
    """Run a campaign per point of a parameter grid, with common random numbers.

    Prints a table and writes plots of each metric against each parameter.
    """
    from rich.table import Table

    from iadsim.analysis.sweep import check_budget, grid, parse_parameter
    from iadsim.analysis.sweep import sweep as run_sweep
    from iadsim.engine.run_cost import DEFAULT_MAX_EVENTS

    model = _load(scenario)
    folder = out or Path("runs") / f"{model.name}-sweep"
    budget = max_events or DEFAULT_MAX_EVENTS
    try:
        parameters = [parse_parameter(text) for text in param]
        # Every variant checked (fields, then the run budget) before anything runs.
        check_budget(grid(model, parameters), budget)
        result = run_sweep(model, parameters, replications, workers=workers,
                           scheduler=scheduler, out=folder, max_events=budget, resume=resume)
    except KeyboardInterrupt:
        errors.print(f"interrupted; the finished replications are kept in {folder}: run the "
                     "same command with --resume to complete the sweep", markup=False,
                     highlight=False, soft_wrap=True)
        raise typer.Exit(code=130) from None
    except WorkerLostError as error:
        _worker_lost(error, folder, "sweep")
    except ScenarioError as error:
        _fail_scenario(error, model, scenario)
    except (ValueError, OSError) as error:
        _fail([str(error)])
    paths = [p.path for p in parameters]
    table = Table(title=f"{model.name}: {replications} replications per variant, same seeds "
                  "(estimate [95% interval])", title_justify="left")
    for path in paths:  # the section is in the file name; the entry and field suffice here
        table.add_column(path.split(".", 1)[-1], justify="right", no_wrap=True)
    for header in SWEEP_COLUMNS.values():
        table.add_column(header, justify="right")
    for _, frame in result.intervals.groupby("variant", sort=True):
        by_metric = frame.set_index("metric")
        cells = [str(frame[path].iloc[0]) for path in paths]
        for metric in SWEEP_COLUMNS:
            if metric in by_metric.index:
                row = by_metric.loc[metric]
                cells.append(f"{_number(row.estimate)} [{_number(row.low)}, "
                             f"{_number(row.high)}]")
            else:
                cells.append("-")
        table.add_row(*cells)
    console.print(table)
    console.print(f"Wrote {folder}/sweep.csv, replications.parquet, runs.duckdb and "
                  f"{len(result.plots)} plots in {folder}/plots", highlight=False,
                  soft_wrap=True)


@app.command()
def trial(
    scenario: ScenarioArgument,
    replications: Annotated[int, typer.Option("-n", "--replications", min=1,
                                              help="Repetitions of the scenario's series "
                                                   "of presentations.")] = 50,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
    out: Annotated[Path | None, typer.Option(help="Folder for trial.md and the CSV tables "
                                             "(default: runs/NAME-trial).")] = None,
    max_events: MaxEventsOption = None,
) -> None:
    """Play a test-range trial and write a trial table to sign (Markdown, CSV).

    Every target presentation is scored (first detection per radar, engagement timeline,
    outcome), with Pk per shot and per presentation.
    """
    from rich.table import Table

    from iadsim.analysis.trial import accuracy_line
    from iadsim.analysis.trial import trial as play_trial
    from iadsim.engine.run_cost import DEFAULT_MAX_EVENTS

    model = _load(scenario)
    folder = out or Path("runs") / f"{model.name}-trial"
    if folder.exists() and not folder.is_dir():
        _fail([f"--out: {folder} exists and is not a folder; expected a folder path"])
    try:
        result = play_trial(model, replications, workers=workers, scheduler=scheduler,
                            out=folder, max_events=max_events or DEFAULT_MAX_EVENTS)
    except KeyboardInterrupt:
        errors.print("interrupted", markup=False, highlight=False)
        raise typer.Exit(code=130) from None
    except ScenarioError as error:
        _fail_scenario(error, model, scenario)
    except (ValueError, OSError) as error:
        _fail([str(error)])
    _print_intervals(result.probabilities.assign(kind="probability"),
                     f"{model.name}: {len(result.presentations)} presentations in "
                     f"{replications} replications")
    ranges = Table(title="First-detection range per radar (km)", title_justify="left")
    for header in result.detection_ranges.columns:
        ranges.add_column(header, justify="left" if header == "radar" else "right")
    for row in result.detection_ranges.itertuples(index=False):
        ranges.add_row(row[0], *(f"{v}" if isinstance(v, int) else f"{v:.1f}"
                                 for v in row[1:]))
    console.print(ranges)
    console.print(accuracy_line(result.presentations), highlight=False, soft_wrap=True)
    console.print(f"Wrote {folder}/trial.md, presentations.csv, detections.csv, "
                  "detection_ranges.csv and probabilities.csv", highlight=False,
                  soft_wrap=True)


@app.command()
def sql(
    folder: Annotated[Path, typer.Argument(help="The --out folder of a campaign.")],
    statement: Annotated[str, typer.Argument(help="One SQL statement, e.g. \"SELECT "
                                             "avg(leakers) FROM replications\".")],
) -> None:
    """Query a campaign's runs.duckdb (tables: replications, intervals) with SQL."""
    from iadsim.analysis.results_store import query

    try:
        frame = query(folder, statement)
    except ValueError as error:
        _fail([str(error)])
    console.print(frame.to_string(index=False), highlight=False, soft_wrap=True, markup=False)


@app.command()
def faults(
    scenario: Annotated[str, typer.Argument(help="A built-in name or a scenario file with "
                                                 "a faults: list.")],
    seed: Annotated[int | None, typer.Option(help="Random seed (default: the file's sim.seed).",
                                             min=0, max=2**63 - 1)] = None,
) -> None:
    """Run the scenario without its faults, with each alone and with all: what each cost."""
    from iadsim.api import compare_faults
    from iadsim.interfaces.report import print_fault_comparison

    model = _load(scenario)
    if not model.faults:
        _fail([f"{scenario}: no faults declared; expected a faults: list "
               "(kind radar_down or link_cut, target, start_s, end_s)"])
    print_fault_comparison(compare_faults(model, seed=seed), console)


register_plot_and_report(app, _fail, console)
# ``iadsim coverage``: where the radars see a target (interfaces/coverage_command.py).
register_coverage(app, _fail, _load, console)
# ``iadsim export``: CZML, KML, DIS, Parquet, CSV (package interfaces/exports).
app.command("export")(export_command)
# ``iadsim campaign``: days of raids, magazines carried over (interfaces/campaign_command.py).
app.command()(campaign_command.campaign)


class Terminated(SystemExit):
    """Raised by the SIGTERM handler: the stack unwinds, so temporary files are removed."""


def _terminate(signal_number: int, frame: Any) -> None:
    """SIGTERM: unwind like an interrupt, so that temporary files are removed."""
    raise Terminated(128 + signal_number)


def main(argv: list[str] | None = None) -> NoReturn:
    """Console entry point. A usage error (unknown option, bad option value) is one line,
    ``error: ...`` on stderr, with exit code 2, like every other bad input. So is a
    standard output that cannot be written (a closed pipe, a full disk). SIGTERM unwinds
    (temporary output files removed) and exits with 143; Ctrl-C with 130."""
    args = sys.argv[1:] if argv is None else argv
    if not args:
        args = ["--help"]  # no arguments at all: the help, as a first-time user expects
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        code = app(args=args, prog_name="iadsim", standalone_mode=False)
        console.file.flush()
    except typer.Abort:
        code = 130
    except typer.TyperException as error:
        # Click's usage errors (typer >= 0.29 vendors Click; they derive from this class).
        context = getattr(error, "ctx", None)
        command = context.command_path if context is not None else "iadsim"
        message = " ".join(error.format_message().split())  # type: ignore[attr-defined]
        errors.print(f"error: {message} (see '{command} --help')", markup=False,
                     highlight=False, soft_wrap=True)
        code = getattr(error, "exit_code", 2)
    except KeyboardInterrupt:
        code = 130
    except Terminated as terminated:
        errors.print("error: terminated (SIGTERM); no output file was left half-written",
                     markup=False, highlight=False, soft_wrap=True)
        code = terminated.code
    except StandardOutputError as error:
        code = _standard_output_failed(error)
    except OSError as error:
        if error.errno in (errno.EPIPE, errno.ENOSPC) and getattr(error, "filename",
                                                                  None) is None:
            code = _standard_output_failed(error)
        else:
            errors.print(f"error: {error.filename or 'output'}: {error.strerror or error}",
                         markup=False, highlight=False, soft_wrap=True)
            code = 2
    finally:
        signal.signal(signal.SIGTERM, previous)
    sys.exit(code if isinstance(code, int) else 0)


def _standard_output_failed(error: OSError | StandardOutputError) -> int:
    """One line on stderr; standard output pointed at /dev/null so that the
    interpreter's last flush does not fail again. Returns the exit code, 2."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass
    errors.print(f"error: cannot write to standard output: {error.strerror or error}",
                 markup=False, highlight=False, soft_wrap=True)
    return 2


if __name__ == "__main__":
    main()
