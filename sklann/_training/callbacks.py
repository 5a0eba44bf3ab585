"""Keras callbacks that sklann cannot serve as Keras does, refused up front.

sklann runs the callbacks a user passes (copies of them, in ``callbacks_``)
between epochs, on a Keras model that mirrors the training state
(:mod:`sklann._training.engine`). Two Keras habits would then silently do nothing,
so a fit refuses them with the sklann way instead:

- a ``History()`` passed in: it is the copy in ``callbacks_`` that records,
  and ``history_`` holds the same logs;
- a callback that monitors a ``val_*`` log when the fit holds out no
  validation data: Keras only warns, at every epoch;
- ``SwapEMAWeights``: sklann validates, restores and predicts with the
  weights' moving average itself (``ema_momentum``), and runs no Keras
  evaluation for the callback to swap around.

Callbacks that set ``model.optimizer.learning_rate`` are honoured (see
:data:`RATE_CALLBACKS`).
"""

import keras

# Keras callbacks that set model.optimizer.learning_rate.
RATE_CALLBACKS = (
    keras.callbacks.LearningRateScheduler,
    keras.callbacks.ReduceLROnPlateau,
)


def check_callbacks(callbacks, validated):
    """Raise ``ValueError`` for a callback that would silently do nothing.

    Parameters
    ----------
    callbacks : list of keras.callbacks.Callback
    validated : bool
        Whether the fit holds out validation data (``val_*`` logs exist).

    Examples
    --------
    >>> check_callbacks([keras.callbacks.EarlyStopping(monitor="loss")], False)
    >>> check_callbacks([keras.callbacks.EarlyStopping()], False)
    Traceback (most recent call last):
    ...
    ValueError: EarlyStopping(monitor='val_loss') watches a validation log, ...
    """
    for callback in callbacks:
        name = type(callback).__name__
        if isinstance(callback, keras.callbacks.History):
            raise ValueError(
                "A keras.callbacks.History() passed in would stay empty: sklann "
                "trains copies of the callbacks (callbacks_). The history is in "
                "history_ after fit; leave History out of callbacks."
            )
        if isinstance(callback, keras.callbacks.SwapEMAWeights):
            raise ValueError(
                "keras.callbacks.SwapEMAWeights is not needed: with ema_momentum "
                "(or optimizer__use_ema=True), sklann computes the validation "
                "loss, early stopping's best epoch and the fitted model from the "
                "weights' moving average itself. Leave SwapEMAWeights out of "
                "callbacks."
            )
        monitor = getattr(callback, "monitor", None)
        if isinstance(monitor, str) and monitor.startswith("val_") and not validated:
            raise ValueError(
                f"{name}(monitor={monitor!r}) watches a validation log, but this "
                "fit holds out no validation data (partial_fit never does). Set "
                "early_stopping=True (sklann's early stopping: it holds out "
                "validation_split, stops and restores the best epoch), or "
                "validation_split=0.1 to log val_* without stopping on them, or "
                f"monitor={monitor.removeprefix('val_')!r}."
            )
