"""One minibatch step of training, and the losses, in graph code over flat state.

A :class:`TrainingStep` holds what one structure computes per minibatch:
the network's variables cut out of the flat state
(:mod:`sklann._training.state`), the weighted loss with its penalties, the
optimizer update (:mod:`sklann._training.updates`) with the max-norm
constraint, the metrics, and the validation loss. The epoch loops around it
are :mod:`sklann._training.program`.
"""

from typing import NamedTuple

import numpy as np
import tensorflow as tf

from .._network.forward import GraphNetwork
from .._network.layers import LAYER_VARIABLES, VARIABLE_RANKS
from .data import DENSE_CHUNK_BYTES, gather_rows, n_columns
from .metrics import graph_metric
from .state import FlatState, flatten, views


def weighted_loss(network, per_sample_loss, weights, batch, hyper, training):
    """The loss training minimises on ``batch``: weighted mean plus penalties.

    Returns the loss, the network's outputs and its weights after the pass
    (see :class:`~sklann._network.forward.GraphNetwork`), and the targets
    and sample weights as the outputs are laid out (an ensemble's members
    each have a row). Graph code.
    """
    x, y, sample_weights = batch
    logits, weights = network(weights, x, hyper, training)
    y, sample_weights = network.per_member(weights, y, sample_weights)
    outputs = network.output(logits)
    per_sample = per_sample_loss(y, logits, outputs, hyper)
    total = tf.reduce_sum(per_sample * tf.cast(sample_weights, per_sample.dtype))
    loss = total / tf.cast(tf.reduce_sum(sample_weights), per_sample.dtype)
    penalty = network.penalty(weights, hyper["l1"], hyper["l2"])
    return loss + tf.cast(penalty, loss.dtype), outputs, weights, (y, sample_weights)


class StepState(NamedTuple):
    """The loop state of one minibatch step."""

    state: FlatState
    metrics: list
    loss: object


class TrainingStep:
    """The per-minibatch graph code of one structure.

    Parameters
    ----------
    structure : sklann._training.program.Structure
    rule : sklann._training.updates.UpdateRule
    loss : sklann._training.losses.TrainingLoss
        Called as ``loss(y, logits, outputs, hyper)`` (``per_sample_loss``).
    metrics : callable
        Returns fresh Keras metric objects; they run as graph metrics
        (:func:`sklann._training.metrics.graph_metric`), their state carried
        through the loop, so concurrent calls do not interfere.
    """

    def __init__(self, structure, rule, loss, metrics):
        self.structure = structure
        self.network = GraphNetwork(structure.kinds, structure.precision)
        self.rule = rule
        self.per_sample_loss = loss
        self.metrics = [graph_metric(metric) for metric in metrics()]
        names = [
            (name, trainable)
            for layer in structure.kinds
            for name, trainable in LAYER_VARIABLES[layer.kind]
            if name != "bias" or layer.use_bias
        ]
        self.trainable = [i for i, (_, trainable) in enumerate(names) if trainable]
        self.ranks = [VARIABLE_RANKS.get(names[i][0], 1) for i in self.trainable]
        self.seeds = [
            i for i, (name, _) in enumerate(names) if name == "seed_generator_state"
        ]
        self.moving = [
            i
            for i, (name, trainable) in enumerate(names)
            if not trainable and name != "seed_generator_state"
        ]

    def weights(self, params, moving, seeds, where):
        """Every variable, in Keras's order, cut out of the flat state."""
        weights = [None] * self.network.n_variables
        placed = zip(self.trainable, views(params, where[0]), strict=True)
        for index, value in placed:
            weights[index] = value
        for index, value in zip(self.moving, views(moving, where[1]), strict=True):
            weights[index] = value
        for row, index in enumerate(self.seeds):
            weights[index] = seeds[row]
        return weights

    # -- graph code ------------------------------------------------------------------

    def loss(self, weights, batch, hyper, training):
        """Weighted mean loss plus penalties; the outputs, the updated weights,
        and the targets and sample weights laid out as the outputs."""
        return weighted_loss(
            self.network, self.per_sample_loss, weights, batch, hyper, training
        )

    def constrain(self, hyper, where):
        if not self.structure.max_norm:
            return lambda params: params

        def constrain(params):
            weights = [None] * self.network.n_variables
            placed = zip(self.trainable, views(params, where), strict=True)
            for index, value in placed:
                weights[index] = value
            weights = self.network.max_norm(weights, hyper["max_norm"])
            return flatten([weights[i] for i in self.trainable], params.dtype)

        return constrain

    def train(self, step, batch, rates, hyper, where):
        state = step.state
        weights = self.weights(state.params, state.moving, state.seeds, where)
        trainable = [weights[i] for i in self.trainable]
        with tf.GradientTape() as tape:
            tape.watch(trainable)
            loss, outputs, updated, rows = self.loss(weights, batch, hyper, True)
            scaled = self.rule.scale_loss(loss, state.scalars)
        gradients = tape.gradient(scaled, trainable)
        params, slots, scalars = self.rule.apply(
            state.params,
            gradients,
            state.slots,
            state.scalars,
            rates,
            hyper,
            self.constrain(hyper, where[0]),
        )
        moving = flatten([updated[i] for i in self.moving], state.moving.dtype)
        seeds = (
            state.seeds + tf.constant([0, 1], tf.int64) if self.seeds else state.seeds
        )
        metrics = self.update_metrics(step.metrics, rows[0], outputs, rows[1])
        new = FlatState(params, moving, seeds, slots, scalars)
        return StepState(new, metrics, tf.cast(loss, tf.float32))

    def update_metrics(self, states, y, outputs, sample_weights):
        return [
            metric.update(state, y, outputs, sample_weights)
            for metric, state in zip(self.metrics, states, strict=True)
        ]

    def initial_metric_states(self):
        return [metric.initial_state() for metric in self.metrics]

    def metric_results(self, states, prefix):
        return {
            prefix + metric.name: metric.result(state)
            for metric, state in zip(self.metrics, states, strict=True)
        }

    def validation_loss(self, state, validation, hyper, where):
        """Weighted loss (plus penalties) on held-out data, in inference mode."""
        features, targets, sample_weights = validation
        n_samples = tf.shape(sample_weights)[0]
        weights = self.weights(state.params, state.moving, state.seeds, where)
        row_bytes = n_columns(features) * self.network.output_dtype.size
        # A wide sparse validation set is densified a few rows at a time.
        chunk_rows = tf.maximum(1, DENSE_CHUNK_BYTES // row_bytes)

        def body(start, total, weight_total, states):
            stop = tf.minimum(start + chunk_rows, n_samples)
            indices = tf.range(start, stop)
            chunk = (
                gather_rows(features, indices),
                tf.gather(targets, indices),
                tf.gather(sample_weights, indices),
            )
            logits, _ = self.network(weights, chunk[0], hyper, training=False)
            y, row_weights = self.network.per_member(weights, *chunk[1:])
            outputs = self.network.output(logits)
            losses = self.per_sample_loss(y, logits, outputs, hyper)
            total += tf.reduce_sum(losses * tf.cast(row_weights, losses.dtype))
            weight_total += tf.reduce_sum(tf.cast(row_weights, total.dtype))
            states = self.update_metrics(states, y, outputs, row_weights)
            return stop, total, weight_total, states

        zero = tf.constant(0.0, self.network.output_dtype)
        _, total, weight_total, states = tf.while_loop(
            lambda start, *rest: start < n_samples,
            body,
            (tf.constant(0), zero, zero, self.initial_metric_states()),
        )
        loss = total / weight_total
        penalty = self.network.penalty(weights, hyper["l1"], hyper["l2"])
        return tf.cast(loss + tf.cast(penalty, loss.dtype), tf.float32), states

    def gradient_norms(self, weights, features, targets, hyper):
        """Norm of the loss gradient of each Dense layer, input side first (eager).

        The loss is the training loss (with penalties) averaged over the
        rows, with the network in inference mode.
        """
        weights = [tf.constant(w) for w in weights]
        trainable = [weights[i] for i in self.trainable]
        with tf.GradientTape() as tape:
            tape.watch(trainable)
            batch = (
                tf.constant(features),
                tf.constant(targets),
                tf.ones([len(features)], tf.float32),
            )
            hyper = {k: tf.constant(v) for k, v in hyper.items()}
            loss, *_ = self.loss(weights, batch, hyper, training=False)
        grads = dict(zip(self.trainable, tape.gradient(loss, trainable), strict=True))
        norms = {}
        for layer, start in self.network.dense_layers():
            count = 2 if layer.use_bias else 1
            squares = sum(
                float(tf.reduce_sum(tf.square(grads[start + i]))) for i in range(count)
            )
            norms[layer.name] = float(np.sqrt(squares))
        return norms
