"""Where the Hydra configuration is: the packaged ``conf/`` and a user's own directory.

The repository's ``conf/`` ships inside the package as ``continuity_conf`` (pyproject.toml maps
it), so an installed package finds it through :mod:`importlib.resources` whatever the working
directory; an editable install finds the repository's ``conf/`` the same way.

A user's own directory (``continuity run --config-dir DIR``, or ``CONTINUITY_CONFIG_DIR=DIR``)
is searched before the packaged one: a file there with the path of a packaged one (say
``scenario/mexico.yaml``) replaces it, any other file adds an option to its group (say
``experiment/my_sweep.yaml`` or ``counterfactual/my_case.yaml``). See docs/configuration.md.
"""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

from sim.errors import InputError

CONF_ENV = "CONTINUITY_CONF"
"""Replaces the packaged configuration directory altogether (for development)."""
USER_ENV = "CONTINUITY_CONFIG_DIR"
"""The user's own configuration directory (what ``--config-dir`` sets, so that worker
processes and Hydra jobs see it too)."""


def packaged_conf_dir() -> Path:
    """The packaged Hydra configuration directory (``conf/`` of the repository)."""
    if os.environ.get(CONF_ENV):
        return Path(os.environ[CONF_ENV])
    return _installed_conf_dir()


@functools.cache
def _installed_conf_dir() -> Path:
    """Where the installed package's ``conf/`` is (it does not move while running)."""
    try:
        return Path(str(resources.files("continuity_conf")))
    except ModuleNotFoundError:  # a source tree on sys.path without an install
        return Path(__file__).resolve().parents[1] / "conf"


def user_config_dir() -> Path | None:
    """The user's configuration directory, if one is set (``--config-dir``)."""
    value = os.environ.get(USER_ENV, "").strip()
    return _resolved(value) if value else None


@functools.lru_cache(maxsize=16)
def _resolved(value: str) -> Path:
    """``Path(value).expanduser().resolve()``, remembered per process."""
    return Path(value).expanduser().resolve()


def set_user_config_dir(directory: str | Path | None) -> None:
    """Use ``directory`` (or none) as the user's configuration directory from now on.

    Raises:
        InputError: If it is not an existing directory.
    """
    if directory is None:
        os.environ.pop(USER_ENV, None)
        return
    path = Path(directory).expanduser()
    if not str(directory).strip() or not path.is_dir():
        raise InputError(
            [
                f"--config-dir: {str(directory)!r} is not a directory; give a directory "
                "holding config groups, e.g. experiment/my_sweep.yaml"
            ]
        )
    os.environ[USER_ENV] = str(path.resolve())


def config_dirs() -> list[Path]:
    """The configuration directories in search order.

    The user's (if any), then every case folder (:func:`sim.cases.case_search_dirs`), then the
    packaged one.
    """
    from sim.cases import case_search_dirs

    user = user_config_dir()
    packaged = packaged_conf_dir()
    first = [user] if user is not None and user != packaged.resolve() else []
    cases = [d for d in case_search_dirs() if d not in first]
    return [*first, *cases, packaged]


def _extra_search_dirs() -> list[Path]:
    """What Hydra must search besides the packaged directory, in order (user's, then cases)."""
    return config_dirs()[:-1]


def group_options(group: str) -> list[str]:
    """The options of a config group: YAML files of ``<dir>/<group>/`` in any config directory."""
    return sorted({p.stem for d in config_dirs() for p in (d / group).glob("*.yaml")})


def hydra_argv() -> list[str]:
    """Command-line flags that give a Hydra app the user's directory (first in the path)."""
    user = user_config_dir()
    return ["--config-dir", str(user)] if user is not None else []


def hydra_search_overrides() -> list[str]:
    """The override that puts every case folder on a Hydra app's search path (after the user's).

    Give it after the other overrides: Hydra's command line takes its flags first.
    """
    user = user_config_dir()
    cases = [d for d in _extra_search_dirs() if d != user]
    if not cases:
        return []
    return ["hydra.searchpath=[" + ",".join(f"file://{d}" for d in cases) + "]"]


@contextlib.contextmanager
def initialize() -> Iterator[list[str]]:
    """Hydra's ``initialize_config_dir`` over :func:`config_dirs`, for ``hydra.compose``.

    The packaged directory is Hydra's primary config directory; the user's and the case
    folders come before it on the search path, exactly as :func:`hydra_argv` and
    :func:`hydra_search_overrides` do for a Hydra app. Yields extra
    overrides for ``compose`` (none today; kept so callers need not change).
    """
    from hydra import initialize_config_dir
    from hydra._internal.config_repository import ConfigRepository
    from hydra.core.global_hydra import GlobalHydra

    extra = _extra_search_dirs()
    with initialize_config_dir(config_dir=str(packaged_conf_dir()), version_base="1.3"):
        if extra:
            loader = GlobalHydra.instance().config_loader()
            for directory in reversed(extra):  # prepend: the first ends up first
                loader.config_search_path.prepend("command-line", f"file://{directory}")
            loader.repository = ConfigRepository(config_search_path=loader.config_search_path)
        yield []
