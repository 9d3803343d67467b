"""The installed ``continuity`` console command, run in a subprocess for end-to-end tests.

Test modules import it as ``from cli_runner import CONTINUITY, continuity`` (``tests/`` is on
the import path, as for ``dashboard_server``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

_BIN = Path(sys.executable).with_name("continuity")
CONTINUITY = str(_BIN) if _BIN.exists() else shutil.which("continuity")
"""The console command of the environment running the tests (or the one on ``PATH``)."""


def continuity(
    *args: str,
    cwd: Path,
    timeout: float = 600,
    drop: Sequence[str] = ("HYDRA_",),
    **extra_env: str,
) -> subprocess.CompletedProcess:
    """Run ``continuity ARGS`` in ``cwd``; its output as text.

    The environment is the test's, without variables starting with ``drop`` (a Hydra job's own
    variables would leak into the child), with ``MPLBACKEND=Agg`` and ``extra_env``.
    """
    assert CONTINUITY, "the continuity console command is not installed"
    env = {k: v for k, v in os.environ.items() if not k.startswith(tuple(drop))}
    env.update(MPLBACKEND="Agg", **extra_env)
    return subprocess.run(
        [CONTINUITY, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )
