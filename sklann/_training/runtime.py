"""How sklann's compiled calls run in TensorFlow's runtime.

Two settings travel with each traced function's call (the function-call
options of the calling thread), so sklann sets them for its own calls only,
and the user's TensorFlow code, in this thread or any other, keeps its own:

- No graph optimiser (Grappler). It runs the first time a traced function
  is called, and for sklann's small training graphs it costs more than it
  saves: on a (64, 32) network, 0.25 s at the first call, against no
  measurable change in the time of later calls (see ``docs/design.md``).
- The single-threaded executor: each call runs its whole graph on the one
  thread that runs it, instead of handing every op to TensorFlow's inter-op
  thread pool. MLP-sized ops are too small for that hand-off to pay (a
  second inter-op thread made one fit 40% slower, measured on 2 cores), and
  concurrent fits (a threaded search) then run side by side, one pool
  thread each.

The executor is chosen when a function is traced (its loops are then kept
as loop ops that this executor runs), so tracing happens under the same
options (:func:`lean_options`).
"""

import functools
import gc
from contextlib import contextmanager

from tensorflow.core.protobuf import config_pb2
from tensorflow.python.eager import context


@functools.cache
def _lean_call_options():
    config = config_pb2.ConfigProto(allow_soft_placement=True)
    rewrites = config.graph_options.rewrite_options
    rewrites.disable_meta_optimizer = True
    rewrites.min_graph_nodes = -1
    return context.FunctionCallOptions(
        executor_type="SINGLE_THREADED_EXECUTOR", config_proto=config
    )


@contextmanager
def lean_options():
    """Trace and call TensorFlow functions with sklann's options, in this thread."""
    ctx = context.context()
    before = ctx.function_call_options
    ctx.function_call_options = _lean_call_options()
    try:
        yield
    finally:
        ctx.function_call_options = before


def lean_calls(function):
    """``function``, called under :func:`lean_options`.

    Examples
    --------
    >>> import tensorflow as tf
    >>> with lean_options():
    ...     double = tf.function(lambda x: 2 * x).get_concrete_function(
    ...         tf.TensorSpec([], tf.float32))
    >>> float(lean_calls(double)(tf.constant(3.0)))
    6.0
    """

    @functools.wraps(function)
    def call(*args):
        with lean_options():
            return function(*args)

    return call


@contextmanager
def no_garbage_collection():
    """Postpone Python's cyclic garbage collection (if it is on) for a block.

    Tracing allocates many short-lived objects: with TensorFlow and Keras
    loaded, a full collection in the middle of it costs 0.3 s.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
