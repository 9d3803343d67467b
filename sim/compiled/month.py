"""The compiled month loop: the whole schedule of ``ContinuityModel.step``, month after month.

:func:`run_months` runs from ``S[month]`` to ``last`` in one call and stops early only at a
month whose turnover or abolition the Python agents carry out (a new administration is a new
agent; an abolished authority rebuilds the influence weights): it returns ``PYTHON_EVENT``
after the events dated before the turnover, the caller does the turnover and calls again with
``phase=1`` to finish the month. Order of the month: docs/ODD.md, process overview.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from sim.compiled import layout as L
from sim.compiled.actors import (
    accumulate_fatigue,
    adopt_anchor,
    apply_grant_dependence,
    budget_floor,
    consider_relaunch,
    dpa_step,
    enact_law,
    honour_floors,
    international_pull,
    learn_know_how,
    make_international_commitments,
    mobilise,
    priority_floor,
    read_federal_signal,
    regulatory_clarity,
    senate_step,
    senate_support,
    set_anchor,
    set_budget,
    set_nonstate_anchors,
)
from sim.compiled.coalition import coalition_step
from sim.compiled.rules import (
    allocate_funding,
    exert_effort,
    hold_state_elections,
    invest_companies,
    open_state_offices,
    renew_anchors,
    update_commitments,
    update_momentum,
)
from sim.compiled.streams import generator_at
from sim.compiled.sums import pairwise_sum


@njit(cache=True)
def coalition_share(coalition, recruitable_count):
    """Share of organisations and companies that belong to a coalition."""
    if recruitable_count == 0:
        return 0.0
    members = 0
    for i in range(coalition.shape[0]):
        if coalition[i] >= 0:
            members += 1
    return members / recruitable_count


@njit(cache=True)
def active(tactic_start, t, month):
    """Whether tactic ``t`` (``layout.TACTIC_ORDER``) is active this month."""
    return month >= tactic_start[t]


@njit(cache=True)
def shocks_before_turnover(P, S, month, da_month, da_kind, an_kind, an_source, an_since,
                           an_honoured, turnover_at, turnover):  # fmt: skip
    """Dated anchors, a dated law, then whether the administration changes (drawn if stochastic)."""
    for k in range(da_month.shape[0]):
        if da_month[k] == month:
            adopt_anchor(S, month, da_kind[k], k, an_kind, an_source, an_since, an_honoured)
    if month == P[L.P_LAW_ENACTED] and S[L.S_LAW_IN_FORCE] == 0.0:
        enact_law(S, month, an_kind, an_source, an_since, an_honoured)
    start = int(P[L.P_START])
    mode = int(P[L.P_TURNOVER_MODE])
    if mode == 1:  # stochastic
        return month > start and turnover.random() < P[L.P_TURNOVER_HAZARD]
    return mode == 0 and turnover_at[month - start] and month > start


@njit(cache=True)
def record(P, S, month, table, months, c, effort, coalition, ai_office, office_opened, funding,
           momentum, momentum_by_type, contribution_types, dpa_alive, n_guidance,
           recruitable_count):  # fmt: skip
    """Append the month's row (``sim.recorder.NUMERIC_COLUMNS`` order)."""
    k = int(S[L.S_REC_N])
    seat, senate = int(P[L.P_SEAT]), int(P[L.P_SENATE])
    row = 0
    members = offices = ever = 0
    for i in range(c.shape[0]):
        members += coalition[i] >= 0
        offices += ai_office[i]
        ever += office_opened[i]
    table[row, k] = pairwise_sum(momentum)
    row += 1
    for j in range(momentum.shape[0]):
        table[row, k] = momentum[j]
        row += 1
    table[row, k] = c[seat]
    table[row + 1, k] = S[L.S_BUDGET]
    table[row + 2, k] = effort[seat]
    table[row + 3, k] = S[L.S_KNOWHOW]
    row += 4
    for j in range(contribution_types.shape[0]):
        table[row, k] = momentum_by_type[contribution_types[j]]
        row += 1
    alive = 0.0
    for j in range(dpa_alive.shape[0]):
        if dpa_alive[j]:
            alive = 1.0
    guidance = 0
    for j in range(n_guidance.shape[0]):
        guidance += n_guidance[j]
    table[row, k] = members
    table[row + 1, k] = offices
    table[row + 2, k] = ever
    table[row + 3, k] = S[L.S_LAW_IN_FORCE]
    table[row + 4, k] = alive
    row += 5
    for s in range(4):
        total = 0.0
        for i in range(funding.shape[0]):
            total += funding[i, s]
        table[row, k] = total
        row += 1
    share = coalition_share(coalition, recruitable_count)
    table[row, k] = senate_support(P, S, c, senate, share) if senate >= 0 else 0.0
    table[row + 1, k] = S[L.S_BILLS] if senate >= 0 else 0.0
    table[row + 2, k] = guidance
    table[row + 3, k] = S[L.S_N_MADE]
    table[row + 4, k] = S[L.S_ECOSYSTEM_INVESTMENT]
    table[row + 5, k] = S[L.S_WITHDRAWAL]
    table[row + 6, k] = S[L.S_CAPACITY]
    table[row + 7, k] = S[L.S_MOBILISATION]
    table[row + 8, k] = S[L.S_FATIGUE]
    table[row + 9, k] = S[L.S_N_ANCHORS]
    table[row + 10, k] = S[L.S_N_RELAUNCHES]
    months[k] = month
    S[L.S_REC_N] = k + 1


@njit(cache=True)
def run_months(last, phase, P, S, tactic_start, turnover_at, senate_election_at, salience_at,
               # network
               w_indptr, w_indices, w_data, a_indptr, a_indices, a_data, degree,
               st_indptr, st_indices, st_data, state_degree, intl_share, international_ties,
               # actors
               type_code, c, anchor, sus, resources, funding, effort, coalition, ai_office,
               office_opened, base_anchor, base_resources, nonstate, recruitable,
               recruitable_count, state_idx, state_offset, company_idx, intl_idx, pillar_matrix,
               momentum, momentum_by_type,
               # coalitions
               co_node, co_founded, co_pooled, co_room, co_coord_start, co_coord_node,
               co_coord_ptr, co_founders, co_founders_ptr,
               # DPAs, anchors, commitments, relaunches
               dpa_node, dpa_alive, guidance, n_guidance, kinds, da_month, da_kind, an_kind,
               an_source, an_since, an_honoured, opp_month, made_month, made_opp,
               relaunch_months,
               # recorder
               table, months, contribution_types,
               # the random streams (``sim.streams.PROCESSES`` order: ``streams.addresses``)
               rng):  # fmt: skip
    """Run months ``S[month] .. last``; see the module docstring for ``phase`` and the result.

    One month, as ``ContinuityModel.step``: shocks (dated anchors and law, turnover, budget
    floors, abolition of offices, Senate and state elections); the administration (relaunch,
    anchor, budget, know-how); the responses (signal, fatigue, mobilisation, anchors, grant
    dependence); commitments; funding; companies; coalitions; state offices; Senate; DPAs;
    international commitments; effort; momentum; the record.
    """
    turnover, review, elections = generator_at(rng[0]), generator_at(rng[1]), generator_at(rng[2])
    offices, recruitment, leaving = generator_at(rng[3]), generator_at(rng[4]), generator_at(rng[5])
    bills, passage = generator_at(rng[6]), generator_at(rng[7])
    guidance_draws, international = generator_at(rng[8]), generator_at(rng[9])
    start = int(P[L.P_START])
    seat = int(P[L.P_SEAT])
    has_senate = P[L.P_SENATE] >= 0
    while S[L.S_MONTH] <= last:
        month = int(S[L.S_MONTH])
        if phase == 0:
            due = shocks_before_turnover(P, S, month, da_month, da_kind, an_kind, an_source,
                                         an_since, an_honoured, turnover_at, turnover)  # fmt: skip
            if due or month == P[L.P_DPA_ABOLITION]:
                S[L.S_TURNOVER_DUE] = 1.0 if due else 0.0
                return L.PYTHON_EVENT
        phase = 0
        # shocks after the turnover
        honour_floors(S, month, kinds, an_kind, an_honoured, review)
        if month == P[L.P_OFFICES_ABOLITION]:
            ai_office[:] = False
            S[L.S_OFFICES_ABOLISHED] = 1.0
        if has_senate and senate_election_at[month - start]:
            senate = np.full(1, int(P[L.P_SENATE]), np.int64)
            renew_anchors(P, anchor, base_anchor, senate, elections)
            S[L.S_PENDING] = 0.0
        hold_state_elections(P, month, anchor, base_anchor, c, ai_office, state_idx,
                             state_offset, elections)  # fmt: skip
        # the administration
        n_made = int(S[L.S_N_MADE])
        intl_on = active(tactic_start, L.T_INTERNATIONAL, month)
        pull = international_pull(P, month, intl_on, made_month, n_made)
        floor = priority_floor(S, kinds, an_kind)
        salience = salience_at[month - start]
        consider_relaunch(P, S, month, salience, pull, floor, relaunch_months)
        set_anchor(P, S, anchor, seat, salience, pull, floor,
                   active(tactic_start, L.T_HANDOVER, month))  # fmt: skip
        set_budget(P, S, month, c[seat], floor, budget_floor(S, kinds, an_kind, an_honoured),
                   active(tactic_start, L.T_EMBEDDING, month))  # fmt: skip
        learn_know_how(P, S)
        # responses to the state
        read_federal_signal(P, S, c[seat], coalition_share(coalition, recruitable_count))
        accumulate_fatigue(P, S)
        mobilise(P, S)
        set_nonstate_anchors(P, S, anchor, base_anchor, nonstate, coalition)
        apply_grant_dependence(P, S, resources, base_resources, nonstate)
        # commitments, funding, companies, coalitions
        update_commitments(P, w_indptr, w_indices, w_data, c, anchor, sus, coalition, co_node)
        hubs_on = active(tactic_start, L.T_HUBS, month)
        allocate_funding(P, S, funding, resources, c, ai_office, state_idx, seat, hubs_on,
                         dpa_node, dpa_alive, intl_share, co_node)  # fmt: skip
        diversified_on = active(tactic_start, L.T_DIVERSIFIED, month)
        clarity = regulatory_clarity(P, S, month, n_guidance, guidance)
        invest_companies(P, S, funding, resources, c, coalition, company_idx, co_node,
                         pairwise_sum(momentum), clarity, diversified_on)  # fmt: skip
        broad_on = active(tactic_start, L.T_BROAD, month)
        for j in range(co_node.shape[0]):
            coalition_step(P, S, j, month, c, anchor, coalition, recruitable, funding, a_indptr,
                           a_indices, a_data, degree, international_ties, co_node, co_founded,
                           co_pooled, co_room, co_coord_start, co_coord_node, co_coord_ptr,
                           co_founders, co_founders_ptr, broad_on, diversified_on, recruitment,
                           leaving)  # fmt: skip
        # states, Senate, DPAs, international commitments
        venue_pressure = P[L.P_VENUE_SHIFT] * S[L.S_MOBILISATION]
        if open_state_offices(P, S, st_indptr, st_indices, st_data, state_degree, c, ai_office,
                              office_opened, state_idx, hubs_on, venue_pressure, offices):  # fmt: skip
            S[L.S_WINS] += 1
        if has_senate:
            senate_step(P, S, month, c, anchor, base_anchor, funding,
                        coalition_share(coalition, recruitable_count),
                        active(tactic_start, L.T_LAW, month),
                        active(tactic_start, L.T_CHAMPIONS, month), an_kind, an_source,
                        an_since, an_honoured, bills, passage)  # fmt: skip
        dpa_step(P, S, month, c, intl_share, dpa_node, dpa_alive, guidance, n_guidance,
                 guidance_draws)  # fmt: skip
        make_international_commitments(P, S, month, c[seat], opp_month, made_month, made_opp,
                                       international)  # fmt: skip
        # effort, momentum, record
        exert_effort(P, S, funding, c, effort, recruitable, coalition, ai_office, state_idx, seat,
                     co_node, intl_idx)  # fmt: skip
        update_momentum(P, effort, type_code, pillar_matrix, momentum, momentum_by_type)
        record(P, S, month, table, months, c, effort, coalition, ai_office, office_opened,
               funding, momentum, momentum_by_type, contribution_types, dpa_alive, n_guidance,
               recruitable_count)  # fmt: skip
        S[L.S_MONTH] = month + 1
    return L.DONE
