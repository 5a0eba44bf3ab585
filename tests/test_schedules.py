"""Learning-rate schedules: the recorded rates follow each schedule's formula.

Dropout-rate schedules at the end: the factor table and its effect on training.
"""

import math

import keras
import numpy as np
import pytest

from sklann import MLPClassifier, MLPRegressor
from sklann._training.schedules import SCHEDULES, DropoutSchedule, RateSchedule

RNG = np.random.RandomState(0)
X = RNG.normal(size=(40, 3)).astype(np.float32)
Y = X @ np.array([1.0, -2.0, 0.5], dtype=np.float32)

LR, RATE, PERIOD, EPOCHS = 0.05, 0.5, 3, 10
BASE = dict(
    hidden_layer_sizes=(4,),
    optimizer="sgd",
    learning_rate=LR,
    lr_decay_rate=RATE,
    lr_decay_epochs=PERIOD,
    epochs=EPOCHS,
    batch_size=15,  # 3 steps per epoch
    patience=None,
    random_state=0,
)


def half_cosine(start, end, fraction):
    return end + (start - end) * (1 + math.cos(math.pi * fraction)) / 2


def sgdr(epoch):
    """Warm restarts with periods PERIOD, 2 PERIOD, 4 PERIOD, ..."""
    start, period = 0, PERIOD
    while epoch >= start + period:
        start, period = start + period, 2 * period
    return half_cosine(LR, LR * RATE, (epoch - start) / period)


def one_cycle(epoch):
    fraction, low = epoch / EPOCHS, LR * RATE
    if fraction < 0.3:
        return half_cosine(low, LR, fraction / 0.3)
    return half_cosine(LR, low / 1e4, (fraction - 0.3) / 0.7)


FORMULAS = {
    "constant": lambda e: LR,
    "exponential": lambda e: LR * RATE ** (e / PERIOD),
    "inverse_time": lambda e: LR / (1 + RATE * e / PERIOD),
    "step": lambda e: LR * RATE ** (e // PERIOD),
    "cosine": lambda e: half_cosine(LR, LR * RATE, e / EPOCHS),
    "cosine_restarts": sgdr,
    "one_cycle": one_cycle,
}


@pytest.mark.parametrize("schedule", sorted(FORMULAS))
def test_recorded_rates_follow_the_formula(schedule):
    reg = MLPRegressor(**BASE, lr_schedule=schedule).fit(X, Y)
    expected = [FORMULAS[schedule](epoch) for epoch in range(EPOCHS)]
    np.testing.assert_allclose(reg.history_["learning_rate"], expected, rtol=1e-5)


def test_warmup_ramps_linearly_then_the_schedule_starts():
    reg = MLPRegressor(**BASE, lr_schedule="exponential", lr_warmup_epochs=2).fit(X, Y)
    steps = 3
    warmup = [LR * (epoch * steps + 1) / (2 * steps) for epoch in range(2)]
    after = [LR * RATE ** (epoch / PERIOD) for epoch in range(EPOCHS - 2)]
    np.testing.assert_allclose(reg.history_["learning_rate"], warmup + after, rtol=1e-5)


def test_per_step_schedules_change_within_an_epoch_and_step_only_between():
    settings = dict(
        learning_rate=LR,
        decay_rate=RATE,
        decay_epochs=PERIOD,
        warmup_epochs=0,
        total_epochs=EPOCHS,
    )
    exponential = RateSchedule("exponential", **settings).rates(0, 4, 5)
    step = RateSchedule("step", **settings).rates(0, 4, 5)
    assert np.all(np.diff(exponential) < 0)  # every step lower than the last
    assert len(np.unique(step)) == 2 and np.all(np.diff(step[:15]) == 0)
    assert step[15] == pytest.approx(LR * RATE)  # changes at epoch 3's first step


def test_one_cycle_peaks_near_30_percent_ends_far_below_and_moves_momentum():
    reg = MLPRegressor(
        **dict(BASE, epochs=20, optimizer="adam"), lr_schedule="one_cycle"
    )
    reg.fit(X, Y)
    rates, momenta = reg.history_["learning_rate"], reg.history_["momentum"]
    assert int(np.argmax(rates)) == 6  # 30% of 20 epochs
    assert max(rates) == pytest.approx(LR)
    assert rates[-1] < rates[0] / 10  # the last epoch starts at 95% of the run
    last_step = RateSchedule(
        "one_cycle", LR, RATE, PERIOD, warmup_epochs=0, total_epochs=20
    ).rates(19, 1, 3)[-1]
    assert last_step < rates[0] / 100
    # beta_1 moves inversely: lowest where the rate peaks, back up at the end
    assert int(np.argmin(momenta)) == 6
    assert momenta[0] == pytest.approx(0.9) and momenta[6] == pytest.approx(0.8)
    assert momenta[-1] > 0.89


def test_one_cycle_momentum_reaches_the_optimizer():
    """The in-graph momentum differs from a constant-momentum run."""
    base = dict(BASE, optimizer="sgd", epochs=4, lr_schedule="one_cycle")
    cycled = MLPRegressor(**base).fit(X, Y)
    rates = cycled.history_["learning_rate"]
    constant = MLPRegressor(**base | dict(lr_schedule=lambda epoch, lr: rates[epoch]))
    constant.fit(X, Y)
    assert constant.history_["learning_rate"] == pytest.approx(rates)
    assert "momentum" not in constant.history_
    assert not np.allclose(cycled.predict(X), constant.predict(X))


def test_no_momentum_key_for_optimizers_without_momentum():
    reg = MLPRegressor(**dict(BASE, optimizer="adagrad"), lr_schedule="one_cycle")
    assert "momentum" not in reg.fit(X, Y).history_


def test_plateau_cuts_the_rate_after_decay_epochs_without_progress():
    # tol=1e9: no epoch ever counts as progress after the first
    reg = MLPRegressor(**BASE, lr_schedule="plateau", tol=1e9).fit(X, Y)
    expected = [LR] * 4 + [LR * RATE] * 3 + [LR * RATE**2] * 3
    np.testing.assert_allclose(reg.history_["learning_rate"], expected, rtol=1e-6)


def test_a_keras_schedule_is_called_with_the_step_count():
    schedule = keras.optimizers.schedules.ExponentialDecay(LR, 3, RATE)
    # The schedule sets the rate: learning_rate stays at its default.
    params = {key: value for key, value in BASE.items() if key != "learning_rate"}
    reg = MLPRegressor(**params, lr_schedule=schedule).fit(X, Y)
    expected = [LR * RATE**epoch for epoch in range(EPOCHS)]
    np.testing.assert_allclose(reg.history_["learning_rate"], expected, rtol=1e-5)


@pytest.mark.parametrize("callbacks", [None, [keras.callbacks.Callback()]])
def test_a_callable_gets_the_epoch_and_the_previous_rate(callbacks):
    calls = []

    def halve_after_two(epoch, lr):
        calls.append(epoch)
        return lr if epoch < 2 else lr / 2

    reg = MLPRegressor(
        **dict(BASE, epochs=4), lr_schedule=halve_after_two, callbacks=callbacks
    )
    reg.fit(X, Y)
    assert calls == [0, 1, 2, 3]  # once per epoch, epoch by epoch too
    assert reg.history_["learning_rate"] == pytest.approx([LR, LR, LR / 2, LR / 4])


@pytest.mark.parametrize("schedule", SCHEDULES)
def test_partial_fit_and_warm_start_carry_the_schedule_on(schedule):
    whole = MLPRegressor(**BASE, lr_schedule=schedule).fit(X, Y)
    stepwise = MLPRegressor(**BASE, lr_schedule=schedule)
    for _ in range(EPOCHS):
        stepwise.partial_fit(X, Y)
    halves = MLPRegressor(**dict(BASE, epochs=EPOCHS // 2), lr_schedule=schedule)
    halves.set_params(warm_start=True).fit(X, Y).fit(X, Y)
    assert len(stepwise.history_["loss"]) == len(halves.history_["loss"]) == EPOCHS
    rates = halves.history_["learning_rate"]
    if schedule in ("cosine", "one_cycle"):  # a cycle of `epochs`, then another
        assert rates[EPOCHS // 2 :] == pytest.approx(rates[: EPOCHS // 2])
        assert min(rates) > 0
    else:  # the schedule's position carries on
        assert rates == pytest.approx(whole.history_["learning_rate"])
    assert stepwise.history_["learning_rate"] == pytest.approx(
        whole.history_["learning_rate"]
    )
    np.testing.assert_allclose(stepwise.predict(X), whole.predict(X), rtol=1e-4)


def test_a_callable_chain_carries_on_across_partial_fit():
    reg = MLPRegressor(**BASE, lr_schedule=lambda epoch, lr: lr * 0.5)
    for _ in range(3):
        reg.partial_fit(X, Y)
    assert reg.history_["learning_rate"] == pytest.approx([LR / 2, LR / 4, LR / 8])


@pytest.mark.parametrize(
    "params, message",
    [
        (dict(lr_schedule="step", lr_decay_rate=2.0), "lr_decay_rate must be in"),
        (dict(lr_schedule="warp"), "lr_schedule"),
        (dict(lr_decay_epochs=0), "lr_decay_epochs"),
        (dict(lr_warmup_epochs=-1), "lr_warmup_epochs"),
        (dict(lr_schedule=lambda epoch, lr: -1.0), "positive, finite"),
        (
            dict(
                optimizer=keras.optimizers.SGD(
                    keras.optimizers.schedules.ExponentialDecay(0.1, 10, 0.9)
                )
            ),
            "pass the schedule as lr_schedule",
        ),
    ],
)
def test_bad_schedule_settings_are_rejected(params, message):
    with pytest.raises(ValueError, match=message):
        MLPClassifier(**dict(BASE, epochs=1) | params).fit(X, Y > 0)


def test_inverse_time_accepts_a_rate_above_one():
    reg = MLPRegressor(**dict(BASE, lr_decay_rate=3.0), lr_schedule="inverse_time")
    assert reg.fit(X, Y).history_["learning_rate"][1] == pytest.approx(
        LR / (1 + 3.0 / PERIOD)
    )


@pytest.mark.parametrize("name", [n for n in SCHEDULES if n != "plateau"])
def test_every_schedule_carries_on_under_warm_start_and_partial_fit(name):
    params = dict(BASE, epochs=4, lr_schedule=name)
    warm = MLPRegressor(**params, warm_start=True)
    warm.fit(X, Y)
    warm.fit(X, Y)
    incremental = MLPRegressor(**params)
    for _ in range(8):
        incremental.partial_fit(X, Y)
    rates = warm.history_["learning_rate"]
    np.testing.assert_allclose(incremental.history_["learning_rate"], rates)
    # The second call goes on from the schedule's position: epochs 4 to 7.
    schedule = warm._rate_schedule(warm._update_rule(warm._spec))
    expected = schedule.rates(4, 4, steps_per_epoch=3)[::3]
    np.testing.assert_allclose(rates[4:], expected, rtol=1e-6)
    # ... and never trains at nothing (1cycle used to stay at lr / 1e4 / 10).
    assert min(rates[4:]) > 1e-4 * LR


@pytest.mark.parametrize("name", ["one_cycle", "cosine"])
def test_run_long_schedules_start_their_next_cycle(name):
    warm = MLPRegressor(**dict(BASE, epochs=4, lr_schedule=name), warm_start=True)
    warm.fit(X, Y)
    warm.fit(X, Y)
    rates = warm.history_["learning_rate"]
    np.testing.assert_allclose(rates[4:], rates[:4], rtol=1e-6)


DROPOUT = dict(BASE, hidden_layer_sizes=(16,), dropout=0.5, input_dropout=0.1, epochs=6)


def test_flat_cosine_dropout_factors_are_realmlps_flat_cos():
    factors = DropoutSchedule("flat_cosine", total_epochs=8).factors(0, 8, 2)
    fraction = np.arange(16) / 16
    expected = np.where(
        fraction < 0.5, 1.0, 0.5 * (1 + np.cos(np.pi * (fraction - 0.5) / 0.5))
    )
    np.testing.assert_allclose(factors, expected, rtol=1e-6)
    constant = DropoutSchedule("constant", total_epochs=8).factors(0, 8, 2)
    assert constant.tolist() == [1.0] * 16


def test_a_continued_dropout_schedule_starts_its_next_cycle():
    schedule = DropoutSchedule("flat_cosine", total_epochs=4)
    np.testing.assert_array_equal(
        schedule.factors(4, 4, steps_per_epoch=3), schedule.factors(0, 4, 3)
    )


def test_an_unknown_dropout_schedule_is_refused_by_the_table():
    with pytest.raises(ValueError, match="Unknown dropout schedule 'cos'"):
        DropoutSchedule("cos", total_epochs=4)


def test_flat_cosine_trains_at_the_full_rates_then_less_dropout():
    constant = MLPRegressor(**DROPOUT).fit(X, Y)
    flat = MLPRegressor(**DROPOUT, dropout_schedule="flat_cosine").fit(X, Y)
    # Epochs 0 to 2 start before half the run: the same masks at the same rates.
    assert flat.history_["loss"][:3] == constant.history_["loss"][:3]
    # Then the rates fall: every later epoch trains another network.
    later = zip(flat.history_["loss"][3:], constant.history_["loss"][3:], strict=True)
    assert all(a != b for a, b in later)


def test_the_dropout_schedule_changes_nothing_without_dropout():
    params = dict(DROPOUT, dropout=0.0, input_dropout=0.0)
    constant = MLPRegressor(**params).fit(X, Y)
    flat = MLPRegressor(**params, dropout_schedule="flat_cosine").fit(X, Y)
    np.testing.assert_array_equal(flat.predict(X), constant.predict(X))


@pytest.mark.parametrize("activation", ["relu", "selu"])  # Dropout, AlphaDropout
def test_the_dropout_schedule_carries_on_epoch_by_epoch(activation):
    params = dict(DROPOUT, activation=activation, dropout_schedule="flat_cosine")
    whole = MLPRegressor(**params).fit(X, Y)
    stepwise = MLPRegressor(**params)
    for _ in range(DROPOUT["epochs"]):
        stepwise.partial_fit(X, Y)
    with_callbacks = MLPRegressor(
        **params, callbacks=[keras.callbacks.LambdaCallback()]
    ).fit(X, Y)
    np.testing.assert_allclose(stepwise.predict(X), whole.predict(X), rtol=1e-5)
    np.testing.assert_allclose(with_callbacks.predict(X), whole.predict(X), rtol=1e-5)
