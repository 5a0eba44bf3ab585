"""Robust scaling with smooth clipping, as RealMLP prepares its features."""

import warnings
from numbers import Real

import numpy as np
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from .._compat import Interval, _fit_context


class RobustSmoothClipScaler(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Centre on the median, scale by the interquartile range, squash outliers.

    Each feature becomes ``z = (x - median) / iqr`` and then
    ``z / sqrt(1 + (z / clip) ** 2)``: close to ``z`` near the centre, never
    beyond ``clip`` in magnitude, and smooth everywhere, so an outlier keeps
    its order but cannot dominate a layer's input. A feature whose quartiles
    coincide is scaled by half its range instead; a constant one becomes 0.
    This is RealMLP's preprocessing (Holzmüller et al., 2024), where
    ``StandardScaler`` lets a heavy tail squeeze the bulk of a feature
    together.

    Parameters
    ----------
    clip : float > 0 or None, default=3.0
        The bound of the smooth clipping; None scales without clipping.
    quantile_range : tuple (q_min, q_max), default=(25.0, 75.0)
        The percentiles whose distance is the scale.

    Attributes
    ----------
    center_ : ndarray of shape (n_features,)
        The medians.
    scale_ : ndarray of shape (n_features,)
        The divisors: interquartile range, half the range where it is 0,
        1 for constant features.
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Defined when ``X`` had string column names.

    See Also
    --------
    sklearn.preprocessing.RobustScaler : The same scaling without the clipping.

    Examples
    --------
    >>> import numpy as np
    >>> from sklann.preprocessing import RobustSmoothClipScaler
    >>> X = np.array([[1.0], [2.0], [3.0], [4.0], [1000.0]])
    >>> RobustSmoothClipScaler().fit_transform(X).round(2).ravel()
    array([-0.95, -0.49,  0.  ,  0.49,  3.  ])
    """

    _parameter_constraints = {
        "clip": [Interval(Real, 0, None, closed="neither"), None],
        "quantile_range": [tuple],
    }

    def __init__(self, clip=3.0, quantile_range=(25.0, 75.0)):
        self.clip = clip
        self.quantile_range = quantile_range

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Learn the medians and scales of ``X`` (missing values are ignored).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : None
            Ignored.

        Returns
        -------
        self
        """
        low, high = self._quantiles()
        X = self._validated(X, reset=True)
        with warnings.catch_warnings():
            # A column of missing values only: its centre becomes 0, scale 1.
            warnings.filterwarnings("ignore", message="All-NaN slice")
            lower, median, upper = np.nanpercentile(X, [low, 50.0, high], axis=0)
            spread = np.nanmax(X, axis=0) - np.nanmin(X, axis=0)
        scale = upper - lower
        scale = np.where(scale > 0, scale, 0.5 * spread)
        self.center_ = np.nan_to_num(median)
        self.scale_ = np.where(scale > 0, scale, 1.0)  # constant (or NaN) columns
        return self

    def _validated(self, X, reset):
        return validate_data(
            self,
            X,
            reset=reset,
            dtype=[np.float64, np.float32],
            ensure_all_finite="allow-nan",
        )

    def _quantiles(self):
        bounds = self.quantile_range
        if len(bounds) != 2 or not 0 <= bounds[0] < bounds[1] <= 100:
            raise ValueError(
                "quantile_range must be (q_min, q_max) with 0 <= q_min < q_max "
                f"<= 100; got {bounds!r}."
            )
        return bounds

    def transform(self, X):
        """Scale and clip ``X``; missing values stay missing.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_features)
        """
        check_is_fitted(self)
        X = self._validated(X, reset=False)
        z = (X - self.center_) / self.scale_
        if self.clip is None:
            return z.astype(X.dtype, copy=False)
        return (z / np.sqrt(1.0 + (z / self.clip) ** 2)).astype(X.dtype, copy=False)

    def inverse_transform(self, X):
        """The features that :meth:`transform` maps to ``X``.

        Values at or beyond ``clip`` in magnitude, which no feature value
        reaches, come back as infinities.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_features)
        """
        check_is_fitted(self)
        X = self._validated(X, reset=False)
        z = X
        if self.clip is not None:
            with np.errstate(divide="ignore", invalid="ignore"):
                inside = 1.0 - (X / self.clip) ** 2
                z = np.where(inside > 0, X / np.sqrt(inside), np.sign(X) * np.inf)
        return z * self.scale_ + self.center_

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags
