"""scikit-learn's MLP behaviours that its users rely on, as sklann has them."""

import re
import warnings

import numpy as np
import pytest
from sklearn.datasets import load_iris

from sklann import MLPClassifier, MLPRegressor

X, Y = load_iris(return_X_y=True)
QUICK = dict(hidden_layer_sizes=(4,), epochs=2, patience=None, random_state=0)


def test_a_warm_start_on_a_subset_of_the_classes_is_refused():
    clf = MLPClassifier(**QUICK, warm_start=True).fit(X, Y)
    with pytest.raises(ValueError, match="same classes as in the previous call"):
        clf.fit(X[Y < 2], Y[Y < 2])
    assert clf.n_iter_ == 2 and len(clf.history_["loss"]) == 2  # nothing trained
    clf.fit(X, Y)  # the same classes: continues
    assert len(clf.history_["loss"]) == 4


@pytest.mark.parametrize("estimator", [MLPClassifier, MLPRegressor])
def test_n_iter_counts_the_epochs_of_the_last_call(estimator):
    # As scikit-learn's MLP: a warm-started fit runs `epochs` more epochs and
    # n_iter_ says how many it ran; the history keeps them all.
    model = estimator(**QUICK, warm_start=True).fit(X, Y)
    model.set_params(epochs=3).fit(X, Y)
    assert model.n_iter_ == 3 and len(model.history_["loss"]) == 5
    model.partial_fit(X, Y)
    assert model.n_iter_ == 1 and len(model.history_["loss"]) == 6


def test_the_stratified_split_error_names_the_users_label():
    features = [[1, 2], [2, 3], [3, 4], [4, 5]]
    for labels, named in ((["a", "a", "a", "b"], "['b']"), ([0, 0, 0, 1], "[1]")):
        message = re.escape(f"too few members are: {named}")
        with pytest.raises(ValueError, match=message):
            MLPClassifier(**QUICK, early_stopping=True).fit(features, labels)


def test_patience_counts_epochs_without_improvement_as_keras_does():
    # patience=k stops after k epochs without improvement (Keras's
    # EarlyStopping); scikit-learn's n_iter_no_change=k stops after k + 1,
    # so n_iter_no_change=k is patience=k + 1 (documented in early_stopping.rst).
    params = dict(QUICK, epochs=300, tol=1e9)  # no epoch improves by tol
    for patience in (1, 3):
        clf = MLPClassifier(**dict(params, patience=patience)).fit(X, Y)
        assert clf.n_iter_ == 1 + patience  # the first epoch improves on inf


def test_partial_fit_takes_batches_with_some_classes():
    clf = MLPClassifier(**QUICK).partial_fit(X, Y, classes=[0, 1, 2])
    clf.partial_fit(X[Y < 2], Y[Y < 2])
    assert len(clf.history_["loss"]) == 2


@pytest.mark.parametrize("estimator", [MLPClassifier, MLPRegressor])
def test_partial_fit_refuses_early_stopping_as_scikit_learn_does(estimator):
    model = estimator(**QUICK, early_stopping=True).fit(X, Y)
    before = model.predict(X)
    extra = {"classes": [0, 1, 2]} if estimator is MLPClassifier else {}
    with pytest.raises(ValueError, match="partial_fit does not support early_stop"):
        model.partial_fit(X, Y, **extra)
    np.testing.assert_array_equal(model.predict(X), before)  # nothing trained
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "auto" is not a request: silent
        estimator(**QUICK).partial_fit(X, Y, **extra)


def test_a_single_sample_fits_as_in_scikit_learn():
    reg = MLPRegressor(**QUICK).fit(X[:1], Y[:1])
    assert reg.predict(X[:1]).shape == (1,)


def test_a_validation_set_of_one_row_is_refused():
    with pytest.raises(ValueError, match="validation set is too small.*holds out 1"):
        MLPRegressor(**QUICK, early_stopping=True).fit(X[:5], Y[:5])
