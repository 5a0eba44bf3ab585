"""Build the Keras network that an estimator's parameters describe.

This module turns a validated :class:`NetworkSpec` into an uncompiled
``keras.Sequential`` model. It knows nothing of scikit-learn: the estimators
resolve their parameters into a spec, and the training engine trains the
result.
"""

from dataclasses import dataclass

import keras
import numpy as np

# The initializer that suits each activation: He for the ReLU family and ELU,
# LeCun for SELU (needed for self-normalisation), Glorot for the rest.
AUTO_INITIALIZER = {
    "relu": "he_normal",
    "leaky_relu": "he_normal",
    "elu": "he_normal",
    "gelu": "he_normal",
    "swish": "he_normal",
    "softplus": "he_normal",
    "selu": "lecun_normal",
    "tanh": "glorot_uniform",
    "sigmoid": "glorot_uniform",
    "linear": "glorot_uniform",
    "softmax": "glorot_uniform",
    "exponential": "glorot_uniform",
}


def resolve_initializer(kernel_initializer, activation):
    """Return the initializer for ``kernel_initializer="auto"``, or the one given.

    The output layer resolves with its own activation: Glorot for sigmoid,
    softmax and linear outputs.

    Parameters
    ----------
    kernel_initializer : str
        ``"auto"`` or a Keras initializer name.
    activation : str
        The hidden-layer activation.

    Returns
    -------
    str

    Examples
    --------
    >>> resolve_initializer("auto", "selu")
    'lecun_normal'
    >>> resolve_initializer("orthogonal", "relu")
    'orthogonal'
    """
    if kernel_initializer == "auto":
        return AUTO_INITIALIZER[activation]
    return kernel_initializer


@dataclass(frozen=True)
class NetworkSpec:
    """Everything needed to build the network, with ``"auto"`` resolved.

    Parameters
    ----------
    n_features : int
        Width of the input.
    n_outputs : int
        Width of the output layer.
    output_activation : str
        Activation of the output layer (``sigmoid``, ``softmax``, ``linear``,
        ``exponential``).
    hidden_layer_sizes : tuple of int
        Units per hidden layer.
    activation : str
        Hidden-layer activation.
    kernel_initializer : str
        Initializer of the hidden kernels (already resolved from ``"auto"``).
    output_initializer : str
        Initializer of the output kernel.
    batch_normalization : {False, "before", "after"}
        Where batch normalisation sits relative to each hidden activation.
    dropout : float
        Dropout rate after each hidden layer (AlphaDropout for SELU).
    input_dropout : float
        Dropout rate on the inputs.
    l1, l2 : float
        Penalties on every kernel.
    max_norm : float or None
        Max-norm constraint on each unit's incoming weights.
    precision : {"float32", "mixed_float16", "mixed_bfloat16", "float64"}
        Dtype policy of the hidden layers; the output layer is float32
        (float64 for "float64", which only the gradient check uses). Set per
        layer, so Keras's global policy is never changed.
    """

    n_features: int
    n_outputs: int
    output_activation: str
    hidden_layer_sizes: tuple
    activation: str
    kernel_initializer: str
    output_initializer: str
    batch_normalization: object = False
    dropout: float = 0.0
    input_dropout: float = 0.0
    l1: float = 0.0
    l2: float = 0.0
    max_norm: float | None = None
    precision: str = "float32"


INITIALIZER_CLASSES = {
    "glorot_uniform": keras.initializers.GlorotUniform,
    "glorot_normal": keras.initializers.GlorotNormal,
    "he_uniform": keras.initializers.HeUniform,
    "he_normal": keras.initializers.HeNormal,
    "lecun_uniform": keras.initializers.LecunUniform,
    "lecun_normal": keras.initializers.LecunNormal,
    "orthogonal": keras.initializers.Orthogonal,
    "random_normal": keras.initializers.RandomNormal,
    "random_uniform": keras.initializers.RandomUniform,
}


def _seeded_initializer(name, seed):
    # Built with its seed at once: an unseeded Keras initializer draws a
    # default seed from Python's global random module.
    if name == "zeros":
        return keras.initializers.Zeros()
    return INITIALIZER_CLASSES[name](seed=seed)


def _dropout_layer(spec, rate, seed, name):
    layer_class = (
        keras.layers.AlphaDropout if spec.activation == "selu" else keras.layers.Dropout
    )
    return layer_class(rate, seed=seed, name=name, dtype=spec.precision)


def _dense(
    spec,
    units,
    activation,
    seed,
    name,
    use_bias=True,
    initializer=None,
    dtype=None,
):
    regularizer = None
    if spec.l1 or spec.l2:
        regularizer = keras.regularizers.L1L2(l1=spec.l1, l2=spec.l2)
    constraint = None
    if spec.max_norm is not None:
        constraint = keras.constraints.MaxNorm(max_value=spec.max_norm, axis=0)
    return keras.layers.Dense(
        units,
        activation=activation,
        use_bias=use_bias,
        kernel_initializer=_seeded_initializer(
            initializer or spec.kernel_initializer, seed
        ),
        kernel_regularizer=regularizer,
        kernel_constraint=constraint,
        name=name,
        dtype=dtype or spec.precision,
    )


def _hidden_block(spec, index, units, seeds):
    """Layers of hidden layer ``index``: Dense, batch norm, activation, dropout."""
    position = spec.batch_normalization
    dense_activation = None if position == "before" else spec.activation
    layers = [
        _dense(
            spec,
            units,
            dense_activation,
            seed=seeds[f"hidden_{index}"],
            name=f"hidden_{index}",
            use_bias=position != "before",
        )
    ]
    if position:
        layers.append(
            keras.layers.BatchNormalization(
                name=f"batch_norm_{index}", dtype=spec.precision
            )
        )
    if position == "before":
        layers.append(
            keras.layers.Activation(
                spec.activation, name=f"activation_{index}", dtype=spec.precision
            )
        )
    if spec.dropout > 0:
        name = f"dropout_{index}"
        layers.append(_dropout_layer(spec, spec.dropout, seeds[name], name))
    return layers


def layer_seeds(spec, seed):
    """One seed per seeded layer (kernels and dropout), drawn from ``seed``.

    Building and re-initialising a network draw from this same stream, so a
    re-initialised network equals a newly built one.

    Examples
    --------
    >>> spec = NetworkSpec(n_features=4, n_outputs=1, output_activation="sigmoid",
    ...                    hidden_layer_sizes=(8,), activation="relu",
    ...                    kernel_initializer="he_normal",
    ...                    output_initializer="glorot_uniform", dropout=0.2)
    >>> sorted(layer_seeds(spec, 0))
    ['dropout_1', 'hidden_1', 'output']
    """
    names = ["input_dropout"] if spec.input_dropout > 0 else []
    for index in range(1, len(spec.hidden_layer_sizes) + 1):
        names.append(f"hidden_{index}")
        if spec.dropout > 0:
            names.append(f"dropout_{index}")
    names.append("output")
    draws = np.random.default_rng(seed).integers(2**31, size=len(names))
    return dict(zip(names, (int(draw) for draw in draws), strict=True))


def build_network(spec, seed):
    """Build the uncompiled Keras model that ``spec`` describes.

    Parameters
    ----------
    spec : NetworkSpec
        The resolved architecture.
    seed : int
        Seeds every initializer and dropout layer, so the same seed builds the
        same weights. No global random state is read or changed.

    Returns
    -------
    keras.Sequential

    Examples
    --------
    >>> spec = NetworkSpec(n_features=4, n_outputs=3, output_activation="softmax",
    ...                    hidden_layer_sizes=(8,), activation="relu",
    ...                    kernel_initializer="he_normal",
    ...                    output_initializer="glorot_uniform", dropout=0.2)
    >>> [layer.name for layer in build_network(spec, seed=0).layers]
    ['hidden_1', 'dropout_1', 'output']
    """
    seeds = layer_seeds(spec, seed)
    layers = [keras.Input(shape=(spec.n_features,), name="features")]
    if spec.input_dropout > 0:
        layers.append(
            _dropout_layer(
                spec, spec.input_dropout, seeds["input_dropout"], "input_dropout"
            )
        )
    for index, units in enumerate(spec.hidden_layer_sizes, start=1):
        layers.extend(_hidden_block(spec, index, units, seeds))
    layers.append(
        _dense(
            spec,
            spec.n_outputs,
            spec.output_activation,
            seed=seeds["output"],
            name="output",
            initializer=spec.output_initializer,
            dtype="float64" if spec.precision == "float64" else "float32",
        )
    )
    return keras.Sequential(layers, name="mlp")


def reinitialize_network(model, spec, seed):
    """Give a built network the fresh state that ``build_network(spec, seed)`` has.

    Kernels are redrawn from the seeded initializers, biases and batch-norm
    statistics reset, and dropout seed generators reseeded, all by assigning
    to the existing variables. Re-using a built (and traced) network this way
    is much cheaper than building a new one.

    Parameters
    ----------
    model : keras.Model
        A network built by :func:`build_network` from ``spec``.
    spec : NetworkSpec
    seed : int
    """
    seeds = layer_seeds(spec, seed)
    for layer in model.layers:
        if isinstance(layer, keras.layers.Dense):
            name = (
                spec.output_initializer
                if layer.name == "output"
                else spec.kernel_initializer
            )
            initializer = _seeded_initializer(name, seeds[layer.name])
            layer.kernel.assign(initializer(layer.kernel.shape, layer.kernel.dtype))
            if layer.use_bias:
                layer.bias.assign(keras.ops.zeros_like(layer.bias))
        elif isinstance(layer, keras.layers.BatchNormalization):
            for variable, value in (
                (layer.gamma, 1.0),
                (layer.beta, 0.0),
                (layer.moving_mean, 0.0),
                (layer.moving_variance, 1.0),
            ):
                variable.assign(keras.ops.full_like(variable, value))
        elif hasattr(layer, "seed_generator"):
            state = layer.seed_generator.state
            state.assign(keras.ops.cast([seeds[layer.name], 0], state.dtype))
