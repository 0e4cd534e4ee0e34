"""The compiled kernels' cache is keyed by every source file, so it is never stale."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numba

from iadsim import kernel_cache


def write_package(root: Path, geometry: str) -> Path:
    package = root / "package"
    (package / "effectors").mkdir(parents=True, exist_ok=True)
    (package / "__init__.py").write_text("")
    (package / "flyout.py").write_text("from package.effectors.geometry import speed\n")
    (package / "effectors" / "geometry.py").write_text(geometry)
    return package


def test_editing_any_source_file_names_a_new_cache(tmp_path):
    # A kernel's own file unchanged, a file it calls edited: a new directory, so the
    # kernel is compiled again rather than loaded stale.
    base = tmp_path / "cache"
    first = kernel_cache.cache_directory(write_package(tmp_path, "speed = 1.0\n"), base)
    again = kernel_cache.cache_directory(write_package(tmp_path, "speed = 1.0\n"), base)
    edited = kernel_cache.cache_directory(write_package(tmp_path, "speed = 2.0\n"), base)
    assert first == again
    assert edited != first
    assert first.parent == base and first.name.startswith("kernels-")


def test_configure_uses_the_user_cache_folder_and_keeps_a_user_setting(tmp_path, monkeypatch):
    monkeypatch.setattr(numba.core.config, "CACHE_DIR", numba.core.config.CACHE_DIR)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("NUMBA_CACHE_DIR", raising=False)
    stale = tmp_path / "iadsim" / "kernels-0000000000000000"
    stale.mkdir(parents=True)
    os.utime(stale, (0, 0))  # untouched for decades: removed
    kernel_cache.configure()
    chosen = Path(os.environ["NUMBA_CACHE_DIR"])
    assert chosen.parent == tmp_path / "iadsim" and chosen.is_dir()
    assert str(chosen) == numba.core.config.CACHE_DIR  # numba was imported already
    assert not stale.exists()
    assert "numba" in sys.modules

    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path / "mine"))
    kernel_cache.configure()
    assert os.environ["NUMBA_CACHE_DIR"] == str(tmp_path / "mine")
