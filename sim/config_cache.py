"""A small cache of composed and validated configs, keyed by their overrides.

Composing a config with Hydra takes 0.1–0.3 s, many times a run's cost; :func:`sim.simulate`
and :func:`sim.load` keep the last few configs they composed here. An entry is used only while
the configuration it came from is unchanged: the same configuration directories
(``CONTINUITY_CONF``, ``--config-dir``) holding the same ``*.yaml`` and ``*.csv`` files (same
size, modification time and inode), and the same network files a config names. Checking that
costs a fraction of a millisecond (a ``stat`` per file).

An edit that keeps a file's size and lands within the file system's clock tick of the previous
write (a few milliseconds) would go unnoticed; an editor saving a file by hand cannot.
"""

from __future__ import annotations

import copy
import dataclasses
import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from sim.paths import packaged_conf_dir, user_config_dir

SUFFIXES = (".yaml", ".yml", ".csv")
"""The files whose edits a cached config must notice."""

Stamp = tuple[Any, ...]


def _stat(path: str) -> tuple[str, int, int, int]:
    try:
        s = os.stat(path)
    except OSError:
        return (path, -1, -1, -1)
    return (path, s.st_mtime_ns, s.st_size, s.st_ino)


def _walk(directory: str, out: list[tuple[str, int, int, int]]) -> None:
    """Add a stamp of every config file under ``directory`` (hidden entries skipped)."""
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            _walk(entry.path, out)
        elif entry.name.endswith(SUFFIXES):
            s = entry.stat()
            out.append((entry.path, s.st_mtime_ns, s.st_size, s.st_ino))


def fingerprint() -> Stamp:
    """A stamp of the configuration directories: changes when any config file does.

    Covers the packaged (or ``CONTINUITY_CONF``) directory and the user's ``--config-dir``,
    each walked whole, so every case folder under their ``cases/`` is included.
    """
    roots = [str(packaged_conf_dir())]
    user = user_config_dir()
    if user is not None:
        roots.insert(0, str(user))
    files: list[tuple[str, int, int, int]] = []
    for root in roots:
        _walk(root, files)
    return (tuple(roots), tuple(files))


def network_files(cfg: Any) -> tuple[str, ...]:
    """The user network files a config names (absolute paths), if any."""
    net = cfg.network
    return tuple(os.path.abspath(p) for p in (net.nodes, net.edges) if p)


class ConfigCache:
    """A thread-safe least-recently-used cache of ``(plain dict, Config)`` pairs by overrides.

    Args:
        maxsize: How many configs to keep.
    """

    def __init__(self, maxsize: int = 16):
        self.maxsize = maxsize
        self._entries: OrderedDict[tuple[str, ...], tuple[Stamp, Stamp, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, overrides: tuple[str, ...], load: Callable[[], tuple[dict, Any]]) -> Any:
        """The cached value for ``overrides``, or ``load()``'s (then cached).

        ``load`` runs outside the cache's lock (Hydra serialises its own composition); an
        error it raises is not cached.
        """
        stamp = fingerprint()
        with self._lock:
            entry = self._entries.get(overrides)
            if entry is not None:
                files = tuple(map(_stat, network_files(entry[2][1])))  # from the cwd of now
                if entry[0] == stamp and entry[1] == files:
                    self._entries.move_to_end(overrides)
                    return entry[2]
                del self._entries[overrides]
        value = load()
        files = tuple(map(_stat, network_files(value[1])))
        with self._lock:
            self._entries[overrides] = (stamp, files, value)
            self._entries.move_to_end(overrides)
            while len(self._entries) > self.maxsize:
                self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        """Forget every config."""
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


_IMMUTABLE = (str, int, float, bool, type(None))
_LEAVES = frozenset(_IMMUTABLE)
"""The exact types copied by reference without a call (the leaves of a config)."""


def copy_config(value: Any) -> Any:
    """A deep copy of a validated config (a few times faster than :func:`copy.deepcopy`).

    Configs are dataclasses of numbers, strings, lists and dicts; anything else is copied with
    :func:`copy.deepcopy`. Leaves (numbers, strings, None) are shared, not copied: they are
    immutable.
    """
    kind = type(value)
    if kind in _LEAVES:
        return value
    if kind is list:
        return [v if type(v) in _LEAVES else copy_config(v) for v in value]
    if kind is dict:
        return {k: v if type(v) in _LEAVES else copy_config(v) for k, v in value.items()}
    if kind in _DATACLASSES:
        return _copy_dataclass(value)
    return _copy_other(value)


_DATACLASSES: set[type] = set()
"""Types :func:`_copy_other` found to be dataclasses with a ``__dict__`` (copied field by field)."""


def _copy_dataclass(value: Any) -> Any:
    new = object.__new__(type(value))
    new.__dict__.update(
        {k: v if type(v) in _LEAVES else copy_config(v) for k, v in vars(value).items()}
    )
    return new


def _copy_other(value: Any) -> Any:
    """:func:`copy_config` of anything but a leaf, a plain list or a plain dict."""
    if isinstance(value, _IMMUTABLE):
        return value
    if isinstance(value, list):
        return [copy_config(v) for v in value]
    if isinstance(value, dict):
        return {k: copy_config(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return tuple(copy_config(v) for v in value)
    if dataclasses.is_dataclass(value) and hasattr(value, "__dict__"):
        if not isinstance(value, type):
            _DATACLASSES.add(type(value))
        return _copy_dataclass(value)
    return copy.deepcopy(value)


CACHE = ConfigCache()
"""The process's cache, shared by :func:`sim.simulate` and :func:`sim.load`."""

__all__ = ["CACHE", "ConfigCache", "copy_config", "fingerprint", "network_files"]
