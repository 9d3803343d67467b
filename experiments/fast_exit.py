"""Let a command's process end without its last, slow garbage collections.

When Python exits, it tears its modules down and collects garbage over every object still
alive: after a run (pandas, scipy, Hydra and the compiled model loaded) that took about 0.6 s
here, a fifth of a ``continuity run``. Freezing the heap (:func:`gc.freeze`) as the last exit
handler moves every object out of the collector's sight, so those collections have almost
nothing to scan (about 0.07 s). Nothing is skipped: exit handlers, buffered output and the
modules' own teardown all run as before; only objects kept alive by reference cycles are not
freed one by one, which the operating system does when the process ends.
"""

from __future__ import annotations

import atexit
import gc


def freeze_heap_at_exit() -> None:
    """Register :func:`gc.freeze` to run at exit, after the handlers registered later."""
    atexit.register(gc.freeze)
