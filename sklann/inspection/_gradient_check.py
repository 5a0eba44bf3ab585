"""A numerical gradient check: central differences in float64 against TensorFlow."""

import dataclasses
from numbers import Integral, Real

import numpy as np
import tensorflow as tf
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data

from .._compat import HasMethods, Interval, validate_params
from .._network.forward import GraphNetwork
from .._network.layers import layer_kinds
from .._training.losses import LOSSES, per_sample_loss

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


@validate_params(
    {
        "estimator": [HasMethods(["fit", "predict"])],
        "X": ["array-like", "sparse matrix"],
        "y": ["array-like"],
        "n_samples": [Interval(Integral, 1, None, closed="left")],
        "n_weights": [Interval(Integral, 1, None, closed="left")],
        "epsilon": [Interval(Real, 0, None, closed="neither")],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def check_gradients(
    estimator, X, y, *, n_samples=10, n_weights=20, epsilon=1e-6, random_state=0
):
    """Compare TensorFlow's gradients with central differences, in float64.

    The network's forward pass, the one sklann trains with, runs in float64
    on the fitted weights. On
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
    spec = dataclasses.replace(estimator._spec, precision="float64")
    network = GraphNetwork(layer_kinds(spec), "float64")
    loss_fn = _float64_loss(estimator)
    features = tf.constant(X[rows])
    targets = np.asarray(targets)
    if np.issubdtype(targets.dtype, np.floating):
        targets = targets.astype(np.float64)
    targets = tf.constant(targets)
    weights = [_float64(w) for w in estimator._state()[0]]
    rates = {"dropout": 0.0, "input_dropout": 0.0}  # inference mode: unused

    def loss(weights):
        logits, _ = network(weights, features, rates, training=False)
        (rows,) = network.per_member(weights, targets)  # an ensemble's members
        value = tf.reduce_mean(loss_fn(rows, network.output(logits)))
        return value + network.penalty(weights, spec.l1, spec.l2)

    errors, checked = {}, 0
    for layer, start in network.dense_layers():
        analytic, numeric = [], []
        for index in range(start, start + (2 if layer.use_bias else 1)):
            watched = tf.constant(weights[index])
            with tf.GradientTape() as tape:
                tape.watch(watched)
                value = loss(weights[:index] + [watched] + weights[index + 1 :])
            gradient = tape.gradient(value, watched).numpy().ravel()
            picked = rng.choice(gradient.size, min(n_weights, gradient.size), False)
            analytic.append(gradient[picked])
            numeric.append(_central_differences(loss, weights, index, picked, epsilon))
            checked += len(picked)
        errors[layer.name] = _relative_error(
            np.concatenate(analytic), np.concatenate(numeric)
        )
    return GradientCheckResult(errors, max(errors.values()), checked)


def _float64(weight):
    weight = np.asarray(weight)
    return weight.astype(np.float64) if weight.dtype.kind == "f" else weight


def _float64_loss(estimator):
    name = estimator._loss_name(estimator.target_encoder_)
    if not isinstance(name, str):
        raise ValueError(
            f"check_gradients needs a built-in loss ({sorted(LOSSES)}); "
            f"got loss={estimator.loss!r}."
        )
    return per_sample_loss(
        name, routed={**estimator._loss_settings(), "dtype": "float64"}
    )


def _central_differences(loss, weights, index, picked, epsilon):
    original = weights[index]
    flat = original.ravel()
    differences = []
    for position in picked:
        values = []
        for sign in (1, -1):
            shifted = flat.copy()
            shifted[position] += sign * epsilon
            moved = weights[:index] + [shifted.reshape(original.shape)]
            values.append(float(loss(moved + weights[index + 1 :])))
        differences.append((values[0] - values[1]) / (2 * epsilon))
    return np.asarray(differences)


def _relative_error(analytic, numeric):
    scale = np.linalg.norm(analytic) + np.linalg.norm(numeric)
    return 0.0 if scale == 0 else float(np.linalg.norm(analytic - numeric) / scale)
