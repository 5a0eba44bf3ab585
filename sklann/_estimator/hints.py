"""Hints for training that fails because the data are not scaled.

Also the warning for features that float32 training would round away.

A network trained at the default learning rate on features in the hundreds,
or on a target such as 20 * y + 5000, does not converge or diverges, and
"raise epochs" is the wrong advice. When the data look unscaled, the
convergence warning and the divergence error say so, and name the fix.
"""

import warnings

import numpy as np
import scipy.sparse as sp

# A feature or target whose mean is further from 0 than this, or whose
# standard deviation is above this, looks unscaled (standardised data: 0, 1).
UNSCALED_MEAN = 5.0
UNSCALED_STD = 10.0

# Rows looked at: enough for the statistics, cheap on large data.
HINT_ROWS = 10_000


def _column_statistics(values):
    """Each column's mean and standard deviation over the first ``HINT_ROWS``."""
    columns = np.asarray(values[:HINT_ROWS], dtype=np.float64).reshape(
        min(len(values), HINT_ROWS), -1
    )
    return columns.mean(axis=0), columns.std(axis=0)


def _largest_statistics(values):
    """The mean furthest from 0 and the largest standard deviation of columns."""
    means, stds = _column_statistics(values)
    return means[np.argmax(np.abs(means))], stds.max()


def _looks_unscaled(mean, std):
    return abs(mean) > UNSCALED_MEAN or std > UNSCALED_STD


def scaling_hint(X, targets=None):
    """A sentence on unscaled features and regression targets, or ``""``.

    Parameters
    ----------
    X : ndarray or sparse matrix
        The training features (sparse ones are not looked at: scaling them
        would make them dense).
    targets : ndarray, default=None
        The regression target as trained on, when it was not standardised.

    Examples
    --------
    >>> X = np.random.RandomState(0).normal(500, 80, size=(100, 3))
    >>> scaling_hint(X)[:42]
    ' The features look unscaled (a column has '
    >>> scaling_hint(X / 500 - 1)
    ''
    """
    hint = ""
    if isinstance(X, np.ndarray) and len(X):
        mean, std = _largest_statistics(X)
        if _looks_unscaled(mean, std):
            hint += (
                f" The features look unscaled (a column has mean {mean:.3g}, "
                f"a column std {std:.3g}): put a StandardScaler before the model, "
                "make_pipeline(StandardScaler(), model)."
            )
    if targets is not None and len(targets):
        mean, std = _largest_statistics(targets)
        if _looks_unscaled(mean, std):
            hint += (
                f" The target looks unscaled (mean {mean:.3g}, std {std:.3g}): "
                "set standardize_target=True, or use TransformedTargetRegressor."
            )
    return hint


# float32 keeps 24 bits (about 7 digits): a column whose spread is below
# this fraction of its magnitude keeps at most a few thousand distinct values.
FLOAT32_RELATIVE_SPREAD = 1e-4


def float32_rounding_warning(X):
    """Warn when casting dense float64 features to float32 rounds a column away.

    Examples
    --------
    >>> X = np.random.RandomState(0).rand(100, 2) + [0, 1e7]
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     float32_rounding_warning(X)
    >>> str(caught[0].message)[:48]
    'Column 1 of X varies by less than 1e-04 of its m'
    """
    if not isinstance(X, np.ndarray) or X.dtype != np.float64 or not len(X):
        return
    means, stds = _column_statistics(X)
    lost = np.flatnonzero((stds > 0) & (stds < np.abs(means) * FLOAT32_RELATIVE_SPREAD))
    if lost.size:
        column = lost[0]
        warnings.warn(
            f"Column {column} of X varies by less than {FLOAT32_RELATIVE_SPREAD:.0e} "
            f"of its magnitude (mean {means[column]:.6g}, std {stds[column]:.3g}; "
            f"{lost.size} such columns), and training runs in float32 (about 7 "
            "significant digits), which rounds it to few distinct values. "
            "Standardise the features (StandardScaler) or set precision='float64'.",
            UserWarning,
            stacklevel=7,  # the caller of fit
        )


def check_float32_range(X):
    """Refuse float64 features that the float32 cast would make infinite."""
    values = X.data if sp.issparse(X) else X
    largest = np.abs(values).max(initial=0.0)
    if largest > np.finfo(np.float32).max:
        raise ValueError(
            f"Input X contains a value too large for float32 training "
            f"({largest:.3g}; float32 ends at 3.4e38). Scale the features "
            "(StandardScaler), or set precision='float64'."
        )
