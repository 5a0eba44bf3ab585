"""GradientNormDisplay: per-layer gradient norms on a log scale."""

import numpy as np

from .._plotting import axes
from ._gradients import gradient_norms


class GradientNormDisplay:
    """Per-layer gradient norms, input side first, scikit-learn's Display pattern.

    Parameters
    ----------
    norms : dict
        Layer name to gradient norm, as :func:`gradient_norms` returns.

    Attributes
    ----------
    bars_ : matplotlib BarContainer
    ax_ : matplotlib Axes
    figure_ : matplotlib Figure
    """

    def __init__(self, norms):
        self.norms = norms

    @classmethod
    def from_estimator(cls, estimator, X, y, *, ax=None):
        """Compute :func:`gradient_norms` on ``X``, ``y`` and plot them."""
        return cls(gradient_norms(estimator, X, y)).plot(ax=ax)

    def plot(self, ax=None):
        """Draw on ``ax`` (matplotlib Axes; a new figure if None); return self."""
        ax = axes(ax)
        names = list(self.norms)
        self.bars_ = ax.bar(np.arange(len(names)), list(self.norms.values()))
        ax.set_xticks(np.arange(len(names)), names, rotation=45, ha="right")
        ax.set_yscale("log")
        ax.set_ylabel("gradient norm")
        ax.set_title("Gradient norm per layer (input side first)")
        self.ax_, self.figure_ = ax, ax.figure
        return self
