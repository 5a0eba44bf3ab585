"""The estimators inside scikit-learn's pipelines, searches and cross-validation."""

import numpy as np
import pytest
from scipy.stats import loguniform, uniform
from sklearn.compose import make_column_transformer
from sklearn.datasets import load_breast_cancer, load_diabetes
from sklearn.experimental import enable_halving_search_cv  # noqa: F401
from sklearn.model_selection import (
    GridSearchCV,
    HalvingGridSearchCV,
    HalvingRandomSearchCV,
    RandomizedSearchCV,
    StratifiedKFold,
    check_cv,
    cross_val_score,
)
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from sklann import MLPClassifier, MLPRegressor
from sklann.datasets import load_adult
from sklann.model_selection import LayerSizes, layer_grid

X_CANCER, Y_CANCER = load_breast_cancer(return_X_y=True)
X_SCALED = StandardScaler().fit_transform(X_CANCER)
QUICK = dict(hidden_layer_sizes=(8,), epochs=10, learning_rate=0.01, random_state=0)
# Small batches: enough steps in a few epochs for the scores to mean something.
FAST = dict(hidden_layer_sizes=(8,), epochs=6, batch_size=32, random_state=0)


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


@pytest.mark.slow
def test_randomized_search_with_layer_sizes_and_scipy_distributions():
    space = {
        "hidden_layer_sizes": LayerSizes(
            n_layers=(0, 2), units=(4, 16), shape="pyramid"
        ),
        "learning_rate": loguniform(1e-3, 1e-1),
        "dropout": uniform(0.0, 0.3),
    }
    search = RandomizedSearchCV(
        MLPClassifier(**FAST), space, n_iter=4, cv=2, random_state=0
    ).fit(X_SCALED, Y_CANCER)
    results = search.cv_results_
    for sizes in results["param_hidden_layer_sizes"]:
        assert isinstance(sizes, tuple) and len(sizes) <= 2
        assert list(sizes) == sorted(sizes, reverse=True)
    assert search.best_score_ > 0.9
    assert (
        search.best_estimator_.hidden_layer_sizes
        == (search.best_params_["hidden_layer_sizes"])
    )


@pytest.mark.slow
def test_column_transformer_with_one_hot_encoding_on_adult_census_data():
    X, y = load_adult()
    X, y = X.iloc[:1500], y.iloc[:1500]
    numeric = ["age", "education_num", "capital_gain", "capital_loss", "hours_per_week"]
    categorical = ["workclass", "marital_status", "occupation", "relationship", "sex"]
    features = make_column_transformer(
        (StandardScaler(), numeric),
        (OneHotEncoder(handle_unknown="ignore"), categorical),
    )
    pipe = make_pipeline(features, MLPClassifier(**FAST))
    search = GridSearchCV(
        pipe, {"mlpclassifier__hidden_layer_sizes": layer_grid([1], [8, 32])}, cv=2
    ).fit(X, y)
    majority = y.value_counts(normalize=True).max()
    assert search.best_score_ > majority + 0.05
    assert set(search.classes_) == {"<=50K", ">50K"}
    assert search.predict(X.iloc[:5]).dtype == object


@pytest.mark.slow
def test_successive_halving_over_epochs():
    space = {
        "learning_rate": loguniform(1e-3, 1e-1),
        "hidden_layer_sizes": LayerSizes(n_layers=(1, 2), units=(4, 16)),
    }
    search = HalvingRandomSearchCV(
        MLPClassifier(**{**FAST, "patience": None}),
        space,
        resource="epochs",
        min_resources=2,
        max_resources=18,
        factor=3,
        cv=2,
        random_state=0,
    ).fit(X_SCALED, Y_CANCER)
    assert search.n_resources_ == [2, 6, 18]
    assert search.n_candidates_ == [9, 3, 1]
    results = search.cv_results_
    np.testing.assert_array_equal(results["param_epochs"], results["n_resources"])
    assert search.best_params_["epochs"] == 18
    assert search.best_estimator_.n_iter_ == 18  # trained every epoch it was given
    last = results["iter"] == 2
    assert results["mean_test_score"][last][0] > 0.9


@pytest.mark.slow
def test_halving_grid_search_over_samples_in_a_pipeline():
    pipe = make_pipeline(StandardScaler(), MLPClassifier(**FAST))
    grid = {"mlpclassifier__learning_rate": [1e-3, 1e-2, 1e-1]}
    search = HalvingGridSearchCV(pipe, grid, cv=2, factor=2, random_state=0)
    search.fit(X_CANCER, Y_CANCER)
    assert search.n_candidates_ == [3, 2]
    assert search.n_resources_[1] == 2 * search.n_resources_[0]
    assert search.best_score_ > 0.9


@pytest.mark.slow
def test_parallel_search_gives_the_serial_scores():
    """n_jobs=2 with loky: each candidate trains in a worker process."""
    grid = {"hidden_layer_sizes": [(4,), (8,)], "learning_rate": [1e-3, 1e-2]}

    def scores(n_jobs):
        search = GridSearchCV(MLPClassifier(**FAST), grid, cv=2, n_jobs=n_jobs)
        return search.fit(X_SCALED, Y_CANCER).cv_results_

    serial, parallel = scores(1), scores(2)
    for key in ("mean_test_score", "split0_test_score", "split1_test_score"):
        np.testing.assert_array_equal(parallel[key], serial[key])


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore:OptunaSearchCV is experimental")
@pytest.mark.filterwarnings("ignore:`optuna.terminator` module has been deprecated")
def test_optuna_search():
    optuna = pytest.importorskip("optuna")
    OptunaSearchCV = pytest.importorskip("optuna_integration").OptunaSearchCV
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    distributions = {
        "learning_rate": optuna.distributions.FloatDistribution(1e-3, 1e-1, log=True),
        "optimizer": optuna.distributions.CategoricalDistribution(["adam", "sgd"]),
    }

    def run():
        search = OptunaSearchCV(
            MLPClassifier(**FAST),
            distributions,
            n_trials=4,
            cv=2,
            random_state=0,
            n_jobs=1,  # threads: use processes (several studies) to parallelise
        )
        return search.fit(X_SCALED, Y_CANCER)

    first, second = run(), run()
    values = first.trials_dataframe()["value"]
    assert len(values) == 4 and first.best_score_ == values.max() > 0.9
    assert first.best_params_ == second.best_params_
    np.testing.assert_array_equal(values, second.trials_dataframe()["value"])
    assert first.best_estimator_.learning_rate == first.best_params_["learning_rate"]


@pytest.mark.slow
def test_scikit_optimize_bayes_search():
    skopt = pytest.importorskip("skopt")
    space = {
        "learning_rate": skopt.space.Real(1e-3, 1e-1, prior="log-uniform"),
        "optimizer": skopt.space.Categorical(["adam", "nadam"]),
        "batch_size": skopt.space.Integer(16, 64),
    }
    search = skopt.BayesSearchCV(
        MLPClassifier(**FAST), space, n_iter=4, cv=2, random_state=0
    ).fit(X_SCALED, Y_CANCER)
    rates = np.asarray(search.cv_results_["param_learning_rate"], dtype=float)
    assert len(rates) == 4 and ((rates >= 1e-3) & (rates <= 1e-1)).all()
    assert search.best_score_ > 0.9
