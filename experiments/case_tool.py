"""``continuity case new NAME`` and ``continuity case check DIR|NAME``: build and check a case.

``new`` writes the commented template of :mod:`experiments.case_template` into ``DIR/NAME``.
``check`` reads a case folder the way a run would and reports every problem, one line each,
before any run: missing files, missing citations (an empty ``source`` or ``citation`` or a
``TODO`` left), actors referenced but not defined, dates out of order or outside the horizon,
impossible shares, behavioural parameters set by the case, patterns that do not parse; then it
runs the case once (seed 0) to be sure the model accepts it. Layout: docs/cases.md.
"""

from __future__ import annotations

import re
from pathlib import Path

from sim.errors import InputError

USAGE = """usage: continuity case new NAME [--dir DIR]
       continuity case check DIR|NAME

  new    write a commented template case folder DIR/NAME (default DIR: the current directory);
         fill in every TODO with your facts and their sources, then check it
  check  check a case folder (or a case by name) before any run: files, citations, actors,
         dates, shares, patterns; runs it once. Exit 0 if it is ready, 2 with one line per
         problem if not.
  e.g.  continuity case new atlantis --dir ~/cases
        continuity case check ~/cases/atlantis
        continuity run --config-dir ~/cases/atlantis case=atlantis
        continuity validate --config-dir ~/cases/atlantis case=atlantis seeds=20
Guide: docs/cases.md ("Model your own country").
"""

NAME = re.compile(r"^[a-z][a-z0-9_]*$")
REQUIRED = ("case", "scenario", "shocks", "network", "patterns")
MISSING = "missing (a case needs"
INVALID = "not valid YAML"

FORBIDDEN_GROUPS = ("params", "tactics", "experiment", "hydra")
"""Groups a case folder may not hold: behavioural parameters come from the Mexico calibration
(a case sets only its own inputs); tactics and experiments are chosen per run."""


def new_case(name: str, directory: Path) -> Path:
    """Write the template case ``name`` into ``directory/name``; return the folder.

    Raises:
        InputError: A bad name, or a folder that exists already (nothing is overwritten).
    """
    from experiments.case_template import FILES
    from sim.api import atomic_write

    if not NAME.match(name):
        raise InputError(
            f"NAME: {name!r} is not a case name; use lower-case letters, digits and _ "
            "(starting with a letter), e.g. atlantis"
        )
    folder = Path(directory).expanduser() / name
    if folder.exists():
        raise InputError(f"--dir: {str(folder)!r} exists already; choose another NAME or --dir")
    for rel, text in FILES.items():
        path = folder / rel.format(name=name)
        path.parent.mkdir(parents=True, exist_ok=True)
        body = text.replace("{name}", name)
        atomic_write(path, lambda p, body=body: Path(p).write_text(body, encoding="utf-8"))
    return folder


def resolve(target: str) -> tuple[Path, str]:
    """The folder and name of a case given as a folder or as a known case's name.

    Raises:
        InputError: Neither a case folder nor a known case.
    """
    from sim.cases import available_cases, case_folder, case_names_in

    path = Path(target).expanduser()
    if path.is_dir():
        names = case_names_in(path)
        if len(names) != 1:
            found = ", ".join(names) or "none"
            raise InputError(
                f"{target}: a case folder holds exactly one case/NAME.yaml (found: {found})"
            )
        return path.resolve(), names[0]
    if target in available_cases():
        return case_folder(target), target
    raise InputError(
        f"{target!r}: neither a case folder nor a case; available cases: "
        f"{', '.join(available_cases())}"
    )


def check_case(target: str, run: bool = True) -> list[str]:
    """Every problem of a case, one line each (empty: the case is ready).

    Args:
        target: A case folder or a known case's name.
        run: Also run the case once (seed 0) when everything else is fine.

    """
    from sim.paths import packaged_conf_dir, set_user_config_dir, user_config_dir

    folder, name = resolve(target)
    packaged = folder == packaged_conf_dir().resolve()
    problems = [] if packaged else _layout(folder, name)
    if any(MISSING in p for p in problems):
        return problems  # without its files the rest cannot be read
    readable = not any(INVALID in p for p in problems)
    previous = user_config_dir()
    try:
        if not packaged:
            set_user_config_dir(folder)
        problems += _data(folder, name)
        if readable:  # Hydra cannot compose a file that is not YAML
            problems += _config(name)
        if not problems and run:
            problems += _run(name)
    finally:
        set_user_config_dir(previous)
    return list(dict.fromkeys(problems))  # one line per problem, even if two checks see it


def _layout(folder: Path, name: str) -> list[str]:
    """Required files, forbidden groups, ``@package`` directives and ``TODO`` placeholders."""
    problems = []
    for group in REQUIRED:
        if not (folder / group / f"{name}.yaml").is_file():
            problems.append(f"{folder}/{group}/{name}.yaml: missing (a case needs {group})")
    for group in REQUIRED:
        path = folder / group / f"{name}.yaml"
        if path.is_file():
            problems += _yaml_problems(path)
    for group in FORBIDDEN_GROUPS:
        if (folder / group).exists():
            problems.append(
                f"{folder}/{group}/: a case may not set {group} (behavioural parameters come "
                "from the Mexico calibration; tactics and experiments are chosen per run)"
            )
    for path in sorted(folder.rglob("*")):
        if path.suffix not in (".yaml", ".csv") or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".yaml" and "@package" in text:
            problems.append(f"{path}: '@package' is not allowed in a case (it could set params)")
        todo = [i for i, line in enumerate(text.splitlines(), start=1) if "TODO" in line]
        if todo:
            lines = ", ".join(map(str, todo[:8])) + (" ..." if len(todo) > 8 else "")
            problems.append(
                f"{path}: {len(todo)} TODO left (lines {lines}); put your fact and source"
            )
    return problems


def _yaml_problems(path: Path) -> list[str]:
    """One line for a file that is not valid YAML (its line and what is wrong)."""
    import yaml

    try:
        yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return [f"{path}: {INVALID}{where} ({reason}); check the indentation and quotes"]
    return []


def _read_yaml(path: Path) -> object:
    """A case file's YAML, or None if it is missing or invalid (reported by _layout)."""
    import yaml

    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return None


def _data(folder: Path, name: str) -> list[str]:
    """The network file's data: loadable, cited, and every actor the scenario names defined."""
    from sim.case_network import check_case_files
    from sim.cases import data_folder
    from sim.errors import NetworkFileError
    from sim.networks import load_network

    network = _read_yaml(folder / "network" / f"{name}.yaml")
    if not isinstance(network, dict) or network.get("kind") not in ("case", "mexico"):
        return []  # a synthetic network or a user's file: the config check covers it
    try:
        data = (
            data_folder(str(network.get("data") or name)) if network.get("kind") == "case" else None
        )
    except InputError:
        return []  # an unknown network.data is reported by the config check
    if data is None:
        return []
    actors, ties = data / "actors.csv", data / "ties.csv"
    missing = [f"{p}: missing (the case's named actors)" for p in (actors, ties) if not p.is_file()]
    if missing:
        return missing
    try:
        net = load_network(actors, ties)
    except NetworkFileError as exc:
        return list(exc.problems)
    problems = check_case_files(actors, ties)
    ids = set(net.nodes["id"])
    types = dict(zip(net.nodes["id"], net.nodes["type"], strict=True))
    for hub in network.get("hubs") or []:
        if hub not in ids:
            problems.append(f"network.hubs: {hub!r} is not an actor of {actors}")
    scenario = _read_yaml(folder / "scenario" / f"{name}.yaml")
    scenario = scenario if isinstance(scenario, dict) else {}
    for k, c in enumerate((scenario or {}).get("coalitions") or []):
        node = c.get("node") if isinstance(c, dict) else None
        if node not in ids or types.get(node) != "coalition":
            problems.append(
                f"scenario.coalitions[{k}].node: {node!r} is not a coalition in {actors}"
            )
        for j, coordinator in enumerate(c.get("coordinators") or [] if isinstance(c, dict) else []):
            who = coordinator.get("node") if isinstance(coordinator, dict) else None
            if who not in ids:
                problems.append(
                    f"scenario.coalitions[{k}].coordinators[{j}].node: {who!r} is not an actor "
                    f"of {actors}"
                )
    listed = {
        c.get("node") for c in (scenario or {}).get("coalitions") or [] if isinstance(c, dict)
    }
    for node in sorted(i for i, t in types.items() if t == "coalition" and i not in listed):
        problems.append(
            f"{actors}: coalition {node!r} has no entry in scenario.coalitions (add its founding "
            "month, or remove it)"
        )
    shocks = _read_yaml(folder / "shocks" / f"{name}.yaml")
    shocks = shocks if isinstance(shocks, dict) else {}
    calendar = ((shocks or {}).get("elections") or {}).get("state_calendar") or {}
    for state in calendar:
        if types.get(state) != "state":
            problems.append(f"shocks.elections.state_calendar.{state}: not a state in {actors}")
    return problems


def _config(name: str) -> list[str]:
    """The composed config of ``case=NAME``: types, ranges, dates in order; the patterns."""
    from experiments.pattern_spec import load_spec
    from experiments.validate import available_counterfactuals, horizon_problems
    from sim.api import load_config

    try:
        cfg = load_config([f"case={name}"])
    except InputError as exc:
        return list(exc.problems)
    problems = []
    turnovers = cfg.shocks.turnover.dates if cfg.shocks.turnover.mode == "dates" else []
    needed = 1 + len(turnovers)
    if cfg.shocks.turnover.mode == "dates" and len(cfg.scenario.administrations) < needed:
        problems.append(
            f"scenario.administrations: {len(cfg.scenario.administrations)} listed; "
            f"{needed} needed (the first plus one per turnover)"
        )
    if cfg.scenario.strategy_start and cfg.scenario.strategy_start > cfg.scenario.strategy_launch:
        problems.append(
            f"scenario.strategy_start: {cfg.scenario.strategy_start} is after the launch "
            f"{cfg.scenario.strategy_launch}"
        )
    try:
        spec = load_spec(name)
    except InputError as exc:
        return problems + list(exc.problems)
    known = available_counterfactuals()
    for c in (spec.control, *(spec.counterfactuals or ())):
        if c not in known:
            problems.append(f"{spec.path}: no counterfactual {c!r}; available: {', '.join(known)}")
    return problems + horizon_problems(cfg, spec)


def _run(name: str) -> list[str]:
    """One run of the case (seed 0): the network builds and the model accepts every input."""
    from sim.api import simulate

    try:
        simulate([f"case={name}"], seed=0)
    except InputError as exc:
        return list(exc.problems)
    return []


def main(args: list[str]) -> int:
    """``continuity case new|check``; exit 0, or 2 with one line per problem."""
    import sys

    if not args or args[0] in ("-h", "--help") or {"-h", "--help"}.intersection(args):
        print(USAGE)
        return 0 if args else 2
    command, rest = args[0], args[1:]
    try:
        if command == "new":
            directory, names = Path("."), []
            it = iter(rest)
            for a in it:
                if a == "--dir":
                    directory = Path(next(it, "") or ".")
                elif a.startswith("--dir="):
                    directory = Path(a.split("=", 1)[1])
                else:
                    names.append(a)
            if len(names) != 1:
                raise InputError(
                    "new: give one NAME, e.g. continuity case new atlantis --dir cases"
                )
            folder = new_case(names[0], directory)
            print(f"Wrote the template case {names[0]!r} into {folder}")
            if names[0] in _packaged():
                print(
                    f"Note: a case {names[0]!r} ships with Continuity; with --config-dir {folder} "
                    "yours is used instead of it (without --config-dir the shipped one runs)."
                )
            print(f"Next: fill in every TODO (docs/cases.md), then: continuity case check {folder}")
            return 0
        if command == "check":
            if len(rest) != 1:
                raise InputError("check: give one case folder or case name")
            problems = check_case(rest[0])
            if problems:
                print(
                    f"continuity case check: {len(problems)} problem(s) in {rest[0]}",
                    file=sys.stderr,
                )
                for p in problems:
                    print(f"  - {p}", file=sys.stderr)
                return 2
            folder, name = resolve(rest[0])
            print(
                f"case {name}: ready ({folder}); run it with: continuity run case={name}"
                + ("" if name in _packaged() else f" --config-dir {folder}")
            )
            return 0
        raise InputError(f"{command!r}: unknown; use new or check")
    except InputError as exc:
        print("continuity case: invalid input", file=sys.stderr)
        for p in exc.problems:
            print(f"  - {p}", file=sys.stderr)
        return 2


def _packaged() -> set[str]:
    """The cases shipped with the package (no --config-dir needed)."""
    from sim.cases import CASES_SUBDIR, case_names_in
    from sim.paths import packaged_conf_dir

    root = packaged_conf_dir()
    names = set(case_names_in(root))
    for folder in (root / CASES_SUBDIR).glob("*"):
        names.update(case_names_in(folder))
    return names
