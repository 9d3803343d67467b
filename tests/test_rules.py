"""One rule at a time, on the tiny hand-built network, checked against its formula by hand.

Stochastic rules are driven with probabilities 0 or 1 (some parameters are set beyond their
validated range on ``model.params`` to make a hazard certain), or the model's generator is
cloned so the expected draw is known.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest

from sim.agents import FederalAdministration
from sim.config import ACTOR_KEYS, PILLARS
from sim.dates import parse_month
from sim.schedule import Schedule
from sim.state import SOURCES

FED, OWN, PRIVATE, INTL = range(len(SOURCES))
START = parse_month("2017-01")
SHORT = [
    "scenario.end=2020-12",
    "shocks.turnover.dates=[2018-12]",
    "shocks.elections.senate=[2018-07]",
]
NO_RECRUITMENT = [
    "params.coalition.recruit_rate=0",
    "params.coalition.outreach_rate=0",
    "params.coalition.leave_rate=0",
]


def susceptibility(model) -> np.ndarray:
    sus = model.params.commitment.susceptibility
    return np.array([sus[t] for t in model.network.nodes["type"]])


def row_normalised(network) -> np.ndarray:
    a = network.adjacency.toarray()
    deg = a.sum(axis=1)
    w = np.divide(a, deg[:, None], out=np.zeros_like(a), where=deg[:, None] > 0)
    w[deg == 0, deg == 0] = 1.0  # an isolated actor keeps its own commitment
    return w


def n_fed(model) -> int:
    return sum(isinstance(a, FederalAdministration) for a in model.agents)


# ----------------------------------------------------------------------------- commitments
def test_update_commitments_is_friedkin_johnsen(make_model, tiny_network):
    net = tiny_network()
    model = make_model(net)
    st = model.state
    rng = np.random.default_rng(1)
    st.commitment[:] = rng.random(net.n)
    st.anchor[:] = rng.random(net.n)
    c, a, s = st.commitment.copy(), st.anchor.copy(), susceptibility(model)
    expected = s * (row_normalised(net) @ c) + (1 - s) * a
    model.update_commitments()
    np.testing.assert_allclose(st.commitment, expected, rtol=0, atol=1e-12)


def test_update_commitments_by_hand_for_one_actor(make_model, idx):
    model = make_model()
    st = model.state
    # org_b: ties ia2030mx (0.5, c=0.9) and oecd (0.2, c=0.7); s = 0.4; anchor = 0.5
    i = idx(model, "org_b")
    model.update_commitments()
    peers = (0.5 * 0.9 + 0.2 * 0.7) / 0.7
    assert st.commitment[i] == pytest.approx(0.4 * peers + 0.6 * 0.5, abs=1e-12)


def test_update_commitments_member_pull(make_model, tiny_network, idx):
    net = tiny_network()
    model = make_model(net, ["params.commitment.member_pull=0.5"])
    st = model.state
    members = [idx(model, "org_a"), idx(model, "company_a")]
    st.coalition[members] = 0
    coal = idx(model, "ia2030mx")
    c, a, s = st.commitment.copy(), st.anchor.copy(), susceptibility(model)
    expected = s * (row_normalised(net) @ c) + (1 - s) * a
    expected[members] += 0.5 * (c[coal] - expected[members])
    model.update_commitments()
    np.testing.assert_allclose(st.commitment, expected, rtol=0, atol=1e-12)


def test_isolated_actor_moves_only_towards_its_anchor(make_model, tiny_network, idx):
    net = tiny_network(extra_nodes=[("org_iso", "organization", 0.9, 0.1, "")])
    model = make_model(net)
    st = model.state
    i = idx(model, "org_iso")
    st.anchor[i] = 0.2
    st.commitment[:] = 1.0  # peers at 1 must not pull an isolated actor
    st.commitment[i] = 0.9
    gap = 0.7
    for _ in range(30):
        model.update_commitments()
        gap *= 0.4  # s(organization) = 0.4
        assert st.commitment[i] == pytest.approx(0.2 + gap, abs=1e-12)
    assert 0.2 <= st.commitment[i] < 0.2 + 1e-9


def test_fully_anchored_actors_keep_their_anchor(make_model, idx):
    model = make_model()
    st = model.state
    i = idx(model, "oecd")  # s(international) = 0
    st.commitment[:] = 0.0
    st.commitment[i] = 0.7
    for _ in range(5):
        model.update_commitments()
        assert st.commitment[i] == 0.7


# ----------------------------------------------------------------------------- momentum
def test_update_momentum_decay_and_pillar_weights(make_model, tiny_network):
    net = tiny_network()
    model = make_model(net, ["params.momentum.decay=0.1", "params.momentum.efficiency=2.0"])
    rng = np.random.default_rng(2)
    model.momentum = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    model.momentum_by_type = np.array([3.0, 2.0, 1.0, 4.0, 0.5, 2.5, 2.0, 0.0])
    effort = rng.random(net.n)
    effort[net.nodes["type"].to_numpy() == "international"] = 0.0  # as exert_effort leaves it
    model.state.effort = effort
    raw = model.params.momentum.pillar_weights
    expected = 0.9 * np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    by_type = 0.9 * np.array([3.0, 2.0, 1.0, 4.0, 0.5, 2.5, 2.0, 0.0])
    for e, kind in zip(model.state.effort, net.nodes["type"], strict=True):
        if e > 0:
            w = np.array(raw[kind], dtype=float)
            expected += 2.0 * e * w / w.sum()
        by_type[ACTOR_KEYS.index(kind)] += 2.0 * e
    model.update_momentum()
    np.testing.assert_allclose(model.momentum, expected, rtol=1e-12)
    np.testing.assert_allclose(model.momentum_by_type, by_type, rtol=1e-12)
    assert model.momentum.sum() == pytest.approx(model.momentum_by_type.sum(), rel=1e-12)


def test_momentum_without_effort_decays_geometrically(make_model):
    model = make_model(overrides=["params.momentum.decay=0.25"])
    model.momentum = np.full(len(PILLARS), 8.0)
    model.state.effort[:] = 0.0
    for k in range(1, 4):
        model.update_momentum()
        np.testing.assert_allclose(model.momentum, 8.0 * 0.75**k)


def test_contributions_add_up_to_momentum_in_a_run(make_model):
    model = make_model(overrides=SHORT)
    for _ in range(30):
        model.step()
        assert model.momentum_by_type[ACTOR_KEYS.index("international")] == 0.0
        assert model.momentum.sum() == pytest.approx(model.momentum_by_type.sum(), rel=1e-12)
    ts = model.recorder.frame()
    contributions = ts.filter(like="contribution_").sum(axis=1)
    np.testing.assert_allclose(contributions, ts["momentum"], rtol=1e-12)
    pillars = ts[[f"momentum_{p}" for p in PILLARS]].sum(axis=1)
    np.testing.assert_allclose(pillars, ts["momentum"], rtol=1e-12)


# ----------------------------------------------------------------------------- effort
def test_exert_effort_by_actor_type(make_model, tiny_network, idx):
    net = tiny_network()
    model = make_model(net)
    st = model.state
    rng = np.random.default_rng(3)
    st.funding[:] = rng.random(st.funding.shape)
    st.commitment[:] = rng.random(net.n)
    st.coalition[idx(model, "org_a")] = 0
    st.ai_office[idx(model, "state_a")] = True
    model.federal_knowhow = 0.4
    expected = st.commitment * st.funding.sum(axis=1)
    company = idx(model, "company_a")
    expected[idx(model, "org_b")] *= 0.1  # nonmember_engagement
    expected[company] *= 0.1  # companies' policy work, like organisations' (investment is context)
    expected[idx(model, "state_b")] *= 0.2  # no_office_engagement
    federal = idx(model, "federal")  # the administration acts through its budget
    expected[federal] = st.funding[federal].sum() * (0.5 + 0.5 * 0.4)
    expected[idx(model, "ia2030mx")] *= 1.5  # coordination_gain
    expected[idx(model, "oecd")] = 0.0
    model.exert_effort()
    np.testing.assert_allclose(st.effort, expected, rtol=1e-12)
    assert st.effort[idx(model, "oecd")] == 0.0
    assert st.effort[idx(model, "org_a")] == pytest.approx(
        st.commitment[idx(model, "org_a")] * st.funding[idx(model, "org_a")].sum()
    )


def test_exert_effort_parameters_scale(make_model, idx):
    model = make_model(
        overrides=[
            "params.coalition.nonmember_engagement=0.5",
            "params.states.no_office_engagement=0",
            "params.coalition.coordination_gain=3",
        ]
    )
    st = model.state
    st.funding[:] = 0.0
    st.funding[:, OWN] = 2.0
    st.commitment[:] = 0.5
    model.federal_knowhow = 1.0
    model.exert_effort()
    assert st.effort[idx(model, "org_b")] == pytest.approx(0.5)
    assert st.effort[idx(model, "state_a")] == 0.0
    assert st.effort[idx(model, "ia2030mx")] == pytest.approx(3.0)
    assert st.effort[idx(model, "federal")] == pytest.approx(2.0)  # its whole budget, full know-how
    assert st.effort[idx(model, "senate")] == pytest.approx(1.0)


# ----------------------------------------------------------------------------- funding
def test_allocate_funding_by_source(make_model, idx):
    model = make_model()
    st, adm = model.state, model.administration
    adm.commitment = 0.6
    adm.set_budget()
    st.ai_office[idx(model, "state_a")] = True
    model.allocate_funding()
    f = st.funding
    assert f[idx(model, "federal")].tolist() == [pytest.approx(5.1), 0.0, 0.0, 0.0]
    # transfers (0.6) split by commitment 0.2 : 0.4; the office adds 0.5 to own resources
    assert f[idx(model, "state_a"), FED] == pytest.approx(0.2)
    assert f[idx(model, "state_b"), FED] == pytest.approx(0.4)
    assert f[idx(model, "state_a"), OWN] == pytest.approx(1.0)
    assert f[idx(model, "state_b"), OWN] == pytest.approx(0.5)
    # the DPA's international grant: 0.2 x share of its ties that are international (0.5 / 0.8)
    assert f[idx(model, "inai"), INTL] == pytest.approx(0.2 * 0.625)
    assert f[idx(model, "ia2030mx")].sum() == 0.0
    assert f[idx(model, "org_a"), OWN] == pytest.approx(0.3)


def test_pool_funding(make_model, tiny_network, idx):
    net = tiny_network(extra_ties=[("ia2030mx", "oecd", 0.4)])
    model = make_model(net)
    st, adm = model.state, model.administration
    model.month = parse_month("2018-06")
    adm.commitment = 0.6
    adm.set_budget()
    members = [idx(model, "org_a"), idx(model, "company_a")]
    st.coalition[members] = 0
    st.funding[:] = 0.0
    st.funding[members, OWN] = [0.3, 0.2]
    st.funding[members, PRIVATE] = 1.0
    coalition = model.coalitions[0]
    coalition.pool_funding()
    row = st.funding[idx(model, "ia2030mx")]
    assert row[OWN] == pytest.approx(0.1 * (0.3 + 0.2))  # dues_share of members' own funding
    np.testing.assert_allclose(st.funding[members, OWN], [0.27, 0.18])  # moved, not copied
    np.testing.assert_allclose(st.funding[members, PRIVATE], 1.0)
    assert row[FED] == pytest.approx(0.3)  # coalition grants, one active coalition
    assert row[INTL] == pytest.approx(0.3 * 0.4)  # coalition_grant x international tie
    assert coalition.pooled == pytest.approx(row.sum())


@pytest.mark.parametrize("member", [True, False])
def test_invest_companies(make_model, idx, member):
    model = make_model()
    st = model.state
    i, coal = idx(model, "company_a"), idx(model, "ia2030mx")
    st.commitment[i] = 0.5
    st.coalition[i] = 0 if member else -1
    model.momentum = np.array([10.0, 20.0, 30.0, 40.0, 100.0])  # M = M_ref = 200
    model.law_in_force = True
    model.month = parse_month("2020-06")
    model.dpas[0].guidance_months = [model.month - 1, model.month - 30]  # one recent
    drive = 0.3 + 0.5 * 0.5 + 0.3 * (0.6 + 0.2)
    invest = 0.4 * 0.5 * drive
    model.invest_companies()
    given = 0.1 * invest if member else 0.0
    assert model.ecosystem_investment == pytest.approx(invest)  # context, not strategy funding
    assert st.funding[coal, PRIVATE] == pytest.approx(given)


# ----------------------------------------------------------------------------- federal
def test_set_budget_without_cut(make_model):
    model = make_model()
    adm = model.administration
    adm.commitment = 0.6
    adm.set_budget()
    assert adm.lines == pytest.approx(
        {"state_transfers": 0.6, "coalition_grants": 0.3, "federal_program": 5.1}
    )
    assert adm.budget == pytest.approx(6.0)


def test_set_budget_cuts_only_named_lines(make_model):
    model = make_model(
        overrides=[
            "shocks.funding_cut.start=2018-01",
            "shocks.funding_cut.size=0.5",
            "shocks.funding_cut.budgets=[state_transfers,coalition_grants]",
        ]
    )
    adm = model.administration
    adm.commitment = 0.6
    model.month = parse_month("2017-12")
    adm.set_budget()
    assert adm.budget == pytest.approx(6.0)
    model.month = parse_month("2018-06")
    adm.set_budget()
    assert adm.lines == pytest.approx(
        {"state_transfers": 0.3, "coalition_grants": 0.15, "federal_program": 5.1}
    )
    assert adm.budget == pytest.approx(5.55)


def test_set_budget_law_floor_after_total_cut(make_model):
    model = make_model(
        overrides=[
            "shocks.funding_cut.start=2018-01",
            "shocks.funding_cut.size=1",
            "params.law.budget_floor=0.4",
        ]
    )
    adm = model.administration
    adm.commitment = 0.0
    model.month = parse_month("2019-01")
    adm.set_budget()
    assert adm.budget == 0.0
    model.enact_law()  # a statute anchor: params.law floors
    adm.set_budget()
    assert adm.lines == pytest.approx(
        {"federal_program": 4.0, "state_transfers": 0.0, "coalition_grants": 0.0}
    )
    assert adm.budget == pytest.approx(4.0)


def test_set_budget_law_floor_scales_lines(make_model):
    model = make_model(
        overrides=[
            "shocks.funding_cut.start=2018-01",
            "shocks.funding_cut.size=0.5",
            "shocks.funding_cut.budgets=[federal_program]",
            "params.law.budget_floor=0.4",
        ]
    )
    adm = model.administration
    adm.commitment = 0.2
    model.month = parse_month("2019-01")
    model.enact_law()
    adm.set_budget()
    # budget = 10 x max(0.2, priority floor 0.3) = 3; program 2.55 cut by half; total 1.725
    total = 0.3 + 0.15 + 1.275
    scale = 4.0 / total
    assert adm.lines == pytest.approx(
        {
            "state_transfers": 0.3 * scale,
            "coalition_grants": 0.15 * scale,
            "federal_program": 1.275 * scale,
        }
    )
    assert adm.budget == pytest.approx(4.0)


def test_first_administration_starts_on_its_agenda(make_model, idx):
    model = make_model()
    seat = idx(model, "federal")
    assert model.seat == seat
    first = model.config.scenario.administrations[0]
    assert model.administration.name == first.name
    assert model.state.anchor[seat] == model.state.commitment[seat] == first.agenda_priority
    assert model.administration.inherited == 0.0


def test_set_anchor_inheritance_fades_and_commitments_add(make_model):
    model = make_model(overrides=["params.international.half_life_months=36"])
    adm = model.administration
    adm.agenda_priority, adm.inherited = 0.2, 0.4
    model.month = parse_month("2020-01")
    model.commitments_made = [("a", model.month), ("b", model.month - 36)]
    pull = 0.05 * (1.0 + 0.5)  # anchor_boost each, halved after one half-life
    for k in range(1, 4):
        adm.set_anchor()
        assert adm.inherited == pytest.approx(0.4 * 0.85**k)
        assert model.state.anchor[model.seat] == pytest.approx(0.2 + 0.4 * 0.85**k + pull)
    for _ in range(200):
        adm.set_anchor()
    assert model.state.anchor[model.seat] == pytest.approx(0.2 + pull)
    model.month += 72  # two more half-lives
    adm.set_anchor()
    assert model.state.anchor[model.seat] == pytest.approx(0.2 + pull / 4)


def test_set_anchor_law_floor_and_cap(make_model):
    model = make_model()
    adm = model.administration
    adm.agenda_priority, adm.inherited = 0.05, 0.0
    adm.set_anchor()
    assert model.state.anchor[model.seat] == pytest.approx(0.05)
    model.enact_law()
    adm.set_anchor()
    assert model.state.anchor[model.seat] == pytest.approx(0.3)
    adm.agenda_priority, adm.inherited = 0.9, 0.5
    adm.set_anchor()
    assert model.state.anchor[model.seat] == 1.0


def test_learn_know_how(make_model):
    model = make_model()
    adm = model.administration
    adm.commitment = 0.5
    adm.set_budget()  # programme = 5 x (1 - 0.15) = 4.25 of a base of 10
    model.federal_knowhow = 0.2
    adm.learn_know_how()
    assert model.federal_knowhow == pytest.approx(0.2 + 0.03 * 0.425 * 0.8)
    adm.lines["federal_program"] = 0.0  # a full cut: no learning
    adm.learn_know_how()
    assert model.federal_knowhow == pytest.approx(0.2 + 0.03 * 0.425 * 0.8)


@pytest.mark.parametrize("law", [False, True])
def test_turnover_replaces_the_administration(make_model, law):
    model = make_model()
    old = model.administration
    old.commitment = 0.7
    model.federal_knowhow = 0.5
    if law:
        model.enact_law()
        model.params.law.review_survival = 1.0  # the law survives the review
    model.month = parse_month("2018-12")
    model.turn_over()
    new = model.administration
    assert new is not old
    assert isinstance(new, FederalAdministration)
    assert old not in model.agents
    assert new in model.agents
    assert n_fed(model) == 1
    assert model.actors[model.seat] is new
    assert (new.index, new.node_id) == (old.index, old.node_id)
    spec = model.config.scenario.administrations[1]
    assert new.name == spec.name
    assert spec.agenda_priority is None  # the successor's priority follows from the rules
    assert new.endogenous
    assert new.agenda_priority == model.params.turnover.baseline_priority
    # opposite camps (orientations 1 and -1): the full branding penalty, less a law's relief
    relief = model.params.law.branding_relief if law else 0.0
    inherited = 0.3 * 0.7 * (1 - 0.6 * (1 - relief))
    assert new.inherited == pytest.approx(inherited)
    assert new.commitment == pytest.approx(min(1.0, new.own_agenda() + inherited))
    assert new.took_office == model.month
    # know-how kept: turnover.embedded_share (0.2), or law.embedded_share (0.5) with a law
    assert model.federal_knowhow == pytest.approx(0.5 * (0.5 if law else 0.2))
    assert model.turnovers == [model.month]


def test_turnover_beyond_the_scenario_list_draws_an_agenda(make_model):
    model = make_model()
    seen = [model.administration]
    for k in range(5):
        model.month = parse_month("2018-12") + 12 * k
        model.turn_over()
        assert model.administration not in seen
        assert all(a not in model.agents for a in seen)
        seen.append(model.administration)
        assert n_fed(model) == 1
    names = [a.name for a in seen]
    specs = model.config.scenario.administrations
    assert len(specs) == 3
    assert names[:3] == [a.name for a in specs]
    assert names[3:] == ["Administration 4", "Administration 5", "Administration 6"]
    assert all(0.0 <= a.agenda_priority <= 1.0 for a in seen)
    assert all(abs(a.orientation) == 1.0 for a in seen[3:])  # a camp: the predecessor's or not


def test_turnover_in_a_run(make_model, idx):
    model = make_model(overrides=SHORT)
    first = model.administration
    while model.month < parse_month("2018-12"):
        model.step()
        assert model.administration is first
    model.step()
    assert model.administration is not first
    assert first not in model.agents
    assert model.turnovers == [parse_month("2018-12")]
    assert n_fed(model) == 1


# ----------------------------------------------------------------------------- schedule
def test_cut_window_start_and_duration(mexico_config):
    cal = Schedule.from_config(
        mexico_config(
            [
                "shocks.funding_cut.start=2019-01",
                "shocks.funding_cut.duration_months=12",
                "shocks.funding_cut.size=0.7",
                "shocks.funding_cut.budgets=[federal_program,coalition_grants]",
            ]
        )
    )
    for date, size in [("2018-12", 0.0), ("2019-01", 0.7), ("2019-12", 0.7), ("2020-01", 0.0)]:
        assert cal.cut_fraction(parse_month(date), "federal_program") == size
        assert cal.cut_fraction(parse_month(date), "coalition_grants") == size
        assert cal.cut_fraction(parse_month(date), "state_transfers") == 0.0


def test_cut_without_duration_lasts_to_the_end(mexico_config):
    cal = Schedule.from_config(
        mexico_config(["shocks.funding_cut.start=2019-01", "shocks.funding_cut.size=0.8"])
    )
    assert cal.cut_fraction(parse_month("2018-12"), "federal_program") == 0.0
    assert cal.cut_fraction(parse_month("2030-12"), "federal_program") == 0.8


def test_cut_with_turnover_opens_at_first_turnover_after_launch(mexico_config):
    cal = Schedule.from_config(
        mexico_config(["shocks.funding_cut.start=with_turnover", "shocks.funding_cut.size=0.8"])
    )
    assert cal.cut_start is None
    assert cal.cut_fraction(parse_month("2019-06"), "federal_program") == 0.0
    cal.open_cut_at(parse_month("2017-06"))  # before the launch (2018-03)
    assert cal.cut_start is None
    cal.open_cut_at(parse_month("2018-12"))
    cal.open_cut_at(parse_month("2024-10"))  # a later turnover does not move it
    assert cal.cut_start == parse_month("2018-12")
    assert cal.cut_fraction(parse_month("2018-11"), "federal_program") == 0.0
    assert cal.cut_fraction(parse_month("2018-12"), "federal_program") == 0.8
    assert cal.cut_fraction(parse_month("2030-12"), "state_transfers") == 0.8


def test_cut_with_turnover_in_a_run(make_model):
    model = make_model(overrides=["shocks.turnover.dates=[2017-06,2018-12]"])
    while model.month <= parse_month("2019-01"):
        model.step()
    assert model.turnovers == [parse_month("2017-06"), parse_month("2018-12")]
    assert model.calendar.cut_start == parse_month("2018-12")


def test_cut_with_turnover_never_opens_without_turnover(make_model):
    model = make_model(overrides=["shocks.turnover.mode=none"])
    for _ in range(40):
        model.step()
    assert model.turnovers == []
    assert model.calendar.cut_start is None


def _turnover_months(cal, rng=None):
    rng = rng or np.random.default_rng(0)
    return [m for m in range(cal.start, cal.end + 1) if cal.is_turnover(m, rng)]


def test_turnover_modes(mexico_config):
    dates = Schedule.from_config(
        mexico_config(["shocks.turnover.mode=dates", "shocks.turnover.dates=[2018-12,2024-10]"])
    )
    assert _turnover_months(dates) == [parse_month("2018-12"), parse_month("2024-10")]
    term = Schedule.from_config(
        mexico_config(
            [
                "shocks.turnover.mode=term",
                "shocks.turnover.first=2018-12",
                "shocks.turnover.term_months=24",
            ]
        )
    )
    assert _turnover_months(term) == list(
        range(parse_month("2018-12"), parse_month("2030-12") + 1, 24)
    )
    none = Schedule.from_config(mexico_config(["shocks.turnover.mode=none"]))
    assert _turnover_months(none) == []


@pytest.mark.parametrize("hazard", [0.0, 1.0])
def test_stochastic_turnover_hazard_0_or_1(mexico_config, hazard):
    cal = Schedule.from_config(
        mexico_config(["shocks.turnover.mode=stochastic", f"shocks.turnover.hazard={hazard}"])
    )
    expected = list(range(cal.start + 1, cal.end + 1)) if hazard == 1.0 else []
    assert _turnover_months(cal) == expected


def test_stochastic_turnover_every_month_in_a_run(make_model):
    model = make_model(
        overrides=[*SHORT, "shocks.turnover.mode=stochastic", "shocks.turnover.hazard=1"]
    )
    admins = []
    while model.month <= model.calendar.end:
        model.step()
        admins.append(model.administration)
        assert n_fed(model) == 1
    assert model.turnovers == list(range(START + 1, model.calendar.end + 1))
    assert len({id(a) for a in admins}) == len(admins)
    ts = model.recorder.frame()
    assert ts["administration"].nunique() == len(ts)


# ----------------------------------------------------------------------------- coalitions
def test_coalition_founders_join_at_the_founding_month(make_model, idx):
    model = make_model(overrides=NO_RECRUITMENT)
    coalition = model.coalitions[0]
    founded = parse_month(model.config.scenario.coalitions[0].founded)
    assert model.config.scenario.coalitions[0].node == "ia2030mx"
    assert coalition.founded == founded > START
    while model.month < founded:
        assert not coalition.active
        model.step()
        assert (model.state.coalition == -1).all()
    assert coalition.active
    model.step()
    assert coalition.members.tolist() == [idx(model, "org_a")]
    for _ in range(6):
        model.step()
    assert coalition.members.tolist() == [idx(model, "org_a")]


def test_no_recruitment_at_zero_rates(make_model, idx):
    model = make_model(overrides=NO_RECRUITMENT)
    st = model.state
    model.month = parse_month("2019-01")
    st.commitment[:] = 1.0
    st.coalition[idx(model, "org_a")] = 0
    coalition = model.coalitions[0]
    coalition.pooled = 100.0
    for _ in range(50):
        coalition.recruit_members()
    assert coalition.members.tolist() == [idx(model, "org_a")]


def test_recruitment_of_exposed_neighbours(make_model, idx):
    model = make_model(overrides=NO_RECRUITMENT)
    model.params.coalition.recruit_rate = 1e9  # beyond the validated range: certain joining
    st = model.state
    model.month = parse_month("2019-01")
    st.commitment[:] = 1.0
    st.coalition[idx(model, "org_a")] = 0
    coalition = model.coalitions[0]
    for _ in range(3):
        coalition.recruit_members()
        # company_a is tied to the member org_a; org_b only to the coalition node and oecd
        assert sorted(coalition.members.tolist()) == [idx(model, "org_a"), idx(model, "company_a")]


def test_no_recruitment_at_zero_commitment(make_model, idx):
    model = make_model(overrides=NO_RECRUITMENT)
    model.params.coalition.recruit_rate = 1e9
    model.params.coalition.outreach_rate = 1e9
    st = model.state
    st.commitment[:] = 0.0
    st.coalition[idx(model, "org_a")] = 0
    coalition = model.coalitions[0]
    coalition.pooled = 100.0
    coalition.recruit_members()
    assert coalition.members.tolist() == [idx(model, "org_a")]


def test_outreach_recruits_without_exposure(make_model, idx):
    model = make_model(overrides=NO_RECRUITMENT)
    model.params.coalition.outreach_rate = 1e9
    st = model.state
    st.commitment[:] = 1.0
    coalition = model.coalitions[0]
    coalition.pooled = 0.0  # no outreach capacity yet
    coalition.recruit_members()
    assert coalition.size == 0
    coalition.pooled = 1.0
    coalition.recruit_members()
    expected = sorted(idx(model, n) for n in ("org_a", "org_b", "company_a"))
    assert sorted(coalition.members.tolist()) == expected  # only organisations and companies


def _applicants(n: int) -> tuple[np.ndarray, np.ndarray]:
    """n applicant indices and their eagerness, the most eager last (to test the order)."""
    return np.arange(n), np.linspace(0.9, 0.1, n)


def test_admit_limits_intake_and_carries_fractions(make_model):
    model = make_model()
    coalition = model.coalitions[0]
    model.mobilisation = 0.0
    admitted = [coalition.admit(*_applicants(50), intake=2.8).size for _ in range(5)]
    assert admitted == [2, 3, 3, 3, 3]  # 2.8 a month: 14 in five months
    assert sum(admitted) == 14


def test_admit_takes_the_most_eager_first_in_index_order(make_model):
    model = make_model()
    coalition = model.coalitions[0]
    model.mobilisation = 0.0
    applicants, eagerness = _applicants(10)
    assert coalition.admit(applicants, eagerness, intake=3.0).tolist() == [7, 8, 9]


def test_admit_everyone_when_there_is_room(make_model):
    model = make_model()
    coalition = model.coalitions[0]
    model.mobilisation = 0.0
    assert coalition.admit(*_applicants(2), intake=3.0).tolist() == [0, 1]
    # the unused place does not pile up beyond one month's intake
    assert coalition.intake_room == 1.0
    assert coalition.admit(*_applicants(0), intake=3.0).size == 0
    assert coalition.intake_room == 3.0
    assert coalition.admit(*_applicants(50), intake=3.0).size == 6


def test_mobilisation_raises_the_intake(make_model):
    model = make_model()
    coalition = model.coalitions[0]
    model.mobilisation = 0.5
    assert coalition.admit(*_applicants(50), intake=2.0).size == 3  # 2 × (1 + 0.5)


def test_intake_binds_in_recruit_members(make_model, idx):
    model = make_model(overrides=["params.coalition.intake=1", "params.coalition.outreach_rate=1"])
    model.params.coalition.outreach_rate = 1e9  # beyond the validated range: everyone would join
    st = model.state
    st.commitment[:] = 1.0
    coalition = model.coalitions[0]
    coalition.pooled = 1.0
    model.mobilisation = 0.0
    coalition.recruit_members()
    assert coalition.size == 1  # three would join; one place a month
    coalition.recruit_members()
    assert coalition.size == 2


def test_recruitment_probability_formula(make_model, idx):
    model = make_model(
        overrides=["params.coalition.recruit_rate=0.7", "params.coalition.outreach_rate=0.2"]
    )
    st = model.state
    st.coalition[idx(model, "org_a")] = 0
    coalition = model.coalitions[0]
    coalition.pooled = 1.0  # outreach capacity 1.0 / 2.0 = 0.5
    i = idx(model, "company_a")  # ties: org_a (0.3, member) only -> exposure 1
    j = idx(model, "org_b")  # no member tie -> exposure 0
    rng = copy.deepcopy(model.streams.recruitment)
    draws = rng.random(len(st.commitment))
    p_i = 1 - np.exp(-0.3 * (0.7 * 1.0 + 0.2 * 0.5))
    p_j = 1 - np.exp(-0.5 * (0.2 * 0.5))
    coalition.recruit_members()
    assert (st.coalition[i] == 0) == (draws[i] < p_i)
    assert (st.coalition[j] == 0) == (draws[j] < p_j)


@pytest.mark.parametrize(
    ("leave_rate", "commitment", "stay"), [(1, 0.0, False), (0, 0.0, True), (1, 1.0, True)]
)
def test_lose_members(make_model, idx, leave_rate, commitment, stay):
    model = make_model(overrides=[f"params.coalition.leave_rate={leave_rate}"])
    st = model.state
    members = [idx(model, n) for n in ("org_a", "org_b", "company_a")]
    st.coalition[members] = 0
    st.commitment[members] = commitment
    model.coalitions[0].lose_members()
    assert model.coalitions[0].size == (3 if stay else 0)


# ----------------------------------------------------------------------------- states
def test_no_offices_at_zero_rates(make_model):
    model = make_model(
        overrides=["params.states.initiative_rate=0", "params.states.imitation_rate=0"]
    )
    model.state.commitment[:] = 1.0
    for _ in range(100):
        model.open_state_offices()
    assert not model.state.ai_office.any()


def test_offices_by_initiative(make_model, idx):
    model = make_model(overrides=["params.states.imitation_rate=0"])
    model.params.states.initiative_rate = 1e9
    model.mobilisation = 0.5  # a mobilised coalition brings the agenda to the states
    st = model.state
    st.commitment[idx(model, "state_a")] = 0.0
    st.commitment[idx(model, "state_b")] = 0.5
    model.open_state_offices()
    assert not st.ai_office[idx(model, "state_a")]
    assert st.ai_office[idx(model, "state_b")]


def test_no_initiative_below_the_threshold(make_model, idx):
    model = make_model(
        overrides=["params.states.imitation_rate=0", "params.states.initiative_threshold=0.6"]
    )
    model.params.states.initiative_rate = 1.0
    model.mobilisation = 0.5
    st = model.state
    st.commitment[idx(model, "state_a")] = 0.59
    st.commitment[idx(model, "state_b")] = 1.0
    for _ in range(50):
        model.open_state_offices()
    assert not st.ai_office[idx(model, "state_a")]
    assert st.ai_office[idx(model, "state_b")]


def test_offices_by_imitation_of_a_peer(make_model, tiny_network, idx):
    net = tiny_network(
        extra_nodes=[("state_c", "state", 0.5, 0.5, "")], extra_ties=[("federal", "state_c", 0.3)]
    )
    model = make_model(net, ["params.states.initiative_rate=0"])
    model.params.states.imitation_rate = 1e9
    st = model.state
    model.open_state_offices()
    assert not st.ai_office.any()  # no peer with an office yet
    st.ai_office[idx(model, "state_a")] = True
    model.open_state_offices()
    assert st.ai_office[idx(model, "state_b")]  # tied to state_a
    assert not st.ai_office[idx(model, "state_c")]  # tied to no state


def test_no_offices_once_abolished(make_model):
    model = make_model()
    model.params.states.initiative_rate = 1e9
    model.state.commitment[:] = 1.0
    model.offices_abolished = True
    model.open_state_offices()
    assert not model.state.ai_office.any()


def test_hold_state_elections_renews_due_states(make_model, idx):
    model = make_model(
        overrides=["shocks.elections.renewal=1", "params.states.close_at_election=1"]
    )
    st = model.state
    a, b = idx(model, "state_a"), idx(model, "state_b")
    model.state_offset = np.array([0, 5])
    st.anchor[[a, b]] = [0.9, 0.9]
    st.ai_office[[a, b]] = True
    st.commitment[[a, b]] = 0.0
    model.month = 72 * 30  # month % 72 == 0: state_a only (offsets count from year 0)
    model.hold_state_elections()
    assert st.anchor[a] != 0.9 and 0.0 < st.anchor[a] < 1.0
    assert st.anchor[b] == 0.9
    assert not st.ai_office[a]
    assert st.ai_office[b]


def test_hold_state_elections_keeps_committed_offices(make_model, idx):
    model = make_model(
        overrides=["shocks.elections.renewal=0", "params.states.close_at_election=1"]
    )
    st = model.state
    a = idx(model, "state_a")
    model.state_offset = np.array([0, 5])
    st.anchor[a], st.commitment[a], st.ai_office[a] = 0.9, 1.0, True
    model.month = 72 * 30
    model.hold_state_elections()
    assert st.anchor[a] == 0.9
    assert st.ai_office[a]


def test_state_elections_follow_the_staggered_cycle(make_model, idx):
    model = make_model(
        overrides=[*SHORT, "shocks.elections.state_cycle_months=12", "shocks.elections.renewal=1"]
    )
    model.state_offset = np.array([3, 7])
    st = model.state
    states = [idx(model, "state_a"), idx(model, "state_b")]
    changed = {s: [] for s in states}
    while model.month <= model.calendar.end:
        before = st.anchor[states].copy()
        step = model.month - START
        model.step()
        for k, s in enumerate(states):
            if st.anchor[s] != before[k]:
                changed[s].append(step)
    assert changed[states[0]] == [3, 15, 27, 39]
    assert changed[states[1]] == [7, 19, 31, 43]


# ----------------------------------------------------------------------------- Senate
def test_senate_support(make_model, idx):
    model = make_model()
    st = model.state
    st.commitment[idx(model, "senate")] = 0.5
    assert model.senate.support == pytest.approx(0.5)
    st.coalition[[idx(model, "org_a"), idx(model, "company_a")]] = 0
    assert model.coalition_share() == pytest.approx(2 / 3)
    # while the government backs the strategy the coalition does not lobby the Senate ...
    assert model.senate.support == pytest.approx(0.5)
    # ... it does when mobilised: lobbying x share x venue pressure (v m = 6 x 0.1)
    model.mobilisation = 0.1
    assert model.senate.support == pytest.approx(0.5 * (1 + 0.5 * 2 / 3 * 0.6))


def test_no_law_without_federal_priority(make_model, idx):
    model = make_model(overrides=["params.senate.passage_rate=1"])
    model.state.commitment[idx(model, "senate")] = 1.0
    model.administration.commitment = 0.0
    model.senate.pending = 10
    for _ in range(200):
        model.senate.vote_on_bills()
    assert not model.law_in_force
    assert model.law_passed_month is None


def test_law_passes_with_certainty(make_model, idx):
    model = make_model(overrides=["params.senate.passage_rate=1"])
    model.state.commitment[idx(model, "senate")] = 1.0
    model.administration.commitment = 1.0
    model.month = parse_month("2021-04")
    model.senate.vote_on_bills()
    assert not model.law_in_force  # no pending bill
    model.senate.pending = 1
    model.senate.vote_on_bills()
    assert model.law_in_force
    assert model.law_passed_month == parse_month("2021-04")
    assert model.senate.pending == 0
    model.month += 5
    model.senate.pending = 3
    model.senate.vote_on_bills()
    assert model.law_passed_month == parse_month("2021-04")


def test_no_bills_at_zero_rate(make_model):
    model = make_model(overrides=["params.senate.bill_rate=0"])
    for _ in range(50):
        model.senate.introduce_bills()
    assert model.senate.bills_introduced == 0 and model.senate.pending == 0


@pytest.mark.parametrize("renewal", [0.0, 0.5, 1.0])
def test_senate_election_renews_the_anchor(make_model, idx, renewal):
    model = make_model(overrides=[f"shocks.elections.renewal={renewal}"])
    i = idx(model, "senate")
    model.state.anchor[i], model.state.commitment[i] = 0.9, 0.8
    model.senate.pending = 4
    model.senate.hold_election()
    fresh = (model.state.anchor[i] - (1 - renewal) * 0.9) / renewal if renewal else 0.5
    assert 0.0 < fresh < 1.0  # a Beta draw
    if renewal == 0.0:
        assert model.state.anchor[i] == 0.9
    assert model.state.commitment[i] == 0.8  # commitment then follows the anchor (FJ)
    assert model.senate.pending == 0  # bills lapse with the legislature


# ----------------------------------------------------------------------------- DPA
DPA_CERTAIN = [
    "params.dpa.guidance_rate=1",
    "params.dpa.network_boost=10",
    "params.commitment.susceptibility.dpa=0",
]


def test_dpa_guidance_certain_or_never(make_model, tiny_network):
    model = make_model(tiny_network(commitment={"inai": 1.0}), DPA_CERTAIN)
    dpa = model.dpas[0]
    for k in range(5):
        model.month = START + k
        dpa.issue_guidance()
    assert dpa.guidance_months == [START + k for k in range(5)]
    model.params.dpa.guidance_rate = 0.0
    dpa.issue_guidance()
    assert dpa.guidance_issued == 5


def test_dpa_guidance_probability_formula(make_model, idx):
    model = make_model(overrides=["params.dpa.guidance_rate=0.5"])
    dpa = model.dpas[0]
    assert model.intl_share[idx(model, "inai")] == pytest.approx(0.625)
    p = 0.5 * 0.6 * (1 + 0.5 * 0.625)
    for _ in range(20):
        u = copy.deepcopy(model.streams.guidance).random()
        n = dpa.guidance_issued
        dpa.issue_guidance()
        assert dpa.guidance_issued - n == int(u < p)


def test_dpa_abolition(make_model, tiny_network, idx):
    model = make_model(
        tiny_network(commitment={"inai": 1.0}),
        [*SHORT, "shocks.abolition.dpa=2019-06", *DPA_CERTAIN],
    )
    dpa, i = model.dpas[0], idx(model, "inai")
    model.run()
    abolished = parse_month("2019-06")
    assert not dpa.alive
    assert dpa.guidance_months == list(range(START, abolished))
    ts = model.recorder.frame()
    assert (ts["dpa_active"] == (ts["date"] < "2019-06")).all()
    st = model.state
    assert st.commitment[i] == 0.0 and st.resources[i] == 0.0
    assert st.funding[i].sum() == 0.0 and st.effort[i] == 0.0


def test_abolished_dpa_stops_influencing(make_model, tiny_network, idx):
    net = tiny_network()
    model = make_model(net)
    st = model.state
    d = idx(model, "inai")
    model.dpas[0].abolish()
    assert (st.commitment[d], st.anchor[d], st.resources[d]) == (0.0, 0.0, 0.0)
    rng = np.random.default_rng(4)
    st.commitment[:] = rng.random(net.n)
    st.anchor[:] = rng.random(net.n)
    st.anchor[d] = 0.0
    a = net.adjacency.toarray()
    a[d, :] = a[:, d] = 0.0  # its ties carry no influence any more
    deg = a.sum(axis=1)
    w = np.divide(a, deg[:, None], out=np.zeros_like(a), where=deg[:, None] > 0)
    w[deg == 0, deg == 0] = 1.0
    s = susceptibility(model)
    s[d] = 0.0
    expected = s * (w @ st.commitment) + (1 - s) * st.anchor
    model.update_commitments()
    np.testing.assert_allclose(st.commitment, expected, rtol=0, atol=1e-12)
    assert st.commitment[d] == 0.0


def test_abolition_detaches_every_dpa(make_model, tiny_network, idx):
    """With two DPAs abolished in the same month, neither may keep influencing its peers."""
    net = tiny_network(
        extra_nodes=[("dpa_b", "dpa", 0.9, 0.5, "")],
        extra_ties=[("dpa_b", "federal", 0.4), ("dpa_b", "state_a", 0.6)],
    )
    model = make_model(net, ["shocks.abolition.dpa=2017-01"])
    assert len(model.dpas) == 2
    model.step()  # the abolition month
    assert not any(dpa.alive for dpa in model.dpas)
    w = model.weights.toarray()
    for dpa in ("inai", "dpa_b"):
        others = np.arange(net.n) != idx(model, dpa)
        assert (w[others, idx(model, dpa)] == 0).all(), f"{dpa} still carries influence"
    np.testing.assert_allclose(w.sum(axis=1), 1.0)


def test_abolish_then_no_guidance(make_model, tiny_network):
    model = make_model(tiny_network(commitment={"inai": 1.0}), DPA_CERTAIN)
    dpa = model.dpas[0]
    dpa.abolish()
    for _ in range(10):
        dpa.step()
    assert dpa.guidance_months == []


# ----------------------------------------------------------------------------- international
def _opportunities(model) -> list[tuple[str, int]]:
    events = model.config.scenario.international_opportunities
    return sorted(((e.name, parse_month(e.date)) for e in events), key=lambda x: x[1])


def test_international_commitments_always_with_join_base_1(make_model):
    model = make_model(overrides=["params.international.join_base=1"])
    expected = _opportunities(model)
    assert [n for n, _ in expected] == [
        "OECD AI Principles",
        "G20 AI Principles",
        "GPAI founding member",
    ]
    model.administration.commitment = 0.0
    for month in range(model.calendar.start, model.calendar.end + 1):
        model.month = month
        model.make_international_commitments()
    assert model.commitments_made == expected  # each at its month, none in between


def test_international_commitments_never_without_priority(make_model):
    model = make_model(overrides=["params.international.join_base=0"])
    model.administration.commitment = 0.0
    for month in range(model.calendar.start, model.calendar.end + 1):
        model.month = month
        model.make_international_commitments()
    assert model.commitments_made == []


def test_international_commitments_in_a_run_raise_the_anchor(make_model):
    model = make_model(overrides=[*SHORT, "params.international.join_base=1"])
    model.config.scenario.administrations[1].agenda_priority = 0.05  # given: the pull on top
    model.run()
    assert model.commitments_made == _opportunities(model)
    assert model.commitments_made
    adm = model.administration
    last = model.calendar.end  # the anchor was set at the start of the last month
    pull = sum(0.05 * 0.5 ** ((last - m) / 36) for _, m in model.commitments_made)
    expected = min(1.0, adm.agenda_priority + adm.inherited + pull)
    assert model.state.anchor[model.seat] == pytest.approx(expected)
