"""Loss functions that return one value per sample.

The training engine weights and averages per-sample losses itself (so that
``sample_weight`` and ``class_weight`` mean the same as in scikit-learn), so
every loss here is built with ``reduction=None``.
"""

import functools
import inspect

import keras
import numpy as np
import tensorflow as tf


def per_sample_loss(loss, routed=None):
    """Return ``loss`` as a callable ``(y_true, y_pred) -> losses per sample``.

    Parameters
    ----------
    loss : str, keras.losses.Loss or callable
        A name from ``binary_crossentropy``, ``sparse_categorical_crossentropy``,
        ``squared_error``, ``absolute_error``, ``huber``, ``poisson``; a Keras
        loss instance (copied with ``reduction=None``, the caller's object is
        left as it is); or a function that already returns one value per
        sample. A Keras loss class is instantiated with ``routed``.
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
        function, defaults = NAMED_LOSSES[loss]
        return functools.partial(function, **{**defaults, **(routed or {})})
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


def _binary_crossentropy(y_true, y_pred, label_smoothing):
    # Keras's label smoothing, written out so that the rate can be a tensor.
    y_true = tf.cast(y_true, y_pred.dtype)
    smoothing = tf.cast(label_smoothing, y_pred.dtype)
    y_true = y_true * (1.0 - smoothing) + 0.5 * smoothing
    return keras.losses.binary_crossentropy(y_true, y_pred)


# Keras's per-sample loss functions for the named losses, with the defaults of
# their numeric settings (graph inputs, so that a search over them re-uses the
# traced step). Given a sigmoid or softmax output, Keras computes the
# cross-entropies from the logits.
NAMED_LOSSES = {
    "binary_crossentropy": (_binary_crossentropy, {"label_smoothing": 0.0}),
    "sparse_categorical_crossentropy": (
        keras.losses.sparse_categorical_crossentropy,
        {},
    ),
    "squared_error": (keras.losses.mean_squared_error, {}),
    "absolute_error": (keras.losses.mean_absolute_error, {}),
    "huber": (keras.losses.huber, {"delta": 1.0}),
    "poisson": (keras.losses.poisson, {}),
}


# The Keras loss class of each named loss, for the Keras model of ``model_``.
KERAS_LOSS_CLASSES = {
    "binary_crossentropy": keras.losses.BinaryCrossentropy,
    "sparse_categorical_crossentropy": keras.losses.SparseCategoricalCrossentropy,
    "squared_error": keras.losses.MeanSquaredError,
    "absolute_error": keras.losses.MeanAbsoluteError,
    "huber": keras.losses.Huber,
    "poisson": keras.losses.Poisson,
}


def keras_loss(loss, routed=None):
    """A Keras loss object (per sample) for ``loss``, to compile a Keras model with.

    Examples
    --------
    >>> type(keras_loss("huber", {"delta": 2.0})).__name__
    'Huber'
    """
    if isinstance(loss, str):
        loss = KERAS_LOSS_CLASSES[loss]
    return per_sample_loss(loss, routed)


class TrainingLoss:
    """The loss the training step minimises, one value per sample.

    Parameters
    ----------
    loss : str, keras.losses.Loss or callable
        A key of :data:`NAMED_LOSSES`, or a user's loss (see
        :func:`per_sample_loss`).
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
        if isinstance(loss, str):
            self.function, defaults = NAMED_LOSSES[loss]
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

    def __call__(self, y_true, y_pred, hyper):
        """Per-sample losses (graph code); ``hyper`` holds the settings' tensors."""
        settings = {name: hyper[f"loss_{name}"] for name in self.settings}
        return self.function(y_true, y_pred, **settings)
