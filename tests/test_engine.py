"""The compiled training engine."""

import threading

import keras
import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import load_iris

from sklann import MLPClassifier, MLPRegressor
from sklann._training import engine
from sklann._training.engine import TrainingDiverged, epoch_order

RNG = np.random.RandomState(0)
X = RNG.normal(size=(120, 6)).astype(np.float32)
Y = (X[:, 0] + X[:, 1] > 0).astype(int)


class EpochRecorder(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.events = []

    def on_train_begin(self, logs=None):
        self.events.append("train_begin")

    def on_epoch_begin(self, epoch, logs=None):
        self.events.append(f"begin_{epoch}")

    def on_epoch_end(self, epoch, logs=None):
        self.events.append(f"end_{epoch}:{sorted(logs)}")

    def on_train_end(self, logs=None):
        self.events.append("train_end")


def test_callbacks_fire_at_every_epoch_with_logs():
    recorder = EpochRecorder()
    clf = MLPClassifier(
        hidden_layer_sizes=(4,),
        epochs=2,
        callbacks=[recorder],
        metrics=["accuracy"],
        early_stopping=True,
        random_state=0,
    ).fit(X, Y)
    # The user's callback is not touched: each fit runs on a copy.
    assert recorder.events == [] and getattr(recorder, "_model", None) is None
    keys = "['accuracy', 'learning_rate', 'loss', 'val_accuracy', 'val_loss']"
    assert clf.callbacks_[0] is not recorder
    assert clf.callbacks_[0].events == [
        "train_begin",
        "begin_0",
        f"end_0:{keys}",
        "begin_1",
        f"end_1:{keys}",
        "train_end",
    ]


def test_a_callback_can_stop_training():
    class StopAfterTwo(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == 1:
                self.model.stop_training = True

    clf = MLPClassifier(
        hidden_layer_sizes=(4,), epochs=10, callbacks=[StopAfterTwo()], random_state=0
    ).fit(X, Y)
    assert clf.n_iter_ == 2 and len(clf.history_["loss"]) == 2


@pytest.mark.parametrize("schedule", ["constant", "exponential"])
def test_engine_matches_keras_fit_on_the_same_problem(schedule):
    """Same network, optimizer and steps: same final loss and accuracy.

    With ``exponential`` the rate must change at every step, as Keras's
    ExponentialDecay (decay_steps = decay_epochs x steps per epoch) does.
    """
    clf = MLPClassifier(
        hidden_layer_sizes=(16,),
        epochs=30,
        learning_rate=0.01,
        lr_schedule=schedule,
        lr_decay_rate=0.2,
        lr_decay_epochs=10,
        batch_size=40,  # 3 steps per epoch
        shuffle=False,
        patience=None,
        random_state=0,
    )
    clf.initialize(X, Y)
    reference = keras.models.clone_model(clf.model_)
    reference.set_weights(clf.model_.get_weights())
    rate = 0.01
    if schedule == "exponential":
        rate = keras.optimizers.schedules.ExponentialDecay(0.01, 30, 0.2)
    reference.compile(
        optimizer=keras.optimizers.Adam(rate),
        loss="binary_crossentropy",
        metrics=["binary_accuracy"],
    )
    keras_history = reference.fit(
        X,
        Y.reshape(-1, 1).astype(np.float32),
        epochs=30,
        batch_size=40,
        shuffle=False,
        verbose=0,
    ).history
    clf.set_params(warm_start=True).fit(X, Y)
    assert clf.history_["loss"][-1] == pytest.approx(
        keras_history["loss"][-1], rel=1e-3
    )
    keras_accuracy = keras_history["binary_accuracy"][-1]
    assert clf.score(X, Y) == pytest.approx(keras_accuracy, abs=0.02)


def test_training_reduces_the_loss_and_records_the_learning_rate():
    reg = MLPRegressor(
        hidden_layer_sizes=(16,),
        epochs=15,
        learning_rate=0.01,
        batch_size=16,
        random_state=0,
    ).fit(X, X[:, 0] * 2)
    assert reg.history_["loss"][-1] < 0.2 * reg.history_["loss"][0]
    assert reg.history_["learning_rate"] == pytest.approx([0.01] * 15)


def test_divergence_raises_a_clear_error():
    huge = X * 1e18
    with pytest.raises(
        TrainingDiverged, match="Training diverged.*lower learning_rate"
    ):
        MLPRegressor(
            hidden_layer_sizes=(8,), epochs=5, learning_rate=10.0, random_state=0
        ).fit(huge, huge[:, 0] ** 2)


def test_weights_that_overflow_in_the_last_step_are_a_divergence():
    """Adam's squared gradients overflow float32 with 1e15 features (the
    gradient is about 1e30, the loss 1e30 and finite): the first step moves
    nothing, the second makes the weights NaN after the last loss was
    measured. Every logged loss is finite; the model would predict NaN."""
    X_huge = np.full((4, 1), 1e15)
    with pytest.raises(TrainingDiverged, match="weights stopped being finite"):
        MLPRegressor(
            hidden_layer_sizes=(), epochs=2, patience=None, random_state=0
        ).fit(X_huge, np.linspace(-1.0, 1.0, 4))


def test_divergence_is_a_value_error_for_searches():
    assert issubclass(TrainingDiverged, ValueError)


def test_sparse_training_equals_dense_training():
    X_sparse = sp.csr_matrix(np.where(np.abs(X) > 0.8, X, 0.0))
    params = dict(hidden_layer_sizes=(8,), epochs=5, batch_size=32, random_state=0)
    sparse_fit = MLPClassifier(**params).fit(X_sparse, Y)
    dense_fit = MLPClassifier(**params).fit(X_sparse.toarray(), Y)
    np.testing.assert_allclose(
        sparse_fit.history_["loss"], dense_fit.history_["loss"], rtol=1e-5
    )
    np.testing.assert_allclose(
        sparse_fit.predict_proba(X_sparse),
        dense_fit.predict_proba(X_sparse.toarray()),
        rtol=1e-5,
    )


def test_epoch_orders_are_permutations_that_change_each_epoch():
    first, second = epoch_order(30, 7, 0).numpy(), epoch_order(30, 7, 1).numpy()
    assert sorted(first) == list(range(30))
    assert not np.array_equal(first, second)


def test_fused_and_epoch_by_epoch_training_agree():
    """All epochs in one compiled call equals one call per epoch (callbacks on)."""
    params = dict(hidden_layer_sizes=(8,), epochs=4, batch_size=32, random_state=0)
    fused = MLPClassifier(**params).fit(X, Y)
    stepped = MLPClassifier(**params, callbacks=[keras.callbacks.Callback()]).fit(X, Y)
    np.testing.assert_allclose(
        fused.history_["loss"], stepped.history_["loss"], rtol=1e-6
    )
    np.testing.assert_allclose(
        fused.predict_proba(X), stepped.predict_proba(X), rtol=1e-6
    )


def test_verbose_prints_one_line_per_epoch(capsys):
    MLPClassifier(hidden_layer_sizes=(4,), epochs=3, verbose=1, random_state=0).fit(
        X, Y
    )
    lines = capsys.readouterr().out.strip().splitlines()
    assert [line.split(" - ")[0] for line in lines] == [
        "Epoch 1/3",
        "Epoch 2/3",
        "Epoch 3/3",
    ]
    assert all("loss:" in line and "learning_rate:" in line for line in lines)


def test_silent_by_default(capsys):
    MLPClassifier(hidden_layer_sizes=(4,), epochs=2, random_state=0).fit(X, Y)
    assert capsys.readouterr().out == ""


def test_initialize_builds_an_untrained_model_that_predicts():
    clf = MLPClassifier(hidden_layer_sizes=(4,), random_state=0).initialize(X, Y)
    assert clf.n_iter_ == 0 and clf.predict(X).shape == (120,)


def test_a_refit_that_diverges_keeps_the_previous_model():
    reg = MLPRegressor(hidden_layer_sizes=(8,), epochs=5, random_state=0)
    reg.fit(X, X[:, 0] * 2)
    before, history = reg.predict(X), dict(reg.history_)
    huge = X * 1e18
    with pytest.raises(TrainingDiverged):
        reg.set_params(learning_rate=10.0).fit(huge, huge[:, 0] ** 2)
    np.testing.assert_array_equal(reg.predict(X), before)
    assert reg.history_ == history and reg.n_iter_ == 5


def test_a_first_fit_that_diverges_leaves_the_estimator_unfitted():
    from sklearn.exceptions import NotFittedError

    huge = X * 1e18
    reg = MLPRegressor(hidden_layer_sizes=(8,), epochs=5, learning_rate=10.0)
    with pytest.raises(TrainingDiverged):
        reg.fit(huge, huge[:, 0] ** 2)
    with pytest.raises(NotFittedError):
        reg.predict(X)


class _HoldTheFirstEpoch(keras.callbacks.Callback):
    """Holds its fit in epoch 0 until the test has tried a second fit."""

    started = threading.Event()
    tried = threading.Event()

    def on_epoch_begin(self, epoch, logs=None):
        if epoch == 0:
            type(self).started.set()
            type(self).tried.wait(timeout=60)


def test_a_second_fit_while_one_runs_is_refused():
    X, y = load_iris(return_X_y=True)
    clf = MLPClassifier(epochs=3, patience=None, callbacks=[_HoldTheFirstEpoch()])
    first = threading.Thread(target=clf.fit, args=(X, y))
    first.start()
    try:
        assert _HoldTheFirstEpoch.started.wait(timeout=60)
        with pytest.raises(RuntimeError, match="already being fitted"):
            clf.fit(X, y)
        with pytest.raises(RuntimeError, match="already being fitted"):
            clf.partial_fit(X, y, classes=[0, 1, 2])
    finally:
        _HoldTheFirstEpoch.tried.set()
        first.join()
    assert clf.n_iter_ == 3  # the first fit alone, not merged with another
    clf.fit(X, y)  # and once it is done, the estimator fits again
    assert clf.n_iter_ == 3


@pytest.mark.parametrize(
    "callbacks, calls", [(None, 1), ([keras.callbacks.Callback()], 4)]
)
def test_a_fit_without_callbacks_is_one_compiled_call(monkeypatch, callbacks, calls):
    counted = []
    real = engine.call_in_worker

    def counting(function, *arguments):
        counted.append(function)
        return real(function, *arguments)

    monkeypatch.setattr(engine, "call_in_worker", counting)
    X, y = load_iris(return_X_y=True)
    MLPClassifier(epochs=4, patience=None, callbacks=callbacks).fit(X, y)
    assert len(counted) == calls  # README: "a fit without callbacks is one call"


class _FailsAtEpoch3(keras.callbacks.Callback):
    def __init__(self, error):
        super().__init__()
        self.error = error

    def on_epoch_end(self, epoch, logs=None):
        if epoch == 2:
            raise self.error


# MemoryError as an allocation failure in the middle of training raises it.
@pytest.mark.parametrize(
    "error",
    [RuntimeError("boom"), KeyboardInterrupt(), MemoryError()],
    ids=["exception", "Ctrl-C", "MemoryError"],
)
def test_a_failing_callback_leaves_the_previous_model_as_it_was(error):
    X, y = load_iris(return_X_y=True)
    clf = MLPClassifier(epochs=5, random_state=0).fit(X, y)
    before, n_iter, history = clf.predict_proba(X), clf.n_iter_, dict(clf.history_)
    clf.set_params(callbacks=[_FailsAtEpoch3(error)], random_state=1)
    with pytest.raises(type(error)):
        clf.fit(X, y)
    np.testing.assert_array_equal(clf.predict_proba(X), before)
    assert clf.n_iter_ == n_iter and clf.history_ == history
    unfitted = MLPClassifier(epochs=5, callbacks=[_FailsAtEpoch3(error)])
    with pytest.raises(type(error)):
        unfitted.fit(X, y)
    assert not unfitted.__sklearn_is_fitted__()
