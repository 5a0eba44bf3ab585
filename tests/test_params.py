"""Parameter validation at fit: clear errors that name the parameter."""

import numpy as np
import pytest

from sklann import MLPClassifier, MLPRegressor
from sklann._estimator.params import normalize_layer_sizes

X = np.random.RandomState(0).normal(size=(20, 3))
Y = np.arange(20) % 2


@pytest.mark.parametrize(
    "params, message",
    [
        ({"hidden_layer_sizes": (10, 0)}, "hidden_layer_sizes must contain positive"),
        ({"hidden_layer_sizes": (10, -3)}, "hidden_layer_sizes must contain positive"),
        ({"hidden_layer_sizes": (10.5,)}, "hidden_layer_sizes must contain positive"),
        ({"hidden_layer_sizes": 0}, "'hidden_layer_sizes' parameter"),
        ({"activation": "softsign"}, "'activation' parameter"),
        ({"kernel_initializer": "uniformly"}, "'kernel_initializer' parameter"),
        ({"batch_normalization": True}, "'batch_normalization' parameter"),
        ({"dropout": 1.0}, "'dropout' parameter"),
        ({"input_dropout": -0.1}, "'input_dropout' parameter"),
        ({"l2": -1.0}, "'l2' parameter"),
        ({"max_norm": 0.0}, "'max_norm' parameter"),
        ({"optimizer": "adamx"}, "'optimizer' parameter"),
        ({"learning_rate": 0.0}, "'learning_rate' parameter"),
        ({"momentum": 1.5}, "'momentum' parameter"),
        ({"epochs": 0}, "'epochs' parameter"),
        ({"batch_size": 0}, "'batch_size' parameter"),
        ({"batch_size": "big"}, "'batch_size' parameter"),
        ({"class_weight": "auto"}, "'class_weight' parameter"),
        ({"clipnorm": 1.0, "clipvalue": 0.5}, "At most one of clipnorm, clipvalue"),
        ({"clipnorm": 1.0, "global_clipnorm": 2.0}, "At most one of clipnorm"),
    ],
)
def test_invalid_values_are_rejected_with_the_parameter_named(params, message):
    estimator = MLPClassifier(**{"epochs": 1, **params})
    before = estimator.get_params()
    with pytest.raises(ValueError, match=message):
        estimator.fit(X, Y)
    assert estimator.get_params() == before


def test_regressor_loss_names():
    with pytest.raises(ValueError, match="'loss' parameter"):
        MLPRegressor(loss="hinge").fit(X, X[:, 0])


def test_unknown_keyword_is_a_type_error_at_fit():
    estimator = MLPClassifier(hiden_layer_sizes=(3,))
    with pytest.raises(TypeError, match="Unknown parameter 'hiden_layer_sizes'"):
        estimator.fit(X, Y)


def test_routed_parameters_are_kept_by_get_params_and_clone():
    from sklearn.base import clone

    estimator = MLPClassifier(optimizer__beta_1=0.8)
    assert clone(estimator).get_params()["optimizer__beta_1"] == 0.8
    estimator.set_params(optimizer__beta_2=0.95)
    assert estimator.get_params()["optimizer__beta_2"] == 0.95


def test_normalize_layer_sizes_accepts_empty():
    assert normalize_layer_sizes(()) == ()
    assert normalize_layer_sizes(np.array([4, 2])) == (4, 2)
