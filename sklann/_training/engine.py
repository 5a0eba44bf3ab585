"""The training engine: runs a compiled program on an estimator's state arrays.

With no callbacks or progress lines to serve, all the epochs of a fit run in
a single call of the program's compiled function (:mod:`sklann._training.program`);
otherwise one call per epoch, with the Keras callbacks in between, seeing a
Keras model (:mod:`sklann._training.keras_view`) that holds the current state. The
engine holds no state of its own: it takes arrays and hands back arrays, so
one program serves any number of estimators, in any number of threads.
"""

import threading
import time
from typing import NamedTuple

import keras
import numpy as np
import tensorflow as tf

from .callback_sync import CallbackSync
from .callbacks import RATE_CALLBACKS
from .data import graph_features
from .interrupt import InterruptRequest, call_in_worker
from .program import EpochControl, epoch_order
from .runtime import lean_calls
from .schedules import DropoutSchedule
from .stopping import PlateauMonitor, StopMonitor, StopRules, as_arrays, as_tensors

__all__ = ["TrainingDiverged", "epoch_order", "train"]

# Rows of the training data on which GradientNormHistory measures the norms.
GRADIENT_PROBE_ROWS = 1024


class TrainingDiverged(ValueError):
    """Raised when the training or validation loss stops being finite."""


class FitPlan(NamedTuple):
    """How one training call runs.

    ``schedule`` (a :class:`~sklann._training.schedules.RateSchedule`) gives the
    learning rate and momentum of every step; ``dropout`` (a
    :class:`~sklann._training.schedules.DropoutSchedule`) the factor on the
    dropout rates; ``hyper`` the numeric settings the program reads as
    inputs; ``previous_rate`` the rate of the epoch before ``initial_epoch``
    (for a callable schedule).
    """

    epochs: int
    batch_size: int
    shuffle: bool
    seed: int
    schedule: object
    hyper: dict
    rules: StopRules = StopRules()
    initial_epoch: int = 0
    previous_rate: float | None = None
    dropout: DropoutSchedule = DropoutSchedule("constant", 1)


class TrainingResult(NamedTuple):
    """What :func:`train` returns: the logs, the monitors and the new state.

    ``weights`` and ``optimizer`` are the state after the last completed
    epoch (with ``use_ema``, ``weights`` are the moving averages, as after
    Keras's ``finalize_variable_values``); ``best_weights`` the network's
    state at the best validation epoch (the last one's without validation
    data).
    """

    logs: dict
    stop: StopMonitor
    plateau: PlateauMonitor
    stopped: bool
    interrupted: bool
    weights: list
    optimizer: list
    best_weights: list


def train(
    program,
    layout,
    state,
    data,
    plan,
    *,
    validation=None,
    monitors=None,
    callbacks=(),
    view=None,
    verbose=0,
    interrupt=None,
):
    """Train ``state`` for up to ``plan.epochs`` epochs on ``data``.

    Parameters
    ----------
    program : TrainingProgram
    layout : StateLayout
        Packs the state arrays into the program's flat state, and back.
    state : (list of ndarray, list of ndarray)
        The network's and the optimizer's state.
    data : (X, targets, sample_weights)
        float32 features (ndarray or CSR matrix), encoded targets, positive
        per-sample weights.
    plan : FitPlan
    validation : tuple like ``data``, default=None
        Held-out data; its loss is monitored instead of the training loss.
    monitors : (StopMonitor, PlateauMonitor), default=None
        The monitors' state to carry on from; None starts afresh.
    callbacks : list of keras.callbacks.Callback
        Called between epochs; they see ``view.model``.
    view : KerasView, default=None
        Needed with callbacks: loaded with the state before every callback
        call, and read back after it (callbacks may change the weights).
    verbose : int, default=0
        1 prints one line per epoch.
    interrupt : InterruptRequest, default=None
        Set by Ctrl-C (see :mod:`sklann._training.interrupt`); once pressed,
        training stops after the current step, keeping the last completed
        epoch (``interrupted=True``).

    Returns
    -------
    TrainingResult

    Raises
    ------
    TrainingDiverged
        If the loss becomes NaN or infinite.
    """
    stop, plateau = monitors or (StopMonitor(), PlateauMonitor())
    flag = _interrupt_flag()
    (interrupt or InterruptRequest()).attach(flag)
    run = _ProgramCalls(program, layout, state, data, validation, plan, flag)
    if not (callbacks or verbose):
        result = run(
            plan.initial_epoch, plan.epochs, state, (stop, plateau), plan.previous_rate
        )
        final = layout.finalized(result.weights, result.optimizer)
        return result._replace(weights=final)
    probe = None
    if any(getattr(c, "records_gradient_norms", False) for c in callbacks):
        probe = _gradient_probe(program, data[0], data[1], plan.hyper)
    return _fit_epoch_by_epoch(
        run,
        plan,
        CallbackSync(view, state, plan.schedule),
        (stop, plateau),
        list(callbacks),
        verbose,
        probe,
        flag,
    )


class _ProgramCalls:
    """Calls of a program's compiled function on one fit's data and plan.

    The data, the settings and the layout are converted to tensors once;
    each call runs ``n_epochs`` epochs from a state and gives back a
    :class:`TrainingResult` of arrays.
    """

    def __init__(self, program, layout, state, data, validation, plan, flag):
        X, targets, weights = data
        self.function = lean_calls(
            program.epochs_function(
                layout.pack(*state),
                not isinstance(X, np.ndarray),
                targets,
                validation is not None,
                plan.hyper,
            )
        )
        self.layout, self.plan, self.flag = layout, plan, flag
        self.shapes = layout.shape_tensors()
        self.batch_size = min(plan.batch_size, len(weights))
        self.steps = -(-len(weights) // self.batch_size)
        self.data = _graph_data(X, targets, weights)
        self.held_out = None if validation is None else _graph_data(*validation)
        self.hyper = {name: tf.constant(value) for name, value in plan.hyper.items()}
        self.rules = as_tensors(plan.rules)

    def __call__(
        self, first_epoch, n_epochs, state, monitors, previous_rate, rates=None
    ):
        """Train ``n_epochs`` epochs at the schedule's rates, or at ``rates``."""
        if rates is None:
            rates = self.rates(first_epoch, n_epochs, previous_rate)
        arguments = (
            tf.nest.map_structure(tf.constant, self.layout.pack(*state)),
            self.shapes,
            self.data,
            self.held_out,
            self._control(first_epoch, n_epochs, rates),
            self.hyper,
            (as_tensors(monitors[0]), as_tensors(monitors[1])),
            self.flag,
        )
        result = call_in_worker(self.function, *arguments)
        return self._result(result, first_epoch, keep_from=state[1])

    def rates(self, first_epoch, n_epochs, previous_rate):
        """The schedule's learning rate of every step of ``n_epochs`` epochs."""
        return self.plan.schedule.rates(
            first_epoch, n_epochs, self.steps, previous_rate
        )

    def _control(self, first_epoch, n_epochs, rates):
        schedule, steps = self.plan.schedule, self.steps
        return EpochControl(
            batch_size=tf.constant(self.batch_size, tf.int32),
            seed=tf.constant(self.plan.seed % 2**31, tf.int32),
            shuffle=tf.constant(self.plan.shuffle),
            first_epoch=tf.constant(first_epoch, tf.int32),
            n_epochs=tf.constant(n_epochs, tf.int32),
            rates=tf.constant(rates),
            momenta=tf.constant(schedule.momenta(first_epoch, n_epochs, steps)),
            dropout_factors=tf.constant(
                self.plan.dropout.factors(first_epoch, n_epochs, steps)
            ),
            rules=self.rules,
        )

    def _result(self, result, first_epoch, keep_from):
        final = tf.nest.map_structure(np.asarray, result.state)
        weights, optimizer = self.layout.unpack(final, keep_from=keep_from)
        best = final._replace(params=np.asarray(result.best[0]))
        best = best._replace(moving=np.asarray(result.best[1]))
        done = int(result.completed)
        logs = {
            name: values.numpy()[:done].tolist() for name, values in result.logs.items()
        }
        if not self.plan.schedule.moves_momentum:
            logs.pop("momentum", None)
        _check_finite(logs, first_epoch)
        _check_finite_weights(final.params, first_epoch + done)
        return TrainingResult(
            logs,
            as_arrays(result.stop),
            as_arrays(result.plateau),
            bool(result.stopped),
            bool(result.interrupted),
            weights,
            optimizer,
            self.layout.unpack(best)[0],
        )


def _fit_epoch_by_epoch(run, plan, sync, monitors, callbacks, verbose, probe, flag):
    model = sync.view.model if sync.view is not None else None
    for callback in callbacks:  # refused before training, not at their first use
        if isinstance(callback, RATE_CALLBACKS):
            sync.check_settable(type(callback).__name__)
    first, last = plan.initial_epoch, plan.initial_epoch + plan.epochs
    callback_list = keras.callbacks.CallbackList(
        callbacks, model=model, epochs=last, verbose=verbose
    )
    logs_per_epoch = {}
    previous_rate = plan.previous_rate
    best = sync.state[0]
    stopped = interrupted = False
    if model is not None:
        model.stop_training = False
    sync.around(callback_list.on_train_begin)
    for epoch in range(first, last):
        started = time.perf_counter()
        # The epoch's rates, computed once (a callable schedule is called once).
        rates = run.rates(epoch, 1, previous_rate)
        if sync.fixed_rate is not None:
            rates = np.full_like(rates, sync.fixed_rate)
        fixed = sync.around_epoch(callback_list.on_epoch_begin, epoch, rates[0])
        if fixed is not None:  # set by a callback, as in Keras
            rates = np.full_like(rates, fixed)
        result = run(epoch, 1, sync.state, monitors, previous_rate, rates)
        monitors = (result.stop, result.plateau)
        if not result.logs["loss"]:  # interrupted before the epoch ended
            interrupted = True
            break
        if int(result.stop.best_epoch) == epoch:
            best = result.best_weights
        sync.state = (result.weights, result.optimizer)
        logs = {name: values[0] for name, values in result.logs.items()}
        if probe is not None:
            norms = probe(result.weights)
            logs.update({f"gradient_norm_{k}": v for k, v in norms.items()})
        previous_rate = logs["learning_rate"]
        for key, value in logs.items():
            logs_per_epoch.setdefault(key, []).append(value)
        if verbose:
            _print_epoch(epoch, last, logs, started)
        sync.around_epoch(callback_list.on_epoch_end, epoch, rates[0], logs)
        stopped = result.stopped
        interrupted = bool(flag.numpy())  # Ctrl-C during the callbacks too
        if stopped or interrupted or (model is not None and model.stop_training):
            break
    # As Keras, the averaged weights (use_ema) are in place for on_train_end.
    sync.state = (run.layout.finalized(*sync.state), sync.state[1])
    sync.around(callback_list.on_train_end)
    stop, plateau = monitors
    return TrainingResult(
        logs_per_epoch, stop, plateau, stopped, interrupted, *sync.state, best
    )


_flags = threading.local()


def _interrupt_flag():
    """This thread's Ctrl-C flag variable (one fit at a time runs in a thread)."""
    if not hasattr(_flags, "flag"):
        _flags.flag = tf.Variable(False, trainable=False)
    return _flags.flag


def _gradient_probe(program, X, targets, hyper):
    """Per-layer gradient norms on the first rows of the training data."""
    rows = min(GRADIENT_PROBE_ROWS, X.shape[0])
    features = X[:rows]
    if not isinstance(features, np.ndarray):
        features = features.toarray()
    features = np.asarray(features, dtype=X.dtype)
    return lambda weights: program.gradient_norms(
        weights, features, targets[:rows], hyper
    )


def _graph_data(X, targets, weights):
    return (
        graph_features(X),
        tf.constant(targets),
        tf.constant(weights),
    )


DIVERGENCE_HINT = (
    "Try a lower learning_rate, gradient clipping (clipnorm) or standardised "
    "inputs (StandardScaler)."
)


def _check_finite(logs, first_epoch):
    for name in ("loss", "val_loss"):
        for offset, loss in enumerate(logs.get(name, ())):
            if not np.isfinite(loss):
                raise TrainingDiverged(
                    f"Training diverged: the {name} became {loss} at epoch "
                    f"{first_epoch + offset + 1}. {DIVERGENCE_HINT}"
                )


def _check_finite_weights(params, last_epoch):
    """The last step can overflow the update (Adam's squared gradients) while
    every loss it saw was finite: its NaN weights would predict NaN."""
    if not np.isfinite(params).all():
        raise TrainingDiverged(
            "Training diverged: the weights stopped being finite by the end of "
            f"epoch {last_epoch} (an update overflowed). {DIVERGENCE_HINT}"
        )


def _print_epoch(epoch, epochs, logs, started):
    values = " - ".join(f"{key}: {value:.4g}" for key, value in logs.items())
    elapsed = time.perf_counter() - started
    print(f"Epoch {epoch + 1}/{epochs} - {values} - {elapsed:.2f}s")
