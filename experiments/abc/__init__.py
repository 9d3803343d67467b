"""``continuity calibrate``: ABC-SMC (pyabc) of a case's behavioural parameters.

The parameters are inferred from the case's patterns and quantitative facts
(docs/calibration.md).
"""
