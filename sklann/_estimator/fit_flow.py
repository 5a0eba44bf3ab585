"""The fit flow: data in, a trained state committed at the end.

Validated data and targets, sample weights, the validation split, a fresh
or continued state, one training call of the engine, and the warnings
after it. Nothing of the estimator changes until training has finished
(:meth:`FitFlowMixin._commit`), so a failed fit keeps what was there.
"""

import warnings
from contextlib import contextmanager

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.validation import validate_data

from .._compat import _check_sample_weight
from .._inference import inference_plan
from .._network.layers import trainable_weights
from .._network.spec import initial_weights
from .._training.data import training_dtype
from .._training.engine import TrainingDiverged
from .._training.interrupt import InterruptRequest, interrupt_handler
from .._training.losses import TrainingLoss
from .._training.quiet import start_tensorflow
from .._training.stopping import PlateauMonitor, StopMonitor
from .._training.threads import apply_thread_budget
from .concurrency import one_fit_at_a_time
from .held_out import validation_split
from .hints import check_float32_range, float32_rounding_warning, scaling_hint
from .minibatch import MinibatchMixin, epochs_trained


class FitFlowMixin(MinibatchMixin):
    """How ``fit`` and ``partial_fit`` train: validate, split, train, commit."""

    def _validate_training_data(self, X, y, reset):
        X, y = validate_data(
            self,
            X,
            y,
            reset=reset,
            accept_sparse="csr",
            dtype=[np.float64, np.float32],
            multi_output=True,
            y_numeric=self._y_numeric,
        )
        dtype = training_dtype(self.precision)
        if dtype == np.float32 and X.dtype == np.float64:
            check_float32_range(X)
            float32_rounding_warning(X)
        return X.astype(dtype, copy=False), self._prepare_target(y)

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
            "_optimizer_state": rule.initial_state(trainable_weights(spec, weights)),
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

    def _class_weights(self, y, target):
        return np.ones(len(y), dtype=np.float32)

    def _fit(self, X, y, sample_weight, *, reset, incremental=False, classes=None):
        """Validate, then train: ``epochs`` epochs, or one if ``incremental``.

        ``reset`` starts from a fresh network. ``incremental`` (``partial_fit``)
        holds out no validation data and never stops early. Everything is
        validated before the estimator's state changes. A first Ctrl-C from
        here on stops training after the current step (see
        :mod:`sklann._training.interrupt`).
        """
        if incremental and self._full_batch():
            raise ValueError(
                "partial_fit trains one minibatch epoch, and optimizer='lbfgs' "
                "trains on the whole data at once (scikit-learn's L-BFGS has no "
                "partial_fit either). Use fit, with warm_start=True to continue, "
                "or a minibatch optimizer (optimizer='adam')."
            )
        if incremental and self.early_stopping is True:
            raise ValueError(
                "partial_fit does not support early_stopping=True (as in "
                "scikit-learn): it holds out no data and trains exactly one epoch "
                "per call. Use fit, or set early_stopping=False and score "
                "held-out data between partial_fit calls."
            )
        interrupt = InterruptRequest()
        with one_fit_at_a_time(self), interrupt_handler(interrupt.press):
            return self._validate_and_train(
                X, y, sample_weight, reset, incremental, classes, interrupt
            )

    def _validate_and_train(
        self, X, y, sample_weight, reset, incremental, classes, interrupt
    ):
        X, y = self._validate_training_data(X, y, reset=reset)
        # Validated once: the regressor's target statistics are weighted too.
        weights = _check_sample_weight(
            sample_weight, X, dtype=X.dtype, ensure_non_negative=True
        )
        if reset:
            target = self._target_encoder(y, classes, weights)
        else:
            target = self.target_encoder_
            self._check_continued_target(y, incremental)
        targets = target.transform(y, X.dtype)
        weights = weights * self._class_weights(y, target)
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
        """Hold out ``validation_split`` of the rows (see :func:`validation_split`)."""
        strata = self._validation_strata(targets, target)
        return validation_split(
            (X, targets, weights), strata, self._held_out_fraction(), seed
        )

    def _check_continued_target(self, y, incremental):
        """Refuse a target a warm-started fit cannot continue on (classifiers)."""

    def _validation_strata(self, targets, target):
        """Labels to stratify the validation split by; None for no strata."""
        return None

    def _train(self, fit, data, validation, early_stopping, incremental, interrupt):
        """Train from the attributes ``fit``; adopt them once training is done."""
        spec, target = fit["_spec"], fit["target_encoder_"]
        apply_thread_budget(spec, self._batch_size())
        start_tensorflow()
        rule = self._update_rule(spec)
        loss = TrainingLoss(self._loss_name(target), routed=self._loss_settings())
        epochs = 1 if incremental else self.epochs
        if self._full_batch():
            with self._hinted(data):
                result = self._train_full_batch(
                    fit, data, rule, loss, interrupt, epochs_trained(fit)
                )
            callbacks = []
        else:
            result, callbacks = self._train_minibatches(
                fit,
                data,
                validation,
                (early_stopping, incremental, interrupt),
                rule,
                loss,
            )
        self._commit(recorded(fit, result, early_stopping))
        self.callbacks_ = callbacks
        self._after_training(result, epochs, incremental, early_stopping, data)

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
        """The hint on unscaled data, for training data ``(X, targets, _)``."""
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

    def _continues(self):
        """Whether ``fit`` continues from the fitted weights (``warm_start``)."""
        return self.warm_start and self.__sklearn_is_fitted__()


def recorded(fit, result, early_stopping):
    """``fit`` with a training call's logs, epochs, monitors and state.

    ``n_iter_`` counts this call's epochs, as scikit-learn's MLP counts them
    (a warm-started ``fit`` runs ``epochs`` more; ``partial_fit`` one);
    ``history_`` keeps every epoch.
    """
    history = {key: list(values) for key, values in fit["history_"].items()}
    for key, values in result.logs.items():
        history.setdefault(key, []).extend(values)
    n_iter = len(result.logs.get("loss", ()))
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
