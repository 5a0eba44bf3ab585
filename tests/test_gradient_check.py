"""check_gradients: central differences in float64 against TensorFlow."""

import numpy as np
import pytest
import tensorflow as tf
from sklearn.datasets import load_diabetes, load_iris
from sklearn.preprocessing import StandardScaler

import sklann.inspection._gradient_check as gradient_check
from sklann import MLPClassifier, MLPRegressor
from sklann.inspection import check_gradients

X_IRIS, Y_IRIS = load_iris(return_X_y=True)
X_DIAB, Y_DIAB = load_diabetes(return_X_y=True)
X_DIAB = StandardScaler().fit_transform(X_DIAB)
Y_BINARY = (Y_IRIS == 2).astype(int)


@pytest.mark.parametrize(
    "estimator, X, y",
    [
        (MLPClassifier(hidden_layer_sizes=(8, 6), activation="tanh"), X_IRIS, Y_IRIS),
        (
            MLPClassifier(
                hidden_layer_sizes=(8,),
                activation="sigmoid",
                batch_normalization="before",
                l1=1e-3,
                l2=1e-2,
            ),
            X_IRIS,
            Y_BINARY,
        ),
        (
            MLPRegressor(hidden_layer_sizes=(8,), activation="selu", dropout=0.2),
            X_DIAB,
            Y_DIAB / 100,
        ),
        (
            MLPRegressor(hidden_layer_sizes=(6,), activation="elu", loss="huber"),
            X_DIAB,
            Y_DIAB / 100,
        ),
        (
            MLPClassifier(
                hidden_layer_sizes=(8,),
                numerical_embedding="periodic",
                embedding_dim=3,
                embedding_frequencies=4,
                feature_scaling=True,
                label_smoothing=0.1,
            ),
            X_IRIS,
            Y_IRIS,
        ),
        (
            MLPRegressor(hidden_layer_sizes=(6,), n_ensemble=3, l2=1e-2),
            X_DIAB,
            Y_DIAB / 100,
        ),
    ],
    ids=[
        "tanh-softmax",
        "sigmoid-batchnorm-penalties",
        "selu-dropout",
        "elu-huber",
        "embedding-scaling-smoothing",
        "ensemble-penalty",
    ],
)
def test_correct_gradients_pass_with_tiny_errors(estimator, X, y):
    estimator.set_params(epochs=2, random_state=0).fit(X, y)
    result = check_gradients(estimator, X, y)
    assert result.passed, result.layer_errors
    assert result.max_error < 1e-7
    assert list(result.layer_errors)[-1] == "output"
    assert result.n_weights_checked > 20


def test_a_wrong_gradient_is_caught(monkeypatch):
    """A loss whose gradient is off by a factor of two fails the check."""

    @tf.custom_gradient
    def doubled_gradient_mse(y_true, y_pred):
        def gradient(upstream):
            return None, upstream[:, None] * 4.0 * (y_pred - y_true) / y_pred.shape[1]

        return tf.reduce_mean(tf.square(y_pred - y_true), axis=-1), gradient

    monkeypatch.setattr(
        gradient_check, "_float64_loss", lambda estimator: doubled_gradient_mse
    )
    reg = MLPRegressor(hidden_layer_sizes=(6,), epochs=2, random_state=0)
    result = check_gradients(reg.fit(X_DIAB, Y_DIAB / 100), X_DIAB, Y_DIAB / 100)
    assert not result.passed
    assert result.max_error > 0.2  # |2g - g| / (|2g| + |g|) = 1/3


def test_the_estimator_is_not_changed():
    clf = MLPClassifier(hidden_layer_sizes=(5,), epochs=2, random_state=0)
    clf.fit(X_IRIS, Y_IRIS)
    before = clf.predict_proba(X_IRIS)
    check_gradients(clf, X_IRIS, Y_IRIS)
    np.testing.assert_array_equal(clf.predict_proba(X_IRIS), before)


def test_a_custom_loss_is_refused():
    import keras

    reg = MLPRegressor(hidden_layer_sizes=(3,), loss=keras.losses.MeanSquaredError())
    reg.set_params(epochs=1, random_state=0).fit(X_DIAB, Y_DIAB)
    with pytest.raises(ValueError, match="needs a built-in loss"):
        check_gradients(reg, X_DIAB, Y_DIAB)
