"""sklann's own update steps train exactly as Keras's optimizers in ``model.fit``.

The network starts from the same weights (``initialize``), sees the same
batches (``shuffle=False``) and draws the same dropout masks (the same seed
generator states), so both runs must end with the same weights, to float
rounding.
"""

import keras
import numpy as np
import pytest

from sklann import MLPClassifier, MLPRegressor

RNG = np.random.RandomState(0)
X = RNG.normal(size=(48, 5)).astype(np.float32)
Y = (X[:, 0] + 0.5 * X[:, 1] > 0).astype(int)
BATCH, EPOCHS = 16, 3

OPTIMIZERS = [
    ("sgd", {"momentum": 0.0}),
    ("sgd", {"momentum": 0.9, "nesterov": False}),
    ("sgd", {"momentum": 0.9, "nesterov": True}),
    ("adam", {}),
    ("adam", {"optimizer__amsgrad": True, "optimizer__beta_2": 0.99}),
    ("adamw", {"weight_decay": 0.01}),
    ("nadam", {}),
    ("rmsprop", {"momentum": 0.0}),
    ("rmsprop", {"momentum": 0.5, "optimizer__centered": True}),
    ("adagrad", {}),
    ("adadelta", {}),
    ("adamax", {}),
    ("adam", {"clipnorm": 0.05}),
    ("adam", {"clipvalue": 0.01}),
    ("sgd", {"global_clipnorm": 0.1, "momentum": 0.0}),
    ("adam", {"weight_decay": 0.05}),
    # The weights' moving average (Keras's use_ema), flat or routed.
    ("adam", {"ema_momentum": 0.9}),
    ("nadam", {"ema_momentum": 0.5, "max_norm": 0.5}),
    ("sgd", {"optimizer__use_ema": True, "momentum": 0.9}),
]


def assert_trains_like_keras(estimator, X, y, keras_y, loss):
    """Train ``estimator`` from its initial network, and a copy with Keras's fit."""
    estimator.set_params(
        learning_rate=0.05,
        epochs=EPOCHS,
        batch_size=BATCH,
        shuffle=False,
        patience=None,
        random_state=0,
    ).initialize(X, y)
    reference = keras.models.clone_model(estimator.model_)
    reference.set_weights(estimator.model_.get_weights())
    reference.compile(
        optimizer=estimator._build_optimizer(), loss=loss, jit_compile=False
    )
    reference.fit(X, keras_y, epochs=EPOCHS, batch_size=BATCH, shuffle=False, verbose=0)
    estimator.set_params(warm_start=True).fit(X, y)
    mine, theirs = estimator.model_.get_weights(), reference.get_weights()
    for ours, keras_weights in zip(mine, theirs, strict=True):
        np.testing.assert_allclose(ours, keras_weights, rtol=2e-4, atol=2e-5)


@pytest.mark.parametrize(
    "optimizer, settings",
    OPTIMIZERS,
    ids=[
        f"{name}-{'-'.join(map(str, settings.values()))}"
        for name, settings in OPTIMIZERS
    ],
)
def test_every_optimizer_matches_keras(optimizer, settings):
    clf = MLPClassifier(hidden_layer_sizes=(8, 4), optimizer=optimizer, **settings)
    binary = Y.reshape(-1, 1).astype(np.float32)
    assert_trains_like_keras(clf, X, Y, binary, "binary_crossentropy")


@pytest.mark.parametrize(
    "params",
    [
        {"dropout": 0.3, "input_dropout": 0.2},
        {"activation": "selu", "dropout": 0.2},
        {"batch_normalization": "before"},
        {"batch_normalization": "after", "dropout": 0.1},
        {"l1": 1e-3, "l2": 1e-2, "max_norm": 0.5},
    ],
    ids=[
        "dropout",
        "alpha-dropout",
        "batch-norm-before",
        "batch-norm-after",
        "penalties",
    ],
)
def test_layers_penalties_and_constraints_match_keras(params):
    reg = MLPRegressor(  # Keras trains on y as it is
        hidden_layer_sizes=(8, 4), optimizer="sgd", standardize_target=False, **params
    )
    assert_trains_like_keras(reg, X, X[:, :2], X[:, :2], "mse")
