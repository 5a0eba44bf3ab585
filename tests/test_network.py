"""The Keras network built from the estimators' architecture parameters."""

import keras
import numpy as np
import pytest

from sklann import MLPClassifier, MLPRegressor
from sklann._network.activations import ACTIVATIONS
from sklann._network.keras_build import build_network
from sklann._network.spec import INITIALIZER_CLASSES, NetworkSpec

RNG = np.random.RandomState(0)
X = RNG.normal(size=(40, 5)).astype(np.float32)
Y_BINARY = (X[:, 0] > 0).astype(int)
Y_MULTI = np.digitize(X[:, 0], [-0.5, 0.5])


def initialized(**params):
    """A classifier whose network is built (not trained) on the toy data."""
    return MLPClassifier(random_state=0, **params).initialize(X, Y_MULTI).model_


def layer_kinds(model):
    return [type(layer).__name__ for layer in model.layers]


def test_layer_order_with_batch_norm_before_and_dropout():
    model = initialized(
        hidden_layer_sizes=(8, 4),
        batch_normalization="before",
        dropout=0.2,
        input_dropout=0.1,
    )
    assert layer_kinds(model) == [
        "Dropout",
        "Dense",
        "BatchNormalization",
        "Activation",
        "Dropout",
        "Dense",
        "BatchNormalization",
        "Activation",
        "Dropout",
        "Dense",
    ]
    hidden = model.get_layer("hidden_1")
    assert hidden.activation.__name__ == "linear"
    assert not hidden.use_bias  # batch norm's shift replaces the bias
    assert model.get_layer("activation_1").activation.__name__ == "relu"
    assert model.get_layer("input_dropout").rate == pytest.approx(0.1)


def test_batch_norm_after_activation():
    model = initialized(hidden_layer_sizes=(8,), batch_normalization="after")
    assert layer_kinds(model) == ["Dense", "BatchNormalization", "Dense"]
    assert model.get_layer("hidden_1").activation.__name__ == "relu"


def test_no_hidden_layer_is_a_logistic_model():
    model = initialized(hidden_layer_sizes=())
    assert layer_kinds(model) == ["Dense"]
    assert model.get_layer("output").activation.__name__ == "softmax"


@pytest.mark.parametrize(
    "y, units, activation",
    [(Y_BINARY, 1, "sigmoid"), (Y_MULTI, 3, "softmax")],
    ids=["binary", "multiclass"],
)
def test_classifier_output_layer(y, units, activation):
    model = MLPClassifier(hidden_layer_sizes=(4,)).initialize(X, y).model_
    output = model.get_layer("output")
    assert output.units == units
    assert output.activation.__name__ == activation


@pytest.mark.parametrize(
    "loss, activation", [("squared_error", "linear"), ("poisson", "exponential")]
)
def test_regressor_output_layer(loss, activation):
    y = np.abs(X[:, :2])
    model = MLPRegressor(hidden_layer_sizes=(4,), loss=loss).initialize(X, y).model_
    assert model.get_layer("output").units == 2
    assert model.get_layer("output").activation.__name__ == activation


@pytest.mark.parametrize(
    "activation, initializer_class",
    [
        # Keras's default for all but SELU (measured: docs/guide/activations.rst)
        ("relu", keras.initializers.GlorotUniform),
        ("elu", keras.initializers.GlorotUniform),
        ("leaky_relu", keras.initializers.GlorotUniform),
        ("selu", keras.initializers.LecunNormal),
        ("tanh", keras.initializers.GlorotUniform),
        ("sigmoid", keras.initializers.GlorotUniform),
    ],
)
def test_auto_initializer_is_glorot_but_for_selu(activation, initializer_class):
    model = initialized(hidden_layer_sizes=(8,), activation=activation)
    assert type(model.get_layer("hidden_1").kernel_initializer) is initializer_class
    # the softmax output layer always starts from Glorot
    output_init = model.get_layer("output").kernel_initializer
    assert type(output_init) is keras.initializers.GlorotUniform


def test_every_activation_has_an_auto_initializer():
    known = {*INITIALIZER_CLASSES, "zeros"}
    assert all(entry.initializer in known for entry in ACTIVATIONS.values())


def test_explicit_initializer_applies_to_every_kernel():
    model = initialized(hidden_layer_sizes=(8,), kernel_initializer="orthogonal")
    for name in ("hidden_1", "output"):
        kernel_init = model.get_layer(name).kernel_initializer
        assert type(kernel_init) is keras.initializers.Orthogonal


def test_zeros_initializer_gives_zero_kernels():
    model = initialized(hidden_layer_sizes=(8,), kernel_initializer="zeros")
    assert not np.any(model.get_layer("hidden_1").kernel.numpy())


def test_selu_uses_alpha_dropout():
    model = initialized(hidden_layer_sizes=(8,), activation="selu", dropout=0.3)
    assert type(model.get_layer("dropout_1")) is keras.layers.AlphaDropout
    relu_model = initialized(hidden_layer_sizes=(8,), dropout=0.3)
    assert type(relu_model.get_layer("dropout_1")) is keras.layers.Dropout


def test_regularizers_and_max_norm_on_every_kernel():
    model = initialized(hidden_layer_sizes=(8, 8), l1=1e-4, l2=1e-3, max_norm=2.5)
    for name in ("hidden_1", "hidden_2", "output"):
        layer = model.get_layer(name)
        config = layer.kernel_regularizer.get_config()
        assert config["l1"] == pytest.approx(1e-4)
        assert config["l2"] == pytest.approx(1e-3)
        assert isinstance(layer.kernel_constraint, keras.constraints.MaxNorm)
        assert layer.kernel_constraint.max_value == 2.5


def test_no_penalty_means_no_regularizer():
    model = initialized(hidden_layer_sizes=(8,))
    assert model.get_layer("hidden_1").kernel_regularizer is None
    assert model.get_layer("hidden_1").kernel_constraint is None


def test_max_norm_holds_after_training():
    clf = MLPClassifier(
        hidden_layer_sizes=(8,),
        max_norm=0.5,
        learning_rate=0.1,
        epochs=20,
        random_state=0,
    ).fit(X, Y_MULTI)
    kernel = clf.model_.get_layer("hidden_1").kernel.numpy()
    assert np.linalg.norm(kernel, axis=0).max() <= 0.5 + 1e-5


def test_same_seed_builds_same_weights():
    spec = NetworkSpec(
        n_features=5,
        n_outputs=1,
        output_activation="sigmoid",
        hidden_layer_sizes=(8,),
        activation="relu",
        kernel_initializer="he_normal",
        output_initializer="glorot_uniform",
    )
    first, second, other = (build_network(spec, seed) for seed in (1, 1, 2))
    for a, b in zip(first.get_weights(), second.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first.get_weights()[0], other.get_weights()[0])
