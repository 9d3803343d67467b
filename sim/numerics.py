"""Numeric helpers that exist for speed: bit-exact sums and direct CSR kernels.

The rules in :mod:`sim.rules` read like the ODD; the helpers here compute the same floats as the
plain numpy/scipy expressions they replace (``table.sum(axis=1)``, ``np.bincount``, ``A @ x``),
only with less call overhead. ``tests/test_performance_equivalence.py`` checks each against the
plain expression.
"""

from __future__ import annotations

import numpy as np

try:  # scipy's own CSR kernels, called without the operator dispatch (~10 µs a call)
    from scipy.sparse._sparsetools import csr_matvec as _csr_matvec
    from scipy.sparse._sparsetools import csr_row_index as _csr_row_index
except ImportError:  # pragma: no cover - a scipy that moved them: use the operator
    _csr_matvec = _csr_row_index = None


_sum = np.add.reduce  # what ndarray.sum calls, without its Python-level wrapper
try:
    _clip = np._core.umath.clip  # the ufunc np.clip calls (same kernel, same NaN and ±0 rules)
except AttributeError:  # pragma: no cover - another numpy layout
    _clip = np.clip


def row_sums(table: np.ndarray) -> np.ndarray:
    """``table.sum(axis=1)`` of a float64 table with a few columns, bit for bit, but faster.

    numpy sums a row shorter than 8 entries from 0.0 one entry after the other (its pairwise
    summation only splits longer runs), so ``((0 + t0) + t1) + ...`` column by column gives the
    same floats (signed zeros included) without the slow reduction over short rows.
    ``tests/test_performance_equivalence.py`` checks the two agree.
    """
    if table.ndim != 2 or table.shape[1] >= 8 or table.dtype != np.float64:
        return _sum(table, axis=1)
    out = np.zeros(table.shape[0])
    for j in range(table.shape[1]):
        out += table[:, j]
    return out


class _PickedSums:
    """Sums of a C-contiguous float64 table as one ``csr_matvec`` with a fixed 0/1 pattern.

    Row ``i`` of the pattern picks, from the flattened table, the entries that numpy would add
    for output ``i``, in numpy's order; each times 1.0 is exact, so the result is bit for bit
    numpy's. Subclasses set the pattern (``_indptr``, ``_indices``), the output length and the
    fallback for tables the pattern does not fit.
    """

    def __init__(self, n_rows: int, n_cols: int, n_out: int, usable: bool):
        self.shape = (n_rows, n_cols)
        self._n_out = n_out
        size = n_rows * n_cols
        self._fast = _csr_matvec is not None and 0 < size < 2**31 - 1 and usable
        if self._fast:
            self._data = np.ones(size)

    def _fallback(self, table: np.ndarray) -> np.ndarray:  # pragma: no cover - overridden
        raise NotImplementedError

    def __call__(self, table: np.ndarray) -> np.ndarray:
        """The sums of ``table``."""
        if (
            not self._fast
            or table.shape != self.shape
            or table.dtype != np.float64
            or not table.flags.c_contiguous
        ):
            return self._fallback(table)
        out = np.zeros(self._n_out)
        n_in = self.shape[0] * self.shape[1]
        _csr_matvec(self._n_out, n_in, self._indptr, self._indices, self._data, table.ravel(), out)
        return out


class ColumnSums(_PickedSums):
    """``table.sum(axis=0)`` of a C-contiguous float64 ``(n_rows, n_cols)`` table, bit for bit.

    numpy reduces such a table over axis 0 row after row: each column's sum is
    ``((0 + t[0, j]) + t[1, j]) + ...`` in row order, but with an inner loop of ``n_cols``
    entries per row, which is slow for a few columns. ``csr_matvec`` with a 0/1 matrix whose row
    ``j`` picks ``t[0, j], t[1, j], ...`` of the flattened table adds the same terms (each times
    1.0, exact) in the same order from 0.0, so it gives the same floats several times faster.
    Costs ``12 · n_rows · n_cols`` bytes for the pattern. Other tables go through ``sum``.
    ``tests/test_performance_equivalence.py`` checks the two agree.
    """

    def __init__(self, n_rows: int, n_cols: int):
        super().__init__(n_rows, n_cols, n_cols, usable=True)
        if self._fast:
            size = n_rows * n_cols
            self._indptr = np.arange(0, size + 1, n_rows, dtype=np.int32)
            self._indices = (
                np.arange(0, size, n_cols, dtype=np.int32)[None, :]
                + np.arange(n_cols, dtype=np.int32)[:, None]
            ).ravel()

    def _fallback(self, table: np.ndarray) -> np.ndarray:
        return _sum(table, axis=0)


class RowSums(_PickedSums):
    """``table.sum(axis=1)`` of a C-contiguous float64 ``(n_rows, n_cols)`` table, bit for bit.

    For rows shorter than 8 entries numpy adds each row's entries from 0.0 one after the other
    (see :func:`row_sums`); ``csr_matvec`` with a 0/1 matrix whose row ``i`` picks
    ``t[i, 0], t[i, 1], ...`` of the flattened table adds the same terms (each times 1.0, exact)
    in the same order from 0.0, in one call instead of one per column. Other tables go through
    :func:`row_sums`. ``tests/test_performance_equivalence.py`` checks the two agree.
    """

    def __init__(self, n_rows: int, n_cols: int):
        super().__init__(n_rows, n_cols, n_rows, usable=n_cols < 8)
        if self._fast:
            size = n_rows * n_cols
            self._indptr = np.arange(0, size + 1, n_cols, dtype=np.int32)
            self._indices = np.arange(size, dtype=np.int32)

    def _fallback(self, table: np.ndarray) -> np.ndarray:
        return row_sums(table)


class GroupSums:
    """``np.bincount(codes, weights=w, minlength=n_groups)`` for fixed ``codes``, bit for bit.

    ``bincount`` adds each weight to its group's total from 0.0 in index order; ``csr_matvec``
    with a 0/1 matrix whose row ``g`` lists the indices of group ``g`` in increasing order adds
    the same terms (times 1.0, exact) in the same order from 0.0, with no per-entry branching.
    Weights that are not a float64 vector of ``len(codes)`` go through ``bincount``.
    ``tests/test_performance_equivalence.py`` checks the two agree.
    """

    def __init__(self, codes: np.ndarray, n_groups: int):
        self.codes = np.asarray(codes)
        self.n_groups = max(n_groups, int(self.codes.max()) + 1 if self.codes.size else 0)
        n = self.codes.size
        self._fast = _csr_matvec is not None and 0 < n < 2**31 - 1
        if self._fast:
            order = np.argsort(self.codes, kind="stable")
            counts = np.bincount(self.codes, minlength=self.n_groups)
            self._indptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
            self._indices = order.astype(np.int32)
            self._data = np.ones(n)

    def __call__(self, weights: np.ndarray) -> np.ndarray:
        """The sum of ``weights`` over each group."""
        if (
            not self._fast
            or weights.dtype != np.float64
            or weights.ndim != 1
            or weights.shape[0] != self.codes.size
        ):
            return np.bincount(self.codes, weights=weights, minlength=self.n_groups)
        out = np.zeros(self.n_groups)
        _csr_matvec(
            self.n_groups, self.codes.size, self._indptr, self._indices, self._data, weights, out
        )
        return out


def matvec(matrix, x: np.ndarray) -> np.ndarray:
    """``matrix @ x`` for a float64 CSR matrix and a float64 vector, bit for bit.

    ``scipy.sparse`` computes this product with ``csr_matvec`` into a zeroed vector; so does
    this function, skipping the dispatch of ``@`` that costs more than the product at the
    sizes of a run. Other matrices and vectors go through ``@``.
    """
    if (
        _csr_matvec is None
        or getattr(matrix, "format", None) != "csr"
        or matrix.dtype != np.float64
        or x.dtype != np.float64
        or x.ndim != 1
    ):
        return matrix @ x
    n_row, n_col = matrix.shape
    out = np.zeros(n_row)
    _csr_matvec(n_row, n_col, matrix.indptr, matrix.indices, matrix.data, x, out)
    return out


def matvec_rows(matrix, rows: np.ndarray, x: np.ndarray) -> np.ndarray:
    """``(matrix @ x)[rows]`` for a float64 CSR matrix, bit for bit, computing only those rows.

    Each entry of a CSR product is its row's own sum, from 0.0 in stored order; the rows copied
    out with scipy's ``csr_row_index`` (what ``matrix[rows]`` uses) keep their entries in that
    order, so their product gives the same floats. Worth it for a small share of the rows of a
    large matrix; otherwise (or for other matrices) the whole product, then the rows.
    """
    if (
        _csr_row_index is None
        or 4 * rows.size >= matrix.shape[0]
        or matrix.nnz < 20_000  # the whole product costs less than copying rows out
        or getattr(matrix, "format", None) != "csr"
        or matrix.dtype != np.float64
        or matrix.indptr.dtype != matrix.indices.dtype
        or x.dtype != np.float64
        or x.ndim != 1
    ):
        return matvec(matrix, x)[rows]
    indptr, index_dtype = matrix.indptr, matrix.indptr.dtype
    rows = rows.astype(index_dtype, copy=False)
    sub_indptr = np.zeros(rows.size + 1, dtype=index_dtype)
    np.cumsum(indptr[rows + 1] - indptr[rows], out=sub_indptr[1:])
    nnz = int(sub_indptr[-1])
    sub_indices = np.empty(nnz, dtype=index_dtype)
    sub_data = np.empty(nnz)
    _csr_row_index(rows.size, rows, indptr, matrix.indices, matrix.data, sub_indices, sub_data)
    out = np.zeros(rows.size)
    _csr_matvec(rows.size, matrix.shape[1], sub_indptr, sub_indices, sub_data, x, out)
    return out
