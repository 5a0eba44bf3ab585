"""MLPRegressor: outputs and losses."""

import numpy as np
import pytest
from sklearn.datasets import make_regression

from sklann import MLPRegressor

X, Y = make_regression(
    n_samples=150, n_features=5, n_targets=2, noise=1.0, random_state=0
)
X = X / X.std(0)
Y = Y / Y.std(0)
QUICK = dict(
    hidden_layer_sizes=(16,),
    learning_rate=0.02,
    epochs=40,
    batch_size=32,
    random_state=0,
)


@pytest.fixture(scope="module")
def multi_output():
    return MLPRegressor(**QUICK).fit(X, Y)


def test_multi_output(multi_output):
    assert multi_output.n_outputs_ == 2
    assert multi_output.predict(X).shape == (150, 2)
    assert multi_output.score(X, Y) > 0.9


def test_single_output_is_one_dimensional():
    reg = MLPRegressor(**QUICK).fit(X, Y[:, 0])
    assert reg.n_outputs_ == 1 and reg.predict(X).shape == (150,)
    column = MLPRegressor(**QUICK).fit(X, Y[:, :1])
    assert column.predict(X).shape == (150,)


@pytest.mark.parametrize("loss", ["squared_error", "absolute_error", "huber"])
def test_losses_fit_a_linear_target(loss):
    reg = MLPRegressor(**QUICK, loss=loss).fit(X, Y[:, 0])
    assert reg.score(X, Y[:, 0]) > 0.9


def test_poisson_predicts_positive_counts():
    rng = np.random.RandomState(0)
    rate = np.exp(0.5 * X[:, 0])
    counts = rng.poisson(rate)
    # with no hidden layer this is Poisson regression with a log link
    glm = dict(QUICK, hidden_layer_sizes=(), epochs=60, learning_rate=0.05)
    reg = MLPRegressor(**glm, loss="poisson").fit(X, counts)
    predicted = reg.predict(X)
    assert np.all(predicted > 0)
    assert np.corrcoef(predicted, rate)[0, 1] > 0.9
    with pytest.raises(ValueError, match="non-negative target"):
        MLPRegressor(loss="poisson").fit(X, -counts - 1)


def test_partial_fit_one_epoch():
    reg = MLPRegressor(**QUICK)
    reg.partial_fit(X, Y)
    reg.partial_fit(X, Y)
    assert reg.n_iter_ == 1 and len(reg.history_["loss"]) == 2
    with pytest.raises(ValueError, match="y has 1 outputs"):
        reg.partial_fit(X, Y[:, 0])
