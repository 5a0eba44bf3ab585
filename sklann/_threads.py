"""TensorFlow thread pools that respect the caller's thread budget.

TensorFlow ignores ``OMP_NUM_THREADS``, which joblib's process workers
(``n_jobs`` in scikit-learn searches) set to ``cpu_count // n_jobs``. Without
a cap every worker would use every core, and on a small machine a parallel
search runs many times slower than a serial one.

Policy: when sklann is imported, if ``SKLANN_NUM_THREADS`` or else
``OMP_NUM_THREADS`` is set, TensorFlow's intra-op and inter-op pools are
limited to that many threads. Set ``SKLANN_NUM_THREADS`` to override. If
TensorFlow's runtime has already started, its settings are left as they are.
"""

import os

import tensorflow as tf

THREAD_VARIABLES = ("SKLANN_NUM_THREADS", "OMP_NUM_THREADS")


def thread_budget(environ=os.environ):
    """Return the thread cap from the environment, or None.

    Examples
    --------
    >>> thread_budget({"OMP_NUM_THREADS": "1"})
    1
    >>> thread_budget({"SKLANN_NUM_THREADS": "2", "OMP_NUM_THREADS": "1"})
    2
    >>> thread_budget({}) is None
    True
    """
    for name in THREAD_VARIABLES:
        value = environ.get(name, "").strip()
        if value.isdigit() and int(value) > 0:
            return int(value)
    return None


def apply_thread_budget():
    """Cap TensorFlow's thread pools at :func:`thread_budget`, if one is set.

    Returns
    -------
    bool
        True if the cap was applied, False if none is set or TensorFlow's
        runtime had already started.
    """
    budget = thread_budget()
    if budget is None:
        return False
    try:
        tf.config.threading.set_intra_op_parallelism_threads(budget)
        tf.config.threading.set_inter_op_parallelism_threads(budget)
    except RuntimeError:
        return False
    return True
