"""The compiled training function: whole epochs as one TensorFlow call.

A :class:`TrainingProgram` is traced for one *structure*: the layer kinds
(not their widths), the optimizer and its graph-changing flags, the loss,
the metrics and the precision. Everything numeric is an input: the state (a
few flat tensors, :mod:`sklann._state`, handed back updated), the variables'
shapes, the data, the learning rate and momentum of every step, the dropout
rates, L1/L2, the max-norm, the clipping threshold, the optimizer's betas,
epsilon and weight decay, the loss's settings, and the stopping rules. So a
search that varies only those, or only layer widths, traces its step once
per process.

One call runs up to ``n_epochs`` epochs in the graph: the epoch's shuffled
order (stateless, from the seed and the epoch number), the minibatch loop,
the validation loss, the metrics, and the stopping rules. It stops after an
epoch whose loss is not finite, when the stopping rule fires, or, after the
current step, when the interrupt flag is set (Ctrl-C); an interrupted epoch
is undone.
"""

import functools
import gc
import threading
from contextlib import contextmanager
from typing import NamedTuple

import numpy as np
import tensorflow as tf

from ._data import features_spec, gather_rows
from ._forward import GraphNetwork
from ._layers import LAYER_VARIABLES
from ._metrics import graph_metric
from ._runtime import lean_options
from ._state import FlatState, cuts, flatten, views
from ._stopping import (
    PlateauMonitor,
    StopMonitor,
    StopRules,
    monitor_spec,
    should_stop,
    update_plateau,
    update_stop,
)

# Rows per forward pass when the validation loss is computed.
VALIDATION_CHUNK_ROWS = 8192


class EpochControl(NamedTuple):
    """The per-call inputs that steer the epochs."""

    batch_size: object
    seed: object
    shuffle: object
    first_epoch: object
    n_epochs: object
    rates: object  # learning rate of every step of the call
    momenta: object  # momentum (or beta_1) of every step of the call
    rules: StopRules


class EpochsResult(NamedTuple):
    """What one call of the compiled function returns.

    ``state`` is after the last completed epoch; ``best`` the network part
    of the state (params, moving) at the best validation epoch.
    """

    state: FlatState
    best: tuple
    logs: dict
    completed: object
    stop: StopMonitor
    plateau: PlateauMonitor
    stopped: object
    interrupted: object


def epoch_order(n_samples, seed, epoch):
    """Return the shuffled sample order of one epoch (graph or eager code).

    The order depends only on ``(seed, epoch)`` through a stateless random
    op, so a continued fit draws fresh orders and no global random state is
    read or changed.

    Examples
    --------
    >>> first = epoch_order(5, 7, 0)
    >>> sorted(first.numpy().tolist())
    [0, 1, 2, 3, 4]
    >>> bool(tf.reduce_all(first == epoch_order(5, 7, 0)))
    True
    """
    keys = tf.random.stateless_uniform(
        [n_samples], seed=tf.stack([tf.cast(seed, tf.int64), tf.cast(epoch, tf.int64)])
    )
    return tf.argsort(keys)


class Structure(NamedTuple):
    """What a traced training function depends on; equal structures share one.

    ``metrics`` holds the metric names' key (None: user objects, never
    shared); ``max_norm`` whether the max-norm constraint is in the graph
    (its value is an input, as are L1 and L2, which are always in it).
    """

    kinds: tuple
    precision: str
    max_norm: bool
    optimizer: tuple
    loss: object
    metrics: object


class _Step(NamedTuple):
    """The loop state of one minibatch step."""

    state: FlatState
    metrics: list
    loss: object


class TrainingProgram:
    """The traced training functions of one structure.

    Parameters
    ----------
    structure : Structure
    rule : sklann._updates.UpdateRule
        The optimizer (its structure is ``structure.optimizer``).
    loss : sklann._losses.TrainingLoss
    metrics : callable
        Returns fresh Keras metric objects; they run as graph metrics
        (:func:`sklann._metrics.graph_metric`), their state carried through
        the loop, so concurrent calls do not interfere.
    """

    def __init__(self, structure, rule, loss, metrics):
        self.structure = structure
        self.network = GraphNetwork(structure.kinds, structure.precision)
        self.rule = rule
        self.loss = loss
        self.metrics = [graph_metric(metric) for metric in metrics()]
        names = [
            (name, trainable)
            for layer in structure.kinds
            for name, trainable in LAYER_VARIABLES[layer.kind]
            if name != "bias" or layer.use_bias
        ]
        self._trainable = [i for i, (_, trainable) in enumerate(names) if trainable]
        self._ranks = [2 if names[i][0] == "kernel" else 1 for i in self._trainable]
        self._seeds = [
            i for i, (name, _) in enumerate(names) if name == "seed_generator_state"
        ]
        self._moving = [
            i
            for i, (name, trainable) in enumerate(names)
            if not trainable and name != "seed_generator_state"
        ]
        self._concrete = {}
        self._lock = threading.Lock()
        self.traces = 0

    # -- the network's variables from the flat state ------------------------------

    def _weights(self, params, moving, seeds, where):
        """Every variable, in Keras's order, cut out of the flat state."""
        weights = [None] * self.network.n_variables
        placed = zip(self._trainable, views(params, where[0]), strict=True)
        for index, value in placed:
            weights[index] = value
        for index, value in zip(self._moving, views(moving, where[1]), strict=True):
            weights[index] = value
        for row, index in enumerate(self._seeds):
            weights[index] = seeds[row]
        return weights

    # -- graph code ------------------------------------------------------------------

    def _loss(self, weights, batch, hyper, training):
        """Weighted mean loss plus penalties; the outputs and the updated weights."""
        x, y, sample_weights = batch
        logits, weights = self.network(weights, x, hyper, training)
        outputs = self.network.output(logits)
        per_sample = self.loss(y, logits, outputs, hyper)
        total = tf.reduce_sum(per_sample * tf.cast(sample_weights, per_sample.dtype))
        loss = total / tf.cast(tf.reduce_sum(sample_weights), per_sample.dtype)
        penalty = self.network.penalty(weights, hyper["l1"], hyper["l2"])
        return loss + tf.cast(penalty, loss.dtype), outputs, weights

    def _constrain(self, hyper, where):
        if not self.structure.max_norm:
            return lambda params: params

        def constrain(params):
            weights = [None] * self.network.n_variables
            placed = zip(self._trainable, views(params, where), strict=True)
            for index, value in placed:
                weights[index] = value
            weights = self.network.max_norm(weights, hyper["max_norm"])
            return flatten([weights[i] for i in self._trainable], params.dtype)

        return constrain

    def _train_step(self, step, batch, rates, hyper, where):
        state = step.state
        weights = self._weights(state.params, state.moving, state.seeds, where)
        trainable = [weights[i] for i in self._trainable]
        with tf.GradientTape() as tape:
            tape.watch(trainable)
            loss, outputs, updated = self._loss(weights, batch, hyper, training=True)
            scaled = self.rule.scale_loss(loss, state.scalars)
        gradients = tape.gradient(scaled, trainable)
        params, slots, scalars = self.rule.apply(
            state.params,
            gradients,
            state.slots,
            state.scalars,
            rates,
            hyper,
            self._constrain(hyper, where[0]),
        )
        moving = flatten([updated[i] for i in self._moving], state.moving.dtype)
        seeds = (
            state.seeds + tf.constant([0, 1], tf.int64) if self._seeds else state.seeds
        )
        metrics = self._update_metrics(step.metrics, batch[1], outputs, batch[2])
        new = FlatState(params, moving, seeds, slots, scalars)
        return _Step(new, metrics, tf.cast(loss, tf.float32))

    def _update_metrics(self, states, y, outputs, sample_weights):
        return [
            metric.update(state, y, outputs, sample_weights)
            for metric, state in zip(self.metrics, states, strict=True)
        ]

    def _initial_metric_states(self):
        return [metric.initial_state() for metric in self.metrics]

    def _metric_results(self, states, prefix):
        return {
            prefix + metric.name: metric.result(state)
            for metric, state in zip(self.metrics, states, strict=True)
        }

    def _run_epoch(self, state, train, order, control, rates, hyper, context):
        """One epoch's minibatches; stops after a non-finite loss or an interrupt."""
        where, flag = context
        features, targets, sample_weights = train
        batch_size = control.batch_size
        n_batches = (tf.shape(order)[0] + batch_size - 1) // batch_size
        learning_rates, momenta = rates

        def body(batch, step, total, going, interrupted):
            indices = order[batch * batch_size : (batch + 1) * batch_size]
            batch_weights = tf.gather(sample_weights, indices)
            data = (
                gather_rows(features, indices),
                tf.gather(targets, indices),
                batch_weights,
            )
            step_rates = (tf.gather(learning_rates, batch), tf.gather(momenta, batch))
            step = self._train_step(step, data, step_rates, hyper, where)
            total += step.loss * tf.reduce_sum(batch_weights)
            # Read once per step, after it: the caller acts on this value.
            interrupted = tf.identity(flag.read_value())
            going = tf.math.is_finite(step.loss) & tf.logical_not(interrupted)
            return batch + 1, step, total, going, interrupted

        start = (
            tf.constant(0),
            _Step(state, self._initial_metric_states(), tf.constant(0.0)),
            tf.constant(0.0),
            tf.constant(True),
            tf.constant(False),
        )
        _, step, total, _, interrupted = tf.while_loop(
            lambda batch, *rest: (batch < n_batches) & rest[-2], body, start
        )
        loss = total / tf.reduce_sum(sample_weights)
        return step.state, step.metrics, loss, interrupted

    def _validation_loss(self, state, validation, hyper, where):
        """Weighted loss (plus penalties) on held-out data, in inference mode."""
        features, targets, sample_weights = validation
        n_samples = tf.shape(sample_weights)[0]
        weights = self._weights(state.params, state.moving, state.seeds, where)

        def body(start, total, states):
            stop = tf.minimum(start + VALIDATION_CHUNK_ROWS, n_samples)
            indices = tf.range(start, stop)
            chunk = (
                gather_rows(features, indices),
                tf.gather(targets, indices),
                tf.gather(sample_weights, indices),
            )
            logits, _ = self.network(weights, chunk[0], hyper, training=False)
            outputs = self.network.output(logits)
            losses = self.loss(chunk[1], logits, outputs, hyper)
            total += tf.reduce_sum(losses * tf.cast(chunk[2], losses.dtype))
            states = self._update_metrics(states, chunk[1], outputs, chunk[2])
            return stop, total, states

        zero = tf.constant(0.0, self.network.output_dtype)
        _, total, states = tf.while_loop(
            lambda start, *rest: start < n_samples,
            body,
            (tf.constant(0), zero, self._initial_metric_states()),
        )
        loss = total / tf.cast(tf.reduce_sum(sample_weights), total.dtype)
        penalty = self.network.penalty(weights, hyper["l1"], hyper["l2"])
        return tf.cast(loss + tf.cast(penalty, loss.dtype), tf.float32), states

    def log_names(self, validation):
        """The names of the per-epoch logs, in order."""
        names = ["loss", "learning_rate"]
        if self.rule.momentum_name is not None:
            names.append("momentum")
        names += [metric.name for metric in self.metrics]
        if validation:
            names += ["val_loss"] + [f"val_{metric.name}" for metric in self.metrics]
        return names

    def _run_epochs(
        self, state, shapes, train, validation, control, hyper, monitors, flag
    ):
        self.traces += 1  # runs only while tracing
        where = (cuts(shapes[0]), cuts(shapes[1]))
        rules = control.rules
        n_samples = tf.shape(train[2])[0]
        steps = (n_samples + control.batch_size - 1) // control.batch_size
        names = self.log_names(validation is not None)
        logs = [
            tf.TensorArray(tf.float32, size=control.n_epochs, element_shape=[])
            for _ in names
        ]

        def body(
            offset, state, best, monitors, logs, done, going, stopped, interrupted
        ):
            stop, plateau = monitors
            epoch = control.first_epoch + offset
            order = tf.where(
                control.shuffle,
                epoch_order(n_samples, control.seed, epoch),
                tf.range(n_samples),
            )
            window = tf.range(offset * steps, (offset + 1) * steps)
            rates = tf.gather(control.rates, window) * plateau.factor
            momenta = tf.gather(control.momenta, window)
            new_state, metric_states, loss, interrupted = self._run_epoch(
                state, train, order, control, (rates, momenta), hyper, (where, flag)
            )
            values = {"loss": loss, "learning_rate": rates[0], "momentum": momenta[0]}
            values.update(self._metric_results(metric_states, ""))
            monitored = loss
            if validation is not None:
                val_loss, val_states = self._validation_loss(
                    new_state, validation, hyper, where
                )
                values["val_loss"] = val_loss
                values.update(self._metric_results(val_states, "val_"))
                monitored = tf.where(rules.on_validation, val_loss, loss)
            logs = [
                array.write(offset, values[name])
                for array, name in zip(logs, names, strict=True)
            ]
            keep = tf.logical_not(interrupted)  # an interrupted epoch is undone
            new_stop, is_best = update_stop(stop, monitored, epoch, rules.tol)
            new_plateau = update_plateau(plateau, monitored, rules)
            state = _choose(keep, new_state, state)
            monitors = _choose(keep, (new_stop, new_plateau), monitors)
            if validation is not None:
                best = _choose(
                    keep & is_best, (new_state.params, new_state.moving), best
                )
            finite = tf.math.is_finite(loss) & tf.math.is_finite(monitored)
            stopped = keep & should_stop(monitors[0], rules)
            going = keep & finite & tf.logical_not(stopped)
            done += tf.cast(keep, tf.int32)
            return (
                offset + 1,
                state,
                best,
                monitors,
                logs,
                done,
                going,
                stopped,
                interrupted,
            )

        start = (
            tf.constant(0),
            state,
            (state.params, state.moving),
            monitors,
            logs,
            tf.constant(0),
            tf.constant(True),
            tf.constant(False),
            tf.constant(False),
        )
        (_, state, best, monitors, logs, done, _, stopped, interrupted) = tf.while_loop(
            lambda offset, *rest: (offset < control.n_epochs) & rest[-3], body, start
        )
        logs = {name: array.stack() for name, array in zip(names, logs, strict=True)}
        return EpochsResult(state, best, logs, done, *monitors, stopped, interrupted)

    # -- tracing -------------------------------------------------------------------

    def epochs_function(self, state, sparse, targets, validation, hyper):
        """The concrete epochs function for this data layout (traced once)."""
        key = (sparse, targets.dtype, targets.ndim, validation)
        with self._lock:
            if key not in self._concrete:
                self._concrete[key] = self._trace(
                    state, sparse, targets, validation, hyper
                )
            return self._concrete[key]

    def _trace(self, state, sparse, targets, validation, hyper):
        int32, float32 = tf.TensorSpec([], tf.int32), tf.TensorSpec([], tf.float32)
        data = (
            features_spec(sparse),
            tf.TensorSpec([None] * targets.ndim, targets.dtype),  # any width
            tf.TensorSpec([None], tf.float32),
        )
        control = EpochControl(
            batch_size=int32,
            seed=int32,
            shuffle=tf.TensorSpec([], tf.bool),
            first_epoch=int32,
            n_epochs=int32,
            rates=tf.TensorSpec([None], tf.float32),
            momenta=tf.TensorSpec([None], tf.float32),
            rules=monitor_spec(StopRules),
        )
        shapes = (
            [tf.TensorSpec([rank], tf.int32) for rank in self._ranks],
            [tf.TensorSpec([1], tf.int32) for _ in self._moving],
        )
        # TensorFlow counts traces per code object: a partial is its own key,
        # so tracing this method once per program raises no retracing warning.
        function = tf.function(
            functools.partial(self._run_epochs),
            autograph=False,
            experimental_attributes={"_disable_acd": True},
        )
        # Tracing allocates many short-lived objects: with TensorFlow and Keras
        # loaded, a full garbage collection in the middle costs 0.3 s.
        with lean_options(), _no_garbage_collection():
            return function.get_concrete_function(
                tf.nest.map_structure(_spec_of, state),
                shapes,
                data,
                data if validation else None,
                control,
                {name: float32 for name in hyper},
                (monitor_spec(StopMonitor), monitor_spec(PlateauMonitor)),
                tf.Variable(False, trainable=False),
            )

    def gradient_norms(self, weights, features, targets, hyper):
        """Norm of the loss gradient of each Dense layer, input side first (eager).

        The loss is the training loss (with penalties) averaged over the
        rows, with the network in inference mode.
        """
        weights = [tf.constant(w) for w in weights]
        trainable = [weights[i] for i in self._trainable]
        with tf.GradientTape() as tape:
            tape.watch(trainable)
            batch = (
                tf.constant(features),
                tf.constant(targets),
                tf.ones([len(features)], tf.float32),
            )
            hyper = {k: tf.constant(v) for k, v in hyper.items()}
            loss, _, _ = self._loss(weights, batch, hyper, training=False)
        grads = dict(zip(self._trainable, tape.gradient(loss, trainable), strict=True))
        norms = {}
        for layer, start in self.network.dense_layers():
            count = 2 if layer.use_bias else 1
            squares = sum(
                float(tf.reduce_sum(tf.square(grads[start + i]))) for i in range(count)
            )
            norms[layer.name] = float(np.sqrt(squares))
        return norms


@contextmanager
def _no_garbage_collection():
    """Postpone Python's cyclic garbage collection (if it is on) for a block."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _choose(condition, if_true, if_false):
    """``if_true`` where ``condition`` holds, else ``if_false`` (nested structures).

    One select per tensor: cheaper to trace and to run than a ``tf.cond``.
    """
    return tf.nest.map_structure(
        lambda a, b: tf.where(condition, a, b), if_true, if_false
    )


def _spec_of(array):
    """A TensorSpec of ``array``'s dtype and rank, every size unknown but the last
    dimension of the seed rows."""
    array = np.asarray(array)
    shape = [None] * array.ndim
    if array.ndim == 2:  # the dropout generators' states: rows of [seed, counter]
        shape = [None, 2]
    return tf.TensorSpec(shape, tf.as_dtype(array.dtype))
