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


@keras.saving.register_keras_serializable(package="sklann")
class RandomSigns(keras.initializers.Initializer):
    """Draws -1 or +1 with equal odds: TabM's first adapter without embeddings.

    Examples
    --------
    >>> import numpy as np
    >>> draws = np.asarray(RandomSigns(seed=0)((2, 3)))
    >>> sorted(set(draws.ravel().tolist())) in ([-1.0, 1.0], [-1.0], [1.0])
    True
    """

    def __init__(self, seed=None):
        self.seed = seed

    def __call__(self, shape, dtype=None):
        uniform = keras.random.uniform(shape, seed=self.seed, dtype=dtype)
        return ops.where(uniform < 0.5, -1.0, 1.0)

    def get_config(self):
        return {"seed": self.seed}


def member_scale_initializer(embedded, seed):
    """The members' input scales: random signs, or N(0, 1) after an embedding.

    TabM-mini's choice: signs keep raw features' magnitudes while making
    the members differ; embedded features take normal scales.
    """
    if embedded:
        return keras.initializers.RandomNormal(stddev=1.0, seed=seed)
    return RandomSigns(seed=seed)


@keras.saving.register_keras_serializable(package="sklann")
class MemberInitializer(keras.initializers.Initializer):
    """Draws each member's ``(inputs, units)`` kernel as a Dense layer's own.

    Keras's initializers would take a ``(members, inputs, units)`` shape as a
    convolution's and shrink every member's scale by the number of members;
    here member ``i`` is drawn by the named initializer seeded ``seed + i``.

    Examples
    --------
    >>> import numpy as np
    >>> kernels = np.asarray(MemberInitializer("glorot_uniform", seed=0)((3, 4, 2)))
    >>> kernels.shape, bool(np.abs(kernels).max() <= 1.0)
    ((3, 4, 2), True)
    """

    def __init__(self, name, seed=None):
        self.name, self.seed = name, seed

    def __call__(self, shape, dtype=None):
        members, *member_shape = shape
        return ops.stack(
            [
                self._member(index)(tuple(member_shape), dtype=dtype)
                for index in range(members)
            ]
        )

    def _member(self, index):
        initializer = keras.initializers.get(self.name)
        config = initializer.get_config()
        if "seed" in config:  # Zeros and Ones draw nothing
            config["seed"] = None if self.seed is None else self.seed + index
        return type(initializer).from_config(config)

    def get_config(self):
        return {"name": self.name, "seed": self.seed}


@keras.saving.register_keras_serializable(package="sklann")
class EnsembleScale(keras.layers.Layer):
    """Each member's copy of the inputs, scaled by the member's own vector.

    The first layer of a TabM-mini ensemble (Gorishniy et al., 2025): a
    batch of ``n`` rows becomes ``n * members`` rows, each row's members
    next to each other, which the shared hidden layers then process.

    Examples
    --------
    >>> import numpy as np
    >>> layer = EnsembleScale(members=3, initializer="ones")
    >>> tuple(layer(np.zeros((2, 5))).shape)
    (6, 5)
    """

    def __init__(self, members, initializer="ones", **kwargs):
        super().__init__(**kwargs)
        self.members = members
        self.initializer = keras.initializers.get(initializer)

    def build(self, input_shape):
        self.scale = self.add_weight(
            shape=(self.members, input_shape[-1]),
            initializer=self.initializer,
            name="member_scale",
        )

    def call(self, inputs):
        scaled = inputs[:, None, :] * ops.cast(self.scale, inputs.dtype)
        return ops.reshape(scaled, (-1, inputs.shape[-1]))

    def compute_output_shape(self, input_shape):
        return (None, input_shape[-1])

    def get_config(self):
        return {
            **super().get_config(),
            "members": self.members,
            "initializer": keras.initializers.serialize(self.initializer),
        }


@keras.saving.register_keras_serializable(package="sklann")
class EnsembleOutput(keras.layers.Layer):
    """Each member's own output layer, and the members' mean prediction.

    Takes the ``n * members`` rows of :class:`EnsembleScale` after the
    shared hidden layers, applies member ``i``'s kernel and bias to its
    rows and the output activation, and returns the mean over the members:
    the ensemble's probabilities or values, ``(n, units)``.

    Examples
    --------
    >>> import numpy as np
    >>> layer = EnsembleOutput(members=3, units=2, activation="softmax",
    ...                        kernel_initializer="zeros")
    >>> np.asarray(layer(np.ones((6, 4)))).tolist()
    [[0.5, 0.5], [0.5, 0.5]]
    """

    def __init__(
        self,
        members,
        units,
        activation,
        kernel_initializer="glorot_uniform",
        kernel_regularizer=None,
        kernel_constraint=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.members, self.units = members, units
        self.activation = keras.activations.get(activation)
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.kernel_regularizer = keras.regularizers.get(kernel_regularizer)
        self.kernel_constraint = keras.constraints.get(kernel_constraint)

    def build(self, input_shape):
        self.kernel = self.add_weight(
            shape=(self.members, input_shape[-1], self.units),
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
            name="member_kernel",
        )
        self.bias = self.add_weight(
            shape=(self.members, self.units), initializer="zeros", name="member_bias"
        )

    def call(self, inputs):
        members = ops.reshape(inputs, (-1, self.members, inputs.shape[-1]))
        kernel = ops.cast(self.kernel, inputs.dtype)
        logits = ops.einsum("bkh,kho->bko", members, kernel)
        logits = logits + ops.cast(self.bias, inputs.dtype)
        return ops.mean(self.activation(logits), axis=1)

    def compute_output_shape(self, input_shape):
        return (None, self.units)

    def get_config(self):
        return {
            **super().get_config(),
            "members": self.members,
            "units": self.units,
            "activation": keras.activations.serialize(self.activation),
            "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
            "kernel_regularizer": keras.regularizers.serialize(self.kernel_regularizer),
            "kernel_constraint": keras.constraints.serialize(self.kernel_constraint),
        }
