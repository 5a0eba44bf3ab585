"""The learning-rate range test (Smith, 2017; the fastai "LR finder").

Train a copy of the network for a short run while the learning rate grows
exponentially from tiny to huge, one minibatch per rate, and record the loss.
The loss first stays flat (rate too small to learn), then falls, then blows
up. A good rate lies well before the blow-up.
"""

from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np
from sklearn.base import clone, is_classifier
from sklearn.pipeline import Pipeline
from sklearn.utils import check_random_state

from .._compat import HasMethods, Interval, _safe_indexing, validate_params
from .._estimator.base import BaseMLP
from .._plotting import axes
from .._training.engine import TrainingDiverged


class ExponentialRate:
    """The rate schedule of the test: ``start * (stop / start) ** (step / (n - 1))``.

    Used as ``lr_schedule``, a callable ``(epoch, lr) -> lr``; each
    ``partial_fit`` call of the test is one epoch of one minibatch.

    Examples
    --------
    >>> rate = ExponentialRate(1e-4, 1.0, n_steps=5)
    >>> [float(f"{rate(step, None):.0e}") for step in range(5)]
    [0.0001, 0.001, 0.01, 0.1, 1.0]
    """

    def __init__(self, start, stop, n_steps):
        self.start = start
        self.growth = (stop / start) ** (1.0 / max(n_steps - 1, 1))

    def __call__(self, epoch, lr):
        return self.start * self.growth**epoch


@dataclass(repr=False)
class LRRangeTestResult:
    """What :func:`lr_range_test` measured.

    Attributes
    ----------
    learning_rates : ndarray of shape (n_steps_run,)
        The rate of each step.
    losses : ndarray of shape (n_steps_run,)
        The training loss of each step, smoothed by a bias-corrected
        exponential moving average (weight ``smoothing`` on the past).
    raw_losses : ndarray of shape (n_steps_run,)
        The loss of each minibatch as measured (``inf`` for a step that
        diverged).
    min_loss_rate : float
        The rate at the lowest smoothed loss.
    steepest_rate : float
        The rate where the smoothed loss falls fastest (per factor of rate)
        before its minimum, leaving out the first tenth of the steps, where
        the moving average is still settling.
    suggestion : float
        ``min_loss_rate / 10``: a rate safely below where the loss turns up,
        the usual rule of thumb.
    stopped_early : bool
        Whether the loss exploded before ``stop`` was reached.
    """

    learning_rates: np.ndarray
    losses: np.ndarray
    raw_losses: np.ndarray
    min_loss_rate: float
    steepest_rate: float
    suggestion: float
    stopped_early: bool

    def __repr__(self):
        rates = self.learning_rates
        span = f"{rates[0]:.3g} to {rates[-1]:.3g}" if len(rates) else "none"
        return (
            f"LRRangeTestResult(suggestion={self.suggestion:.3g}, "
            f"min_loss_rate={self.min_loss_rate:.3g}, "
            f"steepest_rate={self.steepest_rate:.3g}, "
            f"{len(rates)} steps from {span}, stopped_early={self.stopped_early})"
        )

    def plot(self, ax=None):
        """Plot the losses against the learning rate, the suggestion marked.

        Needs matplotlib (the ``plot`` extra).

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Where to draw; a new figure if None.

        Returns
        -------
        sklann.inspection.LRRangeTestDisplay
        """
        return LRRangeTestDisplay(self).plot(ax=ax)


def _split_estimator(estimator):
    """The sklann estimator to test, and a copy of any preprocessing before it."""
    if isinstance(estimator, Pipeline):
        model, preprocessing = estimator.steps[-1][1], clone(estimator[:-1])
    else:
        model, preprocessing = estimator, None
    if not isinstance(model, BaseMLP):
        raise TypeError(
            "lr_range_test needs an sklann MLPClassifier or MLPRegressor, or a "
            f"Pipeline ending in one; got {type(model).__name__}."
        )
    return clone(model), preprocessing


@validate_params(
    {
        "estimator": [HasMethods(["fit", "get_params"])],
        "X": ["array-like", "sparse matrix"],
        "y": ["array-like"],
        "start": [Interval(Real, 0, None, closed="neither")],
        "stop": [Interval(Real, 0, None, closed="neither")],
        "n_steps": [Interval(Integral, 2, None, closed="left")],
        "smoothing": [Interval(Real, 0, 1, closed="left")],
        "diverge_factor": [Interval(Real, 1, None, closed="neither")],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def lr_range_test(
    estimator,
    X,
    y,
    *,
    start=1e-7,
    stop=10.0,
    n_steps=100,
    smoothing=0.98,
    diverge_factor=4.0,
    random_state=None,
):
    """Run the learning-rate range test on a copy of ``estimator``.

    A clone trains for ``n_steps`` minibatch steps (its own ``batch_size``,
    drawn in shuffled order, repeating the data as needed) while the
    learning rate grows exponentially from ``start`` to ``stop``. The test
    stops early once the smoothed loss exceeds ``diverge_factor`` times its
    lowest value, or becomes infinite. ``estimator`` itself is not changed.

    Parameters
    ----------
    estimator : MLPClassifier, MLPRegressor or Pipeline ending in one
        A pipeline's earlier steps are fitted (on copies) to transform ``X``
        first.
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
    start, stop : float, default=1e-7, 10.0
        The first and the last learning rate.
    n_steps : int, default=100
        Number of rates (minibatch steps) from ``start`` to ``stop``.
    smoothing : float in [0, 1), default=0.98
        Weight of the past in the moving average of the loss.
    diverge_factor : float, default=4.0
        Stop once the smoothed loss exceeds this multiple of its minimum.
    random_state : int, RandomState instance or None, default=None
        Seeds the minibatch order; the clone keeps the estimator's own
        ``random_state`` for its weights.

    Returns
    -------
    LRRangeTestResult
        The rates, the losses and the suggested rate; ``plot()`` draws them.

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sklann import MLPClassifier
    >>> from sklann.model_selection import lr_range_test
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> pipe = make_pipeline(StandardScaler(),
    ...                      MLPClassifier(batch_size=32, random_state=0))
    >>> result = lr_range_test(pipe, X, y, start=1e-5, stop=10, n_steps=60,
    ...                        random_state=0)
    >>> 1e-5 < result.suggestion < 1
    True
    """
    start, stop = float(start), float(stop)
    if stop <= start:
        raise ValueError(f"stop must be larger than start; got {start=}, {stop=}.")
    model, preprocessing = _split_estimator(estimator)
    if preprocessing is not None:
        X = preprocessing.fit_transform(X, y)
    model.set_params(
        lr_schedule=ExponentialRate(start, stop, n_steps),
        lr_warmup_epochs=0,
        warm_start=False,
    )
    rates, raw, smoothed = _run(
        model, X, y, n_steps, smoothing, diverge_factor, random_state
    )
    return _result(
        np.asarray(rates), np.asarray(raw), np.asarray(smoothed), len(rates) < n_steps
    )


def _minibatches(n_samples, batch_size, random_state):
    """Endless shuffled minibatch indices, reshuffled at each pass over the data."""
    rng = check_random_state(random_state)
    while True:
        order = rng.permutation(n_samples)
        for begin in range(0, n_samples, batch_size):
            yield order[begin : begin + batch_size]


class _SmoothedLoss:
    """Bias-corrected exponential moving average of the loss (as in fastai)."""

    def __init__(self, smoothing):
        self.smoothing = smoothing
        self.average = 0.0
        self.count = 0

    def update(self, loss):
        self.count += 1
        self.average = self.smoothing * self.average + (1 - self.smoothing) * loss
        return self.average / (1 - self.smoothing**self.count)


def _run(model, X, y, n_steps, smoothing, diverge_factor, random_state):
    """Train one minibatch per rate; return the rates, raw and smoothed losses."""
    n_samples = len(y)
    batch_size = min(model._batch_size(), n_samples)
    batches = _minibatches(n_samples, batch_size, random_state)
    fit_kwargs = {"classes": np.unique(y)} if is_classifier(model) else {}
    rates, raw, smoothed = [], [], []
    average = _SmoothedLoss(smoothing)
    for step, rows in zip(range(n_steps), batches, strict=False):
        rates.append(model.lr_schedule(step, None))
        try:
            model.partial_fit(
                _safe_indexing(X, rows), _safe_indexing(y, rows), **fit_kwargs
            )
        except TrainingDiverged:
            raw.append(np.inf)
            smoothed.append(np.inf)
            break
        fit_kwargs = {}
        raw.append(model.history_["loss"][-1])
        smoothed.append(average.update(raw[-1]))
        if smoothed[-1] > diverge_factor * min(smoothed):
            break
    return rates, raw, smoothed


def _result(rates, raw, smoothed, stopped_early):
    lowest = int(np.argmin(smoothed))
    # The first tenth of the curve is mostly the moving average settling.
    skip = len(rates) // 10
    steepest = lowest
    if lowest - skip > 0:
        slopes = np.gradient(smoothed[: lowest + 1], np.log(rates[: lowest + 1]))
        steepest = skip + int(np.argmin(slopes[skip:]))
    return LRRangeTestResult(
        learning_rates=rates,
        losses=smoothed,
        raw_losses=raw,
        min_loss_rate=float(rates[lowest]),
        steepest_rate=float(rates[steepest]),
        suggestion=float(rates[lowest]) / 10,
        stopped_early=stopped_early,
    )


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
