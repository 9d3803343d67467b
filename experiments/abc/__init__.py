"""``continuity calibrate``: approximate Bayesian computation (ABC-SMC, pyabc) of a case's
behavioural parameters against its patterns and quantitative facts (docs/calibration.md).
"""
