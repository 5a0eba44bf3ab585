"""Resolve the ``metrics`` parameter into metrics the compiled step updates.

The training step carries each metric's state through its loops (nothing is
stored in variables, so concurrent fits never share a metric): a metric here
has a ``name``, an ``initial_state()``, an ``update(state, y_true, y_pred,
sample_weight)`` and a ``result(state)``, all graph code. Keras metrics are
used through their stateless API (:class:`KerasMetric`); ``"accuracy"``, the
most common, is written out (:class:`Accuracy`), since tracing a Keras
metric's update costs about a quarter of a second.
"""

import copy
import re

import keras
import tensorflow as tf

from .._estimator.names import Names, suggest


class KerasMetric:
    """A Keras metric, updated statelessly."""

    def __init__(self, metric):
        self.metric = metric
        self.name = metric.name

    def initial_state(self):
        return [tf.zeros_like(variable.value) for variable in self.metric.variables]

    def update(self, state, y_true, y_pred, sample_weight):
        return self.metric.stateless_update_state(
            state, y_true, y_pred, sample_weight=sample_weight
        )

    def result(self, state):
        return tf.cast(self.metric.stateless_result(state), tf.float32)


class Accuracy:
    """Keras's ``BinaryAccuracy`` or ``SparseCategoricalAccuracy``, written out.

    The weighted mean of the per-sample accuracy (the mean over the labels
    of a multilabel target), as Keras computes it.
    """

    def __init__(self, name, multiclass, threshold=0.5):
        self.name = name
        self.multiclass = multiclass
        self.threshold = threshold

    def initial_state(self):
        return [tf.constant(0.0), tf.constant(0.0)]

    def update(self, state, y_true, y_pred, sample_weight):
        if self.multiclass:
            labels = tf.cast(tf.reshape(y_true, [-1]), tf.float32)
            predicted = tf.cast(tf.argmax(y_pred, axis=-1), tf.float32)
            matches = tf.cast(tf.equal(labels, predicted), tf.float32)
        else:
            predicted = tf.cast(y_pred > self.threshold, y_true.dtype)
            matches = tf.cast(tf.equal(y_true, predicted), tf.float32)
            matches = tf.reduce_mean(matches, axis=-1)
        total, count = state
        weights = tf.cast(sample_weight, tf.float32)
        return [
            total + tf.reduce_sum(matches * weights),
            count + tf.reduce_sum(weights),
        ]

    def result(self, state):
        total, count = state
        return tf.math.divide_no_nan(total, count)


def graph_metric(metric):
    """The graph metric of a Keras metric (:class:`Accuracy` for the accuracies).

    Examples
    --------
    >>> type(graph_metric(keras.metrics.BinaryAccuracy())).__name__
    'Accuracy'
    >>> type(graph_metric(keras.metrics.AUC())).__name__
    'KerasMetric'
    """
    if type(metric) is keras.metrics.BinaryAccuracy:
        return Accuracy(metric.name, multiclass=False, threshold=metric.threshold)
    if type(metric) is keras.metrics.SparseCategoricalAccuracy:
        return Accuracy(metric.name, multiclass=True)
    return KerasMetric(metric)


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
            metric = _named(_keras_metric(metric), metric)
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


def _keras_metric(name):
    """``keras.metrics.get(name)``, or an error with the closest Keras name."""
    try:
        return keras.metrics.get(name)
    except ValueError:
        public = [n for n in dir(keras.metrics) if not n.startswith("_")]
        known = Names({"accuracy", *map(_snake_case, public)})
        raise ValueError(
            f"metrics: {name!r} is not a Keras metric name.{suggest(name, [known])}"
        ) from None


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
