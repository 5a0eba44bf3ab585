"""Encode targets for the network and decode its outputs.

A target encoder decides the output layer (its width, activation and default
loss) from the training target, turns targets into the arrays the training
engine consumes, and turns the network's outputs back into predictions in the
caller's label space.
"""

import numpy as np
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import column_or_1d

_SUPPORTED_CLASSIFICATION = ("binary", "multiclass", "multilabel-indicator")


class ClassifierTarget:
    """Label encoding for binary, multiclass and multilabel targets.

    Attributes
    ----------
    target_type : str
        ``"binary"``, ``"multiclass"`` or ``"multilabel-indicator"``.
    classes : ndarray
        The sorted labels (for multilabel, the label indices).
    n_outputs : int
        Width of the output layer.
    output_activation : str
        ``"sigmoid"`` or ``"softmax"``.
    default_loss : str
        The cross-entropy that fits the target type.

    Examples
    --------
    >>> encoder = ClassifierTarget().fit(np.array(["b", "a", "b"]))
    >>> encoder.target_type, list(encoder.classes), encoder.n_outputs
    ('binary', [np.str_('a'), np.str_('b')], 1)
    >>> encoder.transform(np.array(["a", "b"])).ravel().tolist()
    [0.0, 1.0]
    """

    def fit(self, y, classes=None):
        """Learn the label set from ``y`` (and ``classes`` when given)."""
        check_classification_targets(y)
        if y.ndim == 2 or classes is None:
            target_type = type_of_target(y)
        else:
            target_type = type_of_target(np.concatenate([np.ravel(classes), y]))
        if target_type not in _SUPPORTED_CLASSIFICATION:
            raise ValueError(
                "MLPClassifier supports binary, multiclass and multilabel-indicator "
                f"targets; got a {target_type} target."
            )
        self.target_type = target_type
        if target_type == "multilabel-indicator":
            self.classes = np.arange(y.shape[1])
            if classes is not None and not np.array_equal(
                np.unique(classes), self.classes
            ):
                raise ValueError(
                    "For a multilabel target, classes are the label columns, "
                    f"{self.classes.tolist()} here (as in scikit-learn's "
                    f"MLPClassifier); got classes={np.asarray(classes).tolist()}."
                )
            self.n_outputs, self.output_activation = y.shape[1], "sigmoid"
            self.default_loss = "binary_crossentropy"
            return self
        self.classes = np.unique(y if classes is None else np.asarray(classes))
        if len(self.classes) < 2:
            raise ValueError(
                "The target needs samples of at least 2 classes, but the data "
                f"contain only one class: {self.classes[0]!r}."
            )
        if len(self.classes) == 2:
            self.target_type = "binary"
            self.n_outputs, self.output_activation = 1, "sigmoid"
            self.default_loss = "binary_crossentropy"
        else:
            self.target_type = "multiclass"
            self.n_outputs, self.output_activation = len(self.classes), "softmax"
            self.default_loss = "sparse_categorical_crossentropy"
        return self

    def transform(self, y, dtype=np.float32):
        """Return the training target: 0/1 floats (of ``dtype``) or class indices."""
        if self.target_type == "multilabel-indicator":
            if y.ndim != 2 or y.shape[1] != self.n_outputs:
                raise ValueError(
                    f"y must be a label indicator matrix with {self.n_outputs} "
                    f"columns, as at the first fit; got shape {y.shape}."
                )
            return np.asarray(y, dtype=dtype)
        unknown = np.setdiff1d(y, self.classes)
        if unknown.size:
            raise ValueError(
                f"y contains labels not seen at the first fit: {unknown.tolist()}; "
                f"the known classes are {self.classes.tolist()}."
            )
        indices = np.searchsorted(self.classes, y)
        if self.target_type == "binary":
            return indices.astype(dtype).reshape(-1, 1)
        return indices.astype(np.int32)

    def class_indices(self, y):
        """Return the index of each label in ``classes`` (for class weights)."""
        return np.searchsorted(self.classes, y)

    def probabilities(self, outputs):
        """Turn network outputs into ``predict_proba``'s array."""
        outputs = np.asarray(outputs, dtype=np.float64)
        if self.target_type == "binary":
            positive = outputs[:, :1]
            return np.hstack([1.0 - positive, positive])
        return outputs

    def labels(self, outputs):
        """Turn network outputs into predicted labels."""
        if self.target_type == "multilabel-indicator":
            return (np.asarray(outputs) > 0.5).astype(int)
        return self.classes[np.argmax(self.probabilities(outputs), axis=1)]


def classifier_1d_target(y):
    """Ravel a column-vector classification target, with scikit-learn's warning.

    A 2-D target with more than one column is a multilabel indicator matrix
    and is returned as it is.
    """
    if y.ndim == 2 and y.shape[1] == 1:
        return column_or_1d(y, warn=True)
    return y


class RegressorTarget:
    """Shape handling and standardisation of regression targets.

    Parameters
    ----------
    poisson : bool, default=False
        Use an exponential output layer, whose predictions stay positive.
    standardize : bool, default=False
        Train on ``(y - mean) / std`` per output, and give predictions back
        in ``y``'s units. Under ``poisson`` the target is only divided by its
        mean, so that it stays non-negative for the exponential output.

    Examples
    --------
    >>> encoder = RegressorTarget(standardize=True).fit(np.array([1.0, 3.0]))
    >>> encoder.n_outputs, encoder.transform(np.array([1.0, 3.0])).ravel().tolist()
    (1, [-1.0, 1.0])
    >>> encoder.predictions(np.array([[0.0], [2.0]])).tolist()
    [2.0, 4.0]
    """

    target_type = "continuous"
    default_loss = "squared_error"
    # Identity scaling; also for models saved before targets were standardised.
    offset = 0.0
    scale = 1.0

    def __init__(self, poisson=False, standardize=False):
        self.output_activation = "exponential" if poisson else "linear"
        self.standardize = standardize

    def fit(self, y, sample_weight=None):
        """Record the number of outputs and, to standardise, ``y``'s statistics."""
        self.n_outputs = 1 if y.ndim == 1 else y.shape[1]
        if self.standardize:
            columns = np.asarray(y, dtype=np.float64).reshape(len(y), -1)
            mean = np.average(columns, axis=0, weights=sample_weight)
            if self.output_activation == "exponential":
                self.offset, spread = np.zeros_like(mean), mean
            else:
                variance = np.average(
                    (columns - mean) ** 2, axis=0, weights=sample_weight
                )
                self.offset, spread = mean, np.sqrt(variance)
            self.scale = np.where(spread > 0, spread, 1.0)
        return self

    def transform(self, y, dtype=np.float32):
        """Return ``y`` as a column matrix of ``dtype`` (standardised in float64)."""
        y = np.asarray(y, dtype=np.float64).reshape(len(y), -1)
        if y.shape[1] != self.n_outputs:
            raise ValueError(
                f"y has {y.shape[1]} outputs, but the model was fitted with "
                f"{self.n_outputs}."
            )
        return ((y - self.offset) / self.scale).astype(dtype)

    def predictions(self, outputs):
        """Predictions in ``y``'s units, one-dimensional for a single output."""
        outputs = np.asarray(outputs, dtype=np.float64) * self.scale + self.offset
        return outputs.ravel() if self.n_outputs == 1 else outputs

    def spread(self, outputs_std):
        """A standard deviation of the outputs (MC dropout) in ``y``'s units."""
        spread = np.asarray(outputs_std, dtype=np.float64) * self.scale
        return spread.ravel() if self.n_outputs == 1 else spread
