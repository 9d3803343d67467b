"""Dotted config keys (``shocks.funding_cut.size``) on a composed config dict, without Hydra.

:meth:`sim.Scenario.replace` sets values this way: :func:`key_problem` says, in the CLI's words,
why a key cannot be set (an unknown key, a section, a config-group choice), :func:`set_value`
sets one that can. List items are addressed by index: ``scenario.coalitions[0].founded`` or
``scenario.coalitions.0.founded``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from sim.errors import did_you_mean
from sim.tactics import TACTIC_NAMES

GROUPS = ("case", "scenario", "network", "shocks", "params", "counterfactual", "tactics")
"""The config groups of ``conf/config.yaml``: choosing one of their options recomposes the
config (``sim.load(["case=chile"])``); it is not a value to set."""


def split_key(key: str) -> list[str]:
    """``scenario.coalitions[0].node`` → ``["scenario", "coalitions", "0", "node"]``."""
    return re.sub(r"\[(\d+)\]", r".\1", key).split(".")


def normal_key(key: str) -> str:
    """A key with list indices written as parts: ``scenario.coalitions.0.node``."""
    return ".".join(split_key(key))


def flatten(changes: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    """``{"shocks.funding_cut": {"size": 0.5}}`` → ``("shocks.funding_cut.size", 0.5)``.

    A dict value sets each of its keys (a section is never replaced whole).
    """
    for key, value in changes.items():
        full = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, Mapping) and value:
            yield from flatten(value, full)
        else:
            yield full, value


def plain(value: Any) -> Any:
    """Turn numpy scalars and arrays into Python numbers and lists (what a YAML file would give)."""
    if type(value).__module__ == "numpy" and hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def _override(key: str, value: Any) -> str:
    if isinstance(value, list | tuple):
        return f"{key}=[{','.join(map(str, value))}]"
    return f"{key}={value}"


def _reload(overrides: Sequence[str], extra: str) -> str:
    return f"sim.load({[*overrides, extra]!r})"


def key_problem(
    data: dict[str, Any], key: str, value: Any, overrides: Sequence[str] = ()
) -> str | None:
    """Why ``key`` cannot be set to ``value`` on the composed ``data``, or None if it can.

    Args:
        data: The composed config as a plain dict.
        key: A dotted key.
        value: The new value (a config-group option name for a group choice).
        overrides: The overrides ``data`` was composed with (quoted in a group-choice hint).
    """
    parts = split_key(key)
    if not all(parts):
        return f"{key!r}: not a config key; write a dotted key such as 'shocks.funding_cut.size'"
    if len(parts) == 1 and parts[0] in GROUPS:
        return (
            f"{key}: choosing a {key} option (conf/{key}/) recomposes the config and is not a "
            f"value to set; load it: {_reload(overrides, _override(key, value))}"
        )
    if parts[0] == "tactics" and parts[1] not in (data.get("tactics") or {}):
        if parts[1] in TACTIC_NAMES:
            chosen = [*(data.get("tactics") or {}), parts[1]]
            return (
                f"{key}: tactic {parts[1]!r} is not selected; load a scenario with it: "
                f"{_reload(overrides, _override('tactics', chosen))}"
            )
    node: Any = data
    for i, part in enumerate(parts):
        here = ".".join(parts[:i])
        if isinstance(node, list):
            if not node:
                return f"{key}: {here} is an empty list"
            if not part.isdigit() or int(part) >= len(node):
                return f"{key}: {here} has {len(node)} item(s); give an index from 0 to {len(node) - 1}"
            node = node[int(part)]
        elif isinstance(node, dict):
            if part not in node:
                allowed = sorted(node)
                hint = f"; allowed keys here: {', '.join(allowed)}" if allowed else ""
                return f"{key}: unknown key{did_you_mean(part, allowed)}{hint}"
            node = node[part]
        else:
            return f"{key}: {here} is a value ({node!r}), not a section"
    if isinstance(node, dict) and node:
        return f"{key}: is a section, not a value; name one of its keys ({', '.join(node)})"
    return None


def set_value(data: dict[str, Any], key: str, value: Any) -> None:
    """Set a dotted key that exists (see :func:`key_problem`) on a composed config dict."""
    parts = split_key(key)
    node: Any = data
    for part in parts[:-1]:
        node = node[int(part)] if isinstance(node, list) else node[part]
    last = parts[-1]
    node[int(last) if isinstance(node, list) else last] = value


def needs_preflight(key: str) -> bool:
    """True if a change of ``key`` can change what :func:`sim.api.preflight` checks."""
    k = normal_key(key)
    return any(
        k == p or k.startswith(p + ".")
        for p in ("network", "scenario.coalitions", "shocks.elections.state_calendar")
    )
