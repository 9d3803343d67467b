"""Every config key reaches the model.

The leaf keys are enumerated from the composed configs themselves (``sim.api.compose()`` with
the default network, ``network=synthetic`` and ``network=file``), so a key added to ``conf/``
without a case here makes ``test_every_key_has_a_case`` fail. For each key, a short run with a
fixed seed is compared with the same run after changing only that key to another valid value:
the monthly time series or the summary must differ.

Keys that only matter in another mode (another network kind, turnover mode, a law in force, ...)
are changed in that mode (``context``), which is then the baseline too.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import re
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from sim.api import compose, run
from sim.config import Config, validate
from sim.tactics import TACTIC_NAMES

MEXICO_DATA = Path(__file__).resolve().parents[1] / "sim" / "data" / "mexico"

# A smaller Mexico network keeps every run well under a second.
SMALL_MEXICO = ("network.organizations_pool=80", "network.companies=20")
# 2017-01..2021-12: one turnover (2018-12) and one Senate election (2018-07) in the horizon.
SHORT = (
    "scenario.end=2021-12",
    "shocks.turnover.dates=[2018-12]",
    "shocks.elections.senate=[2018-07]",
)
NO_FIGURE = ("output.figure=false",)

BASE = SHORT + SMALL_MEXICO + NO_FIGURE
LONG = SMALL_MEXICO + NO_FIGURE  # the full default horizon 2017-01..2030-12
NO_TURNOVER = BASE + ("shocks.turnover.mode=none",)
TERM = BASE + ("shocks.turnover.mode=term",)
STOCHASTIC = BASE + ("shocks.turnover.mode=stochastic",)
# Three turnovers: the third successor is beyond scenario.administrations (drawn from a Beta).
BEYOND_LIST = BASE + ("shocks.turnover.dates=[2018-12,2019-12,2020-12]",)
# A law passes early, so what a law in force locks in matters.
LAW = BASE + ("params.senate.bill_rate=2.0", "params.senate.passage_rate=1.0")
# A successor re-launches the strategy within the short horizon (2020-12).
RELAUNCH = BASE + ("params.turnover.relaunch_threshold=0.05",)


def _anchored(kind: str) -> tuple[str, ...]:
    """BASE with one anchor of ``kind`` from the launch that survives the review and sets a
    budget floor (so each of its mechanisms matters)."""
    return BASE + (
        f"scenario.anchors=[{{kind:{kind},name:A,date:'2018-03'}}]",
        f"params.anchors.{kind}.review_survival=1.0",
        f"params.anchors.{kind}.budget_floor=0.5",
    )


# Every international opportunity is joined, so its name shows in the summary.
JOIN_ALL = BASE + ("params.international.join_base=1.0",)
# Many states open an AI office, so office budgets, imitation and closures matter.
OFFICES = BASE + ("params.states.initiative_rate=0.5", "params.states.initiative_threshold=0.1")
SYNTHETIC = (
    SHORT + NO_FIGURE + ("network=synthetic", "network.n_agents=300", "network.mean_degree=6")
)
# Two coalitions founded at different dates: which node a spec names decides which is which.
TWO_COALITIONS = SYNTHETIC + (
    "network.n_coalitions=2",
    "scenario.coalitions=[{node:coalition_01,founded:2018-01},{node:coalition_02,founded:2020-01}]",
)
FILE = (
    SHORT
    + NO_FIGURE
    + (
        "network=file",
        f"network.nodes={MEXICO_DATA / 'actors.csv'}",
        f"network.edges={MEXICO_DATA / 'ties.csv'}",
    )
)

ALL_TACTICS = ",".join(TACTIC_NAMES)


def _tactic_context(name: str, *extra: str) -> tuple[str, ...]:
    """BASE with one tactic selected (the baseline of that tactic's keys)."""
    return BASE + (f"tactics=[{name}]", *extra)


BY_TYPE = ("params.commitment.susceptibility", "params.momentum.pillar_weights")
"""Mappings keyed by actor type: each entry is a leaf of its own."""

SKIPPED = {
    "output.figure": "only decides whether momentum.png is drawn (tested in test_cli.py)",
    "case.name": "labels the case; case=NAME picks its groups (tested in test_case_tool.py)",
    "case.title": "a label of the case, for people",
    "case.summary": "a label of the case, for people",
}
# Argentina's case: another case's data can be swapped in (network.data).
ARGENTINA = ("case=argentina", *NO_FIGURE)


def _posterior(tmp: Path) -> dict[str, str]:
    """``params.posterior`` naming a one-particle posterior that sets the coalition's intake."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp / "posterior.parquet"
    table = pa.table(
        {
            "particle": pa.array([0], pa.int64()),
            "weight": [1.0],
            "params.coalition.intake": [0.5],
        }
    )
    pq.write_table(table, path)
    return {"file": str(path)}


@dataclass(frozen=True)
class Change:
    """Change ``key`` to ``value`` (a callable gets a tmp dir) in a run with ``context``."""

    value: Any
    context: tuple[str, ...] = BASE
    also: tuple[tuple[str, Any], ...] = ()  # keys that must change together (e.g. mix shares)
    label: str = ""


def _variant_nodes(tmp: Path) -> str:
    """The packaged Mexico actors plus one more organisation (tied to nothing)."""
    path = tmp / "actors_plus_one.csv"
    text = (MEXICO_DATA / "actors.csv").read_text(encoding="utf-8")
    path.write_text(text.rstrip("\n") + "\nextra_org,organization,Extra,,false,0.9,0.3,test\n")
    return str(path)


def _variant_edges(tmp: Path) -> str:
    """The packaged Mexico ties without their first tie."""
    path = tmp / "ties_minus_one.csv"
    lines = (MEXICO_DATA / "ties.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text(lines[0] + "".join(lines[2:]))
    return str(path)


def _budgets_without(name: str) -> Change:
    rest = [b for b in ("federal_program", "state_transfers", "coalition_grants") if b != name]
    return Change(rest, label=f"without-{name}")


# Explicit changes; every other number is halved (0 -> 0.5), every date moved 6 months later.
CASES: dict[str, list[Change]] = {
    "seed": [Change(7)],
    "scenario.name": [Change("elsewhere")],
    "scenario.end": [Change("2022-06")],
    "scenario.strategy_launch": [Change("2019-03")],  # after the turnover: no cut opens
    "scenario.reference_date": [Change("2019-06", NO_TURNOVER)],
    "scenario.administrations[0].name": [Change("First")],
    "scenario.administrations[1].name": [Change("Second")],
    "scenario.administrations[2].name": [Change("Third", LONG)],
    "scenario.administrations[0].agenda_priority": [Change(0.4)],
    "scenario.administrations[1].agenda_priority": [Change(0.5)],
    "scenario.administrations[2].agenda_priority": [Change(0.6, LONG)],
    # the Mexico network has one coalition node: swap two specs on a synthetic network instead
    "scenario.coalitions[0].node": [
        Change(
            "coalition_02",
            TWO_COALITIONS,
            also=(("scenario.coalitions[1].node", "coalition_01"),),
            label="swapped",
        )
    ],
    "scenario.coalitions[0].founded": [Change("2019-06")],
    "scenario.international_opportunities[0].name": [Change("Renamed", JOIN_ALL)],
    "scenario.international_opportunities[1].name": [Change("Renamed", JOIN_ALL)],
    "scenario.international_opportunities[2].name": [Change("Renamed", JOIN_ALL)],
    "scenario.international_opportunities[0].date": [Change("2019-08")],
    "scenario.international_opportunities[1].date": [Change("2019-09")],
    "scenario.international_opportunities[2].date": [Change("2020-09")],
    "network.kind": [Change("synthetic")],
    "network.data": [Change("colombia", ARGENTINA, also=(("network.hubs", ["mintic"]),))],
    "network.hubs": [Change(["cminds"])],
    "scenario.present": [Change("2024-10", LONG)],
    "network.organizations_pool": [Change(40)],
    "network.companies": [Change(10)],
    "network.n_agents": [Change(200, SYNTHETIC)],
    "network.mean_degree": [Change(3.0, SYNTHETIC)],
    "network.n_states": [Change(16, SYNTHETIC)],
    "network.n_coalitions": [Change(2, SYNTHETIC)],
    "network.mix.company": [
        Change(0.5, SYNTHETIC, also=(("network.mix.organization", 0.48),)),
    ],
    "network.mix.organization": [
        Change(0.48, SYNTHETIC, also=(("network.mix.international", 0.22),)),
    ],
    "network.mix.international": [
        Change(0.1, SYNTHETIC, also=(("network.mix.organization", 0.6),)),
    ],
    "network.nodes": [Change(_variant_nodes, FILE)],
    "params.posterior": [Change(_posterior)],
    "network.edges": [Change(_variant_edges, FILE)],
    "shocks.turnover.mode": [Change("none")],
    "shocks.turnover.dates": [
        Change(["2019-06"], label="first"),
        Change(["2018-12", "2026-01"], LONG, label="second"),
    ],
    "shocks.turnover.first": [Change("2019-06", TERM)],
    "shocks.turnover.term_months": [Change(12, TERM)],
    "shocks.turnover.hazard": [Change(0.1, STOCHASTIC)],
    "shocks.funding_cut.start": [Change("2019-06")],
    "shocks.funding_cut.duration_months": [Change(12)],
    "shocks.funding_cut.budgets": [
        _budgets_without("federal_program"),
        _budgets_without("state_transfers"),
        _budgets_without("coalition_grants"),
    ],
    "shocks.abolition.dpa": [Change("2019-06")],
    "scenario.law_enacted": [Change("2018-06")],
    "scenario.coalitions[0].coordinators[0].node": [Change("smia")],
    "scenario.coalitions[0].coordinators[1].node": [Change("cminds")],
    "params.dpa.guidance_rate": [Change(0.5)],
    # tactics start at the launch by default (a relative date): start them later
    **{
        f"tactics.{name}.start": [Change("2020-01", _tactic_context(name))] for name in TACTIC_NAMES
    },
    "shocks.abolition.ai_offices": [Change("2019-06", OFFICES)],
    "shocks.elections.senate": [
        Change(["2019-07"], label="first"),
        Change(["2018-07", "2025-06"], LONG, label="second"),
    ],
    "shocks.elections.state_cycle_months": [Change(24)],
    # an election inside the short horizon (2017-01..2021-12) for every state of the calendar
    **{
        f"shocks.elections.state_calendar.{state}": [Change("2019-06")]
        for state in compose([])["shocks"]["elections"]["state_calendar"]
    },
    "params.commitment.susceptibility.international": [Change(0.5)],
    "params.federal.state_transfer_share": [Change(0.3)],
    # v2: anchors, relaunches, responses
    "scenario.anchors[0].kind": [Change("plan", ("counterfactual=decree_at_launch", *BASE))],
    "scenario.anchors[0].name": [Change("Renamed", ("counterfactual=decree_at_launch", *BASE))],
    "scenario.anchors[0].date": [Change("2020-01", ("counterfactual=decree_at_launch", *BASE))],
    "scenario.start": [Change("2012-01")],  # the outcome does not move; the table grows
    "scenario.administrations[2].orientation": [Change(1.0, LONG)],
    "scenario.salience[0].date": [Change("2019-06")],
    "scenario.salience[1].date": [Change("2019-06")],
    "scenario.salience[1].value": [Change(0.1, LONG)],
    "scenario.anchors": [Change([{"kind": "decree", "name": "D", "date": "launch"}])],
    # the focal point lost with official backing matters where no coalition offers another one
    "params.response.signal": [Change(0.25, (*BASE, "scenario.coalitions_active=false"))],
    "tactics.law.passage_boost": [Change(300.0, _tactic_context("law"))],
    "tactics.subnational_hubs.imitation_boost": [Change(50.0, _tactic_context("subnational_hubs"))],
    **{
        f"params.anchors.{kind}.{field}": [Change(value, _anchored(kind))]
        for kind in ("ministerial_order", "decree", "plan", "agency")
        for field, value in (
            ("review_survival", 0.0),
            ("budget_floor", 0.9),
            ("floor_reliability", 0.0),
            ("priority_floor", 0.9),
            ("embedded_share", 1.0),
            ("branding_relief", 1.0),
        )
    },
    "params.law.review_survival": [Change(0.0, LAW)],
    "params.law.floor_reliability": [Change(0.0, LAW)],
    "params.law.branding_relief": [Change(0.0, LAW)],
    "params.turnover.relaunch_delay_months": [Change(12, RELAUNCH)],
    "params.turnover.relaunch_threshold": [Change(0.9, RELAUNCH)],
    "params.turnover.relaunch_priority": [Change(0.9, RELAUNCH)],
    # outreach is capped at full capacity (pooled >= cost): a larger cost makes it bind
    "params.coalition.outreach_cost": [Change(50.0)],
    "params.coalition.leave_rate": [Change(0.1)],
    "params.states.initiative_rate": [Change(0.0)],
    "params.states.imitation_rate": [Change(0.5, OFFICES)],
    "params.states.office_budget": [Change(2.0, OFFICES)],
    "params.states.close_at_election": [Change(1.0, OFFICES)],
    "params.senate.passage_rate": [Change(0.5)],
    "params.dpa.network_boost": [Change(5.0)],
    "params.international.join_base": [Change(0.0)],
    "params.law.priority_floor": [Change(0.6, LAW)],
    "params.law.budget_floor": [Change(0.9, LAW)],
    "params.law.embedded_share": [Change(1.0, LAW)],
    "params.clarity.law": [Change(0.1, LAW)],
    # survived = final momentum >= threshold x momentum before T0; in BASE momentum ends below
    # its level before the turnover, so the strictest threshold flips it
    "output.survival_threshold": [Change(1.0)],
    "output.continuity_horizon_months": [Change(12)],
}


# --------------------------------------------------------------------------- helpers
def leaves(node: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """Dotted leaf keys of a composed config; lists of mappings are indexed ``key[i]``."""
    if isinstance(node, dict):
        out = []
        for k, v in node.items():
            out += leaves(v, f"{prefix}.{k}" if prefix else str(k))
        return out
    if isinstance(node, list) and node and all(isinstance(x, dict) for x in node):
        out = []
        for i, v in enumerate(node):
            out += leaves(v, f"{prefix}[{i}]")
        return out
    return [(prefix, node)]


_TOKEN = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _path(key: str) -> list[str | int]:
    return [name if name else int(index) for name, index in _TOKEN.findall(key)]


def get_key(data: dict, key: str) -> Any:
    node: Any = data
    for part in _path(key):
        node = node[part]
    return node


def set_key(data: dict, key: str, value: Any) -> None:
    *parents, last = _path(key)
    node: Any = data
    for part in parents:
        node = node[part]
    node[last] = value


def _shift_month(value: str, months: int) -> str:
    year, month = map(int, value.split("-"))
    total = year * 12 + month - 1 + months
    return f"{total // 12:04d}-{total % 12 + 1:02d}"


def default_change(key: str, old: Any) -> Change:
    """Halve a number (0 becomes 0.5), toggle a boolean, move a date 6 months later, ...

    A tactic's key is changed with that tactic selected (its own baseline).
    """
    change = _default_change(key, old)
    if key.startswith("tactics."):
        change = dataclasses.replace(change, context=_tactic_context(key.split(".")[1]))
    return change


def _default_change(key: str, old: Any) -> Change:
    if isinstance(old, bool):
        return Change(not old)
    if isinstance(old, int):
        return Change(max(1, old // 2))
    if isinstance(old, float):
        return Change(old * 0.5 if old else 0.5)
    if isinstance(old, str) and re.fullmatch(r"\d{4}-\d{2}", old):
        return Change(_shift_month(old, 6))
    if key.startswith("params.momentum.pillar_weights."):  # shift every weight one pillar on
        return Change(old[1:] + old[:1], label="rotated")
    raise AssertionError(f"no case for {key} = {old!r}: add one to CASES")


def _all_leaves() -> dict[str, Any]:
    out: dict[str, Any] = {}
    for overrides in (
        [],
        ["network=synthetic"],
        ["network=file"],
        [f"tactics=[{ALL_TACTICS}]"],
        ["counterfactual=decree_at_launch"],
    ):
        for key, value in leaves(compose(overrides)):
            out.setdefault(key, value)
    return out


ALL_LEAVES = _all_leaves()


def _cases() -> list:
    params = []
    for key, old in ALL_LEAVES.items():
        if key in SKIPPED:
            continue
        try:
            changes = CASES.get(key) or [default_change(key, old)]
        except AssertionError:
            changes = [Change(None, label="NO-CASE")]
        for change in changes:
            test_id = f"{key}-{change.label}" if change.label else key
            params.append(pytest.param(key, change, id=test_id))
    return params


@functools.cache
def _composed(context: tuple[str, ...]) -> dict:
    return compose(list(context))


def _outcome(data: dict) -> tuple[pd.DataFrame, dict]:
    result = run(validate(data), keep_model=False)
    return result.timeseries, result.summary


@functools.cache
def _baseline(context: tuple[str, ...]) -> tuple[pd.DataFrame, dict]:
    return _outcome(copy.deepcopy(_composed(context)))


# --------------------------------------------------------------------------- tests
def test_every_key_has_a_case():
    """A new key in conf/ needs a case here (or a reason to skip it)."""
    missing = []
    for key, old in ALL_LEAVES.items():
        if key in SKIPPED or key in CASES:
            continue
        try:
            default_change(key, old)
        except AssertionError:
            missing.append(key)
    assert not missing, f"keys without a change in CASES: {missing}"
    assert len(ALL_LEAVES) > 90  # sanity: the walk found the whole config


def _schema_keys(cls: type, prefix: str = "") -> list[str]:
    """Dotted keys of the dataclass schema; list-of-dataclass items as ``key[]``."""
    hints = typing.get_type_hints(cls)
    out = []
    for f in dataclasses.fields(cls):
        key = f"{prefix}.{f.name}" if prefix else f.name
        tp = hints[f.name]
        item = typing.get_args(tp)[0] if typing.get_origin(tp) is list else None
        if dataclasses.is_dataclass(tp):
            out += _schema_keys(tp, key)
        elif item is not None and dataclasses.is_dataclass(item):
            out += _schema_keys(item, f"{key}[]")
        else:
            out.append(key)
    return out


def test_every_schema_field_is_in_some_yaml():
    """The walk above only sees keys written in conf/: a schema field missing there is untested."""
    walked = set()
    for key in ALL_LEAVES:
        key = re.sub(r"\[\d+\]", "[]", key)
        for mapping in ("network.mix", "shocks.elections.state_calendar", *BY_TYPE):
            if key.startswith(mapping + "."):
                key = mapping
        walked.add(key)
    missing = sorted(set(_schema_keys(Config)) - walked)
    assert not missing, f"schema fields in no conf/ YAML (so not enumerated): {missing}"


def test_every_case_names_a_key_of_the_config():
    """A case for a key that no longer exists would silently test nothing."""
    stale = sorted(set(CASES) - set(ALL_LEAVES)) + sorted(set(SKIPPED) - set(ALL_LEAVES))
    assert not stale, f"CASES/SKIPPED name keys that are not in the composed config: {stale}"


@pytest.mark.parametrize(("key", "change"), _cases())
def test_key_changes_outcome(key: str, change: Change, tmp_path: Path):
    assert change.label != "NO-CASE", f"no case for {key}: add one to CASES"
    data = copy.deepcopy(_composed(change.context))
    old = get_key(data, key)
    value = change.value(tmp_path) if callable(change.value) else change.value
    assert value != old, f"{key}: the change {value!r} equals the baseline value"
    set_key(data, key, value)
    for other, other_value in change.also:
        set_key(data, other, other_value)

    base_ts, base_summary = _baseline(change.context)
    ts, summary = _outcome(data)

    same_ts = ts.shape == base_ts.shape and ts.equals(base_ts)
    assert not (same_ts and summary == base_summary), (
        f"{key}: changing {old!r} -> {value!r} (context {list(change.context)}) changed neither "
        "the time series nor the summary: the key does not reach the model"
    )
