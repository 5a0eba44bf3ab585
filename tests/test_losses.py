"""Per-sample losses."""

import keras
import numpy as np
import pytest

from sklann._training.losses import per_sample_loss

Y_TRUE = np.array([[0.0], [1.0], [2.0]], dtype=np.float32)
Y_PRED = np.array([[1.0], [1.0], [4.0]], dtype=np.float32)


@pytest.mark.parametrize(
    "name, expected",
    [
        ("squared_error", [1.0, 0.0, 4.0]),
        ("absolute_error", [1.0, 0.0, 2.0]),
        ("huber", [0.5, 0.0, 1.5]),
        ("poisson", [1.0, 1.0, 4.0 - 2.0 * np.log(4.0)]),
    ],
)
def test_regression_losses_per_sample(name, expected):
    values = np.asarray(per_sample_loss(name)(Y_TRUE, Y_PRED))
    np.testing.assert_allclose(values, expected, rtol=1e-5, atol=1e-6)


def test_keras_instance_is_copied_with_no_reduction():
    mine = keras.losses.Huber(delta=0.5)
    loss = per_sample_loss(mine)
    assert loss is not mine and mine.reduction == "sum_over_batch_size"
    assert loss.reduction is None
    # Huber with delta 0.5 on errors 1, 0, 2: 0.5 * (|e| - 0.25)
    np.testing.assert_allclose(np.asarray(loss(Y_TRUE, Y_PRED)), [0.375, 0.0, 0.875])


def test_keras_class_takes_routed_arguments():
    loss = per_sample_loss(keras.losses.Huber, routed={"delta": 3.0})
    np.testing.assert_allclose(np.asarray(loss(Y_TRUE, Y_PRED))[2], 2.0)


def test_smoothed_sparse_crossentropy_matches_keras_one_hot_smoothing():
    probabilities = np.array([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6]], dtype=np.float32)
    labels = np.array([0, 1])
    smoothed = per_sample_loss(
        "sparse_categorical_crossentropy", routed={"label_smoothing": 0.3}
    )
    keras_loss = keras.losses.CategoricalCrossentropy(
        label_smoothing=0.3, reduction=None
    )
    np.testing.assert_allclose(
        smoothed(labels, probabilities),
        keras_loss(np.eye(3)[labels], probabilities),
        rtol=1e-6,
    )


@pytest.fixture(scope="module")
def iris():
    from sklearn.datasets import load_iris

    return load_iris(return_X_y=True)


def _smoothed_fit(iris, label_smoothing, **params):
    from sklann import MLPClassifier

    X, y = iris
    return MLPClassifier(
        hidden_layer_sizes=(8,),
        epochs=30,
        learning_rate=0.01,
        random_state=0,
        label_smoothing=label_smoothing,
        **params,
    ).fit(X, y)


def test_label_smoothing_trains_on_the_smoothed_multiclass_loss(iris):
    X, y = iris
    plain = _smoothed_fit(iris, 0.0)
    smoothed = _smoothed_fit(iris, 0.2)
    # The epoch's training loss is Keras's smoothed cross-entropy of the
    # network, which the (unreduced) Keras loss of model_ reproduces.
    keras_loss = keras.losses.CategoricalCrossentropy(
        label_smoothing=0.2, reduction=None
    )
    expected = keras_loss(np.eye(3)[y], smoothed.predict_proba(X).astype(np.float32))
    np.testing.assert_allclose(
        np.mean(smoothed.model_.loss(y, smoothed.predict_proba(X))),
        np.mean(expected),
        rtol=1e-5,
    )
    # Smoothing keeps the network from confident probabilities.
    assert smoothed.predict_proba(X).max() < plain.predict_proba(X).max() - 0.02


def test_label_smoothing_of_a_binary_target_is_the_routed_setting():
    from sklearn.datasets import load_breast_cancer

    X, y = load_breast_cancer(return_X_y=True)
    X = (X - X.mean(0)) / X.std(0)
    flat = _smoothed_fit((X, y), 0.1)
    routed = _smoothed_fit((X, y), 0.0, loss__label_smoothing=0.1)
    np.testing.assert_array_equal(flat.predict_proba(X), routed.predict_proba(X))


@pytest.mark.parametrize(
    "params, message",
    [
        ({"loss__label_smoothing": 0.2}, "both set the smoothing"),
        ({"loss": keras.losses.CategoricalCrossentropy()}, "a loss object"),
    ],
)
def test_label_smoothing_refuses_a_second_smoothing(iris, params, message):
    with pytest.raises(ValueError, match=message):
        _smoothed_fit(iris, 0.1, **params)
