"""Estimator contract: seeding without global side effects, pickling, cloning."""

import os
import pickle
import random
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor

import joblib
import keras
import numpy as np
import pytest
from scikeras.wrappers import BaseWrapper
from sklearn.base import clone, is_classifier, is_regressor
from sklearn.datasets import load_iris
from tensorflow.python.eager import context
from tensorflow.python.framework import config as tf_config

from sklann import MLPClassifier, MLPRegressor

X, Y = load_iris(return_X_y=True)
X = ((X - X.mean(0)) / X.std(0)).astype(np.float32)
PARAMS = dict(hidden_layer_sizes=(8,), dropout=0.1, epochs=5, batch_size=16)


@pytest.fixture(scope="module")
def fitted():
    return MLPClassifier(**PARAMS, random_state=3).fit(X, Y)


def test_built_on_scikeras_and_recognised_by_sklearn():
    assert isinstance(MLPClassifier(), BaseWrapper)
    assert is_classifier(MLPClassifier()) and not is_regressor(MLPClassifier())
    assert is_regressor(MLPRegressor()) and not is_classifier(MLPRegressor())


def test_same_seed_same_model_different_seed_different_model(fitted):
    again = MLPClassifier(**PARAMS, random_state=3).fit(X, Y)
    np.testing.assert_array_equal(again.predict_proba(X), fitted.predict_proba(X))
    other = MLPClassifier(**PARAMS, random_state=4).fit(X, Y)
    assert not np.allclose(other.predict_proba(X), fitted.predict_proba(X))


def test_random_state_instance_is_not_advanced():
    rng = np.random.RandomState(0)
    state = rng.get_state()[1].copy()
    first = MLPClassifier(**PARAMS, random_state=rng).fit(X, Y)
    np.testing.assert_array_equal(rng.get_state()[1], state)
    second = MLPClassifier(**PARAMS, random_state=rng).fit(X, Y)
    np.testing.assert_array_equal(first.predict_proba(X), second.predict_proba(X))


def global_random_state():
    return (
        tf_config.is_op_determinism_enabled(),
        context.global_seed(),
        random.getstate(),
        np.random.get_state()[1].tobytes(),  # noqa: NPY002 (the global state is the point)
        dict(os.environ),
        keras.config.dtype_policy().name,
    )


def test_seeded_fit_leaves_global_state_alone():
    before = global_random_state()
    MLPClassifier(**PARAMS, random_state=0).fit(X, Y).predict(X)
    assert global_random_state() == before
    # an unseeded TensorFlow op still runs after a seeded fit
    import tensorflow as tf

    assert tf.random.uniform([2]).shape == (2,)
    MLPClassifier(**PARAMS).fit(X, Y)


def seeded_probabilities(seed):
    return MLPClassifier(**PARAMS, random_state=seed).fit(X, Y).predict_proba(X)


@pytest.mark.parametrize("runner", ["threads", "joblib-threading"])
def test_fits_in_threads_equal_serial_fits(runner):
    seeds = [0, 1, 2, 3]
    serial = [seeded_probabilities(seed) for seed in seeds]
    if runner == "threads":
        with ThreadPoolExecutor(max_workers=2) as pool:
            threaded = list(pool.map(seeded_probabilities, seeds))
    else:
        threaded = joblib.Parallel(n_jobs=2, backend="threading")(
            joblib.delayed(seeded_probabilities)(seed) for seed in seeds
        )
    for a, b in zip(serial, threaded, strict=True):
        np.testing.assert_array_equal(a, b)


def test_results_do_not_depend_on_the_order_of_fits():
    forward = [seeded_probabilities(seed) for seed in (0, 1, 2)]
    # other configurations in between, and the pooled engines re-used
    MLPRegressor(hidden_layer_sizes=(3,), epochs=2, random_state=9).fit(X, X[:, 0])
    MLPClassifier(**dict(PARAMS, epochs=2), lr_schedule="one_cycle").fit(X, Y)
    backward = [seeded_probabilities(seed) for seed in (2, 1, 0)][::-1]
    for a, b in zip(forward, backward, strict=True):
        np.testing.assert_array_equal(a, b)


def test_clone_keeps_every_parameter_and_fit_changes_none():
    estimator = MLPClassifier(
        **PARAMS,
        l2=1e-3,
        class_weight="balanced",
        optimizer__beta_1=0.8,
        random_state=1,
    )
    before = estimator.get_params()
    assert clone(estimator).get_params() == before
    estimator.fit(X, Y)
    assert estimator.get_params() == before


def test_repr_shows_changed_parameters():
    assert repr(MLPClassifier(dropout=0.2)) == "MLPClassifier(dropout=0.2)"


def test_joblib_round_trip(fitted, tmp_path):
    path = tmp_path / "model.joblib"
    joblib.dump(fitted, path)
    loaded = joblib.load(path)
    np.testing.assert_array_equal(loaded.predict_proba(X), fitted.predict_proba(X))
    loaded.set_params(warm_start=True).fit(X, Y)
    assert len(loaded.history_["loss"]) == 10  # carried on from the file


FRESH_PROCESS = textwrap.dedent(
    """
    import pickle, sys
    import numpy as np
    from sklann import MLPClassifier, MLPRegressor
    with open(sys.argv[1], "rb") as f:
        X, Y, PARAMS, classifier, regressor = pickle.load(f)
    refit = MLPClassifier(**PARAMS, random_state=3).fit(X, Y)
    np.savez(sys.argv[2], classifier=classifier.predict_proba(X),
             regressor=regressor.predict(X), refit=refit.predict_proba(X))
    """
)


@pytest.mark.slow
def test_pickle_and_seeded_fit_in_a_fresh_process(fitted, tmp_path):
    regressor = MLPRegressor(**PARAMS, random_state=0).fit(X, X[:, :2] * 3)
    payload, result = tmp_path / "payload.pkl", tmp_path / "result.npz"
    payload.write_bytes(pickle.dumps((X, Y, PARAMS, fitted, regressor)))
    subprocess.run([sys.executable, "-c", FRESH_PROCESS, payload, result], check=True)
    outputs = np.load(result)
    np.testing.assert_array_equal(outputs["classifier"], fitted.predict_proba(X))
    np.testing.assert_array_equal(outputs["regressor"], regressor.predict(X))
    # the same seed gives the same model in another process
    np.testing.assert_array_equal(outputs["refit"], fitted.predict_proba(X))


def test_predict_is_independent_of_the_batch(fitted):
    whole = fitted.predict_proba(X)
    one_by_one = np.vstack(
        [fitted.predict_proba(X[i : i + 1]) for i in range(0, 150, 7)]
    )
    # float64 inference: equal to rounding, whatever rows share the batch
    np.testing.assert_allclose(one_by_one, whole[::7], rtol=1e-12)


def test_dropout_is_off_at_prediction(fitted):
    np.testing.assert_array_equal(fitted.predict_proba(X), fitted.predict_proba(X))
