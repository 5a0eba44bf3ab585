"""The training engine: epochs and predictions as compiled TensorFlow work.

One ``tf.function`` runs whole epochs in the graph: the epoch's shuffled
order (stateless, from the seed and the epoch number), then a loop over the
minibatches (gather, forward, loss, gradients, optimizer step). With no
callbacks, metrics or progress lines to serve, all the epochs of a fit run in
a single call; otherwise one call per epoch, with callbacks in between.

An engine is built for one network and re-used across fits of the same
configuration (see :mod:`sklann._pool`): :meth:`TrainingEngine.reset` gives
the network fresh seeded weights and the optimizer its initial state, and the
compiled functions are traced once.
"""

import time
from functools import partial

import keras
import numpy as np
import tensorflow as tf

from ._data import dense_chunks, features_spec, gather_rows, graph_features
from ._inference import forward, inference_plan
from ._network import reinitialize_network


class TrainingDiverged(ValueError):
    """Raised when the training loss stops being finite."""


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
        self._optimizer_start = [v.numpy() for v in optimizer.variables]
        # TensorFlow counts traces per code object, so methods traced once per
        # engine would warn of "frequent retracing"; a partial is its own key.
        self._epochs_fn = tf.function(partial(self._run_epochs))
        self._concrete = {}
        self._plan = None  # the float64 NumPy network, made at first predict

    # -- graph code ---------------------------------------------------------------

    def _train_step(self, x, y, weights):
        model = self.model
        variables = model.trainable_variables
        with tf.GradientTape() as tape:
            outputs = model(x, training=True)
            per_sample = self.loss_fn(y, outputs)
            loss = tf.reduce_sum(per_sample * weights) / tf.reduce_sum(weights)
            if model.losses:
                loss += tf.add_n(model.losses)
        gradients = tape.gradient(loss, variables)
        model.optimizer.apply_gradients(zip(gradients, variables, strict=True))
        for metric in self.metrics:
            metric.update_state(y, outputs, sample_weight=weights)
        return loss

    def _run_epoch(self, features, targets, weights, order, batch_size):
        n_samples = tf.shape(order)[0]
        n_batches = (n_samples + batch_size - 1) // batch_size
        weighted_loss = tf.constant(0.0)
        for batch in tf.range(n_batches):
            indices = order[batch * batch_size : (batch + 1) * batch_size]
            batch_weights = tf.gather(weights, indices)
            loss = self._train_step(
                gather_rows(features, indices, self.spec.n_features),
                tf.gather(targets, indices),
                batch_weights,
            )
            weighted_loss += loss * tf.reduce_sum(batch_weights)
        return weighted_loss / tf.reduce_sum(weights)

    def _run_epochs(
        self,
        features,
        targets,
        weights,
        batch_size,
        seed,
        shuffle,
        first_epoch,
        n_epochs,
    ):
        """Run up to ``n_epochs`` epochs; stop early at a non-finite loss."""
        n_samples = tf.shape(weights)[0]
        losses = tf.TensorArray(tf.float32, size=0, dynamic_size=True)
        rates = tf.TensorArray(tf.float32, size=0, dynamic_size=True)
        for step in tf.range(n_epochs):
            if shuffle:
                order = epoch_order(n_samples, seed, first_epoch + step)
            else:
                order = tf.range(n_samples)
            rates = rates.write(
                step, tf.cast(self.model.optimizer.learning_rate, tf.float32)
            )
            loss = self._run_epoch(features, targets, weights, order, batch_size)
            losses = losses.write(step, loss)
            if not tf.math.is_finite(loss):
                break
        return losses.stack(), rates.stack()

    def _epochs_function(self, sparse, targets):
        """The concrete epochs function for this data layout (traced once)."""
        key = (sparse, targets.dtype, targets.ndim)
        if key not in self._concrete:
            scalar = tf.TensorSpec([], tf.int32)
            self._concrete[key] = self._epochs_fn.get_concrete_function(
                features_spec(sparse, self.spec.n_features),
                tf.TensorSpec([None, *targets.shape[1:]], targets.dtype),
                tf.TensorSpec([None], tf.float32),
                scalar,
                scalar,
                tf.TensorSpec([], tf.bool),
                scalar,
                scalar,
            )
        return self._concrete[key]

    # -- host code ----------------------------------------------------------------

    def reset(self, seed, learning_rate):
        """Fresh seeded weights and optimizer state, for a new fit."""
        reinitialize_network(self.model, self.spec, seed)
        self._plan = None
        optimizer = self.model.optimizer
        for variable, start in zip(
            optimizer.variables, self._optimizer_start, strict=True
        ):
            variable.assign(start)
        optimizer.learning_rate = learning_rate

    def fit(
        self,
        X,
        targets,
        weights,
        *,
        epochs,
        batch_size,
        shuffle,
        seed,
        initial_epoch=0,
        callbacks=(),
        verbose=0,
    ):
        """Train for ``epochs`` epochs and return the per-epoch logs.

        Parameters
        ----------
        X : ndarray or CSR matrix of shape (n_samples, n_features)
            float32 features.
        targets : ndarray
            Encoded targets.
        weights : ndarray of shape (n_samples,)
            Positive per-sample weights.
        epochs : int
            Epochs to run (fewer if a callback stops training).
        batch_size : int
        shuffle : bool
        seed : int
            Seeds the epoch orders.
        initial_epoch : int, default=0
            Index of the first epoch, for continued training.
        callbacks : list of keras.callbacks.Callback
        verbose : int, default=0
            1 prints one line per epoch.

        Returns
        -------
        dict of str to list
            ``loss``, ``learning_rate`` and each metric, one entry per epoch.

        Raises
        ------
        TrainingDiverged
            If the loss becomes NaN or infinite.
        """
        function = self._epochs_function(not isinstance(X, np.ndarray), targets)
        self._plan = None
        data = (
            graph_features(X),
            tf.constant(targets),
            tf.constant(weights, dtype=tf.float32),
            tf.constant(min(batch_size, len(weights)), tf.int32),
            tf.constant(seed % 2**31, tf.int32),
            tf.constant(shuffle),
        )
        if callbacks or verbose or self.metrics:
            return self._fit_epoch_by_epoch(
                function, data, epochs, initial_epoch, list(callbacks), verbose
            )
        losses, rates = function(*data, tf.constant(initial_epoch), tf.constant(epochs))
        logs = {
            "loss": losses.numpy().tolist(),
            "learning_rate": rates.numpy().tolist(),
        }
        _check_finite(logs["loss"], initial_epoch)
        return logs

    def _fit_epoch_by_epoch(
        self, function, data, epochs, initial_epoch, callbacks, verbose
    ):
        callback_list = keras.callbacks.CallbackList(
            callbacks, model=self.model, epochs=initial_epoch + epochs, verbose=verbose
        )
        logs_per_epoch = {}
        self.model.stop_training = False
        one = tf.constant(1)
        callback_list.on_train_begin()
        for epoch in range(initial_epoch, initial_epoch + epochs):
            started = time.perf_counter()
            callback_list.on_epoch_begin(epoch)
            for metric in self.metrics:
                metric.reset_state()
            losses, rates = function(*data, tf.constant(epoch), one)
            loss = float(losses[0])
            _check_finite([loss], epoch)
            logs = {"loss": loss, "learning_rate": float(rates[0])}
            logs.update({m.name: float(m.result()) for m in self.metrics})
            for key, value in logs.items():
                logs_per_epoch.setdefault(key, []).append(value)
            if verbose:
                _print_epoch(epoch, initial_epoch + epochs, logs, started)
            callback_list.on_epoch_end(epoch, logs)
            if self.model.stop_training:
                break
        callback_list.on_train_end()
        return logs_per_epoch

    def predict(self, X):
        """Return the network's outputs for ``X`` (dense or CSR) as an ndarray.

        Runs the float64 NumPy forward pass (:mod:`sklann._inference`). Its
        weights are copied after training, and before every call once
        ``model_`` is in user hands (its weights may have been set).
        """
        if self._plan is None or self.exposed:
            self._plan = inference_plan(self.model)
        chunks = [forward(self._plan, chunk) for chunk in dense_chunks(X)]
        return np.concatenate(chunks) if chunks else np.empty((0,))


def _check_finite(losses, first_epoch):
    for offset, loss in enumerate(losses):
        if not np.isfinite(loss):
            raise TrainingDiverged(
                f"Training diverged: the loss became {loss} at epoch "
                f"{first_epoch + offset + 1}. Try a lower learning_rate, gradient "
                "clipping (clipnorm) or standardised inputs (StandardScaler)."
            )


def _print_epoch(epoch, epochs, logs, started):
    values = " - ".join(f"{key}: {value:.4g}" for key, value in logs.items())
    elapsed = time.perf_counter() - started
    print(f"Epoch {epoch + 1}/{epochs} - {values} - {elapsed:.2f}s")
