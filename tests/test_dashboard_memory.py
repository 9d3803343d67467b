"""Nothing of a closed dashboard session stays in memory: no dashboard and no model.

Counted with the garbage collector, not with the process's memory (which is noisy):

* sessions are served for real (Panel's server in this process, opened and closed through
  Bokeh's websocket client, as a browser does); once the server has discarded them, no
  :class:`~experiments.dashboard.Dashboard` and no :class:`~sim.model.ContinuityModel` created
  for them is still alive;
* a model the dashboard replaces (Reset, a control, a preset) and a model nobody holds any more
  are freed at once. Mesa 3.3.1's ``Agent._ids`` held every model ever created (mesa/mesa#3179),
  about 0.6 MB per session; ``sim.agents.base.ActorAgent`` counts agent ids without it.
"""

from __future__ import annotations

import gc
import time
import weakref

import pytest
from dashboard_server import served_dashboard

pn = pytest.importorskip("panel")


def _alive(cls: type) -> list[object]:
    """The instances of ``cls`` the garbage collector still finds after a collection."""
    gc.collect()
    return [o for o in gc.get_objects() if type(o) is cls]


def _new(cls: type, before: weakref.WeakSet) -> int:
    """How many instances of ``cls`` are alive that were not in ``before``."""
    return sum(1 for o in _alive(cls) if o not in before)


def test_a_model_nobody_holds_is_freed():
    from sim.api import load_config
    from sim.model import ContinuityModel

    model = ContinuityModel(load_config([]))
    assert len(model.agents) > 0 and min(a.unique_id for a in model.agents) == 1
    ref = weakref.ref(model)
    del model
    gc.collect()
    assert ref() is None, "a model with no reference left is still in memory"


def test_a_model_replaced_by_reset_is_freed():
    from experiments.dashboard import Dashboard

    d = Dashboard()
    d.advance(3)
    old = weakref.ref(d.model)
    d.reset()
    gc.collect()
    assert d.model is not None and old() is None, "Reset kept the replaced model in memory"
    d.close()


def test_closed_sessions_leave_no_dashboard_and_no_model():
    from bokeh.client import pull_session

    from experiments.dashboard import Dashboard, warm_up
    from sim.model import ContinuityModel

    warm_up()
    dashboards_before = weakref.WeakSet(_alive(Dashboard))  # e.g. other tests' (not ours)
    models_before = weakref.WeakSet(_alive(ContinuityModel))
    with served_dashboard() as (url, session):
        # the session has its own dashboard and model on the server (the test counts them)
        assert _new(ContinuityModel, models_before), "no model was built for the session"
        session.close()
        for _ in range(3):
            pull_session(url=url).close()

        def left() -> tuple[int, int]:
            return _new(Dashboard, dashboards_before), _new(ContinuityModel, models_before)

        deadline = time.monotonic() + 30  # discarded within a second or two; a busy machine
        while any(left()) and time.monotonic() < deadline:
            time.sleep(0.5)
        dashboards, models = left()
        assert dashboards == 0, f"{dashboards} dashboards of closed sessions still in memory"
        assert models == 0, f"{models} models of closed sessions still in memory"
