"""The training engine: epochs and predictions as compiled TensorFlow work.

Each epoch is one call of a ``tf.function`` that loops over the minibatches
in the graph (gather, forward, loss, gradients, optimizer step), so no Python
runs per batch. Keras callbacks are called at epoch boundaries.
"""

import time
from functools import partial

import keras
import numpy as np
import tensorflow as tf

from ._data import dense_chunks, gather_rows, graph_features


class TrainingDiverged(ValueError):
    """Raised when the training loss stops being finite."""


def epoch_order(n_samples, shuffle, seed, epoch):
    """Return the sample order of one epoch.

    The order depends only on ``(seed, epoch)``, so a continued fit
    (``warm_start``, ``partial_fit``) draws fresh orders, and no global random
    state is read or changed.

    Examples
    --------
    >>> epoch_order(4, shuffle=False, seed=0, epoch=3)
    array([0, 1, 2, 3], dtype=int32)
    >>> bool((epoch_order(50, True, 0, 1) == epoch_order(50, True, 0, 1)).all())
    True
    """
    if not shuffle:
        return np.arange(n_samples, dtype=np.int32)
    rng = np.random.default_rng([seed, epoch])
    return rng.permutation(n_samples).astype(np.int32)


class TrainingEngine:
    """Train and run one compiled Keras model.

    Parameters
    ----------
    model : keras.Model
        A model compiled with its optimizer.
    loss_fn : callable
        ``(y_true, y_pred) -> loss per sample``.
    metrics : list of keras.metrics.Metric
        Metrics updated during training and reported per epoch.
    inference_model : keras.Model
        A float64 twin of ``model`` (same architecture). Predictions copy the
        trained weights into it and run in float64, so that each row's
        prediction is the same whatever other rows share its batch.
    """

    def __init__(self, model, loss_fn, metrics, inference_model):
        self.model = model
        self.loss_fn = loss_fn
        self.metrics = list(metrics)
        self.inference_model = inference_model
        # TensorFlow counts traces per code object, so methods traced once per
        # new model would warn of "frequent retracing". A partial is its own
        # key: each engine's functions are counted on their own.
        self._epoch_fn = tf.function(partial(self._run_epoch), reduce_retracing=True)
        self._forward_fn = tf.function(partial(self._forward), reduce_retracing=True)

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
                gather_rows(features, indices),
                tf.gather(targets, indices),
                batch_weights,
            )
            weighted_loss += loss * tf.reduce_sum(batch_weights)
        return weighted_loss / tf.reduce_sum(weights)

    def _forward(self, x):
        for twin, variable in zip(
            self.inference_model.weights, self.model.weights, strict=True
        ):
            twin.assign(tf.cast(variable, twin.dtype))
        return self.inference_model(x, training=False)

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
        features = graph_features(X)
        targets = tf.constant(targets)
        weights = tf.constant(weights, dtype=tf.float32)
        n_samples = len(weights)
        batch_size = tf.constant(min(batch_size, n_samples), dtype=tf.int32)
        callback_list = keras.callbacks.CallbackList(
            list(callbacks),
            model=self.model,
            epochs=initial_epoch + epochs,
            steps=None,
            verbose=verbose,
        )
        logs_per_epoch = {}
        self.model.stop_training = False
        callback_list.on_train_begin()
        for epoch in range(initial_epoch, initial_epoch + epochs):
            started = time.perf_counter()
            callback_list.on_epoch_begin(epoch)
            for metric in self.metrics:
                metric.reset_state()
            order = tf.constant(epoch_order(n_samples, shuffle, seed, epoch))
            loss = float(self._epoch_fn(features, targets, weights, order, batch_size))
            if not np.isfinite(loss):
                raise TrainingDiverged(
                    f"Training diverged: the loss became {loss} at epoch {epoch + 1}. "
                    "Try a lower learning_rate, gradient clipping (clipnorm) or "
                    "standardised inputs (StandardScaler)."
                )
            logs = {"loss": loss, "learning_rate": self.learning_rate()}
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

    def learning_rate(self):
        """The optimizer's current learning rate, as a float."""
        return float(keras.ops.convert_to_numpy(self.model.optimizer.learning_rate))

    def predict(self, X):
        """Return the network's outputs for ``X`` (dense or CSR) as an ndarray."""
        chunks = [
            self._forward_fn(tf.constant(chunk, dtype=tf.float64)).numpy()
            for chunk in dense_chunks(X)
        ]
        return np.concatenate(chunks) if chunks else np.empty((0,))


def _print_epoch(epoch, epochs, logs, started):
    values = " - ".join(f"{key}: {value:.4g}" for key, value in logs.items())
    print(
        f"Epoch {epoch + 1}/{epochs} - {values} - {time.perf_counter() - started:.2f}s"
    )
