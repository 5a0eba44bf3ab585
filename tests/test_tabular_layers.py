"""The periodic numerical embedding and the per-feature scaling layer."""

import numpy as np
import pytest
import scipy.sparse as sp

from sklann import MLPClassifier, MLPRegressor
from sklann._network.keras_build import build_network
from sklann._network.spec import NetworkSpec, initial_weights
from tests.round_trip import assert_save_and_pickle_keep

RNG = np.random.default_rng(0)
X = RNG.uniform(-2, 2, size=(400, 3)).astype(np.float32)
# A periodic target, the kind a periodic embedding is for.
Y = (np.sin(3 * X[:, 0]) > 0).astype(int)

TABULAR = dict(
    numerical_embedding="periodic",
    embedding_dim=4,
    embedding_frequencies=6,
    embedding_scale=0.3,
    feature_scaling=True,
)


@pytest.fixture(scope="module")
def embedded():
    return MLPClassifier(
        hidden_layer_sizes=(16,), epochs=80, random_state=0, **TABULAR
    ).fit(X, Y)


def _spec(**layers):
    return NetworkSpec(
        n_features=3,
        n_outputs=1,
        output_activation="sigmoid",
        hidden_layer_sizes=(5,),
        activation="relu",
        kernel_initializer="glorot_uniform",
        output_initializer="glorot_uniform",
        **layers,
    )


def test_keras_network_starts_from_the_arrays_sklann_trains():
    spec = _spec(
        numerical_embedding="periodic",
        embedding_dim=4,
        embedding_frequencies=6,
        feature_scaling=True,
    )
    model = build_network(spec, seed=3)
    assert [tuple(w.shape) for w in model.weights][:4] == [
        (3, 6),
        (3, 12, 4),
        (3, 4),
        (15,),
    ]
    for keras_weight, array in zip(
        model.get_weights(), initial_weights(spec, seed=3), strict=True
    ):
        np.testing.assert_array_equal(keras_weight, array)


def test_the_initial_frequencies_follow_embedding_scale():
    spec = _spec(numerical_embedding="periodic", embedding_frequencies=2000)
    wide = _spec(
        numerical_embedding="periodic", embedding_frequencies=2000, embedding_scale=1.0
    )
    assert initial_weights(spec, 0)[0].std() == pytest.approx(0.1, rel=0.05)
    assert initial_weights(wide, 0)[0].std() == pytest.approx(1.0, rel=0.05)


def test_numpy_prediction_matches_the_keras_model(embedded):
    keras_outputs = np.asarray(embedded.model_(X, training=False), np.float64)
    np.testing.assert_allclose(
        embedded.predict_proba(X)[:, 1:], keras_outputs, rtol=1e-5, atol=1e-6
    )


def test_sparse_input_predicts_as_dense(embedded):
    np.testing.assert_allclose(
        embedded.predict_proba(sp.csr_matrix(X)), embedded.predict_proba(X)
    )


def test_the_embedding_and_the_scales_are_trained(embedded):
    spec = embedded._spec
    start = initial_weights(spec, embedded._network_seed)
    pairs = zip(start[:4], embedded._weights[:4], strict=True)
    moved = [not np.allclose(a, b) for a, b in pairs]
    assert moved == [True, True, True, True]  # frequencies, kernels, biases, scales


def test_a_periodic_embedding_fits_a_periodic_target(embedded):
    plain = MLPClassifier(hidden_layer_sizes=(16,), epochs=80, random_state=0)
    plain.fit(X, Y)
    # Three periods of a sine over the range: a (16,) ReLU layer on the raw
    # feature finds few of its six boundaries in 40 epochs; the embedding
    # represents them directly.
    assert embedded.score(X, Y) > 0.95
    assert plain.score(X, Y) < embedded.score(X, Y) - 0.1


def test_save_load_and_pickle_keep_the_embedding(embedded, tmp_path):
    assert_save_and_pickle_keep(embedded, X, tmp_path)


def test_regressor_trains_with_an_embedding():
    y = np.sin(3 * X[:, 0]) + 0.1 * X[:, 1]
    reg = MLPRegressor(hidden_layer_sizes=(16,), epochs=80, random_state=0, **TABULAR)
    plain = MLPRegressor(hidden_layer_sizes=(16,), epochs=80, random_state=0)
    assert reg.fit(X, y).score(X, y) > 0.95  # the plain network: R² 0.24
    assert plain.fit(X, y).score(X, y) < 0.5


@pytest.mark.parametrize(
    "name, value, message",
    [
        ("numerical_embedding", "piecewise", "numerical_embedding"),
        ("embedding_dim", 0, "embedding_dim"),
        ("embedding_scale", 0.0, "embedding_scale"),
    ],
)
def test_bad_embedding_settings_are_refused_by_name(name, value, message):
    with pytest.raises(ValueError, match=message):
        MLPClassifier(epochs=1, **{name: value}).fit(X, Y)
