"""Prediction as a float64 NumPy forward pass of the trained network.

Calling a compiled TensorFlow function costs a few hundred microseconds
whatever the batch, and float32 matrix products give a row slightly different
results depending on which other rows share its batch. For prediction the
trained weights are therefore copied (once per fit) into float64 arrays and
the network is run in NumPy: a one-row prediction takes tens of
microseconds, and each row's output is independent of batching.
"""

import keras
import numpy as np
from scipy.special import erf, expit, softmax

_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946

ACTIVATIONS = {
    "linear": lambda x: x,
    "relu": lambda x: np.maximum(x, 0.0),
    "leaky_relu": lambda x: np.where(x > 0, x, 0.2 * x),
    "elu": lambda x: np.where(x > 0, x, np.expm1(np.minimum(x, 0.0))),
    "selu": lambda x: (
        _SELU_SCALE * np.where(x > 0, x, _SELU_ALPHA * np.expm1(np.minimum(x, 0.0)))
    ),
    "gelu": lambda x: 0.5 * x * (1.0 + erf(x / np.sqrt(2.0))),
    "silu": lambda x: x * expit(x),
    "tanh": np.tanh,
    "sigmoid": expit,
    "softplus": lambda x: np.logaddexp(0.0, x),
    "softmax": lambda x: softmax(x, axis=-1),
    "exponential": np.exp,
}


def _activation(function):
    name = function.__name__
    if name not in ACTIVATIONS:
        raise NotImplementedError(f"No NumPy forward pass for activation {name!r}.")
    return ACTIVATIONS[name]


def inference_plan(model, rng=None, dtype=np.float64):
    """The network as a list of NumPy steps (float64 by default), for :func:`forward`.

    Parameters
    ----------
    model : keras.Sequential
        A network built by :func:`sklann._network.build_network`.
    rng : numpy.random.Generator, default=None
        None for the deterministic network, whose dropout layers do nothing.
        With a generator, dropout stays active, drawing its masks from it
        (MC dropout); batch normalisation stays in inference mode.
    dtype : NumPy float type, default=float64
        The precision of the weights (float32 halves the cost of MC passes,
        whose own spread dwarfs rounding).

    Returns
    -------
    list of callable
        Each maps a batch of ``dtype`` to the next layer's input.
    """
    steps = []
    for layer in model.layers:
        if isinstance(layer, keras.layers.Dense):
            kernel = np.asarray(layer.kernel, dtype=dtype)
            bias = np.asarray(layer.bias, dtype=dtype) if layer.use_bias else 0.0
            steps.append(_dense_step(kernel, bias, _activation(layer.activation)))
        elif isinstance(layer, keras.layers.BatchNormalization):
            variance = np.asarray(layer.moving_variance, dtype=np.float64)
            scale = np.asarray(layer.gamma, dtype=np.float64) / np.sqrt(
                variance + layer.epsilon
            )
            shift = np.asarray(layer.beta, dtype=np.float64) - scale * np.asarray(
                layer.moving_mean, dtype=np.float64
            )
            scale, shift = scale.astype(dtype), shift.astype(dtype)
            steps.append(_affine_step(scale, shift))
        elif isinstance(layer, keras.layers.Activation):
            steps.append(_activation(layer.activation))
        elif rng is not None and isinstance(layer, keras.layers.AlphaDropout):
            steps.append(_alpha_dropout_step(layer.rate, rng))
        elif rng is not None and isinstance(layer, keras.layers.Dropout):
            steps.append(_dropout_step(layer.rate, rng))
    return steps


def has_dropout(model):
    """Whether ``model`` has a dropout layer with a positive rate."""
    dropout = (keras.layers.Dropout, keras.layers.AlphaDropout)
    return any(isinstance(layer, dropout) and layer.rate > 0 for layer in model.layers)


def _dropout_step(rate, rng):
    """Inverted dropout, as Keras's ``Dropout`` in training."""
    return lambda x: x * ((rng.random(x.shape, dtype=np.float32) >= rate) / (1 - rate))


def _alpha_dropout_step(rate, rng):
    """Keras's ``AlphaDropout`` in training: keeps SELU's mean and variance."""
    alpha_p = -_SELU_ALPHA * _SELU_SCALE
    a = ((1 - rate) * (1 + rate * alpha_p**2)) ** -0.5
    b = -a * alpha_p * rate

    def step(x):
        kept = rng.random(x.shape, dtype=np.float32) >= rate
        return a * np.where(kept, x, alpha_p) + b

    return step


def _dense_step(kernel, bias, activation):
    return lambda x: activation(x @ kernel + bias)


def _affine_step(scale, shift):
    return lambda x: x * scale + shift


def forward(plan, X, dtype=np.float64):
    """Run ``plan`` on a dense batch ``X``, as ``dtype`` (the plan's precision).

    Examples
    --------
    >>> import numpy as np
    >>> plan = [lambda x: x * 2.0, ACTIVATIONS["relu"]]
    >>> forward(plan, np.array([[-1.0, 3.0]]))
    array([[0., 6.]])
    """
    outputs = np.asarray(X, dtype=dtype)
    for step in plan:
        outputs = step(outputs)
    return outputs
