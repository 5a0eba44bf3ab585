"""A numerical gradient check: central differences in float64 against TensorFlow."""

import dataclasses

import keras
import numpy as np
import tensorflow as tf
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data

from .._losses import _LOSS_CLASSES, per_sample_loss
from .._network import build_network

# Relative errors below this mean the gradients agree (float64 throughout).
TOLERANCE = 1e-6


@dataclasses.dataclass
class GradientCheckResult:
    """What :func:`check_gradients` found.

    Attributes
    ----------
    layer_errors : dict
        Layer name (input side first) to the relative error
        ``|g_tf - g_num| / (|g_tf| + |g_num|)`` over the checked weights of
        its kernel and bias (0 where both gradients are 0).
    max_error : float
        The largest of them.
    n_weights_checked : int
        How many weights were perturbed.

    In float64, correct gradients give relative errors around 1e-10 to 1e-8
    (the rounding of the central differences); above ``TOLERANCE`` (1e-6)
    something disagrees, and errors of 1e-2 or more mean a wrong gradient.
    A ReLU unit whose input lies within ``epsilon`` of 0 can also cause a
    large error at a single weight: check another ``random_state``.
    """

    layer_errors: dict
    max_error: float
    n_weights_checked: int

    @property
    def passed(self):
        """Whether every layer's relative error is below ``TOLERANCE``."""
        return self.max_error < TOLERANCE


def check_gradients(
    estimator, X, y, *, n_samples=10, n_weights=20, epsilon=1e-6, random_state=0
):
    """Compare TensorFlow's gradients with central differences, in float64.

    The fitted network is rebuilt in float64 with the same weights. On
    ``n_samples`` rows drawn from ``X``, with the network in inference mode
    (no dropout, batch normalisation on its moving statistics), the loss
    the estimator trains on (with its L1/L2 penalties) is differentiated by
    TensorFlow and, for up to ``n_weights`` weights of each kernel and bias,
    by central differences ``(L(w + e) - L(w - e)) / 2e``.

    Parameters
    ----------
    estimator : fitted MLPClassifier or MLPRegressor
        With a built-in loss. It is not changed.
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
    n_samples : int, default=10
    n_weights : int, default=20
        Weights checked per kernel and per bias vector.
    epsilon : float, default=1e-6
    random_state : int, RandomState instance or None, default=0
        Draws the rows and the weights.

    Returns
    -------
    GradientCheckResult

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklann import MLPClassifier
    >>> from sklann.inspection import check_gradients
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = MLPClassifier(hidden_layer_sizes=(8,), l2=1e-3, epochs=2,
    ...                     random_state=0).fit(X, y)
    >>> check_gradients(clf, X, y).passed
    True
    """
    check_is_fitted(estimator)
    X = validate_data(estimator, X, reset=False, dtype=np.float64)
    rng = check_random_state(random_state)
    rows = rng.choice(len(X), size=min(n_samples, len(X)), replace=False)
    targets = estimator.target_encoder_.transform(np.asarray(y)[rows])
    model = _float64_copy(estimator)
    loss_fn = _float64_loss(estimator)
    features = tf.constant(X[rows])
    targets = np.asarray(targets)
    if np.issubdtype(targets.dtype, np.floating):
        targets = targets.astype(np.float64)
    targets = tf.constant(targets)

    def loss():
        outputs = model(features, training=False)
        value = tf.reduce_mean(loss_fn(targets, outputs))
        return value + tf.add_n(model.losses) if model.losses else value

    errors, checked = {}, 0
    for layer in model.layers:
        if not isinstance(layer, keras.layers.Dense):
            continue
        analytic, numeric = [], []
        for variable in layer.trainable_variables:
            with tf.GradientTape() as tape:
                value = loss()
            gradient = tape.gradient(value, variable).numpy().ravel()
            picked = rng.choice(gradient.size, min(n_weights, gradient.size), False)
            analytic.append(gradient[picked])
            numeric.append(_central_differences(loss, variable, picked, epsilon))
            checked += len(picked)
        errors[layer.name] = _relative_error(
            np.concatenate(analytic), np.concatenate(numeric)
        )
    return GradientCheckResult(errors, max(errors.values()), checked)


def _float64_copy(estimator):
    engine = estimator._training_engine()
    try:
        weights = [np.asarray(w, dtype=np.float64) for w in engine.model.get_weights()]
    finally:
        estimator._give_back(engine)
    spec = dataclasses.replace(estimator._spec, precision="float64")
    model = build_network(spec, seed=0)
    model.set_weights(weights)
    return model


def _float64_loss(estimator):
    name = estimator.loss
    if name == "auto":
        name = estimator.target_encoder_.default_loss
    if name not in _LOSS_CLASSES:
        raise ValueError(
            f"check_gradients needs a built-in loss ({sorted(_LOSS_CLASSES)}); "
            f"got loss={estimator.loss!r}."
        )
    return per_sample_loss(
        name, routed={**estimator._routed("loss"), "dtype": "float64"}
    )


def _central_differences(loss, variable, picked, epsilon):
    original = variable.numpy()
    flat = original.ravel()
    differences = []
    for index in picked:
        values = []
        for sign in (1, -1):
            shifted = flat.copy()
            shifted[index] += sign * epsilon
            variable.assign(shifted.reshape(original.shape))
            values.append(float(loss()))
        differences.append((values[0] - values[1]) / (2 * epsilon))
    variable.assign(original)
    return np.asarray(differences)


def _relative_error(analytic, numeric):
    scale = np.linalg.norm(analytic) + np.linalg.norm(numeric)
    return 0.0 if scale == 0 else float(np.linalg.norm(analytic - numeric) / scale)
