"""Where each number lives in the flat arrays the compiled month reads and writes.

The compiled rules cannot read Python objects, so the model hands them three float arrays:
``P`` the run's constants (parameters, tactic strengths, calendar months), ``S`` the scalar
state of the rule-rich actors (the administration, the Senate, the response stocks, counters)
and, per month, one row of the recorder. The names below are their slots; :mod:`sim.compiled.bridge`
fills and reads them.
"""

from __future__ import annotations

P_NAMES = (
    # calendar
    "start", "end", "state_cycle", "offices_abolition", "dpa_abolition", "law_enacted",
    "turnover_mode",
    "turnover_hazard", "cut_size", "cut_duration", "cut_state_transfers", "cut_coalition_grants",
    "cut_federal_program", "seat", "senate", "clarity_memory",
    # commitment, states, elections
    "member_pull", "office_budget", "initiative_threshold", "imitation_rate", "initiative_rate",
    "close_at_election", "no_office_engagement", "fresh_concentration", "renewal",
    # coalition
    "nonmember_engagement", "coordination_gain", "outreach_cost", "join_threshold",
    "outreach_rate", "recruit_rate", "intake", "leave_rate", "dues_share",
    # companies, momentum, clarity
    "base_investment", "momentum_response", "momentum_reference", "clarity_response",
    "company_coalition_share", "decay", "efficiency", "clarity_law", "clarity_per_guidance",
    # DPA, international
    "dpa_international_grant", "guidance_rate", "network_boost", "coalition_intl_grant",
    "intl_anchor_boost", "intl_half_life", "join_base",
    # turnover, federal
    "salience_weight", "coalition_pressure", "international_pressure", "relaunch_delay",
    "relaunch_threshold", "relaunch_priority", "adjust_rate", "base_budget", "budget_adjust",
    "state_transfer_share", "coalition_grant_share", "learning_rate",
    # responses
    "withdrawal_tolerance", "capacity_reference", "fatigue_rate", "fatigue_recovery",
    "mobilisation", "signal", "fatigue_effect", "venue_shift", "federal_dependence",
    # Senate
    "coalition_lobbying", "base_support", "bill_rate", "passage_rate",
    # tactic strengths (at their effort)
    "law_bill_boost", "law_passage_boost", "div_private_boost", "div_international_grant",
    "hubs_initiative_threshold", "hubs_office_grant", "hubs_imitation_boost",
    "broad_join_threshold", "broad_outreach_boost", "intl_anchor_multiplier",
    "intl_tactic_half_life", "champions_anchor_boost", "champions_committee_budget",
    "embedding_protected_share", "handover_inherited_fading",
)  # fmt: skip
"""The run's constants, in the order of ``P``."""

S_NAMES = (
    "month", "knowhow", "appropriation", "appropriation_set", "law_in_force", "law_passed",
    "ecosystem_investment", "priority_peak", "budget_peak", "withdrawal", "capacity",
    "mobilisation", "fatigue", "wins", "agenda", "inherited", "endogenous", "took_office",
    "relaunched", "budget", "line_state_transfers", "line_coalition_grants",
    "line_federal_program", "bills", "pending", "n_anchors", "n_made", "n_relaunches",
    "cut_start", "offices_abolished", "rec_n", "turnover_due",
)  # fmt: skip
"""The scalar state, in the order of ``S`` (whole numbers are stored exactly as floats;
-1 stands for "none yet": no law passed, no cut started)."""

TACTIC_ORDER = (
    "law", "diversified_funding", "subnational_hubs", "broad_coalition",
    "international_commitments", "senate_champions", "bureaucratic_embedding",
    "transition_briefings",
)  # fmt: skip
"""Rows of the tactic start months (``sim.tactics.TACTIC_NAMES`` order)."""

TACTIC_CODES = (
    "LAW", "DIVERSIFIED", "HUBS", "BROAD", "INTERNATIONAL", "CHAMPIONS", "EMBEDDING", "HANDOVER",
)  # fmt: skip
"""Short names of the tactic rows: ``T_<code>`` (``HANDOVER``: ``transition_briefings``)."""

ANCHOR_FIELDS = (
    "review_survival", "budget_floor", "floor_reliability", "priority_floor", "embedded_share",
    "branding_relief",
)  # fmt: skip
"""Columns of the anchor-kind table (one row per ``sim.config.ANCHOR_KINDS`` kind)."""

for _i, _name in enumerate(P_NAMES):
    globals()["P_" + _name.upper()] = _i
for _i, _name in enumerate(S_NAMES):
    globals()["S_" + _name.upper()] = _i
for _i, _name in enumerate(TACTIC_CODES):
    globals()["T_" + _name] = _i
for _i, _name in enumerate(ANCHOR_FIELDS):
    globals()["A_" + _name.upper()] = _i
del _i, _name

STATUTE = 3
"""Row of ``statute`` in the anchor-kind table (``ANCHOR_KINDS`` order)."""

DONE, PYTHON_EVENT = 0, 1
"""What a compiled stretch of months ends with: the last month done, or a month whose turnover
or abolition the Python agents handle (the month is then half done: see ``bridge.advance``)."""
