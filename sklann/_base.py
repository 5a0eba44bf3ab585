"""The estimator machinery that MLPClassifier and MLPRegressor share.

Data flows one way: parameters → validated configuration
(:class:`~sklann._network.NetworkSpec`, optimizer update rule, loss) →
initial state arrays (:mod:`sklann._network`) → a traced training program
(:mod:`sklann._program`, cached by structure in :mod:`sklann._pool`) run by
the engine (:mod:`sklann._engine`) → fitted state arrays → NumPy prediction
(:mod:`sklann._inference`). Subclasses supply the target encoding.
"""

import copy
import inspect
import warnings
from contextlib import contextmanager

import keras
import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import ShuffleSplit, StratifiedShuffleSplit
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data

from ._callbacks import check_callbacks
from ._compat import InvalidParameterError, _check_sample_weight, _fit_context
from ._data import dense_chunks
from ._engine import FitPlan, TrainingDiverged, train
from ._hints import scaling_hint
from ._inference import forward, has_dropout, inference_plan
from ._interrupt import InterruptRequest, interrupt_handler
from ._keras_view import new_view
from ._layers import check_weight_shapes, layer_kinds, split_indices, variable_slots
from ._losses import TrainingLoss, per_sample_loss
from ._metrics import build_metrics, metrics_key
from ._names import canonical_name, with_suggestion
from ._network import NetworkSpec, build_network, initial_weights, resolve_initializer
from ._optimizers import base_learning_rate, build_optimizer, update_rule
from ._params import (
    DEFAULT_LEARNING_RATE,
    is_integer,
    normalize_layer_sizes,
    validate_cross_parameters,
)
from ._persistence import plain_state, restore_plain_state
from ._pool import PROGRAMS
from ._program import Structure, TrainingProgram
from ._quiet import start_tensorflow
from ._schedules import RateSchedule, auto_decay_epochs
from ._scikeras import BaseWrapper, route_params, unflatten_params
from ._state import StateLayout
from ._stopping import PlateauMonitor, StopMonitor, StopRules
from ._threads import apply_thread_budget

AUTO_BATCH_SIZE = 200

# MC dropout runs at most this many (repeated) rows through the network at once
# (see BaseMLP._mc_dropout_outputs).
MC_DROPOUT_ROWS = 4096

# early_stopping="auto" turns early stopping on above this many samples.
AUTO_EARLY_STOPPING_SAMPLES = 10_000

# The fraction early stopping holds out when validation_split is None.
EARLY_STOPPING_SPLIT = 0.1


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
        learning_rate=DEFAULT_LEARNING_RATE,
        momentum=0.9,
        nesterov=True,
        weight_decay=None,
        clipnorm=None,
        clipvalue=None,
        global_clipnorm=None,
        lr_schedule="constant",
        lr_decay_rate=0.1,
        lr_decay_epochs="auto",
        lr_warmup_epochs=0,
        loss="auto",
        epochs=200,
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
        self.lr_schedule = lr_schedule
        self.lr_decay_rate = lr_decay_rate
        self.lr_decay_epochs = lr_decay_epochs
        self.lr_warmup_epochs = lr_warmup_epochs
        self.loss = loss
        self.epochs = epochs
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
        starting = rule.initial_state(_trainable(self._spec, self._weights))
        shapes = [np.shape(value) for value in self._optimizer_state]
        if shapes != [np.shape(value) for value in starting]:
            raise ValueError(
                f"The stored optimizer state ({len(shapes)} arrays) does not fit "
                f"the {rule.name} optimizer of this network "
                f"({len(starting)} arrays); refusing the file."
            )
        self._plan = inference_plan(self._spec, self._weights)

    # -- configuration ----------------------------------------------------------

    def _routed(self, destination):
        return route_params(
            self.get_params(deep=False), destination=destination, pass_filter=set()
        )

    def _seeds(self):
        """Three seeds (network, epoch order, validation split) from ``random_state``.

        A ``RandomState`` instance is copied first, so the caller's object is
        not advanced and the same instance gives the same fit.
        """
        random_state = self.random_state
        if isinstance(random_state, np.random.RandomState):
            random_state = _copy_random_state(random_state)
        rng = check_random_state(random_state)
        return [int(seed) for seed in rng.randint(np.iinfo(np.int32).max, size=3)]

    def _name(self, param):
        """The value of ``param`` in sklann's spelling (``"Adam"`` -> ``"adam"``)."""
        return canonical_name(self._parameter_constraints[param], getattr(self, param))

    def _network_spec(self, n_features, target):
        activation = self._name("activation")
        initializer = self._name("kernel_initializer")
        return NetworkSpec(
            n_features=n_features,
            n_outputs=target.n_outputs,
            output_activation=target.output_activation,
            hidden_layer_sizes=normalize_layer_sizes(self.hidden_layer_sizes),
            activation=activation,
            kernel_initializer=resolve_initializer(initializer, activation),
            output_initializer=resolve_initializer(
                initializer, target.output_activation
            ),
            batch_normalization=self.batch_normalization,
            dropout=self.dropout,
            input_dropout=self.input_dropout,
            l1=self.l1,
            l2=self.l2,
            max_norm=self.max_norm,
            precision=self._name("precision"),
        )

    def _optimizer_settings(self):
        return dict(
            routed=self._routed("optimizer"),
            learning_rate=self.learning_rate,
            momentum=self.momentum,
            nesterov=self.nesterov,
            weight_decay=self.weight_decay,
            clipnorm=self.clipnorm,
            clipvalue=self.clipvalue,
            global_clipnorm=self.global_clipnorm,
        )

    def _build_optimizer(self):
        """A new Keras optimizer of the settings, for the Keras model of ``model_``."""
        return build_optimizer(self._name("optimizer"), **self._optimizer_settings())

    def _update_rule(self, spec):
        return update_rule(
            self._name("optimizer"), spec.precision, **self._optimizer_settings()
        )

    def _loss_name(self, target):
        loss = self._name("loss")
        return target.default_loss if loss == "auto" else loss

    def _loss_function(self, target):
        """The loss as a Keras object, for the Keras model of ``model_``."""
        return per_sample_loss(self._loss_name(target), routed=self._routed("loss"))

    def _callbacks(self):
        """Fresh copies of the callbacks for one fit; the user's stay untouched."""
        if self.callbacks is None:
            return []
        callbacks = unflatten_params(
            items=copy.deepcopy(self.callbacks), params=self._routed("callbacks")
        )
        return callbacks if isinstance(callbacks, list) else [callbacks]

    def _rate_schedule(self, rule):
        schedule = self._name("lr_schedule")
        if isinstance(schedule, keras.optimizers.schedules.LearningRateSchedule):
            # Its own first rate; warm-up ramps up to it.
            base = float(keras.ops.convert_to_numpy(schedule(0)))
        else:
            base = base_learning_rate(self._name("optimizer"), self.learning_rate)
        return RateSchedule(
            schedule,
            learning_rate=base,
            decay_rate=self.lr_decay_rate,
            decay_epochs=self._decay_epochs(),
            warmup_epochs=self.lr_warmup_epochs,
            total_epochs=self.epochs,
            momentum=rule.base_momentum,
        )

    def _decay_epochs(self):
        if self.lr_decay_epochs == "auto":
            return auto_decay_epochs(self._name("lr_schedule"), self.epochs)
        return self.lr_decay_epochs

    def _stop_rules(self, incremental, early_stopping):
        """The stopping rules of one call (``partial_fit`` never stops)."""
        plateau = self._name("lr_schedule") == "plateau"
        return StopRules(
            tol=self.tol,
            patience=0 if incremental or self.patience is None else self.patience,
            plateau_patience=max(1, round(self._decay_epochs())) if plateau else 0,
            plateau_factor=self.lr_decay_rate,
            on_validation=early_stopping,
        )

    def _uses_early_stopping(self, n_samples):
        if self.early_stopping == "auto":
            return n_samples > AUTO_EARLY_STOPPING_SAMPLES
        return self.early_stopping

    # -- fitting ------------------------------------------------------------------

    def _validate_training_data(self, X, y, reset, min_samples=2):
        X, y = validate_data(
            self,
            X,
            y,
            reset=reset,
            accept_sparse="csr",
            dtype=np.float32,
            multi_output=True,
            y_numeric=self._y_numeric,
            ensure_min_samples=min_samples,
        )
        return X, self._prepare_target(y)

    def _fresh_fit(self, n_features, target, y, seeds):
        """The attributes of a new, untrained network, without assigning them.

        Nothing of the estimator changes until the fit that asked for it has
        trained (see :meth:`_commit`), so a failed fit keeps what was there.
        """
        network_seed, order_seed, split_seed = seeds
        spec = self._network_spec(n_features, target)
        apply_thread_budget(spec, self._batch_size())  # before TensorFlow's first op
        start_tensorflow()
        weights = initial_weights(spec, network_seed)
        rule = self._update_rule(spec)
        return {
            "_spec": spec,
            "_network_seed": network_seed,
            "_weights": list(weights),
            "_optimizer_state": rule.initial_state(_trainable(spec, weights)),
            "_order_seed": order_seed,
            "_split_seed": split_seed,
            "target_encoder_": target,
            "n_outputs_": 1 if y.ndim == 1 else y.shape[1],
            **self._target_attributes(target),
            "history_": {},
            "n_iter_": 0,
            "_plateau": PlateauMonitor(),
            "_stop": StopMonitor(),
            "_keras_view": None,
            "_model_exposed": False,
        }

    def _target_attributes(self, target):
        """Fitted attributes that describe the target (subclasses add theirs)."""
        return {}

    def _commit(self, attributes):
        """Adopt a finished fit's attributes, and make its prediction plan."""
        vars(self).update(attributes)
        self._plan = inference_plan(self._spec, self._weights)
        view = vars(self).get("_keras_view")
        if view is not None:  # model_ or the callbacks' model follow the fit
            view.load(self._weights, self._optimizer_state)

    # -- the Keras model, made only when asked for ----------------------------------

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
        """The :class:`~sklann._keras_view.KerasView` of the fitted state."""
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

    # -- the training program ---------------------------------------------------------

    def _program(self, spec, target, rule, loss):
        """The traced program for this configuration, from the process's cache."""
        metrics = metrics_key(self.metrics, target.target_type, self._routed("metrics"))
        structure = Structure(
            kinds=layer_kinds(spec),
            precision=spec.precision,
            max_norm=spec.max_norm is not None,
            optimizer=rule.structure,
            loss=loss.structure,
            metrics=metrics,
        )
        shared = loss.structure is not None and metrics is not None
        return PROGRAMS.get(
            structure if shared else None,
            lambda: TrainingProgram(
                structure,
                rule,
                loss,
                lambda: build_metrics(
                    self.metrics, target.target_type, self._routed("metrics")
                ),
            ),
        )

    def _gradient_norms(self, X, targets):
        """Per-layer loss-gradient norms on ``X`` (``inspection.gradient_norms``)."""
        spec, target = self._spec, self.target_encoder_
        rule = self._update_rule(spec)
        loss = TrainingLoss(self._loss_name(target), routed=self._routed("loss"))
        program = self._program(spec, target, rule, loss)
        hyper = self._hyperparameters(spec, rule, loss)
        return program.gradient_norms(self._state()[0], X, targets, hyper)

    def _hyperparameters(self, spec, rule, loss):
        """The numeric settings the program reads as inputs, as float32 scalars."""
        network = {
            "dropout": spec.dropout,
            "input_dropout": spec.input_dropout,
            "l1": spec.l1,
            "l2": spec.l2,
            "max_norm": spec.max_norm or 0.0,
        }
        return {
            **{name: np.float32(value) for name, value in network.items()},
            **rule.hyperparameters(),
            **loss.hyperparameters(),
        }

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

    def _sample_weights(self, X, y, sample_weight, target):
        weights = _check_sample_weight(
            sample_weight, X, dtype=np.float32, ensure_non_negative=True
        )
        return weights * self._class_weights(y, target)

    def _class_weights(self, y, target):
        return np.ones(len(y), dtype=np.float32)

    def _fit(self, X, y, sample_weight, *, reset, incremental=False, classes=None):
        """Validate, then train: ``epochs`` epochs, or one if ``incremental``.

        ``reset`` starts from a fresh network. ``incremental`` (``partial_fit``)
        holds out no validation data and never stops early. Everything is
        validated before the estimator's state changes. A first Ctrl-C from
        here on stops training after the current step (see
        :mod:`sklann._interrupt`).
        """
        interrupt = InterruptRequest()
        with interrupt_handler(interrupt.press):
            return self._validate_and_train(
                X, y, sample_weight, reset, incremental, classes, interrupt
            )

    def _validate_and_train(
        self, X, y, sample_weight, reset, incremental, classes, interrupt
    ):
        X, y = self._validate_training_data(
            X, y, reset=reset, min_samples=1 if incremental else 2
        )
        if reset:
            target = self._target_encoder(y, classes, sample_weight)
        else:
            target = self.target_encoder_
        targets = target.transform(y)
        weights = self._sample_weights(X, y, sample_weight, target)
        if not np.any(weights > 0):
            raise ValueError(
                "sample_weight (times class_weight) is zero for every sample: "
                "there is nothing to train on."
            )
        keep = weights > 0
        if not keep.all():
            X, targets, weights = X[keep], targets[keep], weights[keep]
        seeds = self._seeds() if reset else None
        validation = None
        early_stopping = not incremental and self._uses_early_stopping(len(weights))
        if early_stopping or (not incremental and self.validation_split is not None):
            split_seed = seeds[2] if reset else self._split_seed
            (X, targets, weights), validation = self._validation_split(
                X, targets, weights, target, split_seed
            )
        if reset:
            fit = self._fresh_fit(X.shape[1], target, y, seeds)
        else:
            fit = self._continued_fit()
        data = (X, targets, weights)
        self._train(fit, data, validation, early_stopping, incremental, interrupt)
        return self

    def _continued_fit(self):
        """The attributes a continued fit (warm start, ``partial_fit``) starts from."""
        weights, optimizer_state = self._state()
        return {
            name: vars(self)[name]
            for name in (
                "_spec",
                "_order_seed",
                "_split_seed",
                "target_encoder_",
                "n_outputs_",
                "history_",
                "n_iter_",
                "_plateau",
                "_stop",
            )
        } | {"_weights": weights, "_optimizer_state": optimizer_state}

    def _validation_split(self, X, targets, weights, target, seed):
        """Hold out ``validation_split`` of the rows: shuffled, stratified if possible.

        Never the last rows (Keras's ``validation_split``), which would leak
        any ordering of the data into the validation set.
        """
        strata = self._validation_strata(targets, target)
        fraction = self._held_out_fraction()
        splitter = (ShuffleSplit if strata is None else StratifiedShuffleSplit)(
            n_splits=1, test_size=fraction, random_state=seed
        )
        try:
            train, held_out = next(splitter.split(X, strata))
        except ValueError as error:
            stratified = "" if strata is None else ", stratified by class,"
            raise ValueError(
                f"Could not hold out validation_split={fraction} of the "
                f"{len(weights)} samples{stratified} ({error}). Use more data, "
                "a larger validation_split, or no validation data "
                "(early_stopping=False, validation_split=None)."
            ) from None
        return (
            (X[train], targets[train], weights[train]),
            (X[held_out], targets[held_out], weights[held_out]),
        )

    def _held_out_fraction(self):
        if self.validation_split is None:
            return EARLY_STOPPING_SPLIT
        return self.validation_split

    def _validation_strata(self, targets, target):
        """Labels to stratify the validation split by; None for no strata."""
        return None

    def _train(self, fit, data, validation, early_stopping, incremental, interrupt):
        """Train from the attributes ``fit``; adopt them once training is done."""
        spec, target = fit["_spec"], fit["target_encoder_"]
        apply_thread_budget(spec, self._batch_size())
        start_tensorflow()
        rule = self._update_rule(spec)
        loss = TrainingLoss(self._loss_name(target), routed=self._routed("loss"))
        program = self._program(spec, target, rule, loss)
        epochs = 1 if incremental else self.epochs
        stop = fit["_stop"] if incremental else StopMonitor()
        plan = FitPlan(
            epochs=epochs,
            batch_size=self._batch_size(),
            shuffle=self.shuffle,
            seed=fit["_order_seed"],
            schedule=self._rate_schedule(rule),
            hyper=self._hyperparameters(spec, rule, loss),
            rules=self._stop_rules(incremental, early_stopping),
            initial_epoch=fit["n_iter_"],
            previous_rate=(fit["history_"].get("learning_rate") or [None])[-1],
        )
        callbacks = self._callbacks()
        check_callbacks(callbacks, validation is not None)
        view = None
        if callbacks:
            view = self._callback_view(fit)
            fit["_keras_view"] = view
        with PROGRAMS.training(), self._hinted(data):
            result = train(
                program,
                StateLayout(spec, rule),
                (fit["_weights"], fit["_optimizer_state"]),
                data,
                plan,
                validation=validation,
                monitors=(stop, fit["_plateau"]),
                callbacks=callbacks,
                view=view,
                verbose=self.verbose,
                interrupt=interrupt,
            )
        self._commit(self._recorded(fit, result, early_stopping))
        self.callbacks_ = callbacks
        self._after_training(result, epochs, incremental, early_stopping, data)

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

    @staticmethod
    def _recorded(fit, result, early_stopping):
        """``fit`` with a training call's logs, epochs, monitors and state."""
        history = {key: list(values) for key, values in fit["history_"].items()}
        for key, values in result.logs.items():
            history.setdefault(key, []).extend(values)
        n_iter = fit["n_iter_"] + len(result.logs.get("loss", ()))
        weights = result.weights
        if early_stopping and n_iter > 0:  # restore the best epoch's weights
            weights = result.best_weights
        return {
            **fit,
            "history_": history,
            "n_iter_": n_iter,
            "best_epoch_": int(result.stop.best_epoch),
            "_stop": result.stop,
            "_plateau": result.plateau,
            "_weights": list(weights),
            "_optimizer_state": result.optimizer,
        }

    @contextmanager
    def _hinted(self, data):
        """Re-raise a divergence with a hint on unscaled data, when they look so."""
        try:
            yield
        except TrainingDiverged as error:
            hint = self._scaling_hint(data)
            if not hint:
                raise
            raise TrainingDiverged(f"{error}{hint}") from None

    def _scaling_hint(self, data):
        """:func:`~sklann._hints.scaling_hint` for training data ``(X, targets, _)``."""
        return scaling_hint(data[0])

    def _after_training(self, result, epochs, incremental, early_stopping, data):
        """Warn of an interrupted or unconverged training call."""
        epochs_run = len(result.logs.get("loss", ()))
        if result.interrupted:
            warnings.warn(
                f"Training was interrupted (Ctrl-C) after {epochs_run} "
                f"completed epochs of this call; the model keeps the weights of "
                f"the last completed epoch (n_iter_={self.n_iter_}) and can be "
                "used, or trained on with warm_start=True.",
                UserWarning,
                stacklevel=7,  # the caller of fit
            )
            return
        ran_out = epochs_run == epochs and not result.stopped
        if not incremental and self.patience is not None and ran_out:
            self._warn_not_converged(early_stopping, self._scaling_hint(data))

    def _warn_not_converged(self, early_stopping, hint):
        monitored = "validation loss" if early_stopping else "training loss"
        warnings.warn(
            f"Training ran all epochs={self.epochs} without converging: the "
            f"{monitored} still improved by more than tol={self.tol} within "
            f"the last patience={self.patience} epochs. Raise epochs, or set "
            f"patience=None to train every epoch without this check.{hint}",
            ConvergenceWarning,
            stacklevel=8,  # the caller of fit
        )

    def _batch_size(self):
        """The minibatch size; the engine caps it at the number of samples."""
        return AUTO_BATCH_SIZE if self.batch_size == "auto" else self.batch_size

    def _continues(self):
        """Whether ``fit`` continues from the fitted weights (``warm_start``)."""
        return self.warm_start and self.__sklearn_is_fitted__()

    # -- prediction -------------------------------------------------------------

    def _network_outputs(self, X, mc_samples=None):
        """The network's outputs for ``X``; with ``mc_samples``, one set per pass.

        Returns an array of shape (n_samples, n_outputs), or with
        ``mc_samples`` (mc_samples, n_samples, n_outputs): MC dropout passes.
        """
        check_is_fitted(self)
        # float64: prediction runs in NumPy float64 (sklann._inference)
        X = validate_data(self, X, reset=False, accept_sparse="csr", dtype=np.float64)
        if mc_samples is not None:
            return self._mc_dropout_outputs(X, _check_mc_samples(mc_samples))
        plan = self._inference_plan()
        chunks = [forward(plan, chunk) for chunk in dense_chunks(X)]
        return np.concatenate(chunks) if chunks else np.empty((0,))

    def _mc_dropout_outputs(self, X, mc_samples):
        """``mc_samples`` stochastic passes with dropout on, all in one batch.

        Each chunk of rows is repeated ``mc_samples`` times and run through
        the NumPy network once, in float32, every repeat with its own dropout
        masks (seeded from ``random_state``); batch normalisation keeps its
        moving statistics, as at prediction. Chunks of ``MC_DROPOUT_ROWS``
        repeated rows keep the arrays in cache: on digits with a (256, 128)
        network, 100 passes took 0.6 s with 4,096 rows a chunk and 1.3 s
        with 65,536.
        """
        if not has_dropout(self._spec):
            raise ValueError(
                f"mc_samples={mc_samples} needs dropout in the network, but "
                f"dropout={self.dropout} and input_dropout={self.input_dropout}"
                ". MC dropout averages passes with dropout active: train with "
                "dropout > 0, or leave mc_samples=None."
            )
        rng = np.random.default_rng(self._seeds()[0])
        plan = inference_plan(self._spec, self._state()[0], rng, dtype=np.float32)
        passes = [
            forward(plan, np.tile(chunk, (mc_samples, 1)), np.float32).reshape(
                mc_samples, len(chunk), -1
            )
            for chunk in dense_chunks(X, max(1, MC_DROPOUT_ROWS // mc_samples))
        ]
        return np.concatenate(passes, axis=1).astype(np.float64)

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


def _trainable(spec, weights):
    """The trainable arrays among a network's ``weights``."""
    indices, _ = split_indices(variable_slots(spec))
    return [weights[index] for index in indices]


def _check_mc_samples(mc_samples):
    if not is_integer(mc_samples) or mc_samples < 1:
        raise ValueError(
            f"mc_samples must be None or a positive integer; got {mc_samples!r}."
        )
    return int(mc_samples)


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
