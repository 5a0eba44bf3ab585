"""Sparse and dense data feeding."""

import numpy as np
import scipy.sparse as sp
import tensorflow as tf

from sklann._training.data import (
    canonical_csr,
    dense_chunks,
    gather_rows,
    graph_features,
)


def test_sparse_rows_gathered_in_graph_equal_dense_rows():
    rng = np.random.RandomState(0)
    dense = rng.binomial(1, 0.3, size=(30, 7)).astype(np.float32) * rng.rand(30, 7)
    dense = dense.astype(np.float32)
    indices = tf.constant([5, 0, 29, 5, 12], dtype=tf.int32)
    sparse_rows = graph_features(sp.csr_matrix(dense))
    from_sparse = tf.function(gather_rows)(sparse_rows, indices)
    from_dense = gather_rows(graph_features(dense), indices)
    np.testing.assert_array_equal(from_sparse.numpy(), from_dense.numpy())
    np.testing.assert_array_equal(from_dense.numpy(), dense[[5, 0, 29, 5, 12]])


def test_duplicate_entries_are_summed_without_touching_the_input():
    X = sp.csr_matrix(
        (np.array([1.0, 2.0], dtype=np.float32), np.array([1, 1]), np.array([0, 2])),
        shape=(1, 3),
    )
    assert not X.has_canonical_format
    canonical = canonical_csr(X)
    assert canonical is not X and X.nnz == 2
    np.testing.assert_array_equal(canonical.toarray(), [[0.0, 3.0, 0.0]])


def test_dense_chunks_never_densify_more_than_a_chunk():
    X = sp.random(10, 4, density=0.5, format="csr", random_state=0)
    chunks = list(dense_chunks(X, chunk_rows=3))
    assert [c.shape[0] for c in chunks] == [3, 3, 3, 1]
    np.testing.assert_array_equal(np.vstack(chunks), X.toarray())
