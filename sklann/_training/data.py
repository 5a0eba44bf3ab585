"""Feed training and prediction data to TensorFlow.

Dense features become one float32 tensor. Sparse (CSR) features stay sparse:
they are held as two ragged tensors (column indices and values per row) and
densified one batch at a time inside the compiled training step, so the full
dense matrix is never built.
"""

from typing import NamedTuple

import numpy as np
import scipy.sparse as sp
import tensorflow as tf

PREDICT_CHUNK_ROWS = 4096


class SparseRows(NamedTuple):
    """CSR rows as ragged tensors: each row's column indices and values.

    ``n_columns`` is the width of the dense batches.
    """

    columns: tf.RaggedTensor
    values: tf.RaggedTensor
    n_columns: tf.Tensor


def canonical_csr(X):
    """Return CSR ``X`` with sorted, summed indices, copying only if needed.

    The caller's matrix is never changed.
    """
    if X.has_canonical_format:
        return X
    X = X.copy()
    X.sum_duplicates()
    return X


def graph_features(X):
    """Return features in the form the compiled training step gathers from.

    Parameters
    ----------
    X : ndarray or scipy sparse matrix of shape (n_samples, n_features)
        float32 features; sparse input must be CSR.

    Returns
    -------
    tf.Tensor or SparseRows
    """
    if not sp.issparse(X):
        return tf.constant(X)
    X = canonical_csr(X)
    row_splits = X.indptr.astype(np.int64)
    return SparseRows(
        tf.RaggedTensor.from_row_splits(X.indices.astype(np.int64), row_splits),
        tf.RaggedTensor.from_row_splits(X.data, row_splits),
        tf.constant(X.shape[1], tf.int64),
    )


def features_spec(sparse):
    """The ``tf.TypeSpec`` of :func:`graph_features`'s result, of any width."""
    if not sparse:
        return tf.TensorSpec([None, None], tf.float32)
    return SparseRows(
        tf.RaggedTensorSpec([None, None], tf.int64, 1, tf.int64),
        tf.RaggedTensorSpec([None, None], tf.float32, 1, tf.int64),
        tf.TensorSpec([], tf.int64),
    )


def gather_rows(features, indices):
    """Gather the rows ``indices`` of ``features`` as a dense batch (graph code)."""
    if not isinstance(features, SparseRows):
        return tf.gather(features, indices)
    batch_columns = tf.gather(features.columns, indices)
    batch_values = tf.gather(features.values, indices)
    positions = tf.stack(
        [batch_columns.value_rowids(), batch_columns.flat_values], axis=1
    )
    shape = tf.stack([tf.shape(indices, out_type=tf.int64)[0], features.n_columns])
    return tf.scatter_nd(positions, batch_values.flat_values, shape)


def dense_chunks(X, chunk_rows=PREDICT_CHUNK_ROWS):
    """Yield ``X`` in row chunks as dense arrays (sparse densified per chunk).

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> [c.shape for c in dense_chunks(sp.csr_matrix(np.eye(5)), chunk_rows=2)]
    [(2, 5), (2, 5), (1, 5)]
    """
    for start in range(0, X.shape[0], chunk_rows):
        chunk = X[start : start + chunk_rows]
        yield chunk.toarray() if sp.issparse(chunk) else chunk
