"""Loss functions that return one value per sample.

The training engine weights and averages per-sample losses itself (so that
``sample_weight`` and ``class_weight`` mean the same as in scikit-learn), so
every loss here is built with ``reduction=None``.
"""

import inspect

import keras

_LOSS_CLASSES = {
    "binary_crossentropy": keras.losses.BinaryCrossentropy,
    "sparse_categorical_crossentropy": keras.losses.SparseCategoricalCrossentropy,
    "squared_error": keras.losses.MeanSquaredError,
    "absolute_error": keras.losses.MeanAbsoluteError,
    "huber": keras.losses.Huber,
    "poisson": keras.losses.Poisson,
}


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
        loss = _LOSS_CLASSES[loss]
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
