"""A Keras model holding an estimator's state, for ``model_`` and callbacks.

sklann trains arrays (:mod:`sklann._training.program`); Keras objects are made only
when user code needs one: ``model_``, and the ``model`` that Keras callbacks
see. A :class:`KerasView` is a compiled ``keras.Sequential`` of the spec
with its optimizer built, so that its ``variables`` and the optimizer's
``variables`` take the estimator's state arrays in order (the layouts of
:mod:`sklann._network.layers` and :mod:`sklann._training.updates` are Keras's own).
"""

import keras


class KerasView:
    """A compiled Keras model of ``spec`` that mirrors a state.

    Parameters
    ----------
    model : keras.Model
        Built from the spec (:func:`sklann._network.keras_build.build_network`).
    optimizer : keras.optimizers.Optimizer
        A new optimizer with the estimator's settings (wrapped in a
        ``LossScaleOptimizer`` under ``mixed_float16``).
    loss : callable
        The per-sample loss, for ``model.compile``.
    """

    def __init__(self, model, optimizer, loss):
        model.compile(optimizer=optimizer, loss=loss)
        optimizer.build(model.trainable_variables)
        self.model = model

    def load(self, weights, optimizer_state):
        """Give the model and its optimizer the state arrays."""
        for variable, value in zip(
            self._variables(), [*weights, *optimizer_state], strict=True
        ):
            variable.assign(value)

    def read(self):
        """The model's and optimizer's state, as arrays."""
        model = self.model
        return (
            [variable.numpy() for variable in model.variables],
            [variable.numpy() for variable in model.optimizer.variables],
        )

    def _variables(self):
        return list(self.model.variables) + list(self.model.optimizer.variables)


def new_view(model, optimizer, loss, weights, optimizer_state, precision):
    """A :class:`KerasView` holding ``weights`` and ``optimizer_state``."""
    if precision == "mixed_float16":
        optimizer = keras.optimizers.LossScaleOptimizer(optimizer)
    view = KerasView(model, optimizer, loss)
    view.load(weights, optimizer_state)
    return view
