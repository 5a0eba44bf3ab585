"""The registry of activations: graph op, NumPy function, matched initializer.

Every activation is one :class:`Activation` in :data:`ACTIVATIONS`: the op
the compiled training step runs (Keras's, as its TensorFlow backend computes
it), the float64 NumPy function that prediction runs
(:mod:`sklann._inference`), and the initializer that
``kernel_initializer="auto"`` picks for it. A new activation is an entry
here and a line in the docs; the estimators' vocabulary is read from here.
"""

from dataclasses import dataclass

import numpy as np
import tensorflow as tf
from scipy.special import erf, expit, softmax

# SELU's constants (Klambauer et al., 2017), also AlphaDropout's.
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


@dataclass(frozen=True)
class Activation:
    """One activation, in graph code and in NumPy.

    ``initializer`` is Keras's default, Glorot uniform, for every activation
    but SELU, which needs LeCun normal for self-normalisation. He for the
    ReLU family was the default before; measured on the quality benchmark's
    sets it did as well or worse (docs/guide/activations.rst). ``hidden=False``
    marks output activations, which the ``activation`` parameter does not
    offer.
    """

    graph: object
    numpy: object
    initializer: str
    hidden: bool = True


def _selu(x):
    return SELU_SCALE * np.where(x > 0, x, SELU_ALPHA * np.expm1(np.minimum(x, 0.0)))


ACTIVATIONS = {
    "relu": Activation(tf.nn.relu, lambda x: np.maximum(x, 0.0), "glorot_uniform"),
    "leaky_relu": Activation(
        lambda x: tf.nn.leaky_relu(x, alpha=0.2),
        lambda x: np.where(x > 0, x, 0.2 * x),
        "glorot_uniform",
    ),
    "elu": Activation(
        tf.nn.elu,
        lambda x: np.where(x > 0, x, np.expm1(np.minimum(x, 0.0))),
        "glorot_uniform",
    ),
    "selu": Activation(tf.nn.selu, _selu, "lecun_normal"),
    "gelu": Activation(
        lambda x: tf.nn.gelu(x, approximate=False),
        lambda x: 0.5 * x * (1.0 + erf(x / np.sqrt(2.0))),
        "glorot_uniform",
    ),
    "swish": Activation(tf.nn.silu, lambda x: x * expit(x), "glorot_uniform"),
    "tanh": Activation(tf.nn.tanh, np.tanh, "glorot_uniform"),
    "sigmoid": Activation(tf.nn.sigmoid, expit, "glorot_uniform"),
    "softplus": Activation(
        tf.math.softplus, lambda x: np.logaddexp(0.0, x), "glorot_uniform"
    ),
    "linear": Activation(tf.identity, lambda x: x, "glorot_uniform"),
    "softmax": Activation(
        tf.nn.softmax, lambda x: softmax(x, axis=-1), "glorot_uniform", hidden=False
    ),
    "exponential": Activation(tf.math.exp, np.exp, "glorot_uniform", hidden=False),
}

HIDDEN_ACTIVATIONS = tuple(name for name, entry in ACTIVATIONS.items() if entry.hidden)
