"""SearchResultsDisplay: cross-validated score against one hyperparameter."""

import numbers

import numpy as np

from .._plotting import axes


class SearchResultsDisplay:
    """Mean CV score (with its standard deviation) against one parameter.

    Parameters
    ----------
    cv_results : dict
        A fitted search's ``cv_results_``.
    param : str
        The parameter on the x axis, as in ``cv_results_`` without
        ``param_`` (``"mlpclassifier__learning_rate"``). Numbers spanning
        more than a factor of 10 get a log scale.
    hue : str, default=None
        A parameter whose values get one colour each.

    Attributes
    ----------
    groups_ : dict
        ``hue`` value (or None) to the matplotlib ``ErrorbarContainer``.
    ax_ : matplotlib Axes
    figure_ : matplotlib Figure
    """

    def __init__(self, cv_results, param, hue=None):
        self.cv_results = cv_results
        self.param = param
        self.hue = hue

    @classmethod
    def from_search(cls, search, param, *, hue=None, ax=None):
        """Plot a fitted search's ``cv_results_``."""
        return cls(search.cv_results_, param, hue=hue).plot(ax=ax)

    def _column(self, name):
        key = f"param_{name}"
        if key not in self.cv_results:
            known = [
                k.removeprefix("param_")
                for k in self.cv_results
                if k.startswith("param_")
            ]
            raise ValueError(f"{name!r} is not a searched parameter; they are {known}.")
        return np.asarray(self.cv_results[key], dtype=object)

    def plot(self, ax=None):
        """Draw on ``ax`` (matplotlib Axes; a new figure if None); return self."""
        ax = axes(ax)
        values = self._column(self.param)
        hues = self._column(self.hue) if self.hue else np.full(len(values), None)
        means = np.asarray(self.cv_results["mean_test_score"])
        stds = np.asarray(self.cv_results["std_test_score"])
        numeric = all(_is_number(v) for v in values)
        values = values.astype(float if numeric else str)
        self.groups_ = {}
        for group in sorted(set(hues), key=_hue_order):
            chosen = hues == group
            self.groups_[group] = ax.errorbar(
                values[chosen],
                means[chosen],
                yerr=stds[chosen],
                fmt="o",
                capsize=3,
                label=None if group is None else str(group),
            )
        if numeric and values.min() > 0 and values.max() > 10 * values.min():
            ax.set_xscale("log")
        ax.set_xlabel(self.param)
        ax.set_ylabel("mean CV score")
        if self.hue:
            ax.legend(title=self.hue)
        self.ax_, self.figure_ = ax, ax.figure
        return self


def _is_number(value):
    """A real number, not a bool: a point on a numeric axis."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _hue_order(value):
    """Numbers in numeric order, then everything else by its text."""
    if _is_number(value):
        return (0, float(value), "")
    return (1, 0.0, str(value))
