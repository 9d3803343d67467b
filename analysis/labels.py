"""Plain-language names for config keys and tactic sets, shared by every figure and reading."""

from __future__ import annotations

GROUPS = ("params", "shocks", "scenario", "network", "counterfactual", "tactics")
"""Config groups whose name is dropped from a key of three or more parts."""

ORDINALS = ("first", "second", "last", "next")
"""Last key parts that read better in front (``shocks.turnover.first`` → "first turnover")."""


def pretty_key(key: str) -> str:
    """A config key in plain words.

    ``params.coalition.recruit_rate`` → "coalition recruit rate", ``shocks.funding_cut.size``
    → "funding cut size", ``shocks.turnover.first`` → "first turnover", ``scenario.name`` →
    "scenario name".
    """
    parts = key.split(".")
    if len(parts) > 2 and parts[0] in GROUPS:
        parts = parts[1:]
    if len(parts) > 1 and parts[-1] in ORDINALS:
        parts = [parts[-1], *parts[:-1]]
    return " ".join(parts).replace("_", " ")


def tactic_words(tactics: str) -> str:
    """A ``tactics`` cell in words: ``law+broad_coalition`` → "law + broad coalition"."""
    return str(tactics).replace("+", " + ").replace("_", " ")
