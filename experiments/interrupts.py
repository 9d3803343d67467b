"""Every interruption of a command ends the same way: one line, an exit code, nothing half-written.

:func:`guarded` runs a subcommand with SIGTERM turned into :class:`Terminated` (a
``KeyboardInterrupt``, so every ``except KeyboardInterrupt`` that stops child processes and
cleans up handles both Ctrl-C and a request to stop). Whatever reaches it:

* Ctrl-C (SIGINT) or SIGTERM: ``continuity CMD: interrupted (SIGINT); ...`` and exit code 130
  (143 for SIGTERM);
* a full disk (``ENOSPC``, ``EDQUOT``): ``continuity CMD: no space left on device writing PATH;
  ...`` and exit code 1;
* a run whose numbers stopped being finite (:class:`sim.errors.NumericalError`): one line and
  exit code 1.

Files are written to temporary names and renamed into place (:func:`sim.api.atomic_write`),
and an interrupted write removes its temporary file, so nothing half-written is left; the
message says what was kept and how to go on.
"""

from __future__ import annotations

import errno
import signal
import sys
from collections.abc import Callable

NO_SPACE = (errno.ENOSPC, errno.EDQUOT)
AGAIN = {
    "sweep": "run the same command again to resume",
    "collect": "run the same command again",
    "report": "the previous report (if any) is unchanged; run the same command again",
    "run": "no result files were written; run the same command again",
    "validate": "no tables were written; run the same command again",
}


class Terminated(KeyboardInterrupt):
    """SIGTERM received (a scheduler, ``kill`` or the system asked the command to stop)."""


def _on_sigterm(signum: int, _frame: object) -> None:
    raise Terminated(signum)


def describe(command: str, exc: BaseException) -> tuple[str, int] | None:
    """The one line and exit code for an interruption, a full disk or a non-finite result."""
    from sim.errors import NumericalError

    again = AGAIN.get(command, "run the same command again")
    if isinstance(exc, KeyboardInterrupt):
        term = isinstance(exc, Terminated)
        name = "SIGTERM" if term else "SIGINT"
        return f"\ncontinuity {command}: interrupted ({name}); {again}", 143 if term else 130
    if isinstance(exc, OSError) and exc.errno in NO_SPACE:
        where = f" writing {exc.filename}" if exc.filename else ""
        return (
            f"continuity {command}: no space left on device{where}; nothing half-written was "
            f"kept. Free some space; {again}",
            1,
        )
    if isinstance(exc, NumericalError):
        return f"continuity {command}: {exc}; nothing was written", 1
    return None


def guarded(command: str, run: Callable[[list[str]], int], args: list[str]) -> int:
    """Run ``run(args)``; turn interruptions, a full disk and non-finite results into one line.

    Returns:
        The command's exit code, or 130 / 143 / 1 as described in the module docstring.
    """
    from sim.errors import NumericalError

    previous = None
    try:
        previous = signal.signal(signal.SIGTERM, _on_sigterm)
    except ValueError:  # pragma: no cover - not the main thread (e.g. called from a notebook)
        pass
    try:
        return run(args)
    except (KeyboardInterrupt, OSError, NumericalError) as exc:
        described = describe(command, exc)
        if described is None:
            raise
        line, code = described
        print(line, file=sys.stderr)
        return code
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
