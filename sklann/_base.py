"""The estimator machinery that MLPClassifier and MLPRegressor share.

Data flows one way: parameters → validated configuration
(:class:`~sklann._network.NetworkSpec`, optimizer, loss) → Keras model
(:mod:`sklann._network`) → training engine (:mod:`sklann._engine`) → fitted
attributes. Subclasses supply the target encoding.
"""

import inspect
import weakref

import numpy as np
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data

from ._compat import _check_sample_weight, _fit_context
from ._engine import TrainingEngine
from ._losses import per_sample_loss
from ._metrics import build_metrics
from ._network import NetworkSpec, build_network, resolve_initializer
from ._optimizers import build_optimizer
from ._params import normalize_layer_sizes, validate_cross_parameters
from ._pool import ENGINES
from ._scikeras import BaseWrapper, route_params, unflatten_params

AUTO_BATCH_SIZE = 200


class BaseMLP(BaseWrapper):
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
        l1=0.0,
        l2=0.0,
        max_norm=None,
        optimizer="adam",
        learning_rate=1e-3,
        momentum=0.9,
        nesterov=True,
        weight_decay=None,
        clipnorm=None,
        clipvalue=None,
        global_clipnorm=None,
        loss="auto",
        epochs=200,
        batch_size="auto",
        shuffle=True,
        callbacks=None,
        metrics=None,
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
        self.l1 = l1
        self.l2 = l2
        self.max_norm = max_norm
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.momentum = momentum
        self.nesterov = nesterov
        self.weight_decay = weight_decay
        self.clipnorm = clipnorm
        self.clipvalue = clipvalue
        self.global_clipnorm = global_clipnorm
        self.loss = loss
        self.epochs = epochs
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.callbacks = callbacks
        self.metrics = metrics
        self.random_state = random_state
        self.verbose = verbose
        self.warm_start = warm_start
        vars(self).update(routed_params)

    # -- scikit-learn protocol -------------------------------------------------

    def _validate_params(self):
        super()._validate_params()
        validate_cross_parameters(
            self.get_params(deep=False), self._parameter_constraints
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.target_tags.required = True
        return tags

    def __sklearn_is_fitted__(self):
        return "_model" in vars(self)

    def __repr__(self, N_CHAR_MAX=700):
        return super(BaseWrapper, self).__repr__(N_CHAR_MAX=N_CHAR_MAX)

    def __getstate__(self):
        state = super().__getstate__()
        for name in ("_engine", "_finalizer"):
            state.pop(name, None)
        return state

    # -- configuration ----------------------------------------------------------

    def _routed(self, destination):
        return route_params(
            self.get_params(deep=False), destination=destination, pass_filter=set()
        )

    def _seeds(self):
        """Two seeds (network, epoch order) from ``random_state``.

        A ``RandomState`` instance is copied first, so the caller's object is
        not advanced and the same instance gives the same fit.
        """
        random_state = self.random_state
        if isinstance(random_state, np.random.RandomState):
            random_state = _copy_random_state(random_state)
        rng = check_random_state(random_state)
        return [int(seed) for seed in rng.randint(np.iinfo(np.int32).max, size=2)]

    def _network_spec(self, n_features, target):
        activation = self.activation
        return NetworkSpec(
            n_features=n_features,
            n_outputs=target.n_outputs,
            output_activation=target.output_activation,
            hidden_layer_sizes=normalize_layer_sizes(self.hidden_layer_sizes),
            activation=activation,
            kernel_initializer=resolve_initializer(self.kernel_initializer, activation),
            output_initializer=resolve_initializer(
                self.kernel_initializer, target.output_activation
            ),
            batch_normalization=self.batch_normalization,
            dropout=self.dropout,
            input_dropout=self.input_dropout,
            l1=self.l1,
            l2=self.l2,
            max_norm=self.max_norm,
        )

    def _build_optimizer(self):
        return build_optimizer(
            self.optimizer,
            routed=self._routed("optimizer"),
            learning_rate=self.learning_rate,
            momentum=self.momentum,
            nesterov=self.nesterov,
            weight_decay=self.weight_decay,
            clipnorm=self.clipnorm,
            clipvalue=self.clipvalue,
            global_clipnorm=self.global_clipnorm,
        )

    def _loss_function(self, target):
        loss = target.default_loss if self.loss == "auto" else self.loss
        return per_sample_loss(loss, routed=self._routed("loss"))

    def _callbacks(self):
        if self.callbacks is None:
            return []
        callbacks = unflatten_params(
            items=self.callbacks, params=self._routed("callbacks")
        )
        return callbacks if isinstance(callbacks, list) else [callbacks]

    # -- fitting ------------------------------------------------------------------

    def _validate_training_data(self, X, y, reset):
        return validate_data(
            self,
            X,
            y,
            reset=reset,
            accept_sparse="csr",
            dtype=np.float32,
            multi_output=True,
            y_numeric=self._y_numeric,
        )

    def _initialize(self, X, y=None, classes=None):
        """Validate the data, then build and compile a fresh network."""
        X, y = self._validate_training_data(X, y, reset=True)
        y = self._prepare_target(y)
        target = self._target_encoder(y, classes)
        self.target_encoder_ = target
        network_seed, self._order_seed = self._seeds()
        self.n_outputs_ = 1 if y.ndim == 1 else y.shape[1]
        self._spec = self._network_spec(X.shape[1], target)
        self._release_engine()
        key = self._engine_key(target)
        engine = ENGINES.acquire(key)
        if engine is None:
            engine = self._new_engine(build_network(self._spec, seed=network_seed))
        else:
            engine.reset(network_seed, self.learning_rate)
        self._adopt_engine(engine, key)
        self.history_ = {}
        self.n_iter_ = 0
        return X, y

    # -- engines ------------------------------------------------------------------

    @property
    def model_(self):
        """The fitted ``keras.Model``.

        Reading it hands the network to the caller, so it is never recycled
        for another estimator's fit (see :mod:`sklann._pool`).
        """
        engine = self._training_engine()
        engine.exposed = True
        return engine.model

    def _engine_key(self, target):
        """What a pooled engine must match to be re-used, or None (never pool).

        Only configurations named by strings and numbers are pooled; Keras
        objects and functions passed by the user are not compared.
        """
        named = [self.optimizer, self.loss, *(self.metrics or [])]
        if not all(isinstance(value, str) for value in named):
            return None
        key = (
            self._spec,
            target.target_type,
            tuple(named),
            self.momentum,
            self.nesterov,
            self.weight_decay,
            self.clipnorm,
            self.clipvalue,
            self.global_clipnorm,
            tuple(
                sorted(
                    (name, value)
                    for destination in ("optimizer", "loss", "metrics")
                    for name, value in self._routed(destination).items()
                )
            ),
        )
        try:
            hash(key)
        except TypeError:
            return None
        return key

    def _new_engine(self, model):
        """An engine around ``model``, compiled with a new optimizer if it has none."""
        target = self.target_encoder_
        loss_fn = self._loss_function(target)
        if getattr(model, "optimizer", None) is None:
            model.compile(optimizer=self._build_optimizer(), loss=loss_fn)
        if not model.optimizer.built:
            model.optimizer.build(model.trainable_variables)
        return TrainingEngine(
            model,
            self._spec,
            loss_fn,
            build_metrics(self.metrics, target.target_type, self._routed("metrics")),
        )

    def _adopt_engine(self, engine, key):
        """Own ``engine``; it goes back to the pool when this estimator is freed."""
        self._engine = engine
        self._model = engine.model
        self._finalizer = weakref.finalize(self, ENGINES.release, key, engine)
        self._finalizer.atexit = False

    def _release_engine(self):
        finalizer = vars(self).pop("_finalizer", None)
        if finalizer is not None:
            finalizer()
        vars(self).pop("_engine", None)

    def _training_engine(self):
        """This estimator's engine; rebuilt around ``_model`` after unpickling.

        A rebuilt engine is never pooled: its optimizer has trained state.
        """
        engine = vars(self).get("_engine")
        if engine is None:
            engine = self._new_engine(self._model)
            self._adopt_engine(engine, key=None)
        return engine

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
        self._initialize(X, y)
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
        return self._fit(
            X, y, sample_weight, epochs=self.epochs, reset=not self._continues()
        )

    def _sample_weights(self, X, y, sample_weight):
        weights = _check_sample_weight(
            sample_weight, X, dtype=np.float32, ensure_non_negative=True
        )
        return weights * self._class_weights(y)

    def _class_weights(self, y):
        return np.ones(len(y), dtype=np.float32)

    def _fit(self, X, y, sample_weight, *, epochs, reset, classes=None):
        if reset:
            X, y = self._initialize(X, y, classes)
        else:
            X, y = self._validate_training_data(X, y, reset=False)
            y = self._prepare_target(y)
        targets = self.target_encoder_.transform(y)
        weights = self._sample_weights(X, y, sample_weight)
        if not np.any(weights > 0):
            raise ValueError(
                "sample_weight (times class_weight) is zero for every sample: "
                "there is nothing to train on."
            )
        keep = weights > 0
        if not keep.all():
            X, targets, weights = X[keep], targets[keep], weights[keep]
        logs = self._training_engine().fit(
            X,
            targets,
            weights,
            epochs=epochs,
            batch_size=self._batch_size(),
            shuffle=self.shuffle,
            seed=self._order_seed,
            initial_epoch=self.n_iter_,
            callbacks=self._callbacks(),
            verbose=self.verbose,
        )
        for key, values in logs.items():
            self.history_.setdefault(key, []).extend(values)
        self.n_iter_ = len(self.history_["loss"])
        return self

    def _batch_size(self):
        """The minibatch size; the engine caps it at the number of samples."""
        return AUTO_BATCH_SIZE if self.batch_size == "auto" else self.batch_size

    def _continues(self):
        """Whether ``fit`` continues from the fitted weights (``warm_start``)."""
        return self.warm_start and self.__sklearn_is_fitted__()

    # -- prediction -------------------------------------------------------------

    def _network_outputs(self, X):
        check_is_fitted(self)
        # float64: prediction runs in NumPy float64 (sklann._inference)
        X = validate_data(self, X, reset=False, accept_sparse="csr", dtype=np.float64)
        return self._training_engine().predict(X)


def _copy_random_state(random_state):
    copy = np.random.RandomState()
    copy.set_state(random_state.get_state())
    return copy


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
