"""Parameter sets drawn from a stored ABC posterior (``params=posterior``, docs/posterior.md).

A posterior is a Parquet table with one row per particle of the final ABC generation:
``particle`` (int64, 0..n-1), ``weight`` (float64, summing to 1) and one float64 column per
calibrated config key, named by its dotted key (``params.coalition.intake``,
``scenario.federal_dependence``). Columns without a dot other than these two are ignored. The
schema metadata ``continuity`` (JSON: case, command, ...) is informative only.

With ``params.posterior`` set, :func:`apply` (called by :func:`sim.api.run`, the one place every
run goes through) draws one particle with the weights and sets its values on a copy of the
config before the model is built. The draw uses an RNG seeded only from the run's seed and
:data:`STREAM`, so every arm of a comparison with the same seed (baseline, counterfactuals,
tactics, the negative control) runs with the same parameter set: the arms are paired.
"""

from __future__ import annotations

import dataclasses
import json
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.errors import ConfigError

if TYPE_CHECKING:  # pragma: no cover
    from sim.config import Config

DEFAULT_FILE = Path(__file__).resolve().parent / "data" / "posterior" / "mexico.parquet"
"""The shipped posterior of the Mexico case (what ``params=posterior`` reads by default)."""

STREAM = 0x706F_7374
"""Fixed stream constant of the posterior draw (the RNG is seeded with ``[STREAM, seed]``)."""

KEY = "params.posterior.file"
"""The config key that names the posterior file (errors name it)."""

WEIGHT_TOLERANCE = 1e-6
"""How far the weights may sum from 1."""

FIXED_COLUMNS = ("particle", "weight")


@dataclass(frozen=True)
class Posterior:
    """A validated posterior table.

    Attributes:
        path: The file it was read from (absolute).
        particles: The ``particle`` column.
        weights: The ``weight`` column (non-negative, summing to 1).
        keys: The calibrated config keys, in column order.
        values: One row per particle, one column per key.
        meta: The ``continuity`` schema metadata (informative; empty if absent or unreadable).
    """

    path: Path
    particles: np.ndarray
    weights: np.ndarray
    keys: tuple[str, ...]
    values: np.ndarray
    meta: dict[str, Any]

    def __len__(self) -> int:
        return len(self.particles)

    def describe(self) -> str:
        """One line: how many particles, which keys, the file, its case and command."""
        case = self.meta.get("case")
        command = self.meta.get("command")
        extra = f", case {case}" if case else ""
        extra += f", made by `{command}`" if command else ""
        return (
            f"{len(self)} particles over {len(self.keys)} keys from {display_path(self.path)}"
            f"{extra}"
        )


@dataclass(frozen=True)
class Draw:
    """The parameter set one run used.

    Attributes:
        particle: The drawn particle (its ``particle`` value).
        values: The calibrated keys and the values set on the config.
        file: The posterior file.
    """

    particle: int
    values: dict[str, float]
    file: Path

    def summary(self) -> dict[str, Any]:
        """The summary entries of a run that used this draw."""
        return {"posterior_particle": self.particle, "posterior_values": dict(self.values)}


def display_path(path: Path) -> str:
    """The path as written in messages: relative to the working directory when inside it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def resolve(file: str | None) -> Path:
    """The posterior file named by ``params.posterior.file`` (None: :data:`DEFAULT_FILE`)."""
    return DEFAULT_FILE if file in (None, "") else Path(file).expanduser().resolve()


_CACHE: dict[Path, tuple[tuple[int, int], Posterior]] = {}


def load(file: str | None) -> Posterior:
    """Read and validate a posterior, cached by path and modification time.

    Args:
        file: ``params.posterior.file`` (None: the shipped Mexico posterior).

    Raises:
        ConfigError: Every problem of the file, each naming ``params.posterior.file`` and the
            column, particle and value at fault.
    """
    path = resolve(file)
    try:
        st = path.stat()
    except OSError:
        which = " (the shipped Mexico posterior)" if file in (None, "") else ""
        raise ConfigError(
            f"{KEY}: no posterior at {display_path(path)}{which}; run `continuity calibrate` "
            f"or give {KEY}=PATH"
        ) from None
    stamp = (st.st_mtime_ns, st.st_size)
    cached = _CACHE.get(path)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    posterior = _read(path)
    _CACHE[path] = (stamp, posterior)
    return posterior


def _read(path: Path) -> Posterior:
    import pyarrow as pa
    import pyarrow.parquet as pq

    shown = display_path(path)
    try:
        table = pq.read_table(path)
    except (pa.ArrowException, OSError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ConfigError(f"{KEY}: {shown} is not a readable Parquet posterior ({first})") from None
    names = table.column_names
    problems = [
        f"{KEY}: {shown} has no {c!r} column (a posterior has particle, weight and one column "
        "per calibrated key)"
        for c in FIXED_COLUMNS
        if c not in names
    ]
    keys = tuple(n for n in names if "." in n)
    if not keys:
        problems.append(
            f"{KEY}: {shown} has no calibrated key columns (dotted config keys such as "
            "params.coalition.intake)"
        )
    if table.num_rows == 0:
        problems.append(f"{KEY}: {shown} has no particles (no rows)")
    if problems:
        raise ConfigError(problems)
    particles = _numbers(table, "particle", shown, problems)
    weights = _numbers(table, "weight", shown, problems)
    columns = [_numbers(table, k, shown, problems) for k in keys]
    if problems:
        raise ConfigError(problems)
    if not np.all(particles == np.round(particles)) or len(set(particles.tolist())) != len(
        particles
    ):
        problems.append(f"{KEY}: {shown}: particle must hold distinct whole numbers")
    problems += _weight_problems(weights, shown)
    problems += key_problems(keys, np.column_stack(columns), particles, shown)
    if problems:
        raise ConfigError(problems)
    return Posterior(
        path=path,
        particles=particles.astype(np.int64),
        weights=weights,
        keys=keys,
        values=np.column_stack(columns),
        meta=_meta(table.schema.metadata),
    )


def _numbers(table: Any, name: str, shown: str, problems: list[str]) -> np.ndarray:
    import pyarrow as pa

    column = table.column(name)
    if not (pa.types.is_floating(column.type) or pa.types.is_integer(column.type)):
        problems.append(f"{KEY}: {shown}: column {name!r} is {column.type}, not numbers")
        return np.zeros(table.num_rows)
    values = column.to_numpy(zero_copy_only=False).astype(np.float64)
    bad = np.flatnonzero(~np.isfinite(values))
    if bad.size:
        problems.append(
            f"{KEY}: {shown}: column {name!r} has a missing or non-finite value in row {bad[0]}"
        )
    return values


def _weight_problems(weights: np.ndarray, shown: str) -> list[str]:
    if not np.all(np.isfinite(weights)):
        return []  # reported by _numbers
    negative = np.flatnonzero(weights < 0)
    if negative.size:
        return [
            f"{KEY}: {shown}: weight {weights[negative[0]]:g} in row {negative[0]} is negative; "
            "weights must be >= 0 and sum to 1"
        ]
    total = float(weights.sum())
    if abs(total - 1.0) > WEIGHT_TOLERANCE:
        return [f"{KEY}: {shown}: the weights sum to {total:g}; they must sum to 1"]
    return []


def _meta(metadata: dict[bytes, bytes] | None) -> dict[str, Any]:
    try:
        meta = json.loads((metadata or {}).get(b"continuity", b"{}"))
    except (ValueError, UnicodeDecodeError):
        return {}
    return meta if isinstance(meta, dict) else {}


# --------------------------------------------------------------------------- config keys
def key_field(key: str) -> tuple[Any, Any] | str:
    """The type and field metadata of a numeric config key, or why it is not one.

    Walks the schema of :class:`sim.config.Config`: dataclass fields, and the keys of mapping
    fields (``params.commitment.susceptibility.state``). List items cannot be calibrated.
    """
    from sim.config import ACTOR_KEYS, Config
    from sim.validation import _optional_inner

    if key == "seed" or key.startswith("seed."):
        return "the seed cannot be calibrated (it pairs the arms of a comparison)"
    if key.startswith("params.posterior"):
        return "not a behavioural parameter"
    tp: Any = Config
    meta: Any = {}
    parts = key.split(".")
    for i, part in enumerate(parts):
        _, tp = _optional_inner(tp)
        here = ".".join(parts[:i]) or "the top level"
        if dataclasses.is_dataclass(tp):
            fields = {f.name: f for f in dataclasses.fields(tp)}
            if part not in fields:
                from sim.errors import did_you_mean

                return f"not a config key ({part!r} is not a key of {here}{did_you_mean(part, list(fields))})"
            meta = fields[part].metadata
            tp = typing.get_type_hints(tp)[part]
        elif typing.get_origin(tp) is dict:
            if parts[i - 1] == "susceptibility" and part not in ACTOR_KEYS:
                return f"not a config key ({part!r} is not an actor type)"
            tp = typing.get_args(tp)[1]
        else:
            return f"not a config key ({here} is not a section)"
    _, tp = _optional_inner(tp)
    if tp not in (float, int):
        return "not a numeric config key"
    return tp, meta


def key_problems(
    keys: tuple[str, ...], values: np.ndarray, particles: np.ndarray, shown: str
) -> list[str]:
    """One line per calibrated key that is unknown, not numeric or has a value out of range."""
    from sim.validation import _scalar

    problems = []
    for j, key in enumerate(keys):
        found = key_field(key)
        if isinstance(found, str):
            problems.append(f"{KEY}: {shown}: column {key!r}: {found}")
            continue
        tp, meta = found
        for row, value in enumerate(values[:, j]):
            bad: list[str] = []
            _scalar(tp, int(value) if tp is int and value == int(value) else value, key, meta, bad)
            if bad:
                problems.append(f"{KEY}: {shown}: particle {int(particles[row])}: {bad[0]}")
                break  # one line per key
    return problems


def set_key(cfg: Any, key: str, value: float) -> None:
    """Set a dotted numeric key on a config (dataclasses and mappings) in place."""
    node = cfg
    parts = key.split(".")
    for part in parts[:-1]:
        node = node[part] if isinstance(node, dict) else getattr(node, part)
    if isinstance(node, dict):
        old = node[parts[-1]]
        node[parts[-1]] = int(value) if isinstance(old, int) else float(value)
    else:
        old = getattr(node, parts[-1])
        is_int = isinstance(old, int) and not isinstance(old, bool)
        setattr(node, parts[-1], int(value) if is_int else float(value))


# --------------------------------------------------------------------------- drawing
def draw(posterior: Posterior, seed: int) -> tuple[int, dict[str, float]]:
    """Draw one particle with the weights, from an RNG seeded only from ``seed``.

    Args:
        posterior: A validated posterior.
        seed: The run's seed: every run with this seed gets the same particle.

    Returns:
        The particle (its ``particle`` value) and its values by config key.
    """
    rng = np.random.default_rng([STREAM, int(seed)])
    cumulative = np.cumsum(posterior.weights)
    u = rng.random() * cumulative[-1]
    row = int(np.searchsorted(cumulative, u, side="right"))
    row = min(row, int(np.flatnonzero(posterior.weights > 0)[-1]))  # rounding at the top end
    values = {k: float(v) for k, v in zip(posterior.keys, posterior.values[row], strict=True)}
    return int(posterior.particles[row]), values


def apply(cfg: Config) -> tuple[Config, Draw | None]:
    """The config a run actually uses: with ``params.posterior`` set, a posterior draw applied.

    The drawn values replace the config's values of the calibrated keys (and only those) on a
    copy; without ``params.posterior`` the config itself is returned.

    Returns:
        The config to build the model from, and the draw (None without a posterior).

    Raises:
        ConfigError: If the posterior file is missing or invalid.
    """
    spec = cfg.params.posterior
    if spec is None:
        return cfg, None
    from sim.config_cache import copy_config

    posterior = load(spec.file)
    particle, values = draw(posterior, cfg.seed)
    out = copy_config(cfg)
    for key, value in values.items():
        set_key(out, key, value)
    return out, Draw(particle, values, posterior.path)


def explicit_overrides(cfg: Config, overrides: list[str]) -> list[str]:
    """Problems for overrides that set a calibrated key while ``params.posterior`` is on.

    The posterior sets its keys in every run, so such an override would be silently replaced:
    it is refused instead.
    """
    if cfg.params.posterior is None:
        return []
    keys = set(load(cfg.params.posterior.file).keys)
    out = []
    for o in overrides:
        key = o.split("=", 1)[0].lstrip("+~")
        if key in keys:
            out.append(
                f"{key}: set by the posterior with params=posterior (a calibrated key); drop "
                "the override, or drop params=posterior to run with fixed parameters"
            )
    return out


def uncertainty_line(file: str | None, particles: int | None, paired: bool = True) -> str:
    """What a table's intervals include, in one line (reports and printed tables).

    Args:
        file: The posterior file of the runs (None: no posterior, fixed parameters).
        particles: How many distinct posterior draws the runs used.
        paired: Whether the arms compared share their seeds (and so their draws).
    """
    if file is None:
        return "Intervals include seed noise only (fixed parameters)."
    how = "paired across arms" if paired else "not paired across arms: the arms' seeds differ"
    return (
        f"Intervals include seed noise and parameter uncertainty ({particles} posterior "
        f"draw{'' if particles == 1 else 's'} from {file}, {how})."
    )


def shown_file(file: str | None) -> str:
    """``params.posterior.file`` as reports show it (null: the shipped posterior's path)."""
    return display_path(DEFAULT_FILE) if file in (None, "") else str(file)


__all__ = [
    "DEFAULT_FILE",
    "STREAM",
    "Draw",
    "Posterior",
    "apply",
    "draw",
    "explicit_overrides",
    "key_field",
    "load",
    "resolve",
    "shown_file",
    "uncertainty_line",
]
