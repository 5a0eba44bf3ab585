"""gradient_norms: per-layer gradient health on given data."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_diabetes, load_digits
from sklearn.exceptions import NotFittedError
from sklearn.preprocessing import StandardScaler

from sklann import MLPClassifier, MLPRegressor
from sklann.inspection import GradientNormHistory, gradient_norms

X_DIGITS, Y_DIGITS = load_digits(return_X_y=True)
X_DIGITS = StandardScaler().fit_transform(X_DIGITS)


def first_over_last(activation, initializer):
    clf = MLPClassifier(
        hidden_layer_sizes=(64,) * 8,
        activation=activation,
        kernel_initializer=initializer,
        random_state=0,
    ).initialize(X_DIGITS, Y_DIGITS)
    norms = list(gradient_norms(clf, X_DIGITS, Y_DIGITS).values())
    assert len(norms) == 9
    return norms[0] / norms[-1]


def test_deep_sigmoid_gradients_vanish_where_relu_with_he_init_keeps_them():
    sigmoid = first_over_last("sigmoid", "glorot_uniform")
    relu = first_over_last("relu", "he_normal")
    # measured: about 1e-5 against 0.5
    assert sigmoid < 1e-3
    assert relu > 0.1
    assert relu / sigmoid > 1e3


def test_norms_equal_the_closed_form_gradient_of_a_linear_model():
    X, y = load_diabetes(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    reg = MLPRegressor(
        hidden_layer_sizes=(), epochs=3, standardize_target=False, random_state=0
    ).fit(X, y)
    kernel, bias = reg.model_.get_weights()
    residual = X @ kernel.astype(np.float64) + bias - y[:, None]
    expected = np.sqrt(
        np.sum((2 * X.T @ residual / len(y)) ** 2) + np.sum((2 * residual.mean()) ** 2)
    )
    norms = gradient_norms(reg, X, y)
    assert list(norms) == ["output"]
    assert norms["output"] == pytest.approx(expected, rel=1e-4)


def test_the_estimator_is_left_as_it_was():
    clf = MLPClassifier(hidden_layer_sizes=(8,), dropout=0.2, epochs=2, random_state=0)
    clf.fit(X_DIGITS, Y_DIGITS)
    before = clf.predict_proba(X_DIGITS)
    first = gradient_norms(clf, X_DIGITS, Y_DIGITS)
    assert gradient_norms(clf, X_DIGITS, Y_DIGITS) == first  # deterministic
    np.testing.assert_array_equal(clf.predict_proba(X_DIGITS), before)
    assert vars(clf).get("_keras_view") is None  # no Keras model was made


def test_unfitted_estimators_and_bad_data_are_refused():
    with pytest.raises(NotFittedError):
        gradient_norms(MLPClassifier(), X_DIGITS, Y_DIGITS)
    clf = MLPClassifier(hidden_layer_sizes=(4,), epochs=1, random_state=0)
    clf.fit(X_DIGITS, Y_DIGITS)
    with pytest.raises(ValueError, match="features"):
        gradient_norms(clf, X_DIGITS[:, :10], Y_DIGITS)


def deep_network(activation, initializer, seed=0):
    return MLPClassifier(
        hidden_layer_sizes=(64,) * 8,
        activation=activation,
        kernel_initializer=initializer,
        epochs=2,
        patience=None,
        random_state=seed,
        callbacks=[GradientNormHistory()],
    )


def test_recorded_norms_go_to_history_and_sigmoid_warns_of_vanishing():
    with pytest.warns(UserWarning, match="Vanishing gradients"):
        sigmoid = deep_network("sigmoid", "glorot_uniform").fit(X_DIGITS, Y_DIGITS)
    names = [f"gradient_norm_hidden_{i}" for i in range(1, 9)] + [
        "gradient_norm_output"
    ]
    assert [k for k in sigmoid.history_ if k.startswith("gradient_norm_")] == names
    assert all(len(sigmoid.history_[name]) == 2 for name in names)
    recorder = sigmoid.callbacks_[0]
    assert recorder.norms["output"] == sigmoid.history_["gradient_norm_output"]
    assert sigmoid.callbacks[0].norms == {}  # the object passed in is unchanged


def test_relu_with_he_init_records_without_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        relu = deep_network("relu", "he_normal").fit(X_DIGITS, Y_DIGITS)
    first = relu.history_["gradient_norm_hidden_1"][-1]
    assert first / relu.history_["gradient_norm_output"][-1] > 0.05


def test_exploding_gradients_are_named():
    huge = MLPRegressor(
        hidden_layer_sizes=(32, 32),
        epochs=1,
        patience=None,
        optimizer="sgd",
        learning_rate=1e-12,
        random_state=0,
        callbacks=[GradientNormHistory()],
    )
    X, y = load_diabetes(return_X_y=True)
    with pytest.warns(UserWarning, match="Exploding gradients"):
        huge.fit(X * 1e3, y * 1e3)  # unscaled inputs and target
