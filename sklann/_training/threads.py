"""How many threads TensorFlow gives each op: decided at sklann's first fit.

Importing sklann changes nothing in TensorFlow. At the first fit (or
``initialize``) in a process, if TensorFlow's runtime has not started yet,
sklann sets the size of its intra-op thread pool, the threads one op (a
matrix product) may split its work over:

- ``SKLANN_NUM_THREADS=N`` (N >= 1): N threads; ``SKLANN_NUM_THREADS=0``:
  TensorFlow's default (every core);
- otherwise ``OMP_NUM_THREADS``, which joblib's process workers set to
  ``cpu_count // n_jobs`` (TensorFlow itself ignores it);
- otherwise one thread for MLP-sized networks, and TensorFlow's default
  for large ones: a minibatch step of at least ``LARGE_STEP_FLOPS``
  multiply-adds in its matrix products (batch size times the sum of each
  Dense layer's inputs times outputs).

Measured on 2026-12-02 on 2 cores (AMD EPYC), when this policy was written
(not re-run by ``make bench``), one epoch of 20,000 x 200 data, batch 200:
a (256, 256) network took 0.23 s with one thread and 0.31 s with two;
(512, 512) 0.68 s against 0.78 s; (768, 768) 1.30 s against 1.11 s;
(1024, 1024) 2.60 s against 2.13 s (and 28.2 s against 22.5 s on 200,000
rows). For the smaller products, splitting costs more than it saves: the
45,000 x 100, (256, 128, 64) benchmark fit took 0.86 s with one thread and
1.77 s with two. Machines with more cores gain more on large networks; the
threshold was only measured here.

The inter-op pool keeps TensorFlow's default (one thread per core): each of
sklann's calls runs on one of its threads (:mod:`sklann._training.runtime`), so fits
in a threaded search run side by side. The first fit decides for the whole
process; set ``SKLANN_NUM_THREADS`` to decide yourself.
"""

import os
import threading

import tensorflow as tf

# Multiply-adds per minibatch step above which TensorFlow's default thread
# count pays off (the crossover measured above lies between 512 and 768
# units of 200 inputs).
LARGE_STEP_FLOPS = 100_000_000

_lock = threading.Lock()
_decided = False


def step_flops(spec, batch_size):
    """Multiply-adds in the matrix products of one minibatch step of ``spec``.

    Examples
    --------
    >>> from sklann._network.spec import NetworkSpec
    >>> spec = NetworkSpec(n_features=10, n_outputs=1, output_activation="sigmoid",
    ...                    hidden_layer_sizes=(20,), activation="relu",
    ...                    kernel_initializer="he_normal",
    ...                    output_initializer="glorot_uniform")
    >>> step_flops(spec, batch_size=100)
    22000
    """
    widths = [spec.n_features, *spec.hidden_layer_sizes, spec.n_outputs]
    return batch_size * sum(a * b for a, b in zip(widths, widths[1:], strict=False))


def thread_budget(environ, flops):
    """TensorFlow's intra-op thread count for a first fit, or None for its default.

    Examples
    --------
    >>> thread_budget({}, flops=10**6)
    1
    >>> thread_budget({}, flops=10**9) is None
    True
    >>> thread_budget({"OMP_NUM_THREADS": "4"}, flops=10**6)
    4
    >>> thread_budget({"SKLANN_NUM_THREADS": "2", "OMP_NUM_THREADS": "1"}, 10**6)
    2
    >>> thread_budget({"SKLANN_NUM_THREADS": "0"}, flops=10**6) is None
    True
    """
    for name in ("SKLANN_NUM_THREADS", "OMP_NUM_THREADS"):
        value = environ.get(name, "").strip()
        if value.isdigit():
            return int(value) or None
    return 1 if flops < LARGE_STEP_FLOPS else None


def apply_thread_budget(spec, batch_size):
    """Set TensorFlow's intra-op pool for this process, once, before its runtime starts.

    Returns
    -------
    bool
        True if this call set it; False once decided, when the budget keeps
        TensorFlow's default, or when TensorFlow's runtime had already
        started (its pools are then fixed).
    """
    global _decided
    with _lock:
        if _decided:
            return False
        _decided = True
        budget = thread_budget(os.environ, step_flops(spec, batch_size))
        if budget is None:
            return False
        try:
            tf.config.threading.set_intra_op_parallelism_threads(budget)
        except RuntimeError:
            return False
        return True
