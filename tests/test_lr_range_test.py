"""The learning-rate range test."""

import matplotlib
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_breast_cancer, load_diabetes
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklann import MLPClassifier, MLPRegressor
from sklann.model_selection import LRRangeTestResult, lr_range_test

matplotlib.use("Agg")

X, Y = load_breast_cancer(return_X_y=True)
MODEL = dict(hidden_layer_sizes=(16,), batch_size=32, random_state=0)


@pytest.fixture(scope="module")
def pipeline():
    return make_pipeline(StandardScaler(), MLPClassifier(optimizer="sgd", **MODEL))


@pytest.fixture(scope="module")
def result(pipeline):
    return lr_range_test(
        pipeline, X, Y, start=1e-5, stop=100, n_steps=80, random_state=0
    )


def test_the_estimator_passed_in_is_not_changed(pipeline, result):
    assert (
        pipeline[-1].get_params()
        == MLPClassifier(optimizer="sgd", **MODEL).get_params()
    )
    assert not hasattr(pipeline[0], "mean_")
    assert not pipeline[-1].__sklearn_is_fitted__()


def test_rates_grow_exponentially_from_start(result):
    rates = result.learning_rates
    assert rates[0] == pytest.approx(1e-5)
    ratios = rates[1:] / rates[:-1]
    np.testing.assert_allclose(ratios, (100 / 1e-5) ** (1 / 79))


def test_the_loss_explodes_and_the_test_stops_early(result):
    assert result.stopped_early and len(result.learning_rates) < 80
    finite = result.losses[np.isfinite(result.losses)]
    assert result.losses[-1] > 4 * finite.min() or not np.isfinite(result.losses[-1])


def test_smoothed_losses_are_the_bias_corrected_moving_average(result):
    average, expected = 0.0, []
    for step, loss in enumerate(result.raw_losses):
        average = 0.98 * average + 0.02 * loss
        expected.append(average / (1 - 0.98 ** (step + 1)))
    np.testing.assert_allclose(result.losses, expected)


def test_suggestion_is_a_tenth_of_the_rate_at_the_lowest_loss(result):
    lowest = np.argmin(result.losses)
    assert result.min_loss_rate == result.learning_rates[lowest]
    assert result.suggestion == pytest.approx(result.min_loss_rate / 10)
    assert result.learning_rates[0] < result.steepest_rate <= result.min_loss_rate


def test_the_suggested_rate_trains_well_where_the_starting_rate_does_not(
    pipeline, result
):
    def accuracy(rate):
        model = clone(pipeline).set_params(
            mlpclassifier__learning_rate=rate, mlpclassifier__epochs=10
        )
        return model.fit(X, Y).score(X, Y)

    assert accuracy(result.suggestion) > 0.95
    assert accuracy(result.learning_rates[0]) < 0.9


def test_a_regressor_without_a_pipeline():
    Xd, yd = load_diabetes(return_X_y=True)
    reg = MLPRegressor(**MODEL)
    found = lr_range_test(reg, Xd, yd, start=1e-4, stop=10, n_steps=30, random_state=0)
    assert isinstance(found, LRRangeTestResult) and len(found.learning_rates) >= 2
    assert not reg.__sklearn_is_fitted__()


def test_plot_draws_the_curve_and_marks_the_suggestion(result):
    display = result.plot()
    ax = display.ax_
    label = f"suggestion {result.suggestion:.2g}"
    assert [line.get_label() for line in ax.get_lines()] == [
        "loss",
        "smoothed loss",
        label,
    ]
    np.testing.assert_array_equal(
        display.smoothed_line_.get_xdata(), result.learning_rates
    )
    np.testing.assert_array_equal(display.raw_line_.get_ydata(), result.raw_losses)
    assert display.suggestion_marker_.get_xdata()[0] == result.suggestion
    assert ax.get_xscale() == "log" and ax.get_xlabel() == "learning rate"
    matplotlib.pyplot.close(display.figure_)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"start": 0}, "'start' parameter of lr_range_test must be a float"),
        ({"start": 1.0, "stop": 0.1}, "stop must be larger than start"),
        ({"n_steps": 1}, "'n_steps' parameter of lr_range_test must be an int"),
        ({"smoothing": 1.0}, "'smoothing' parameter of lr_range_test must be"),
        ({"diverge_factor": 1.0}, "'diverge_factor' parameter of lr_range_test"),
    ],
)
def test_bad_arguments_are_named(kwargs, match):
    with pytest.raises(ValueError, match=match):
        lr_range_test(MLPClassifier(), X, Y, **kwargs)


def test_other_estimators_are_refused():
    with pytest.raises(TypeError, match="needs an sklann MLPClassifier"):
        lr_range_test(make_pipeline(StandardScaler(), LogisticRegression()), X, Y)
