"""Every benchmark script imports: a refactor that moves a helper one script imports from
another (as the shared tracking options once did to ``confirmation_seeds.py`` and
``imm_vs_cv.py``) fails here, not the next time someone measures."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
#: Optional extras a script may need (the ``bench`` extra); a script missing one is skipped.
OPTIONAL = {"stonesoup"}


@pytest.mark.parametrize("script", sorted(path.stem for path in BENCHMARKS.glob("*.py")))
def test_the_benchmark_script_imports_and_has_a_main(script, monkeypatch):
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    try:
        module = importlib.import_module(script)
    except ModuleNotFoundError as error:
        if error.name and error.name.split(".")[0] in OPTIONAL:
            pytest.skip(f"{script} needs the optional {error.name}")
        raise
    finally:
        sys.modules.pop(script, None)
    helpers = {"picture_walk", "split_causes", "tracking_settings"}  # imported, not run
    assert script in helpers or callable(getattr(module, "main", None))
