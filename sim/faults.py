"""Test hook for fault injection: ``CONTINUITY_FAULT=ACTION@STAGE:N``.

It acts when stage STAGE is reached for the N-th time (or by chunk number N, for the sweep's
chunk stages).

ACTION: ``kill`` (SIGKILL this process: a worker that dies), ``killpg`` (SIGKILL the whole
process group; only when this process leads a session of its own, as the tests start it),
``enospc`` (raise ``OSError(ENOSPC)``: a full disk), ``sigint`` / ``sigterm`` (send that signal
to this process: Ctrl-C, or a scheduler's or the system's request to stop).

Stages: the chunk stages of :func:`experiments.results_store.inject_fault` (``mid``, ``runs``,
``timeseries``, ``done``, numbered by chunk), ``write`` (inside :func:`sim.api.atomic_write`,
the temporary file written and not yet renamed; numbered by the process's calls), ``plan``
(``continuity sweep`` once the plan is made), ``collect`` (after the runs table is written),
``report`` (after the first section is drawn) -- these numbered 0.
"""

from __future__ import annotations

import errno
import os
import signal
from collections import Counter
from pathlib import Path

FAULT_ENV = "CONTINUITY_FAULT"
_COUNTS: Counter[str] = Counter()


def fault(stage: str, number: int | None = None, path: Path | str | None = None) -> None:
    """Act on ``CONTINUITY_FAULT`` if it names this stage and number (see the module docstring).

    Args:
        stage: The stage reached.
        number: Its number (default: how many times this process reached the stage before).
        path: The file being written (named in an ``enospc`` error).
    """
    spec = os.environ.get(FAULT_ENV)
    if number is None:
        number = _COUNTS[stage]
        _COUNTS[stage] += 1
    if not spec:
        return
    action, _, where = spec.partition("@")
    at, _, wanted = where.partition(":")
    if at != stage or int(wanted or 0) != number:
        return
    if action == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    elif action == "killpg" and os.getpgrp() == os.getsid(0):
        os.killpg(0, signal.SIGKILL)
    elif action == "enospc":
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path or stage))
    elif action in ("sigint", "sigterm"):
        os.kill(os.getpid(), signal.SIGINT if action == "sigint" else signal.SIGTERM)
