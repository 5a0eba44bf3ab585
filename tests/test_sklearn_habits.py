"""scikit-learn's MLP behaviours that its users rely on, as sklann has them."""

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
    assert clf.n_iter_ == 2  # nothing trained
    clf.fit(X, Y)  # the same classes: continues
    assert clf.n_iter_ == 4


def test_partial_fit_takes_batches_with_some_classes():
    clf = MLPClassifier(**QUICK).partial_fit(X, Y, classes=[0, 1, 2])
    clf.partial_fit(X[Y < 2], Y[Y < 2])
    assert clf.n_iter_ == 2


@pytest.mark.parametrize("estimator", [MLPClassifier, MLPRegressor])
def test_partial_fit_says_that_early_stopping_does_nothing_there(estimator):
    model = estimator(**QUICK, early_stopping=True)
    extra = {"classes": [0, 1, 2]} if estimator is MLPClassifier else {}
    with pytest.warns(UserWarning, match="no effect in partial_fit"):
        model.partial_fit(X, Y, **extra)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "auto" is not a request: silent
        estimator(**QUICK).partial_fit(X, Y, **extra)
    assert np.isfinite(model.predict(X).astype(float)).all()
