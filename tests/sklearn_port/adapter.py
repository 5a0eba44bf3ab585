"""scikit-learn's MLP parameter and attribute names on sklann's estimators.

scikit-learn's own ``test_mlp.py`` runs against these classes
(:mod:`tests.sklearn_port.run`). Each class takes scikit-learn's parameters,
translates them to sklann's (the table is :func:`sklann_params`), trains a
real sklann estimator, and shows its fitted state under scikit-learn's
attribute names. Nothing is computed here that sklann did not compute: the
attributes are sklann's, renamed.

The translations that are not a rename:

- ``alpha`` is scikit-learn's L2 strength on the summed squares over the
  batch, halved: ``l2 = alpha / (2 * batch_size)`` in Keras's convention.
  For a multilabel target, whose log-loss scikit-learn sums over the labels
  (Keras averages), the learning rate is multiplied and ``l2`` divided by
  the number of labels: the same updates.
- ``n_iter_no_change=k`` stops after ``k + 1`` epochs without improvement:
  ``patience=k + 1``; ``np.inf`` never stops but still warns when
  ``max_iter`` runs out: ``patience=max_iter + 1``.
- ``solver="lbfgs"`` is ``optimizer="lbfgs"``, on which scikit-learn
  ignores ``early_stopping`` and the minibatch settings; the adapter leaves
  them out (sklann refuses them beside L-BFGS).
- scikit-learn trains in the input's dtype: float64 input gets
  ``precision="float64"``, float32 input ``"float32"``.
- ``validation_scores_`` are minus sklann's validation losses: sklann
  monitors the held-out loss where scikit-learn monitors the score.
"""

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.utils._available_if import available_if

import sklann

SOLVERS = {"adam": "adam", "sgd": "sgd", "lbfgs": "lbfgs"}
# scikit-learn's learning_rate (a schedule, for "sgd" only) to lr_schedule.
SCHEDULES = {
    "constant": "constant",
    "invscaling": "inverse_time",
    "adaptive": "plateau",
}


class _Adapted(BaseEstimator):
    """The shared part: parameters in, a sklann estimator trained, names out."""

    _sklann_class = None

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        solver="adam",
        alpha=0.0001,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=0.001,
        power_t=0.5,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        max_fun=15000,
        loss="squared_error",
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.max_fun = max_fun
        self.loss = loss  # the regressor's; one signature keeps get_params whole

    # -- training ------------------------------------------------------------------

    def fit(self, X, y, sample_weight=None):
        estimator = self._estimator(X, y, keep=self.warm_start)
        estimator.fit(X, y, sample_weight=sample_weight)
        return self

    def _partial_fit(self, X, y, **extra):
        self._estimator(X, y, keep=True).partial_fit(X, y, **extra)
        return self

    def _estimator(self, X, y, keep):
        """The sklann estimator to train: the fitted one when continuing."""
        regressor = self._sklann_class is sklann.MLPRegressor
        labels = 1 if regressor or np.ndim(y) == 1 else np.shape(y)[1]
        params = sklann_params(self.get_params(), X, regressor, labels)
        if keep and hasattr(self, "estimator_"):
            return self.estimator_.set_params(**params)
        self.estimator_ = self._sklann_class(**params)
        return self.estimator_

    def predict(self, X):
        return self.estimator_.predict(X)

    # -- scikit-learn's attribute names ----------------------------------------------

    def __getattr__(self, name):
        # Fitted attributes sklann names as scikit-learn does (n_iter_,
        # classes_, n_outputs_, n_features_in_, ...) come from the estimator.
        if name.endswith("_") and not name.startswith("__") and name != "estimator_":
            if "estimator_" in vars(self):
                return getattr(self.estimator_, name)
        raise AttributeError(name)

    @property
    def coefs_(self):
        return [kernel for kernel, _ in self._dense_layers()]

    @property
    def intercepts_(self):
        return [bias for _, bias in self._dense_layers()]

    def _dense_layers(self):
        dense = [
            layer for layer in self.estimator_.model_.layers if hasattr(layer, "kernel")
        ]
        return [(layer.kernel.numpy(), layer.bias.numpy()) for layer in dense]

    @property
    def n_layers_(self):
        return len(self.coefs_) + 1

    @property
    def loss_curve_(self):
        return list(self.estimator_.history_["loss"])

    @property
    def validation_scores_(self):
        losses = self.estimator_.history_.get("val_loss")
        return None if losses is None else [-loss for loss in losses]

    @property
    def best_validation_score_(self):
        scores = self.validation_scores_
        return None if scores is None else max(scores)

    @property
    def best_loss_(self):
        if self.validation_scores_ is not None:
            return None
        return min(self.loss_curve_)

    @property
    def _no_improvement_count(self):
        return int(self.estimator_._stop.wait)

    @property
    def _optimizer(self):
        return _Rate(self.estimator_.history_["learning_rate"][-1])


class _Rate:
    """scikit-learn's ``_optimizer`` as far as its tests read it: the rate."""

    def __init__(self, learning_rate):
        self.learning_rate = learning_rate


def _has_partial_fit(adapter):
    return adapter.solver != "lbfgs"  # as scikit-learn: L-BFGS is full batch


class MLPClassifier(ClassifierMixin, _Adapted):
    """sklann's MLPClassifier with scikit-learn's names."""

    _sklann_class = sklann.MLPClassifier

    @available_if(_has_partial_fit)
    def partial_fit(self, X, y, classes=None):
        return self._partial_fit(X, y, classes=classes)

    def predict_proba(self, X):
        return self.estimator_.predict_proba(X)

    def predict_log_proba(self, X):
        return self.estimator_.predict_log_proba(X)


class MLPRegressor(RegressorMixin, _Adapted):
    """sklann's MLPRegressor with scikit-learn's names."""

    _sklann_class = sklann.MLPRegressor

    @available_if(_has_partial_fit)
    def partial_fit(self, X, y):
        return self._partial_fit(X, y)


def sklann_params(params, X, regressor, labels=1):
    """sklann's parameters for scikit-learn's ``params``, for training on ``X``.

    ``labels`` is the number of columns of a multilabel target: scikit-learn
    sums the log-loss over them where Keras averages, so the same problem
    has ``labels`` times the learning rate and a ``labels`` times weaker L2.
    """
    n_samples = np.shape(X)[0] if hasattr(X, "shape") else len(X)
    full_batch = params["solver"] == "lbfgs"
    if full_batch:
        batch = n_samples
    elif params["batch_size"] == "auto":
        batch = min(200, n_samples)
    else:
        batch = min(params["batch_size"], n_samples)
    translated = dict(
        hidden_layer_sizes=params["hidden_layer_sizes"],
        activation=params["activation"],
        optimizer=SOLVERS[params["solver"]],
        l2=params["alpha"] / (2 * batch * labels),
        epochs=params["max_iter"],
        random_state=params["random_state"],
        tol=params["tol"],
        verbose=int(bool(params["verbose"])),
        warm_start=params["warm_start"],
        precision="float32" if getattr(X, "dtype", None) == np.float32 else "float64",
    )
    if regressor:
        translated["loss"] = params["loss"]
    if full_batch:  # scikit-learn ignores the rest with L-BFGS; sklann refuses it
        return dict(translated, max_fun=params["max_fun"])
    patience = params["n_iter_no_change"]
    translated.update(
        batch_size=batch,
        learning_rate=params["learning_rate_init"] * labels,
        shuffle=params["shuffle"],
        early_stopping=params["early_stopping"],
        validation_split=(
            params["validation_fraction"] if params["early_stopping"] else None
        ),
        # inf never stops, but still warns when max_iter runs out
        patience=params["max_iter"] + 1 if np.isinf(patience) else int(patience) + 1,
    )
    if params["solver"] == "sgd":
        translated.update(
            momentum=params["momentum"],
            nesterov=params["nesterovs_momentum"],
            lr_schedule=SCHEDULES[params["learning_rate"]],
        )
    else:
        translated.update(
            optimizer__beta_1=params["beta_1"],
            optimizer__beta_2=params["beta_2"],
            optimizer__epsilon=params["epsilon"],
        )
    return translated
