"""The network's forward pass in TensorFlow graph code, over plain tensors.

The compiled training step (:mod:`sklann._training.program`) runs the network as a
function of its weights: the weights are tensors passed in and handed back,
not Keras variables. So one traced step serves every network with the same
layer kinds (:func:`sklann._network.layers.layer_kinds`), whatever their widths or
number of features, and the numeric settings (dropout rates, L1/L2, the
max-norm) are inputs too. The maths is Keras's own, op for op: the same
dropout draws from the same seed states, batch normalisation with Keras's
momentum and epsilon, mixed precision as Keras's dtype policies compute it.
"""

import math

import tensorflow as tf

from .activations import ACTIVATIONS, SELU_ALPHA, SELU_SCALE
from .layers import BATCH_NORM_EPSILON, BATCH_NORM_MOMENTUM, LAYER_VARIABLES

# Keras's backend epsilon, used by its MaxNorm constraint.
KERAS_EPSILON = 1e-7


@tf.custom_gradient
def cos_and_sin(angles):
    """``cos(angles), sin(angles)``, differentiated with the values already
    computed: TensorFlow's own gradients of ``cos`` and ``sin`` compute both
    again (4% of the recipe's fit time on digits, 2 cores)."""
    cos, sin = tf.cos(angles), tf.sin(angles)

    def gradient(upstream_cos, upstream_sin):
        return upstream_sin * cos - upstream_cos * sin

    return (cos, sin), gradient


def compute_dtype(precision):
    """The dtype hidden layers compute in under ``precision``."""
    return {
        "float32": tf.float32,
        "mixed_float16": tf.float16,
        "mixed_bfloat16": tf.bfloat16,
        "float64": tf.float64,
    }[precision]


def keras_seed(state):
    """The int32 seed Keras draws from a generator ``state`` (its ``_cast_seed``)."""
    return tf.cast(tf.math.floormod(state, tf.int32.max - 1), tf.int32)


class GraphNetwork:
    """The forward pass of networks with the layers ``kinds``.

    Parameters
    ----------
    kinds : tuple of Layer
        The layers, without widths (:func:`sklann._network.layers.layer_kinds`).
    precision : str
        ``"float32"``, ``"mixed_float16"``, ``"mixed_bfloat16"`` or
        ``"float64"``: hidden layers compute in the matching dtype, the output
        layer in float32 (float64 for ``"float64"``).
    """

    def __init__(self, kinds, precision):
        for layer in kinds:
            if layer.kind not in self._FORWARD:
                raise NotImplementedError(f"No forward pass for layer {layer.kind!r}.")
        self.kinds = kinds
        self.compute_dtype = compute_dtype(precision)
        self.output_dtype = tf.float64 if precision == "float64" else tf.float32
        counts = [len(self._variables_of(layer)) for layer in kinds]
        self._starts = [sum(counts[:i]) for i in range(len(kinds))]
        self.n_variables = sum(counts)
        self.kernel_indices = [start for _, start in self.dense_layers()]
        self.ensemble = kinds[-1].kind == "ensemble_output"

    def dense_layers(self):
        """The Dense layers (and an ensemble's output layers) with the position
        of their kernel in the weights."""
        return [
            (layer, start)
            for layer, start in zip(self.kinds, self._starts, strict=True)
            if layer.kind in ("dense", "ensemble_output")
        ]

    @staticmethod
    def _variables_of(layer):
        return [
            name
            for name, _ in LAYER_VARIABLES[layer.kind]
            if name != "bias" or layer.use_bias
        ]

    def __call__(self, weights, x, rates, training):
        """Run the network on ``x``.

        Parameters
        ----------
        weights : list of tf.Tensor
            Every variable, in Keras's order.
        x : tf.Tensor
            A batch of float32 features.
        rates : dict
            Scalar tensors ``"dropout"`` and ``"input_dropout"``.
        training : bool
            Dropout on and batch statistics from the batch; otherwise
            inference mode.

        Returns
        -------
        logits : tf.Tensor
            The output layer before its activation; an ensemble's members'
            logits, ``n_ensemble`` rows per row of ``x`` (see :meth:`per_member`).
        weights : list of tf.Tensor
            The variables after the pass: in training, batch normalisation's
            moving statistics and the dropout generators have moved on.
        """
        weights = list(weights)
        h = tf.cast(x, self.compute_dtype)
        hidden = zip(self.kinds[:-1], self._starts[:-1], strict=True)
        for layer, start in hidden:
            forward = self._FORWARD[layer.kind]
            h = forward(self, layer, weights, start, h, rates, training)
        # The output layer's logits: the loss applies the activation itself.
        output = self._members_affine if self.ensemble else self._affine
        logits = output(self.kinds[-1], weights, self._starts[-1], h)
        return logits, weights

    def per_member(self, weights, *tensors):
        """``tensors`` (targets, sample weights) row by row as the logits are.

        Each row repeated once per ensemble member, so that the loss is the
        mean of the members' losses (TabM trains its members so); as they
        are without an ensemble.
        """
        if not self.ensemble:
            return tensors
        members = tf.shape(weights[self._starts[-1]])[0]
        return tuple(tf.repeat(tensor, members, axis=0) for tensor in tensors)

    def output(self, logits):
        """The output layer's activation applied to its ``logits``."""
        return ACTIVATIONS[self.kinds[-1].activation].graph(logits)

    def _affine(self, layer, weights, start, h):
        h = tf.cast(h, self.output_dtype if layer.name == "output" else h.dtype)
        h = tf.matmul(h, tf.cast(weights[start], h.dtype))
        if layer.use_bias:
            h = tf.nn.bias_add(h, tf.cast(weights[start + 1], h.dtype))
        return h

    def _members_affine(self, layer, weights, start, h):
        """Each member's output layer on its rows (an ensemble's ``_affine``)."""
        kernel, bias = weights[start], weights[start + 1]
        h = tf.cast(h, self.output_dtype)
        members = tf.reshape(h, [-1, tf.shape(kernel)[0], tf.shape(h)[1]])
        logits = tf.einsum("bkh,kho->bko", members, tf.cast(kernel, h.dtype))
        logits += tf.cast(bias, h.dtype)
        return tf.reshape(logits, [-1, tf.shape(kernel)[2]])

    # -- one function per layer kind ---------------------------------------------------

    def _dense(self, layer, weights, start, h, rates, training):
        return ACTIVATIONS[layer.activation].graph(
            self._affine(layer, weights, start, h)
        )

    def _batch_norm(self, layer, weights, start, h, rates, training):
        gamma, beta, moving_mean, moving_variance = weights[start : start + 4]
        dtype = h.dtype
        # Keras normalises float16/bfloat16 inputs in float32.
        x = tf.cast(h, tf.float64 if dtype == tf.float64 else tf.float32)
        if training:
            mean, variance = tf.nn.moments(x, axes=[0])
            weights[start + 2] = moving_mean * BATCH_NORM_MOMENTUM + tf.cast(
                mean, moving_mean.dtype
            ) * (1.0 - BATCH_NORM_MOMENTUM)
            weights[start + 3] = moving_variance * BATCH_NORM_MOMENTUM + tf.cast(
                variance, moving_variance.dtype
            ) * (1.0 - BATCH_NORM_MOMENTUM)
        else:
            mean, variance = moving_mean, moving_variance
        out = tf.nn.batch_normalization(
            x,
            tf.cast(mean, x.dtype),
            tf.cast(variance, x.dtype),
            tf.cast(beta, x.dtype),
            tf.cast(gamma, x.dtype),
            BATCH_NORM_EPSILON,
        )
        return tf.cast(out, dtype)

    def _activation(self, layer, weights, start, h, rates, training):
        return ACTIVATIONS[layer.activation].graph(h)

    def _dropout(self, layer, weights, start, h, rates, training):
        if not training:
            return h
        state = weights[start]
        weights[start] = state + tf.constant([0, 1], state.dtype)
        rate = tf.cast(rates[layer.rate], h.dtype)
        return tf.nn.experimental.stateless_dropout(h, rate, seed=keras_seed(state))

    def _alpha_dropout(self, layer, weights, start, h, rates, training):
        """Keras's AlphaDropout: keeps SELU's self-normalising mean and variance."""
        if not training:
            return h
        state = weights[start]
        weights[start] = state + tf.constant([0, 1], state.dtype)
        rate = rates[layer.rate]
        noise = tf.random.stateless_uniform(
            tf.shape(h), seed=keras_seed(state), dtype=tf.float32
        )
        kept = tf.cast(noise >= rate, h.dtype)
        alpha_p = -SELU_ALPHA * SELU_SCALE
        a = ((1 - rate) * (1 + rate * alpha_p**2)) ** -0.5
        b = -a * alpha_p * rate
        dropped = h * kept + alpha_p * (1 - kept)
        return tf.cast(a, h.dtype) * dropped + tf.cast(b, h.dtype)

    def _periodic_embedding(self, layer, weights, start, h, rates, training):
        frequencies, kernel, bias = (
            tf.cast(weight, h.dtype) for weight in weights[start : start + 3]
        )
        angles = (2 * math.pi) * h[:, :, None] * frequencies
        periodic = tf.concat(cos_and_sin(angles), axis=-1)
        embedded = tf.nn.relu(tf.einsum("bfk,fkd->bfd", periodic, kernel) + bias)
        embedded = tf.concat([h[:, :, None], embedded], axis=-1)
        return tf.reshape(embedded, [tf.shape(h)[0], -1])

    def _feature_scale(self, layer, weights, start, h, rates, training):
        return h * tf.cast(weights[start], h.dtype)

    def _ensemble_scale(self, layer, weights, start, h, rates, training):
        """Each member's scaled copy of each row, a row's members together."""
        scaled = h[:, None, :] * tf.cast(weights[start], h.dtype)
        return tf.reshape(scaled, [-1, tf.shape(h)[1]])

    _FORWARD = {
        "dense": _dense,
        "batch_norm": _batch_norm,
        "activation": _activation,
        "dropout": _dropout,
        "alpha_dropout": _alpha_dropout,
        "periodic_embedding": _periodic_embedding,
        "feature_scale": _feature_scale,
        "ensemble_scale": _ensemble_scale,
        # The output layer is not in the loop: ``_affine`` or ``_members_affine``.
        "ensemble_output": None,
    }

    # -- penalties and constraints ---------------------------------------------------

    def penalty(self, weights, l1, l2):
        """Keras's L1L2 kernel regularizer, summed over every Dense kernel."""
        total = 0.0
        for index in self.kernel_indices:
            kernel = weights[index]
            total += tf.cast(l1, kernel.dtype) * tf.reduce_sum(tf.abs(kernel))
            total += tf.cast(l2, kernel.dtype) * tf.reduce_sum(tf.square(kernel))
        return total

    def max_norm(self, weights, max_value):
        """Keras's MaxNorm on every Dense kernel: each unit's incoming weights
        (axis 0; an ensemble member's, axis 1 of its output kernels)."""
        weights = list(weights)
        for index in self.kernel_indices:
            kernel = weights[index]
            squares = tf.reduce_sum(tf.square(kernel), axis=-2, keepdims=True)
            norms = tf.sqrt(squares)
            desired = tf.clip_by_value(norms, 0.0, tf.cast(max_value, kernel.dtype))
            weights[index] = kernel * (desired / (KERAS_EPSILON + norms))
        return weights
