"""MLPClassifier: a Keras multilayer perceptron as a scikit-learn classifier."""

import numpy as np
from sklearn.base import ClassifierMixin
from sklearn.utils.class_weight import compute_class_weight

from .._compat import _fit_context
from .base import BaseMLP, extend_signature
from .docs import with_shared_sections
from .params import CLASSIFIER_CONSTRAINTS
from .targets import ClassifierTarget, classifier_1d_target


@with_shared_sections
class MLPClassifier(ClassifierMixin, BaseMLP):
    """Multilayer perceptron classifier trained with Keras.

    Handles binary, multiclass and multilabel-indicator targets with string
    or integer labels. The output layer and loss follow the target: a sigmoid
    unit with binary cross-entropy, a softmax with sparse categorical
    cross-entropy, or one sigmoid per label.

    Parameters
    ----------
    {parameters}

    loss : str, keras.losses.Loss or callable, default="auto"
        ``"auto"`` (or scikit-learn's ``"log_loss"``) uses the cross-entropy
        that fits the target. The Keras names are accepted where they fit it:
        ``"binary_crossentropy"`` for binary and multilabel targets,
        ``"categorical_crossentropy"`` or ``"sparse_categorical_crossentropy"``
        for binary and multiclass ones (labels are encoded for you, so the
        two are the same); another target gets an error naming the right one.

    class_weight : dict, "balanced" or None, default=None
        Weights per class, multiplied into ``sample_weight``.

    label_smoothing : float in [0, 1), default=0.0
        Trains on the targets ``y * (1 - label_smoothing) + label_smoothing
        / n_classes`` (Keras's smoothing; a binary or multilabel target
        counts two classes per label), which keeps the network from pushing
        its logits to infinity. Needs a named loss: a Keras loss object
        brings its own.

    Attributes
    ----------
    classes_ : ndarray
        The class labels (label indices for a multilabel target).

    n_classes_ : int
        Number of classes (labels for a multilabel target).

    {attributes}

    See Also
    --------
    MLPRegressor : The regressor with the same parameters.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklann import MLPClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = MLPClassifier(hidden_layer_sizes=(16,), learning_rate=0.01,
    ...                     epochs=100, random_state=0).fit(X, y)
    >>> clf.predict(X[:3])
    array([0, 0, 0])
    >>> round(clf.score(X, y), 1) >= 0.9
    True
    """

    _parameter_constraints = CLASSIFIER_CONSTRAINTS
    _y_numeric = False

    def __init__(self, *, class_weight=None, label_smoothing=0.0, **params):
        super().__init__(**params)
        self.class_weight = class_weight
        self.label_smoothing = label_smoothing

    __init__.__signature__ = extend_signature(
        BaseMLP.__init__, class_weight=None, label_smoothing=0.0
    )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags

    def _prepare_target(self, y):
        return classifier_1d_target(y)

    def _target_encoder(self, y, classes, sample_weight=None):
        return ClassifierTarget().fit(y, classes)

    def _loss_name(self, target):
        loss = self._name("loss")
        fits = {
            "binary_crossentropy": ("binary", "multilabel-indicator"),
            "categorical_crossentropy": ("binary", "multiclass"),
        }
        if isinstance(loss, str) and loss in fits:
            if target.target_type not in fits[loss]:
                raise ValueError(
                    f"loss={self.loss!r} does not fit a {target.target_type} "
                    f"target; use loss='auto', which is {target.default_loss!r} "
                    "for it."
                )
            return target.default_loss
        return super()._loss_name(target)

    def _loss_settings(self):
        named = isinstance(self._name("loss"), str)
        settings = super()._loss_settings()
        return with_label_smoothing(settings, self.label_smoothing, named)

    def _check_continued_target(self, y, incremental):
        # As scikit-learn's MLP: a warm start continues on the same classes.
        # partial_fit takes batches with some classes only.
        if incremental or self.target_encoder_.target_type == "multilabel-indicator":
            return
        present = np.unique(y)
        if not np.array_equal(present, self.classes_):
            raise ValueError(
                "warm_start can only be used where `y` has the same classes as in "
                f"the previous call to fit. Previously got {self.classes_}, `y` has "
                f"{present}. Use partial_fit for batches with some of the classes."
            )

    def _target_attributes(self, target):
        return {"classes_": target.classes, "n_classes_": len(target.classes)}

    def _validation_strata(self, targets, target):
        # The user's labels (from class indices; a binary target is a 0/1
        # column), which a split error then names; multilabel: no strata.
        if target.target_type == "multilabel-indicator":
            return None
        return target.classes[targets.ravel().astype(np.intp)]

    def _class_weights(self, y, target):
        if self.class_weight is None:
            return super()._class_weights(y, target)
        if target.target_type == "multilabel-indicator":
            raise ValueError("class_weight is not supported for multilabel targets.")
        if isinstance(self.class_weight, dict):
            unknown = [key for key in self.class_weight if key not in target.classes]
            if unknown:
                raise ValueError(
                    f"class_weight names classes that are not in y: {unknown}; "
                    f"the classes are {target.classes.tolist()}."
                )
        per_class = compute_class_weight(self.class_weight, classes=target.classes, y=y)
        return per_class[target.class_indices(y)].astype(np.float32)

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """Train for exactly one epoch, continuing from the current weights.

        Parameters
        ----------
        X : array-like, DataFrame or sparse matrix of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Target labels.
        classes : array-like of shape (n_classes,), default=None
            All the labels that will ever appear. Required on the first call,
            as in scikit-learn; later calls may omit it.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights.

        Returns
        -------
        self
        """
        first_call = not self.__sklearn_is_fitted__()
        if first_call and classes is None:
            raise ValueError("classes must be passed on the first call to partial_fit.")
        if not first_call and classes is not None:
            if not np.array_equal(np.unique(classes), self.classes_):
                raise ValueError(
                    f"classes={classes!r} differs from the classes of the first "
                    f"call, {self.classes_.tolist()}."
                )
        return self._fit(
            X, y, sample_weight, reset=first_call, incremental=True, classes=classes
        )

    def predict_proba(self, X, mc_samples=None):
        """Return class probabilities, optionally averaged over MC dropout passes.

        Parameters
        ----------
        X : array-like, DataFrame or sparse matrix of shape (n_samples, n_features)
        mc_samples : int, default=None
            None: the deterministic network. An integer N: the mean of N
            forward passes with dropout active (Monte Carlo dropout; Gal and
            Ghahramani, 2016), run as one vectorised batch and seeded from
            ``random_state``. Needs ``dropout`` or ``input_dropout`` > 0.

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
            Rows sum to 1 for binary and multiclass targets; for multilabel
            targets each column is one label's probability.

        Examples
        --------
        >>> from sklearn.datasets import load_iris
        >>> from sklann import MLPClassifier
        >>> X, y = load_iris(return_X_y=True)
        >>> clf = MLPClassifier(hidden_layer_sizes=(16,), dropout=0.2, epochs=20,
        ...                     random_state=0).fit(X, y)
        >>> proba = clf.predict_proba(X[:2], mc_samples=50)
        >>> proba.shape, bool(abs(proba.sum(axis=1) - 1).max() < 1e-9)
        ((2, 3), True)
        """
        outputs = self._network_outputs(X, mc_samples)
        if mc_samples is not None:
            outputs = outputs.mean(axis=0)
        return self.target_encoder_.probabilities(outputs)

    def predict_log_proba(self, X, mc_samples=None):
        """Return the logarithm of :meth:`predict_proba`, as scikit-learn's MLP does.

        Parameters
        ----------
        X : array-like, DataFrame or sparse matrix of shape (n_samples, n_features)
        mc_samples : int, default=None
            As for :meth:`predict_proba`.

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
            ``-inf`` where a probability is exactly 0.

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn.datasets import load_iris
        >>> from sklann import MLPClassifier
        >>> X, y = load_iris(return_X_y=True)
        >>> clf = MLPClassifier(hidden_layer_sizes=(8,), epochs=5,
        ...                     random_state=0).fit(X, y)
        >>> bool(np.allclose(np.exp(clf.predict_log_proba(X[:2])),
        ...                  clf.predict_proba(X[:2])))
        True
        """
        probabilities = self.predict_proba(X, mc_samples=mc_samples)
        with np.errstate(divide="ignore"):
            return np.log(probabilities, out=probabilities)

    def predict(self, X):
        """Return predicted labels.

        Parameters
        ----------
        X : array-like, DataFrame or sparse matrix of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,) or (n_samples, n_labels)
        """
        outputs = self._network_outputs(X)
        return self.target_encoder_.labels(outputs)


def with_label_smoothing(settings, label_smoothing, named_loss):
    """The loss settings with ``label_smoothing``; refuse a second smoothing."""
    if not label_smoothing:
        return settings
    if "label_smoothing" in settings:
        raise ValueError(
            f"label_smoothing={label_smoothing!r} and "
            f"loss__label_smoothing={settings['label_smoothing']!r} both set "
            "the smoothing; set label_smoothing only."
        )
    if not named_loss:
        raise ValueError(
            f"label_smoothing={label_smoothing!r} applies to sklann's "
            "cross-entropies, not to a loss object or function of your own: "
            "set the smoothing on that loss, or use loss='auto'."
        )
    return {**settings, "label_smoothing": label_smoothing}
