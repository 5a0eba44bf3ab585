"""Prediction: the fitted network's outputs, deterministic or MC dropout."""

import numpy as np
from sklearn.utils.validation import check_is_fitted, validate_data

from .._inference import forward, has_dropout, inference_plan, mc_dropout
from .._network.layers import widest_layer
from .._training.data import prediction_chunks
from .params import is_integer

# The input dtypes prediction takes as they are (others become float64).
FLOATS = [np.float64, np.float32]


class PredictionMixin:
    """The network's outputs for new rows, from the fitted NumPy network."""

    def _network_outputs(self, X, mc_samples=None):
        """The network's outputs for ``X``; with ``mc_samples``, one set per pass.

        Returns an array of shape (n_samples, n_outputs), or with
        ``mc_samples`` (mc_samples, n_samples, n_outputs): MC dropout passes.
        """
        check_is_fitted(self)
        # float64 NumPy prediction converts X chunk by chunk (not float32 whole)
        X = validate_data(self, X, reset=False, accept_sparse="csr", dtype=FLOATS)
        if mc_samples is not None:
            return self._mc_dropout_outputs(X, _check_mc_samples(mc_samples))
        plan = self._inference_plan()
        widest = widest_layer(self._spec)
        chunks = [forward(plan, chunk) for chunk in prediction_chunks(X, widest)]
        return np.concatenate(chunks) if chunks else np.empty((0,))

    def _mc_dropout_outputs(self, X, mc_samples):
        """``mc_samples`` passes with dropout on (see ``_inference.mc_dropout``)."""
        if not has_dropout(self._spec):
            raise ValueError(
                f"mc_samples={mc_samples} needs dropout in the network, but "
                f"dropout={self.dropout} and input_dropout={self.input_dropout}"
                ". MC dropout averages passes with dropout active: train with "
                "dropout > 0, or leave mc_samples=None."
            )
        rng = np.random.default_rng(self._seeds()[0])
        return mc_dropout(self._spec, self._state()[0], X, mc_samples, rng)

    def _inference_plan(self):
        """The float64 NumPy network (:mod:`sklann._inference`) of the fit.

        Remade from the model at every call once ``model_`` is in user hands,
        since its weights may have been set.
        """
        if vars(self).get("_model_exposed"):
            return inference_plan(self._spec, self._state()[0])
        if vars(self).get("_plan") is None:  # unpickled
            self._plan = inference_plan(self._spec, self._weights)
        return self._plan


def _check_mc_samples(mc_samples):
    if not is_integer(mc_samples) or mc_samples < 1:
        raise ValueError(
            f"mc_samples must be None or a positive integer; got {mc_samples!r}."
        )
    return int(mc_samples)
