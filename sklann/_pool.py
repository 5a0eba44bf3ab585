"""A process-wide pool of idle training engines, keyed by configuration.

A search fits the same configuration again and again (folds, repeats,
candidates that differ only in learning rate or seed). Building a Keras
network and tracing its training function costs far more than a small fit,
and each new Keras model keeps some memory for the life of the process. So
when a fitted estimator is garbage-collected, its engine returns here, and
the next fit with the same configuration re-uses it: fresh seeded weights,
reset optimizer, no new tracing.

An engine whose ``model_`` was handed to user code is never re-used, since
the user may still hold the model.
"""

import threading
from collections import OrderedDict


class EnginePool:
    """Idle engines by key, at most ``max_idle`` in all (least recent dropped).

    Examples
    --------
    >>> pool = EnginePool(max_idle=1)
    >>> class Engine:
    ...     exposed = False
    >>> first, second = Engine(), Engine()
    >>> pool.release("a", first)
    >>> pool.release("b", second)
    >>> pool.acquire("a") is None, pool.acquire("b") is second
    (True, True)
    """

    def __init__(self, max_idle=8):
        self.max_idle = max_idle
        self._idle = OrderedDict()
        self._lock = threading.Lock()

    def acquire(self, key):
        """Take an idle engine for ``key``, or return None."""
        if key is None:
            return None
        with self._lock:
            engines = self._idle.get(key)
            if not engines:
                return None
            engine = engines.pop()
            if not engines:
                del self._idle[key]
            return engine

    def release(self, key, engine):
        """Give back an engine that its estimator no longer uses."""
        if key is None or engine.exposed:
            return
        with self._lock:
            self._idle.setdefault(key, []).append(engine)
            self._idle.move_to_end(key)
            while sum(map(len, self._idle.values())) > self.max_idle:
                oldest = next(iter(self._idle))
                self._idle[oldest].pop(0)
                if not self._idle[oldest]:
                    del self._idle[oldest]

    def clear(self):
        """Drop every idle engine."""
        with self._lock:
            self._idle.clear()

    def __len__(self):
        with self._lock:
            return sum(map(len, self._idle.values()))


ENGINES = EnginePool()
