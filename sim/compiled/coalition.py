"""Compiled coalition rules: found, follow the coordinator, recruit, admit, lose, pool.

Twins of the methods of :class:`sim.agents.coalition.Coalition` (rules and sources in their
docstrings). Coalition ``j`` has its node ``co_node[j]``, founding month ``co_founded[j]``
(-1: never), last month's pooled resources ``co_pooled[j]`` and unused intake places
``co_room[j]``; its coordinators are rows ``co_coord_ptr[j] .. co_coord_ptr[j + 1]`` of
``co_coord_start``/``co_coord_node`` (by start month) and its founders rows of ``co_founders``.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from sim.compiled import layout as L
from sim.compiled.rules import pymin, row_product
from sim.compiled.sums import pairwise_sum
from sim.state import FEDERAL, INTERNATIONAL, OWN


@njit(cache=True)
def is_active(co_founded, j, month):
    """Founded by this month."""
    return co_founded[j] >= 0 and month >= co_founded[j]


@njit(cache=True)
def grant_each(S, co_founded, month):
    """The federal coalition grants shared equally among active coalitions."""
    active = 0
    for j in range(co_founded.shape[0]):
        if is_active(co_founded, j, month):
            active += 1
    return S[L.S_LINE_COALITION_GRANTS] / active if active else 0.0


@njit(cache=True)
def found(j, coalition, co_founders, co_founders_ptr):
    """Founding members not yet in a coalition join at once."""
    for k in range(co_founders_ptr[j], co_founders_ptr[j + 1]):
        i = co_founders[k]
        if coalition[i] < 0:
            coalition[i] = j


@njit(cache=True)
def follow_coordinator(j, month, c, anchor, co_node, co_coord_start, co_coord_node, co_coord_ptr):
    """The coalition's anchor is its current coordinating institution's commitment."""
    node = -1
    for k in range(co_coord_ptr[j], co_coord_ptr[j + 1]):
        if co_coord_start[k] <= month:
            node = co_coord_node[k]
    if node >= 0:
        anchor[co_node[j]] = c[node]


@njit(cache=True)
def admit(S, j, applicants, eagerness, intake, co_room):
    """At most n₀ (1 + m) a month (fractions carry over), the most eager first."""
    places = intake * (1.0 + S[L.S_MOBILISATION])
    co_room[j] = co_room[j] + places
    room = int(co_room[j] + 1e-9)
    if applicants.shape[0] > room:
        first = np.argsort(eagerness, kind="mergesort")[:room]
        applicants = np.sort(applicants[first])
    co_room[j] = pymin(co_room[j] - applicants.shape[0], places)
    return applicants


@njit(cache=True)
def recruit_members(P, S, j, c, coalition, recruitable, a_indptr, a_indices, a_data, degree,
                    co_pooled, co_room, broad_on, recruitment):  # fmt: skip
    """Non-members join with p_i = 1 − exp(−κ_i (r e_i + o u)), within the intake.

    κ_i = max(0, c_i − θ)/(1 − θ), e_i the share of ties that are members,
    u = min(1, pooled / outreach_cost) × (1 + v m).
    """
    n = c.shape[0]
    outreach = pymin(1.0, co_pooled[j] / P[L.P_OUTREACH_COST])
    theta, outreach_rate = P[L.P_JOIN_THRESHOLD], P[L.P_OUTREACH_RATE]
    if broad_on:
        theta = pymin(theta, P[L.P_BROAD_JOIN_THRESHOLD])
        outreach_rate = outreach_rate * P[L.P_BROAD_OUTREACH_BOOST]
    draws = recruitment.random(n)
    if theta >= 1:
        return
    n_able = 0
    for i in range(n):
        if coalition[i] < 0 and recruitable[i] and c[i] > theta:
            n_able += 1
    if n_able == 0:
        return
    member = np.zeros(n)
    for i in range(n):
        if coalition[i] == j:
            member[i] = 1.0
    outreach = outreach * (1.0 + P[L.P_VENUE_SHIFT] * S[L.S_MOBILISATION])
    rate = P[L.P_RECRUIT_RATE]
    ready = np.empty(n_able, np.int64)
    eagerness = np.empty(n_able)
    n_ready = 0
    for i in range(n):
        if not (coalition[i] < 0 and recruitable[i] and c[i] > theta):
            continue
        exposure = row_product(a_indptr, a_indices, a_data, member, i) / degree[i]
        interest = max(0.0, c[i] - theta) / (1.0 - theta)
        hazard = interest * (rate * exposure + outreach_rate * outreach)
        p_join = 1.0 - np.exp(-hazard)
        if draws[i] < p_join:
            ready[n_ready] = i
            eagerness[n_ready] = draws[i] / p_join
            n_ready += 1
    intake = P[L.P_INTAKE] * (P[L.P_BROAD_OUTREACH_BOOST] if broad_on else 1.0)
    admitted = admit(S, j, ready[:n_ready], eagerness[:n_ready], intake, co_room)
    for k in range(admitted.shape[0]):
        coalition[admitted[k]] = j


@njit(cache=True)
def lose_members(P, j, c, coalition, leaving):
    """Members leave with p = ``leave_rate`` × (1 − c); returns the members who stay."""
    n = c.shape[0]
    draws = leaving.random(n)
    rate = P[L.P_LEAVE_RATE]
    n_members = 0
    for i in range(n):
        if coalition[i] == j:
            n_members += 1
    stay = np.empty(n_members, np.int64)
    n_stay = 0
    for i in range(n):
        if coalition[i] == j:
            if draws[i] < rate * (1.0 - c[i]):
                coalition[i] = -1
            else:
                stay[n_stay] = i
                n_stay += 1
    return stay[:n_stay]


@njit(cache=True)
def pool_funding(P, S, j, month, members, funding, co_node, co_founded, co_pooled,
                 international_ties, diversified_on):  # fmt: skip
    """Pool the coalition's resources by source.

    Dues (``dues_share`` of members' own resources), federal grants, companies' money (set by
    ``invest_companies``), international grants (+ the tactic's).
    """
    share = P[L.P_DUES_SHARE]
    dues = np.empty(members.shape[0])
    for k in range(members.shape[0]):
        i = members[k]
        dues[k] = share * funding[i, OWN]
        funding[i, OWN] = funding[i, OWN] - dues[k]
    node = co_node[j]
    funding[node, OWN] = pairwise_sum(dues)
    funding[node, FEDERAL] = grant_each(S, co_founded, month)
    funding[node, INTERNATIONAL] = P[L.P_COALITION_INTL_GRANT] * international_ties[node]
    if diversified_on:
        funding[node, INTERNATIONAL] = funding[node, INTERNATIONAL] + P[L.P_DIV_INTERNATIONAL_GRANT]
    total = 0.0
    for s in range(4):
        total += funding[node, s]
    co_pooled[j] = total


@njit(cache=True)
def coalition_step(P, S, j, month, c, anchor, coalition, recruitable, funding, a_indptr,
                   a_indices, a_data, degree, international_ties, co_node, co_founded, co_pooled,
                   co_room, co_coord_start, co_coord_node, co_coord_ptr, co_founders,
                   co_founders_ptr, broad_on, diversified_on, recruitment, leaving):  # fmt: skip
    """Found (once), follow the coordinator, recruit, lose members, pool funding."""
    if not is_active(co_founded, j, month):
        return
    if month == co_founded[j]:
        found(j, coalition, co_founders, co_founders_ptr)
    follow_coordinator(j, month, c, anchor, co_node, co_coord_start, co_coord_node, co_coord_ptr)
    recruit_members(P, S, j, c, coalition, recruitable, a_indptr, a_indices, a_data, degree,
                    co_pooled, co_room, broad_on, recruitment)  # fmt: skip
    members = lose_members(P, j, c, coalition, leaving)
    pool_funding(P, S, j, month, members, funding, co_node, co_founded, co_pooled,
                 international_ties, diversified_on)  # fmt: skip
