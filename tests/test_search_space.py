"""search_space(): a ready random-search space that works as it is."""

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import ParameterSampler, RandomizedSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklann import MLPClassifier, MLPRegressor
from sklann.model_selection import (
    LayerSizes,
    search_space,
    tabular_defaults,
    tabular_search_space,
)


def test_every_name_is_a_parameter_and_every_draw_is_valid():
    for estimator in (MLPClassifier(), MLPRegressor()):
        for params in ParameterSampler(search_space(), n_iter=30, random_state=0):
            estimator.set_params(**params)._validate_params()


def test_prefix_and_size_ranges():
    space = search_space(prefix="mlpclassifier__", n_layers=(0, 2), units=(8, 32))
    assert all(name.startswith("mlpclassifier__") for name in space)
    assert space["mlpclassifier__hidden_layer_sizes"] == LayerSizes(
        n_layers=(0, 2), units=(8, 32), shape="pyramid"
    )
    assert search_space() is not search_space()  # a fresh dict to edit


@pytest.mark.parametrize("prefix", ["mlpclassifier", "step_", 3])
def test_a_prefix_without_the_separator_is_refused(prefix):
    with pytest.raises(ValueError, match="prefix must be|'prefix' parameter of"):
        search_space(prefix=prefix)


@pytest.mark.slow
def test_randomized_search_over_a_pipeline_with_the_space_as_it_is():
    X, y = load_breast_cancer(return_X_y=True)
    pipe = make_pipeline(StandardScaler(), MLPClassifier(epochs=5, random_state=0))
    search = RandomizedSearchCV(
        pipe, search_space(prefix="mlpclassifier__"), n_iter=3, cv=2, random_state=0
    ).fit(X[:200], y[:200])
    # The majority class is 0.52 of these rows: every candidate must learn.
    assert search.cv_results_["mean_test_score"].min() > 0.8
    for sizes in search.cv_results_["param_mlpclassifier__hidden_layer_sizes"]:
        assert 1 <= len(sizes) <= 4


def test_tabular_recipe_fits_both_estimators():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 3))
    y = (X[:, 0] > 0).astype(int)
    quick = {"epochs": 2, "hidden_layer_sizes": (8,), "random_state": 0}
    clf = MLPClassifier(**{**tabular_defaults(), **quick}).fit(X, y)
    assert clf.label_smoothing == 0.1 and clf._spec.numerical_embedding == "periodic"
    assert "label_smoothing" not in tabular_defaults(n_classes=2)
    assert "label_smoothing" not in tabular_search_space(n_classes=2)
    assert tabular_defaults(n_classes=3)["label_smoothing"] == 0.1
    reg = MLPRegressor(**{**tabular_defaults("regressor"), **quick}).fit(X, X[:, 0])
    assert reg.predict(X).shape == (60,)
    assert "label_smoothing" not in tabular_defaults("regressor")
    assert tabular_defaults("regressor")["early_stopping"] is False
    assert tabular_defaults()["early_stopping"] is True
    assert "label_smoothing" not in tabular_search_space("regressor")
    assert set(tabular_search_space(prefix="m__")) >= {"m__embedding_scale"}


def test_tabular_recipe_refuses_a_bad_class_count():
    for function in (tabular_defaults, tabular_search_space):
        with pytest.raises(ValueError, match="n_classes"):
            function(n_classes=1)
        with pytest.raises(ValueError, match="n_classes is for classifiers"):
            function("regressor", n_classes=3)


def test_every_tabular_draw_is_a_valid_setting_of_the_recipe():
    for estimator, mlp in (("classifier", MLPClassifier), ("regressor", MLPRegressor)):
        for n_classes in (None, 2) if estimator == "classifier" else (None,):
            recipe = tabular_defaults(estimator, n_classes=n_classes)
            space = tabular_search_space(estimator, n_classes=n_classes)
            draws = list(ParameterSampler(space, n_iter=20, random_state=0))
            for params in draws:
                mlp(**recipe).set_params(**params)._validate_params()
            assert {draw["n_ensemble"] for draw in draws} == {1, 4}
