"""When training stops, and when the ``plateau`` schedule cuts the rate.

Both rules watch one loss per epoch (``val_loss`` with early stopping, else
the training loss) and are small monitors carried through the compiled epoch
loop, so they cost no round trip to the host: early stopping and the
convergence rule of scikit-learn's MLP (no improvement by more than ``tol``
for ``patience`` epochs) share :class:`StopMonitor`; the plateau schedule
has its own wait and rate factor (:class:`PlateauMonitor`).
"""

from typing import NamedTuple

import numpy as np
import tensorflow as tf


class StopMonitor(NamedTuple):
    """Early-stopping (or convergence) state: carried between epochs.

    ``best`` is the lowest monitored loss so far and ``best_epoch`` its
    epoch; ``wait`` counts the epochs since the loss last improved on the best
    by more than ``tol``.
    """

    best: object = np.float32(np.inf)
    wait: object = np.int32(0)
    best_epoch: object = np.int32(-1)


class PlateauMonitor(NamedTuple):
    """The ``plateau`` schedule's state: the rate ``factor`` and its own wait."""

    best: object = np.float32(np.inf)
    wait: object = np.int32(0)
    factor: object = np.float32(1.0)


class StopRules(NamedTuple):
    """When training stops and the plateau schedule cuts the rate.

    ``patience=0`` never stops; ``plateau_patience=0`` never cuts. With
    validation data, ``on_validation`` watches its loss (early stopping);
    otherwise the training loss is watched and the validation loss only logged.
    """

    tol: object = np.float32(0.0)
    patience: object = np.int32(0)
    plateau_patience: object = np.int32(0)
    plateau_factor: object = np.float32(1.0)
    on_validation: object = np.bool_(True)


def update_stop(stop, monitored, epoch, tol):
    """Record one epoch's monitored loss; return the new monitor and if it is best."""
    wait = tf.where(monitored < stop.best - tol, 0, stop.wait + 1)
    is_best = monitored < stop.best
    return (
        StopMonitor(
            best=tf.where(is_best, monitored, stop.best),
            wait=wait,
            best_epoch=tf.where(is_best, epoch, stop.best_epoch),
        ),
        is_best,
    )


def update_plateau(plateau, monitored, rules):
    """Cut the rate factor after ``plateau_patience`` epochs without progress."""
    wait = tf.where(monitored < plateau.best - rules.tol, 0, plateau.wait + 1)
    cut = (rules.plateau_patience > 0) & (wait >= rules.plateau_patience)
    return PlateauMonitor(
        best=tf.minimum(plateau.best, monitored),
        wait=tf.where(cut, 0, wait),
        factor=tf.where(cut, plateau.factor * rules.plateau_factor, plateau.factor),
    )


def should_stop(stop, rules):
    """Whether the stopping rule fires (graph code)."""
    return (rules.patience > 0) & (stop.wait >= rules.patience)


def monitor_spec(monitor_type):
    """The ``tf.TensorSpec`` of each field of a monitor or rules tuple."""
    return monitor_type(
        *(tf.TensorSpec([], tf.as_dtype(np.asarray(d).dtype)) for d in monitor_type())
    )


def as_tensors(monitor):
    """The fields of rules or a monitor as tensors of the dtypes of its defaults."""
    defaults = type(monitor)()
    return type(monitor)(
        *(
            tf.constant(value, dtype=tf.as_dtype(np.asarray(default).dtype))
            for value, default in zip(monitor, defaults, strict=True)
        )
    )


def as_arrays(monitor):
    """A monitor's tensors back as NumPy scalars."""
    return type(monitor)(*(np.asarray(value) for value in monitor))
