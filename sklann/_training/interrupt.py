"""Ctrl-C during training: stop after the current step, keep the last epoch.

scikit-learn's MLP catches ``KeyboardInterrupt``, warns and keeps its
weights. A compiled TensorFlow call cannot be interrupted that way: Python
runs signal handlers only between bytecodes, so a Ctrl-C would wait for the
whole fit. So while the engine trains, the compiled call runs in a worker
thread, the main thread waits (and so can take the signal), and a SIGINT
handler sets a flag variable that the compiled loop checks after every step.
A second Ctrl-C raises ``KeyboardInterrupt`` as usual.
"""

import signal
import threading
from contextlib import contextmanager


class InterruptRequest:
    """Whether Ctrl-C was pressed during a fit, forwarded to the engine's flag.

    The estimator listens from the start of ``fit``, before the engine that
    trains is known; :meth:`attach` hands the request to the engine's flag
    variable, and a later :meth:`press` sets that variable directly.

    Examples
    --------
    >>> request = InterruptRequest()
    >>> request.press()
    >>> request.pressed
    True
    """

    def __init__(self):
        self.pressed = False
        self._flag = None

    def press(self):
        self.pressed = True
        if self._flag is not None:
            self._flag.assign(True)

    def attach(self, flag):
        """Make ``flag`` (a boolean variable) follow this request from now on."""
        self._flag = flag
        flag.assign(self.pressed)
        if self.pressed:  # pressed while the line above ran
            flag.assign(True)


def _in_main_thread():
    return threading.current_thread() is threading.main_thread()


@contextmanager
def interrupt_handler(on_interrupt):
    """Call ``on_interrupt()`` instead of raising at the first Ctrl-C.

    Only in the main thread, and only while Python's default SIGINT handler
    is installed: a handler set by the user is left alone.
    """
    if not _in_main_thread() or (
        signal.getsignal(signal.SIGINT) is not signal.default_int_handler
    ):
        yield
        return

    def handle(signum, frame):
        signal.signal(signal.SIGINT, signal.default_int_handler)
        on_interrupt()

    signal.signal(signal.SIGINT, handle)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def call_in_worker(function, *args):
    """Return ``function(*args)``, run in a worker thread if called from the main one.

    The main thread then waits in ``Thread.join``, where signal handlers run.

    Examples
    --------
    >>> call_in_worker(sum, [1, 2, 3])
    6
    """
    if not _in_main_thread():
        return function(*args)
    outcome = {}

    def run():
        try:
            outcome["value"] = function(*args)
        except BaseException as error:  # re-raised in the calling thread
            outcome["error"] = error

    worker = threading.Thread(target=run, name="sklann-training", daemon=True)
    worker.start()
    worker.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]
