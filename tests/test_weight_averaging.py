"""The weights' moving average (``ema_momentum``, Keras's ``use_ema``).

That it trains exactly as Keras's optimizers do is in ``test_updates.py``;
here: what the fitted estimator predicts with, what early stopping
validates, the two spellings, persistence and the refusals.
"""

import keras
import numpy as np
import pytest
from sklearn.metrics import log_loss

from sklann import MLPClassifier, MLPRegressor
from tests.round_trip import assert_save_and_pickle_keep

RNG = np.random.RandomState(0)
X = RNG.normal(size=(120, 10)).astype(np.float32)
Y = (X[:, 0] + RNG.normal(scale=1.5, size=120) > 0).astype(int)
BASE = dict(
    hidden_layer_sizes=(32,),
    learning_rate=0.01,
    batch_size=16,
    epochs=12,
    patience=None,
    random_state=0,
)


@pytest.fixture(scope="module")
def averaged():
    return MLPClassifier(**BASE, ema_momentum=0.9).fit(X, Y)


def test_training_is_unchanged_and_prediction_uses_the_average(averaged):
    raw = MLPClassifier(**BASE).fit(X, Y)
    # The steps are the same: the average only watches them...
    assert averaged.history_["loss"] == raw.history_["loss"]
    # ... and the fitted network is the average, not the last step's weights.
    assert not np.allclose(averaged.predict_proba(X), raw.predict_proba(X))


def test_flat_and_routed_spellings_fit_the_same_network(averaged):
    routed = MLPClassifier(
        **BASE, optimizer__use_ema=True, optimizer__ema_momentum=0.9
    ).fit(X, Y)
    np.testing.assert_array_equal(routed.predict_proba(X), averaged.predict_proba(X))


def test_early_stopping_validates_and_restores_the_average():
    clf = MLPClassifier(
        **dict(BASE, epochs=60, patience=5),
        early_stopping=True,
        validation_split=0.25,
        ema_momentum=0.9,
    ).fit(X, Y)
    _, (X_val, targets, _) = clf._validation_split(
        X,
        Y.astype(np.float32).reshape(-1, 1),
        np.ones(len(Y), dtype=np.float32),
        clf.target_encoder_,
        clf._split_seed,
    )
    held_out_loss = log_loss(targets, clf.predict_proba(X_val)[:, 1])
    assert clf.best_epoch_ < clf.n_iter_ - 1  # a restore that changes something
    best = clf.history_["val_loss"][clf.best_epoch_]
    assert held_out_loss == pytest.approx(best, rel=1e-4)


def test_callbacks_see_the_raw_weights_then_the_average_at_train_end(averaged):
    seen = {}

    class Recorder(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            seen.setdefault("epoch", []).append(self.model.get_weights())

        def on_train_end(self, logs=None):
            seen["end"] = self.model.get_weights()

    clf = MLPClassifier(**BASE, ema_momentum=0.9, callbacks=[Recorder()]).fit(X, Y)
    np.testing.assert_allclose(clf.predict_proba(X), averaged.predict_proba(X))
    for ours, at_end in zip(clf.model_.get_weights(), seen["end"], strict=True):
        np.testing.assert_allclose(ours, at_end)
    last_epoch = seen["epoch"][-1][0]
    assert not np.allclose(last_epoch, seen["end"][0])  # raw during training


def test_saved_and_pickled_estimators_keep_the_average(averaged, tmp_path):
    loaded = assert_save_and_pickle_keep(averaged, X, tmp_path)
    # Continued training carries the average on, from the fitted weights.
    loaded.set_params(warm_start=True, epochs=2).fit(X, Y)
    assert len(loaded.history_["loss"]) == BASE["epochs"] + 2


@pytest.mark.parametrize(
    "params, message",
    [
        (dict(ema_momentum=1.0), "ema_momentum"),
        (
            dict(ema_momentum=0.9, optimizer__ema_momentum=0.5),
            "both set the weights' moving average",
        ),
        (
            dict(ema_momentum=0.9, optimizer=keras.optimizers.Adam()),
            "build the instance with use_ema=True",
        ),
        (
            dict(optimizer__use_ema=True, optimizer__ema_overwrite_frequency=3),
            "is what the fitted estimator predicts with",
        ),
        (dict(optimizer="lbfgs", ema_momentum=0.9), "only minibatch training"),
        (
            dict(ema_momentum=0.9, callbacks=[keras.callbacks.SwapEMAWeights()]),
            "SwapEMAWeights is not needed",
        ),
    ],
)
def test_ema_settings_that_would_do_nothing_are_refused(params, message):
    with pytest.raises(ValueError, match=message):
        MLPRegressor(hidden_layer_sizes=(2,), epochs=1, **params).fit(X, X[:, 0])
