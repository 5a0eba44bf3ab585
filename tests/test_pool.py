"""Traced programs are re-used across fits of the same structure, safely."""

import gc

import keras
import numpy as np
import pytest

from sklann import MLPClassifier, MLPRegressor
from sklann._training.pool import PROGRAMS, ProgramCache

RNG = np.random.RandomState(0)
X = RNG.normal(size=(80, 4)).astype(np.float32)
Y = (X[:, 0] > 0).astype(int)
PARAMS = dict(
    hidden_layer_sizes=(6,),
    dropout=0.1,
    batch_normalization="after",
    epochs=3,
    batch_size=16,
)


@pytest.fixture(autouse=True)
def empty_cache():
    PROGRAMS.clear()
    yield
    PROGRAMS.clear()


def fit(**params):
    return MLPClassifier(**params).fit(X, Y)


def test_a_second_fit_traces_nothing_and_gives_the_same_model():
    before = PROGRAMS.traces()
    first = fit(**PARAMS, random_state=5).predict_proba(X)
    traces = PROGRAMS.traces()
    assert traces == before + 1 and len(PROGRAMS) == 1
    fit(**PARAMS, random_state=6)
    again = fit(**PARAMS, random_state=5).predict_proba(X)
    assert PROGRAMS.traces() == traces
    np.testing.assert_array_equal(again, first)


@pytest.mark.parametrize(
    "change",
    [
        {"learning_rate": 0.1},
        {"l2": 1e-3},
        {"l1": 1e-4},
        {"dropout": 0.3},
        {"hidden_layer_sizes": (17,)},  # widths are inputs too
        {"momentum": 0.5, "optimizer": "rmsprop"},
        {"optimizer__beta_2": 0.99},
        {"optimizer__epsilon": 1e-5},
        {"lr_schedule": "one_cycle"},
        {"batch_size": 7},
        {"kernel_initializer": "orthogonal"},  # the initial weights only
    ],
    ids=lambda change: ",".join(change),
)
def test_numeric_settings_and_widths_trace_nothing_new(change):
    base = {**PARAMS, "optimizer": change.get("optimizer", "adam")}
    fit(**base, random_state=0)
    traces = PROGRAMS.traces()
    fit(**{**base, **change}, random_state=0)
    assert PROGRAMS.traces() == traces


def test_numeric_settings_take_effect_without_a_new_trace():
    plain = fit(**PARAMS, random_state=0).predict_proba(X)
    traces = PROGRAMS.traces()
    penalised = fit(**PARAMS, l2=0.5, random_state=0).predict_proba(X)
    assert PROGRAMS.traces() == traces
    assert not np.allclose(plain, penalised)


def test_clipping_threshold_and_weight_decay_are_inputs_once_set():
    fit(**PARAMS, clipnorm=1.0, weight_decay=1e-3, random_state=0)
    traces = PROGRAMS.traces()
    fit(**PARAMS, clipnorm=0.01, weight_decay=1e-1, random_state=0)
    assert PROGRAMS.traces() == traces


@pytest.mark.parametrize(
    "change",
    [
        {"hidden_layer_sizes": (6, 6)},
        {"optimizer": "sgd"},
        {"clipnorm": 1.0},
        {"activation": "tanh"},
        {"batch_normalization": "before"},
        {"dropout": 0.0},
        {"max_norm": 2.0},
        {"metrics": ["accuracy"]},
    ],
    ids=lambda change: ",".join(change),
)
def test_a_different_structure_traces_its_own_program(change):
    before = PROGRAMS.traces()
    fit(**PARAMS, random_state=0)
    fit(**{**PARAMS, **change}, random_state=0)
    assert len(PROGRAMS) == 2 and PROGRAMS.traces() == before + 2


def test_a_model_handed_to_the_user_is_never_changed_by_other_fits():
    clf = fit(**PARAMS, random_state=0)
    model = clf.model_
    weights = [w.copy() for w in model.get_weights()]
    fit(**PARAMS, random_state=1)
    for before, after in zip(weights, model.get_weights(), strict=True):
        np.testing.assert_array_equal(before, after)


def test_fitted_estimators_hold_no_tensorflow_objects():
    """A joblib batch keeps its fitted folds alive: they hold arrays only."""
    fitted = [fit(**PARAMS, random_state=seed) for seed in range(3)]
    for clf in fitted:
        assert vars(clf).get("_keras_view") is None
        assert all(isinstance(w, np.ndarray) for w in clf._weights)
    alone = fit(**PARAMS, random_state=2)
    np.testing.assert_array_equal(fitted[2].predict_proba(X), alone.predict_proba(X))
    assert not np.array_equal(fitted[1].predict_proba(X), alone.predict_proba(X))


def test_training_on_after_other_fits_continues_from_its_own_state():
    alone = fit(**PARAMS, random_state=0).partial_fit(X, Y)
    first = fit(**PARAMS, random_state=0)
    fit(**PARAMS, random_state=1)  # the same program, other weights
    first.partial_fit(X, Y)
    np.testing.assert_array_equal(first.predict_proba(X), alone.predict_proba(X))
    assert first.history_ == alone.history_


def test_model_is_handed_out_with_the_fitted_weights():
    clf = fit(**PARAMS, random_state=0)
    fit(**PARAMS, random_state=1)
    np.testing.assert_allclose(
        clf.model_.predict(X, verbose=0)[:, 0],
        clf.predict_proba(X)[:, 1],
        rtol=1e-4,
        atol=1e-6,
    )


def test_a_users_loss_object_gets_a_program_that_is_not_kept():
    MLPRegressor(
        hidden_layer_sizes=(3,), loss=keras.losses.MeanSquaredError(), epochs=2
    ).fit(X, X[:, 0])
    assert len(PROGRAMS) == 0


def test_regressors_share_programs_too():
    before = PROGRAMS.traces()
    reg = MLPRegressor(hidden_layer_sizes=(3,), epochs=2, random_state=0)
    reg.fit(X, X[:, 0])
    MLPRegressor(hidden_layer_sizes=(9,), epochs=2, random_state=1).fit(X, X[:, :2])
    assert PROGRAMS.traces() == before + 1


def test_repeated_fits_do_not_accumulate_programs():
    for seed in range(5):
        fit(**PARAMS, random_state=seed)
    gc.collect()
    assert len(PROGRAMS) == 1


class Program:
    traces = 1


def test_the_cache_keeps_the_most_recently_used_programs():
    cache = ProgramCache(max_programs=2)
    for key in "abc":
        cache.get(key, Program)
    assert len(cache) == 2
    kept = cache.get("c", Program)
    assert cache.get("c", Program) is kept
    assert cache.get("a", Program) is not None and cache.traces() == 4  # 1 each


def counting_cache(max_programs, forget_after):
    forgotten = []
    cache = ProgramCache(
        max_programs=max_programs,
        forget_kernels=lambda: forgotten.append(1),
        forget_after=forget_after,
    )
    return cache, forgotten


def test_kernels_of_dropped_programs_are_forgotten_between_fits_only():
    cache, forgotten = counting_cache(max_programs=1, forget_after=1)
    with cache.training():
        assert forgotten == []  # nothing dropped yet
    cache.get("a", Program)
    cache.get("b", Program)  # drops "a"
    with cache.training():
        assert forgotten == [1]
        cache.get("c", Program)  # drops "b" while a fit runs
        with cache.training():  # a second fit starts: the first still runs
            assert forgotten == [1]
    with cache.training():
        assert forgotten == [1, 1]  # no fit running: now
    with cache.training():
        assert forgotten == [1, 1]  # nothing dropped since
    cache.get(None, Program)  # never kept: dropped with its fit
    with cache.training():
        assert forgotten == [1, 1, 1]


def test_kernels_are_forgotten_only_after_forget_after_drops():
    cache, forgotten = counting_cache(max_programs=0, forget_after=3)
    for expected in ([], [], [1], [1], [1], [1, 1]):
        cache.get("a", Program)  # max_programs=0: dropped at once
        with cache.training():
            assert forgotten == expected
