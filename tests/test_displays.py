"""LRRangeTestDisplay, GradientNormDisplay and SearchResultsDisplay artists."""

import warnings

import matplotlib
import numpy as np
import pytest
from scipy.stats import loguniform
from sklearn.datasets import load_breast_cancer, load_iris
from sklearn.model_selection import GridSearchCV, RandomizedSearchCV
from sklearn.preprocessing import StandardScaler

from sklann import MLPClassifier
from sklann.inspection import (
    GradientNormDisplay,
    LRRangeTestDisplay,
    SearchResultsDisplay,
    gradient_norms,
)

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

X, Y = load_breast_cancer(return_X_y=True)
X = StandardScaler().fit_transform(X)
QUICK = dict(hidden_layer_sizes=(8, 4), epochs=3, batch_size=32, random_state=0)


def test_lr_range_test_display_from_an_estimator():
    display = LRRangeTestDisplay.from_estimator(
        MLPClassifier(**QUICK), X, Y, start=1e-4, stop=10, n_steps=30, random_state=0
    )
    result = display.result
    np.testing.assert_array_equal(display.smoothed_line_.get_ydata(), result.losses)
    assert display.suggestion_marker_.get_xdata()[0] == result.suggestion
    assert display.ax_.get_xscale() == "log"
    plt.close(display.figure_)


def test_gradient_norm_display_draws_one_bar_per_layer():
    clf = MLPClassifier(**QUICK).fit(X, Y)
    display = GradientNormDisplay.from_estimator(clf, X, Y)
    norms = gradient_norms(clf, X, Y)
    heights = [bar.get_height() for bar in display.bars_]
    np.testing.assert_allclose(heights, list(norms.values()))
    ticks = [label.get_text() for label in display.ax_.get_xticklabels()]
    assert ticks == ["hidden_1", "hidden_2", "output"]
    assert display.ax_.get_yscale() == "log"
    plt.close(display.figure_)


@pytest.fixture(scope="module")
def search():
    space = {
        "learning_rate": loguniform(1e-4, 1e-1),
        "optimizer": ["adam", "sgd"],
    }
    return RandomizedSearchCV(
        MLPClassifier(**QUICK), space, n_iter=6, cv=2, random_state=0
    ).fit(X, Y)


def test_search_results_coloured_by_a_second_parameter(search):
    display = SearchResultsDisplay.from_search(search, "learning_rate", hue="optimizer")
    results = search.cv_results_
    optimizers = np.asarray(results["param_optimizer"], dtype=object)
    assert set(display.groups_) == set(optimizers)
    for name, container in display.groups_.items():
        points = container.lines[0]
        chosen = optimizers == name
        np.testing.assert_allclose(
            points.get_xdata(),
            np.asarray(results["param_learning_rate"])[chosen].astype(float),
        )
        np.testing.assert_allclose(
            points.get_ydata(), results["mean_test_score"][chosen]
        )
    assert display.ax_.get_xscale() == "log"
    legend = [text.get_text() for text in display.ax_.get_legend().get_texts()]
    assert sorted(legend) == sorted(set(optimizers))
    plt.close(display.figure_)


def test_numeric_hues_are_listed_in_numeric_order():
    # Successive halving's epochs: 2, 6 and 18, not "18", "2", "6".
    epochs = [2, 2, 2, 6, 18, 6]
    cv_results = {
        "param_learning_rate": np.ma.masked_array([1e-3, 1e-2, 1e-1, 1e-3, 1e-3, 1e-2]),
        "param_epochs": np.ma.masked_array(epochs, dtype=object),
        "mean_test_score": np.linspace(0.5, 0.9, 6),
        "std_test_score": np.zeros(6),
    }
    display = SearchResultsDisplay(cv_results, "learning_rate", hue="epochs").plot()
    legend = [text.get_text() for text in display.ax_.get_legend().get_texts()]
    assert legend == ["2", "6", "18"]
    plt.close(display.figure_)


def test_an_unknown_parameter_is_named(search):
    with pytest.raises(ValueError, match="'dropout' is not a searched parameter"):
        SearchResultsDisplay.from_search(search, "dropout")


def test_gradient_norm_display_over_recorded_epochs():
    from sklann.inspection import GradientNormHistory

    clf = MLPClassifier(**{**QUICK, "callbacks": [GradientNormHistory()]}).fit(X, Y)
    display = GradientNormDisplay.from_history(clf)
    assert display.bars_ is None
    assert list(display.lines_) == ["hidden_1", "hidden_2", "output"]
    for name, line in display.lines_.items():
        np.testing.assert_allclose(
            line.get_ydata(), clf.history_[f"gradient_norm_{name}"]
        )
    assert display.ax_.get_xlabel() == "epoch"
    plt.close(display.figure_)
    plain = MLPClassifier(**QUICK).fit(X, Y)
    with pytest.raises(ValueError, match="GradientNormHistory"):
        GradientNormDisplay.from_history(plain)


@pytest.fixture(scope="module")
def tuple_search():
    """A real search over tuple-valued layer sizes (scikit-learn's MLP: quick)."""
    from sklearn.neural_network import MLPClassifier as SklearnMLP

    X, y = load_iris(return_X_y=True)
    grid = {"hidden_layer_sizes": [(4,), (8,), (4, 4)], "alpha": [1e-4, 1e-2]}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # max_iter=2 does not converge
        return GridSearchCV(SklearnMLP(max_iter=2, random_state=0), grid, cv=2).fit(
            X, y
        )


def test_tuple_values_are_categories_on_the_x_axis(tuple_search):
    display = SearchResultsDisplay.from_search(
        tuple_search, "hidden_layer_sizes", hue="alpha"
    )
    ticks = [label.get_text() for label in display.ax_.get_xticklabels()]
    assert ticks == ["(4,)", "(8,)", "(4, 4)"]  # by depth, then width
    results = tuple_search.cv_results_
    for alpha, container in display.groups_.items():
        chosen = np.asarray(results["param_alpha"], dtype=float) == alpha
        sizes = [
            results["params"][i]["hidden_layer_sizes"] for i in np.flatnonzero(chosen)
        ]
        np.testing.assert_array_equal(
            container.lines[0].get_xdata(), [ticks.index(str(s)) for s in sizes]
        )
    plt.close(display.figure_)


def test_tuple_values_as_hue(tuple_search):
    display = SearchResultsDisplay.from_search(
        tuple_search, "alpha", hue="hidden_layer_sizes"
    )
    assert set(display.groups_) == {(4,), (8,), (4, 4)}
    for container in display.groups_.values():
        assert len(container.lines[0].get_xdata()) == 2  # the two alphas
    plt.close(display.figure_)
