"""The float64 NumPy forward pass equals the Keras network."""

import numpy as np
import pytest

from sklann import MLPClassifier, MLPRegressor
from sklann._estimator.params import ACTIVATIONS

RNG = np.random.RandomState(0)
X = RNG.normal(size=(64, 5)).astype(np.float32)
Y = np.digitize(X[:, 0], [-0.5, 0.5])


def keras_outputs(estimator, X):
    return np.asarray(estimator.model_(X, training=False), dtype=np.float64)


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("batch_normalization", [False, "before", "after"])
def test_numpy_forward_matches_keras(activation, batch_normalization):
    clf = MLPClassifier(
        hidden_layer_sizes=(8, 6),
        activation=activation,
        dropout=0.2,
        input_dropout=0.1,
        batch_normalization=batch_normalization,
        epochs=3,
        batch_size=16,
        random_state=0,
    ).fit(X, Y)
    np.testing.assert_allclose(
        clf.predict_proba(X), keras_outputs(clf, X), rtol=1e-5, atol=1e-6
    )


@pytest.mark.parametrize("loss", ["squared_error", "poisson"])
def test_regressor_outputs_match_keras(loss):
    # model_ predicts the trained (standardised) units; compare raw targets.
    reg = MLPRegressor(
        hidden_layer_sizes=(4,),
        loss=loss,
        epochs=2,
        standardize_target=False,
        random_state=0,
    )
    reg.fit(X, np.abs(X[:, :2]))
    np.testing.assert_allclose(
        reg.predict(X), keras_outputs(reg, X), rtol=1e-5, atol=1e-6
    )


def test_predictions_follow_weights_set_on_model_():
    clf = MLPClassifier(hidden_layer_sizes=(4,), epochs=1, random_state=0).fit(X, Y)
    before = clf.predict_proba(X)
    model = clf.model_
    model.set_weights([np.zeros_like(w) for w in model.get_weights()])
    after = clf.predict_proba(X)
    assert not np.allclose(before, after)
    np.testing.assert_allclose(after, 1.0 / 3.0)
