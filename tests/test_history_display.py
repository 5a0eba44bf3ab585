"""TrainingHistoryDisplay draws the fit's curves (checked artist by artist)."""

import matplotlib
import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer
from sklearn.preprocessing import StandardScaler

from sklann import MLPClassifier
from sklann.inspection import TrainingHistoryDisplay

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

X, Y = load_breast_cancer(return_X_y=True)
X = StandardScaler().fit_transform(X)


@pytest.fixture(scope="module")
def fitted():
    return MLPClassifier(
        hidden_layer_sizes=(16,),
        epochs=40,
        early_stopping=True,
        patience=5,
        metrics=["accuracy"],
        lr_schedule="exponential",
        random_state=0,
    ).fit(X, Y)


def test_every_curve_is_drawn_with_its_values(fitted):
    display = TrainingHistoryDisplay.from_estimator(fitted)
    history = fitted.history_
    assert set(display.lines_) == {
        "loss",
        "val_loss",
        "accuracy",
        "val_accuracy",
        "learning_rate",
    }
    for key, line in display.lines_.items():
        np.testing.assert_allclose(line.get_ydata(), history[key])
        np.testing.assert_array_equal(
            line.get_xdata(), np.arange(1, len(history[key]) + 1)
        )
    assert display.lines_["learning_rate"].axes is display.lr_ax_
    assert display.lr_ax_.get_yscale() == "log"
    assert display.ax_.get_xlabel() == "epoch"
    plt.close(display.figure_)


def test_the_best_epoch_is_marked(fitted):
    display = TrainingHistoryDisplay.from_estimator(fitted)
    best = fitted.best_epoch_ + 1
    assert display.best_epoch_line_.get_xdata()[0] == best
    labels = [text.get_text() for text in display.ax_.get_legend().get_texts()]
    assert f"best epoch {best}" in labels and "learning_rate" in labels
    assert min(fitted.history_["val_loss"]) == fitted.history_["val_loss"][best - 1]
    plt.close(display.figure_)


def test_draws_on_a_given_axes_without_validation_curves():
    clf = MLPClassifier(hidden_layer_sizes=(4,), epochs=3, random_state=0).fit(X, Y)
    figure, ax = plt.subplots()
    display = TrainingHistoryDisplay.from_estimator(clf, ax=ax)
    assert display.ax_ is ax and display.figure_ is figure
    assert set(display.lines_) == {"loss", "learning_rate"}
    plt.close(figure)
