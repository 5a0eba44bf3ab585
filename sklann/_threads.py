"""How many threads TensorFlow uses for sklann's small networks.

Policy, applied once when sklann is imported (if TensorFlow's runtime has
not started yet; otherwise its settings are left as they are):

- ``SKLANN_NUM_THREADS=N`` (N >= 1) caps TensorFlow's intra-op pool at N
  threads; ``SKLANN_NUM_THREADS=0`` leaves TensorFlow's defaults alone;
- otherwise ``OMP_NUM_THREADS``, which joblib's process workers set to
  ``cpu_count // n_jobs`` (TensorFlow itself ignores it), is the cap;
- otherwise the cap is 1.

The inter-op pool is always one thread when a cap is applied. Measured on
2 cores, fitting a (100,) network on 45,000 x 100 data for 10 epochs took
1.0 s with one intra-op and one inter-op thread, 1.4 s with two intra-op
threads and 2.1-2.9 s with TensorFlow's defaults (two of each); a
(256, 128, 64) network 4.5 s against 7-9 s. MLP-sized operations are too
small for threads to pay for their synchronisation, and a capped process
also keeps its speed when a parallel search runs one worker per core.
"""

import os

import tensorflow as tf

DEFAULT_THREADS = 1


def thread_budget(environ=os.environ):
    """Return TensorFlow's intra-op thread cap, or None to leave its defaults.

    Examples
    --------
    >>> thread_budget({})
    1
    >>> thread_budget({"OMP_NUM_THREADS": "4"})
    4
    >>> thread_budget({"SKLANN_NUM_THREADS": "2", "OMP_NUM_THREADS": "1"})
    2
    >>> thread_budget({"SKLANN_NUM_THREADS": "0"}) is None
    True
    """
    for name in ("SKLANN_NUM_THREADS", "OMP_NUM_THREADS"):
        value = environ.get(name, "").strip()
        if value.isdigit():
            return int(value) or None
    return DEFAULT_THREADS


def apply_thread_budget():
    """Apply :func:`thread_budget` to TensorFlow's thread pools.

    Returns
    -------
    bool
        True if a cap was applied; False if the budget says to leave
        TensorFlow's defaults, or TensorFlow's runtime had already started.
    """
    budget = thread_budget()
    if budget is None:
        return False
    try:
        tf.config.threading.set_intra_op_parallelism_threads(budget)
        tf.config.threading.set_inter_op_parallelism_threads(1)
    except RuntimeError:
        return False
    return True
