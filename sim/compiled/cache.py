"""Where the compiled model is kept between processes, and the one-time compile message.

numba compiles the kernels the first time a process needs them (about half a minute on a
laptop) and, with ``cache=True``, stores the machine code on disk so later processes load it in
about a second. numba checks a cached function only against its own source file, not the
files it calls, and it discards a cache whose source file has another modification time, so
the cache lives in a folder named after a hash of every source file of :mod:`sim.compiled`
(content, path, modification time) and the numba and Python versions: change any kernel, or
use another clone of the repository, and the next run compiles afresh into its own folder
(old folders can be deleted at any time). The folder is ``$CONTINUITY_CACHE_DIR`` if set, else
``$XDG_CACHE_HOME/continuity`` (``~/.cache/continuity``), then ``numba-<hash>``.
This module must be imported before the kernels are defined (``sim.compiled.bridge`` does).
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

import numba

PACKAGE = Path(__file__).resolve().parent
APPROXIMATE_COMPILE_S = 30
"""What the message promises: measured 20–40 s on a 2-core machine."""


def source_hash() -> str:
    """A hash of the kernels' source files (content, path, time) and the compiler versions."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.glob("*.py")):
        stat = path.stat()
        digest.update(f"{path} {stat.st_mtime_ns} {stat.st_size}".encode())
        digest.update(path.read_bytes())
    digest.update(f"{numba.__version__} {sys.version_info[:3]}".encode())
    return digest.hexdigest()[:16]


def cache_dir() -> Path:
    """The folder of this version's compiled kernels."""
    root = os.environ.get("CONTINUITY_CACHE_DIR")
    if root:
        base = Path(root)
    else:
        xdg = os.environ.get("XDG_CACHE_HOME")
        base = (Path(xdg) if xdg else Path.home() / ".cache") / "continuity"
    return base / f"numba-{source_hash()}"


def configure() -> Path:
    """Point numba's cache at :func:`cache_dir` (before any kernel is defined)."""
    folder = cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:  # a read-only home: numba falls back to its own places
        return folder
    numba.config.CACHE_DIR = str(folder)
    return folder


def is_warm(folder: Path) -> bool:
    """Whether the main kernel has been compiled into ``folder`` before."""
    return any(folder.rglob("month.run_months-*.nbi"))


def announce(folder: Path) -> None:
    """Tell the user, once, that the first run compiles the model."""
    print(
        f"continuity: compiling the model once (about {APPROXIMATE_COMPILE_S} s); later runs "
        f"load it from {folder}",
        file=sys.stderr,
        flush=True,
    )
