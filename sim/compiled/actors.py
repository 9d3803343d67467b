"""Compiled rules of the rule-rich actors: the administration, the responses, Senate, DPA.

Each function is the compiled twin of the method of the same name (in
:mod:`sim.agents.federal`, :mod:`sim.responses`, :mod:`sim.agents.senate`,
:mod:`sim.agents.dpa`, :mod:`sim.anchors` and :mod:`sim.model`), whose docstring gives the rule
and its source. Their scalar state is in ``S`` (:mod:`sim.compiled.layout`); the anchors in
force are rows ``0 .. n_anchors - 1`` of the anchor arrays, kind parameters in ``kinds``.
"""

from __future__ import annotations

from numba import njit

from sim.compiled import layout as L
from sim.compiled.rules import pymax, pymin
from sim.state import OWN


# ----------------------------------------------------------------- anchors
@njit(cache=True)
def priority_floor(S, kinds, an_kind):
    """The highest ``priority_floor`` of the anchors in force (0 without one)."""
    best = 0.0
    for k in range(int(S[L.S_N_ANCHORS])):
        value = kinds[an_kind[k], L.A_PRIORITY_FLOOR]
        best = value if k == 0 else pymax(best, value)
    return best


@njit(cache=True)
def budget_floor(S, kinds, an_kind, an_honoured):
    """The highest ``budget_floor`` of the anchors honoured this fiscal year (0 without one)."""
    best, found = 0.0, False
    for k in range(int(S[L.S_N_ANCHORS])):
        if an_honoured[k]:
            value = kinds[an_kind[k], L.A_BUDGET_FLOOR]
            best = value if not found else pymax(best, value)
            found = True
    return best


@njit(cache=True)
def adopt_anchor(S, month, kind, source, an_kind, an_source, an_since, an_honoured):
    """An anchor takes effect (honoured until the next fiscal year); a statute is a law."""
    k = int(S[L.S_N_ANCHORS])
    an_kind[k], an_source[k], an_since[k], an_honoured[k] = kind, source, month, True
    S[L.S_N_ANCHORS] = k + 1
    if kind == L.STATUTE:
        if S[L.S_LAW_PASSED] < 0:
            S[L.S_LAW_PASSED] = month
        S[L.S_LAW_IN_FORCE] = 1.0


@njit(cache=True)
def enact_law(S, month, an_kind, an_source, an_since, an_honoured):
    """A law enters into force: a statute anchor, the month it passed, a win."""
    adopt_anchor(S, month, L.STATUTE, -1, an_kind, an_source, an_since, an_honoured)
    S[L.S_LAW_PASSED] = month
    S[L.S_WINS] += 1


@njit(cache=True)
def honour_floors(S, month, kinds, an_kind, an_honoured, review):
    """Each January every anchor's budget floor is honoured with p = ``floor_reliability``."""
    if month % 12 != 0:
        return
    for k in range(int(S[L.S_N_ANCHORS])):
        an_honoured[k] = review.random() < kinds[an_kind[k], L.A_FLOOR_RELIABILITY]


# ----------------------------------------------------------------- international and pressure
@njit(cache=True)
def international_pull(P, month, intl_on, made_month, n_made):
    """Σ over commitments made of boost × 0.5^(age / half-life) (tactic: × multiplier, slower)."""
    boost, half_life = P[L.P_INTL_ANCHOR_BOOST], P[L.P_INTL_HALF_LIFE]
    if intl_on:
        boost, half_life = boost * P[L.P_INTL_ANCHOR_MULTIPLIER], P[L.P_INTL_TACTIC_HALF_LIFE]
    total = 0.0
    for k in range(n_made):
        total += 0.5 ** ((month - made_month[k]) / half_life)
    return boost * total


@njit(cache=True)
def pressure(P, S, salience, intl_pull, floor):
    """P = w_s S + w_c K + w_i I + A (salience, coalition capacity, international pull, floor)."""
    return (
        P[L.P_SALIENCE_WEIGHT] * salience
        + P[L.P_COALITION_PRESSURE] * S[L.S_CAPACITY]
        + P[L.P_INTERNATIONAL_PRESSURE] * intl_pull
        + floor
    )


@njit(cache=True)
def own_agenda(P, S, salience, intl_pull, floor):
    """The given priority, or baseline + pressure for an administration that did not choose it."""
    if S[L.S_ENDOGENOUS] == 0.0:
        return S[L.S_AGENDA]
    return S[L.S_AGENDA] + pressure(P, S, salience, intl_pull, floor)


# ----------------------------------------------------------------- the administration
@njit(cache=True)
def consider_relaunch(P, S, month, salience, intl_pull, floor, relaunch_months):
    """A successor re-launches the strategy as its own once the pressure is high enough.

    After ``relaunch_delay_months`` in office, if pressure ≥ ``relaunch_threshold``: agenda ≥
    ``relaunch_priority``, nothing inherited. Once per administration.
    """
    if S[L.S_ENDOGENOUS] == 0.0 or S[L.S_RELAUNCHED] != 0.0:
        return
    if month - S[L.S_TOOK_OFFICE] < P[L.P_RELAUNCH_DELAY]:
        return
    if pressure(P, S, salience, intl_pull, floor) >= P[L.P_RELAUNCH_THRESHOLD]:
        S[L.S_RELAUNCHED] = 1.0
        S[L.S_AGENDA] = pymax(S[L.S_AGENDA], P[L.P_RELAUNCH_PRIORITY])
        S[L.S_INHERITED] = 0.0
        n = int(S[L.S_N_RELAUNCHES])
        relaunch_months[n] = month
        S[L.S_N_RELAUNCHES] = n + 1
        S[L.S_WINS] += 1


@njit(cache=True)
def set_anchor(P, S, anchor, seat, salience, intl_pull, floor, handover_on):
    """A = own agenda + inherited (fading by ``adjust_rate``) [+ international pull], ≥ floor, ≤ 1."""
    fading = P[L.P_HANDOVER_INHERITED_FADING] if handover_on else P[L.P_ADJUST_RATE]
    S[L.S_INHERITED] = S[L.S_INHERITED] * (1.0 - fading)
    value = own_agenda(P, S, salience, intl_pull, floor) + S[L.S_INHERITED]
    if S[L.S_ENDOGENOUS] == 0.0:
        value += intl_pull
    value = pymax(value, floor)
    anchor[seat] = pymin(1.0, value)


@njit(cache=True)
def cut_fraction(P, S, month, line):
    """Share of budget line ``line`` (0 transfers, 1 grants, 2 programme) cut this month."""
    start = S[L.S_CUT_START]
    if start < 0 or P[L.P_CUT_STATE_TRANSFERS + line] == 0.0 or month < start:
        return 0.0
    duration = P[L.P_CUT_DURATION]
    if duration >= 0 and month >= start + duration:
        return 0.0
    return P[L.P_CUT_SIZE]


@njit(cache=True)
def set_budget(P, S, month, priority, floor, budget_floor_share, embedding_on):
    """A ← A + λ (B₀ max(priority, floor) − A); lines split, cut, and kept above the floor."""
    base = P[L.P_BASE_BUDGET]
    target = base * pymax(priority, floor)
    if S[L.S_APPROPRIATION_SET] == 0.0:
        S[L.S_APPROPRIATION] = target
        S[L.S_APPROPRIATION_SET] = 1.0
    S[L.S_APPROPRIATION] = S[L.S_APPROPRIATION] + P[L.P_BUDGET_ADJUST] * (
        target - S[L.S_APPROPRIATION]
    )
    budget = S[L.S_APPROPRIATION]
    st = budget * P[L.P_STATE_TRANSFER_SHARE]
    cg = budget * P[L.P_COALITION_GRANT_SHARE]
    fp = pymax(0.0, budget - (st + cg))
    st = st * (1.0 - cut_fraction(P, S, month, 0))
    cg = cg * (1.0 - cut_fraction(P, S, month, 1))
    cut = cut_fraction(P, S, month, 2)
    if embedding_on:
        cut = cut * (1.0 - P[L.P_EMBEDDING_PROTECTED_SHARE])
    fp = fp * (1.0 - cut)
    floor_money = budget_floor_share * base
    if floor_money > 0:
        total = st + cg + fp
        if 0 < total < floor_money:
            st, cg, fp = (
                st * floor_money / total,
                cg * floor_money / total,
                fp * floor_money / total,
            )
        elif total == 0:
            st, cg, fp = 0.0, 0.0, floor_money
    S[L.S_LINE_STATE_TRANSFERS] = st
    S[L.S_LINE_COALITION_GRANTS] = cg
    S[L.S_LINE_FEDERAL_PROGRAM] = fp
    S[L.S_BUDGET] = st + cg + fp


@njit(cache=True)
def learn_know_how(P, S):
    """K += rate × min(1, programme / base) × (1 − K)."""
    base = P[L.P_BASE_BUDGET]
    funded = pymin(1.0, S[L.S_LINE_FEDERAL_PROGRAM] / base) if base else 0.0
    S[L.S_KNOWHOW] = S[L.S_KNOWHOW] + P[L.P_LEARNING_RATE] * funded * (1.0 - S[L.S_KNOWHOW])


# ----------------------------------------------------------------- responses to the state
@njit(cache=True)
def read_federal_signal(P, S, priority, share):
    """W = max(0, f − τ)/(1 − τ), f = 1 − priority / peak; K = min(1, s / s_ref)."""
    S[L.S_PRIORITY_PEAK] = pymax(S[L.S_PRIORITY_PEAK], priority)
    S[L.S_BUDGET_PEAK] = pymax(S[L.S_BUDGET_PEAK], S[L.S_BUDGET])
    peak, tolerance = S[L.S_PRIORITY_PEAK], P[L.P_WITHDRAWAL_TOLERANCE]
    fall = 1.0 - priority / peak if peak > 0 else 0.0
    S[L.S_WITHDRAWAL] = pymax(0.0, fall - tolerance) / (1.0 - tolerance) if tolerance < 1 else 0.0
    ref = P[L.P_CAPACITY_REFERENCE]
    S[L.S_CAPACITY] = pymin(1.0, share / ref) if ref > 0 else 1.0


@njit(cache=True)
def accumulate_fatigue(P, S):
    """F′ = F + φ W (1 − F); after a month with a win F ← (1 − ρ) F′; wins reset."""
    won = S[L.S_WINS] > 0
    F = S[L.S_FATIGUE]
    F = F + P[L.P_FATIGUE_RATE] * S[L.S_WITHDRAWAL] * (1.0 - F)
    if won:
        F = F - P[L.P_FATIGUE_RECOVERY] * F
    S[L.S_FATIGUE] = F
    S[L.S_WINS] = 0.0


@njit(cache=True)
def mobilise(P, S):
    """M = μ K W (1 − F)."""
    S[L.S_MOBILISATION] = (
        P[L.P_MOBILISATION] * S[L.S_CAPACITY] * S[L.S_WITHDRAWAL] * (1.0 - S[L.S_FATIGUE])
    )


@njit(cache=True)
def set_nonstate_anchors(P, S, anchor, base_anchor, nonstate, coalition):
    """a_i = a_i⁰ (1 − σ W (1 − K))(1 − ε F); members a_i ← a_i + m (1 − a_i)."""
    lost = P[L.P_SIGNAL] * S[L.S_WITHDRAWAL] * (1.0 - S[L.S_CAPACITY])
    scale = (1.0 - lost) * (1.0 - P[L.P_FATIGUE_EFFECT] * S[L.S_FATIGUE])
    m = S[L.S_MOBILISATION]
    for i in range(anchor.shape[0]):
        if nonstate[i]:
            a = base_anchor[i] * scale
            anchor[i] = a + m * (1.0 - a) if coalition[i] >= 0 else a
    return m


@njit(cache=True)
def apply_grant_dependence(P, S, resources, base_resources, nonstate):
    """r_i = r_i⁰ (1 − d + d g), g = federal budget / its peak."""
    d = P[L.P_FEDERAL_DEPENDENCE]
    peak = S[L.S_BUDGET_PEAK]
    g = S[L.S_BUDGET] / peak if peak > 0 else 1.0
    factor = 1.0 - d + d * g
    for i in range(resources.shape[0]):
        if nonstate[i]:
            resources[i] = base_resources[i] * factor


# ----------------------------------------------------------------- Senate and DPA
@njit(cache=True)
def senate_support(P, S, commitment, senate, share):
    """min(1, c (base + lobbying × coalition share × venue pressure))."""
    lobbying = P[L.P_COALITION_LOBBYING] * share * (P[L.P_VENUE_SHIFT] * S[L.S_MOBILISATION])
    return pymin(1.0, commitment[senate] * (P[L.P_BASE_SUPPORT] + lobbying))


@njit(cache=True)
def senate_step(P, S, month, commitment, anchor, base_anchor, funding, share, law_on,
                champions_on, an_kind, an_source, an_since, an_honoured, bills, passage):  # fmt: skip
    """The Senate's month: keep champions (tactic), introduce bills, vote.

    Bills ~ Poisson(``bill_rate`` × support); with bills pending a law passes with
    p = ``passage_rate`` × support × federal priority.
    """
    senate = int(P[L.P_SENATE])
    if champions_on:
        floor = pymin(1.0, base_anchor[senate] + P[L.P_CHAMPIONS_ANCHOR_BOOST])
        anchor[senate] = pymax(anchor[senate], floor)
        funding[senate, OWN] = funding[senate, OWN] + P[L.P_CHAMPIONS_COMMITTEE_BUDGET]
    support = senate_support(P, S, commitment, senate, share)
    rate = P[L.P_BILL_RATE] * support
    if law_on:
        rate = rate * (1.0 + P[L.P_LAW_BILL_BOOST])
    k = bills.poisson(rate)
    S[L.S_BILLS] += k
    S[L.S_PENDING] += k
    draw = passage.random()
    if S[L.S_LAW_IN_FORCE] != 0.0 or S[L.S_PENDING] == 0:
        return
    p = P[L.P_PASSAGE_RATE] * support * commitment[int(P[L.P_SEAT])]
    if law_on:
        p = pymin(1.0, p * P[L.P_LAW_PASSAGE_BOOST])
    if draw < p:
        enact_law(S, month, an_kind, an_source, an_since, an_honoured)
        S[L.S_PENDING] = 0.0


@njit(cache=True)
def dpa_step(P, S, month, commitment, intl_share, dpa_node, dpa_alive, guidance, n_guidance,
             draws):  # fmt: skip
    """Each DPA issues guidance with p = rate × c × (1 + boost × international share of ties).

    One draw per DPA every month, alive or not (common random numbers).
    """
    for k in range(dpa_node.shape[0]):
        draw = draws.random()
        if not dpa_alive[k]:
            continue
        d = dpa_node[k]
        p = P[L.P_GUIDANCE_RATE] * commitment[d] * (1.0 + P[L.P_NETWORK_BOOST] * intl_share[d])
        if draw < pymin(1.0, p):
            guidance[k, n_guidance[k]] = month
            n_guidance[k] += 1
            S[L.S_WINS] += 1


@njit(cache=True)
def regulatory_clarity(P, S, month, n_guidance, guidance):
    """R = min(1, law × [law in force] + per_guidance × guidance of the last memory months)."""
    recent = 0
    for k in range(n_guidance.shape[0]):
        for j in range(n_guidance[k]):
            if month - guidance[k, j] < P[L.P_CLARITY_MEMORY]:
                recent += 1
    law = 1.0 if S[L.S_LAW_IN_FORCE] != 0.0 else 0.0
    return pymin(1.0, P[L.P_CLARITY_LAW] * law + P[L.P_CLARITY_PER_GUIDANCE] * recent)


@njit(cache=True)
def make_international_commitments(P, S, month, priority_of, opp_month, made_month, made_opp,
                                   draws):  # fmt: skip
    """At each opportunity this month join with p = base + (1 − base) × priority."""
    base = P[L.P_JOIN_BASE]
    for k in range(opp_month.shape[0]):
        if opp_month[k] != month:
            continue
        if draws.random() < base + (1.0 - base) * priority_of:
            n = int(S[L.S_N_MADE])
            made_month[n] = month
            made_opp[n] = k
            S[L.S_N_MADE] = n + 1
            S[L.S_WINS] += 1
