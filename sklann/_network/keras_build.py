"""The Keras model of a :class:`~sklann._network.spec.NetworkSpec`, for ``model_``.

One builder per layer kind (:data:`KERAS_LAYERS`) makes the Keras layer
whose maths is the traced forward pass's; :func:`build_network` puts them in
a ``keras.Sequential`` with the same seeds as
:func:`~sklann._network.spec.initial_weights`, so the model starts from the
arrays that sklann trains.
"""

import keras

from .keras_layers import (
    EnsembleOutput,
    EnsembleScale,
    FeatureScale,
    MemberInitializer,
    PeriodicEmbedding,
)
from .layers import BATCH_NORM_EPSILON, BATCH_NORM_MOMENTUM, network_layers
from .spec import layer_seeds, member_scales, output_dtype, seeded_initializer


def _dense(spec, layer, seed):
    regularizer, constraint = _penalties(spec, axis=0)
    output = layer.name == "output"
    initializer = spec.output_initializer if output else spec.kernel_initializer
    return keras.layers.Dense(
        layer.units,
        activation=layer.activation,
        use_bias=layer.use_bias,
        kernel_initializer=seeded_initializer(initializer, seed),
        kernel_regularizer=regularizer,
        kernel_constraint=constraint,
        name=layer.name,
        dtype=output_dtype(spec) if output else spec.precision,
    )


def _penalties(spec, axis):
    """Keras's regularizer and max-norm constraint of a kernel (or None)."""
    regularizer = None
    if spec.l1 or spec.l2:
        regularizer = keras.regularizers.L1L2(l1=spec.l1, l2=spec.l2)
    constraint = None
    if spec.max_norm is not None:
        constraint = keras.constraints.MaxNorm(max_value=spec.max_norm, axis=axis)
    return regularizer, constraint


def _batch_norm(spec, layer, seed):
    return keras.layers.BatchNormalization(
        momentum=BATCH_NORM_MOMENTUM,
        epsilon=BATCH_NORM_EPSILON,
        name=layer.name,
        dtype=spec.precision,
    )


def _activation(spec, layer, seed):
    return keras.layers.Activation(
        layer.activation, name=layer.name, dtype=spec.precision
    )


def _dropout(layer_class):
    def build(spec, layer, seed):
        rate = getattr(spec, layer.rate)
        return layer_class(rate, seed=seed, name=layer.name, dtype=spec.precision)

    return build


def _periodic_embedding(spec, layer, seed):
    return PeriodicEmbedding(
        layer.units,
        layer.frequencies,
        spec.embedding_scale,
        seed=seed,
        name=layer.name,
        dtype=spec.precision,
    )


def _feature_scale(spec, layer, seed):
    return FeatureScale(name=layer.name, dtype=spec.precision)


def _ensemble_scale(spec, layer, seed):
    return EnsembleScale(
        layer.members,
        initializer=member_scales(spec, seed),
        name=layer.name,
        dtype=spec.precision,
    )


def _ensemble_output(spec, layer, seed):
    regularizer, constraint = _penalties(spec, axis=1)  # each member's units
    return EnsembleOutput(
        layer.members,
        layer.units,
        layer.activation,
        kernel_initializer=MemberInitializer(spec.output_initializer, seed),
        kernel_regularizer=regularizer,
        kernel_constraint=constraint,
        name=layer.name,
        dtype=output_dtype(spec),
    )


# The Keras layer of each kind in sklann._network.layers.LAYER_VARIABLES.
KERAS_LAYERS = {
    "dense": _dense,
    "batch_norm": _batch_norm,
    "activation": _activation,
    "dropout": _dropout(keras.layers.Dropout),
    "alpha_dropout": _dropout(keras.layers.AlphaDropout),
    "periodic_embedding": _periodic_embedding,
    "feature_scale": _feature_scale,
    "ensemble_scale": _ensemble_scale,
    "ensemble_output": _ensemble_output,
}

# The layer kinds whose variables or masks are drawn from a seed.


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
    >>> from sklann._network.spec import NetworkSpec
    >>> spec = NetworkSpec(n_features=4, n_outputs=3, output_activation="softmax",
    ...                    hidden_layer_sizes=(8,), activation="relu",
    ...                    kernel_initializer="he_normal",
    ...                    output_initializer="glorot_uniform", dropout=0.2)
    >>> [layer.name for layer in build_network(spec, seed=0).layers]
    ['hidden_1', 'dropout_1', 'output']
    """
    seeds = layer_seeds(spec, seed)
    layers = [keras.Input(shape=(spec.n_features,), name="features")]
    for layer in network_layers(spec):
        if layer.kind not in KERAS_LAYERS:
            raise NotImplementedError(f"No Keras layer for layer kind {layer.kind!r}.")
        layers.append(KERAS_LAYERS[layer.kind](spec, layer, seeds.get(layer.name)))
    return keras.Sequential(layers, name="mlp")
