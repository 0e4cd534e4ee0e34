"""Kill ``iadsim run`` at each step of writing its folder (a script the crash-safety test
runs in a child process; not a test module).

Usage: ``python write_step_killer.py SCENARIO BASE_FOLDER [sample]``. The run is simulated once;
``iadsim.api.run`` is then replaced by a function returning that result, so that every
``iadsim run SCENARIO --out FOLDER --svg FOLDER/summary.svg`` below only writes. The
write steps are counted on an uninterrupted pass into ``BASE/complete``: each temporary
file created (``tempfile.mkstemp``), each file written (``DataFrame.to_parquet``,
``Path.write_text``) and each rename (``os.replace``). Then, for each step ``k``, a forked
copy of this process runs the command into ``BASE/step-NN`` and SIGKILLs itself right
after step ``k``; after a write step, a second copy first cuts the file it wrote to half
its size (a kill in the middle of the write). With ``sample``, only the steps of the
first and the last file of the run and of the SVG picture (a dozen kills instead of 32).
SIGKILL cannot be caught: nothing of the program runs after it, which is what a
``kill -9`` or a power cut leaves.

Prints one JSON line: ``{"complete": folder, "kills": [{"folder", "step", "signal"}]}``.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

import iadsim.api
from iadsim.interfaces.cli import main

#: The step (index into the counted steps) at which this process kills itself, and how.
KILL_AT: dict[str, Any] = {"step": None, "torn": False}
STEPS: list[str] = []


def _output_name(path: Any) -> str:
    """``events.parquet`` for the temporary ``.events.parquet.k2j4h1x0`` (and itself)."""
    name = Path(path).name
    return name[1:].rsplit(".", 1)[0] if name.startswith(".") else name


def _step(description: str, written: str | None = None) -> None:
    """Record a write step; SIGKILL this process when it is the chosen one."""
    index = len(STEPS)
    STEPS.append(description)
    if KILL_AT["step"] == index:
        if KILL_AT["torn"] and written is not None:
            size = os.path.getsize(written)
            with open(written, "r+b") as handle:
                handle.truncate(size // 2)
        os.kill(os.getpid(), signal.SIGKILL)


def _install_hooks() -> None:
    original_mkstemp = tempfile.mkstemp
    original_replace = os.replace
    original_to_parquet = pd.DataFrame.to_parquet
    original_write_text = Path.write_text

    def mkstemp(*args: Any, **kwargs: Any) -> tuple[int, str]:
        handle, name = original_mkstemp(*args, **kwargs)
        _step(f"created {_output_name(name)}")
        return handle, name

    def replace(source: Any, target: Any, **kwargs: Any) -> None:
        original_replace(source, target, **kwargs)
        _step(f"renamed {_output_name(target)}")

    def to_parquet(self: pd.DataFrame, path: Any, *args: Any, **kwargs: Any) -> Any:
        result = original_to_parquet(self, path, *args, **kwargs)
        _step(f"wrote {_output_name(path)}", str(path))
        return result

    def write_text(self: Path, *args: Any, **kwargs: Any) -> int:
        result = original_write_text(self, *args, **kwargs)
        _step(f"wrote {_output_name(self)}", str(self))
        return result

    tempfile.mkstemp = mkstemp  # type: ignore[assignment]
    os.replace = replace  # type: ignore[assignment]
    pd.DataFrame.to_parquet = to_parquet  # type: ignore[method-assign]
    Path.write_text = write_text  # type: ignore[method-assign]


def _command(scenario: str, folder: Path) -> None:
    """``iadsim run`` into ``folder``; exits (SystemExit) like the console entry point."""
    main(["run", scenario, "--quiet", "--out", str(folder), "--svg",
          str(folder / "summary.svg")])


def main_script(scenario: str, base: Path, sample: bool = False) -> None:
    result = iadsim.api.run(scenario)
    iadsim.api.run = lambda *args, **kwargs: result  # type: ignore[assignment]
    _install_hooks()
    complete = base / "complete"
    try:
        _command(scenario, complete)
    except SystemExit as done:
        if done.code not in (0, None):
            raise
    counted = list(STEPS)
    if sample:
        files = list(dict.fromkeys(step.split(" ", 1)[1] for step in counted))
        chosen = {files[0], files[-2], files[-1]}  # events, summary.json, summary.svg
        counted = [step if step.split(" ", 1)[1] in chosen else "" for step in counted]
    kills = []
    for index, description in enumerate(counted):
        if not description:
            continue
        for torn in ((False, True) if description.startswith("wrote ") else (False,)):
            folder = base / f"step-{len(kills):02d}"
            sys.stdout.flush()
            child = os.fork()
            if child == 0:  # the copy that dies at step ``index``
                STEPS.clear()
                KILL_AT.update(step=index, torn=torn)
                try:
                    with open(os.devnull, "w") as null:
                        os.dup2(null.fileno(), 1)
                        os.dup2(null.fileno(), 2)
                        _command(scenario, folder)
                finally:
                    os._exit(3)  # reached only if the step was never taken
            _, status = os.waitpid(child, 0)
            kills.append({"folder": str(folder),
                          "step": f"{'half-' if torn else ''}{description}",
                          "signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else None})
    print(json.dumps({"complete": str(complete), "kills": kills}))


if __name__ == "__main__":
    main_script(sys.argv[1], Path(sys.argv[2]), sample=sys.argv[3:] == ["sample"])
