"""The Python API: compose a config, validate it, run the model, write results.

From a notebook::

    import sim
    result = sim.simulate(overrides=["shocks.funding_cut.size=0.8"], seed=7)
    result.timeseries      # pandas DataFrame, one row per month
    result.summary         # dict of continuity metrics

    scenario = sim.load(["case=chile"])  # compose and validate once (sim.scenario)
    results = [scenario.run(seed) for seed in range(100)]

The CLI (``continuity run``) does the same through Hydra.
"""

from __future__ import annotations

import functools
import json
import os
import re
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.config import Config, validate
from sim.errors import ConfigError, InputError, NetworkFileError, NumericalError, did_you_mean
from sim.paths import group_options, packaged_conf_dir

if TYPE_CHECKING:  # pragma: no cover - pandas is imported where a table is built (start-up time)
    import pandas as pd

    from sim.scenario import Scenario, load  # at run time: __getattr__ (no import cycle)

CONF_DIR = packaged_conf_dir()
"""The packaged Hydra config directory (``conf/`` of the repository, see :mod:`sim.paths`)."""


@dataclass(eq=False)
class Result:
    """The outputs of one run.

    Attributes:
        monthly: The monthly numbers (:class:`sim.monthly.MonthlyColumns`, or the table itself).
        summary: Continuity metrics of the run.
        config: The validated config that produced it.
        model: The finished model (agents and arrays), for inspection.

    """

    monthly: Any
    summary: dict[str, Any]
    config: Config
    model: Any = None

    @functools.cached_property
    def timeseries(self) -> pd.DataFrame:
        """One row per month (see docs/ODD.md, Outputs); made on first use, then kept."""
        from sim.monthly import MonthlyColumns

        if isinstance(self.monthly, MonthlyColumns):
            return self.monthly.frame()
        return self.monthly

    def write(self, directory: str | Path, figure: bool | None = None) -> list[Path]:
        """Write ``timeseries.parquet``, the network tables, ``momentum.png`` and ``summary.json``.

        The network tables (``network_nodes.parquet`` and ``network_edges.parquet``, see
        :meth:`network_tables`) are written only when the result keeps its model. Each file is
        written to a temporary name and renamed into place, so a crash never leaves a
        half-written result; ``summary.json`` comes last.

        Args:
            directory: Where to write (created if needed).
            figure: Draw the figure (default: ``config.output.figure``).

        Returns:
            The paths written, in that order.

        """
        from sim.schemas import run_timeseries, write_parquet

        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        written: list[Path] = []
        try:
            written.append(
                atomic_write(
                    out / "timeseries.parquet",
                    lambda p: write_parquet(self.timeseries, run_timeseries(), p),
                )
            )
            if self.model is not None:
                written += write_network_tables(*self.network_tables(), out)
            if self.config.output.figure if figure is None else figure:
                from analysis.momentum import plot_momentum

                written.append(
                    atomic_write(
                        out / "momentum.png",
                        lambda p: plot_momentum(self.timeseries, self.summary, p),
                    )
                )
            text = json.dumps(self.summary, indent=2, allow_nan=False)
            written.append(
                atomic_write(out / "summary.json", lambda p: Path(p).write_text(text + "\n"))
            )
        except BaseException:
            for path in written:  # a result is whole or absent: no summary without its tables
                path.unlink(missing_ok=True)
            raise
        return written

    def network_tables(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The stakeholder network of the run as two tidy tables (nodes, edges).

        Nodes, one row per actor in the model's agent order: ``node`` (the agent index),
        ``id``, ``name``, ``type`` (actor type key), ``commitment_start`` (at the start of the
        run), ``commitment_before_turnover`` (just before the first turnover; NaN if there was
        none), ``commitment_final`` (at the end), ``coalition_member`` (in a coalition at the
        end) and ``ai_office`` (a state with an active AI office at the end).

        Edges, one row per undirected tie: ``source`` < ``target`` (node indices) and
        ``weight`` (the strength of the tie).

        Raises:
            ValueError: If the result does not keep its model (``run(..., keep_model=False)``).

        """
        import numpy as np
        import pandas as pd
        import scipy.sparse as sp

        m = self.model
        if m is None:
            raise ValueError(
                "this result does not keep its model (run with keep_model=True) so it has no "
                "network to tabulate"
            )
        table, st = m.network.nodes, m.state
        n = len(table)
        before = m.commitment_before_turnover
        nodes = pd.DataFrame(
            {
                "node": np.arange(n, dtype=np.int64),
                "id": table["id"].to_numpy(),
                "name": table["name"].to_numpy(),
                "type": table["type"].to_numpy(),
                # the model's own start: the node table's, except the administration's, which
                # starts at its agenda priority
                "commitment_start": np.asarray(m.base_anchor, dtype=float),
                "commitment_before_turnover": (
                    np.full(n, np.nan) if before is None else np.asarray(before, dtype=float)
                ),
                "commitment_final": np.asarray(st.commitment, dtype=float).copy(),
                "coalition_member": np.asarray(st.coalition) >= 0,
                "ai_office": np.asarray(st.ai_office, dtype=bool).copy(),
            }
        )
        upper = sp.triu(m.adjacency, k=1).tocoo()
        order = np.lexsort((upper.col, upper.row))
        edges = pd.DataFrame(
            {
                "source": upper.row[order].astype(np.int64),
                "target": upper.col[order].astype(np.int64),
                "weight": upper.data[order].astype(float),
            }
        )
        return nodes, edges


NETWORK_FILES = ("network_nodes.parquet", "network_edges.parquet")
"""The file names of the network tables in a run or sweep directory."""


def write_network_tables(nodes: pd.DataFrame, edges: pd.DataFrame, directory: Path) -> list[Path]:
    """Write the network tables to ``DIRECTORY/network_{nodes,edges}.parquet`` (atomically)."""
    from sim.schemas import NETWORK_EDGES, NETWORK_NODES, write_parquet

    Path(directory).mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    try:
        for name, table, schema in zip(
            NETWORK_FILES, (nodes, edges), (NETWORK_NODES, NETWORK_EDGES), strict=True
        ):
            written.append(
                atomic_write(
                    Path(directory) / name, lambda p, t=table, s=schema: write_parquet(t, s, p)
                )
            )
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return written


_UMASK = os.umask(0)
os.umask(_UMASK)


def atomic_write(path: Path, write) -> Path:
    """Write ``path`` through ``write(tmp)`` on a temporary name in its directory, then rename it.

    The temporary name is ``.STEM.PID.XXXX.SUFFIX``: whatever interrupts the write (an error, a
    full disk, Ctrl-C) removes it, and one left by a killed process is recognised by its dead
    process id (:func:`remove_stale_temporaries`).
    """
    from sim.faults import fault

    fd, tmp = tempfile.mkstemp(
        prefix=f".{path.stem}.{os.getpid()}.", suffix=path.suffix, dir=path.parent
    )
    os.close(fd)
    try:
        write(tmp)
        fault("write", path=path)
        os.chmod(tmp, 0o666 & ~_UMASK)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # pragma: no cover - another user's process
        return True
    return True


def remove_stale_temporaries(directory: Path, prefixes: tuple[str, ...] = ("",)) -> int:
    """Delete the temporary files and directories that killed processes left in ``directory``.

    A temporary entry is named ``.NAME.PID.XXXX...`` (:func:`atomic_write`) or
    ``.report-PID-XXXX`` (a report being built); it is stale when that process no longer runs.
    Only entries whose name (after the dot) starts with one of ``prefixes`` are considered.

    Returns:
        How many entries were removed.
    """
    import shutil

    removed = 0
    try:
        entries = list(Path(directory).iterdir())
    except OSError:
        return 0
    for entry in entries:
        name = entry.name
        if not name.startswith(".") or not name[1:].startswith(prefixes):
            continue
        match = re.match(r"^\.(?:report-(?:old-)?|[^.]+\.)(\d+)[.-]", name)
        if not match or _pid_alive(int(match.group(1))):
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
        removed += 1
    return removed


HYDRA_LOCK = threading.RLock()
"""Hydra's composition API is process-global (``GlobalHydra``): one composition at a time, so
that :func:`simulate` and :func:`load_config` may be called from several threads at once."""


def compose(overrides: list[str] | None = None, config_name: str = "config") -> dict[str, Any]:
    """Compose ``conf/config.yaml`` with Hydra overrides into a plain dict.

    Args:
        overrides: Hydra overrides, e.g. ``["seed=7", "network=synthetic"]``.
        config_name: The primary config of ``conf/`` (``sweep`` for sweeps).

    Returns:
        The composed config without the ``hydra`` node.

    Raises:
        ConfigError: If Hydra cannot compose it (unknown group option, bad
            override syntax, a key that does not exist without ``+``); every
            such override is reported, not only the first.
    """
    data, problems = compose_collect(overrides, config_name)
    if problems:
        raise ConfigError(problems)
    return data


def compose_collect(
    overrides: list[str] | None = None, config_name: str = "config"
) -> tuple[dict[str, Any], list[str]]:
    """Compose, dropping each override Hydra rejects and recording why.

    Returns:
        The config composed from the acceptable overrides, and the problems.
    """
    from hydra import compose as hydra_compose
    from hydra.errors import HydraException
    from omegaconf import OmegaConf
    from omegaconf.errors import OmegaConfBaseException

    from sim.paths import initialize

    remaining, problems = _parseable([o for o in (overrides or []) if not o.startswith("hydra.")])
    for _ in range(len(remaining) + 1):
        try:
            with HYDRA_LOCK, initialize() as search:
                cfg = hydra_compose(config_name=config_name, overrides=[*remaining, *search])
                data = OmegaConf.to_container(cfg, resolve=True)
            break
        except (HydraException, OmegaConfBaseException, ValueError) as exc:
            base = [o for o in remaining if _override_key(o) == "experiment"]
            problems.extend(_hydra_message(exc, config_name, base))
            culprit = _culprit(str(exc), remaining)
            if culprit is None:
                raise ConfigError(problems) from None
            remaining.remove(culprit)
    data.pop("hydra", None)
    return data, problems


def _parseable(overrides: list[str]) -> tuple[list[str], list[str]]:
    """Split overrides into those Hydra can parse and a problem line for each other one."""
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from hydra.errors import HydraException

    parser = OverridesParser.create()
    good, problems = [], []
    for o in overrides:
        try:
            parser.parse_overrides([o])
        except HydraException:
            problems.append(
                f"{o!r}: cannot be read as key=value "
                "(lists are written [a,b], strings with spaces need quotes)"
            )
        else:
            good.append(o)
    return good, problems


def _override_key(override: str) -> str:
    return override.split("=", 1)[0].lstrip("+~")


def _culprit(text: str, overrides: list[str]) -> str | None:
    """The override a Hydra error is about, if it can be told."""
    found = re.search(r"Could not override '([^']+)'", text) or re.search(
        r"Could not (?:find|load) '([^'/]+)/", text
    )
    for o in overrides:
        if found and _override_key(o) == found.group(1):
            return o
    for o in overrides:
        if f"'{o}'" in text:
            return o
    return None


def _hydra_message(
    exc: Exception, config_name: str = "config", base: list[str] | None = None
) -> list[str]:
    """Turn Hydra's composition errors into one plain line naming the key.

    ``config_name`` and ``base`` (overrides such as ``experiment=NAME``) give the config whose
    keys an unknown key is compared with.
    """
    text = str(exc).strip()
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    if not lines:
        return [type(exc).__name__]
    unknown = re.search(r"Could not override '([^']+)'", text)
    if unknown:
        key = unknown.group(1)
        parts = key.split(".")
        if parts[0] == "tactics" and len(parts) > 1 and parts[1] in _group_options("tactics"):
            return [f"{key}: tactic {parts[1]!r} is not selected; add tactics=[{parts[1]}] first"]
        if parts[:2] == ["params", "posterior"]:
            return [f"{key}: the posterior is not selected; add params=posterior first"]
        allowed, wrong = _allowed_keys(key, config_name, base or [])
        close = did_you_mean(wrong, allowed)
        hint = f"; allowed keys here: {', '.join(allowed)}" if allowed else ""
        return [f"{key}: unknown key{close}{hint}"]
    not_loaded = re.search(r"Could not load '([^'/]+)/([^']+)'", text)
    if not_loaded:
        group, option = not_loaded.groups()
        options = _group_options(group)
        close = did_you_mean(option, options)
        return [f"{group}: no option {option!r}{close}; available: {', '.join(options)}"]
    missing = re.search(r"Could not find '([^']+)/([^']+)'", text)
    if missing:
        group, option = missing.groups()
        opts = []
        for ln in lines[2:]:
            if ln.startswith("Config search path"):
                break
            opts.append(ln)
        close = did_you_mean(option, opts)
        return [f"{group}: no option {option!r}{close}; available: {', '.join(opts)}"]
    return [" ".join(lines[:2])]


def _group_options(group: str) -> list[str]:
    """The options of a config group: the YAML files of ``<config dir>/<group>/``."""
    return group_options(group)


def _allowed_keys(
    key: str, config_name: str = "config", base: list[str] | None = None
) -> tuple[list[str], str]:
    """The keys where ``key`` first leaves the default config, and the part that is wrong there.

    For ``params.coalitoin.x`` these are the keys of ``params`` and ``coalitoin``.
    """
    parts = key.split(".")
    try:
        node: Any = compose(base or [], config_name)
    except ConfigError:
        try:
            node = compose([])
        except ConfigError:  # pragma: no cover - the default config composes
            return [], parts[-1]
    for part in parts[:-1]:
        if not isinstance(node, dict):
            return [], parts[-1]
        if part not in node:
            return sorted(node), part
        node = node[part]
    return (sorted(node) if isinstance(node, dict) else []), parts[-1]


def load_config(overrides: list[str] | None = None, seed: int | None = None) -> Config:
    """Compose and validate a config; check a user network file if one is named.

    Raises:
        InputError: Every problem found, before any work starts.

    """
    overrides, seed = _check_call(overrides, seed)
    return _load(overrides, seed)[1]


def _load(overrides: list[str], seed: int | None) -> tuple[dict[str, Any], Config]:
    """Compose, validate and preflight: the composed dict (with its own seed) and the config.

    The config's seed is ``seed`` if given, the dict keeps the seed the overrides or the YAML
    gave (which must be valid too).
    """
    data, problems = compose_collect(overrides)
    checked = data
    if seed is not None:
        given = data.get("seed")
        if isinstance(given, bool) or not isinstance(given, int) or given < 0:
            problems.append(  # the argument wins, but a bad override is not silently dropped
                f"seed: the override seed={given!r} is not a whole number >= 0 (the seed "
                f"argument {seed} would replace it); fix or drop the override"
            )
        checked = {**data, "seed": seed}
    try:
        cfg = validate(checked)
    except ConfigError as exc:
        raise ConfigError(problems + exc.problems) from None
    from sim.posterior import explicit_overrides

    problems += explicit_overrides(cfg, overrides)
    if problems:
        raise ConfigError(problems)
    preflight(cfg)
    return data, cfg


def _name_network_key(cfg: Config, problem: str) -> str:
    """Prefix a network-file problem with the config key that named the file."""
    for key in ("nodes", "edges"):
        path = getattr(cfg.network, key)
        if path and problem.startswith(str(path)):
            return f"network.{key}: {problem}"
    return problem


def preflight(cfg: Config) -> None:
    """Check what needs the network: a user's file parses, coalition specs name coalition nodes.

    Raises:
        InputError: A malformed network file or a coalition spec naming no coalition node.
    """
    if cfg.network.kind == "synthetic":
        return
    import numpy as np

    from sim.dates import parse_month
    from sim.model import build_network, coalition_node_ids, founding_months

    try:
        network = build_network(cfg, np.random.default_rng(cfg.seed))
    except NetworkFileError as exc:
        raise NetworkFileError([_name_network_key(cfg, p) for p in exc.problems]) from None
    nodes = network.nodes
    ids = coalition_node_ids(network)
    members = set(nodes.loc[nodes["type"].isin(["organization", "company"]), "id"])
    states = set(nodes.loc[nodes["type"] == "state", "id"])
    coalitions = [
        (f"scenario.coalitions[{i}].node", s.node)
        for i, s in enumerate(cfg.scenario.coalitions)
        if s.node not in ids
    ]
    coordinators = [
        (f"scenario.coalitions[{i}].coordinators[{j}].node", k.node)
        for i, spec in enumerate(cfg.scenario.coalitions)
        for j, k in enumerate(spec.coordinators)
        if k.node not in members
    ]
    calendar = sorted(set(cfg.shocks.elections.state_calendar) - states)
    if not (coalitions or coordinators or calendar):
        founding_months(
            cfg.scenario.coalitions, ids, strict=True, start=parse_month(cfg.scenario.start)
        )
        return
    if cfg.network.kind == "file":  # a scenario written for another network: one line
        lacking = [f"coalition {n!r}" for _, n in coalitions]
        lacking += [f"coordinator {n!r}" for _, n in coordinators]
        if calendar:
            lacking.append(f"{len(calendar)} state(s) of shocks.elections.state_calendar")
        fixes = []
        if coalitions or coordinators:
            fixes.append("~scenario.coalitions")
        if calendar:
            fixes.append("~shocks.elections.state_calendar")
        raise ConfigError(
            f"network.nodes: the scenario {cfg.scenario.name!r} names actors "
            f"{Path(cfg.network.nodes).name} lacks ({', '.join(lacking[:4])}"
            f"{' ...' if len(lacking) > 4 else ''}); add them to the file, or drop them with "
            f"{' '.join(fixes)} (coalition nodes of the file: {', '.join(ids[:3]) or 'none'})"
        )
    problems = [
        f"{key}: {n!r} is not a coalition node of the network; coalition nodes: "
        f"{', '.join(ids) or '(none)'}"
        for key, n in coalitions
    ]
    problems += [
        f"{key}: {n!r} is not an organisation or company of the network" for key, n in coordinators
    ]
    if calendar:
        shown = ", ".join(calendar[:3]) + (
            f" and {len(calendar) - 3} more" if len(calendar) > 3 else ""
        )
        problems.append(
            f"shocks.elections.state_calendar: {shown}: not state nodes of the network (e.g. "
            f"{', '.join(sorted(states)[:3]) or 'no states'}); remove the calendar with "
            "~shocks.elections.state_calendar"
        )
    raise ConfigError(problems)


def run(cfg: Config, keep_model: bool = True) -> Result:
    """Run one validated configuration from its start to its end.

    With ``params.posterior`` set, the calibrated keys are first replaced by a posterior draw
    seeded from ``cfg.seed`` (:func:`sim.posterior.apply`): the result's config holds the values
    used and its summary ``posterior_particle`` and ``posterior_values``.

    Args:
        cfg: A validated config (see :func:`load_config`).
        keep_model: Keep the finished model on the result.

    Returns:
        The :class:`Result` (time series and summary).

    """
    from sim.agents.bulk import release
    from sim.model import ContinuityModel
    from sim.posterior import apply
    from sim.summary import summarize

    cfg, drawn = apply(cfg)  # params=posterior: this run's parameter set (sim.posterior)
    model = ContinuityModel(cfg)
    model.run()
    monthly = model.recorder.columns()
    summary = summarize(model, monthly)
    if drawn is not None:
        summary.update(drawn.summary())
    if not all_finite(monthly.table, summary):  # then say where
        problem = nonfinite(monthly.frame(), summary)
        if problem:
            raise NumericalError(problem)
    if not keep_model:
        release(model)  # freed now, not by the cycle collector (sim.agents.bulk)
    return Result(monthly, summary, cfg, model if keep_model else None)


def all_finite(values: Any, summary: dict[str, Any]) -> bool:
    """Whether every number of ``values`` (an array) and every float of the summary is finite.

    One cheap check; :func:`nonfinite` then says where, if it fails.
    """
    import math

    import numpy as np

    if not np.isfinite(values).all():
        return False
    return all(math.isfinite(v) for v in summary.values() if isinstance(v, float))


def nonfinite(ts: pd.DataFrame, summary: dict[str, Any]) -> str | None:
    """Where a run's results first stop being finite numbers (None if they never do)."""
    import numpy as np

    for col in ts.columns:
        values = ts[col].to_numpy()
        if values.dtype.kind == "f":
            bad = np.flatnonzero(~np.isfinite(values))
            if bad.size:
                when = ts["date"].iloc[bad[0]] if "date" in ts.columns else f"row {bad[0]}"
                return (
                    f"non-finite result: {col} is {values[bad[0]]} from {when} on (a parameter "
                    "too large for the model's arithmetic?)"
                )
    for key, value in summary.items():
        if isinstance(value, float) and not np.isfinite(value):
            return f"non-finite result: summary {key} is {value}"
    return None


def _check_call(overrides: Any, seed: Any) -> tuple[list[str], int | None]:
    """The overrides as a list of strings and the seed as an int, or :class:`InputError`."""
    import numbers

    problems = []
    if overrides is None:
        overrides = []
    elif isinstance(overrides, str):
        overrides = [overrides]  # one override, e.g. simulate("seed=3")
    elif not isinstance(overrides, list | tuple):
        problems.append(
            f"overrides: expected a list of 'key=value' strings, got {type(overrides).__name__}"
        )
        overrides = []
    for i, o in enumerate(overrides):
        if not isinstance(o, str):
            problems.append(
                f"overrides[{i}]: {o!r} is not a string; write each override as 'key=value', "
                "e.g. 'seed=3'"
            )
    if seed is not None:
        if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
            problems.append(f"seed: expected a whole number >= 0, got {seed!r}")
        else:
            seed = int(seed)  # numpy integers too
    if problems:
        raise ConfigError(problems)
    return list(overrides), seed


def simulate(overrides: list[str] | str | None = None, seed: int | None = None) -> Result:
    """Compose, validate and run: the notebook equivalent of ``continuity run``.

    The composed and validated config is remembered for the last few distinct ``overrides``
    (:mod:`sim.config_cache`), so a loop over seeds composes once; a YAML file edited between
    calls, or another ``CONTINUITY_CONF`` or ``--config-dir``, is composed afresh. Each result
    has its own copy of the config. For many runs of one config, :func:`sim.load` also skips
    the cache's check (``sim.load(overrides).run(seed)``).

    Safe to call from several threads at once (Hydra's composition is serialised).

    Args:
        overrides: Hydra-style overrides, e.g. ``["shocks.funding_cut.size=0.8"]`` (a single
            string is one override).
        seed: The RNG seed (any integer type, numpy's included); it replaces a ``seed=``
            override (which must still be a valid seed).

    Returns:
        The :class:`Result`.

    Raises:
        InputError: If the arguments, the configuration or a network file are invalid.

    """
    from dataclasses import replace

    from sim.config_cache import CACHE, copy_config

    overrides, seed = _check_call(overrides, seed)
    data, cfg = CACHE.get(tuple(overrides), lambda: _load(overrides, seed))
    return run(replace(copy_config(cfg), seed=data["seed"] if seed is None else seed))


def __getattr__(name: str) -> Any:
    """``load`` and ``Scenario`` live in :mod:`sim.scenario` (which imports this module)."""
    if name in ("Scenario", "load"):
        from sim import scenario

        return getattr(scenario, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "CONF_DIR",
    "ConfigError",
    "InputError",
    "Result",
    "Scenario",
    "compose",
    "load",
    "load_config",
    "run",
    "simulate",
]
