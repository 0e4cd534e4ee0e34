"""Where Numba caches iadsim's compiled kernels, so that a cached kernel is never stale.

Numba keys a cached kernel by the one file that defines it. A kernel that calls a
compiled function of another module (the flyout and the engageability test call the
intercept geometry's) would keep its old machine code after an edit of that other module
alone. So the cache lives in a directory named by a digest of every iadsim source file:
any change to the package compiles every kernel afresh, once (about 20 s), and an
unchanged package finds them all. The directory is under the user's cache folder
(``$XDG_CACHE_HOME`` or ``~/.cache``), ``iadsim/kernels-<digest>``; caches of other
versions not used for a day are removed. A ``NUMBA_CACHE_DIR`` set by the user is left
alone (and with it this protection).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import time
from pathlib import Path

#: Caches of other source versions untouched for this long are removed.
STALE_AFTER_S = 24 * 3600.0


def cache_directory(package: Path, base: Path) -> Path:
    """``base / "kernels-<digest>"``, the digest (SHA-256, 16 hex digits) taken over the
    relative path and content of every ``.py`` file below ``package``."""
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return base / f"kernels-{digest.hexdigest()[:16]}"


def configure() -> None:
    """Point Numba's cache at this source version's directory (see the module docstring).

    Called when iadsim is imported, before any kernel is compiled; if the directory
    cannot be made, Numba keeps its default (``__pycache__`` beside the sources).
    """
    if "NUMBA_CACHE_DIR" in os.environ:
        return
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "iadsim"
    try:
        target = cache_directory(Path(__file__).resolve().parent, base)
        target.mkdir(parents=True, exist_ok=True)
        os.utime(target)  # marks it in use
    except OSError:
        return
    os.environ["NUMBA_CACHE_DIR"] = str(target)
    if "numba" in sys.modules:  # imported before iadsim: its configuration is already read
        sys.modules["numba"].core.config.CACHE_DIR = str(target)
    now = time.time()
    for other in base.glob("kernels-*"):
        try:
            if other != target and now - other.stat().st_mtime > STALE_AFTER_S:
                shutil.rmtree(other, ignore_errors=True)
        except OSError:
            continue
