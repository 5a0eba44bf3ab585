"""optimizer="lbfgs": full-batch L-BFGS, as scikit-learn's solver="lbfgs"."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_digits, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPRegressor as SklearnMLPRegressor
from sklearn.preprocessing import MinMaxScaler, scale

import sklann
from sklann import MLPClassifier, MLPRegressor

X_DIGITS, Y_DIGITS = load_digits(n_class=3, return_X_y=True)
X_DIGITS = MinMaxScaler().fit_transform(X_DIGITS[:150])
Y_DIGITS = Y_DIGITS[:150]
X_REG, Y_REG = make_regression(
    n_samples=200, n_features=10, bias=20.0, noise=100.0, random_state=7
)
Y_REG = scale(Y_REG)
LBFGS = dict(optimizer="lbfgs", hidden_layer_sizes=(50,), random_state=1)


@pytest.fixture(scope="module")
def regressor():
    return MLPRegressor(**LBFGS, epochs=200, tol=1e-3).fit(X_REG, Y_REG)


def test_lbfgs_fits_what_a_few_hundred_adam_epochs_do_not(regressor):
    # scikit-learn's own test asks R² > 0.98 from 200 L-BFGS iterations.
    assert regressor.score(X_REG, Y_REG) > 0.98
    adam = MLPRegressor(**dict(LBFGS, optimizer="adam"), epochs=200, patience=None)
    assert adam.fit(X_REG, Y_REG).score(X_REG, Y_REG) < 0.9
    assert 0 < regressor.n_iter_ <= 200
    assert len(regressor.history_["loss"]) == regressor.n_iter_
    assert regressor.history_["loss"][-1] < regressor.history_["loss"][0]


def test_lbfgs_minimises_the_loss_scikit_learn_minimises():
    # The same penalty in each one's convention (alpha = 2 * n * l2 on full
    # batches): both reach the same training fit from their own starts.
    ours = MLPRegressor(**LBFGS, epochs=500, l2=1e-3, standardize_target=False)
    theirs = SklearnMLPRegressor(
        hidden_layer_sizes=(50,),
        solver="lbfgs",
        alpha=2 * 200 * 1e-3,
        max_iter=500,
        random_state=1,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        scores = [m.fit(X_REG, Y_REG).score(X_REG, Y_REG) for m in (ours, theirs)]
    assert abs(scores[0] - scores[1]) < 0.01, scores


def test_lbfgs_classifies_digits():
    clf = MLPClassifier(**LBFGS, epochs=150).fit(X_DIGITS, Y_DIGITS)
    assert clf.score(X_DIGITS, Y_DIGITS) > 0.95


def test_max_fun_and_epochs_bound_the_work_and_warn():
    for budget in (dict(epochs=150, max_fun=10), dict(epochs=3)):
        with pytest.warns(ConvergenceWarning, match="L-BFGS stopped before"):
            reg = MLPRegressor(**LBFGS, tol=0.0, **budget).fit(X_REG, Y_REG)
        assert reg.n_iter_ <= min(budget.get("max_fun", 150), budget["epochs"])


def test_warm_start_continues_from_the_fitted_weights(regressor):
    reg = MLPRegressor(**LBFGS, epochs=5, warm_start=True, tol=0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        reg.fit(X_REG, Y_REG)
        first = reg.history_["loss"][-1]
        reg.fit(X_REG, Y_REG)
    assert len(reg.history_["loss"]) == 10 and reg.n_iter_ == 5
    assert reg.history_["loss"][5] <= first


@pytest.mark.parametrize(
    "setting",
    [
        dict(dropout=0.1),
        dict(batch_normalization="before"),
        dict(lr_schedule="cosine"),
        dict(early_stopping=True),
        dict(clipnorm=1.0),
        dict(optimizer__beta_1=0.5),
        # read by minibatch training only: they would do nothing here
        dict(learning_rate=0.1),
        dict(batch_size=32),
        dict(patience=None),
        dict(metrics=["mae"]),
    ],
    ids=lambda setting: next(iter(setting)),
)
def test_minibatch_settings_are_refused_beside_lbfgs(setting):
    name = next(iter(setting))
    with pytest.raises(ValueError, match=f"optimizer='lbfgs'.*{name}"):
        MLPRegressor(optimizer="lbfgs", **setting).fit(X_REG, Y_REG)


def test_partial_fit_is_refused_and_keeps_the_model(regressor):
    before = regressor.predict(X_REG)
    with pytest.raises(ValueError, match="partial_fit trains one minibatch"):
        regressor.partial_fit(X_REG, Y_REG)
    np.testing.assert_array_equal(regressor.predict(X_REG), before)


def test_a_lbfgs_model_saves_and_shows_a_keras_model(regressor, tmp_path):
    sklann.save(regressor, tmp_path / "model.sklann")
    loaded = sklann.load(tmp_path / "model.sklann")
    np.testing.assert_allclose(loaded.predict(X_REG), regressor.predict(X_REG))
    np.testing.assert_allclose(
        regressor.model_.predict(X_REG, verbose=0).ravel(),
        (regressor.predict(X_REG) - regressor.target_encoder_.offset)
        / regressor.target_encoder_.scale,
        rtol=1e-4,
        atol=1e-5,
    )


def test_max_fun_beside_a_minibatch_optimizer_is_refused():
    with pytest.raises(ValueError, match="max_fun=100 bounds L-BFGS.*'lbfgs'"):
        MLPRegressor(max_fun=100, epochs=2).fit(X_REG, Y_REG)


def test_verbose_prints_each_iteration(capsys):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        MLPRegressor(**LBFGS, epochs=2, verbose=1).fit(X_REG, Y_REG)
    assert capsys.readouterr().out.splitlines()[-1].startswith("Iteration 2/2 - loss:")
