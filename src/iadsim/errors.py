"""Domain errors: bad input is reported as one line per problem, naming where it is.

The CLI turns a :class:`ScenarioError` into those lines and exit code 2, never a traceback.
"""

from __future__ import annotations


class IadsimError(Exception):
    """Base class of every error iadsim raises on purpose."""


class ScenarioError(IadsimError, ValueError):
    """A scenario file (or dictionary) that cannot be run.

    Parameters
    ----------
    source:
        The file name, or ``"<scenario>"`` for an in-memory document.
    problems:
        One entry per problem: ``(field_path, message)``, where ``field_path`` is written
        the way a user reads the YAML (``sensors[0].ref_range_km``) and ``message`` says
        what was expected and what was given.
    """

    def __init__(self, source: str, problems: list[tuple[str, str]]):
        self.source = source
        self.problems = problems
        super().__init__(self.lines()[0] if problems else f"{source}: invalid scenario")

    def lines(self) -> list[str]:
        """One printable line per problem: ``file: field.path: what was expected``."""
        return [
            f"{self.source}: {path}: {message}" if path else f"{self.source}: {message}"
            for path, message in self.problems
        ]

    def __str__(self) -> str:
        lines = self.lines()
        if len(lines) <= 1:
            return lines[0] if lines else self.source
        return f"{lines[0]} (and {len(lines) - 1} more problem(s))"


class OutputError(IadsimError, ValueError):
    """An output path that cannot be written (found before the run, when possible).

    The message names the option or argument, the path and what was expected.
    """


class TrajectoryError(IadsimError, ValueError):
    """A threat's flight that the flight models cannot solve with the scenario's numbers
    (e.g. no boost of the given burn time reaches the target with the asked apogee). The
    message names the quantity and what to change; the run reports it under ``threats``.
    """


class WorkerLostError(IadsimError, RuntimeError):
    """A campaign's replication whose worker process died more often than the cluster
    retries it (a crash, the out-of-memory killer). The campaign stops; the replications
    recorded before stay recorded, so that it resumes.
    """
