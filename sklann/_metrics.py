"""Resolve the ``metrics`` parameter into fresh Keras metric objects."""

import copy
import re

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
            metric = _named(keras.metrics.get(metric), metric)
        elif isinstance(metric, type) and issubclass(metric, keras.metrics.Metric):
            kwargs = {"name": _snake_case(metric.__name__), **(routed or {})}
            metric = metric(**kwargs)
        elif isinstance(metric, keras.metrics.Metric):
            metric = copy.deepcopy(metric)
        elif callable(metric):
            metric = _named(metric, metric.__name__)
        else:
            raise TypeError(
                "metrics must contain metric names, Keras metrics or functions; "
                f"got {metric!r}."
            )
        resolved.append(metric)
    return resolved


def _named(metric, name):
    """A new metric called ``name``, from a Keras metric instance or function.

    Keras makes unnamed metric names unique per process (``auc_1``, ...);
    an explicit name keeps ``history_`` keys stable.
    """
    if isinstance(metric, keras.metrics.Metric):
        return type(metric).from_config({**metric.get_config(), "name": name})
    return keras.metrics.MeanMetricWrapper(metric, name=name)


def _snake_case(class_name):
    """``BinaryAccuracy`` -> ``binary_accuracy``, ``AUC`` -> ``auc``."""
    boundary = r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])"
    return re.sub(boundary, "_", class_name).lower()


def metrics_key(metrics, target_type, routed=None):
    """What the metrics add to a traced program's structure, or None.

    Metric names (with the target type, which picks the accuracy, and any
    routed arguments) can be compared; Keras metric objects and functions
    passed by the user cannot, so a program using them is never shared.

    Examples
    --------
    >>> metrics_key(["accuracy"], "binary")
    (('accuracy',), 'binary', ())
    >>> metrics_key([len], "binary") is None
    True
    """
    metrics = list(metrics or [])
    if not all(isinstance(metric, str) for metric in metrics):
        return None
    routed_items = tuple(sorted((routed or {}).items()))
    try:
        hash(routed_items)
    except TypeError:
        return None
    return tuple(metrics), target_type, routed_items
