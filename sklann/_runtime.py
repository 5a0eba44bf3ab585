"""How sklann's compiled calls run: without TensorFlow's graph optimiser.

TensorFlow runs its graph optimiser (Grappler) the first time a traced
function is called. For sklann's small training graphs it costs more than it
saves: on a (64, 32) network, 0.25 s at the first call, against no
measurable change in the time of later calls (see ``docs/design.md``). The
optimiser's settings travel with each call (the function-call options of
the calling thread), so sklann turns it off for its own calls only: the
user's TensorFlow code, in this thread or any other, keeps its settings.
"""

import functools

from tensorflow.core.protobuf import config_pb2, rewriter_config_pb2
from tensorflow.python.eager import context


@functools.cache
def _lean_options():
    config = config_pb2.ConfigProto(allow_soft_placement=True)
    rewrites = config.graph_options.rewrite_options
    rewrites.disable_meta_optimizer = True
    rewrites.min_graph_nodes = -1
    # Keep the optimiser's off switch also for functions called from ours.
    rewrites.meta_optimizer_iterations = rewriter_config_pb2.RewriterConfig.ONE
    return context.FunctionCallOptions(config_proto=config)


def lean_calls(function):
    """``function``, called with the graph optimiser off in the calling thread.

    Examples
    --------
    >>> import tensorflow as tf
    >>> double = tf.function(lambda x: 2 * x).get_concrete_function(
    ...     tf.TensorSpec([], tf.float32))
    >>> float(lean_calls(double)(tf.constant(3.0)))
    6.0
    """

    @functools.wraps(function)
    def call(*args):
        ctx = context.context()
        before = ctx.function_call_options
        ctx.function_call_options = _lean_options()
        try:
            return function(*args)
        finally:
            ctx.function_call_options = before

    return call
