"""Resolving the metrics parameter."""

import keras
import pytest

from sklann._training.metrics import build_metrics


@pytest.mark.parametrize(
    "target_type, metric_class",
    [
        ("binary", keras.metrics.BinaryAccuracy),
        ("multilabel-indicator", keras.metrics.BinaryAccuracy),
        ("multiclass", keras.metrics.SparseCategoricalAccuracy),
    ],
)
def test_accuracy_follows_the_target(target_type, metric_class):
    (metric,) = build_metrics(["accuracy"], target_type)
    assert type(metric) is metric_class and metric.name == "accuracy"


def test_instances_are_copied_and_functions_wrapped():
    mine = keras.metrics.AUC(name="my_auc")
    metric, wrapped = build_metrics([mine, keras.losses.mean_squared_error], "binary")
    assert metric is not mine and metric.name == "my_auc"
    assert isinstance(wrapped, keras.metrics.MeanMetricWrapper)


def test_classes_take_routed_arguments():
    (metric,) = build_metrics([keras.metrics.AUC], "binary", {"num_thresholds": 50})
    assert metric.num_thresholds == 50


def test_bad_metric_is_a_type_error():
    with pytest.raises(TypeError, match="metrics must contain"):
        build_metrics([3], "binary")


def test_names_stay_stable_across_fits():
    for _ in range(2):
        names = [m.name for m in build_metrics(["auc", keras.metrics.AUC], "binary")]
        assert names == ["auc", "auc"]
