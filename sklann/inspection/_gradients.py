"""Gradient health: the per-layer gradient norms of the loss on given data."""

import numpy as np
from sklearn.utils.validation import check_is_fitted, validate_data

from .._compat import HasMethods, validate_params


@validate_params(
    {
        "estimator": [HasMethods(["fit", "predict"])],
        "X": ["array-like", "sparse matrix"],
        "y": ["array-like"],
    },
    prefer_skip_nested_validation=True,
)
def gradient_norms(estimator, X, y):
    """The Euclidean norm of the loss gradient for each Dense layer.

    The loss is the one the estimator trains on (with its L1/L2 penalties),
    averaged over ``X``, with the network in inference mode (no dropout,
    batch normalisation on its moving statistics), so the result is
    deterministic. Vanishing gradients show as norms that shrink by orders
    of magnitude from the output layer back to the first; exploding ones as
    norms that grow. To record them at every epoch of a fit, pass a
    :class:`GradientNormHistory` callback.

    Parameters
    ----------
    estimator : fitted MLPClassifier or MLPRegressor
        It is not changed.
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)

    Returns
    -------
    dict
        Layer name to the norm of the gradient of its kernel and bias
        together, from the input side (``"hidden_1"``) to ``"output"``.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklann import MLPClassifier
    >>> from sklann.inspection import gradient_norms
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = MLPClassifier(hidden_layer_sizes=(8, 8), epochs=2,
    ...                     random_state=0).fit(X, y)
    >>> list(gradient_norms(clf, X, y))
    ['hidden_1', 'hidden_2', 'output']
    """
    check_is_fitted(estimator)
    X = validate_data(estimator, X, reset=False, dtype=np.float32)
    targets = estimator.target_encoder_.transform(np.asarray(y))
    return estimator._gradient_norms(X, targets)
