"""Bad input gets a clear ValueError or TypeError; the caller's data is untouched."""

import copy

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from sklann import MLPClassifier, MLPRegressor

RNG = np.random.RandomState(0)
X = RNG.normal(size=(30, 4))
Y_CLASS = np.arange(30) % 3
Y_REG = X[:, 0] * 2.0
QUICK = dict(hidden_layer_sizes=(3,), epochs=2, random_state=0)

ESTIMATORS = {
    "classifier": (MLPClassifier, Y_CLASS),
    "regressor": (MLPRegressor, Y_REG),
}


def with_value(array, index, value):
    array = np.array(array, dtype=float if isinstance(value, float) else object)
    array[index] = value
    return array


def nan_target(y):
    return with_value(y, 3, np.nan)


FIT_CASES = {
    "NaN in X": (lambda X, y: (with_value(X, (0, 1), np.nan), y), "NaN"),
    "inf in X": (lambda X, y: (with_value(X, (2, 0), np.inf), y), "infinity"),
    "huge value in X": (lambda X, y: (with_value(X, (2, 0), 1e300), y), "too large"),
    "NaN in y": (lambda X, y: (X, nan_target(y)), "NaN"),
    "string column in X": (
        lambda X, y: (with_value(X, (slice(None), 1), "abc"), y),
        "could not convert string to float",
    ),
    "object column of None in X": (
        lambda X, y: (with_value(X, (slice(None), 1), None), y),
        "NaN",  # scikit-learn reads None in an object column as missing
    ),
    "empty X": (lambda X, y: (X[:0], y[:0]), "0 sample"),
    "len(X) != len(y)": (lambda X, y: (X, y[:-1]), "inconsistent numbers of samples"),
    "3-D X": (lambda X, y: (X.reshape(30, 2, 2), y), "dim 3"),
    "1-D X": (lambda X, y: (X[:, 0], y), "Expected 2D array, got 1D array"),
}


@pytest.mark.parametrize("kind", sorted(ESTIMATORS))
@pytest.mark.parametrize("case", sorted(FIT_CASES))
def test_bad_training_data_is_rejected_clearly(kind, case):
    estimator_class, y = ESTIMATORS[kind]
    make_bad, message = FIT_CASES[case]
    bad_X, bad_y = make_bad(X.copy(), y.copy())
    X_before, y_before = copy.deepcopy(bad_X), copy.deepcopy(bad_y)
    estimator = estimator_class(**QUICK)
    params_before = estimator.get_params()
    with pytest.raises((ValueError, TypeError), match=message):
        estimator.fit(bad_X, bad_y)
    np.testing.assert_array_equal(bad_X, X_before)
    np.testing.assert_array_equal(bad_y, y_before)
    assert estimator.get_params() == params_before
    assert not hasattr(estimator, "n_iter_")  # nothing half-fitted


def test_a_single_class_is_rejected():
    with pytest.raises(ValueError, match="only one class"):
        MLPClassifier(**QUICK).fit(X, np.zeros(30))


@pytest.fixture(scope="module", params=sorted(ESTIMATORS))
def fitted(request):
    estimator_class, y = ESTIMATORS[request.param]
    frame = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    return estimator_class(**QUICK).fit(frame, y)


def test_wrong_number_of_features_at_predict(fitted):
    with pytest.raises(ValueError, match="X has 3 features, but .* is expecting 4"):
        fitted.predict(X[:, :3])


def test_different_feature_names_at_predict(fitted):
    renamed = pd.DataFrame(X, columns=["a", "b", "c", "z"])
    with pytest.raises(ValueError, match="feature names should match"):
        fitted.predict(renamed)


def test_nan_at_predict(fitted):
    frame = pd.DataFrame(with_value(X, (0, 0), np.nan), columns=["a", "b", "c", "d"])
    with pytest.raises(ValueError, match="NaN"):
        fitted.predict(frame)


@pytest.mark.parametrize("kind", sorted(ESTIMATORS))
def test_predict_before_fit_raises_not_fitted(kind):
    estimator_class, _ = ESTIMATORS[kind]
    with pytest.raises(NotFittedError, match="not fitted yet"):
        estimator_class().predict(X)


def test_unknown_labels_in_a_later_partial_fit():
    clf = MLPClassifier(**QUICK).partial_fit(X, Y_CLASS, classes=[0, 1, 2])
    y_before = Y_CLASS.copy()
    with pytest.raises(ValueError, match=r"labels not seen at the first fit: \[7\]"):
        clf.partial_fit(X, np.where(Y_CLASS == 2, 7, Y_CLASS))
    np.testing.assert_array_equal(Y_CLASS, y_before)
    assert clf.n_iter_ == 1  # the failed call trained nothing


def test_class_weight_naming_an_unknown_class():
    with pytest.raises(ValueError, match="class_weight.*5"):
        MLPClassifier(**QUICK, class_weight={0: 1.0, 5: 2.0}).fit(X, Y_CLASS)


INVALID_PARAMS = [
    ("hidden_layer_sizes", (10, -1), "hidden_layer_sizes"),
    ("hidden_layer_sizes", (0,), "hidden_layer_sizes"),
    ("hidden_layer_sizes", -3, "hidden_layer_sizes"),
    ("hidden_layer_sizes", (2.5,), "hidden_layer_sizes"),
    ("dropout", 1.0, "dropout"),
    ("dropout", -0.1, "dropout"),
    ("input_dropout", 1.5, "input_dropout"),
    ("validation_split", 1.0, "validation_split"),
    ("learning_rate", 0.0, "learning_rate"),
    ("learning_rate", -1e-3, "learning_rate"),
    ("momentum", 1.5, "momentum"),
    ("l2", -1.0, "l2"),
    ("max_norm", 0.0, "max_norm"),
    ("epochs", 0, "epochs"),
    ("batch_size", 0, "batch_size"),
    ("batch_size", "big", "batch_size"),
    ("patience", 0, "patience"),
    ("tol", -1.0, "tol"),
    ("activation", "relux", "activation"),
    ("kernel_initializer", "he", "kernel_initializer"),
    ("optimizer", "adamx", "optimizer"),
    ("lr_schedule", "cyclic", "lr_schedule"),
    ("early_stopping", "yes", "early_stopping"),
    ("precision", "float16", "precision"),
    ("batch_normalization", "middle", "batch_normalization"),
    ("random_state", "seed", "random_state"),
]


@pytest.mark.parametrize("kind", sorted(ESTIMATORS))
@pytest.mark.parametrize("name, value, message", INVALID_PARAMS)
def test_invalid_parameter_values_are_rejected_at_fit(kind, name, value, message):
    estimator_class, y = ESTIMATORS[kind]
    estimator = estimator_class(**QUICK).set_params(**{name: value})
    with pytest.raises(ValueError, match=message):
        estimator.fit(X, y)
    assert estimator.get_params()[name] == value  # stored as given


@pytest.mark.parametrize("kind", sorted(ESTIMATORS))
def test_two_clipping_options_at_once(kind):
    estimator_class, y = ESTIMATORS[kind]
    with pytest.raises(ValueError, match="At most one of clipnorm"):
        estimator_class(**QUICK, clipnorm=1.0, clipvalue=0.5).fit(X, y)


@pytest.mark.parametrize("kind", sorted(ESTIMATORS))
def test_unknown_keyword_is_a_type_error(kind):
    estimator_class, y = ESTIMATORS[kind]
    with pytest.raises(TypeError, match="Unknown parameter 'n_layers'"):
        estimator_class(**QUICK, n_layers=3).fit(X, y)


def test_a_failed_fit_keeps_the_previous_model():
    clf = MLPClassifier(**QUICK).fit(X, Y_CLASS)
    before = clf.predict_proba(X)
    with pytest.raises(ValueError, match="NaN"):
        clf.fit(with_value(X, (0, 0), np.nan), Y_CLASS)
    np.testing.assert_array_equal(clf.predict_proba(X), before)
    assert clone(clf).get_params() == clf.get_params()
