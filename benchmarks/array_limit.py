"""The array limit: the model's monthly update as bare numpy / scipy.sparse, vs ``model.step``.

    python benchmarks/array_limit.py [--quick] [--out FILE]

:func:`bare_step` does, on plain arrays taken from a built model, every operation of
``ContinuityModel.step`` whose cost grows with the number of actors (see :data:`CONTAINS`),
without the model's Python structure (agents, rule methods, tactics look-ups, recorder).
What it leaves out are the rules of single rich actors, which cost the same at any size
(:data:`LEAVES_OUT`): their scalars are read once from the model and held fixed. The ratio
``model.step / bare_step`` (medians, timed alternately in blocks in one process after the
model's warm-up) is the model's overhead over the array limit.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.sparse._sparsetools import csr_matvec

if __package__ in (None, ""):  # run as a file: make ``benchmarks`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import (  # noqa: E402
    QUICK_SIZES,
    SIZES,
    build_model,
    fmt_time,
    measured,
    parser,
    steps_left,
    synthetic_config,
    time_calls,
    warm_up,
    write_json,
)

CONTAINS = (
    "commitment: c = clip(s*(W@c) + (1-s)*a, 0, 1) with the coalition member pull (1 SpMV)",
    "funding by source: own resources, state office budgets and transfers ~ commitment",
    "company investment (momentum/clarity drive), coalition share, bincount pooling",
    "each coalition: exposure A@member/degree (1 SpMV), join hazard, N uniform draws, joins;"
    " leaving draws; dues moved to the coalition",
    "states: office hazard from commitment and peer offices (state-state SpMV), draws",
    "effort = commitment x funding (companies: investment), engagement factors by type",
    "momentum stock by pillar and by type (bincount + 8x5 matrix product)",
    "the month's O(N) aggregates the recorder needs (members, offices, funding totals)",
)
"""What :func:`bare_step` contains. Each is written the fast way numpy/scipy allow (sparse
products straight through scipy's ``csr_matvec`` kernel, the N x 4 funding table read through
column views, row and column sums of it column by column), so the ratio is to the array limit,
not to a naive transcription."""

LEAVES_OUT = (
    "administration: anchor, budget lines, know-how (scalars, held fixed)",
    "Senate bills and votes; DPA guidance and its international grant; international"
    " commitments; regulatory clarity (scalars)",
    "coalition founding, coordinator hand-over, federal and international grants (scalars)",
    "shocks: turnovers, abolitions, Senate and state elections (occasional, O(states))",
    "the recorder's scalar columns and the tactics look-ups",
)
"""What :func:`bare_step` leaves out (per rich actor, O(1) in the number of actors)."""

STEPS = {1_000: 60, 10_000: 60, 100_000: 30, 1_000_000: 20}
BLOCK = 5
OWN_, FEDERAL_, PRIVATE_ = 1, 0, 2  # columns of sim.state.SOURCES (federal, own, private, ...)


@dataclass
class Bare:
    """Plain arrays and constants copied from a model: the state :func:`bare_step` advances."""

    W: object  # row-normalised influence weights (CSR)
    A: object  # adjacency (CSR)
    degree: np.ndarray
    c: np.ndarray
    a: np.ndarray
    s: np.ndarray
    resources: np.ndarray
    funding: np.ndarray
    effort: np.ndarray
    coalition: np.ndarray
    type_code: np.ndarray
    ai_office: np.ndarray
    office_opened: np.ndarray
    recruitable: np.ndarray
    coalition_nodes: np.ndarray
    state_idx: np.ndarray
    company_idx: np.ndarray
    intl_idx: np.ndarray
    state_ties: object
    state_degree: np.ndarray
    pillar_matrix: np.ndarray
    momentum: np.ndarray
    momentum_by_type: np.ndarray
    seat: int
    k: dict  # scalar constants and the rich actors' scalars, fixed
    rng: np.random.Generator


def from_model(model, seed: int = 0) -> Bare:
    """Copy the arrays and the constants :func:`bare_step` needs from a built model."""
    st, p = model.state, model.params
    adm = model.administration
    k = {
        "pull": p.commitment.member_pull,
        "federal_program": adm.lines["federal_program"],
        "state_transfers": adm.lines["state_transfers"],
        "office_budget": p.states.office_budget,
        "initiative_rate": p.states.initiative_rate,
        "initiative_threshold": p.states.initiative_threshold,
        "imitation_rate": p.states.imitation_rate,
        "no_office_engagement": p.states.no_office_engagement,
        "base_investment": p.companies.base_investment,
        "momentum_response": p.companies.momentum_response,
        "momentum_reference": p.companies.momentum_reference,
        "clarity_response": p.companies.clarity_response,
        "clarity": model.regulatory_clarity(),
        "company_share": p.companies.coalition_share,
        "join_threshold": p.coalition.join_threshold,
        "recruit_rate": p.coalition.recruit_rate,
        "outreach_rate": p.coalition.outreach_rate,
        "outreach": [min(1.0, c.pooled / p.coalition.outreach_cost) for c in model.coalitions],
        "leave_rate": p.coalition.leave_rate,
        "dues_share": p.coalition.dues_share,
        "nonmember_engagement": p.coalition.nonmember_engagement,
        "coordination_gain": p.coalition.coordination_gain,
        "knowhow": model.federal_knowhow,
        "decay": p.momentum.decay,
        "efficiency": p.momentum.efficiency,
    }
    return Bare(
        W=model.weights.copy(),
        A=model.adjacency.copy(),
        degree=model.degree.copy(),
        c=st.commitment.copy(),
        a=st.anchor.copy(),
        s=st.susceptibility.copy(),
        resources=st.resources.copy(),
        funding=st.funding.copy(),
        effort=st.effort.copy(),
        coalition=st.coalition.copy(),
        type_code=st.type_code.copy(),
        ai_office=st.ai_office.copy(),
        office_opened=st.office_opened.copy(),
        recruitable=model.recruitable.copy(),
        coalition_nodes=model.coalition_nodes.copy(),
        state_idx=model.state_idx.copy(),
        company_idx=model.company_idx.copy(),
        intl_idx=model.intl_idx.copy(),
        state_ties=model.state_ties.copy(),
        state_degree=model.state_degree.copy(),
        pillar_matrix=model.pillar_matrix.copy(),
        momentum=model.momentum.copy(),
        momentum_by_type=model.momentum_by_type.copy(),
        seat=model.seat,
        k=k,
        rng=np.random.default_rng(seed),
    )


def matvec(matrix, v: np.ndarray) -> np.ndarray:
    """``matrix @ v`` for a float64 CSR matrix: scipy's kernel without the operator dispatch."""
    out = np.zeros(matrix.shape[0])
    csr_matvec(*matrix.shape, matrix.indptr, matrix.indices, matrix.data, v, out)
    return out


def bare_commitment(x: Bare) -> np.ndarray:
    """The Friedkin–Johnsen update with the coalition member pull, clipped to [0, 1]."""
    new = x.s * matvec(x.W, x.c) + (1.0 - x.s) * x.a
    members = np.flatnonzero(x.coalition >= 0)
    hub = x.coalition_nodes[x.coalition[members]]
    new[members] += x.k["pull"] * (x.c[hub] - new[members])
    np.clip(new, 0.0, 1.0, out=new)
    return new


def bare_step(x: Bare) -> tuple[int, int, list[float]]:
    """One month of the actor-count-dependent updates (:data:`CONTAINS`), in the model's order."""
    k, f, rng = x.k, x.funding, x.rng
    own, federal, private = f[:, OWN_], f[:, FEDERAL_], f[:, PRIVATE_]  # column views
    x.c = c = bare_commitment(x)
    # funding by source
    f[:] = 0.0
    own[:] = x.resources
    own[x.seat] = 0.0
    federal[x.seat] = k["federal_program"]
    s = x.state_idx
    own[s] += k["office_budget"] * x.ai_office[s]
    federal[s] = k["state_transfers"] * c[s] / c[s].sum()
    own[x.coalition_nodes] = 0.0
    # companies invest; members give a share to their coalition
    m = x.momentum.sum()
    drive = (
        k["base_investment"]
        + k["momentum_response"] * m / (m + k["momentum_reference"])
        + k["clarity_response"] * k["clarity"]
    )
    i = x.company_idx
    invest = x.resources[i] * c[i] * drive
    member = x.coalition[i]
    joined = member >= 0
    given = np.where(joined, invest * k["company_share"], 0.0)
    own[i] = 0.0
    private[i] = invest - given
    pooled = np.bincount(member[joined], weights=given[joined], minlength=len(x.coalition_nodes))
    private[x.coalition_nodes] = pooled
    # coalitions recruit, lose members and collect dues
    interest = np.maximum(0.0, c - k["join_threshold"]) / (1.0 - k["join_threshold"])
    for number, node in enumerate(x.coalition_nodes):
        exposure = matvec(x.A, (x.coalition == number).astype(float)) / x.degree
        hazard = interest * (
            k["recruit_rate"] * exposure + k["outreach_rate"] * k["outreach"][number]
        )
        draws = rng.random(c.size)
        x.coalition[(x.coalition < 0) & x.recruitable & (draws < 1.0 - np.exp(-hazard))] = number
        members = np.flatnonzero(x.coalition == number)
        leaving = rng.random(members.size) < k["leave_rate"] * (1.0 - c[members])
        x.coalition[members[leaving]] = -1
        members = members[~leaving]
        dues = k["dues_share"] * own[members]
        own[members] -= dues
        own[node] = dues.sum()
    # states open offices (own initiative + imitation of tied states)
    office = x.ai_office[s]
    exposure = matvec(x.state_ties, office.astype(float)) / x.state_degree
    theta = k["initiative_threshold"]
    hazard = k["initiative_rate"] * np.maximum(0.0, c[s] - theta) / (1.0 - theta)
    hazard += k["imitation_rate"] * exposure
    x.ai_office[s] = office | (rng.random(s.size) < 1.0 - np.exp(-hazard))
    x.office_opened[s] |= x.ai_office[s]
    # effort and momentum
    total = f[:, 0] + f[:, 1] + f[:, 2] + f[:, 3]  # row sums, column by column
    effort = c * total
    effort[x.seat] = total[x.seat] * (0.5 + 0.5 * k["knowhow"])
    effort[i] = total[i]
    effort[x.recruitable & (x.coalition < 0)] *= k["nonmember_engagement"]
    effort[s] *= np.where(x.ai_office[s], 1.0, k["no_office_engagement"])
    effort[x.coalition_nodes] *= k["coordination_gain"]
    effort[x.intl_idx] = 0.0
    x.effort = effort
    by_type = np.bincount(x.type_code, weights=effort, minlength=8)
    x.momentum = (1.0 - k["decay"]) * x.momentum + k["efficiency"] * (by_type @ x.pillar_matrix)
    x.momentum_by_type = (1.0 - k["decay"]) * x.momentum_by_type + k["efficiency"] * by_type
    # the month's O(N) aggregates for the record
    return (
        int(np.count_nonzero(x.coalition >= 0)),
        int(np.count_nonzero(x.ai_office)),
        [f[:, j].sum() for j in range(f.shape[1])],
    )


def check_commitment(model) -> float:
    """Largest difference between the bare commitment update and the model's, from one state."""
    expected = bare_commitment(from_model(model))
    model.update_commitments()
    return float(np.max(np.abs(model.state.commitment - expected)))


def measure_size(n: int, quick: bool) -> dict:
    """Model step vs bare step at ``n`` agents (alternating blocks, medians)."""
    model, _, _ = build_model(synthetic_config(n))
    warm_up(model)
    diff = check_commitment(model)  # an extra commitment update: harmless for timing
    x = from_model(model)
    bare_step(x)  # warm-up
    repeat = min(STEPS[n] // (2 if quick else 1), steps_left(model))
    ours, bare = [], []
    while len(ours) < repeat:
        block = min(BLOCK, repeat - len(ours))
        ours += time_calls(model.step, block)
        bare += time_calls(lambda: bare_step(x), block)
    return {
        "agents": n,
        "edges": model.adjacency.nnz // 2,
        "model_step_s": measured(ours),
        "bare_step_s": measured(bare),
        "bare_per_agent_step_s": measured([t / n for t in bare]),
        "model_over_bare": measured(ours)["median"] / measured(bare)["median"],
        "commitment_check_max_abs_diff": diff,
    }


def main(argv: list[str] | None = None) -> dict:
    """Measure every size; print what the bare step contains and the ratios."""
    args = parser(__doc__.splitlines()[0]).parse_args(argv)
    sizes = QUICK_SIZES if args.quick else SIZES
    print("array limit: model.step vs the same O(N) update as bare numpy/scipy.sparse")
    print("  bare step contains:")
    for line in CONTAINS:
        print(f"    + {line}")
    print("  and leaves out (per rich actor, O(1) in N):")
    for line in LEAVES_OUT:
        print(f"    - {line}")
    results = {"contains": list(CONTAINS), "leaves_out": list(LEAVES_OUT), "sizes": {}}
    for n in sizes:
        r = measure_size(n, args.quick)
        results["sizes"][str(n)] = r
        print(
            f"  {n:>9,} agents  model {fmt_time(r['model_step_s']['median']):>9}  bare "
            f"{fmt_time(r['bare_step_s']['median']):>9}  model/bare {r['model_over_bare']:5.2f}x"
            f"  (median of {len(r['bare_step_s']['repeats'])}; commitment check "
            f"{r['commitment_check_max_abs_diff']:.1e})"
        )
    write_json(args.out, results)
    return results


if __name__ == "__main__":
    main()
