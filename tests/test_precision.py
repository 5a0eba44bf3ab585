"""Precision: mixed per-model dtype policies, float64, the float32 rounding warning."""

import warnings

import keras
import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer
from sklearn.preprocessing import StandardScaler

from sklann import MLPClassifier

X, Y = load_breast_cancer(return_X_y=True)
X = StandardScaler().fit_transform(X)
PARAMS = dict(
    hidden_layer_sizes=(32, 16),
    batch_normalization="after",
    dropout=0.1,
    epochs=30,
    learning_rate=3e-3,
    patience=None,
    random_state=0,
)


@pytest.fixture(scope="module")
def fits():
    before = keras.config.dtype_policy().name
    fitted = {
        precision: MLPClassifier(**PARAMS, precision=precision).fit(X, Y)
        for precision in ("float32", "mixed_bfloat16", "mixed_float16")
    }
    return before, fitted


def test_global_dtype_policy_is_unchanged(fits):
    before, _ = fits
    assert before == "float32"
    assert keras.config.dtype_policy().name == "float32"
    # a model built afterwards by other code is plain float32
    assert keras.layers.Dense(2).dtype_policy.name == "float32"


@pytest.mark.parametrize("precision", ["mixed_bfloat16", "mixed_float16"])
def test_hidden_layers_compute_in_half_precision_and_the_output_in_float32(
    fits, precision
):
    model = fits[1][precision].model_
    hidden = [layer for layer in model.layers if layer.name != "output"]
    assert {layer.dtype_policy.name for layer in hidden} == {precision}
    assert model.get_layer("hidden_1").compute_dtype == precision.split("_")[1]
    assert model.get_layer("output").dtype_policy.name == "float32"
    assert model(X[:2].astype(np.float32)).dtype == "float32"
    assert all(weight.dtype == "float32" for weight in model.weights)


def test_float16_scales_the_loss_and_bfloat16_does_not(fits):
    fitted = fits[1]
    assert isinstance(
        fitted["mixed_float16"].model_.optimizer, keras.optimizers.LossScaleOptimizer
    )
    assert not isinstance(
        fitted["mixed_bfloat16"].model_.optimizer, keras.optimizers.LossScaleOptimizer
    )


@pytest.mark.parametrize("precision", ["mixed_bfloat16", "mixed_float16"])
def test_half_precision_trains_close_to_float32(fits, precision):
    reference, half = fits[1]["float32"], fits[1][precision]
    assert half.history_["loss"][-1] < 0.3 * half.history_["loss"][0]
    assert half.history_["loss"][-1] == pytest.approx(
        reference.history_["loss"][-1], rel=0.25, abs=0.01
    )
    assert half.score(X, Y) == pytest.approx(reference.score(X, Y), abs=0.02)
    agreement = np.mean(half.predict(X) == reference.predict(X))
    assert agreement > 0.97


# A feature with a large offset: float32 keeps 2 of its 200 values.
OFFSET = np.random.RandomState(0).rand(200, 2) + [0.0, 1e7]
ABOVE_HALF = (OFFSET[:, 1] - 1e7 > 0.5).astype(int)  # readable from column 1 only


def test_float32_training_warns_when_it_rounds_a_feature_away():
    with pytest.warns(UserWarning, match="Column 1 of X varies by less than"):
        MLPClassifier(epochs=1, random_state=0).fit(OFFSET, ABOVE_HALF)


def test_float64_trains_in_double_precision_without_the_warning():
    # End to end, float64 is what makes sample weights equal repeated rows to
    # 1e-7 (tests/test_estimator_checks.py).
    clf = MLPClassifier(epochs=1, patience=None, precision="float64", random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        clf.fit(OFFSET, ABOVE_HALF)
    assert {w.dtype for w in clf._weights if w.dtype.kind == "f"} == {
        np.dtype("float64")
    }
    assert clf.model_.get_layer("output").dtype == "float64"
