"""The files ``continuity case new NAME`` writes: a small, runnable, commented case folder.

Every value is a placeholder for an imaginary country, marked ``TODO`` where the user must put
their own fact and its citation; ``continuity case check`` lists the ``TODO`` lines left.
The layout and every key are explained in docs/cases.md.
"""

from __future__ import annotations

CASE = """\
# The case's name, title and summary (config group `case`; `continuity run case={name}`).
name: {name}
title: "TODO: Country: the national AI strategy across the YYYY-MM change of government"
summary: >-
  TODO: two or three sentences: what the strategy was, what it rested on (a law, a decree, a
  plan, an agency, nothing), what happened at the change of government and after.
"""

SCENARIO = """\
# The scenario of case {name}: dates, governments, anchors, coalitions, commitments.
# Put the citation of every value in a comment next to it (a document, a law, a press article);
# say "judgement" where a value is yours, and why. Format of every key: docs/cases.md.
name: {name}
start: "2019-01"            # the run's first month (usually = strategy_start)
end: "2030-12"              # the run's last month
strategy_start: "2019-01"   # TODO: the month work on the strategy began (source); its stocks start here
strategy_launch: "2020-06"  # TODO: the month the strategy was adopted or published (source)
reference_date: "2022-03"   # T0 when a run has no turnover: the first turnover below
present: null               # a YYYY-MM month: ask about the first turnover at or after it
law_enacted: null           # a YYYY-MM month puts an AI law in force (only if one passed)

# The governments in the horizon, in order of office; each turnover (shocks) brings the next.
# agenda_priority: the strategy's place on the agenda of the government that launched it, in
# [0, 1] (Mexico's launching government: 0.8); null for successors (the model's turnover rules).
# orientation: the camp, -1 ... +1; opposite camps are 2 apart.
administrations:
  - name: "TODO: President A (2018-2022)"
    agenda_priority: 0.6    # TODO: judgement from the sources (e.g. launched by the presidency)
    orientation: 1.0        # TODO: party (source)
  - name: "TODO: President B (2022-2026)"
    agenda_priority: null
    orientation: -1.0       # TODO: party (source)
  - name: "TODO: President C (2026-2030)"
    agenda_priority: null
    orientation: -1.0       # TODO: party (source)

# What the strategy rests on, each from a month on. Kinds, weakest to strongest:
# ministerial_order, decree, plan (a plan with legal standing), agency, statute. [] = none.
anchors:
  - kind: decree
    name: "TODO: Decree NN/2020 adopting the national AI policy"
    date: "2020-06"         # TODO: the month it took effect (source)

# Public salience of AI, 0-1, from each month on (Mexico's series; keep it unless you have one).
salience:
  - date: "2017-01"
    value: 0.2
  - date: "2023-01"
    value: 0.6

federal_dependence: 0.2     # TODO: share of non-state actors' AI work paid by the government

coalitions_active: true
# Standing multi-stakeholder coalitions (a node of type coalition in actors.csv each);
# [] if none is documented. Do not add a coalition node to actors.csv without an entry here.
coalitions:
  - node: example_coalition
    founded: "2020-01"      # TODO: (source)
    coordinators:
      - node: example_university
        start: "2020-01"    # TODO: (source)

# International commitments the country made, with their months.
international_opportunities:
  - name: "OECD AI Principles"
    date: "2019-05"         # TODO: only if the country adhered (source)
"""

SHOCKS = """\
# What the world does in case {name}: turnovers, the funding cut, abolitions, elections.
turnover:
  mode: dates
  dates: ["2022-03", "2026-03"]  # TODO: the months each new government took office (source)
  first: "2022-03"
  term_months: 48
  hazard: 0.0
funding_cut:
  size: 0.0                 # TODO: share of the strategy's budgets cut (0 = kept, 1 = all)
  start: with_turnover      # or a YYYY-MM month
  duration_months: null     # null = to the end of the horizon
  budgets: [federal_program, state_transfers, coalition_grants]
abolition:
  dpa: null                 # a YYYY-MM month if the data-protection authority was abolished
  ai_offices: null
elections:
  senate: ["2021-11", "2025-11"]  # TODO: legislative elections (source)
  state_cycle_months: 48    # TODO: governors' term in months (0: not elected)
  state_calendar:           # one governor election of each state id (else a random month)
    state_north: "2021-05"  # TODO: (source)
  renewal: 0.5              # behavioural: keep as is
  fresh_concentration: 7.0  # behavioural: keep as is
"""

NETWORK = """\
# The stakeholder network of case {name}: actors.csv and ties.csv of this folder plus a
# generated pool of companies and organisations tied to the hubs.
kind: case
data: {name}                # the case whose actors.csv and ties.csv are used
hubs: [example_university, example_coalition]  # named actors the generated pool ties to
organizations_pool: 60      # TODO: organisations that could join (e.g. the consultation's size)
companies: 20               # companies (at least 10: one per sector)
"""

PATTERNS = """\
# What happened in case {name}, checked by `continuity validate case={name}`.
# Windows are months from T0 (the first turnover after the launch) or from the launch.
case: {name}
control: no_anchor          # the negative control: the same case without its anchors
control_removes: the strategy's anchors
counterfactuals: [no_anchor, decree_at_launch, deep_cut]

outcome:
  observed: survives        # TODO: survives | dies (the federal strategy, at T0)
  text: >-
    TODO: what happened after the change of government, with dates.
  evidence: 3               # 1 (thin) to 5 (solid)

metrics:
  momentum_late: "T0+30..T0+36"

patterns:
  federal_outcome:          # the same definition in every case: do not change the numbers
    control_fails: true
    before: "T0-12..T0-1"
    after: "T0+24..T0+35"
    threshold: 0.5
    survives: true          # TODO: true if the strategy survived, false if it died
    source: >-
      TODO: the citation of the outcome.
"""

ACTORS = """\
id,type,name,sector,founding_member,commitment,resources,source
federal,administration,Federal administration seat,,false,0.6,10,"TODO: the office that launched the strategy (source); commitment = the launching government's agenda_priority; resources as in Mexico"
senate,senate,Senate,,false,0.3,1,"TODO: (source); commitment and resources as in Mexico"
dpa,dpa,Data-protection authority,,false,0.6,0.8,"TODO: (source); as in Mexico"
state_north,state,North,,false,0.2,0.5,"TODO: the constitution's list of subnational units; as in Mexico"
state_south,state,South,,false,0.2,0.5,"TODO: (source); as in Mexico"
example_coalition,coalition,Example coalition,,false,0.9,1,"TODO: (source)"
example_university,organization,Example university,,true,0.7,0.3,"TODO: founding member (source)"
example_ngo,organization,Example NGO,,true,0.7,0.1,"TODO: founding member (source)"
oecd,international,OECD,,false,0.8,0,"TODO: adhered to the OECD AI Principles (source)"
"""

TIES = """\
source_id,target_id,weight,citation
example_university,example_coalition,1.0,"TODO: chairs the coalition (source)"
example_ngo,example_coalition,0.8,"TODO: founding member (source)"
federal,example_university,0.5,"TODO: co-wrote the strategy (source)"
federal,oecd,0.7,"TODO: adhered to the OECD AI Principles (source)"
senate,example_coalition,0.4,"TODO: hearings (source)"
dpa,federal,0.4,"TODO: standing institutional relation (source)"
"""

README = """\
# Case {name}

TODO: the case in words — the strategy, its anchors, the change(s) of government, the funding
after, what happened, with dates.

## Sources

TODO: one line per source used in the files of this folder.

## What is judgement

TODO: every value that is a judgement, and the rule used (e.g. commitments as in Mexico).
"""

FILES: dict[str, str] = {
    "case/{name}.yaml": CASE,
    "scenario/{name}.yaml": SCENARIO,
    "shocks/{name}.yaml": SHOCKS,
    "network/{name}.yaml": NETWORK,
    "patterns/{name}.yaml": PATTERNS,
    "actors.csv": ACTORS,
    "ties.csv": TIES,
    "README.md": README,
}
"""Relative path → text; ``{name}`` is the case's name in both."""
