"""MLPRegressor: a Keras multilayer perceptron as a scikit-learn regressor."""

import numpy as np
from sklearn.base import RegressorMixin

from ._base import BaseMLP
from ._compat import _fit_context
from ._docs import with_shared_sections
from ._params import REGRESSOR_CONSTRAINTS
from ._targets import RegressorTarget


@with_shared_sections
class MLPRegressor(RegressorMixin, BaseMLP):
    """Multilayer perceptron regressor trained with Keras.

    Handles single- and multi-output targets. The output layer is linear,
    or exponential with ``loss="poisson"`` so that predictions stay positive.

    Parameters
    ----------
    {parameters}

    loss : str, keras.losses.Loss or callable, default="auto"
        ``"auto"`` and ``"squared_error"`` train on the mean squared error;
        also ``"absolute_error"``, ``"huber"`` and ``"poisson"`` (which needs
        a non-negative target).

    Attributes
    ----------
    {attributes}

    See Also
    --------
    MLPClassifier : The classifier with the same parameters.

    Examples
    --------
    >>> import numpy as np
    >>> from sklann import MLPRegressor
    >>> X = np.linspace(-1, 1, 200).reshape(-1, 1)
    >>> y = 2 * X.ravel() + 1
    >>> reg = MLPRegressor(hidden_layer_sizes=(16,), learning_rate=0.01,
    ...                    epochs=200, random_state=0).fit(X, y)
    >>> reg.predict(X[:2]).shape
    (2,)
    >>> reg.score(X, y) > 0.95
    True
    """

    _parameter_constraints = REGRESSOR_CONSTRAINTS
    _y_numeric = True

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

    def _prepare_target(self, y):
        if self.loss == "poisson" and np.any(y < 0):
            raise ValueError("loss='poisson' needs a non-negative target y.")
        return y

    def _target_encoder(self, y, classes):
        poisson = self.loss == "poisson"
        return RegressorTarget(poisson=poisson).fit(y)

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None):
        """Train for exactly one epoch, continuing from the current weights.

        Parameters
        ----------
        X : array-like, DataFrame or sparse matrix of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Target values.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights.

        Returns
        -------
        self
        """
        first_call = not self.__sklearn_is_fitted__()
        return self._fit(X, y, sample_weight, reset=first_call, incremental=True)

    def predict(self, X):
        """Return predictions.

        Parameters
        ----------
        X : array-like, DataFrame or sparse matrix of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,) or (n_samples, n_outputs)
        """
        outputs = self._network_outputs(X)
        return self.target_encoder_.predictions(outputs)
