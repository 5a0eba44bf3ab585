"""One fit at a time per estimator: a second, concurrent fit is refused."""

import threading
from contextlib import contextmanager

# The estimators being fitted now, by id: one fit at a time per estimator.
_FITTING = set()
_FITTING_LOCK = threading.Lock()


@contextmanager
def one_fit_at_a_time(estimator):
    """Refuse a second ``fit``/``partial_fit`` on an estimator still fitting.

    Two threads training one estimator would merge their runs (their epochs
    add up, their weights mix); each thread should fit its own clone.
    """
    key = id(estimator)
    with _FITTING_LOCK:
        if key in _FITTING:
            raise RuntimeError(
                f"This {type(estimator).__name__} is already being fitted (in "
                "another thread, or from one of its callbacks); two fits at once "
                "would merge their runs. Fit a clone in each thread: "
                "sklearn.base.clone(estimator)."
            )
        _FITTING.add(key)
    try:
        yield
    finally:
        with _FITTING_LOCK:
            _FITTING.discard(key)
