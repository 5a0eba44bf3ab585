"""MLPRegressor: a Keras multilayer perceptron as a scikit-learn regressor."""

import numpy as np
from sklearn.base import RegressorMixin

from .._compat import _fit_context
from .base import BaseMLP, extend_signature
from .docs import with_shared_sections
from .hints import scaling_hint
from .params import REGRESSOR_CONSTRAINTS
from .targets import RegressorTarget


@with_shared_sections
class MLPRegressor(RegressorMixin, BaseMLP):
    """Multilayer perceptron regressor trained with Keras.

    Handles single- and multi-output targets. The output layer is linear,
    or exponential with ``loss="poisson"`` so that predictions stay positive.

    Parameters
    ----------
    {parameters}

    loss : str, keras.losses.Loss or callable, default="auto"
        ``"auto"`` and ``"squared_error"`` (Keras's ``"mse"``) train on the
        mean squared error; also ``"absolute_error"`` (``"mae"``),
        ``"huber"`` and ``"poisson"`` (which needs a non-negative target).

    standardize_target : bool, default=True
        Train on the target standardised per output, ``(y - mean) / std``
        (weighted by ``sample_weight``), as ``TransformedTargetRegressor``
        with a ``StandardScaler`` would, so that a target in any units
        trains at the default learning rate. Predictions, MC dropout's
        ``return_std`` and ``score`` are in ``y``'s units; the losses in
        ``history_`` (and ``huber``'s ``loss__delta``) are in standardised
        units, and so are the outputs of ``model_``. Under ``"poisson"`` the
        target is divided by its mean only. ``partial_fit`` and
        ``warm_start`` keep the first call's statistics; saved models keep
        them too.

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

    def __init__(self, *, standardize_target=True, **params):
        super().__init__(**params)
        self.standardize_target = standardize_target

    __init__.__signature__ = extend_signature(BaseMLP.__init__, standardize_target=True)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

    def _prepare_target(self, y):
        if self._name("loss") == "poisson" and np.any(y < 0):
            raise ValueError("loss='poisson' needs a non-negative target y.")
        return y

    def _scaling_hint(self, data):
        X, targets, _ = data
        return scaling_hint(X, None if self.standardize_target else targets)

    def _target_encoder(self, y, classes, sample_weight=None):
        poisson = self._name("loss") == "poisson"
        encoder = RegressorTarget(poisson=poisson, standardize=self.standardize_target)
        return encoder.fit(y, sample_weight)

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

    def predict(self, X, mc_samples=None, return_std=False):
        """Return predictions, optionally the mean and spread of MC dropout passes.

        Parameters
        ----------
        X : array-like, DataFrame or sparse matrix of shape (n_samples, n_features)
        mc_samples : int, default=None
            None: the deterministic network. An integer N: the mean of N
            forward passes with dropout active (Monte Carlo dropout), run as
            one vectorised batch and seeded from ``random_state``. Needs
            ``dropout`` or ``input_dropout`` > 0.
        return_std : bool, default=False
            Also return the standard deviation across the passes (needs
            ``mc_samples``), as scikit-learn's Gaussian process does.

        Returns
        -------
        y_mean : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            float32 for float32 ``X``, else float64.
        y_std : ndarray of the same shape
            Only with ``return_std=True``.

        Examples
        --------
        >>> from sklearn.datasets import load_diabetes
        >>> from sklann import MLPRegressor
        >>> X, y = load_diabetes(return_X_y=True)
        >>> reg = MLPRegressor(hidden_layer_sizes=(32,), dropout=0.2, epochs=5,
        ...                    random_state=0).fit(X, y)
        >>> mean, std = reg.predict(X[:3], mc_samples=30, return_std=True)
        >>> mean.shape, bool((std > 0).all())
        ((3,), True)
        """
        if return_std and mc_samples is None:
            raise ValueError(
                "return_std=True needs mc_samples: the spread is taken across "
                "MC dropout passes (for example mc_samples=100)."
            )
        # float32 input gets float32 predictions, as scikit-learn's MLP gives.
        dtype = np.float32 if getattr(X, "dtype", None) == np.float32 else np.float64
        outputs = self._network_outputs(X, mc_samples)
        if mc_samples is None:
            return self.target_encoder_.predictions(outputs).astype(dtype, copy=False)
        mean = self.target_encoder_.predictions(outputs.mean(axis=0))
        if not return_std:
            return mean.astype(dtype, copy=False)
        spread = self.target_encoder_.spread(outputs.std(axis=0))
        return mean.astype(dtype, copy=False), spread.astype(dtype, copy=False)
