"""The tracker's 3 x 3 solve and log determinant, compiled (Numba), one arithmetic for
every path.

The compiled tracker kernels (:mod:`iadsim.tracking.assignment_pass`, the coasting speed
gate of :mod:`iadsim.tracking.coast_gate`) and the tracker's general (NumPy) way must agree
to the last bit, since either may run a given scan pass. :func:`solve3` was written as
OpenBLAS's ``dgesv`` (``getf2``, ``laswp``, ``trsv``, with its fused multiply-adds) so
that it equalled ``np.linalg.solve`` and ``np.linalg.slogdet``, which the general way then
called; it does under the SkylakeX kernels OpenBLAS picks on an AVX-512 machine, but not
under the Haswell kernels that ``OPENBLAS_CORETYPE=Haswell`` (set on this project's
machines since 2026-12) forces: 11,597 of 20,000 random solves and 384 log determinants
differed in the last bits, and the two ways no longer agreed. So the general way no longer
calls LAPACK for these: it calls :func:`solve3_rows` and :func:`mahalanobis3_rows`, the
same arithmetic over rows, and a run does not depend on which BLAS kernels a machine
picks. :func:`mahalanobis3` adds ``r^T S^-1 r`` in the ``einsum`` sum order (``(x + z) +
y``). tests/tracking/test_assignment_pass.py checks :func:`solve3` against NumPy's within
LU's forward-error bound and the row kernels against it bit for bit. (Moved here from
``assignment_pass`` so that the coasting speed gate, which that module calls, can use them
without an import cycle.)
"""

from __future__ import annotations

import math

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.core.extending import intrinsic


@intrinsic
def _fused_multiply_add(typing_context, a, b, c):
    """``a * b + c`` rounded once (LLVM's ``fma``), as OpenBLAS's compiled kernels do."""
    signature = types.float64(types.float64, types.float64, types.float64)

    def codegen(context, builder, signature, arguments):
        double = ir.DoubleType()
        function = builder.module.declare_intrinsic(
            "llvm.fma", [double], ir.FunctionType(double, [double, double, double]))
        return builder.call(function, arguments)

    return signature, codegen


@njit(cache=True)
def solve3(matrix: np.ndarray, right: np.ndarray, lu: np.ndarray,
           solution: np.ndarray) -> float:
    """Solve ``matrix @ x = right`` (3 x 3, 3) into ``solution`` (3,), with ``lu`` (3, 3)
    working space; returns ``log |det matrix|``. Written as ``np.linalg.solve`` and the
    log determinant of ``np.linalg.slogdet`` under OpenBLAS's SkylakeX kernels (bit for
    bit there, not under every kernel: see the module docstring): ``dgetf2`` (a
    left-looking LU with partial pivoting, the pivot column scaled by the pivot's
    reciprocal, the column updates fused multiply-adds), ``dlaswp``, then the unit lower
    and the upper ``trsv`` (axpy updates, fused; a division by each pivot), and the
    logarithms of the pivots' magnitudes added from the first."""
    for i in range(3):
        for j in range(3):
            lu[i, j] = matrix[i, j]
    pivot = np.empty(3, dtype=np.intp)
    for j in range(3):
        for i in range(j):  # the earlier pivots' row swaps, on this column
            other = pivot[i]
            if other != i:
                lu[i, j], lu[other, j] = lu[other, j], lu[i, j]
        if j == 2:  # the unit lower solve above the diagonal (a dot of one term)
            lu[1, j] -= 0.0 + lu[1, 0] * lu[0, j]
        if j > 0:  # gemv: this column's rows from the diagonal down, less L times U
            for row in range(j, 3):
                total = lu[row, 0] * lu[0, j]
                for k in range(1, j):
                    total = _fused_multiply_add(lu[row, k], lu[k, j], total)
                lu[row, j] = lu[row, j] - total
        best_row, best = j, abs(lu[j, j])
        for row in range(j + 1, 3):
            if abs(lu[row, j]) > best:
                best_row, best = row, abs(lu[row, j])
        pivot[j] = best_row
        value = lu[best_row, j]
        if value != 0.0:
            reciprocal = 1.0 / value
            if best_row != j:
                for k in range(j + 1):
                    lu[j, k], lu[best_row, k] = lu[best_row, k], lu[j, k]
            for row in range(j + 1, 3):
                lu[row, j] *= reciprocal
    for i in range(3):
        solution[i] = right[i]
    for i in range(3):
        other = pivot[i]
        if other != i:
            solution[i], solution[other] = solution[other], solution[i]
    for i in range(3):  # L y = b, column by column
        factor = -solution[i]
        for k in range(i + 1, 3):
            solution[k] = _fused_multiply_add(factor, lu[k, i], solution[k])
    for i in range(2, -1, -1):  # U x = y, from the last column
        solution[i] /= lu[i, i]
        factor = -solution[i]
        for k in range(i):
            solution[k] = _fused_multiply_add(factor, lu[k, i], solution[k])
    log_determinant = 0.0
    for i in range(3):
        log_determinant += math.log(abs(lu[i, i]))
    return log_determinant


@njit(cache=True)
def mahalanobis3(residual: np.ndarray, covariance: np.ndarray, lu: np.ndarray,
                 solution: np.ndarray) -> tuple[float, float]:
    """``r^T S^-1 r`` and ``log |S|`` of a residual (3,) and its covariance (3, 3):
    ``np.einsum("ki,ki->k", r, np.linalg.solve(S, r[..., None])[..., 0])`` (its sum
    order, ``(x + z) + y``) and ``np.linalg.slogdet(S)[1]``, bit for bit."""
    log_determinant = solve3(covariance, residual, lu, solution)
    distance2 = ((residual[0] * solution[0] + residual[2] * solution[2])
                 + residual[1] * solution[1])
    return distance2, log_determinant


@njit(cache=True)
def solve3_rows(matrices: np.ndarray, rights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`solve3` over rows: ``S_k^-1 r_k`` (k, 3) and ``log |S_k|`` (k,) of matrices
    (k, 3, 3) and right-hand sides (k, 3); what the general way calls where it would call
    ``np.linalg.solve`` and ``np.linalg.slogdet``, so that both ways round alike."""
    count = matrices.shape[0]
    solutions = np.empty((count, 3))
    log_determinants = np.empty(count)
    lu = np.empty((3, 3))
    for row in range(count):
        log_determinants[row] = solve3(matrices[row], rights[row], lu, solutions[row])
    return solutions, log_determinants


@njit(cache=True)
def mahalanobis3_rows(residuals: np.ndarray, covariances: np.ndarray
                      ) -> tuple[np.ndarray, np.ndarray]:
    """:func:`mahalanobis3` over rows: ``r_k^T S_k^-1 r_k`` (k,) and ``log |S_k|`` (k,) of
    residuals (k, 3) and covariances (k, 3, 3)."""
    count = residuals.shape[0]
    distance2 = np.empty(count)
    log_determinants = np.empty(count)
    lu, solution = np.empty((3, 3)), np.empty(3)
    for row in range(count):
        distance2[row], log_determinants[row] = mahalanobis3(residuals[row], covariances[row],
                                                             lu, solution)
    return distance2, log_determinants
