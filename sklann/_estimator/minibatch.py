"""Training on minibatches: the compiled engine's plan, callbacks and call.

The other way to train is :mod:`sklann._estimator.full_batch` (L-BFGS).
"""

from .._training.callbacks import check_callbacks
from .._training.engine import FitPlan, train
from .._training.pool import PROGRAMS
from .._training.schedules import DropoutSchedule
from .._training.state import StateLayout
from .._training.stopping import StopMonitor


def epochs_trained(fit):
    """The epochs of every call so far: where a continued fit's schedule resumes."""
    return len(fit["history_"].get("loss", ()))


class MinibatchMixin:
    """Training with the compiled minibatch engine (every optimizer but L-BFGS)."""

    def _train_minibatches(self, fit, data, validation, modes, rule, loss):
        """Train with the compiled engine; the result and the callbacks it called.

        ``modes`` is ``(early_stopping, incremental, interrupt)``.
        """
        early_stopping, incremental, interrupt = modes
        spec, target = fit["_spec"], fit["target_encoder_"]
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
            initial_epoch=epochs_trained(fit),
            previous_rate=(fit["history_"].get("learning_rate") or [None])[-1],
            dropout=DropoutSchedule(self.dropout_schedule, self.epochs),
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
        return result, callbacks
