"""Parameters into configuration: the spec, update rule, loss, schedule, rules.

Everything a fit needs is derived here from the estimator's parameters,
and nothing else reads them: the network spec (:mod:`sklann._network.spec`),
the optimizer's update rule and Keras optimizer, the loss, the learning-rate
schedule, the stopping rules, the numeric inputs of the traced program and
the program itself (from the pool).
"""

import copy

import keras
import numpy as np
from sklearn.utils import check_random_state

from .._network.layers import layer_kinds
from .._network.spec import (
    NetworkSpec,
    resolve_initializer,
)
from .._training.losses import TrainingLoss, per_sample_loss
from .._training.metrics import build_metrics, metrics_key
from .._training.optimizers import base_learning_rate, build_optimizer, update_rule
from .._training.pool import PROGRAMS
from .._training.program import Structure, TrainingProgram
from .._training.schedules import RateSchedule, auto_decay_epochs
from .._training.stopping import StopRules
from .names import canonical_name
from .params import normalize_layer_sizes
from .scikeras import route_params, unflatten_params

AUTO_BATCH_SIZE = 200

# early_stopping="auto" turns early stopping on above this many samples.
AUTO_EARLY_STOPPING_SAMPLES = 10_000

# The fraction early stopping holds out when validation_split is None.
EARLY_STOPPING_SPLIT = 0.1


class ConfigurationMixin:
    """The translation of an estimator's parameters into its fit's configuration."""

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
            numerical_embedding=self.numerical_embedding,
            embedding_dim=int(self.embedding_dim),
            embedding_frequencies=int(self.embedding_frequencies),
            embedding_scale=float(self.embedding_scale),
            feature_scaling=bool(self.feature_scaling),
            n_ensemble=int(self.n_ensemble),
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
            ema_momentum=self.ema_momentum,
        )

    def _build_optimizer(self):
        """A new Keras optimizer of the settings, for the Keras model of ``model_``."""
        return build_optimizer(
            self._keras_optimizer_name(), **self._optimizer_settings()
        )

    def _update_rule(self, spec):
        return update_rule(
            self._keras_optimizer_name(), spec.precision, **self._optimizer_settings()
        )

    def _loss_name(self, target):
        loss = self._name("loss")
        return target.default_loss if loss == "auto" else loss

    def _loss_function(self, target):
        """The loss as a Keras object, for the Keras model of ``model_``."""
        return per_sample_loss(self._loss_name(target), routed=self._loss_settings())

    def _loss_settings(self):
        """The loss's settings: its ``loss__*`` routed parameters."""
        return self._routed("loss")

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
        if self._full_batch():  # L-BFGS holds out nothing (True is refused)
            return False
        if self.early_stopping == "auto":
            return n_samples > AUTO_EARLY_STOPPING_SAMPLES
        return self.early_stopping

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
        loss = TrainingLoss(self._loss_name(target), routed=self._loss_settings())
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

    def _batch_size(self):
        """The minibatch size; the engine caps it at the number of samples."""
        return AUTO_BATCH_SIZE if self.batch_size == "auto" else self.batch_size

    def _held_out_fraction(self):
        if self.validation_split is None:
            return EARLY_STOPPING_SPLIT
        return self.validation_split


def _copy_random_state(random_state):
    copy = np.random.RandomState()
    copy.set_state(random_state.get_state())
    return copy
