"""sklann.save / sklann.load without pickle, safe loading, skops and pickle."""

import json
import os
import pickle
import signal
import subprocess
import sys
import time
import warnings
import zipfile

import keras
import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_iris
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import sklann
from sklann import MLPClassifier, MLPRegressor

X, Y = load_iris(return_X_y=True)
FRAME = pd.DataFrame(X, columns=["sl", "sw", "pl", "pw"])
LABELS = np.array(["setosa", "versicolor", "virginica"], dtype=object)[Y]
PARAMS = dict(
    hidden_layer_sizes=(8, 4),
    batch_normalization="after",
    dropout=0.1,
    epochs=5,
    lr_schedule="one_cycle",
    random_state=0,
)


@pytest.fixture(scope="module")
def classifier():
    return MLPClassifier(**PARAMS).fit(FRAME, LABELS)


@pytest.fixture
def saved(classifier, tmp_path):
    path = tmp_path / "iris.sklann"
    sklann.save(classifier, path)
    return path


def test_round_trip_keeps_predictions_and_attributes(classifier, saved):
    loaded = sklann.load(saved)
    assert type(loaded) is MLPClassifier
    assert loaded.get_params() == classifier.get_params()
    np.testing.assert_array_equal(
        loaded.predict_proba(FRAME), classifier.predict_proba(FRAME)
    )
    assert loaded.predict(FRAME).tolist() == classifier.predict(FRAME).tolist()
    assert loaded.classes_.dtype == object and loaded.classes_.tolist() == [
        "setosa",
        "versicolor",
        "virginica",
    ]
    assert loaded.feature_names_in_.tolist() == ["sl", "sw", "pl", "pw"]
    assert loaded.history_ == classifier.history_
    assert loaded.n_iter_ == classifier.n_iter_ == 5


def test_a_loaded_model_trains_on_like_the_original(classifier, saved):
    """The optimizer state and schedule position are saved too."""
    loaded = sklann.load(saved)
    original = pickle.loads(pickle.dumps(classifier))
    for estimator in (original, loaded):
        estimator.set_params(warm_start=True).fit(FRAME, LABELS)
    assert len(loaded.history_["loss"]) == 10
    np.testing.assert_allclose(
        loaded.predict_proba(FRAME), original.predict_proba(FRAME), rtol=1e-5
    )


def test_regressor_and_unfitted_estimators(tmp_path):
    reg = MLPRegressor(hidden_layer_sizes=(4,), epochs=3, random_state=0)
    sklann.save(reg, tmp_path / "unfitted.sklann")
    unfitted = sklann.load(tmp_path / "unfitted.sklann")
    assert unfitted.get_params() == reg.get_params()
    assert not unfitted.__sklearn_is_fitted__()
    reg.fit(X, X[:, :2])
    sklann.save(reg, tmp_path / "fitted.sklann")
    np.testing.assert_array_equal(
        sklann.load(tmp_path / "fitted.sklann").predict(X), reg.predict(X)
    )


def test_parameters_that_need_pickle_are_refused(tmp_path):
    clf = MLPClassifier(callbacks=[keras.callbacks.Callback()])
    with pytest.raises(ValueError, match=r"params\.callbacks.*pickle"):
        sklann.save(clf, tmp_path / "x.sklann")
    with pytest.raises(TypeError, match="saves sklann estimators"):
        sklann.save(StandardScaler(), tmp_path / "x.sklann")


def rewrite(path, target, replace):
    """Copy the zip at ``path`` to ``target``, replacing some members."""
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(target, "w") as out:
        for name in source.namelist():
            out.writestr(name, replace.get(name, source.read(name)))
    return target


def tampered(saved, tmp_path, change):
    """A copy of ``saved`` whose JSON document ``change`` edited in place."""
    with zipfile.ZipFile(saved) as archive:
        document = json.loads(archive.read("sklann.json"))
    change(document)
    return rewrite(
        saved, tmp_path / "tampered.sklann", {"sklann.json": json.dumps(document)}
    )


def test_no_keras_object_is_deserialised_from_a_file(saved, tmp_path):
    """A ``.keras`` network planted in the file is never read, so it runs no code."""
    marker = tmp_path / "ran"
    lambda_model = keras.Sequential(
        [
            keras.Input((4,)),
            keras.layers.Lambda(lambda x, path=str(marker): (open(path, "w"), x)[1]),
            keras.layers.Dense(3),
        ]
    )
    marker.unlink()  # building the model ran the lambda once
    lambda_model.save(tmp_path / "evil.keras")
    with zipfile.ZipFile(saved, "a") as archive:
        archive.write(tmp_path / "evil.keras", "model.keras")
    loaded = sklann.load(saved)
    assert not marker.exists()
    layers = {type(layer).__name__ for layer in loaded.model_.layers}
    assert layers == {"Dense", "BatchNormalization", "Dropout"}


def test_an_invalid_parameter_in_a_file_is_refused(saved, tmp_path):
    def change(document):
        document["params"]["activation"] = "keras.src.ops.core.vectorized_map"

    with pytest.raises(ValueError, match="activation"):
        sklann.load(tampered(saved, tmp_path, change))


def test_an_architecture_the_parameters_do_not_describe_is_refused(saved, tmp_path):
    def change(document):
        document["fitted"]["_spec"]["activation"] = "tanh"

    with pytest.raises(ValueError, match="not the one the stored parameters"):
        sklann.load(tampered(saved, tmp_path, change))


def test_weights_that_do_not_fit_the_network_are_refused(saved, tmp_path):
    def change(document):
        weights = document["fitted"]["_weights"]
        weights[0], weights[1] = weights[1], weights[0]  # kernel and bias swapped

    with pytest.raises(ValueError, match="does not match the network"):
        sklann.load(tampered(saved, tmp_path, change))


def test_an_incompatible_format_version_is_named(saved, tmp_path):
    with zipfile.ZipFile(saved) as archive:
        document = json.loads(archive.read("sklann.json"))
    document["format_version"] = 999
    future = rewrite(
        saved, tmp_path / "future.sklann", {"sklann.json": json.dumps(document)}
    )
    with pytest.raises(ValueError, match="format version 999.*reads version 2"):
        sklann.load(future)


@pytest.mark.parametrize("damage", ["truncate", "flip", "empty", "not a zip"])
def test_truncated_or_corrupted_files_get_a_clear_error(saved, tmp_path, damage):
    data = bytearray(saved.read_bytes())
    if damage == "truncate":
        data = data[: len(data) // 2]
    elif damage == "flip":
        middle = len(data) // 2
        data[middle : middle + 64] = bytes(64)
    elif damage == "empty":
        data = b""
    else:
        data = b"hello, I am a text file"
    broken = tmp_path / "broken.sklann"
    broken.write_bytes(bytes(data))
    with pytest.raises(ValueError, match="not a readable sklann file"):
        sklann.load(broken)


def test_skops_round_trip_of_a_pipeline_trusting_only_sklann_types(tmp_path):
    sio = pytest.importorskip("skops.io")
    pipe = make_pipeline(StandardScaler(), MLPClassifier(**PARAMS)).fit(FRAME, LABELS)
    path = os.fspath(tmp_path / "pipe.skops")
    sio.dump(pipe, path)
    untrusted = sio.get_untrusted_types(file=path)
    assert untrusted and all(name.startswith("sklann.") for name in untrusted)
    loaded = sio.load(path, trusted=untrusted)
    np.testing.assert_array_equal(
        loaded.predict_proba(FRAME), pipe.predict_proba(FRAME)
    )


def test_pickled_state_holds_no_keras_objects(classifier):
    state = classifier.__getstate__()
    assert not {"_engine", "_plan", "_model"} & set(state)
    assert all(isinstance(array, np.ndarray) for array in state["_weights"])
    restored = pickle.loads(pickle.dumps(classifier))
    np.testing.assert_array_equal(
        restored.predict_proba(FRAME), classifier.predict_proba(FRAME)
    )


SAVE_IN_A_LOOP = """
import sys
import numpy as np
import sklann
X = np.random.RandomState(0).normal(size=(50, 300))
y = np.arange(50) % 3
clf = sklann.MLPClassifier(hidden_layer_sizes=(1500, 1500), random_state=0)
clf.initialize(X, y)
sklann.save(clf, sys.argv[1])
print("saved", flush=True)
while True:
    sklann.save(clf, sys.argv[1])
"""


@pytest.mark.slow
def test_a_save_killed_midway_keeps_the_previous_file(tmp_path):
    path = tmp_path / "model.sklann"
    child = subprocess.Popen(
        [sys.executable, "-c", SAVE_IN_A_LOOP, str(path)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout.readline().strip() == "saved"
        time.sleep(1.3)  # inside a later save: each takes about a second
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    loaded = sklann.load(path)  # the last complete save, not a torn file
    assert loaded._spec.hidden_layer_sizes == (1500, 1500)
    leftovers = [p.name for p in tmp_path.iterdir() if p.name != "model.sklann"]
    assert all(name.endswith(".tmp") for name in leftovers)


def test_a_pickle_from_another_version_warns():
    clf = sklann.MLPClassifier(hidden_layer_sizes=(4,), epochs=1).fit(X, Y)
    state = clf.__getstate__()
    assert state["_sklann_version"] == sklann.__version__
    state["_sklann_version"] = "0.0.1"
    with pytest.warns(sklann.InconsistentVersionWarning, match="from sklann 0.0.1"):
        type(clf).__new__(type(clf)).__setstate__(state)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the same version: silent
        pickle.loads(pickle.dumps(clf))


def test_a_file_from_another_version_warns(tmp_path):
    clf = sklann.MLPClassifier(hidden_layer_sizes=(4,), epochs=1).fit(X, Y)
    path, other = tmp_path / "a.sklann", tmp_path / "b.sklann"
    sklann.save(clf, path)
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(other, "w") as target:
        document = json.loads(source.read("sklann.json"))
        document["sklann_version"] = "9.9.9"
        target.writestr("sklann.json", json.dumps(document))
        target.writestr("arrays.npz", source.read("arrays.npz"))
    with pytest.warns(sklann.InconsistentVersionWarning, match="from sklann 9.9.9"):
        loaded = sklann.load(other)
    np.testing.assert_array_equal(loaded.predict(X), clf.predict(X))


def _nested(depth):
    value = 1
    for _ in range(depth):
        value = [value]
    return value


def _missing_array(document):
    document["fitted"]["_weights"][0] = {"__array__": "a999", "object": False}


def _many_layers(document):
    document["fitted"]["_spec"]["hidden_layer_sizes"] = {"__tuple__": [2] * 3000}


def _huge_layer(document):
    document["params"]["hidden_layer_sizes"] = {"__tuple__": [20_000_000]}
    document["fitted"]["_spec"]["hidden_layer_sizes"] = {"__tuple__": [20_000_000]}


@pytest.mark.parametrize(
    "change, match",
    [
        (lambda d: d["fitted"].update(_plan=[]), "attributes that MLPClassifier"),
        (lambda d: d["fitted"].update(_engine={}), "attributes that MLPClassifier"),
        (lambda d: d["fitted"].update(_keras_view=1), "attributes that MLPClass"),
        (lambda d: d["fitted"].update(padding="x"), "attributes that MLPClassifier"),
        (lambda d: d["params"].update(bogus=1), "Unknown parameter 'bogus'"),
        (_missing_array, "KeyError"),
        (lambda d: d["fitted"].update(history_=_nested(200)), "nests deeper"),
        (lambda d: d.update(estimator="MLPRegressor"), "labelled MLPRegressor"),
        (_many_layers, "3,000 hidden layers"),
        (_huge_layer, "does not match the network"),
    ],
    ids=[
        "_plan",
        "_engine",
        "_keras_view",
        "unknown key",
        "unknown parameter",
        "missing array",
        "200 levels",
        "relabelled",
        "3000 layers",
        "20M units",
    ],
)
def test_hostile_files_are_refused_with_a_value_error(saved, tmp_path, change, match):
    with pytest.raises(ValueError, match=match):
        sklann.load(tampered(saved, tmp_path, change))


def test_members_that_would_inflate_are_refused_before_reading(saved, tmp_path):
    bomb = rewrite(saved, tmp_path / "bomb.sklann", {"arrays.npz": bytes(64 * 2**20)})
    with pytest.raises(ValueError, match="arrays.npz would unpack to 67,108,864"):
        sklann.load(bomb)
    with zipfile.ZipFile(saved) as archive:
        document = json.loads(archive.read("sklann.json"))
    document["params"]["padding"] = " " * (65 * 2**20)
    padded = rewrite(
        saved, tmp_path / "padded.sklann", {"sklann.json": json.dumps(document)}
    )
    with pytest.raises(ValueError, match="sklann.json would unpack to"):
        sklann.load(padded)
