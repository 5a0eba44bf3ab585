"""Feed training and prediction data to TensorFlow.

Dense features become one float32 tensor (float64 with
``precision="float64"``). Sparse (CSR) features stay sparse: they are held
as two ragged tensors (column indices and values per row) and densified one
batch at a time inside the compiled training step, so the full dense matrix
is never built.
"""

from typing import NamedTuple

import numpy as np
import scipy.sparse as sp
import tensorflow as tf

# Dense rows built at once are at most this many bytes: prediction's float64
# chunks (4,096 rows of 1,024 features) and the validation loss's chunks in
# training. Memory stays bounded for wide or sparse data.
DENSE_CHUNK_BYTES = 32 * 2**20


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


def training_dtype(precision):
    """The dtype training data has under ``precision``: float64 for "float64"."""
    return np.float64 if precision == "float64" else np.float32


def features_spec(sparse, dtype=tf.float32):
    """The ``tf.TypeSpec`` of :func:`graph_features`'s result, of any width."""
    if not sparse:
        return tf.TensorSpec([None, None], dtype)
    return SparseRows(
        tf.RaggedTensorSpec([None, None], tf.int64, 1, tf.int64),
        tf.RaggedTensorSpec([None, None], dtype, 1, tf.int64),
        tf.TensorSpec([], tf.int64),
    )


def n_columns(features):
    """The width of :func:`graph_features`'s result, as an int32 tensor (graph code)."""
    if isinstance(features, SparseRows):
        return tf.cast(features.n_columns, tf.int32)
    return tf.shape(features)[1]


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


def dense_chunks(X, chunk_rows=None, dtype=np.float64):
    """Yield ``X`` in row chunks as dense ``dtype`` arrays, one chunk at a time.

    Sparse input is densified, and float32 input converted, chunk by chunk,
    so prediction never holds more than a chunk of converted rows. By
    default a chunk holds at most ``DENSE_CHUNK_BYTES`` of ``dtype``
    values, whatever the width of ``X``.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> [c.shape for c in dense_chunks(sp.csr_matrix(np.eye(5)), chunk_rows=2)]
    [(2, 5), (2, 5), (1, 5)]
    >>> chunk_rows_for(np.empty((0, 2**20)))  # 1M features: 4 rows of 32 MiB
    4
    """
    if chunk_rows is None:
        chunk_rows = chunk_rows_for(X, dtype)
    for start in range(0, X.shape[0], chunk_rows):
        chunk = X[start : start + chunk_rows]
        if sp.issparse(chunk):
            chunk = chunk.toarray()
        yield np.asarray(chunk, dtype=dtype)


def prediction_chunks(X, widest_layer):
    """Yield ``X`` in row chunks for the deterministic NumPy forward pass.

    Dense input comes as :func:`dense_chunks`. Sparse rows stay sparse (as
    float64): the first Dense layer multiplies them as they are, so a chunk
    is bounded by the bytes of the widest layer's outputs, not of the dense
    input, which is never built.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> chunks = list(prediction_chunks(sp.csr_matrix(np.eye(3)), widest_layer=8))
    >>> [(type(c).__name__, c.shape) for c in chunks]
    [('csr_matrix', (3, 3))]
    """
    if not sp.issparse(X):
        yield from dense_chunks(X)
        return
    rows = chunk_rows_for(np.empty((0, widest_layer)))
    for start in range(0, X.shape[0], rows):
        yield X[start : start + rows].astype(np.float64)


def chunk_rows_for(X, dtype=np.float64):
    """The rows of ``X`` that fill ``DENSE_CHUNK_BYTES`` as ``dtype``."""
    row_bytes = max(1, X.shape[1]) * np.dtype(dtype).itemsize
    return max(1, DENSE_CHUNK_BYTES // row_bytes)
