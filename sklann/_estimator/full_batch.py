"""``optimizer="lbfgs"``: full-batch training, as scikit-learn's ``solver="lbfgs"``.

The estimator side of :mod:`sklann._training.lbfgs`: which settings it
refuses (those that need minibatches), and how its result becomes a fit's
history, monitors and state. ``epochs`` is L-BFGS's iteration budget and
``max_fun`` its budget of loss evaluations, as in scikit-learn.
"""

import inspect
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from .._training.engine import TrainingDiverged, TrainingResult
from .._training.lbfgs import train_lbfgs
from .._training.stopping import StopMonitor

FULL_BATCH = "lbfgs"


# The settings only minibatch training reads: beside L-BFGS anything but
# their default would do nothing, so it is refused.
MINIBATCH_ONLY = (
    "dropout",
    "input_dropout",
    "dropout_schedule",
    "batch_normalization",
    "max_norm",
    "clipnorm",
    "clipvalue",
    "global_clipnorm",
    "ema_momentum",
    "weight_decay",
    "learning_rate",
    "momentum",
    "nesterov",
    "lr_schedule",
    "lr_warmup_epochs",
    "batch_size",
    "shuffle",
    "patience",
    "callbacks",
    "metrics",
    "validation_split",
)


class FullBatchMixin:
    """Training with L-BFGS in place of the compiled minibatch engine."""

    def _full_batch(self):
        return self._name("optimizer") == FULL_BATCH

    def _check_full_batch_settings(self):
        """Refuse what the chosen training would ignore, naming the sklann way.

        Beside L-BFGS: the minibatch-only settings away from their defaults,
        ``early_stopping=True`` and routed ``optimizer__`` settings; beside a
        minibatch optimizer: ``max_fun``.
        """
        defaults = {
            name: parameter.default
            for name, parameter in inspect.signature(type(self)).parameters.items()
        }
        if not self._full_batch():
            if self.max_fun != defaults["max_fun"]:
                raise ValueError(
                    f"max_fun={self.max_fun!r} bounds L-BFGS's loss evaluations "
                    f"and does nothing for optimizer={self.optimizer!r}: leave it "
                    "at its default, or set optimizer='lbfgs'."
                )
            return
        changed = [
            f"{name}={getattr(self, name)!r}"
            for name in MINIBATCH_ONLY
            if not _is_default(self, name, defaults[name])
        ]
        if self.early_stopping is True:
            changed.append("early_stopping=True")
        routed = self.get_params(deep=False)
        changed += [f"{name}=..." for name in routed if name.startswith("optimizer__")]
        if changed:
            raise ValueError(
                f"optimizer='lbfgs' trains on the whole data at once, so it cannot "
                f"use {', '.join(changed)}, which only minibatch training reads. "
                "Leave them at their defaults, or use a minibatch optimizer "
                "(optimizer='adam')."
            )

    def _keras_optimizer_name(self):
        """The optimizer's name for Keras: L-BFGS has none; plain SGD stands in.

        ``model_`` is compiled with it, so that the Keras model trains on if
        a user calls its ``fit``.
        """
        return "sgd" if self._full_batch() else self._name("optimizer")

    def _train_full_batch(self, fit, data, rule, loss, interrupt, first_epoch):
        """Train ``fit``'s weights with L-BFGS; a :class:`TrainingResult`."""
        spec = fit["_spec"]
        outcome = train_lbfgs(
            spec,
            loss,
            self._hyperparameters(spec, rule, loss),
            fit["_weights"],
            data,
            max_iter=self.epochs,
            max_fun=self.max_fun,
            tol=self.tol,
            stop=lambda: interrupt.pressed,
            verbose=self.verbose,
        )
        losses = outcome.losses
        if losses and not np.isfinite(losses[-1]):
            raise TrainingDiverged(
                f"Training diverged: the loss became {losses[-1]} at L-BFGS "
                f"iteration {len(losses)}. Try standardised inputs "
                "(StandardScaler) or a larger l2."
            )
        if not (outcome.converged or outcome.interrupted):
            warnings.warn(
                f"L-BFGS stopped before converging ({outcome.message}) after "
                f"{len(losses)} iterations: raise epochs (its iteration "
                f"budget, {self.epochs}) or max_fun ({self.max_fun}).",
                ConvergenceWarning,
                stacklevel=7,  # the caller of fit
            )
        best = int(np.argmin(losses)) if losses else -1
        stop = StopMonitor(
            best=np.float32(min(losses, default=np.inf)),
            wait=np.int32(0),
            best_epoch=np.int32(first_epoch + best if losses else -1),
        )
        return TrainingResult(
            logs={"loss": losses},
            stop=stop,
            plateau=fit["_plateau"],
            stopped=True,  # converged, or warned about above
            interrupted=outcome.interrupted,
            weights=outcome.weights,
            optimizer=fit["_optimizer_state"],
            best_weights=outcome.weights,
        )


def _is_default(estimator, name, default):
    """Whether ``name`` is at its default (in sklann's spelling; [] is None)."""
    value = estimator._name(name)
    if name in ("callbacks", "metrics") and value == []:
        return True
    return value is default or value == default
