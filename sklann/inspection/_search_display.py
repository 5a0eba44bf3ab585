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
        more than a factor of 10 get a log scale; any other values (layer
        sizes as tuples, names, booleans) are categories, one tick each.
    hue : str, default=None
        A parameter whose values (of any kind) get one colour each.

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
        return _objects(self.cv_results[key])

    def plot(self, ax=None):
        """Draw on ``ax`` (matplotlib Axes; a new figure if None); return self."""
        ax = axes(ax)
        values = self._column(self.param)
        hues = self._column(self.hue) if self.hue else np.full(len(values), None)
        means = np.asarray(self.cv_results["mean_test_score"])
        stds = np.asarray(self.cv_results["std_test_score"])
        numeric = all(_is_number(v) for v in values)
        if numeric:
            positions = values.astype(float)
        else:
            categories = sorted(set(values), key=_hue_order)
            positions = np.array([categories.index(v) for v in values], dtype=float)
            ax.set_xticks(range(len(categories)), [str(c) for c in categories])
        self.groups_ = {}
        for group in sorted(set(hues), key=_hue_order):
            chosen = np.array([hue == group for hue in hues])
            self.groups_[group] = ax.errorbar(
                positions[chosen],
                means[chosen],
                yerr=stds[chosen],
                fmt="o",
                capsize=3,
                label=None if group is None else str(group),
            )
        if numeric and positions.min() > 0 and positions.max() > 10 * positions.min():
            ax.set_xscale("log")
        ax.set_xlabel(self.param)
        ax.set_ylabel("mean CV score")
        if self.hue:
            ax.legend(title=self.hue)
        self.ax_, self.figure_ = ax, ax.figure
        return self


def _objects(column):
    """A ``cv_results_`` column as a 1-D object array, tuples kept whole.

    ``np.asarray`` would make a list of equal-length tuples a 2-D array.
    """
    values = list(column)
    objects = np.empty(len(values), dtype=object)
    for index, value in enumerate(values):
        objects[index] = value
    return objects


def _is_number(value):
    """A real number, not a bool: a point on a numeric axis."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _hue_order(value):
    """Numbers in numeric order; layer sizes by depth, then widths; then text.

    Examples
    --------
    >>> sorted([(8,), "relu", (4, 4), 2, (16,)], key=_hue_order)
    [2, (8,), (16,), (4, 4), 'relu']
    """
    if _is_number(value):
        return (0, (float(value),), "")
    if isinstance(value, tuple) and all(_is_number(v) for v in value):
        return (1, (len(value), *map(float, value)), "")
    return (2, (), str(value))
