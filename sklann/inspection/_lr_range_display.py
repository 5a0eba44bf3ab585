"""LRRangeTestDisplay: loss against learning rate, with the suggested rate."""

import numpy as np

from .._plotting import axes


class LRRangeTestDisplay:
    """The learning-rate range test's curve, scikit-learn's Display pattern.

    Parameters
    ----------
    result : sklann.model_selection.LRRangeTestResult

    Attributes
    ----------
    raw_line_, smoothed_line_ : matplotlib Line2D
        The loss of each step and its moving average.
    suggestion_marker_ : matplotlib Line2D
        The suggested rate on the smoothed curve.
    ax_ : matplotlib Axes
    figure_ : matplotlib Figure
    """

    def __init__(self, result):
        self.result = result

    @classmethod
    def from_estimator(cls, estimator, X, y, *, ax=None, **test_params):
        """Run :func:`~sklann.model_selection.lr_range_test` and plot it.

        ``test_params`` go to ``lr_range_test`` (``start``, ``stop``,
        ``n_steps``, ...).

        Returns
        -------
        LRRangeTestDisplay
        """
        from ..model_selection import lr_range_test

        return cls(lr_range_test(estimator, X, y, **test_params)).plot(ax=ax)

    def plot(self, ax=None):
        """Draw on ``ax`` (matplotlib Axes; a new figure if None); return self."""
        result = self.result
        ax = axes(ax)
        rates = result.learning_rates
        (self.raw_line_,) = ax.plot(rates, result.raw_losses, alpha=0.3, label="loss")
        (self.smoothed_line_,) = ax.plot(rates, result.losses, label="smoothed loss")
        at = np.argmin(np.abs(np.log(rates / result.suggestion)))
        (self.suggestion_marker_,) = ax.plot(
            [result.suggestion],
            [result.losses[at]],
            "o",
            color="red",
            label=f"suggestion {result.suggestion:.2g}",
        )
        ax.set_xscale("log")
        ax.set_xlabel("learning rate")
        ax.set_ylabel("training loss")
        ax.set_title("Learning-rate range test")
        finite = result.raw_losses[np.isfinite(result.raw_losses)]
        if finite.size:
            ax.set_ylim(top=max(result.losses[0], np.min(finite)) * 2)
        ax.legend()
        self.ax_, self.figure_ = ax, ax.figure
        return self
