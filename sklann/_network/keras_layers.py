"""The Keras layers of sklann's own layer kinds, for ``model_`` and callbacks.

Their maths is the traced forward pass's (:mod:`sklann._network.forward`) and
the NumPy prediction's (:mod:`sklann._inference`), and they create their
variables in the order of :data:`sklann._network.layers.LAYER_VARIABLES`.
"""

import math

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="sklann")
class FeatureScale(keras.layers.Layer):
    """Multiplies each input feature by a learned scale (starting at 1).

    Examples
    --------
    >>> import numpy as np
    >>> layer = FeatureScale()
    >>> np.asarray(layer(np.array([[1.0, -2.0]]))).tolist()
    [[1.0, -2.0]]
    """

    def build(self, input_shape):
        self.scale = self.add_weight(
            shape=(input_shape[-1],), initializer="ones", name="scale"
        )

    def call(self, inputs):
        return inputs * ops.cast(self.scale, inputs.dtype)


@keras.saving.register_keras_serializable(package="sklann")
class PeriodicEmbedding(keras.layers.Layer):
    """Gorishniy et al.'s PLR embedding of each feature (2022).

    Each feature ``x`` becomes ``x`` itself followed by ``relu(W [cos(2 pi
    c x), sin(2 pi c x)] + b)``, with its own trained frequencies ``c``
    (``frequencies`` of them, drawn from N(0, ``scale``)), kernel ``W`` and
    bias ``b``; the ``units + 1`` outputs of every feature are concatenated.
    Keeping ``x`` is RealMLP's variant (PBLD): the network need not
    rebuild a linear effect from sines.

    Parameters
    ----------
    units : int
        Outputs per feature.
    frequencies : int
        Frequencies per feature.
    scale : float
        Standard deviation of the initial frequencies.
    seed : int, default=None
        Seeds the frequencies (``seed``) and the kernels (``seed + 1``).

    Examples
    --------
    >>> import numpy as np
    >>> layer = PeriodicEmbedding(units=4, frequencies=3, scale=0.1, seed=0)
    >>> tuple(layer(np.zeros((2, 5))).shape)
    (2, 25)
    """

    def __init__(self, units, frequencies, scale, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.units, self.frequencies, self.scale = units, frequencies, scale
        self.seed = seed

    def build(self, input_shape):
        features = input_shape[-1]
        initializers = embedding_initializers(self.frequencies, self.scale, self.seed)
        self.frequency = self.add_weight(
            shape=(features, self.frequencies),
            initializer=initializers["frequencies"],
            name="frequencies",
        )
        self.kernel = self.add_weight(
            shape=(features, 2 * self.frequencies, self.units),
            initializer=initializers["embedding_kernel"],
            name="embedding_kernel",
        )
        self.bias = self.add_weight(
            shape=(features, self.units), initializer="zeros", name="embedding_bias"
        )

    def call(self, inputs):
        angles = (
            (2 * math.pi) * inputs[:, :, None] * ops.cast(self.frequency, inputs.dtype)
        )
        periodic = ops.concatenate([ops.cos(angles), ops.sin(angles)], axis=-1)
        kernel, bias = (
            ops.cast(self.kernel, inputs.dtype),
            ops.cast(self.bias, inputs.dtype),
        )
        embedded = ops.relu(ops.einsum("bfk,fkd->bfd", periodic, kernel) + bias)
        embedded = ops.concatenate([inputs[:, :, None], embedded], axis=-1)
        return ops.reshape(embedded, (-1, embedded.shape[1] * (self.units + 1)))

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[-1] * (self.units + 1))

    def get_config(self):
        return {
            **super().get_config(),
            "units": self.units,
            "frequencies": self.frequencies,
            "scale": self.scale,
            "seed": self.seed,
        }


def embedding_initializers(frequencies, scale, seed):
    """The periodic embedding's initializers by variable, seeded from ``seed``.

    The frequencies are N(0, ``scale``); each per-feature kernel is
    U(-1/sqrt(fan_in), 1/sqrt(fan_in)), PyTorch's ``Linear``, as in the paper.
    """
    bound = 1.0 / math.sqrt(2 * frequencies)
    second = None if seed is None else seed + 1
    return {
        "frequencies": keras.initializers.RandomNormal(stddev=scale, seed=seed),
        "embedding_kernel": keras.initializers.RandomUniform(
            -bound, bound, seed=second
        ),
    }
