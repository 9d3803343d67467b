"""The cross-case pattern kinds and a spec's observed outcome, on small hand-built runs.

``federal_outcome`` compares the successor's federal effort with the predecessor's last year;
``relaunch`` reads the cumulative count of re-launches. Each test removes the cause and checks
that the pattern flips.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from experiments.case_patterns import FederalOutcome, Relaunch
from experiments.pattern_spec import load_spec, parse_spec
from experiments.pattern_windows import parse_window
from experiments.patterns import Run
from sim.dates import format_month, parse_month
from sim.errors import InputError

T0 = parse_month("2022-03")
START = parse_month("2019-01")


def run(kept: float, relaunch_at: int | None = None) -> Run:
    """Effort 1.0 before T0, ``kept`` after; a re-launch ``relaunch_at`` months after T0."""
    m = np.arange(START, START + 120)
    effort = np.where(m < T0, 1.0, kept)
    relaunches = np.zeros(m.size, dtype=int)
    if relaunch_at is not None:
        relaunches[m >= T0 + relaunch_at] = 1
    ts = pd.DataFrame(
        {"date": [format_month(x) for x in m], "federal_effort": effort, "relaunches": relaunches}
    )
    return Run(ts, {"reference_date": format_month(T0), "launch_date": "2021-12"})


def outcome(survives: bool) -> FederalOutcome:
    return FederalOutcome(parse_window("T0-12..T0-1"), parse_window("T0+24..T0+35"), 0.5, survives)


@pytest.mark.parametrize(
    ("kept", "survived"), [(0.9, True), (0.5, True), (0.49, False), (0.0, False)]
)
def test_federal_outcome_is_the_share_of_effort_the_successor_keeps(kept, survived):
    r = run(kept)
    assert outcome(True).retention(r) == pytest.approx(kept)
    assert outcome(True).holds(r) is survived
    assert outcome(False).holds(r) is (not survived)


def test_no_federal_effort_before_the_turnover_is_neither_survival_nor_death():
    r = run(0.0)
    r.ts["federal_effort"] = 0.0
    assert not outcome(True).holds(r) and not outcome(False).holds(r)


def test_relaunch_counts_only_inside_its_window():
    within = Relaunch(parse_window("T0+18..T0+36"), True)
    never = Relaunch(parse_window("T0+18..T0+36"), False)
    assert within.holds(run(0.2, relaunch_at=26)) and not never.holds(run(0.2, relaunch_at=26))
    assert not within.holds(run(0.2, relaunch_at=40)) and never.holds(run(0.2, relaunch_at=40))
    assert not within.holds(run(0.2)) and never.holds(run(0.2))


SPEC = """
case: atlantis
control: no_anchor
control_removes: the anchors
outcome: {observed: survives, text: "kept and updated", evidence: 4}
metrics: {momentum_late: "T0+30..T0+36"}
patterns:
  federal_outcome:
    control_fails: true
    before: "T0-12..T0-1"
    after: "T0+24..T0+35"
    threshold: 0.5
    survives: true
    source: a citation
"""


def test_a_spec_with_an_outcome_and_a_control_that_is_not_the_turnover():
    import yaml

    spec = parse_spec(yaml.safe_load(SPEC), Path("atlantis.yaml"))
    assert spec.outcome.observed == "survives" and spec.outcome.evidence == 4
    assert spec.control_removes == "the anchors"
    assert [p.name for p in spec.turnover_caused] == ["federal_outcome"]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("evidence: 4", "evidence: 9", "outcome.evidence: 9 is not a whole number from 1 to 5"),
        ("observed: survives", "observed: maybe", "outcome.observed: 'maybe'"),
        ("federal_outcome:", "relaunch_outcome:", "unknown pattern kind"),
    ],
)
def test_bad_outcomes_are_named(old, new, message):
    import yaml

    with pytest.raises(InputError) as err:
        parse_spec(yaml.safe_load(SPEC.replace(old, new)), Path("atlantis.yaml"))
    assert any(message in p for p in err.value.problems)


def test_an_outcome_needs_the_federal_outcome_pattern():
    import yaml

    data = yaml.safe_load(SPEC)
    data["patterns"] = {
        "relaunch": {
            "control_fails": False,
            "within": "T0..T0+12",
            "expected": False,
            "source": "x",
        }
    }
    with pytest.raises(InputError) as err:
        parse_spec(data, Path("atlantis.yaml"))
    assert "needs a federal_outcome pattern" in str(err.value.problems)


@pytest.mark.parametrize("case", ["mexico", "chile", "colombia", "argentina", "brazil"])
def test_every_case_states_its_outcome_on_the_same_definition(case):
    spec = load_spec(case)
    assert spec.outcome is not None
    check = next(p.check for p in spec.patterns if p.name == "federal_outcome")
    assert (str(check.before), str(check.after), check.threshold) == (
        "T0−12..T0−1",
        "T0+24..T0+35",
        0.5,
    )
    assert check.survives is (spec.outcome.observed == "survives")
