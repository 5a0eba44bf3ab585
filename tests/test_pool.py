"""Engines are re-used across fits of the same configuration, safely."""

import gc

import numpy as np
import pytest

from sklann import MLPClassifier, MLPRegressor
from sklann._engine import ENGINE_OVERHEAD_BYTES
from sklann._pool import ENGINES, EnginePool

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
def empty_pool():
    gc.collect()  # estimators of earlier tests release their engines now, not mid-test
    ENGINES.clear()
    yield
    ENGINES.clear()


def engine_of(estimator):
    """The engine that holds ``estimator``'s trained state (taken from the pool)."""
    return estimator._training_engine()


def fit_and_drop(**params):
    """Fit, keep the predictions, and free the estimator (engine to the pool)."""
    clf = MLPClassifier(**params).fit(X, Y)
    engine, proba = engine_of(clf), clf.predict_proba(X)
    del clf
    gc.collect()
    return engine, proba


def test_freed_engine_is_reused_and_gives_the_same_model_as_a_new_one():
    fresh_engine, fresh = fit_and_drop(**PARAMS, random_state=5)
    assert len(ENGINES) == 1
    other_engine, _ = fit_and_drop(**PARAMS, random_state=6)
    assert other_engine is fresh_engine  # same configuration: re-used
    again_engine, again = fit_and_drop(**PARAMS, random_state=5)
    assert again_engine is fresh_engine
    np.testing.assert_array_equal(again, fresh)


def test_learning_rate_is_not_part_of_the_configuration():
    first, _ = fit_and_drop(**PARAMS, learning_rate=0.1, random_state=0)
    second, _ = fit_and_drop(**PARAMS, learning_rate=0.001, random_state=0)
    assert second is first
    assert float(first.model.optimizer.learning_rate) == pytest.approx(0.001)


@pytest.mark.parametrize(
    "change",
    [
        {"hidden_layer_sizes": (7,)},
        {"optimizer": "sgd"},
        {"clipnorm": 1.0},
        {"activation": "tanh"},
        {"kernel_initializer": "orthogonal"},
    ],
)
def test_a_different_configuration_builds_its_own_engine(change):
    first, _ = fit_and_drop(**PARAMS, random_state=0)
    second, _ = fit_and_drop(**{**PARAMS, **change}, random_state=0)
    assert second is not first


def test_a_model_handed_to_the_user_is_never_reused():
    clf = MLPClassifier(**PARAMS, random_state=0).fit(X, Y)
    model = clf.model_
    del clf
    gc.collect()
    assert len(ENGINES) == 0
    weights = [w.copy() for w in model.get_weights()]
    MLPClassifier(**PARAMS, random_state=1).fit(X, Y)
    for before, after in zip(weights, model.get_weights(), strict=True):
        np.testing.assert_array_equal(before, after)


def test_refit_takes_its_own_engine_and_gives_it_back():
    clf = MLPClassifier(**PARAMS, random_state=0).fit(X, Y)
    first = engine_of(clf)
    clf.fit(X, Y)
    assert len(ENGINES) == 1 and engine_of(clf) is first


def test_fitted_estimators_hold_no_engine():
    """A joblib batch keeps its fitted folds alive: they must share one engine."""
    from sklann._engine import TrainingEngine

    fitted = [MLPClassifier(**PARAMS, random_state=seed).fit(X, Y) for seed in range(4)]
    gc.collect()
    assert sum(isinstance(obj, TrainingEngine) for obj in gc.get_objects()) == 1
    assert len(ENGINES) == 1
    alone = MLPClassifier(**PARAMS, random_state=2).fit(X, Y)
    np.testing.assert_array_equal(fitted[2].predict_proba(X), alone.predict_proba(X))
    assert not np.array_equal(fitted[1].predict_proba(X), alone.predict_proba(X))


def test_training_on_reloads_the_state_after_another_fit_used_the_engine():
    alone = MLPClassifier(**PARAMS, random_state=0).fit(X, Y).partial_fit(X, Y)
    first = MLPClassifier(**PARAMS, random_state=0).fit(X, Y)
    MLPClassifier(**PARAMS, random_state=1).fit(X, Y)  # same engine, new weights
    first.partial_fit(X, Y)
    np.testing.assert_array_equal(first.predict_proba(X), alone.predict_proba(X))
    assert first.history_ == alone.history_


def test_model_is_handed_out_with_the_fitted_weights():
    clf = MLPClassifier(**PARAMS, random_state=0).fit(X, Y)
    MLPClassifier(**PARAMS, random_state=1).fit(X, Y)  # overwrites the engine
    np.testing.assert_allclose(
        clf.model_.predict(X, verbose=0)[:, 0],
        clf.predict_proba(X)[:, 1],
        rtol=1e-4,
        atol=1e-6,
    )


def test_user_objects_are_not_pooled():
    import keras

    fit_and_drop(**PARAMS, optimizer=keras.optimizers.Adam(), random_state=0)
    assert len(ENGINES) == 0


def test_pool_is_bounded_in_memory(monkeypatch):
    monkeypatch.setattr(ENGINES, "max_idle_bytes", 4.5 * ENGINE_OVERHEAD_BYTES)
    for units in range(1, 8):
        fit_and_drop(**{**PARAMS, "hidden_layer_sizes": (units,)}, random_state=0)
    assert len(ENGINES) == 4


def test_least_recently_used_engines_are_dropped_first():
    pool = EnginePool(max_idle_bytes=2500)
    for key in "abcd":
        pool.release(key, IdleEngine())  # 1000 bytes each: two fit
    assert len(pool) == 2
    assert pool.acquire("a") is None and pool.acquire("d") is not None


def test_engine_memory_counts_weights_optimizer_state_and_copies():
    clf = MLPClassifier(hidden_layer_sizes=(10,), epochs=1, batch_size=16)
    engine = engine_of(clf.fit(X, Y))
    n_weights = 4 * 10 + 10 + 10 * 1 + 1  # float32 kernels and biases
    # weights, Adam's two moments, best-weight and epoch-start copies
    assert engine.nbytes >= ENGINE_OVERHEAD_BYTES + 4 * 5 * n_weights


def test_regressor_engines_are_reused_too():
    reg = MLPRegressor(hidden_layer_sizes=(3,), epochs=2, random_state=0).fit(
        X, X[:, 0]
    )
    engine = engine_of(reg)
    del reg
    gc.collect()
    again = MLPRegressor(hidden_layer_sizes=(3,), epochs=2, random_state=0)
    assert engine_of(again.fit(X, X[:, 0])) is engine


def test_repeated_fits_do_not_accumulate_engines_or_models():
    from sklann._engine import TrainingEngine

    def live_engines():
        gc.collect()
        return sum(isinstance(obj, TrainingEngine) for obj in gc.get_objects())

    fit_and_drop(**PARAMS, random_state=0)
    baseline = live_engines()
    for seed in range(10):
        fit_and_drop(**PARAMS, random_state=seed)
    assert live_engines() == baseline == 1


class IdleEngine:
    exposed, holder, nbytes = False, None, 1000


def counting_pool(max_idle, forget_after):
    """A pool of ``max_idle`` 1000-byte engines; forgetting appends to the list."""
    forgotten = []
    pool = EnginePool(
        max_idle_bytes=1000 * max_idle,
        forget_kernels=lambda: forgotten.append(1),
        forget_after=forget_after,
    )
    return pool, forgotten


def test_kernels_of_dropped_engines_are_forgotten_between_fits_only():
    pool, forgotten = counting_pool(max_idle=1, forget_after=1)
    with pool.training():
        assert forgotten == []  # nothing dropped yet
    pool.release("a", IdleEngine())
    pool.release("b", IdleEngine())  # evicts "a"
    with pool.training():
        assert forgotten == [1]
        pool.release("c", IdleEngine())  # evicts "b" while a fit runs
        with pool.training():  # a second fit starts: the first still runs
            assert forgotten == [1]
    with pool.training():
        assert forgotten == [1, 1]  # no fit running: now
    with pool.training():
        assert forgotten == [1, 1]  # nothing dropped since
    pool.release(None, IdleEngine())  # never pooled: dropped
    with pool.training():
        assert forgotten == [1, 1, 1]


def test_kernels_are_forgotten_only_after_forget_after_drops():
    pool, forgotten = counting_pool(max_idle=0, forget_after=3)
    for expected in ([], [], [1], [1], [1], [1, 1]):
        pool.release("a", IdleEngine())  # max_idle=0: dropped at once
        with pool.training():
            assert forgotten == expected
