"""GradientNormHistory: per-layer gradient norms at every epoch, with warnings."""

import warnings

import keras
import numpy as np

PREFIX = "gradient_norm_"


class GradientNormHistory(keras.callbacks.Callback):
    """Record per-layer gradient norms after every epoch; warn when unhealthy.

    Pass it in ``callbacks``: after each epoch, sklann measures the gradient
    norm of each Dense layer (as :func:`gradient_norms` does) on the first
    1,024 training rows, and adds ``gradient_norm_<layer>`` to the epoch's
    logs, so ``history_`` keeps them. When training ends, a ``UserWarning``
    names vanishing gradients (first layer's norm below
    ``vanishing_ratio`` times the output layer's) or exploding ones (a norm
    above ``exploding_norm``, or not finite).

    Parameters
    ----------
    vanishing_ratio : float, default=1e-3
    exploding_norm : float, default=1e3

    Attributes
    ----------
    norms : dict
        Layer name to its list of norms, one per epoch (on the copy in the
        estimator's ``callbacks_``; the object passed in is not changed).

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklann import MLPClassifier
    >>> from sklann.inspection import GradientNormHistory
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = MLPClassifier(hidden_layer_sizes=(8,), epochs=3, random_state=0,
    ...                     callbacks=[GradientNormHistory()]).fit(X, y)
    >>> len(clf.history_["gradient_norm_hidden_1"])
    3
    """

    records_gradient_norms = True

    def __init__(self, vanishing_ratio=1e-3, exploding_norm=1e3):
        super().__init__()
        self.vanishing_ratio = vanishing_ratio
        self.exploding_norm = exploding_norm
        self.norms = {}

    def on_epoch_end(self, epoch, logs=None):
        """Record the epoch's ``gradient_norm_<layer>`` logs in :attr:`norms`."""
        for key, value in (logs or {}).items():
            if key.startswith(PREFIX):
                self.norms.setdefault(key.removeprefix(PREFIX), []).append(value)

    def on_train_end(self, logs=None):
        """Warn when the last epoch's norms show vanishing or exploding gradients."""
        if not self.norms:
            return
        last = {name: values[-1] for name, values in self.norms.items()}
        values = np.array(list(last.values()))
        if not np.isfinite(values).all() or values.max() > self.exploding_norm:
            warnings.warn(
                f"Exploding gradients: the gradient norms of the last epoch are "
                f"{_shown(last)}, above {self.exploding_norm:g}. Lower the "
                "learning_rate, clip gradients (clipnorm) or add batch "
                "normalization.",
                UserWarning,
                stacklevel=2,
            )
        elif values[-1] > 0 and values[0] < self.vanishing_ratio * values[-1]:
            warnings.warn(
                f"Vanishing gradients: the first layer's gradient norm is "
                f"{values[0] / values[-1]:.1e} times the output layer's "
                f"({_shown(last)}). Try activation='relu' or 'elu' with "
                "kernel_initializer='he_normal', fewer layers, or batch "
                "normalization.",
                UserWarning,
                stacklevel=2,
            )


def _shown(norms):
    return ", ".join(f"{name} {value:.1e}" for name, value in norms.items())
