"""Sparse and dense data feeding."""

import subprocess
import sys

import numpy as np
import pytest
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


SPARSE_MATRIX = """
import resource, sys
import numpy as np
import scipy.sparse as sp
from sklann import MLPClassifier
rng = np.random.RandomState(0)
# 50 nonzeros per row (0.1%), built directly: sp.random takes minutes here.
indptr = np.arange(0, 20_000 * 50 + 1, 50)
indices = rng.randint(0, 50_000, 20_000 * 50)
data = rng.rand(20_000 * 50).astype(np.float32)
X = sp.csr_matrix((data, indices, indptr), shape=(20_000, 50_000))
y = rng.randint(0, 2, 20_000)
clf = MLPClassifier(hidden_layer_sizes=(8,), epochs=1, random_state=0)
clf.fit(X[:500], y[:500])
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
"""
PEAK_GROWTH = """
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print((after - before) / 1024)  # MiB (ru_maxrss is in KiB on Linux)
"""


def peak_growth_mib(operation):
    """The growth of a fresh process's peak RSS over ``operation`` on the matrix."""
    code = SPARSE_MATRIX + operation + PEAK_GROWTH
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-2000:]
    return float(run.stdout.strip().splitlines()[-1])


@pytest.mark.slow
@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss in KiB: Linux")
def test_sparse_prediction_memory_is_bounded_by_chunks_not_rows():
    # 20,000 x 50,000 at 0.1% density is 12 MB as CSR and 8 GB dense; a
    # chunk of 4,096 dense float64 rows was 1.6 GB. Now the sparse rows meet
    # the first layer as they are.
    growth = peak_growth_mib("clf.predict_proba(X)")
    assert growth < 400, f"predict grew the peak RSS by {growth:.0f} MiB"


@pytest.mark.slow
@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss in KiB: Linux")
def test_sparse_fit_with_validation_data_stays_sparse():
    # The 2,000 held-out rows were densified 8,192 rows at a time: 400 MB at
    # once (+1.7 GB on 100,000 x 50,000); now chunks of 32 MiB.
    growth = peak_growth_mib("clf.set_params(early_stopping=True).fit(X, y)")
    assert growth < 250, f"fit grew the peak RSS by {growth:.0f} MiB"
