"""The model's monthly rules compiled with numba: the default engine of every run.

* :mod:`sim.compiled.rules` -- processes over all actors (commitments, funding, companies,
  state offices and elections, effort, momentum);
* :mod:`sim.compiled.actors` -- the rule-rich actors (administration, responses, anchors,
  Senate, DPA, international commitments);
* :mod:`sim.compiled.coalition` -- coalitions;
* :mod:`sim.compiled.month` -- the month loop and the record;
* :mod:`sim.compiled.sums`, :mod:`sim.compiled.streams` -- numpy's summation and random
  streams inside compiled code;
* :mod:`sim.compiled.layout`, :mod:`sim.compiled.bridge`, :mod:`sim.compiled.cache` -- how the
  model's state reaches the kernels, and where the compiled code is kept.

Each kernel is the compiled twin of a numpy method of the model; the numpy methods are the
reference (``ContinuityModel(cfg, engine="numpy")``) and ``tests/test_compiled_equivalence.py``
checks both give the same floats. docs/ODD.md (2.2) and docs/performance.md say more.
"""
