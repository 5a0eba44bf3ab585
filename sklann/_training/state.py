"""The compiled training function's state: a few flat tensors.

An estimator keeps its state as Keras does, one array per variable
(:mod:`sklann._network.layers`, :mod:`sklann._training.updates`). The compiled function
takes it as a few flat vectors instead: every trainable variable end to end
in one vector, each optimizer slot (momentum, velocity, ...) in one vector
laid out the same way, batch normalisation's moving statistics in one, the
dropout generators' states as rows of one matrix, and the optimizer's
scalars. Every optimizer's update is elementwise, so it runs once on the
whole vector instead of once per variable: fewer ops to trace, to
instantiate and to run at every step, and fewer loop variables.

:class:`StateLayout` converts between the two forms on the host; the
compiled function cuts views out of the vectors with :func:`views`.
"""

from typing import NamedTuple

import numpy as np
import tensorflow as tf

from .._network.layers import variable_slots
from .updates import AVERAGE


class FlatState(NamedTuple):
    """The compiled function's state (arrays on the host, tensors in the graph).

    ``params``: the trainable variables, end to end; ``moving``: the batch
    normalisation statistics, end to end (empty without batch norm);
    ``seeds``: one row ``[seed, counter]`` per dropout layer (int64);
    ``slots``: optimizer slot name to a vector laid out as ``params``;
    ``scalars``: the optimizer's scalars (iteration, learning rate, ...).
    """

    params: object
    moving: object
    seeds: object
    slots: dict
    scalars: dict


class StateLayout:
    """Where each variable of ``spec``'s network sits in a :class:`FlatState`.

    Parameters
    ----------
    spec : NetworkSpec
    rule : UpdateRule
        The optimizer, whose state layout :meth:`UpdateRule.split_state`
        knows.
    """

    def __init__(self, spec, rule):
        self.rule = rule
        slots = variable_slots(spec)
        self.trainable = [i for i, s in enumerate(slots) if s.trainable]
        self.moving = [
            i
            for i, s in enumerate(slots)
            if not s.trainable and s.name != "seed_generator_state"
        ]
        self.seeds = [
            i for i, s in enumerate(slots) if s.name == "seed_generator_state"
        ]
        self.shapes = [slots[i].shape for i in self.trainable]
        self.moving_shapes = [slots[i].shape for i in self.moving]
        self.n_variables = len(slots)

    def pack(self, weights, optimizer_state):
        """The :class:`FlatState` of per-variable ``weights`` and optimizer state."""
        per_variable, scalars = self.rule.split_state(
            optimizer_state, len(self.trainable)
        )
        return FlatState(
            params=_flatten([weights[i] for i in self.trainable]),
            moving=_flatten([weights[i] for i in self.moving], np.float32),
            seeds=np.array([weights[i] for i in self.seeds], np.int64).reshape(-1, 2),
            slots={name: _flatten(values) for name, values in per_variable.items()},
            scalars=scalars,
        )

    def unpack(self, state, keep_from=None):
        """Per-variable weights and optimizer state back from a :class:`FlatState`.

        ``keep_from`` (a previous optimizer state) supplies the entries the
        compiled function does not change.
        """
        weights = [None] * self.n_variables
        for index, value in zip(
            self.trainable, _split(state.params, self.shapes), strict=True
        ):
            weights[index] = value
        moving = _split(state.moving, self.moving_shapes)
        for index, value in zip(self.moving, moving, strict=True):
            weights[index] = value
        for index, row in zip(self.seeds, np.asarray(state.seeds), strict=True):
            weights[index] = np.array(row, dtype=np.int64)
        per_variable = {
            name: _split(values, self.shapes) for name, values in state.slots.items()
        }
        optimizer = self.rule.join_state(per_variable, state.scalars, keep_from)
        return weights, optimizer

    def finalized(self, weights, optimizer_state):
        """``weights`` at the end of a fit: the averages with ``use_ema``.

        Keras's ``finalize_variable_values``: the trainable weights take
        their moving averages, once a step has set them.
        """
        if not self.rule.ema:
            return weights
        per_variable, scalars = self.rule.split_state(
            optimizer_state, len(self.trainable)
        )
        if int(scalars["iteration"]) == 0:  # no step yet: no average either
            return weights
        weights = list(weights)
        for index, average in zip(self.trainable, per_variable[AVERAGE], strict=True):
            weights[index] = np.asarray(average)
        return weights

    def shape_tensors(self):
        """The trainable and moving variables' shapes, as the graph takes them."""
        return (
            [tf.constant(shape, tf.int32) for shape in self.shapes],
            [tf.constant(shape, tf.int32) for shape in self.moving_shapes],
        )


def _flatten(arrays, dtype=None):
    if not arrays:
        return np.zeros(0, dtype=dtype or np.float32)
    return np.concatenate([np.ravel(a) for a in arrays])


def _split(flat, shapes):
    flat = np.asarray(flat)
    sizes = [int(np.prod(shape)) for shape in shapes]
    ends = np.cumsum(sizes)
    return [
        flat[end - size : end].reshape(shape)
        for size, end, shape in zip(sizes, ends, shapes, strict=True)
    ]


# -- graph code ----------------------------------------------------------------------


class Cuts(NamedTuple):
    """How a flat vector splits into variables: their sizes (one int32 vector)
    and shapes (one int32 vector each)."""

    sizes: object
    shapes: list


def cuts(shapes):
    """The :class:`Cuts` of variables of ``shapes`` (int32 tensors), end to end."""
    if not shapes:
        return Cuts(tf.zeros([0], tf.int32), [])
    sizes = tf.stack([tf.reduce_prod(shape) for shape in shapes])
    return Cuts(sizes, list(shapes))


def views(flat, where):
    """The variables inside ``flat``, shaped (graph code): one split, then reshapes."""
    if not where.shapes:
        return []
    parts = tf.split(flat, where.sizes, num=len(where.shapes))
    return [
        tf.reshape(part, shape) for part, shape in zip(parts, where.shapes, strict=True)
    ]


def flatten(tensors, dtype):
    """``tensors`` end to end in one vector (graph code); empty for none."""
    if not tensors:
        return tf.zeros([0], dtype)
    return tf.concat([tf.reshape(t, [-1]) for t in tensors], axis=0)
