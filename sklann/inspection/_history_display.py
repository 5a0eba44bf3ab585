"""TrainingHistoryDisplay: the curves of a fit, scikit-learn's Display pattern."""

import numpy as np
from sklearn.utils.validation import check_is_fitted

from .._plotting import axes

# history_ entries that are not losses or metrics.
SCHEDULE_KEYS = ("learning_rate", "momentum")


class TrainingHistoryDisplay:
    """Training and validation loss, metrics and learning rate per epoch.

    Create it with :meth:`from_estimator`; matplotlib is imported only when
    plotting (the ``plot`` extra).

    Parameters
    ----------
    history : dict of lists
        An estimator's ``history_``.
    best_epoch : int, default=None
        Index (from 0) of the epoch to mark, as ``best_epoch_``.

    Attributes
    ----------
    lines_ : dict
        ``history_`` key to its matplotlib ``Line2D``.
    best_epoch_line_ : matplotlib Line2D or None
        The vertical line at the best epoch.
    ax_ : matplotlib Axes
        The losses and metrics.
    lr_ax_ : matplotlib Axes
        The learning rate, on a log scale (right axis).
    figure_ : matplotlib Figure

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import load_iris
    >>> from sklann import MLPClassifier
    >>> from sklann.inspection import TrainingHistoryDisplay
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = MLPClassifier(hidden_layer_sizes=(8,), epochs=5, early_stopping=True,
    ...                     validation_split=0.3, random_state=0).fit(X, y)
    >>> display = TrainingHistoryDisplay.from_estimator(clf)
    >>> sorted(display.lines_)
    ['learning_rate', 'loss', 'val_loss']
    """

    def __init__(self, history, best_epoch=None):
        self.history = history
        self.best_epoch = best_epoch

    @classmethod
    def from_estimator(cls, estimator, *, ax=None):
        """Plot a fitted estimator's ``history_``, marking ``best_epoch_``.

        Parameters
        ----------
        estimator : fitted MLPClassifier or MLPRegressor
        ax : matplotlib Axes, default=None
            Where to draw; a new figure if None.

        Returns
        -------
        TrainingHistoryDisplay
        """
        check_is_fitted(estimator)
        best = getattr(estimator, "best_epoch_", None)
        return cls(estimator.history_, best_epoch=best).plot(ax=ax)

    def plot(self, ax=None):
        """Draw the curves on ``ax`` (matplotlib Axes; a new figure if None).

        Returns
        -------
        self
        """
        ax = axes(ax)
        self.lines_ = {}
        for key, values in self.history.items():
            if key not in SCHEDULE_KEYS:
                epochs = np.arange(1, len(values) + 1)
                (self.lines_[key],) = ax.plot(epochs, values, label=key)
        ax.set_xlabel("epoch")
        ax.set_ylabel("loss / metric")
        self.best_epoch_line_ = None
        if self.best_epoch is not None and self.history.get("loss"):
            self.best_epoch_line_ = ax.axvline(
                self.best_epoch + 1,
                color="grey",
                linestyle=":",
                label=f"best epoch {self.best_epoch + 1}",
            )
        self.lr_ax_ = ax.twinx()
        rates = self.history.get("learning_rate")
        if rates:
            epochs = np.arange(1, len(rates) + 1)
            (self.lines_["learning_rate"],) = self.lr_ax_.plot(
                epochs, rates, color="black", linestyle="--", label="learning_rate"
            )
            self.lr_ax_.set_yscale("log")
            self.lr_ax_.set_ylabel("learning rate")
        handles = ax.get_legend_handles_labels()
        extra = self.lr_ax_.get_legend_handles_labels()
        ax.legend(handles[0] + extra[0], handles[1] + extra[1])
        self.ax_, self.figure_ = ax, ax.figure
        return self
