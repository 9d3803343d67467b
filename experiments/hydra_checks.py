"""Hydra settings checked before any work: output directories, launcher settings, job subdirs.

Hydra would otherwise fail late (a traceback after planning), or worse, do something surprising:

* a directory given with an interpolation (``hydra.sweep.dir=out/${now:%Y}``,
  ``${oc.env:VAR}``) is resolved once, here, so the command and every job use the same
  directory; a variable that is not set, or a key that is not known outside Hydra's run, is
  reported plainly (:func:`resolve_dir`);
* ``hydra.sweep.subdir`` must stay inside the sweep directory (no ``..``, not absolute);
* launcher settings that cannot work are refused: ``n_jobs=0`` (joblib), ``timeout_min`` or
  ``array_parallelism`` below 1 (submitit, SLURM), non-numbers (:func:`launcher_problems`).
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Any

from sim.errors import InputError


def resolve_dir(key: str, value: str) -> str:
    """Resolve the interpolations of a directory given on the command line.

    Args:
        key: The Hydra key (``hydra.run.dir`` or ``hydra.sweep.dir``), for messages.
        value: What the user gave.

    Returns:
        The value with ``${now:...}`` and ``${oc.env:...}`` resolved.

    Raises:
        InputError: An unset environment variable, an unknown resolver or key, or an empty result.
    """
    if "${" not in value:
        return value
    from hydra.core.utils import setup_globals
    from omegaconf import OmegaConf
    from omegaconf.errors import OmegaConfBaseException

    setup_globals()  # registers ${now:...}
    try:
        resolved = OmegaConf.to_container(OmegaConf.create({"v": value}), resolve=True)["v"]
    except OmegaConfBaseException as exc:
        text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        env = re.search(r"Environment variable '([^']+)' not found", text)
        if env:
            why = f"the environment variable {env.group(1)} is not set"
        elif "not found" in text:
            why = "it names a config key, which is not known when the directory is chosen"
        else:
            why = text
        raise InputError(
            [
                f"{key}: {value!r} cannot be resolved ({why}); give a plain path, or use "
                "${now:%Y-%m-%d} or ${oc.env:VAR} with a variable that is set"
            ]
        ) from None
    if not str(resolved).strip():
        raise InputError([f"{key}: {value!r} resolves to an empty path; give a directory"])
    return str(resolved)


def subdir_problem(value: str) -> str | None:
    """Why ``hydra.sweep.subdir`` would put job directories outside the sweep, if it would."""
    path = PurePosixPath(value)
    if path.is_absolute() or ".." in path.parts:
        return (
            f"hydra.sweep.subdir: {value!r} leaves the sweep directory; give a relative path "
            "inside it (e.g. jobs/${hydra.job.num})"
        )
    return None


def _int_value(node: Any, key: str) -> tuple[bool, Any]:
    value = node.get(key)
    ok = isinstance(value, int) and not isinstance(value, bool)
    return ok, value


def launcher_problems(launcher: Any, cpus: int) -> list[str]:
    """Problems with the launcher's settings (``cfg.hydra.launcher``), one line each."""
    problems = []
    if "n_jobs" in launcher:
        ok, n = _int_value(launcher, "n_jobs")
        if not ok or n == 0 or (n < 0 and cpus + 1 + n < 1):
            problems.append(
                f"hydra.launcher.n_jobs: {n!r} is not allowed; give a number of workers >= 1, "
                f"or -1 for every core (this machine has {cpus})"
            )
    for key, what in (
        ("timeout_min", "minutes a job may run"),
        ("array_parallelism", "jobs running at once"),
        ("tasks_per_node", "tasks per node"),
        ("cpus_per_task", "CPUs per task"),
        ("nodes", "nodes"),
    ):
        if key in launcher and launcher.get(key) is not None:
            ok, n = _int_value(launcher, key)
            if not ok or n < 1:
                problems.append(
                    f"hydra.launcher.{key}: {n!r} is not allowed; give the {what}, a whole "
                    "number >= 1"
                )
    return problems
