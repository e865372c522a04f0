"""The banded Cholesky solve of five-point systems against scipy's sparse LU of the same
matrix assembled independently, in both orientations of the grid."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sparse
import scipy.sparse.linalg as sparse_linalg

from photodose.transport.banded import solve_five_point


def _assembled(diagonal: np.ndarray, coupling_r: np.ndarray,
               coupling_z: np.ndarray) -> sparse.csc_matrix:  # fmt: skip
    nr, nz = diagonal.shape
    matrix = sparse.lil_matrix((nr * nz, nr * nz))
    for i in range(nr):
        for j in range(nz):
            k = i * nz + j
            matrix[k, k] = diagonal[i, j]
            if i + 1 < nr:
                matrix[k, k + nz] = matrix[k + nz, k] = -coupling_r[i, j]
            if j + 1 < nz:
                matrix[k, k + 1] = matrix[k + 1, k] = -coupling_z[i, j]
    return matrix.tocsc()


@pytest.mark.parametrize(("nr", "nz"), [(9, 5), (5, 9), (1, 7), (7, 1), (1, 1), (12, 12)])
def test_equals_sparse_lu(nr: int, nz: int) -> None:
    rng = np.random.default_rng(nr * 100 + nz)
    coupling_r = rng.uniform(0.1, 2.0, (nr - 1, nz))
    coupling_z = rng.uniform(0.1, 2.0, (nr, nz - 1))
    # diagonally dominant with a positive sink: symmetric positive definite
    diagonal = rng.uniform(0.01, 0.5, (nr, nz))
    diagonal[:-1] += coupling_r
    diagonal[1:] += coupling_r
    diagonal[:, :-1] += coupling_z
    diagonal[:, 1:] += coupling_z
    rhs = rng.normal(size=(nr, nz))
    expected = sparse_linalg.spsolve(_assembled(diagonal, coupling_r, coupling_z), rhs.ravel())
    got = solve_five_point(diagonal, coupling_r, coupling_z, rhs)
    assert got.shape == (nr, nz)
    assert np.allclose(got.ravel(), expected, rtol=1e-12, atol=1e-12 * np.abs(expected).max())


def test_a_matrix_that_is_not_positive_definite_is_refused() -> None:
    diagonal = np.array([[1.0, -1.0]])
    with pytest.raises(np.linalg.LinAlgError):
        solve_five_point(diagonal, np.zeros((0, 2)), np.zeros((1, 1)), np.ones((1, 2)))
