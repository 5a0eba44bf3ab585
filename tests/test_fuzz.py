"""Property-based tests: random parameters and data never give a raw failure.

Budgets (examples per property) are set with ``settings(max_examples=...)``
below and reported in the closing notes; the seed is fixed (derandomize) so
CI runs the same examples every time.
"""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sklann import MLPClassifier, MLPRegressor
from sklann._estimator.params import (
    ACTIVATIONS,
    INITIALIZERS,
    OPTIMIZERS,
    SHARED_CONSTRAINTS,
)
from sklann._training.schedules import DROPOUT_SCHEDULES, SCHEDULES

FUZZ = settings(
    database=None,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

RNG = np.random.RandomState(0)
X = RNG.normal(size=(30, 3)).astype(np.float32)
Y_CLASS = np.array(["a", "b", "c"])[np.arange(30) % 3]
Y_REG = X @ np.array([1.0, -1.0, 0.5], dtype=np.float32)

clipping = st.sampled_from(["clipnorm", "clipvalue", "global_clipnorm", None])

valid_params = st.fixed_dictionaries(
    {
        "hidden_layer_sizes": st.lists(st.integers(1, 8), min_size=0, max_size=3).map(
            tuple
        ),
        "activation": st.sampled_from(ACTIVATIONS),
        "kernel_initializer": st.sampled_from(("auto", *INITIALIZERS)),
        "batch_normalization": st.sampled_from([False, "before", "after"]),
        "dropout": st.floats(0.0, 0.5),
        "input_dropout": st.floats(0.0, 0.3),
        "dropout_schedule": st.sampled_from(sorted(DROPOUT_SCHEDULES)),
        "ema_momentum": st.one_of(st.none(), st.floats(0.5, 0.999)),
        "l1": st.sampled_from([0.0, 1e-4, 1e-2]),
        "l2": st.sampled_from([0.0, 1e-4, 1e-2]),
        "max_norm": st.one_of(st.none(), st.floats(0.5, 3.0)),
        "optimizer": st.sampled_from(OPTIMIZERS),
        "learning_rate": st.floats(1e-4, 3e-2),
        "lr_schedule": st.sampled_from(SCHEDULES),
        "lr_decay_rate": st.floats(0.1, 1.0),
        "lr_decay_epochs": st.floats(0.5, 3.0),
        "lr_warmup_epochs": st.integers(0, 2),
        "epochs": st.integers(1, 3),
        "batch_size": st.one_of(st.just("auto"), st.integers(1, 40)),
        "early_stopping": st.booleans(),
        "patience": st.one_of(st.none(), st.integers(1, 3)),
        "shuffle": st.booleans(),
        "random_state": st.integers(0, 2**31 - 1),
    }
)


@settings(FUZZ, max_examples=30)
@given(params=valid_params, clip=clipping, regression=st.booleans())
def test_valid_parameter_combinations_fit_and_predict(params, clip, regression):
    if clip is not None:
        params[clip] = 1.0
    if regression:
        reg = MLPRegressor(**params).fit(X, Y_REG)
        predictions = reg.predict(X)
        assert predictions.shape == (30,) and np.all(np.isfinite(predictions))
    else:
        clf = MLPClassifier(**params).fit(X, Y_CLASS)
        assert set(clf.predict(X)) <= {"a", "b", "c"}
        proba = clf.predict_proba(X)
        assert proba.shape == (30, 3)
        np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)
    estimator = reg if regression else clf
    assert 1 <= estimator.n_iter_ <= params["epochs"]
    assert len(estimator.history_["learning_rate"]) == estimator.n_iter_


def _unknown(param, text):
    """Whether no spelling of ``param``'s names (any case, aliases) is ``text``."""
    names = SHARED_CONSTRAINTS[param][0]
    return names.canonical(text) is None


not_a_number = st.sampled_from(["x", [1], {"a": 1}, object()])
INVALID_VALUES = {
    "hidden_layer_sizes": st.one_of(
        st.integers(max_value=0), st.tuples(st.integers(max_value=0)), not_a_number
    ),
    "activation": st.text(min_size=1).filter(lambda text: _unknown("activation", text)),
    "dropout": st.one_of(st.floats(max_value=-1e-9), st.floats(min_value=1.0)),
    "learning_rate": st.one_of(st.floats(max_value=0.0), not_a_number),
    "momentum": st.floats(min_value=1.0 + 1e-6, allow_infinity=False),
    "l2": st.floats(max_value=-1e-9),
    "epochs": st.one_of(st.integers(max_value=0), st.floats(0.5, 3.5)),
    "batch_size": st.one_of(st.integers(max_value=0), st.text(min_size=1)),
    "validation_split": st.one_of(st.floats(max_value=0.0), st.floats(min_value=1.0)),
    "patience": st.integers(max_value=0),
    "optimizer": st.text(min_size=1).filter(lambda text: _unknown("optimizer", text)),
    "lr_schedule": st.text(min_size=1).filter(
        lambda text: _unknown("lr_schedule", text)
    ),
    "lr_decay_epochs": st.floats(max_value=0.0),
    "precision": st.text().filter(lambda text: _unknown("precision", text)),
    "tol": st.floats(max_value=-1e-9),
}


@settings(FUZZ, max_examples=60)
@given(data=st.data(), name=st.sampled_from(sorted(INVALID_VALUES)))
def test_invalid_values_are_rejected_at_fit(data, name):
    value = data.draw(INVALID_VALUES[name], label=name)
    params = dict(hidden_layer_sizes=(2,), epochs=1) | {name: value}
    estimator = MLPRegressor(**params)
    with pytest.raises((ValueError, TypeError), match=name):
        estimator.fit(X, Y_REG)


extreme_floats = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True, width=64),
    st.sampled_from([1e38, -3e38, 1e-45, 1e30, 0.0, -0.0]),
)


@pytest.mark.filterwarnings("ignore:overflow encountered in cast:RuntimeWarning")
@settings(FUZZ, max_examples=40)
@given(
    features=arrays(
        np.float64, st.tuples(st.integers(2, 12), st.just(3)), elements=extreme_floats
    ),
    classify=st.booleans(),
)
def test_any_input_matrix_fits_or_fails_clearly(features, classify):
    n_samples = len(features)
    if classify:
        estimator = MLPClassifier(hidden_layer_sizes=(4,), epochs=2, random_state=0)
        target = np.arange(n_samples) % 2
    else:
        estimator = MLPRegressor(hidden_layer_sizes=(4,), epochs=2, random_state=0)
        target = np.linspace(-1.0, 1.0, n_samples)
    try:
        estimator.fit(features, target)
    except ValueError as error:  # anything else (a raw TensorFlow error) fails
        message = str(error)
        assert any(
            phrase in message
            for phrase in ("NaN", "infinity", "too large", "Training diverged")
        ), message
        return
    predictions = estimator.predict(np.nan_to_num(features, posinf=0, neginf=0))
    assert len(predictions) == n_samples
    assert np.isfinite(np.asarray(predictions, dtype=float)).all(), predictions
