"""Early stopping, convergence, divergence and continued training."""

import warnings
from functools import partial

import keras
import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.exceptions import ConvergenceWarning, FitFailedWarning
from sklearn.metrics import log_loss
from sklearn.model_selection import GridSearchCV

from sklann import MLPClassifier, MLPRegressor

X_IRIS, Y_IRIS = load_iris(return_X_y=True)  # sorted by class
RNG = np.random.RandomState(0)
X_NOISY = RNG.normal(size=(120, 10)).astype(np.float32)
Y_NOISY = (X_NOISY[:, 0] + RNG.normal(scale=1.5, size=120) > 0).astype(int)
OVERFIT = dict(
    hidden_layer_sizes=(64, 64),
    learning_rate=0.01,
    batch_size=16,
    epochs=200,
    early_stopping=True,
    validation_split=0.25,
    patience=5,
    metrics=["accuracy"],
    random_state=0,
)


@pytest.fixture(scope="module")
def stopped():
    """A network that overfits noisy labels, so validation loss turns up."""
    return MLPClassifier(**OVERFIT).fit(X_NOISY, Y_NOISY)


def test_stops_after_patience_epochs_without_progress(stopped):
    val_loss = stopped.history_["val_loss"]
    assert stopped.n_iter_ < 200 and len(val_loss) == stopped.n_iter_
    assert stopped.best_epoch_ == int(np.argmin(val_loss))
    # the last improvement by more than tol was `patience` epochs ago
    assert stopped.n_iter_ - 1 - stopped.best_epoch_ >= OVERFIT["patience"]
    assert sorted(stopped.history_) == [
        "accuracy",
        "learning_rate",
        "loss",
        "val_accuracy",
        "val_loss",
    ]


def test_best_weights_are_restored(stopped):
    """The final model's loss on the held-out rows is the best epoch's val_loss."""
    _, (X_val, targets, weights) = stopped._validation_split(
        X_NOISY,
        Y_NOISY.astype(np.float32).reshape(-1, 1),  # the binary target encoding
        np.ones(len(Y_NOISY), dtype=np.float32),
        stopped.target_encoder_,
        stopped._split_seed,
    )
    held_out_loss = log_loss(targets, stopped.predict_proba(X_val)[:, 1])
    best = stopped.history_["val_loss"][stopped.best_epoch_]
    last = stopped.history_["val_loss"][-1]
    assert held_out_loss == pytest.approx(best, rel=1e-4)
    assert abs(held_out_loss - last) > 1e-3


def test_validation_split_is_shuffled_and_stratified():
    y = np.repeat([0, 1, 2], [50, 30, 20]).astype(np.float32)
    X = np.arange(100, dtype=np.float32).reshape(-1, 1)
    clf = MLPClassifier(
        hidden_layer_sizes=(2,), epochs=1, validation_split=0.2, random_state=0
    ).fit(X, y)
    split = partial(clf._validation_split, X, y, np.ones(100), clf.target_encoder_)
    (X_train, _, _), (X_val, y_val, _) = split(0)
    assert len(X_val) == 20 and len(X_train) == 80
    assert np.bincount(y_val.astype(int)).tolist() == [10, 6, 4]  # stratified
    assert not np.array_equal(np.sort(X_val.ravel()), np.arange(80, 100))
    _, (other, _, _) = split(1)
    assert set(other.ravel()) != set(X_val.ravel())  # the seed shuffles


def test_sorted_data_still_validates_on_every_class():
    """Keras's last-rows split would validate on class 2 only."""
    clf = MLPClassifier(
        **dict(OVERFIT, epochs=3, hidden_layer_sizes=(4,), metrics=None)
    ).fit(X_IRIS, Y_IRIS)
    _, (_, y_val, _) = clf._validation_split(
        X_IRIS, Y_IRIS.astype(np.float32), np.ones(150), clf.target_encoder_, 0
    )
    assert sorted(np.bincount(y_val.astype(int)).tolist()) == [12, 13, 13]


def test_regressor_early_stopping_without_strata():
    X = RNG.normal(size=(80, 3)).astype(np.float32)
    reg = MLPRegressor(
        hidden_layer_sizes=(8,), epochs=5, early_stopping=True, random_state=0
    ).fit(X, X[:, 0])
    assert len(reg.history_["val_loss"]) == 5


def test_too_few_samples_per_class_gives_a_clear_error():
    with pytest.raises(ValueError, match="Could not hold out validation_split"):
        MLPClassifier(early_stopping=True, epochs=1).fit(
            [[0.0], [1.0], [2.0]], [0, 1, 1]
        )


def test_auto_turns_early_stopping_on_above_10000_samples():
    X = RNG.normal(size=(10_001, 2)).astype(np.float32)
    y = (X[:, 0] > 0).astype(int)
    params = dict(hidden_layer_sizes=(2,), epochs=1, batch_size=2000, random_state=0)
    assert "val_loss" in MLPClassifier(**params).fit(X, y).history_
    assert (
        "val_loss" not in MLPClassifier(**params).fit(X[:10_000], y[:10_000]).history_
    )


def test_convergence_stops_on_the_training_loss_without_early_stopping():
    # tol=1e9: only the first epoch counts as progress
    clf = MLPClassifier(
        hidden_layer_sizes=(4,), epochs=50, patience=3, tol=1e9, random_state=0
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        clf.fit(X_IRIS, Y_IRIS)
    assert clf.n_iter_ == 4 and "val_loss" not in clf.history_
    assert clf.best_epoch_ == int(np.argmin(clf.history_["loss"]))


def test_running_out_of_epochs_warns():
    clf = MLPClassifier(hidden_layer_sizes=(4,), epochs=5, tol=0.0, random_state=0)
    with pytest.warns(ConvergenceWarning, match="epochs=5 without converging"):
        clf.fit(X_IRIS, Y_IRIS)
    assert clf.n_iter_ == 5


def test_patience_none_trains_every_epoch_without_warning():
    clf = MLPClassifier(
        hidden_layer_sizes=(4,), epochs=8, patience=None, tol=1e9, random_state=0
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        clf.fit(X_IRIS, Y_IRIS)
    assert clf.n_iter_ == 8


def test_partial_fit_never_stops_or_holds_out_data():
    clf = MLPClassifier(hidden_layer_sizes=(4,), patience=1, tol=1e9)
    for _ in range(4):
        clf.partial_fit(X_IRIS, Y_IRIS, classes=[0, 1, 2])
    assert len(clf.history_["loss"]) == 4 and "val_loss" not in clf.history_


DIVERGENT = dict(
    hidden_layer_sizes=(8,), optimizer="sgd", epochs=20, patience=None, random_state=0
)


def test_divergence_stops_at_once_with_a_clear_error():
    X = X_IRIS * 1e3
    with pytest.raises(ValueError, match="Training diverged.*lower learning_rate"):
        MLPRegressor(**DIVERGENT, learning_rate=10.0).fit(X, X[:, 0] ** 2)


@pytest.mark.filterwarnings("ignore:One or more of the test scores are non-finite")
def test_grid_search_gives_a_diverging_candidate_error_score():
    X = X_IRIS * 1e3
    search = GridSearchCV(
        MLPRegressor(**DIVERGENT),
        {"learning_rate": [1e-7, 10.0]},
        cv=2,
        error_score=np.nan,
    )
    with pytest.warns(FitFailedWarning, match="Training diverged"):
        search.fit(X, X[:, 0])
    scores = search.cv_results_["mean_test_score"]
    assert np.isfinite(scores[0]) and np.isnan(scores[1])
    assert search.best_params_ == {"learning_rate": 1e-7}


class Recorder(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.epochs = []

    def on_epoch_end(self, epoch, logs=None):
        self.epochs.append(epoch)


def test_user_callbacks_are_not_mutated_so_clone_and_search_stay_safe():
    recorder = Recorder()
    clf = MLPClassifier(hidden_layer_sizes=(4,), epochs=3, callbacks=[recorder])
    GridSearchCV(clf, {"learning_rate": [0.01, 0.1]}, cv=2).fit(X_IRIS, Y_IRIS)
    clf.fit(X_IRIS, Y_IRIS)
    assert recorder.epochs == [] and clf.callbacks == [recorder]
    assert clf.callbacks_[0].epochs == [0, 1, 2]
    clf.set_params(warm_start=True).fit(X_IRIS, Y_IRIS)
    assert clf.callbacks_[0].epochs == [3, 4, 5]  # epochs carry on


def test_keras_early_stopping_callback_works_on_our_logs():
    stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=1, min_delta=1e9)
    clf = MLPClassifier(**dict(OVERFIT, metrics=None, patience=None), callbacks=[stop])
    clf.fit(X_NOISY, Y_NOISY)
    assert clf.n_iter_ == 2


def test_verbose_line_has_epoch_losses_rate_and_time(capsys):
    MLPClassifier(
        hidden_layer_sizes=(4,),
        epochs=2,
        early_stopping=True,
        verbose=1,
        random_state=0,
    ).fit(X_IRIS, Y_IRIS)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2
    first = lines[0]
    assert first.startswith("Epoch 1/2 - loss: ")
    for field in (" - learning_rate: ", " - val_loss: "):
        assert field in first
    assert first.endswith("s") and float(first.rsplit(" - ", 1)[1][:-1]) >= 0
