"""Gradient health: the per-layer gradient norms of the loss on given data."""

import keras
import numpy as np
import tensorflow as tf
from sklearn.utils.validation import check_is_fitted, validate_data


def gradient_norms(estimator, X, y):
    """The Euclidean norm of the loss gradient for each Dense layer.

    The loss is the one the estimator trains on (with its L1/L2 penalties),
    averaged over ``X``, with the network in inference mode (no dropout,
    batch normalisation on its moving statistics), so the result is
    deterministic. Vanishing gradients show as norms that shrink by orders
    of magnitude from the output layer back to the first; exploding ones as
    norms that grow.

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
    engine = estimator._training_engine()
    try:
        return _layer_gradient_norms(engine, X, targets)
    finally:
        estimator._give_back(engine)


def _layer_gradient_norms(engine, X, targets):
    model = engine.model
    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    variables = [layer.trainable_variables for layer in dense]
    with tf.GradientTape() as tape:
        outputs = model(tf.constant(X), training=False)
        loss = tf.reduce_mean(engine.loss_fn(tf.constant(targets), outputs))
        if model.losses:
            loss += tf.add_n(model.losses)
    gradients = tape.gradient(loss, [v for group in variables for v in group])
    norms, start = {}, 0
    for layer, group in zip(dense, variables, strict=True):
        squares = [
            tf.reduce_sum(tf.square(g)) for g in gradients[start : start + len(group)]
        ]
        norms[layer.name] = float(np.sqrt(float(tf.add_n(squares))))
        start += len(group)
    return norms
