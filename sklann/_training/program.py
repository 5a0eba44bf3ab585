"""The compiled training function: whole epochs as one TensorFlow call.

A :class:`TrainingProgram` is traced for one *structure*: the layer kinds
(not their widths), the optimizer and its graph-changing flags, the loss,
the metrics and the precision. Everything numeric is an input: the state (a
few flat tensors, :mod:`sklann._training.state`, handed back updated), the variables'
shapes, the data, the learning rate and momentum of every step, the dropout
rates and the schedule's factor on them at every step, L1/L2, the max-norm,
the clipping threshold, the optimizer's betas, epsilon and weight decay, the
loss's settings, and the stopping rules. So a search that varies only those,
or only layer widths, traces its step once per process.

One call runs up to ``n_epochs`` epochs in the graph: the epoch's shuffled
order (stateless, from the seed and the epoch number), the minibatch loop,
the validation loss, the metrics, and the stopping rules. It stops after an
epoch whose loss is not finite, when the stopping rule fires, or, after the
current step, when the interrupt flag is set (Ctrl-C); an interrupted epoch
is undone.
"""

import functools
import threading
from typing import NamedTuple

import numpy as np
import tensorflow as tf

from .data import features_spec, gather_rows
from .runtime import lean_options, no_garbage_collection
from .state import FlatState, cuts
from .step import StepState, TrainingStep
from .stopping import (
    PlateauMonitor,
    StopMonitor,
    StopRules,
    monitor_spec,
    should_stop,
    update_plateau,
    update_stop,
)


class EpochControl(NamedTuple):
    """The per-call inputs that steer the epochs."""

    batch_size: object
    seed: object
    shuffle: object
    first_epoch: object
    n_epochs: object
    rates: object  # learning rate of every step of the call
    momenta: object  # momentum (or beta_1) of every step of the call
    dropout_factors: object  # factor on the dropout rates of every step
    rules: StopRules


class EpochsResult(NamedTuple):
    """What one call of the compiled function returns.

    ``state`` is after the last completed epoch; ``best`` the network part
    of the state (params, moving) at the best validation epoch, with the
    weights that prediction uses (the moving average with ``use_ema``).
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


class _EpochInputs(NamedTuple):
    """What every epoch of one call reads: data, control, settings, layout."""

    train: tuple
    validation: tuple | None
    control: EpochControl
    hyper: dict
    where: tuple
    flag: object
    n_samples: object
    steps: object
    names: list


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


class TrainingProgram:
    """The traced training functions of one structure.

    Parameters
    ----------
    structure : Structure
    rule : sklann._training.updates.UpdateRule
        The optimizer (its structure is ``structure.optimizer``).
    loss : sklann._training.losses.TrainingLoss
    metrics : callable
        Returns fresh Keras metric objects; they run as graph metrics
        (:func:`sklann._training.metrics.graph_metric`), their state carried through
        the loop, so concurrent calls do not interfere.
    """

    def __init__(self, structure, rule, loss, metrics):
        self.structure = structure
        self.step = TrainingStep(structure, rule, loss, metrics)
        self._concrete = {}
        self._lock = threading.Lock()
        self.traces = 0

    def gradient_norms(self, weights, features, targets, hyper):
        """Norm of the loss gradient of each Dense layer (see :class:`TrainingStep`)."""
        return self.step.gradient_norms(weights, features, targets, hyper)

    def _run_epoch(self, state, train, order, control, rates, hyper, context):
        """One epoch's minibatches; stops after a non-finite loss or an interrupt."""
        where, flag = context
        features, targets, sample_weights = train
        batch_size = control.batch_size
        n_batches = (tf.shape(order)[0] + batch_size - 1) // batch_size
        learning_rates, momenta, dropout_factors = rates

        def body(batch, step, total, going, interrupted):
            indices = order[batch * batch_size : (batch + 1) * batch_size]
            batch_weights = tf.gather(sample_weights, indices)
            data = (
                gather_rows(features, indices),
                tf.gather(targets, indices),
                batch_weights,
            )
            step_rates = (tf.gather(learning_rates, batch), tf.gather(momenta, batch))
            step_hyper = _scaled_dropout(hyper, tf.gather(dropout_factors, batch))
            step = self.step.train(step, data, step_rates, step_hyper, where)
            # The epoch's loss is logged in float32 whatever the precision.
            total += step.loss * tf.cast(tf.reduce_sum(batch_weights), tf.float32)
            # Read once per step, after it: the caller acts on this value.
            interrupted = tf.identity(flag.read_value())
            going = tf.math.is_finite(step.loss) & tf.logical_not(interrupted)
            return batch + 1, step, total, going, interrupted

        start = (
            tf.constant(0),
            StepState(state, self.step.initial_metric_states(), tf.constant(0.0)),
            tf.constant(0.0),
            tf.constant(True),
            tf.constant(False),
        )
        _, step, total, _, interrupted = tf.while_loop(
            lambda batch, *rest: (batch < n_batches) & rest[-2], body, start
        )
        loss = total / tf.cast(tf.reduce_sum(sample_weights), tf.float32)
        return step.state, step.metrics, loss, interrupted

    def log_names(self, validation):
        """The names of the per-epoch logs, in order."""
        names = ["loss", "learning_rate"]
        if self.step.rule.momentum_name is not None:
            names.append("momentum")
        names += [metric.name for metric in self.step.metrics]
        if validation:
            names += ["val_loss"] + [
                f"val_{metric.name}" for metric in self.step.metrics
            ]
        return names

    def _run_epochs(
        self, state, shapes, train, validation, control, hyper, monitors, flag
    ):
        self.traces += 1  # runs only while tracing
        n_samples = tf.shape(train[2])[0]
        names = self.log_names(validation is not None)
        inputs = _EpochInputs(
            train,
            validation,
            control,
            hyper,
            (cuts(shapes[0]), cuts(shapes[1])),
            flag,
            n_samples,
            (n_samples + control.batch_size - 1) // control.batch_size,
            names,
        )
        logs = [
            tf.TensorArray(tf.float32, size=control.n_epochs, element_shape=[])
            for _ in names
        ]

        def body(offset, state, best, monitors, logs, done, going, stopped, stop):
            return self._epoch(inputs, offset, state, best, monitors, logs, done)

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

    def _epoch(self, inputs, offset, state, best, monitors, logs, done):
        """One epoch of the loop: train, log, update the monitors, decide."""
        control, validation = inputs.control, inputs.validation
        rules, hyper, where = control.rules, inputs.hyper, inputs.where
        stop, plateau = monitors
        epoch = control.first_epoch + offset
        order = tf.where(
            control.shuffle,
            epoch_order(inputs.n_samples, control.seed, epoch),
            tf.range(inputs.n_samples),
        )
        window = tf.range(offset * inputs.steps, (offset + 1) * inputs.steps)
        rates = tf.gather(control.rates, window) * plateau.factor
        momenta = tf.gather(control.momenta, window)
        dropout_factors = tf.gather(control.dropout_factors, window)
        new_state, metric_states, loss, interrupted = self._run_epoch(
            state,
            inputs.train,
            order,
            control,
            (rates, momenta, dropout_factors),
            hyper,
            (where, inputs.flag),
        )
        values = {"loss": loss, "learning_rate": rates[0], "momentum": momenta[0]}
        values.update(self.step.metric_results(metric_states, ""))
        monitored = loss
        # The weights prediction would use (the moving average with use_ema).
        evaluated = self.step.rule.evaluated(new_state.params, new_state.slots)
        if validation is not None:
            val_loss, val_states = self.step.validation_loss(
                new_state._replace(params=evaluated), validation, hyper, where
            )
            values["val_loss"] = val_loss
            values.update(self.step.metric_results(val_states, "val_"))
            monitored = tf.where(rules.on_validation, val_loss, loss)
        logs = [
            array.write(offset, values[name])
            for array, name in zip(logs, inputs.names, strict=True)
        ]
        keep = tf.logical_not(interrupted)  # an interrupted epoch is undone
        new_stop, is_best = update_stop(stop, monitored, epoch, rules.tol)
        new_plateau = update_plateau(plateau, monitored, rules)
        state = _choose(keep, new_state, state)
        monitors = _choose(keep, (new_stop, new_plateau), monitors)
        if validation is not None:
            best = _choose(keep & is_best, (evaluated, new_state.moving), best)
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
        dtype = self.step.network.output_dtype  # float64 only for "float64"
        data = (
            features_spec(sparse, dtype),
            tf.TensorSpec([None] * targets.ndim, targets.dtype),  # any width
            tf.TensorSpec([None], dtype),
        )
        control = EpochControl(
            batch_size=int32,
            seed=int32,
            shuffle=tf.TensorSpec([], tf.bool),
            first_epoch=int32,
            n_epochs=int32,
            rates=tf.TensorSpec([None], tf.float32),
            momenta=tf.TensorSpec([None], tf.float32),
            dropout_factors=tf.TensorSpec([None], tf.float32),
            rules=monitor_spec(StopRules),
        )
        shapes = (
            [tf.TensorSpec([rank], tf.int32) for rank in self.step.ranks],
            [tf.TensorSpec([1], tf.int32) for _ in self.step.moving],
        )
        # TensorFlow counts traces per code object: a partial is its own key,
        # so tracing this method once per program raises no retracing warning.
        function = tf.function(
            functools.partial(self._run_epochs),
            autograph=False,
            experimental_attributes={"_disable_acd": True},
        )
        with lean_options(), no_garbage_collection():
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


def _scaled_dropout(hyper, factor):
    """``hyper`` with both dropout rates multiplied by the schedule's ``factor``."""
    return {
        **hyper,
        "dropout": hyper["dropout"] * factor,
        "input_dropout": hyper["input_dropout"] * factor,
    }


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
