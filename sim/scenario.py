"""Compose and validate a configuration once, then run it with many seeds or variants.

::

    import sim

    scenario = sim.load(["case=chile"])           # Hydra composes and validates, once
    results = [scenario.run(seed) for seed in range(100)]  # no Hydra, no validation
    deeper = scenario.replace({"shocks.funding_cut.size": 0.9})  # re-validated, no Hydra

:meth:`Scenario.replace` sets keys of the composed config; choosing another option of a config
group (``case``, ``scenario``, ``network``, ``shocks``, ``params``, ``counterfactual``,
``tactics``) recomposes the config and needs :func:`load` (``.replace`` says so). See
docs/python.md.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from sim.api import Result, _check_call, _load, preflight, run
from sim.config import Config, validate
from sim.config_cache import CACHE, copy_config
from sim.dotted import flatten, key_problem, needs_preflight, normal_key, plain, set_value
from sim.errors import ConfigError


def load(overrides: list[str] | str | None = None) -> Scenario:
    """Compose the config with Hydra overrides, validate it and check its network: once.

    Args:
        overrides: Hydra-style overrides, as for :func:`sim.simulate` (e.g.
            ``["case=chile", "tactics=[law]"]``; a single string is one override).

    Returns:
        A :class:`Scenario` to run with any seed.

    Raises:
        InputError: Every problem of the arguments, the configuration or a network file, in
            the same plain lines as ``continuity run``.
    """
    overrides, _ = _check_call(overrides, None)
    data, cfg = CACHE.get(tuple(overrides), lambda: _load(overrides, None))
    return Scenario(copy.deepcopy(data), copy_config(cfg), tuple(overrides), {})


MAX_SEED = 2**63 - 1
"""The largest seed a config accepts."""


def check_seed(seed: Any) -> int | None:
    """``seed`` as an int (numpy integers too), or :class:`ConfigError` naming ``seed``."""
    _, seed = _check_call(None, seed)
    if seed is not None and not 0 <= seed <= MAX_SEED:
        raise ConfigError(f"seed: expected a whole number from 0 to 2**63 - 1, got {seed!r}")
    return seed


class Scenario:
    """A composed and validated configuration, ready to run with any seed.

    Made by :func:`load` (or :meth:`replace`); running it never composes or validates again.

    Attributes:
        overrides: The Hydra overrides it was loaded with.
        changes: The keys set by :meth:`replace` since, with their values.
    """

    def __init__(
        self,
        data: dict[str, Any],
        config: Config,
        overrides: tuple[str, ...],
        changes: dict[str, Any],
    ):
        self._data = data
        self._config = config
        self.overrides = overrides
        self.changes = changes

    @property
    def config(self) -> Config:
        """The validated config (a copy: editing it does not change the scenario)."""
        return copy_config(self._config)

    @property
    def seed(self) -> int:
        """The config's own seed (what :meth:`run` uses without one)."""
        return self._config.seed

    def to_dict(self) -> dict[str, Any]:
        """The composed config as a plain dict (a copy), e.g. to look up a key's name."""
        return copy.deepcopy(self._data)

    def run(self, seed: int | None = None, keep_model: bool = True) -> Result:
        """Run the config with ``seed`` (default: the config's own seed).

        Args:
            seed: The RNG seed, a whole number >= 0 (numpy integers too).
            keep_model: Keep the finished model on the result (``result.model``).

        Returns:
            The :class:`~sim.api.Result`, with its own copy of the config.

        Raises:
            ConfigError: If ``seed`` is not a whole number >= 0.
        """
        seed = check_seed(seed)
        cfg = copy_config(self._config)
        return run(dataclasses.replace(cfg, seed=cfg.seed if seed is None else seed), keep_model)

    def runs(self, seeds: Iterable[int] | int, keep_model: bool = False) -> Iterator[Result]:
        """Run once per seed, lazily: ``for result in scenario.runs(range(100)): ...``.

        Args:
            seeds: The seeds, or a number ``n`` for seeds ``0 .. n-1``.
            keep_model: Keep each finished model (off by default: a model is large).
        """
        if isinstance(seeds, int) and not isinstance(seeds, bool):
            seeds = range(check_seed(seeds))
        for seed in seeds:
            yield self.run(seed, keep_model=keep_model)

    def replace(self, changes: Mapping[str, Any] | None = None, /, **keys: Any) -> Scenario:
        """A new scenario with config keys changed, validated again (Hydra is not used).

        Keys are dotted (``{"shocks.funding_cut.size": 0.9}``); as keyword arguments write
        ``__`` for the dots (``replace(shocks__funding_cut__size=0.9)``, ``replace(seed=3)``).
        A dict value sets each of its keys; list items are addressed by index
        (``scenario.coalitions[0].founded``). The network is checked again only when a key of
        ``network``, ``scenario.coalitions`` or ``shocks.elections.state_calendar`` changes.

        A config-group choice (``case``, ``scenario``, ``network``, ``shocks``, ``params``,
        ``counterfactual``, ``tactics``) is not a key to set: load it with
        ``sim.load([..., "case=chile"])``.

        Raises:
            ConfigError: An unknown key, a section or a group choice given as a key, a wrong
                type or an out-of-range value: one line per problem, naming the key; a key the
                posterior sets, with ``params=posterior`` (docs/posterior.md).
        """
        if changes is not None and not isinstance(changes, Mapping):
            raise ConfigError(
                f"changes: expected a dict of {{'dotted.key': value}}, got {type(changes).__name__}"
            )
        edits = {**(changes or {}), **{k.replace("__", "."): v for k, v in keys.items()}}
        items = [(k, plain(v)) for k, v in flatten(edits)]
        data = copy.deepcopy(self._data)
        problems = []
        for key, value in items:
            problem = key_problem(data, key, value, self.overrides)
            if problem:
                problems.append(problem)
            else:
                set_value(data, key, copy.deepcopy(value))
        if problems:
            raise ConfigError(problems)
        cfg = validate(data)
        from sim.posterior import explicit_overrides

        refused = explicit_overrides(cfg, [normal_key(k) for k, _ in items])
        if refused:
            raise ConfigError(refused)
        if any(needs_preflight(key) for key, _ in items):
            preflight(cfg)
        done = {**self.changes, **{normal_key(k): v for k, v in items}}
        return Scenario(data, cfg, self.overrides, done)

    def __repr__(self) -> str:
        parts = [f"overrides={list(self.overrides)!r}"]
        if self.changes:
            parts.append(f"changes={self.changes!r}")
        parts.append(f"case={self._config.case.name!r}, seed={self._config.seed}")
        return f"Scenario({', '.join(parts)})"


__all__ = ["Scenario", "check_seed", "load"]
