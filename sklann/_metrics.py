"""Resolve the ``metrics`` parameter into fresh Keras metric objects."""

import copy

import keras

# "accuracy" means a different Keras metric for each output layer.
_ACCURACY = {
    "binary": keras.metrics.BinaryAccuracy,
    "multilabel-indicator": keras.metrics.BinaryAccuracy,
    "multiclass": keras.metrics.SparseCategoricalAccuracy,
}


def build_metrics(metrics, target_type, routed=None):
    """Return new Keras metric objects for one fit.

    Parameters
    ----------
    metrics : list or None
        Metric names (``"accuracy"`` picks the accuracy that fits the target),
        Keras metric classes or instances (instances are copied, so the
        caller's objects keep their state), or functions ``(y_true, y_pred)``.
    target_type : str
        ``"binary"``, ``"multiclass"``, ``"multilabel-indicator"`` or
        ``"continuous"``.
    routed : dict, default=None
        Constructor arguments for metric classes (``metrics__num_thresholds``).

    Returns
    -------
    list of keras.metrics.Metric

    Examples
    --------
    >>> [m.name for m in build_metrics(["accuracy", "auc"], "binary")]
    ['accuracy', 'auc']
    """
    resolved = []
    for metric in metrics or []:
        if metric in ("accuracy", "acc") and target_type in _ACCURACY:
            metric = _ACCURACY[target_type](name="accuracy")
        elif isinstance(metric, str):
            metric = keras.metrics.get(metric)
        if isinstance(metric, type) and issubclass(metric, keras.metrics.Metric):
            metric = metric(**(routed or {}))
        elif isinstance(metric, keras.metrics.Metric):
            metric = copy.deepcopy(metric)
        elif callable(metric):
            metric = keras.metrics.MeanMetricWrapper(metric, name=metric.__name__)
        else:
            raise TypeError(
                "metrics must contain metric names, Keras metrics or functions; "
                f"got {metric!r}."
            )
        resolved.append(metric)
    return resolved
