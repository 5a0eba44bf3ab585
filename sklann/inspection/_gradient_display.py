"""GradientNormDisplay: per-layer gradient norms, or their course over epochs."""

import numpy as np
from sklearn.utils.validation import check_is_fitted

from .._plotting import axes
from ._gradient_history import PREFIX
from ._gradients import gradient_norms


class GradientNormDisplay:
    """Per-layer gradient norms, input side first, scikit-learn's Display pattern.

    Parameters
    ----------
    norms : dict
        Layer name to one gradient norm (drawn as bars, as
        :func:`gradient_norms` returns them) or to a list of norms per epoch
        (drawn as lines, as :class:`GradientNormHistory` records them).

    Attributes
    ----------
    bars_ : matplotlib BarContainer or None
        One bar per layer, for single norms.
    lines_ : dict
        Layer name to its Line2D over epochs, for recorded norms.
    ax_ : matplotlib Axes
    figure_ : matplotlib Figure
    """

    def __init__(self, norms):
        self.norms = norms

    @classmethod
    def from_estimator(cls, estimator, X, y, *, ax=None):
        """Compute :func:`gradient_norms` on ``X``, ``y`` and plot them as bars."""
        return cls(gradient_norms(estimator, X, y)).plot(ax=ax)

    @classmethod
    def from_history(cls, estimator, *, ax=None):
        """Plot the norms a :class:`GradientNormHistory` put in ``history_``."""
        check_is_fitted(estimator)
        norms = {
            key.removeprefix(PREFIX): values
            for key, values in estimator.history_.items()
            if key.startswith(PREFIX)
        }
        if not norms:
            raise ValueError(
                "history_ holds no gradient norms: fit with "
                "callbacks=[GradientNormHistory()] to record them."
            )
        return cls(norms).plot(ax=ax)

    def plot(self, ax=None):
        """Draw on ``ax`` (matplotlib Axes; a new figure if None); return self."""
        ax = axes(ax)
        names = list(self.norms)
        self.bars_, self.lines_ = None, {}
        if all(np.ndim(value) == 0 for value in self.norms.values()):
            self.bars_ = ax.bar(np.arange(len(names)), list(self.norms.values()))
            ax.set_xticks(np.arange(len(names)), names, rotation=45, ha="right")
            ax.set_title("Gradient norm per layer (input side first)")
        else:
            for name, values in self.norms.items():
                epochs = np.arange(1, len(values) + 1)
                (self.lines_[name],) = ax.plot(epochs, values, label=name)
            ax.set_xlabel("epoch")
            ax.set_title("Gradient norm per layer and epoch")
            ax.legend()
        ax.set_yscale("log")
        ax.set_ylabel("gradient norm")
        self.ax_, self.figure_ = ax, ax.figure
        return self
