"""The estimators inside scikit-learn's pipelines, searches and cross-validation."""

import numpy as np
import pytest
from scipy.stats import loguniform
from sklearn.datasets import load_breast_cancer, load_diabetes
from sklearn.model_selection import (
    GridSearchCV,
    RandomizedSearchCV,
    StratifiedKFold,
    check_cv,
    cross_val_score,
)
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklann import MLPClassifier, MLPRegressor

X_CANCER, Y_CANCER = load_breast_cancer(return_X_y=True)
QUICK = dict(hidden_layer_sizes=(8,), epochs=10, learning_rate=0.01, random_state=0)


def test_cross_validation_of_classifiers_is_stratified():
    cv = check_cv(3, Y_CANCER, classifier=True)
    assert isinstance(cv, StratifiedKFold)
    pipe = make_pipeline(StandardScaler(), MLPClassifier(**QUICK))
    scores = cross_val_score(pipe, X_CANCER, Y_CANCER, cv=3)
    assert scores.shape == (3,) and scores.min() > 0.9


@pytest.mark.slow
def test_grid_search_over_a_pipeline():
    pipe = make_pipeline(StandardScaler(), MLPClassifier(**QUICK))
    grid = {
        "mlpclassifier__hidden_layer_sizes": [(4,), (8, 4)],
        "mlpclassifier__dropout": [0.0, 0.2],
    }
    search = GridSearchCV(pipe, grid, cv=2).fit(X_CANCER, Y_CANCER)
    assert len(search.cv_results_["params"]) == 4
    assert not np.isnan(search.cv_results_["mean_test_score"]).any()
    assert search.best_score_ > 0.9
    best = search.best_estimator_[-1]
    assert (
        best.hidden_layer_sizes
        == search.best_params_["mlpclassifier__hidden_layer_sizes"]
    )


@pytest.mark.slow
def test_randomized_search_with_log_uniform_rates_is_reproducible():
    X, y = load_diabetes(return_X_y=True)
    pipe = make_pipeline(StandardScaler(), MLPRegressor(**QUICK))
    space = {
        "mlpregressor__learning_rate": loguniform(1e-3, 1e-1),
        "mlpregressor__optimizer": ["adam", "rmsprop"],
    }

    def run():
        search = RandomizedSearchCV(pipe, space, n_iter=3, cv=2, random_state=0)
        return search.fit(X, y).cv_results_

    first, second = run(), run()
    rates = np.asarray(first["param_mlpregressor__learning_rate"], dtype=float)
    assert ((rates >= 1e-3) & (rates <= 1e-1)).all()
    np.testing.assert_array_equal(first["mean_test_score"], second["mean_test_score"])
