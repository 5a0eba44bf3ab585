"""MC dropout: predict_proba(mc_samples=...) and predict(mc_samples, return_std)."""

import keras
import numpy as np
import pytest
from sklearn.datasets import load_diabetes, load_iris
from sklearn.preprocessing import StandardScaler

import sklann._inference
from sklann import MLPClassifier, MLPRegressor

X_IRIS, Y_IRIS = load_iris(return_X_y=True)
X_DIAB, Y_DIAB = load_diabetes(return_X_y=True)
X_DIAB = StandardScaler().fit_transform(X_DIAB)


@pytest.fixture(scope="module")
def classifier():
    return MLPClassifier(
        hidden_layer_sizes=(16, 8),
        dropout=0.3,
        batch_normalization="before",
        epochs=20,
        random_state=0,
    ).fit(X_IRIS, Y_IRIS)


@pytest.fixture(scope="module")
def regressor():
    return MLPRegressor(
        hidden_layer_sizes=(16,),
        dropout=0.2,
        input_dropout=0.1,
        epochs=10,
        random_state=0,
    ).fit(X_DIAB, Y_DIAB)


def keras_mc_passes(model, X, n):
    """Reference: Keras's own layers, dropout in training mode, the rest not."""
    x = keras.ops.convert_to_tensor(np.tile(X, (n, 1)), dtype="float32")
    for layer in model.layers:
        dropout = isinstance(layer, keras.layers.Dropout | keras.layers.AlphaDropout)
        x = layer(x, training=dropout)
    return keras.ops.convert_to_numpy(x).reshape(n, len(X), -1)


def assert_same_distribution(ours, reference):
    """Equal means (within 5 standard errors) and standard deviations (10%)."""
    standard_error = np.sqrt(
        ours.var(axis=0) / len(ours) + reference.var(axis=0) / len(reference)
    )
    difference = np.abs(ours.mean(axis=0) - reference.mean(axis=0))
    assert (difference <= 5 * standard_error + 1e-6).all()
    np.testing.assert_allclose(
        ours.std(axis=0), reference.std(axis=0), rtol=0.1, atol=1e-3
    )


def test_probabilities_average_the_passes_and_sum_to_one(classifier):
    deterministic = classifier.predict_proba(X_IRIS)
    averaged = classifier.predict_proba(X_IRIS, mc_samples=200)
    np.testing.assert_allclose(averaged.sum(axis=1), 1.0)
    assert not np.array_equal(averaged, deterministic)
    assert np.abs(averaged - deterministic).mean() < 0.1
    single = classifier.predict_proba(X_IRIS, mc_samples=1)
    assert np.abs(single - deterministic).max() > 0.01  # dropout really is on


def test_passes_match_keras_with_dropout_on_and_batch_norm_in_inference_mode(
    classifier,
):
    X = X_IRIS[::15].astype(np.float32)
    ours = classifier._network_outputs(X, mc_samples=4000)
    assert_same_distribution(ours, keras_mc_passes(classifier.model_, X, 4000))


def test_alpha_dropout_passes_match_keras():
    selu = MLPRegressor(
        hidden_layer_sizes=(16,),
        activation="selu",
        dropout=0.2,
        epochs=3,
        random_state=0,
    ).fit(X_DIAB, Y_DIAB)
    X = X_DIAB[:5].astype(np.float32)
    ours = selu._network_outputs(X, mc_samples=4000)
    assert_same_distribution(ours, keras_mc_passes(selu.model_, X, 4000))


def test_regressor_mean_and_std(regressor):
    mean, std = regressor.predict(X_DIAB, mc_samples=100, return_std=True)
    assert mean.shape == std.shape == (len(X_DIAB),)
    assert (std > 0).all()
    assert np.corrcoef(mean, regressor.predict(X_DIAB))[0, 1] > 0.95
    np.testing.assert_array_equal(regressor.predict(X_DIAB, mc_samples=100), mean)


def test_multi_output_regression_std():
    Y = np.column_stack([Y_DIAB, -Y_DIAB])
    reg = MLPRegressor(hidden_layer_sizes=(8,), dropout=0.2, epochs=3, random_state=0)
    mean, std = reg.fit(X_DIAB, Y).predict(X_DIAB[:7], mc_samples=20, return_std=True)
    assert mean.shape == std.shape == (7, 2)


def test_passes_are_reproducible_with_a_seed(classifier):
    first = classifier.predict_proba(X_IRIS, mc_samples=30)
    np.testing.assert_array_equal(
        classifier.predict_proba(X_IRIS, mc_samples=30), first
    )


def test_passes_run_as_one_vectorised_batch(classifier, monkeypatch):
    calls = []
    real_forward = sklann._inference.forward

    def counting_forward(plan, X, *args):
        calls.append(len(X))
        return real_forward(plan, X, *args)

    monkeypatch.setattr(sklann._inference, "forward", counting_forward)
    classifier.predict_proba(X_IRIS, mc_samples=100)
    # Each call runs all 100 passes of a chunk of rows, in chunks of at most
    # MC_DROPOUT_ROWS repeated rows: a few calls, not one per pass.
    assert sum(calls) == 100 * len(X_IRIS)
    assert all(rows % 100 == 0 for rows in calls)
    assert len(calls) == -(-100 * len(X_IRIS) // sklann._inference.MC_DROPOUT_ROWS)


def test_mc_dropout_leaves_the_deterministic_prediction_alone(classifier):
    before = classifier.predict_proba(X_IRIS)
    classifier.predict_proba(X_IRIS, mc_samples=10)
    np.testing.assert_array_equal(classifier.predict_proba(X_IRIS), before)


def test_a_network_without_dropout_is_refused():
    clf = MLPClassifier(hidden_layer_sizes=(4,), epochs=1, random_state=0)
    clf.fit(X_IRIS, Y_IRIS)
    with pytest.raises(ValueError, match="needs dropout.*dropout=0.0"):
        clf.predict_proba(X_IRIS, mc_samples=10)


@pytest.mark.parametrize("mc_samples", [0, -3, 2.5, True, "10"])
def test_bad_mc_samples_are_named(classifier, mc_samples):
    with pytest.raises(ValueError, match="mc_samples must be None or a positive"):
        classifier.predict_proba(X_IRIS, mc_samples=mc_samples)


def test_return_std_needs_mc_samples(regressor):
    with pytest.raises(ValueError, match="return_std=True needs mc_samples"):
        regressor.predict(X_DIAB, return_std=True)
