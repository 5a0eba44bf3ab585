"""The training engine: epochs and predictions as compiled TensorFlow work.

One ``tf.function`` runs whole epochs in the graph: the epoch's shuffled
order (stateless, from the seed and the epoch number), the minibatch loop
(gather, forward, loss, gradients, optimizer step, with the learning rate and
momentum of each step read from the schedule's table), the validation loss,
the metrics, and the stopping rules (early stopping or convergence, the
plateau schedule, a non-finite loss). With no callbacks or progress lines to
serve, all the epochs of a fit run in a single call; otherwise one call per
epoch, with callbacks in between.

An engine is built for one network and re-used across fits of the same
configuration (see :mod:`sklann._pool`): :meth:`TrainingEngine.reset` gives
the network fresh seeded weights and the optimizer its initial state, and the
compiled functions are traced once.
"""

import time
from functools import partial
from typing import NamedTuple

import keras
import numpy as np
import tensorflow as tf

from ._data import features_spec, gather_rows, graph_features
from ._interrupt import InterruptRequest, call_in_worker
from ._network import reinitialize_network
from ._optimizers import (
    momentum_setting,
    setting_from_variable,
    skip_single_replica_all_reduce,
)

# Rows per forward pass when the validation loss is computed.
VALIDATION_CHUNK_ROWS = 8192


# What an engine holds beyond its variables (traced graph, compiled kernels,
# Keras objects). Measured on 25 engines of small (20-44, 10) networks: the
# process grew by 440 MB with all of them alive and kept 53 MB once they were
# dropped and the heap trimmed, so about 15.5 MB each.
ENGINE_OVERHEAD_BYTES = 16 * 2**20


class TrainingDiverged(ValueError):
    """Raised when the training or validation loss stops being finite."""


class StopMonitor(NamedTuple):
    """Early-stopping (or convergence) state: carried between epochs.

    ``best`` is the lowest monitored loss so far and ``best_epoch`` its
    epoch; ``wait`` counts the epochs since the loss last improved on the best
    by more than ``tol``.
    """

    best: object = np.float32(np.inf)
    wait: object = np.int32(0)
    best_epoch: object = np.int32(-1)


class PlateauMonitor(NamedTuple):
    """The ``plateau`` schedule's state: the rate ``factor`` and its own wait."""

    best: object = np.float32(np.inf)
    wait: object = np.int32(0)
    factor: object = np.float32(1.0)


class StopRules(NamedTuple):
    """When training stops and the plateau schedule cuts the rate.

    ``patience=0`` never stops; ``plateau_patience=0`` never cuts.
    """

    tol: object = np.float32(0.0)
    patience: object = np.int32(0)
    plateau_patience: object = np.int32(0)
    plateau_factor: object = np.float32(1.0)


class EpochControl(NamedTuple):
    """The per-call inputs of the compiled epochs function."""

    batch_size: object
    seed: object
    shuffle: object
    first_epoch: object
    n_epochs: object
    rates: object  # learning rate of every step of the call
    momenta: object  # momentum (or beta_1) of every step of the call
    rules: StopRules


class TrainingResult(NamedTuple):
    """What :meth:`TrainingEngine.fit` returns."""

    logs: dict
    stop: StopMonitor
    plateau: PlateauMonitor
    stopped: bool
    interrupted: bool = False


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


def update_stop(stop, monitored, epoch, tol):
    """Record one epoch's monitored loss; return the new monitor and if it is best."""
    wait = tf.where(monitored < stop.best - tol, 0, stop.wait + 1)
    is_best = monitored < stop.best
    return (
        StopMonitor(
            best=tf.where(is_best, monitored, stop.best),
            wait=wait,
            best_epoch=tf.where(is_best, epoch, stop.best_epoch),
        ),
        is_best,
    )


def update_plateau(plateau, monitored, rules):
    """Cut the rate factor after ``plateau_patience`` epochs without progress."""
    wait = tf.where(monitored < plateau.best - rules.tol, 0, plateau.wait + 1)
    cut = (rules.plateau_patience > 0) & (wait >= rules.plateau_patience)
    return PlateauMonitor(
        best=tf.minimum(plateau.best, monitored),
        wait=tf.where(cut, 0, wait),
        factor=tf.where(cut, plateau.factor * rules.plateau_factor, plateau.factor),
    )


class TrainingEngine:
    """Train and run one compiled Keras model.

    Parameters
    ----------
    model : keras.Model
        A network compiled with its optimizer (built).
    spec : NetworkSpec
        The architecture ``model`` was built from.
    loss_fn : callable
        ``(y_true, y_pred) -> loss per sample``.
    metrics : list of keras.metrics.Metric
        Metrics updated during training and reported per epoch.
    """

    def __init__(self, model, spec, loss_fn, metrics):
        self.model = model
        self.spec = spec
        self.loss_fn = loss_fn
        self.metrics = list(metrics)
        self.exposed = False  # True once model_ was handed to user code
        optimizer = model.optimizer
        skip_single_replica_all_reduce(optimizer)
        self._optimizer_start = [v.numpy() for v in optimizer.variables]
        self.momentum_name = momentum_setting(optimizer)
        self.base_momentum = None
        self._momentum = None
        if self.momentum_name is not None:
            inner = getattr(optimizer, "inner_optimizer", optimizer)
            self.base_momentum = float(getattr(inner, self.momentum_name))
            self._momentum = tf.Variable(self.base_momentum, trainable=False)
        # Early stopping restores the weights of the best epoch from here.
        self._best_weights = _shadows(model.weights)
        # Ctrl-C sets this flag; the compiled loop then stops after the step
        # and goes back to the state at the start of the epoch.
        self._interrupt = tf.Variable(False, trainable=False)
        self._epoch_start = _shadows(model.weights + optimizer.variables)
        # Memory held (the pool bounds idle engines by it): the variables and
        # their copies, plus the traced graph, kernels and Keras objects.
        self.nbytes = ENGINE_OVERHEAD_BYTES + sum(
            int(np.prod(v.shape)) * np.dtype(_dtype_name(v)).itemsize
            for v in model.variables
            + optimizer.variables
            + self._best_weights
            + self._epoch_start
        )
        # TensorFlow counts traces per code object, so methods traced once per
        # engine would warn of "frequent retracing"; a partial is its own key.
        self._epochs_fn = tf.function(partial(self._run_epochs))
        self._concrete = {}
        # The estimator state these variables hold (see BaseMLP._store_state):
        # an estimator taking this engine back skips reloading its own state.
        self.holder = None

    # -- graph code ---------------------------------------------------------------

    def _train_step(self, x, y, weights, rate, momentum):
        model = self.model
        optimizer = model.optimizer
        optimizer.learning_rate.assign(rate)
        if self._momentum is not None:
            self._momentum.assign(momentum)
        variables = model.trainable_variables
        with tf.GradientTape() as tape:
            outputs = model(x, training=True)
            per_sample = self.loss_fn(y, outputs)
            loss = tf.reduce_sum(per_sample * weights) / tf.reduce_sum(weights)
            if model.losses:
                loss += tf.add_n(model.losses)
            scaled_loss = optimizer.scale_loss(loss)
        gradients = tape.gradient(scaled_loss, variables)
        optimizer.apply_gradients(zip(gradients, variables, strict=True))
        for metric in self.metrics:
            metric.update_state(y, outputs, sample_weight=weights)
        return loss

    def _run_epoch(self, train, order, batch_size, rates, momenta):
        features, targets, weights = train
        n_samples = tf.shape(order)[0]
        n_batches = (n_samples + batch_size - 1) // batch_size
        weighted_loss = tf.constant(0.0)
        interrupted = tf.constant(False)
        for batch in tf.range(n_batches):
            indices = order[batch * batch_size : (batch + 1) * batch_size]
            batch_weights = tf.gather(weights, indices)
            loss = self._train_step(
                gather_rows(features, indices, self.spec.n_features),
                tf.gather(targets, indices),
                batch_weights,
                rates[batch],
                momenta[batch],
            )
            weighted_loss += loss * tf.reduce_sum(batch_weights)
            # Read once per step, after it: the caller acts on this value, not
            # on a later read of the variable, which the graph may reorder.
            interrupted = tf.identity(self._interrupt)
            if not tf.math.is_finite(loss) or interrupted:
                break  # diverged (no more steps on NaN weights) or Ctrl-C
        return weighted_loss / tf.reduce_sum(weights), interrupted

    def _validation_loss(self, validation):
        """Weighted loss (plus penalties) on held-out data, in inference mode."""
        features, targets, weights = validation
        n_samples = tf.shape(weights)[0]
        total = tf.constant(0.0)
        for start in tf.range(0, n_samples, VALIDATION_CHUNK_ROWS):
            indices = tf.range(
                start, tf.minimum(start + VALIDATION_CHUNK_ROWS, n_samples)
            )
            chunk_targets = tf.gather(targets, indices)
            chunk_weights = tf.gather(weights, indices)
            outputs = self.model(
                gather_rows(features, indices, self.spec.n_features), training=False
            )
            total += tf.reduce_sum(self.loss_fn(chunk_targets, outputs) * chunk_weights)
            for metric in self.metrics:
                metric.update_state(chunk_targets, outputs, sample_weight=chunk_weights)
        loss = total / tf.reduce_sum(weights)
        if self.model.losses:
            loss += tf.add_n(self.model.losses)
        return loss

    def _metric_results(self, prefix):
        results = {}
        for metric in self.metrics:
            results[prefix + metric.name] = tf.cast(metric.result(), tf.float32)
            metric.reset_state()
        return results

    def _log_names(self, validation):
        names = ["loss", "learning_rate"]
        if self.momentum_name is not None:
            names.append("momentum")
        names += [metric.name for metric in self.metrics]
        if validation:
            names += ["val_loss"] + [f"val_{metric.name}" for metric in self.metrics]
        return names

    def _run_epochs(self, train, validation, control, stop, plateau):
        """Run up to ``control.n_epochs`` epochs, applying the stopping rules.

        Stops after an epoch whose loss is not finite, or once the monitored
        loss (``val_loss`` with validation data, else ``loss``) has not
        improved by more than ``tol`` for ``patience`` epochs.
        """
        weights = train[2]
        rules = control.rules
        batch_size = control.batch_size
        n_samples = tf.shape(weights)[0]
        steps = (n_samples + batch_size - 1) // batch_size
        logs = {
            name: tf.TensorArray(tf.float32, size=0, dynamic_size=True)
            for name in self._log_names(validation is not None)
        }
        stopped = tf.constant(False)
        for offset in tf.range(control.n_epochs):
            epoch = control.first_epoch + offset
            if control.shuffle:
                order = epoch_order(n_samples, control.seed, epoch)
            else:
                order = tf.range(n_samples)
            rates = (
                control.rates[offset * steps : (offset + 1) * steps] * plateau.factor
            )
            momenta = control.momenta[offset * steps : (offset + 1) * steps]
            _copy(self._epoch_state(), self._epoch_start)
            loss, interrupted = self._run_epoch(
                train, order, batch_size, rates, momenta
            )
            if interrupted:
                _copy(self._epoch_start, self._epoch_state())
                break
            values = {"loss": loss, "learning_rate": rates[0]}
            if self.momentum_name is not None:
                values["momentum"] = momenta[0]
            values.update(self._metric_results(""))
            monitored = loss
            if validation is not None:
                monitored = self._validation_loss(validation)
                values["val_loss"] = monitored
                values.update(self._metric_results("val_"))
            logs = {
                name: array.write(offset, values[name]) for name, array in logs.items()
            }
            stop, is_best = update_stop(stop, monitored, epoch, rules.tol)
            if validation is not None and is_best:
                for best, variable in zip(
                    self._best_weights, self.model.weights, strict=True
                ):
                    best.assign(variable)
            plateau = update_plateau(plateau, monitored, rules)
            if not (tf.math.is_finite(loss) and tf.math.is_finite(monitored)):
                break
            if rules.patience > 0 and stop.wait >= rules.patience:
                stopped = tf.constant(True)
                break
        return (
            {name: array.stack() for name, array in logs.items()},
            stop,
            plateau,
            stopped,
        )

    def _epochs_function(self, sparse, targets, validation):
        """The concrete epochs function for this data layout (traced once)."""
        key = (sparse, targets.dtype, targets.ndim, validation)
        if key not in self._concrete:
            self._concrete[key] = self._trace(sparse, targets, validation)
        return self._concrete[key]

    def _trace(self, sparse, targets, validation):
        int32, float32 = tf.TensorSpec([], tf.int32), tf.TensorSpec([], tf.float32)
        data = (
            features_spec(sparse, self.spec.n_features),
            tf.TensorSpec([None, *targets.shape[1:]], targets.dtype),
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
            rules=StopRules(float32, int32, int32, float32),
        )
        args = (
            data,
            data if validation else None,
            control,
            StopMonitor(float32, int32, int32),
            PlateauMonitor(float32, int32, float32),
        )
        if self._momentum is None:
            return self._epochs_fn.get_concrete_function(*args)
        with setting_from_variable(
            self.model.optimizer, self.momentum_name, self._momentum
        ):
            return self._epochs_fn.get_concrete_function(*args)

    # -- host code ----------------------------------------------------------------

    def reset(self, seed):
        """Fresh seeded weights and optimizer state, for a new fit."""
        reinitialize_network(self.model, self.spec, seed)
        self.holder = None
        optimizer = self.model.optimizer
        for variable, start in zip(
            optimizer.variables, self._optimizer_start, strict=True
        ):
            variable.assign(start)

    def state(self):
        """The trained state as arrays: network variables, optimizer variables.

        The network's variables include the dropout layers' random generator
        states, so training continued from a saved state is exact.
        """
        return (
            [np.asarray(v.numpy()) for v in self.model.variables],
            [np.asarray(v.numpy()) for v in self.model.optimizer.variables],
        )

    def load_state(self, weights, optimizer_state):
        """Give the network and optimizer a state saved by :meth:`state`.

        Raises
        ------
        ValueError
            If the arrays do not match the variables in number or shape.
        """
        variables = self.model.variables + self.model.optimizer.variables
        values = list(weights) + list(optimizer_state)
        shapes = [tuple(np.shape(value)) for value in values]
        if shapes != [tuple(variable.shape) for variable in variables]:
            raise ValueError(
                f"The saved state ({len(values)} arrays) does not match the "
                f"network and optimizer ({len(variables)} variables)."
            )
        for variable, value in zip(variables, values, strict=True):
            variable.assign(value)
        self.holder = None

    def layer_gradient_norms(self, features, targets):
        """Norm of the loss gradient for each Dense layer, input side first.

        The loss is the training loss (with penalties) averaged over the
        rows, with the network in inference mode; eager, on the host.
        """
        model = self.model
        dense = [
            layer for layer in model.layers if isinstance(layer, keras.layers.Dense)
        ]
        groups = [layer.trainable_variables for layer in dense]
        with tf.GradientTape() as tape:
            outputs = model(tf.constant(features), training=False)
            loss = tf.reduce_mean(self.loss_fn(tf.constant(targets), outputs))
            if model.losses:
                loss += tf.add_n(model.losses)
        gradients = iter(tape.gradient(loss, [v for group in groups for v in group]))
        norms = {}
        for layer, group in zip(dense, groups, strict=True):
            squares = sum(
                float(tf.reduce_sum(tf.square(next(gradients)))) for _ in group
            )
            norms[layer.name] = float(np.sqrt(squares))
        return norms

    def _epoch_state(self):
        return self.model.weights + self.model.optimizer.variables

    def _save_best_weights(self):
        _copy(self.model.weights, self._best_weights)

    def restore_best_weights(self):
        """Give the network the weights of the best validation epoch."""
        _copy(self._best_weights, self.model.weights)

    def fit(
        self,
        X,
        targets,
        weights,
        *,
        schedule,
        epochs,
        batch_size,
        shuffle,
        seed,
        validation=None,
        rules=None,
        stop=None,
        plateau=None,
        initial_epoch=0,
        previous_rate=None,
        callbacks=(),
        verbose=0,
        interrupt=None,
    ):
        """Train for up to ``epochs`` epochs.

        Parameters
        ----------
        X : ndarray or CSR matrix of shape (n_samples, n_features)
            float32 features.
        targets : ndarray
            Encoded targets.
        weights : ndarray of shape (n_samples,)
            Positive per-sample weights.
        schedule : RateSchedule
            Gives the learning rate and momentum of every step.
        epochs : int
            Most epochs to run.
        batch_size : int
        shuffle : bool
        seed : int
            Seeds the epoch orders.
        validation : tuple of (X, targets, weights), default=None
            Held-out data; its loss is monitored instead of the training loss.
        rules : StopRules, default=None
            The stopping and plateau rules; None never stops.
        stop, plateau : StopMonitor, PlateauMonitor, default=None
            The monitors' state to carry on from; None starts afresh.
        initial_epoch : int, default=0
            Index of the first epoch, for continued training.
        previous_rate : float, default=None
            The rate of the epoch before ``initial_epoch`` (for a callable
            schedule).
        callbacks : list of keras.callbacks.Callback
        verbose : int, default=0
            1 prints one line per epoch.
        interrupt : InterruptRequest, default=None
            Set by Ctrl-C (see :mod:`sklann._interrupt`); once pressed,
            training stops after the current step.

        Returns
        -------
        TrainingResult
            The per-epoch logs (``loss``, ``learning_rate``, ``momentum``
            when the schedule moves it, metrics, ``val_loss`` and validation
            metrics), the monitors, and whether the stopping rule fired.

        Once ``interrupt`` is pressed, training stops after the current step
        and puts back the state of the last completed epoch; the result then
        has ``interrupted=True``.

        Raises
        ------
        TrainingDiverged
            If the loss becomes NaN or infinite.
        """
        function = self._epochs_function(
            not isinstance(X, np.ndarray), targets, validation is not None
        )
        rules = rules or StopRules()
        stop = stop or StopMonitor()
        plateau = plateau or PlateauMonitor()
        batch_size = min(batch_size, len(weights))
        steps = -(-len(weights) // batch_size)
        train = _graph_data(X, targets, weights)
        if validation is not None:
            validation = _graph_data(*validation)

        def run(first_epoch, n_epochs, stop, plateau, previous_rate):
            control = EpochControl(
                batch_size=tf.constant(batch_size, tf.int32),
                seed=tf.constant(seed % 2**31, tf.int32),
                shuffle=tf.constant(shuffle),
                first_epoch=tf.constant(first_epoch, tf.int32),
                n_epochs=tf.constant(n_epochs, tf.int32),
                rates=tf.constant(
                    schedule.rates(first_epoch, n_epochs, steps, previous_rate)
                ),
                momenta=tf.constant(schedule.momenta(first_epoch, n_epochs, steps)),
                rules=_typed_tuple(rules),
            )
            logs, stop, plateau, stopped = call_in_worker(
                function,
                train,
                validation,
                control,
                _typed_tuple(stop),
                _typed_tuple(plateau),
            )
            logs = {name: values.numpy().tolist() for name, values in logs.items()}
            if not schedule.moves_momentum:
                logs.pop("momentum", None)
            _check_finite(logs, first_epoch)
            return TrainingResult(
                logs,
                _host_tuple(stop),
                _host_tuple(plateau),
                bool(stopped),
                bool(self._interrupt.numpy()),
            )

        (interrupt or InterruptRequest()).attach(self._interrupt)
        if callbacks or verbose:
            probe = None
            if any(getattr(c, "records_gradient_norms", False) for c in callbacks):
                probe = _gradient_probe(X, targets)
            return self._fit_epoch_by_epoch(
                run,
                epochs,
                initial_epoch,
                (stop, plateau, previous_rate),
                list(callbacks),
                verbose,
                probe,
            )
        return run(initial_epoch, epochs, stop, plateau, previous_rate)

    def _fit_epoch_by_epoch(
        self, run, epochs, initial_epoch, state, callbacks, verbose, probe
    ):
        stop, plateau, previous_rate = state
        callback_list = keras.callbacks.CallbackList(
            callbacks, model=self.model, epochs=initial_epoch + epochs, verbose=verbose
        )
        logs_per_epoch = {}
        stopped = interrupted = False
        self.model.stop_training = False
        callback_list.on_train_begin()
        for epoch in range(initial_epoch, initial_epoch + epochs):
            started = time.perf_counter()
            callback_list.on_epoch_begin(epoch)
            result = run(epoch, 1, stop, plateau, previous_rate)
            stop, plateau, stopped = result.stop, result.plateau, result.stopped
            if not result.logs["loss"]:  # interrupted before the epoch ended
                interrupted = True
                break
            logs = {name: values[0] for name, values in result.logs.items()}
            if probe is not None:
                norms = self.layer_gradient_norms(*probe)
                logs.update({f"gradient_norm_{k}": v for k, v in norms.items()})
            previous_rate = logs["learning_rate"]
            for key, value in logs.items():
                logs_per_epoch.setdefault(key, []).append(value)
            if verbose:
                _print_epoch(epoch, initial_epoch + epochs, logs, started)
            callback_list.on_epoch_end(epoch, logs)
            if stopped or self.model.stop_training or bool(self._interrupt.numpy()):
                interrupted = bool(self._interrupt.numpy())
                break
        callback_list.on_train_end()
        return TrainingResult(logs_per_epoch, stop, plateau, stopped, interrupted)


def _dtype_name(variable):
    dtype = variable.dtype
    return getattr(dtype, "name", dtype)  # tf.DType or a Keras dtype string


# Rows of the training data on which GradientNormHistory measures the norms.
GRADIENT_PROBE_ROWS = 1024


def _gradient_probe(X, targets):
    """The first rows of the training data, dense, for per-epoch gradient norms."""
    rows = min(GRADIENT_PROBE_ROWS, X.shape[0])
    features = X[:rows]
    if not isinstance(features, np.ndarray):
        features = features.toarray()
    return np.asarray(features, dtype=np.float32), targets[:rows]


def _shadows(variables):
    """Variables of the same shapes and dtypes, to copy state into."""
    return [tf.Variable(tf.zeros(v.shape, v.dtype), trainable=False) for v in variables]


def _copy(sources, destinations):
    for source, destination in zip(sources, destinations, strict=True):
        destination.assign(source)


def _graph_data(X, targets, weights):
    return (
        graph_features(X),
        tf.constant(targets),
        tf.constant(weights, dtype=tf.float32),
    )


def _typed_tuple(monitor):
    """The fields of rules or a monitor as tensors of the dtypes of its defaults."""
    defaults = type(monitor)()
    return type(monitor)(
        *(
            tf.constant(value, dtype=tf.as_dtype(np.asarray(default).dtype))
            for value, default in zip(monitor, defaults, strict=True)
        )
    )


def _host_tuple(monitor):
    return type(monitor)(*(value.numpy() for value in monitor))


def _check_finite(logs, first_epoch):
    for name in ("loss", "val_loss"):
        for offset, loss in enumerate(logs.get(name, ())):
            if not np.isfinite(loss):
                raise TrainingDiverged(
                    f"Training diverged: the {name} became {loss} at epoch "
                    f"{first_epoch + offset + 1}. Try a lower learning_rate, "
                    "gradient clipping (clipnorm) or standardised inputs "
                    "(StandardScaler)."
                )


def _print_epoch(epoch, epochs, logs, started):
    values = " - ".join(f"{key}: {value:.4g}" for key, value in logs.items())
    elapsed = time.perf_counter() - started
    print(f"Epoch {epoch + 1}/{epochs} - {values} - {elapsed:.2f}s")
