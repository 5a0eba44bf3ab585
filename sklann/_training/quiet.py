"""TensorFlow's start-up lines, kept off the user's terminal.

TensorFlow's C++ runtime writes notices to the process's standard error when
it loads and when its runtime starts: oneDNN is on, no CUDA driver was
found, the CPU has instructions it was not built for, ``cuInit`` failed on a
machine without a GPU. They are written through absl before its logging is
initialised, so ``TF_CPP_MIN_LOG_LEVEL`` does not stop them, and every
worker process of a parallel search prints them again.

sklann imports TensorFlow, and starts its runtime, with file descriptor 2
routed into a temporary file; afterwards it writes back every line that is
not one of the known notices (:data:`NOTICES`), so real errors still show.
``SKLANN_TENSORFLOW_LOGS=1`` turns the filter off. TensorFlow code run before
``import sklann`` prints as it always does.
"""

import os
import re
import sys
import tempfile
import threading
from contextlib import contextmanager

# Informational lines of TensorFlow 2.x's start-up on machines with and
# without GPUs; anything else on standard error is passed through.
NOTICES = re.compile(
    "|".join(
        [
            r"All log messages before absl::InitializeLog\(\) is called",
            r"oneDNN custom operations are on",
            r"Could not find cuda drivers on your machine",
            r"cpu_feature_guard\.cc.*This TensorFlow binary is optimized",
            r"^To enable the following instructions: .* rebuild TensorFlow",
            r"failed call to cuInit",
            r"Unable to register cu(DNN|FFT|BLAS) factory",
            r"TF-TRT Warning: Could not find TensorRT",
            r"computation placer already registered",
        ]
    )
)

_started = threading.Event()
_starting = threading.Lock()


def passes(line):
    """Whether a line of standard error is kept (it is not a known notice).

    Examples
    --------
    >>> passes("I0000 00:00:1.2 123 port.cc:153] oneDNN custom operations are on.")
    False
    >>> passes("Traceback (most recent call last):")
    True
    """
    return NOTICES.search(line) is None


@contextmanager
def start_up_notices_filtered():
    """Run the body with standard error (fd 2) filtered through :func:`passes`."""
    if os.environ.get("SKLANN_TENSORFLOW_LOGS") == "1":
        yield
        return
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as captured:
        os.dup2(captured.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            captured.seek(0)
            lines = captured.read().decode(errors="replace").splitlines(True)
            kept = "".join(line for line in lines if passes(line))
            if kept:
                sys.stderr.write(kept)
                sys.stderr.flush()


def start_tensorflow():
    """Start TensorFlow's runtime (its devices), once, without its notices.

    Called before sklann's first TensorFlow work, after the thread settings
    (:func:`sklann._training.threads.apply_thread_budget`), which must come first.
    """
    if _started.is_set():
        return
    with _starting:
        if _started.is_set():
            return
        from tensorflow.python.eager import context

        with start_up_notices_filtered():
            context.ensure_initialized()
        _started.set()
