"""A process-wide pool of idle training engines, keyed by configuration.

A search fits the same configuration again and again (folds, repeats,
candidates that differ only in learning rate or seed). Building a Keras
network and tracing its training function costs far more than a small fit,
and each new Keras model keeps some memory for the life of the process. So
as soon as a fit ends, the estimator copies its trained state into NumPy
arrays and its engine returns here; the next fit with the same configuration
re-uses it: fresh seeded weights, reset optimizer, no new tracing. A fitted
estimator therefore holds no engine, and many fitted estimators (a joblib
batch of folds in one worker) share one. It takes an engine back, with its
state reloaded, only to train on (``warm_start``, ``partial_fit``) or to hand
out ``model_``.

An engine whose ``model_`` was handed to user code is never re-used, since
the user may still hold the model.
"""

import ctypes
import gc
import threading
from collections import OrderedDict
from contextlib import contextmanager

from tensorflow.python.eager import context


class EnginePool:
    """Idle engines by key, least recently used dropped first.

    The idle engines hold at most ``max_idle_bytes`` in all, counting each
    engine's ``nbytes`` (its variables plus the measured cost of its traced
    graph, ``ENGINE_OVERHEAD_BYTES``): about 10 small networks, and fewer big
    ones. That stays well below the 300 MB of growth at which joblib's loky
    workers restart themselves (losing their engines and importing
    TensorFlow again).

    Examples
    --------
    >>> pool = EnginePool(max_idle_bytes=1000)
    >>> class Engine:
    ...     exposed, holder, nbytes = False, None, 1000
    >>> first, second = Engine(), Engine()
    >>> pool.release("a", first)
    >>> pool.release("b", second)
    >>> pool.acquire("a") is None, pool.acquire("b") is second
    (True, True)
    """

    def __init__(self, max_idle_bytes=160 * 2**20, forget_kernels=None, forget_after=8):
        self.max_idle_bytes = max_idle_bytes
        self.forget_after = forget_after
        self._idle = OrderedDict()
        self._lock = threading.Lock()
        self._forget_kernels = forget_kernels
        self._dropped = 0  # engines dropped since kernels were last forgotten
        self._training = 0  # fits in progress

    def acquire(self, key, holder=None):
        """Take an idle engine for ``key``, or return None.

        An engine whose ``holder`` is ``holder`` (it still holds that
        estimator's state) is preferred; otherwise the most recent one.
        """
        if key is None:
            return None
        with self._lock:
            engines = self._idle.get(key)
            if not engines:
                return None
            held = [i for i, engine in enumerate(engines) if engine.holder is holder]
            engine = engines.pop(held[-1] if holder is not None and held else -1)
            if not engines:
                del self._idle[key]
            return engine

    def release(self, key, engine):
        """Give back an engine that its estimator no longer uses."""
        with self._lock:
            if key is None or engine.exposed:
                self._dropped += 1
                return
            self._idle.setdefault(key, []).append(engine)
            self._idle.move_to_end(key)
            while self._bytes() > self.max_idle_bytes:
                oldest = next(iter(self._idle))
                self._idle[oldest].pop(0)
                self._dropped += 1
                if not self._idle[oldest]:
                    del self._idle[oldest]

    def clear(self):
        """Drop every idle engine."""
        with self._lock:
            self._dropped += self._count()
            self._idle.clear()

    @contextmanager
    def training(self):
        """Mark a fit in progress; forget dropped engines' kernels when none is.

        TensorFlow caches a compiled kernel for every function it ran, and
        keeps it after the function is gone: about 0.8 MB for each network
        built and dropped. Clearing the cache also drops the kernels of the
        live engines, which then take a fraction of a second to instantiate
        again, so it is cleared only between fits and once ``forget_after``
        engines have been dropped: memory stays bounded, at little cost.
        Dropped engines also leave the C heap fragmented (about 5 MB for
        each, measured), so the freed heap is handed back to the system then.
        """
        with self._lock:
            due = self._dropped >= self.forget_after and self._forget_kernels
            if self._training == 0 and due:
                self._forget_kernels()
                self._dropped = 0
            self._training += 1
        try:
            yield
        finally:
            with self._lock:
                self._training -= 1

    def _count(self):
        """Idle engines in all (the caller holds the lock)."""
        return sum(map(len, self._idle.values()))

    def _bytes(self):
        """Estimated memory of the idle engines (the caller holds the lock)."""
        return sum(e.nbytes for engines in self._idle.values() for e in engines)

    def __len__(self):
        with self._lock:
            return self._count()


def _forget_dropped_engines():
    """Clear TensorFlow's kernel cache and return freed heap to the system."""
    context.context().clear_kernel_cache()
    gc.collect()
    if _LIBC is not None:
        _LIBC.malloc_trim(0)


def _glibc():
    """The C library, when it is glibc (it has ``malloc_trim``); else None."""
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return None
    return libc if hasattr(libc, "malloc_trim") else None


_LIBC = _glibc()


ENGINES = EnginePool(forget_kernels=_forget_dropped_engines)
