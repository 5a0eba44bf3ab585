"""Optimizers from the flat optimizer parameters."""

import keras
import pytest

from sklann._training.optimizers import OPTIMIZER_CLASSES, build_optimizer

FLAT = dict(
    learning_rate=0.05,
    momentum=0.8,
    nesterov=False,
    weight_decay=None,
    clipnorm=None,
    clipvalue=None,
    global_clipnorm=None,
)


@pytest.mark.parametrize("name", sorted(OPTIMIZER_CLASSES))
def test_every_name_builds_its_class_with_the_learning_rate(name):
    optimizer = build_optimizer(name, **FLAT)
    assert type(optimizer) is OPTIMIZER_CLASSES[name]
    assert float(optimizer.learning_rate) == pytest.approx(0.05)


def test_momentum_and_nesterov_reach_sgd_and_rmsprop_only():
    sgd = build_optimizer("sgd", **FLAT)
    assert sgd.momentum == pytest.approx(0.8) and sgd.nesterov is False
    assert build_optimizer("rmsprop", **FLAT).momentum == pytest.approx(0.8)
    assert not hasattr(build_optimizer("adam", **FLAT), "momentum")


@pytest.mark.parametrize("clip", ["clipnorm", "clipvalue", "global_clipnorm"])
def test_clipping_and_weight_decay(clip):
    optimizer = build_optimizer("adam", **{**FLAT, clip: 0.5, "weight_decay": 1e-4})
    assert getattr(optimizer, clip) == 0.5
    assert optimizer.weight_decay == pytest.approx(1e-4)


def test_routed_parameters_override():
    optimizer = build_optimizer("adam", routed={"beta_1": 0.7}, **FLAT)
    assert optimizer.beta_1 == pytest.approx(0.7)


def test_class_and_instance():
    assert (
        type(build_optimizer(keras.optimizers.Nadam, **FLAT)) is keras.optimizers.Nadam
    )
    mine = keras.optimizers.Adam(learning_rate=0.123)
    copy = build_optimizer(mine, **FLAT)
    assert copy is not mine
    assert float(copy.learning_rate) == pytest.approx(0.123)


def test_unknown_class_is_a_type_error():
    with pytest.raises(TypeError, match="optimizer must be one of"):
        build_optimizer(dict, **FLAT)
