"""``n_ensemble``: TabM-mini's members, trained as one network."""

import zipfile

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.metrics import log_loss

import sklann
from sklann import MLPClassifier, MLPRegressor
from sklann._inference import _STEPS, forward
from sklann._network.keras_build import build_network
from sklann._network.layers import network_layers
from sklann._network.spec import NetworkSpec, initial_weights
from sklann._training.pool import PROGRAMS
from tests.round_trip import assert_save_and_pickle_keep

RNG = np.random.default_rng(0)
X = RNG.normal(size=(300, 4)).astype(np.float32)
Y = np.digitize(X[:, 0] + 0.5 * X[:, 1] + RNG.normal(scale=0.5, size=300), [-1, 1])
MEMBERS = 4
ENSEMBLE = dict(hidden_layer_sizes=(16,), epochs=15, n_ensemble=MEMBERS, random_state=0)


@pytest.fixture(scope="module")
def ensemble():
    return MLPClassifier(**ENSEMBLE).fit(X, Y)


def members_outputs(estimator, X):
    """Each member's probabilities or values, from the fitted arrays (NumPy)."""
    layers = network_layers(estimator._spec)
    weights, steps = iter(estimator._weights), []
    for layer in layers:
        variables = [next(weights) for _ in layer.variables()]
        steps.append(_STEPS[layer.kind](layer, variables, estimator._spec, None, float))
    hidden = forward([step for step in steps[:-1] if step is not None], X)
    kernel, bias = estimator._weights[-2:]
    logits = np.einsum("bkh,kho->bko", hidden.reshape(len(X), MEMBERS, -1), kernel)
    logits = logits + bias
    exp = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return exp / exp.sum(axis=-1, keepdims=True)  # (rows, members, classes)


def _spec(**settings):
    return NetworkSpec(
        n_features=4,
        n_outputs=3,
        output_activation="softmax",
        hidden_layer_sizes=(5,),
        activation="relu",
        kernel_initializer="glorot_uniform",
        output_initializer="glorot_uniform",
        n_ensemble=MEMBERS,
        **settings,
    )


@pytest.mark.parametrize("embedding", [None, "periodic"])
def test_keras_network_starts_from_the_arrays_sklann_trains(embedding):
    spec = _spec(numerical_embedding=embedding, embedding_dim=2)
    model = build_network(spec, seed=3)
    weights = initial_weights(spec, seed=3)
    for keras_weight, array in zip(model.get_weights(), weights, strict=True):
        np.testing.assert_array_equal(keras_weight, array)
    # ..., member scales, hidden kernel and bias, member kernels and biases
    scales, kernels = weights[-5], weights[-2]
    assert kernels.shape == (MEMBERS, 5, 3)
    if embedding is None:  # TabM-mini's random signs
        assert set(np.unique(scales)) <= {-1.0, 1.0}
    else:  # normal scales after an embedding
        assert len(np.unique(scales)) == scales.size
    # Each member's output kernel is drawn as a Dense layer's, not shrunk.
    limit = np.sqrt(6 / (5 + 3))
    assert np.abs(kernels).max() <= limit
    assert np.abs(kernels).max() > limit / 2
    assert not np.allclose(kernels[0], kernels[1])


def test_predictions_are_the_members_mean_and_keras_agrees(ensemble):
    members = members_outputs(ensemble, X)
    np.testing.assert_allclose(ensemble.predict_proba(X), members.mean(axis=1))
    keras_outputs = np.asarray(ensemble.model_(X, training=False), np.float64)
    np.testing.assert_allclose(
        ensemble.predict_proba(X), keras_outputs, rtol=1e-5, atol=1e-6
    )
    # The members were trained apart enough to disagree.
    assert np.abs(members[:, 0] - members[:, 1]).max() > 0.05


def test_sparse_input_predicts_as_dense(ensemble):
    np.testing.assert_allclose(
        ensemble.predict_proba(sp.csr_matrix(X)), ensemble.predict_proba(X)
    )


def test_early_stopping_watches_the_members_mean_loss():
    clf = MLPClassifier(
        **ENSEMBLE, early_stopping=True, validation_split=0.2, patience=3
    ).fit(X, Y)
    _, (X_val, targets, _) = clf._validation_split(
        X,
        clf.target_encoder_.transform(Y),
        np.ones(len(Y), dtype=np.float32),
        clf.target_encoder_,
        clf._split_seed,
    )
    members = members_outputs(clf, X_val)
    labels = np.arange(3)
    losses = [log_loss(targets, members[:, k], labels=labels) for k in range(MEMBERS)]
    best = clf.history_["val_loss"][clf.best_epoch_]
    assert np.mean(losses) == pytest.approx(best, rel=1e-4)


def test_a_regressor_ensemble_averages_values():
    y = X[:, 0] - X[:, 2] ** 2
    reg = MLPRegressor(**dict(ENSEMBLE, epochs=60, learning_rate=0.01)).fit(X, y)
    assert reg.score(X, y) > 0.9  # a plain (16,) network: 0.956
    assert reg.predict(X).shape == (len(X),)
    keras_outputs = np.asarray(reg.model_(X, training=False), np.float64)
    in_y_units = reg.target_encoder_.predictions(keras_outputs)
    np.testing.assert_allclose(reg.predict(X), in_y_units, rtol=1e-4, atol=1e-5)


def test_the_members_count_is_not_part_of_the_traced_program():
    small = MLPClassifier(**dict(ENSEMBLE, epochs=1, n_ensemble=2)).fit(X, Y)
    traces = PROGRAMS.traces()
    MLPClassifier(**dict(ENSEMBLE, epochs=1, n_ensemble=5)).fit(X, Y)
    assert PROGRAMS.traces() == traces
    assert small._weights[-2].shape[0] == 2


def test_save_load_and_pickle_keep_the_ensemble(ensemble, tmp_path):
    assert_save_and_pickle_keep(ensemble, X, tmp_path)


def test_a_file_with_a_bad_members_count_is_refused(ensemble, tmp_path):
    path = tmp_path / "ensemble.sklann"
    sklann.save(ensemble, path)
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    document = members["sklann.json"].decode()
    assert f'"n_ensemble": {MEMBERS}' in document
    members["sklann.json"] = document.replace(
        f'"n_ensemble": {MEMBERS}', '"n_ensemble": -3'
    ).encode()
    tampered = tmp_path / "tampered.sklann"
    with zipfile.ZipFile(tampered, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    with pytest.raises(ValueError, match="its ensemble has -3 members"):
        sklann.load(tampered)


def test_a_bad_members_count_is_refused_by_name():
    with pytest.raises(ValueError, match="n_ensemble"):
        MLPClassifier(n_ensemble=0, epochs=1).fit(X, Y)
