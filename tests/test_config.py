"""Config validation without subprocesses: every problem is a ConfigError naming the dotted key."""

from __future__ import annotations

import copy
import dataclasses
import functools

import pytest

import sim
from sim.api import compose, load_config
from sim.config import Config, Params, validate
from sim.errors import ConfigError, InputError


@functools.cache
def _default() -> dict:
    return compose([])


def default_dict() -> dict:
    """The composed default config as a plain dict (a fresh copy)."""
    return copy.deepcopy(_default())


def problems_of(overrides: list[str]) -> list[str]:
    """The problems ``load_config(overrides)`` reports (it must raise ConfigError)."""
    with pytest.raises(ConfigError) as info:
        load_config(overrides)
    problems = info.value.problems
    assert problems, "a ConfigError without problems"
    for p in problems:
        assert isinstance(p, str) and p.strip() and "\n" not in p, f"not one plain line: {p!r}"
    return problems


def validate_problems(data: dict) -> list[str]:
    with pytest.raises(ConfigError) as info:
        validate(data)
    return info.value.problems


def assert_names(problems: list[str], key: str, *words: str) -> str:
    """Exactly one problem starts with ``key``; it contains every word of ``words``."""
    hits = [p for p in problems if p.startswith(f"{key}:") or p.startswith(f"{key} ")]
    assert len(hits) == 1, f"expected one problem naming {key!r}, got {problems}"
    for word in words:
        assert word.lower() in hits[0].lower(), f"{word!r} not in {hits[0]!r}"
    return hits[0]


# --------------------------------------------------------------------------- valid configs
def test_default_config_is_valid():
    cfg = load_config([])
    assert isinstance(cfg, Config)
    assert cfg.seed == 42
    assert cfg.scenario.name == "mexico"
    assert cfg.network.kind == "case" and cfg.network.data == "mexico"
    assert cfg.case.name == "mexico"
    assert cfg.shocks.turnover.dates == ["2018-12", "2024-10"]
    assert len(cfg.scenario.administrations) == 3


def test_config_error_is_an_input_error():
    assert issubclass(ConfigError, InputError)
    assert sim.ConfigError is ConfigError


@pytest.mark.parametrize(
    "overrides",
    [
        ["shocks.funding_cut.duration_months=null"],
        ["shocks.abolition.dpa=null"],
        ["shocks.abolition.dpa=2025-03"],
        ["shocks.funding_cut.start=2019-06", "shocks.funding_cut.duration_months=12"],
        ["shocks.funding_cut.size=0", "params.momentum.decay=1"],
        ["network=synthetic", "network.n_agents=36"],
        ["shocks.turnover.mode=term", "shocks.turnover.first=2019-01"],
        ["shocks=none"],
        ["seed=2.0"],  # a whole number written as a float
    ],
    ids=lambda o: " ".join(o),
)
def test_valid_overrides_are_accepted(overrides):
    load_config(overrides)


def test_seed_argument_overrides_config():
    assert load_config(["seed=3"], seed=11).seed == 11


# --------------------------------------------------------------------------- unknown keys
@pytest.mark.parametrize(
    ("overrides", "key", "allowed"),
    [
        (["+typo=1"], "typo", "seed"),
        (["typo=1"], "typo", "seed"),
        (["+params.momentum.typo=1"], "params.momentum.typo", "decay"),
        (["params.momentum.typo=1"], "params.momentum.typo", "decay"),
        (["+shocks.funding_cut.sise=0.5"], "shocks.funding_cut.sise", "size"),
    ],
    ids=lambda v: v if isinstance(v, str) else " ".join(v),
)
def test_unknown_key(overrides, key, allowed):
    problem = assert_names(problems_of(overrides), key, "unknown")
    assert allowed in problem, f"the allowed keys are not listed: {problem!r}"


def test_unknown_key_in_dict_top_level_and_nested():
    data = default_dict()
    data["typo"] = 1
    data["params"]["federal"]["budgt"] = 3.0
    data["scenario"]["administrations"][1]["nme"] = "x"
    problems = validate_problems(data)
    assert_names(problems, "typo", "unknown", "seed")
    assert_names(problems, "params.federal.budgt", "unknown", "base_budget")
    assert_names(problems, "scenario.administrations[1].nme", "unknown", "agenda_priority")


def test_unknown_mapping_keys_of_actor_types():
    assert_names(
        problems_of(["+params.commitment.susceptibility.alien=0.1"]),
        "params.commitment.susceptibility.alien",
        "actor type",
        "allowed",
        "organization",
    )
    assert_names(
        problems_of(["+params.momentum.pillar_weights.alien=[1,0,0,0,0]"]),
        "params.momentum.pillar_weights.alien",
        "actor type",
        "allowed",
        "organization",
    )


def test_unknown_group_option_lists_available_options():
    problem = assert_names(problems_of(["network=nope"]), "network", "nope")
    for option in ("mexico", "synthetic", "file"):
        assert option in problem
    assert "provider=" not in problem and "search path" not in problem.lower()


def test_override_syntax_error_is_a_config_error():
    problems_of(["seed=[1"])


# --------------------------------------------------------------------------- wrong types
@pytest.mark.parametrize(
    ("override", "key", "words"),
    [
        ("params.momentum.decay=abc", "params.momentum.decay", ["abc", "number"]),
        ("shocks.funding_cut.size=lots", "shocks.funding_cut.size", ["lots", "number"]),
        ("seed=abc", "seed", ["abc", "whole number"]),
        ("seed=1.5", "seed", ["1.5", "whole number"]),
        ("network.companies=2.5", "network.companies", ["2.5", "whole number"]),
        ("shocks.elections.state_cycle_months=6.5", "shocks.elections.state_cycle_months", []),
        ("params.momentum.decay=true", "params.momentum.decay", ["true", "number"]),
        ("seed=true", "seed", ["true", "whole number"]),
        ("output.figure=maybe", "output.figure", ["maybe", "true or false"]),
        ("output.figure=1", "output.figure", ["true or false"]),
        ("scenario.name=[a,b]", "scenario.name", ["string"]),
        ("shocks.turnover.dates=2018-12", "shocks.turnover.dates", ["2018-12", "list"]),
        ("params.federal=3", "params.federal", ["mapping"]),
        ("shocks.turnover.mode=sometimes", "shocks.turnover.mode", ["sometimes", "stochastic"]),
        ("params.federal.base_budget=inf", "params.federal.base_budget", ["inf", "finite"]),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_wrong_type(override, key, words):
    assert_names(problems_of([override]), key, *words)


# --------------------------------------------------------------------------- out of range
@pytest.mark.parametrize(
    ("override", "key", "words"),
    [
        ("shocks.funding_cut.size=1.5", "shocks.funding_cut.size", ["1.5", "[0, 1]"]),
        ("params.momentum.decay=-0.1", "params.momentum.decay", ["-0.1", "[0, 1]"]),
        ("params.federal.base_budget=-5", "params.federal.base_budget", ["-5", "range"]),
        ("seed=-1", "seed", ["-1", "range"]),
        ("output.continuity_horizon_months=0", "output.continuity_horizon_months", ["0", "[1,"]),
        ("shocks.turnover.term_months=0", "shocks.turnover.term_months", ["0", "[1,"]),
        ("shocks.turnover.hazard=2", "shocks.turnover.hazard", ["2", "[0, 1]"]),
        ("shocks.funding_cut.duration_months=0", "shocks.funding_cut.duration_months", ["0"]),
        (
            "params.commitment.susceptibility.state=1.2",
            "params.commitment.susceptibility.state",
            ["1.2", "[0, 1]"],
        ),
        ("params.turnover.inheritance=2", "params.turnover.inheritance", ["2", "range"]),
        (
            "params.momentum.pillar_weights.state=[0.5,-0.1,0.2,0.2,0.2]",
            "params.momentum.pillar_weights.state",
            ["-0.1"],
        ),
        (
            "scenario.administrations=[{name:a,agenda_priority:2}]",
            "scenario.administrations[0].agenda_priority",
            ["2", "[0, 1]"],
        ),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_out_of_range(override, key, words):
    problems = problems_of([override])
    hits = [p for p in problems if p.startswith(key)]
    assert hits, f"no problem names {key!r}: {problems}"
    for word in words:
        assert word in hits[0], f"{word!r} not in {hits[0]!r}"


# --------------------------------------------------------------------------- null
@pytest.mark.parametrize(
    "key",
    [
        "params.momentum.decay",
        "scenario.name",
        "scenario.end",
        "seed",
        "shocks.turnover.dates",
        "shocks.funding_cut.start",
        "params.commitment.susceptibility",
        "output.figure",
    ],
)
def test_null_not_allowed(key):
    assert_names(problems_of([f"{key}=null"]), key, "null")


# --------------------------------------------------------------------------- dates
@pytest.mark.parametrize(
    ("override", "key", "value"),
    [
        ("scenario.end=2018-13", "scenario.end", "2018-13"),
        ("scenario.start=2018/01", "scenario.start", "2018/01"),
        ("scenario.strategy_launch=March", "scenario.strategy_launch", "March"),
        ("shocks.funding_cut.start=2018-13", "shocks.funding_cut.start", "2018-13"),
        ("shocks.turnover.dates=[2018-12,2024-1x]", "shocks.turnover.dates[1]", "2024-1x"),
        ("shocks.abolition.dpa=yesterday", "shocks.abolition.dpa", "yesterday"),
        ("shocks.elections.senate=[2018-00]", "shocks.elections.senate[0]", "2018-00"),
        ("shocks.turnover.first=18-12", "shocks.turnover.first", "18-12"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_malformed_date(override, key, value):
    assert_names(problems_of([override]), key, value, "YYYY-MM")


@pytest.mark.parametrize(
    ("overrides", "key"),
    [
        (["shocks.turnover.dates=[2016-01]"], "shocks.turnover.dates[0]"),
        (["shocks.abolition.ai_offices=2031-01"], "shocks.abolition.ai_offices"),
        (["shocks.funding_cut.start=2016-06"], "shocks.funding_cut.start"),
        (["scenario.reference_date=2035-01"], "scenario.reference_date"),
        (
            ["shocks.turnover.mode=term", "shocks.turnover.first=2040-01"],
            "shocks.turnover.first",
        ),
        (["scenario.end=2021-12"], "shocks.turnover.dates[1]"),
    ],
    ids=lambda v: v if isinstance(v, str) else " ".join(v),
)
def test_date_outside_horizon(overrides, key):
    assert_names(problems_of(overrides), key, "outside", "2017-01")


def test_end_before_start():
    assert_names(problems_of(["scenario.end=2016-12"]), "scenario.end", "2016-12", "before")


def test_turnover_dates_out_of_order():
    problem = assert_names(
        problems_of(["shocks.turnover.dates=[2024-10,2018-12]"]), "shocks.turnover.dates"
    )
    assert "2024-10" in problem and "increasing" in problem


def test_cut_that_would_end_after_the_horizon():
    problem = assert_names(
        problems_of(["shocks.funding_cut.start=2030-01", "shocks.funding_cut.duration_months=24"]),
        "shocks.funding_cut.duration_months",
        "2030-12",
    )
    assert "2031-12" in problem


def test_unknown_budget():
    assert_names(
        problems_of(["shocks.funding_cut.budgets=[federal_program,nope]"]),
        "shocks.funding_cut.budgets[1]",
        "nope",
        "state_transfers",
    )


# --------------------------------------------------------------------------- networks
def test_synthetic_mix_must_sum_to_one():
    assert_names(
        problems_of(["network=synthetic", "network.mix.company=0.5"]), "network.mix", "1.2", "1"
    )


def test_synthetic_mix_unknown_key():
    assert_names(
        problems_of(["network=synthetic", "+network.mix.state=0.0"]),
        "network.mix.state",
        "organization",
    )


def test_synthetic_n_agents_too_small():
    assert_names(
        problems_of(["network=synthetic", "network.n_agents=10"]), "network.n_agents", "10", "36"
    )


def test_synthetic_mean_degree_above_n_agents_is_rejected_before_the_run():
    # synthetic_network() only allows 0 <= mean_degree <= n_agents - 1; load_config must say so.
    assert_names(
        problems_of(["network=synthetic", "network.n_agents=50", "network.mean_degree=100"]),
        "network.mean_degree",
        "100",
    )


def test_mexico_network_too_few_companies_is_rejected_before_the_run():
    # mexico_network() needs at least one company per sector (10); load_config must say so.
    assert_names(problems_of(["network.companies=5"]), "network.companies", "5", "10")


def test_coalition_node_missing_from_mexico_network_is_rejected_before_the_run():
    problems = problems_of(["scenario.coalitions=[{node:nope}]"])
    assert any(p.startswith("scenario.coalitions") and "nope" in p for p in problems), problems


def test_file_network_needs_a_node_file():
    assert_names(problems_of(["network=file"]), "network.nodes", "required")


def test_file_network_missing_file():
    with pytest.raises(sim.NetworkFileError) as info:
        load_config(["network=file", "network.nodes=/nonexistent/nodes.csv"])
    assert any("/nonexistent/nodes.csv" in p and "not found" in p for p in info.value.problems)


# --------------------------------------------------------------------------- params rules
def test_pillar_weights_wrong_length():
    assert_names(
        problems_of(["params.momentum.pillar_weights.state=[0.5,0.5]"]),
        "params.momentum.pillar_weights.state",
        "5 weights",
        "governance",
    )


def test_pillar_weights_zero_sum():
    assert_names(
        problems_of(["params.momentum.pillar_weights.dpa=[0,0,0,0,0]"]),
        "params.momentum.pillar_weights.dpa",
        "positive",
    )


def test_missing_actor_type_in_a_by_type_mapping():
    data = default_dict()
    del data["params"]["momentum"]["pillar_weights"]["senate"]
    del data["params"]["commitment"]["susceptibility"]["dpa"]
    problems = validate_problems(data)
    assert_names(problems, "params.momentum.pillar_weights", "senate")
    assert_names(problems, "params.commitment.susceptibility", "dpa")


def test_federal_shares_must_not_exceed_one():
    assert_names(
        problems_of(
            ["params.federal.state_transfer_share=0.6", "params.federal.coalition_grant_share=0.5"]
        ),
        "params.federal",
        "state_transfer_share",
        "coalition_grant_share",
        "1.1",
    )


def test_empty_administrations():
    assert_names(problems_of(["scenario.administrations=[]"]), "scenario.administrations")


def test_not_a_mapping():
    assert validate_problems(["not", "a", "config"])  # type: ignore[arg-type]


# --------------------------------------------------------------------------- all at once
def test_all_field_problems_are_collected_in_one_error():
    problems = problems_of(
        [
            "seed=abc",
            "shocks.funding_cut.size=1.5",
            "params.momentum.decay=-0.1",
            "+params.federal.budgt=3",
            "scenario.end=2018-13",
            "output.figure=null",
            "shocks.funding_cut.budgets=[nope]",
        ]
    )
    for key in (
        "seed",
        "shocks.funding_cut.size",
        "params.momentum.decay",
        "params.federal.budgt",
        "scenario.end",
        "output.figure",
        "shocks.funding_cut.budgets[0]",
    ):
        assert_names(problems, key)
    assert len(problems) == 7


def test_all_cross_field_problems_are_collected_in_one_error():
    problems = problems_of(
        [
            "shocks.turnover.dates=[2024-10,2016-01]",
            "shocks.abolition.dpa=2035-01",
            "params.federal.state_transfer_share=0.9",
            "params.federal.coalition_grant_share=0.9",
            "params.momentum.pillar_weights.state=[1,1]",
            "scenario.administrations=[]",
        ]
    )
    assert_names(problems, "shocks.turnover.dates[1]", "outside")
    assert_names(problems, "shocks.turnover.dates", "increasing")
    assert_names(problems, "shocks.abolition.dpa", "outside")
    assert_names(problems, "params.federal", "at most 1")
    assert_names(problems, "params.momentum.pillar_weights.state", "5 weights")
    assert_names(problems, "scenario.administrations", "at least one")


def test_several_unknown_keys_are_all_reported():
    # Without "+", Hydra stops composing at the first unknown key: the others go unreported.
    problems = problems_of(["typo=1", "other=2"])
    assert_names(problems, "typo", "unknown")
    assert_names(problems, "other", "unknown")


def test_unknown_key_is_reported_with_value_problems():
    problems = problems_of(["typo=1", "seed=abc"])
    assert_names(problems, "typo", "unknown")
    assert_names(problems, "seed", "abc")


def test_malformed_cut_start_is_reported_with_other_problems():
    # shocks.funding_cut.start is only parsed in the cross-field check(), which validate()
    # skips as soon as any field has a problem: the malformed date goes unreported.
    problems = problems_of(["seed=abc", "shocks.funding_cut.start=2018-13"])
    assert_names(problems, "seed", "abc")
    assert_names(problems, "shocks.funding_cut.start", "2018-13")


def test_cross_field_problems_are_reported_with_field_problems():
    # One run of the CLI should list every problem, not a type error now and the
    # horizon error on the next attempt.
    problems = problems_of(["seed=abc", "shocks.turnover.dates=[2016-01]"])
    assert_names(problems, "seed", "abc")
    assert_names(problems, "shocks.turnover.dates[0]", "2016-01", "outside")


# --------------------------------------------------------------------------- YAML == code
def test_params_yaml_equals_dataclass_defaults():
    composed = compose([])["params"]
    defaults = dataclasses.asdict(Params())
    assert composed == defaults


def test_params_yaml_has_the_types_of_the_dataclass():
    # 1 == 1.0 in the comparison above; the YAML must not write an int where a float is meant
    # (validation accepts it, but the YAML is the documentation of each value).
    def walk(a, b, key):
        if isinstance(b, dict):
            for k in b:
                walk(a[k], b[k], f"{key}.{k}")
        elif isinstance(b, list):
            for i, (x, y) in enumerate(zip(a, b, strict=True)):
                walk(x, y, f"{key}[{i}]")
        else:
            assert type(a) is type(b), f"{key}: YAML {a!r} vs default {b!r}"

    walk(compose([])["params"], dataclasses.asdict(Params()), "params")


def test_validated_params_equal_dataclass_defaults():
    assert load_config([]).params == Params()
