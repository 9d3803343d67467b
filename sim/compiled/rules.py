"""Compiled rules over all actors: one function per process, plain loops.

Each function is the compiled twin of the method of the same name in :mod:`sim.rules`
(:class:`sim.rules.VectorisedRules`), whose docstring gives the rule and its source; the
equation is repeated here. Floating-point operations are done in the same order as there, so
the results are the same floats (``tests/test_compiled_equivalence.py``).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from sim.compiled import layout as L
from sim.compiled.sums import pairwise_sum
from sim.state import FEDERAL, INTERNATIONAL, OWN, PRIVATE


@njit(cache=True)
def pymax(a, b):
    """Python's ``max(a, b)``: ``b`` only if it is larger."""
    return b if b > a else a


@njit(cache=True)
def pymin(a, b):
    """Python's ``min(a, b)``: ``b`` only if it is smaller."""
    return b if b < a else a


@njit(cache=True)
def row_product(indptr, indices, data, x, row):
    """Row ``row`` of the sparse product A x, summed from 0.0 in stored order (scipy's order)."""
    s = 0.0
    for k in range(indptr[row], indptr[row + 1]):
        s += data[k] * x[indices[k]]
    return s


@njit(cache=True)
def update_commitments(P, w_indptr, w_indices, w_data, c, anchor, sus, coalition, co_node):
    """Friedkin–Johnsen: c ← s ⊙ (W c) + (1 − s) ⊙ a, clipped to [0, 1].

    Coalition members also move by ``member_pull`` towards their coalition's commitment.
    """
    n = c.shape[0]
    new = np.empty(n)
    for i in range(n):
        new[i] = (
            sus[i] * row_product(w_indptr, w_indices, w_data, c, i) + (1.0 - sus[i]) * anchor[i]
        )
    pull = P[L.P_MEMBER_PULL]
    for i in range(n):
        if coalition[i] >= 0:
            target = c[co_node[coalition[i]]]
            new[i] = new[i] + pull * (target - new[i])
    for i in range(n):
        x = new[i]
        c[i] = 0.0 if x < 0.0 else (1.0 if x > 1.0 else x)


@njit(cache=True)
def allocate_funding(P, S, funding, resources, c, ai_office, state_idx, seat, hubs_on,
                     dpa_node, dpa_alive, intl_share, co_node):  # fmt: skip
    """Each actor's resources this month by source.

    Own resources (states add their office budget), the federal programme to the seat,
    transfers T c_s / Σ c to states, grants to the DPA, hub co-funding.
    """
    n = funding.shape[0]
    for i in range(n):
        funding[i, FEDERAL] = 0.0
        funding[i, OWN] = resources[i]
        funding[i, PRIVATE] = 0.0
        funding[i, INTERNATIONAL] = 0.0
    funding[seat, OWN] = 0.0
    funding[seat, FEDERAL] = S[L.S_LINE_FEDERAL_PROGRAM]
    ns = state_idx.shape[0]
    if ns:
        budget = P[L.P_OFFICE_BUDGET]
        grant = P[L.P_HUBS_OFFICE_GRANT]
        weight = np.empty(ns)
        for k in range(ns):
            s = state_idx[k]
            on = 1.0 if ai_office[s] else 0.0
            funding[s, OWN] = funding[s, OWN] + budget * on
            if hubs_on:
                funding[s, PRIVATE] = funding[s, PRIVATE] + grant * on
            weight[k] = c[s]
        total = pairwise_sum(weight)
        if total > 0:
            transfers = S[L.S_LINE_STATE_TRANSFERS]
            for k in range(ns):
                funding[state_idx[k], FEDERAL] = transfers * weight[k] / total
    for k in range(dpa_node.shape[0]):
        if dpa_alive[k]:
            d = dpa_node[k]
            funding[d, INTERNATIONAL] = P[L.P_DPA_INTERNATIONAL_GRANT] * intl_share[d]
    for k in range(co_node.shape[0]):
        funding[co_node[k], OWN] = 0.0


@njit(cache=True)
def invest_companies(P, S, funding, resources, c, coalition, company_idx, co_node, total_momentum,
                     clarity, diversified_on):  # fmt: skip
    """Companies invest I_i = r_i c_i (b + β_M M / (M + M_ref) + β_R R).

    Members give ``coalition_share`` of it (× (1 + ``private_boost``) under
    ``diversified_funding``) to their coalition.
    """
    nc = company_idx.shape[0]
    if nc == 0:
        S[L.S_ECOSYSTEM_INVESTMENT] = 0.0
        return
    drive = (
        P[L.P_BASE_INVESTMENT]
        + P[L.P_MOMENTUM_RESPONSE] * total_momentum / (total_momentum + P[L.P_MOMENTUM_REFERENCE])
        + P[L.P_CLARITY_RESPONSE] * clarity
    )
    invest = np.empty(nc)
    for k in range(nc):
        i = company_idx[k]
        invest[k] = resources[i] * c[i] * drive
    S[L.S_ECOSYSTEM_INVESTMENT] = pairwise_sum(invest)
    share = P[L.P_COMPANY_COALITION_SHARE]
    if diversified_on:
        share = pymin(1.0, share * (1.0 + P[L.P_DIV_PRIVATE_BOOST]))
    if co_node.shape[0]:
        pooled = np.zeros(co_node.shape[0])
        for k in range(nc):
            member = coalition[company_idx[k]]
            if member >= 0:
                pooled[member] += invest[k] * share
        for j in range(co_node.shape[0]):
            funding[co_node[j], PRIVATE] = pooled[j]


@njit(cache=True)
def open_state_offices(P, S, st_indptr, st_indices, st_data, state_degree, c, ai_office,
                       office_opened, state_idx, hubs_on, venue_pressure, offices):  # fmt: skip
    """States open offices with p = 1 − exp(−h_s); returns whether any opened (a win).

    h_s = ι v m max(0, c_s − θ)/(1 − θ) + μ e_s, e_s the share of peer states with an office.
    """
    ns = state_idx.shape[0]
    if ns == 0 or S[L.S_OFFICES_ABOLISHED] != 0.0:
        return False
    office = np.empty(ns)
    for k in range(ns):
        office[k] = 1.0 if ai_office[state_idx[k]] else 0.0
    theta, imitation = P[L.P_INITIATIVE_THRESHOLD], P[L.P_IMITATION_RATE]
    if hubs_on:
        theta = pymin(theta, P[L.P_HUBS_INITIATIVE_THRESHOLD])
        imitation = imitation * P[L.P_HUBS_IMITATION_BOOST]
    rate = P[L.P_INITIATIVE_RATE]
    draws = offices.random(ns)
    any_opened = False
    for k in range(ns):
        s = state_idx[k]
        exposure = row_product(st_indptr, st_indices, st_data, office, k) / state_degree[k]
        if theta >= 1:
            own = rate * 0.0 * venue_pressure
        else:
            own = rate * (pymax(0.0, c[s] - theta) / (1.0 - theta)) * venue_pressure
        hazard = own + imitation * exposure
        opened = office[k] == 0.0 and draws[k] < 1.0 - np.exp(-hazard)
        if opened:
            any_opened = True
        if opened or office[k] != 0.0:
            ai_office[s] = True
            office_opened[s] = True
    return any_opened


@njit(cache=True)
def renew_anchors(P, anchor, base_anchor, idx, elections):
    """A ← (1 − r) a + r x, x ~ Beta(κ a₀, κ (1 − a₀)), a₀ the structural anchor in [.01, .99]."""
    kappa, r = P[L.P_FRESH_CONCENTRATION], P[L.P_RENEWAL]
    for k in range(idx.shape[0]):
        i = idx[k]
        b = base_anchor[i]
        b = 0.01 if b < 0.01 else (0.99 if b > 0.99 else b)
        fresh = elections.beta(kappa * b, kappa * (1.0 - b))
        anchor[i] = (1.0 - r) * anchor[i] + r * fresh


@njit(cache=True)
def hold_state_elections(P, month, anchor, base_anchor, c, ai_office, state_idx, state_offset,
                         elections):  # fmt: skip
    """States whose cycle comes round renew their anchor and may close their office.

    An office closes with p = ``close_at_election`` × (1 − c).
    """
    cycle = int(P[L.P_STATE_CYCLE])
    if cycle == 0:
        return
    n_due = 0
    for k in range(state_idx.shape[0]):
        if month % cycle == state_offset[k]:
            n_due += 1
    if n_due == 0:
        return
    due = np.empty(n_due, np.int64)
    j = 0
    for k in range(state_idx.shape[0]):
        if month % cycle == state_offset[k]:
            due[j] = state_idx[k]
            j += 1
    renew_anchors(P, anchor, base_anchor, due, elections)
    draws = elections.random(n_due)
    close = P[L.P_CLOSE_AT_ELECTION]
    for k in range(n_due):
        if draws[k] < close * (1.0 - c[due[k]]):
            ai_office[due[k]] = False


@njit(cache=True)
def exert_effort(P, S, funding, c, effort, recruitable, coalition, ai_office, state_idx, seat,
                 co_node, intl_idx):  # fmt: skip
    """Effort e_i = c_i × Σ funding_i, scaled by engagement, know-how and coordination.

    Non-members × ``nonmember_engagement``, states without an office ×
    ``no_office_engagement``, the seat its budget × (0.5 + 0.5 K), coalitions ×
    ``coordination_gain``, international bodies 0.
    """
    g = P[L.P_NONMEMBER_ENGAGEMENT]
    n = c.shape[0]
    for i in range(n):
        total = 0.0
        for j in range(4):
            total += funding[i, j]
        e = c[i] * total
        if i == seat:  # the administration acts through its budget
            e = total
        effort[i] = e * (g if recruitable[i] and coalition[i] < 0 else 1.0)
    no_office = P[L.P_NO_OFFICE_ENGAGEMENT]
    for k in range(state_idx.shape[0]):
        s = state_idx[k]
        effort[s] = effort[s] * (1.0 if ai_office[s] else no_office)
    effort[seat] = effort[seat] * (0.5 + 0.5 * S[L.S_KNOWHOW])
    gain = P[L.P_COORDINATION_GAIN]
    for k in range(co_node.shape[0]):
        effort[co_node[k]] = effort[co_node[k]] * gain
    for k in range(intl_idx.shape[0]):
        effort[intl_idx[k]] = 0.0


@njit(cache=True)
def update_momentum(P, effort, type_code, pillar_matrix, momentum, momentum_by_type):
    """M ← (1 − δ) M + η Σ_i e_i w_type(i), per pillar and per actor type."""
    by_type = np.zeros(pillar_matrix.shape[0])
    for i in range(effort.shape[0]):
        by_type[type_code[i]] += effort[i]
    decay, eta = P[L.P_DECAY], P[L.P_EFFICIENCY]
    flow = np.dot(by_type, pillar_matrix)
    for j in range(momentum.shape[0]):
        momentum[j] = (1.0 - decay) * momentum[j] + eta * flow[j]
    for t in range(momentum_by_type.shape[0]):
        momentum_by_type[t] = (1.0 - decay) * momentum_by_type[t] + eta * by_type[t]
