"""Cases: where each country's folder is, and what it holds.

A **case** is one folder that is also a small Hydra configuration directory::

    chile/
      case/chile.yaml          the case's name, title and summary (config group ``case``)
      scenario/chile.yaml      dates, administrations, anchors, coalitions, commitments
      shocks/chile.yaml        turnovers, the funding cut, elections
      network/chile.yaml       the stakeholder network: actors.csv + ties.csv + a generated pool
      patterns/chile.yaml      the observed outcome and the checkable patterns, each with its source
      counterfactual/*.yaml    optional presets of the case
      actors.csv, ties.csv     the named actors and ties, a citation on every row
      README.md                the case in words, its sources and judgements

``case=chile`` selects it: the defaults list of ``conf/config.yaml`` picks ``scenario``,
``shocks`` and ``network`` options with the case's name. Case folders are found in
``cases/`` of every configuration directory (the user's ``--config-dir`` first, then the
packaged ``conf/``); a ``--config-dir`` that is itself a case folder works too. Mexico, the
default case, is the packaged ``conf/`` itself (its files are ``conf/case/mexico.yaml``,
``conf/scenario/mexico.yaml``, ... and ``sim/data/mexico/``). See docs/cases.md.
"""

from __future__ import annotations

import functools
import os
from importlib import resources
from pathlib import Path

from sim.errors import InputError

CASES_SUBDIR = "cases"
DEFAULT_CASE = "mexico"
GROUP_FILES = ("case", "scenario", "shocks", "network", "patterns")
"""The config groups a case folder must hold an option of, named after the case."""
DATA_FILES = ("actors.csv", "ties.csv")


def _dirs() -> tuple[Path | None, Path]:
    from sim.paths import packaged_conf_dir, user_config_dir

    return user_config_dir(), packaged_conf_dir()


def case_names_in(folder: Path) -> list[str]:
    """The cases a folder defines: the stems of its ``case/*.yaml``."""
    return sorted(p.stem for p in (folder / "case").glob("*.yaml"))


def is_case_folder(folder: Path) -> bool:
    """True if ``folder`` holds a ``case/NAME.yaml`` (a case folder, not a config root)."""
    return folder.is_dir() and bool(case_names_in(folder)) and not (folder / "config.yaml").exists()


def case_folders() -> dict[str, Path]:
    """Every case's folder by name, the user's first (a user's case hides a packaged one).

    Mexico's folder is the packaged configuration directory; the others are the folders of
    ``cases/`` in the user's directory and the package, and the user's directory itself if it
    is a case folder. Remembered while the folders it looked at are unchanged (their
    modification times: adding, removing or renaming a case or its ``case/*.yaml`` changes
    them), so a run does not search the disk again.
    """
    user, packaged = _dirs()
    return dict(_case_folders(user, packaged, _stamp(user, packaged)))


def _stamp(user: Path | None, packaged: Path) -> tuple:
    """Modification times of every folder :func:`_case_folders` reads (0 if absent).

    With ``os`` calls on strings (a few µs each, not pathlib's tens): ``root``, ``root/case``,
    ``root/cases`` and each ``root/cases/NAME`` and ``root/cases/NAME/case``, in that order.
    """
    out = []
    for root in (user, packaged):
        if root is None:
            continue
        base = os.fspath(root)
        cases = os.path.join(base, CASES_SUBDIR)
        folders = [base, os.path.join(base, "case"), cases]
        try:
            names = os.listdir(cases)
        except OSError:
            names = []
        for name in names:
            folder = os.path.join(cases, name)
            folders += [folder, os.path.join(folder, "case")]
        for folder in folders:
            try:
                out.append(os.stat(folder).st_mtime_ns)
            except OSError:
                out.append(0)
    return tuple(out)


@functools.lru_cache(maxsize=16)
def _case_folders(user: Path | None, packaged: Path, stamp: tuple) -> tuple[tuple[str, Path], ...]:
    """The search of :func:`case_folders` (``stamp`` only keys the cache)."""
    found: dict[str, Path] = {}
    roots = [d for d in (user, packaged) if d is not None]
    if user is not None and is_case_folder(user):
        for name in case_names_in(user):
            found.setdefault(name, user)
    for root in roots:
        for folder in sorted((root / CASES_SUBDIR).glob("*")):
            if is_case_folder(folder):
                for name in case_names_in(folder):
                    found.setdefault(name, folder.resolve())
    for name in case_names_in(packaged):
        found.setdefault(name, packaged)
    return tuple(found.items())


def case_search_dirs() -> list[Path]:
    """The case folders Hydra must search (every one but the packaged root), in order."""
    _, packaged = _dirs()
    out: list[Path] = []
    for folder in case_folders().values():
        if folder != packaged and folder not in out:
            out.append(folder)
    return out


def available_cases() -> list[str]:
    """The names of every case found (see :func:`case_folders`)."""
    return sorted(case_folders())


def case_folder(name: str) -> Path:
    """The folder of case ``name``.

    Raises:
        InputError: No such case; the message lists the available ones.
    """
    folders = case_folders()
    if name not in folders:
        known = ", ".join(sorted(folders)) or "none"
        raise InputError(f"case: no case {name!r}; available: {known} (docs/cases.md)")
    return folders[name]


def data_folder(name: str) -> Path:
    """The folder of case ``name``'s ``actors.csv`` and ``ties.csv``.

    Mexico's are packaged with the model (``sim/data/mexico``); every other case keeps them
    in its own folder.

    Raises:
        InputError: No such case.
    """
    folder = case_folder(name)
    _, packaged = _dirs()
    if folder == packaged:
        return _packaged_data(name)
    return folder


@functools.lru_cache(maxsize=16)
def _packaged_data(name: str) -> Path:
    """``sim/data/NAME`` of the installed package (where it is does not change while running)."""
    return Path(str(resources.files("sim").joinpath(f"data/{name}")))
