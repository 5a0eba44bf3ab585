"""Loss functions that return one value per sample.

The training engine weights and averages per-sample losses itself (so that
``sample_weight`` and ``class_weight`` mean the same as in scikit-learn), so
every loss here is built with ``reduction=None``.
"""

import inspect
from typing import NamedTuple

import keras
import numpy as np
import tensorflow as tf


def per_sample_loss(loss, routed=None):
    """Return ``loss`` as a callable ``(y_true, y_pred) -> losses per sample``.

    Parameters
    ----------
    loss : str, keras.losses.Loss or callable
        A name from :data:`LOSSES` (its Keras loss class); a Keras loss
        instance (copied with ``reduction=None``, the caller's object is left
        as it is); or a function that already returns one value per sample.
        A Keras loss class is instantiated with ``routed``.
    routed : dict, default=None
        Constructor arguments for a loss class (``loss__delta=2.0``).

    Returns
    -------
    callable

    Examples
    --------
    >>> import numpy as np
    >>> loss = per_sample_loss("squared_error")
    >>> np.asarray(loss(np.array([[0.0], [1.0]]), np.array([[1.0], [1.0]]))).tolist()
    [1.0, 0.0]
    """
    if isinstance(loss, str):
        loss = LOSSES[loss].keras_class
    if inspect.isclass(loss) and issubclass(loss, keras.losses.Loss):
        return loss(**{**(routed or {}), "reduction": None})
    if isinstance(loss, keras.losses.Loss):
        # Copy the attributes: Keras copies and pickles losses through
        # get_config, which leaves out some settings (Huber's delta).
        copied = object.__new__(type(loss))
        copied.__dict__.update(vars(loss))
        copied.reduction = None
        return copied
    return loss


# -- the named losses in graph code: Keras's formulas, the cross-entropies
# from the logits (as Keras computes them for sigmoid and softmax outputs).


def _binary_crossentropy(y, logits, outputs, label_smoothing):
    y = tf.cast(y, logits.dtype)
    smoothing = tf.cast(label_smoothing, logits.dtype)
    y = y * (1.0 - smoothing) + 0.5 * smoothing
    losses = tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=logits)
    return tf.reduce_mean(losses, axis=-1)


def _sparse_categorical_crossentropy(y, logits, outputs, label_smoothing):
    labels = tf.cast(tf.reshape(y, [-1]), tf.int64)
    losses = tf.nn.sparse_softmax_cross_entropy_with_logits(
        labels=labels, logits=logits
    )
    # Keras's smoothed targets y * (1 - e) + e / K, written so that e = 0 is
    # the plain sparse cross-entropy to the last bit.
    smoothing = tf.cast(label_smoothing, losses.dtype)
    uniform = -tf.reduce_mean(tf.nn.log_softmax(logits), axis=-1)
    return losses + smoothing * (tf.cast(uniform, losses.dtype) - losses)


@keras.saving.register_keras_serializable(package="sklann")
class SmoothedSparseCategoricalCrossentropy(keras.losses.SparseCategoricalCrossentropy):
    """Keras's sparse categorical cross-entropy with ``label_smoothing``.

    Keras smooths only one-hot targets (``CategoricalCrossentropy``); this
    loss gives integer labels the same smoothed targets
    ``y * (1 - label_smoothing) + label_smoothing / n_classes``.

    Examples
    --------
    >>> import numpy as np
    >>> loss = SmoothedSparseCategoricalCrossentropy(label_smoothing=0.3,
    ...                                               reduction=None)
    >>> smoothed = keras.losses.CategoricalCrossentropy(label_smoothing=0.3,
    ...                                                 reduction=None)
    >>> p = np.array([[0.7, 0.2, 0.1]])
    >>> bool(np.isclose(loss(np.array([0]), p), smoothed(np.eye(3)[[0]], p)))
    True
    """

    def __init__(self, label_smoothing=0.0, **kwargs):
        super().__init__(**kwargs)
        self.label_smoothing = label_smoothing

    def call(self, y_true, y_pred):
        losses = super().call(y_true, y_pred)
        if not self.label_smoothing:
            return losses
        if self.from_logits:
            probabilities = keras.ops.softmax(y_pred)
        else:
            probabilities = keras.ops.clip(y_pred, 1e-7, 1.0 - 1e-7)
        uniform = -keras.ops.mean(keras.ops.log(probabilities), axis=-1)
        return losses + self.label_smoothing * (uniform - losses)

    def get_config(self):
        return {**super().get_config(), "label_smoothing": self.label_smoothing}


def _squared_error(y, logits, outputs):
    return tf.reduce_mean(tf.square(tf.cast(y, outputs.dtype) - outputs), axis=-1)


def _absolute_error(y, logits, outputs):
    return tf.reduce_mean(tf.abs(tf.cast(y, outputs.dtype) - outputs), axis=-1)


def _huber(y, logits, outputs, delta):
    error = outputs - tf.cast(y, outputs.dtype)
    delta = tf.cast(delta, outputs.dtype)
    absolute = tf.abs(error)
    losses = tf.where(
        absolute <= delta,
        0.5 * tf.square(error),
        delta * absolute - 0.5 * tf.square(delta),
    )
    return tf.reduce_mean(losses, axis=-1)


def _poisson(y, logits, outputs):
    y = tf.cast(y, outputs.dtype)
    return tf.reduce_mean(outputs - y * tf.math.log(outputs + 1e-7), axis=-1)


class NamedLoss(NamedTuple):
    """A named loss: its graph function, Keras class and numeric settings.

    ``regression`` marks the losses that ``MLPRegressor``'s ``loss`` offers;
    the classifier picks its cross-entropy from the target.
    """

    function: object
    keras_class: type
    defaults: dict
    regression: bool = False


# The registry of named losses. The settings are graph inputs, so a search
# over them re-uses the traced step. A new loss is an entry here (and a line
# in the docs).
LOSSES = {
    "binary_crossentropy": NamedLoss(
        _binary_crossentropy,
        keras.losses.BinaryCrossentropy,
        {"label_smoothing": 0.0},
    ),
    "sparse_categorical_crossentropy": NamedLoss(
        _sparse_categorical_crossentropy,
        SmoothedSparseCategoricalCrossentropy,
        {"label_smoothing": 0.0},
    ),
    "squared_error": NamedLoss(
        _squared_error, keras.losses.MeanSquaredError, {}, regression=True
    ),
    "absolute_error": NamedLoss(
        _absolute_error, keras.losses.MeanAbsoluteError, {}, regression=True
    ),
    "huber": NamedLoss(_huber, keras.losses.Huber, {"delta": 1.0}, regression=True),
    "poisson": NamedLoss(_poisson, keras.losses.Poisson, {}, regression=True),
}


class TrainingLoss:
    """The loss the training step minimises, one value per sample.

    Parameters
    ----------
    loss : str, keras.losses.Loss or callable
        A key of :data:`LOSSES`, or a user's loss (see :func:`per_sample_loss`).
    routed : dict, default=None
        ``loss__*`` settings: the numeric settings of a named loss
        (``loss__delta`` for ``"huber"``), or a loss class's arguments.

    Raises
    ------
    ValueError
        If ``routed`` names a setting the named loss does not have.

    Examples
    --------
    >>> loss = TrainingLoss("huber", routed={"delta": 2.0})
    >>> loss.structure, loss.hyperparameters()
    ('huber', {'loss_delta': np.float32(2.0)})
    """

    def __init__(self, loss, routed=None):
        routed = dict(routed or {})
        self.named = isinstance(loss, str)
        if self.named:
            self.function, defaults = LOSSES[loss].function, LOSSES[loss].defaults
            unknown = sorted(set(routed) - set(defaults))
            if unknown:
                takes = ", ".join(defaults) or "no settings"
                raise ValueError(
                    f"loss={loss!r} has no setting {', '.join(unknown)} (routed as "
                    f"loss__{unknown[0]}); it takes {takes}."
                )
            self.settings = {**defaults, **routed}
            self.structure = loss
        else:
            self.function = per_sample_loss(loss, routed=routed)
            self.settings = {}
            self.structure = None  # a user's object: never compared, never pooled

    def hyperparameters(self):
        """The numeric settings as float32 scalars, keyed ``loss_<name>``."""
        return {f"loss_{name}": np.float32(v) for name, v in self.settings.items()}

    def __call__(self, y_true, logits, outputs, hyper):
        """Per-sample losses (graph code); ``hyper`` holds the settings' tensors."""
        if not self.named:
            return self.function(y_true, outputs)
        settings = {name: hyper[f"loss_{name}"] for name in self.settings}
        return self.function(y_true, logits, outputs, **settings)


REGRESSION_LOSSES = tuple(name for name, loss in LOSSES.items() if loss.regression)
