"""The Keras model of a fitted estimator, made only when user code asks.

``model_`` and the model that Keras callbacks see are a
:class:`~sklann._training.keras_view.KerasView` of the estimator's arrays;
once ``model_`` was read, the Keras model is the estimator's state.
"""

from sklearn.utils.validation import check_is_fitted

from .._network.keras_build import build_network
from .._training.keras_view import new_view
from .._training.quiet import start_tensorflow


class KerasModelMixin:
    """``model_``: the Keras model of the fitted state, made when first read."""

    @property
    def model_(self):
        """The fitted ``keras.Model``.

        Made from the fitted state when first read, and trained on by later
        ``partial_fit`` and warm-started fits. Once read, it is the
        estimator's state: weights set on it are what predictions use.
        """
        check_is_fitted(self)
        view = self._keras_model()
        self._model_exposed = True
        return view.model

    def _keras_model(self):
        """The :class:`~sklann._training.keras_view.KerasView` of the fitted state."""
        view = vars(self).get("_keras_view")
        if view is None:
            start_tensorflow()
            view = new_view(
                build_network(self._spec, seed=self._network_seed),
                self._build_optimizer(),
                self._loss_function(self.target_encoder_),
                self._weights,
                self._optimizer_state,
                self._spec.precision,
            )
            self._keras_view = view
        return view

    def _state(self):
        """The state to train on: the arrays, or ``model_`` once it was read."""
        if vars(self).get("_model_exposed"):
            return self._keras_view.read()
        return self._weights, self._optimizer_state

    def _callback_view(self, fit):
        """The Keras model the callbacks see: ``model_``'s, or a new one."""
        view = fit.get("_keras_view", vars(self).get("_keras_view"))
        if view is not None:
            return view
        return new_view(
            build_network(fit["_spec"], seed=fit["_network_seed"]),
            self._build_optimizer(),
            self._loss_function(fit["target_encoder_"]),
            fit["_weights"],
            fit["_optimizer_state"],
            fit["_spec"].precision,
        )
