"""A process-wide cache of traced training programs, keyed by structure.

A search fits the same structure again and again: folds, repeats, and
candidates that differ in anything numeric (learning rate, L2, dropout,
optimizer settings) or only in layer widths. Tracing a training function
costs far more than a small fit, so each :class:`~sklann._training.program.Structure`
is traced once per process and its program re-used by every later fit, in
any thread: programs hold no state of their own (weights and optimizer state
are inputs and outputs), so fits never wait for one another here.

Programs with a user's loss or metric objects are never cached: those
objects cannot be compared.
"""

import ctypes
import gc
import threading
from collections import OrderedDict
from contextlib import contextmanager

from tensorflow.python.eager import context


class ProgramCache:
    """Programs by structure, least recently used dropped first.

    Parameters
    ----------
    max_programs : int, default=32
        Programs kept; a search rarely has more structures than this.
    forget_kernels : callable, default=None
        Called between fits once ``forget_after`` programs were dropped: frees
        the compiled kernels TensorFlow keeps for functions that are gone.
    forget_after : int, default=8

    Examples
    --------
    >>> cache = ProgramCache(max_programs=1)
    >>> class Program:
    ...     traces = 0
    >>> first = cache.get("a", Program)
    >>> cache.get("a", Program) is first, len(cache)
    (True, 1)
    >>> cache.get("b", Program) is not first, len(cache)
    (True, 1)
    """

    def __init__(self, max_programs=32, forget_kernels=None, forget_after=8):
        self.max_programs = max_programs
        self.forget_after = forget_after
        self._programs = OrderedDict()
        self._building = {}
        self._lock = threading.Lock()
        self._forget_kernels = forget_kernels
        self._dropped = 0  # programs dropped since kernels were last forgotten
        self._dropped_traces = 0
        self._training = 0  # fits in progress

    def get(self, structure, build):
        """The program for ``structure``, built by ``build()`` the first time.

        ``structure=None`` builds a program that is not kept.
        """
        if structure is None:
            with self._lock:
                self._dropped += 1  # gone with its fit
            return build()
        with self._lock:
            if structure in self._programs:
                self._programs.move_to_end(structure)
                return self._programs[structure]
            building = self._building.setdefault(structure, threading.Lock())
        with building:  # one thread builds; the others wait for its program
            with self._lock:
                if structure in self._programs:
                    return self._programs[structure]
            program = build()
            with self._lock:
                self._programs[structure] = program
                self._building.pop(structure, None)
                while len(self._programs) > self.max_programs:
                    _, dropped = self._programs.popitem(last=False)
                    self._dropped += 1
                    self._dropped_traces += dropped.traces
            return program

    def traces(self):
        """Functions traced by the programs so far (for tests and benchmarks)."""
        with self._lock:
            live = sum(program.traces for program in self._programs.values())
            return self._dropped_traces + live

    def clear(self):
        """Drop every program."""
        with self._lock:
            self._dropped += len(self._programs)
            self._dropped_traces += sum(p.traces for p in self._programs.values())
            self._programs.clear()

    @contextmanager
    def training(self):
        """Mark a fit in progress; forget dropped programs' kernels when none is.

        TensorFlow caches a compiled kernel for every function it ran and keeps
        it after the function is gone. Clearing the cache also drops the
        kernels of live programs, which then take a fraction of a second to
        instantiate again, so it is cleared only between fits and only once
        ``forget_after`` programs have been dropped.
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

    def __len__(self):
        with self._lock:
            return len(self._programs)


def _forget_dropped_programs():
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


PROGRAMS = ProgramCache(forget_kernels=_forget_dropped_programs)
