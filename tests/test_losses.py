"""Per-sample losses."""

import keras
import numpy as np
import pytest

from sklann._training.losses import per_sample_loss

Y_TRUE = np.array([[0.0], [1.0], [2.0]], dtype=np.float32)
Y_PRED = np.array([[1.0], [1.0], [4.0]], dtype=np.float32)


@pytest.mark.parametrize(
    "name, expected",
    [
        ("squared_error", [1.0, 0.0, 4.0]),
        ("absolute_error", [1.0, 0.0, 2.0]),
        ("huber", [0.5, 0.0, 1.5]),
        ("poisson", [1.0, 1.0, 4.0 - 2.0 * np.log(4.0)]),
    ],
)
def test_regression_losses_per_sample(name, expected):
    values = np.asarray(per_sample_loss(name)(Y_TRUE, Y_PRED))
    np.testing.assert_allclose(values, expected, rtol=1e-5, atol=1e-6)


def test_keras_instance_is_copied_with_no_reduction():
    mine = keras.losses.Huber(delta=0.5)
    loss = per_sample_loss(mine)
    assert loss is not mine and mine.reduction == "sum_over_batch_size"
    assert loss.reduction is None
    # Huber with delta 0.5 on errors 1, 0, 2: 0.5 * (|e| - 0.25)
    np.testing.assert_allclose(np.asarray(loss(Y_TRUE, Y_PRED)), [0.375, 0.0, 0.875])


def test_keras_class_takes_routed_arguments():
    loss = per_sample_loss(keras.losses.Huber, routed={"delta": 3.0})
    np.testing.assert_allclose(np.asarray(loss(Y_TRUE, Y_PRED))[2], 2.0)
