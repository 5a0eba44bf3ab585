"""The estimator machinery that MLPClassifier and MLPRegressor share.

Data flows one way: parameters → validated configuration
(:class:`~sklann._network.spec.NetworkSpec`, optimizer update rule, loss) →
initial state arrays (:mod:`sklann._network.spec`) → a traced training program
(:mod:`sklann._training.program`, cached by structure in
:mod:`sklann._training.pool`) run by the engine (:mod:`sklann._training.engine`)
→ fitted state arrays → NumPy prediction (:mod:`sklann._inference`).
Subclasses supply the target encoding.
"""

import inspect

import numpy as np

from .._compat import InvalidParameterError, _fit_context
from .._inference import inference_plan
from .._network.layers import (
    check_weight_shapes,
    trainable_weights,
)
from .._training.stopping import PlateauMonitor, StopMonitor
from .._version import check_version
from .configuration import ConfigurationMixin
from .fit_flow import FitFlowMixin
from .full_batch import FullBatchMixin
from .keras_model import KerasModelMixin
from .names import with_suggestion
from .params import (
    DEFAULT_LEARNING_RATE,
    validate_cross_parameters,
)
from .plain_state import plain_state, restore_plain_state
from .prediction import PredictionMixin
from .scikeras import BaseWrapper


class BaseMLP(
    ConfigurationMixin,
    FitFlowMixin,
    FullBatchMixin,
    KerasModelMixin,
    PredictionMixin,
    BaseWrapper,
):
    """Shared base of sklann's estimators; use MLPClassifier or MLPRegressor."""

    def __init__(
        self,
        *,
        hidden_layer_sizes=(100,),
        activation="relu",
        kernel_initializer="auto",
        batch_normalization=False,
        dropout=0.0,
        input_dropout=0.0,
        dropout_schedule="constant",
        l1=0.0,
        l2=0.0,
        max_norm=None,
        numerical_embedding=None,
        embedding_dim=8,
        embedding_frequencies=16,
        embedding_scale=0.1,
        feature_scaling=False,
        n_ensemble=1,
        optimizer="adam",
        learning_rate=DEFAULT_LEARNING_RATE,
        momentum=0.9,
        nesterov=True,
        weight_decay=None,
        clipnorm=None,
        clipvalue=None,
        global_clipnorm=None,
        ema_momentum=None,
        lr_schedule="constant",
        lr_decay_rate=0.1,
        lr_decay_epochs="auto",
        lr_warmup_epochs=0,
        loss="auto",
        epochs=200,
        max_fun=15000,
        batch_size="auto",
        early_stopping="auto",
        validation_split=None,
        patience=10,
        tol=1e-4,
        shuffle=True,
        callbacks=None,
        metrics=None,
        precision="float32",
        random_state=None,
        verbose=0,
        warm_start=False,
        **routed_params,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.kernel_initializer = kernel_initializer
        self.batch_normalization = batch_normalization
        self.dropout = dropout
        self.input_dropout = input_dropout
        self.dropout_schedule = dropout_schedule
        self.l1 = l1
        self.l2 = l2
        self.max_norm = max_norm
        self.numerical_embedding = numerical_embedding
        self.embedding_dim = embedding_dim
        self.embedding_frequencies = embedding_frequencies
        self.embedding_scale = embedding_scale
        self.feature_scaling = feature_scaling
        self.n_ensemble = n_ensemble
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.momentum = momentum
        self.nesterov = nesterov
        self.weight_decay = weight_decay
        self.clipnorm = clipnorm
        self.clipvalue = clipvalue
        self.global_clipnorm = global_clipnorm
        self.ema_momentum = ema_momentum
        self.lr_schedule = lr_schedule
        self.lr_decay_rate = lr_decay_rate
        self.lr_decay_epochs = lr_decay_epochs
        self.lr_warmup_epochs = lr_warmup_epochs
        self.loss = loss
        self.epochs = epochs
        self.max_fun = max_fun
        self.batch_size = batch_size
        self.early_stopping = early_stopping
        self.validation_split = validation_split
        self.patience = patience
        self.tol = tol
        self.shuffle = shuffle
        self.callbacks = callbacks
        self.metrics = metrics
        self.precision = precision
        self.random_state = random_state
        self.verbose = verbose
        self.warm_start = warm_start
        vars(self).update(routed_params)

    # -- scikit-learn protocol -------------------------------------------------

    def _validate_params(self):
        try:
            super()._validate_params()
        except InvalidParameterError as error:
            raise with_suggestion(error, self) from None
        validate_cross_parameters(
            self.get_params(deep=False), self._parameter_constraints
        )
        self._check_full_batch_settings()

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.target_tags.required = True
        return tags

    def __sklearn_is_fitted__(self):
        return "_weights" in vars(self)

    def __repr__(self, N_CHAR_MAX=700):
        return super(BaseWrapper, self).__repr__(N_CHAR_MAX=N_CHAR_MAX)

    @property
    def initialized_(self):
        """Whether the estimator has a network (scikeras's name for fitted)."""
        return self.__sklearn_is_fitted__()

    def __getstate__(self):
        # Plain values and arrays (the weights and optimizer state): what
        # pickle, joblib, skops and sklann.save store (see sklann._persistence).
        if vars(self).get("_model_exposed"):  # model_ in user hands: read it
            self._weights, self._optimizer_state = self._keras_view.read()
        return plain_state(super().__getstate__())

    def __setstate__(self, state):
        check_version(type(self).__name__, state.get("_sklann_version"))
        if "_spec" in state:  # saved before the seed was kept: Keras's config only
            state.setdefault("_network_seed", 0)
        super().__setstate__(
            restore_plain_state(
                state, monitors={"_stop": StopMonitor, "_plateau": PlateauMonitor}
            )
        )

    def _check_restored_state(self):
        """Check a state read by :func:`sklann.load` before any of it is used.

        The parameters must be valid, the stored architecture the one they
        describe, and the weights and optimizer state must have the shapes
        of that network (checked by arithmetic, before anything is built).

        Raises
        ------
        ValueError
            If any of these does not hold.
        """
        self._validate_params()
        if not self.__sklearn_is_fitted__():
            return
        expected = self._network_spec(self.n_features_in_, self.target_encoder_)
        if self._spec != expected:
            raise ValueError(
                f"The stored network {self._spec} is not the one the stored "
                f"parameters describe ({expected}); refusing the file."
            )
        check_weight_shapes(self._spec, self._weights)
        rule = self._update_rule(self._spec)
        starting = rule.initial_state(trainable_weights(self._spec, self._weights))
        shapes = [np.shape(value) for value in self._optimizer_state]
        if shapes != [np.shape(value) for value in starting]:
            raise ValueError(
                f"The stored optimizer state ({len(shapes)} arrays) does not fit "
                f"the {rule.name} optimizer of this network "
                f"({len(starting)} arrays); refusing the file."
            )
        self._plan = inference_plan(self._spec, self._weights)

    def initialize(self, X, y):
        """Build the network for ``X`` and ``y`` without training it.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)

        Returns
        -------
        self
        """
        self._validate_params()
        X, y = self._validate_training_data(X, y, reset=True)
        target = self._target_encoder(y, None)
        self._commit(self._fresh_fit(X.shape[1], target, y, self._seeds()))
        return self

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Train the network on ``X`` and ``y`` for ``epochs`` epochs.

        Parameters
        ----------
        X : array-like, DataFrame or sparse matrix of shape (n_samples, n_features)
            Training data. Sparse input is densified one batch at a time.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Target values.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights; each batch's loss is the weighted mean.

        Returns
        -------
        self
            The fitted estimator.
        """
        return self._fit(X, y, sample_weight, reset=not self._continues())


def extend_signature(init, **extra_defaults):
    """Return ``init``'s signature with extra keyword-only parameters.

    The subclasses' ``__init__`` forward the shared parameters to
    :class:`BaseMLP`; declaring the combined signature keeps ``help()``,
    ``get_params`` and ``clone`` aware of every parameter.
    """
    signature = inspect.signature(init)
    parameters = list(signature.parameters.values())
    extra = [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default)
        for name, default in extra_defaults.items()
    ]
    return signature.replace(parameters=parameters[:-1] + extra + parameters[-1:])
