"""The network an estimator's parameters describe: its spec, weights and Keras model.

A validated :class:`NetworkSpec` gives the network's initial weights
(:func:`initial_weights`, flat arrays in Keras's variable order); the
equivalent uncompiled ``keras.Sequential``, for ``model_`` and Keras
callbacks, is :func:`sklann._network.keras_build.build_network`. It knows nothing of
scikit-learn: the estimators resolve their parameters into a spec, and the
training engine trains the arrays.
"""

import functools
from dataclasses import dataclass

import keras
import numpy as np

from .activations import ACTIVATIONS
from .keras_layers import (
    MemberInitializer,
    embedding_initializers,
    member_scale_initializer,
)
from .layers import network_layers, variable_slots


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
        return ACTIVATIONS[activation].initializer
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
    numerical_embedding : {None, "periodic"}
        A periodic embedding of each feature before the hidden layers.
    embedding_dim, embedding_frequencies : int
        The embedding's outputs and frequencies per feature.
    embedding_scale : float
        Standard deviation of the embedding's initial frequencies.
    feature_scaling : bool
        A learned scale per input of the first hidden layer.
    n_ensemble : int
        Members of a TabM-mini ensemble (1: a plain network).
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
    numerical_embedding: str | None = None
    embedding_dim: int = 8
    embedding_frequencies: int = 16
    embedding_scale: float = 0.1
    feature_scaling: bool = False
    n_ensemble: int = 1


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


def seeded_initializer(name, seed):
    """The Keras initializer ``name``, seeded (``zeros`` takes no seed)."""
    # Built with its seed at once: an unseeded Keras initializer draws a
    # default seed from Python's global random module.
    if name == "zeros":
        return keras.initializers.Zeros()
    return INITIALIZER_CLASSES[name](seed=seed)


SEEDED_KINDS = (
    "dense",
    "dropout",
    "alpha_dropout",
    "periodic_embedding",
    "ensemble_scale",
    "ensemble_output",
)


def layer_seeds(spec, seed):
    """One seed per seeded layer (kernels and dropout), drawn from ``seed``.

    Building a network and drawing its initial weights take their seeds from
    this same stream, so both give the same state.

    Examples
    --------
    >>> spec = NetworkSpec(n_features=4, n_outputs=1, output_activation="sigmoid",
    ...                    hidden_layer_sizes=(8,), activation="relu",
    ...                    kernel_initializer="he_normal",
    ...                    output_initializer="glorot_uniform", dropout=0.2)
    >>> sorted(layer_seeds(spec, 0))
    ['dropout_1', 'hidden_1', 'output']
    """
    names = [layer.name for layer in network_layers(spec) if layer.kind in SEEDED_KINDS]
    draws = np.random.default_rng(seed).integers(2**31, size=len(names))
    return dict(zip(names, (int(draw) for draw in draws), strict=True))


def member_scales(spec, seed):
    """The initializer of an ensemble's member scales (normal after an embedding)."""
    return member_scale_initializer(spec.numerical_embedding is not None, seed)


def output_dtype(spec):
    """The output layer's dtype: float32, or float64 for the gradient check."""
    return "float64" if spec.precision == "float64" else "float32"


@functools.lru_cache(maxsize=16)
def initial_weights(spec, seed):
    """The fresh state that ``build_network(spec, seed)`` has, as arrays.

    Kernels come from the same seeded Keras initializers, biases and
    batch-norm shifts and means are zero, scales and variances one, and each
    dropout layer's random generator starts at ``[seed, 0]``, so training from
    these arrays is training the network :func:`build_network` builds.

    Parameters
    ----------
    spec : NetworkSpec
    seed : int

    Returns
    -------
    tuple of ndarray
        In the order of ``keras.Model.variables`` (see :mod:`sklann._network.layers`),
        read-only: the folds of a cross-validation start from the same
        network, which is drawn once (the draws are eager TensorFlow ops,
        a few milliseconds per layer).

    Examples
    --------
    >>> spec = NetworkSpec(n_features=4, n_outputs=1, output_activation="sigmoid",
    ...                    hidden_layer_sizes=(8,), activation="relu",
    ...                    kernel_initializer="he_normal",
    ...                    output_initializer="glorot_uniform")
    >>> [w.shape for w in initial_weights(spec, seed=0)]
    [(4, 8), (8,), (8, 1), (1,)]
    """
    seeds = layer_seeds(spec, seed)
    dtype = weight_dtype(spec)
    weights = []
    for slot in variable_slots(spec):
        name = slot.layer.name
        initializer = _slot_initializer(spec, slot, seeds.get(name))
        if initializer is not None:
            # Drawn in float32 for every precision: "float64" starts from the
            # same network, so it changes the arithmetic only.
            value = np.asarray(initializer(slot.shape, "float32")).astype(dtype)
        elif slot.name == "seed_generator_state":
            value = np.array([seeds[name], 0], dtype=np.int64)
        else:
            fill = 1.0 if slot.name in ("gamma", "moving_variance", "scale") else 0.0
            value = np.full(slot.shape, fill, dtype=dtype)
        value = np.array(value)
        value.setflags(write=False)
        weights.append(value)
    return tuple(weights)


def _slot_initializer(spec, slot, seed):
    """The seeded initializer that draws ``slot``, or None for a filled one."""
    if slot.name == "kernel":
        output = slot.layer.name == "output"
        name = spec.output_initializer if output else spec.kernel_initializer
        return seeded_initializer(name, seed)
    if slot.layer.kind == "periodic_embedding":
        initializers = embedding_initializers(
            slot.layer.frequencies, spec.embedding_scale, seed
        )
        return initializers.get(slot.name)
    if slot.name == "member_scale":
        return member_scales(spec, seed)
    if slot.name == "member_kernel":
        return MemberInitializer(spec.output_initializer, seed)
    return None


def weight_dtype(spec):
    """The dtype of the network's float variables (float32 under mixed precision)."""
    return output_dtype(spec)
