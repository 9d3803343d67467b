"""numpy's summation, written out, so compiled sums give numpy's floats bit for bit.

``np.add.reduce`` (what ``ndarray.sum`` runs) adds a contiguous float64 vector by pairwise
summation: fewer than 8 numbers one after the other from 0.0; up to 128 in eight interleaved
partial sums combined as ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7)), then the remainder;
longer vectors split in two at a multiple of 8 near the middle, each half summed the same way.
The split is written with an explicit stack: a self-recursive cached function can crash a
second process that loads the cache (numba issue 6061).
"""

from __future__ import annotations

import numpy as np
from numba import njit

_BLOCK = 128


@njit(cache=True)
def _block_sum(a, lo, n):
    """Numpy's sum of ``a[lo:lo + n]`` for n ≤ 128 (no split)."""
    if n < 8:
        res = 0.0
        for i in range(n):
            res += a[lo + i]
        return res
    r0, r1, r2, r3 = a[lo], a[lo + 1], a[lo + 2], a[lo + 3]
    r4, r5, r6, r7 = a[lo + 4], a[lo + 5], a[lo + 6], a[lo + 7]
    i = 8
    stop = n - n % 8
    while i < stop:
        r0 += a[lo + i]
        r1 += a[lo + i + 1]
        r2 += a[lo + i + 2]
        r3 += a[lo + i + 3]
        r4 += a[lo + i + 4]
        r5 += a[lo + i + 5]
        r6 += a[lo + i + 6]
        r7 += a[lo + i + 7]
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        res += a[lo + i]
        i += 1
    return res


@njit(cache=True)
def pairwise_sum(a):
    """``np.add.reduce(a)`` of a 1-D float64 array, bit for bit (0.0 for an empty one)."""
    n = a.shape[0]
    if n <= _BLOCK:
        return 0.0 + _block_sum(a, 0, n)
    # post-order walk of numpy's split tree: (start, length, phase) frames, values stacked
    los = np.empty(64, np.int64)
    ns = np.empty(64, np.int64)
    phase = np.zeros(64, np.int64)
    vals = np.empty(64)
    top, nv = 0, 0
    los[0], ns[0], phase[0] = 0, n, 0
    while top >= 0:
        lo, m = los[top], ns[top]
        if m <= _BLOCK:
            vals[nv] = _block_sum(a, lo, m)
            nv += 1
            top -= 1
            continue
        half = m // 2
        half -= half % 8
        if phase[top] == 0:
            phase[top] = 1
            top += 1
            los[top], ns[top], phase[top] = lo, half, 0
        elif phase[top] == 1:
            phase[top] = 2
            top += 1
            los[top], ns[top], phase[top] = lo + half, m - half, 0
        else:
            vals[nv - 2] = vals[nv - 2] + vals[nv - 1]
            nv -= 1
            top -= 1
    return 0.0 + vals[0]
