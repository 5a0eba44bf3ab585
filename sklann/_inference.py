"""Prediction as a float64 NumPy forward pass of the trained network.

Calling a compiled TensorFlow function costs a few hundred microseconds
whatever the batch, and float32 matrix products give a row slightly different
results depending on which other rows share its batch. For prediction the
trained weights are therefore copied (once per fit) into float64 arrays and
the network is run in NumPy: a one-row prediction takes tens of
microseconds, and each row's output is independent of batching.
"""

import numpy as np
import scipy.sparse as sp

from ._network.activations import ACTIVATIONS, SELU_ALPHA, SELU_SCALE
from ._network.layers import BATCH_NORM_EPSILON, network_layers
from ._training.data import dense_chunks

# MC dropout runs at most this many (repeated) rows through the network at
# once (see mc_dropout).
MC_DROPOUT_ROWS = 4096


def inference_plan(spec, weights, rng=None, dtype=np.float64):
    """The network as a list of NumPy steps (float64 by default), for :func:`forward`.

    Parameters
    ----------
    spec : NetworkSpec
        The architecture.
    weights : list of ndarray
        Its variables in Keras's order (:mod:`sklann._network.layers`).
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

    Examples
    --------
    >>> from sklann._network.spec import NetworkSpec
    >>> spec = NetworkSpec(n_features=2, n_outputs=1, output_activation="linear",
    ...                    hidden_layer_sizes=(), activation="relu",
    ...                    kernel_initializer="glorot_uniform",
    ...                    output_initializer="glorot_uniform")
    >>> plan = inference_plan(spec, [np.array([[1.0], [2.0]]), np.array([0.5])])
    >>> forward(plan, np.array([[1.0, 1.0]]))
    array([[3.5]])
    """
    steps = []
    remaining = iter(weights)
    for layer in network_layers(spec):
        if layer.kind not in _STEPS:
            raise NotImplementedError(f"No NumPy forward pass for {layer.kind!r}.")
        variables = [next(remaining) for _ in layer.variables()]
        step = _STEPS[layer.kind](layer, variables, spec, rng, dtype)
        if step is not None:
            steps.append(step)
    return steps


def has_dropout(spec):
    """Whether the network of ``spec`` has a dropout layer with a positive rate."""
    return any("dropout" in layer.kind for layer in network_layers(spec))


def _dense(layer, variables, spec, rng, dtype):
    kernel = np.asarray(variables[0], dtype=dtype)
    bias = np.asarray(variables[1], dtype=dtype) if layer.use_bias else 0.0
    return _dense_step(kernel, bias, ACTIVATIONS[layer.activation].numpy)


def _batch_norm(layer, variables, spec, rng, dtype):
    gamma, beta, mean, variance = (np.asarray(v, np.float64) for v in variables)
    scale = gamma / np.sqrt(variance + BATCH_NORM_EPSILON)
    shift = beta - scale * mean
    return _affine_step(scale.astype(dtype), shift.astype(dtype))


def _activation(layer, variables, spec, rng, dtype):
    return ACTIVATIONS[layer.activation].numpy


def _dropout(layer, variables, spec, rng, dtype):
    return None if rng is None else _dropout_step(getattr(spec, layer.rate), rng)


def _alpha_dropout(layer, variables, spec, rng, dtype):
    if rng is None:
        return None
    return _alpha_dropout_step(getattr(spec, layer.rate), rng)


def _periodic_embedding(layer, variables, spec, rng, dtype):
    frequencies, kernel, bias = (np.asarray(v, dtype=dtype) for v in variables)
    frequencies = frequencies * (2 * np.pi)

    def step(x):
        # Sparse rows (a deterministic plan's input) are embedded densely.
        x = x.toarray() if sp.issparse(x) else x
        angles = x[:, :, None] * frequencies
        periodic = np.concatenate([np.cos(angles), np.sin(angles)], axis=-1)
        embedded = np.maximum(np.einsum("bfk,fkd->bfd", periodic, kernel) + bias, 0)
        return np.concatenate([x[:, :, None], embedded], axis=-1).reshape(len(x), -1)

    return step


def _feature_scale(layer, variables, spec, rng, dtype):
    scale = np.asarray(variables[0], dtype=dtype)
    return lambda x: x.multiply(scale).tocsr() if sp.issparse(x) else x * scale


def _ensemble_scale(layer, variables, spec, rng, dtype):
    scale = np.asarray(variables[0], dtype=dtype)

    def step(x):
        x = x.toarray() if sp.issparse(x) else x
        return (x[:, None, :] * scale).reshape(-1, x.shape[1])

    return step


def _ensemble_output(layer, variables, spec, rng, dtype):
    kernel, bias = (np.asarray(v, dtype=dtype) for v in variables)
    activation = ACTIVATIONS[layer.activation].numpy

    def step(x):
        members = x.reshape(-1, len(kernel), x.shape[1])
        logits = np.einsum("bkh,kho->bko", members, kernel) + bias
        return activation(logits).mean(axis=1)  # the members' mean prediction

    return step


# The NumPy step of each layer kind in sklann._network.layers.LAYER_VARIABLES.
_STEPS = {
    "dense": _dense,
    "batch_norm": _batch_norm,
    "activation": _activation,
    "dropout": _dropout,
    "alpha_dropout": _alpha_dropout,
    "periodic_embedding": _periodic_embedding,
    "feature_scale": _feature_scale,
    "ensemble_scale": _ensemble_scale,
    "ensemble_output": _ensemble_output,
}


def _dropout_step(rate, rng):
    """Inverted dropout, as Keras's ``Dropout`` in training."""
    return lambda x: x * ((rng.random(x.shape, dtype=np.float32) >= rate) / (1 - rate))


def _alpha_dropout_step(rate, rng):
    """Keras's ``AlphaDropout`` in training: keeps SELU's mean and variance."""
    alpha_p = -SELU_ALPHA * SELU_SCALE
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
    """Run ``plan`` on a batch ``X``, as ``dtype`` (the plan's precision).

    ``X`` may be a sparse matrix when the plan's first step is a Dense layer,
    as in the deterministic plan (its input dropout does nothing).

    Examples
    --------
    >>> import numpy as np
    >>> plan = [lambda x: x * 2.0, ACTIVATIONS["relu"].numpy]
    >>> forward(plan, np.array([[-1.0, 3.0]]))
    array([[0., 6.]])
    """
    # Sparse rows go to the first Dense layer as they are (scipy's product).
    outputs = X.astype(dtype) if sp.issparse(X) else np.asarray(X, dtype=dtype)
    for step in plan:
        outputs = step(outputs)
    return outputs


def mc_dropout(spec, weights, X, mc_samples, rng):
    """``mc_samples`` stochastic passes with dropout on, all in one batch.

    Each chunk of rows is repeated ``mc_samples`` times and run through the
    NumPy network once, in float32, every repeat with its own dropout masks
    (from ``rng``); batch normalisation keeps its moving statistics, as at
    prediction. Chunks of ``MC_DROPOUT_ROWS`` repeated rows keep the arrays
    in cache: on digits with a (256, 128) network, 100 passes took 0.6 s with
    4,096 rows a chunk and 1.3 s with 65,536.

    Returns
    -------
    ndarray of shape (mc_samples, n_samples, n_outputs), float64
    """
    plan = inference_plan(spec, weights, rng, dtype=np.float32)
    passes = [
        forward(plan, np.tile(chunk, (mc_samples, 1)), np.float32).reshape(
            mc_samples, len(chunk), -1
        )
        for chunk in dense_chunks(
            X, max(1, MC_DROPOUT_ROWS // mc_samples), dtype=np.float32
        )
    ]
    return np.concatenate(passes, axis=1).astype(np.float64)
