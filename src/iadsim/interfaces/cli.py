"""The ``iadsim`` command: a thin layer over the Python API.

Bad input (an invalid scenario, a missing file, a bad option) prints one line per problem
and exits with code 2, never a traceback.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console

from iadsim.errors import ScenarioError
from iadsim.scenario.schema import Scenario

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="iadsim: simulate a layered air and missile defense network end to end. "
                       "All system profiles are notional.")
# emoji=False: file names and user text are printed as given (``plan:fire:.yaml`` stays so).
console = Console(emoji=False)
errors = Console(stderr=True, emoji=False)


def _fail(lines: list[str]) -> NoReturn:
    for line in lines:
        errors.print(f"error: {line}", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(code=2)


def _load(scenario: str) -> Scenario:
    """Load a scenario, or print its problems (one line each) and exit with code 2."""
    from iadsim.scenario.loader import load_scenario

    try:
        return load_scenario(scenario)
    except ScenarioError as error:
        _fail(error.lines())


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


def _counted(count: int, singular: str, plural: str | None = None) -> str:
    """``1 battery``, ``2 batteries``, ``0 radars``."""
    return f"{count} {singular if count == 1 else plural or singular + 's'}"


@app.command()
def run(
    scenario: Annotated[str, typer.Argument(help="A built-in name or a scenario file.")]
    = "layered-defense",
    seed: Annotated[int | None, typer.Option(help="Random seed (default: the file's sim.seed).",
                                             min=0, max=2**63 - 1)] = None,
    out: Annotated[Path | None, typer.Option(help="Folder for events.parquet, threats.parquet "
                                                  "and summary.json (default: runs/NAME-seedN).")]
    = None,
    quiet: Annotated[bool, typer.Option(help="Print only the verdict line.")] = False,
    svg: Annotated[Path | None, typer.Option(help="Also save the printed summary as an SVG "
                                                  "picture (for reports).")] = None,
) -> None:
    """Run one simulation, write its event log and summary, and print the summary."""
    from iadsim.api import run as run_scenario
    from iadsim.interfaces.report import print_summary

    model = _load(scenario)
    chosen_seed = model.sim.seed if seed is None else seed
    folder = out or Path("runs") / f"{model.name}-seed{chosen_seed}"
    if folder.exists() and not folder.is_dir():
        _fail([f"--out: {folder} exists and is not a folder; expected a folder path"])
    result = run_scenario(model, seed=chosen_seed)
    try:
        result.write(folder)
    except OSError as error:
        _fail([f"--out: cannot write to {folder}: {error.strerror or error}"])
    if quiet:
        console.print(result.summary["verdict_text"], highlight=False, soft_wrap=True)
    else:
        print_summary(result.summary, console)
    if svg is not None:
        picture = Console(record=True, width=100, file=io.StringIO())
        print_summary(result.summary, picture)
        try:
            svg.parent.mkdir(parents=True, exist_ok=True)
            picture.save_svg(str(svg), title=f"iadsim run {model.name} --seed {chosen_seed}")
        except OSError as error:
            _fail([f"--svg: cannot write {svg}: {error.strerror or error}"])
    console.print(f"Wrote {folder}/events.parquet ({len(result.events)} events), "
                  f"threats.parquet and summary.json", highlight=False, soft_wrap=True)


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


def main(argv: list[str] | None = None) -> NoReturn:
    """Console entry point. A usage error (unknown option, bad option value) is one line,
    ``error: ...`` on stderr, with exit code 2, like every other bad input."""
    args = sys.argv[1:] if argv is None else argv
    if not args:
        args = ["--help"]  # no arguments at all: the help, as a first-time user expects
    try:
        code = app(args=args, prog_name="iadsim", standalone_mode=False)
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
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
