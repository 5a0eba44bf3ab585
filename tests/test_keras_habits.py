"""What Keras and scikit-learn users write by habit works, or fails loudly."""

import os
import subprocess
import sys

import keras
import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import log_loss

from sklann import MLPClassifier, MLPRegressor, load, save
from sklann.model_selection import lr_range_test

X, Y = load_digits(return_X_y=True)
X, Y = X[:300] / 16.0, Y[:300]
QUICK = dict(hidden_layer_sizes=(8,), epochs=3, patience=None, random_state=0)
RNG = np.random.RandomState(0)
X_REG = RNG.normal(size=(200, 5))
Y_REG = X_REG @ RNG.normal(size=5)


# -- Keras callbacks that set the learning rate ----------------------------------


def test_learning_rate_scheduler_sets_the_rate_of_the_steps():
    tiny = keras.callbacks.LearningRateScheduler(lambda epoch, lr: 1e-9)
    params = dict(QUICK, optimizer="sgd", learning_rate=0.1)
    plain = MLPClassifier(**params).fit(X, Y)
    scheduled = MLPClassifier(**params, callbacks=[tiny]).fit(X, Y)
    np.testing.assert_allclose(scheduled.history_["learning_rate"], [1e-9] * 3)
    # At 1e-9 the weights barely move from the same start: the scheduled
    # model is the untrained one, not the one trained at 0.1.
    untrained = MLPClassifier(**params).initialize(X, Y)
    np.testing.assert_allclose(
        scheduled.predict_proba(X), untrained.predict_proba(X), atol=1e-6
    )
    assert not np.allclose(plain.predict_proba(X), scheduled.predict_proba(X))


def test_reduce_lr_on_plateau_lowers_the_rate_for_the_next_epochs():
    reduce = keras.callbacks.ReduceLROnPlateau(
        monitor="loss",
        factor=0.5,
        patience=0,
        min_delta=10.0,  # cuts every epoch
    )
    clf = MLPClassifier(**dict(QUICK, epochs=4), callbacks=[reduce]).fit(X, Y)
    np.testing.assert_allclose(
        clf.history_["learning_rate"], [1e-3, 1e-3, 5e-4, 2.5e-4], rtol=1e-6
    )


@pytest.mark.parametrize(
    "callback",
    [
        keras.callbacks.LearningRateScheduler(lambda epoch, lr: lr),
        keras.callbacks.ReduceLROnPlateau(monitor="loss"),
    ],
    ids=["LearningRateScheduler", "ReduceLROnPlateau"],
)
def test_rate_callbacks_beside_a_per_step_schedule_are_refused(callback):
    clf = MLPClassifier(**QUICK, lr_schedule="cosine", callbacks=[callback])
    with pytest.raises(ValueError, match=f"{type(callback).__name__} sets the"):
        clf.fit(X, Y)


def test_learning_rate_beside_a_keras_schedule_is_refused():
    schedule = keras.optimizers.schedules.ExponentialDecay(0.01, 100, 0.9)
    with pytest.raises(ValueError, match="learning_rate=0.0001 would have no effect"):
        MLPClassifier(**QUICK, lr_schedule=schedule, learning_rate=1e-4).fit(X, Y)
    clf = MLPClassifier(**QUICK, lr_schedule=schedule).fit(X, Y)
    assert clf.history_["learning_rate"][0] == pytest.approx(0.01)


def test_learning_rate_beside_an_optimizer_instance_is_refused():
    optimizer = keras.optimizers.SGD(learning_rate=0.5)
    with pytest.raises(ValueError, match="brings its own rate"):
        MLPClassifier(**QUICK, optimizer=optimizer, learning_rate=0.01).fit(X, Y)


# -- numbers and names as users write them ----------------------------------------


def test_integers_are_accepted_wherever_floats_are():
    ints = dict(
        optimizer="sgd",
        learning_rate=1,
        momentum=0,
        weight_decay=0,
        clipnorm=1,
        l1=0,
        l2=0,
        dropout=0,
        max_norm=3,
        tol=0,
        lr_decay_rate=1,
        lr_decay_epochs=2,
    )
    clf = MLPClassifier(**QUICK, **ints).fit(X, Y)
    assert clf.model_.optimizer.learning_rate.numpy() == pytest.approx(1.0)
    adam = MLPClassifier(**QUICK, optimizer__beta_1=0, optimizer__epsilon=1).fit(X, Y)
    assert adam.n_iter_ == 3


@pytest.mark.parametrize(
    "params, canonical",
    [
        (dict(optimizer="Adam"), ("optimizer", "adam")),
        (dict(optimizer="RMSprop"), ("optimizer", "rmsprop")),
        (dict(activation="ReLU"), ("activation", "relu")),
        (dict(activation="LeakyReLU"), ("activation", "leaky_relu")),
        (dict(kernel_initializer="uniform"), ("kernel_initializer", "random_uniform")),
        (dict(kernel_initializer="normal"), ("kernel_initializer", "random_normal")),
        (dict(kernel_initializer="zero"), ("kernel_initializer", "zeros")),
        (
            dict(kernel_initializer="GlorotUniform"),
            ("kernel_initializer", "glorot_uniform"),
        ),
        (dict(lr_schedule="ExponentialDecay"), ("lr_schedule", "exponential")),
        (dict(lr_schedule="1cycle"), ("lr_schedule", "one_cycle")),
    ],
)
def test_keras_spellings_are_sklann_names(params, canonical):
    clf = MLPClassifier(**QUICK, **params).fit(X, Y)
    name, value = canonical
    assert clf._name(name) == value
    assert clf.get_params()[name] == params[name]  # what the user wrote


def test_keras_initializer_aliases_give_keras_weights():
    alias = MLPClassifier(**QUICK, kernel_initializer="normal").initialize(X, Y)
    named = MLPClassifier(**QUICK, kernel_initializer="random_normal").initialize(X, Y)
    for a, b in zip(alias._weights, named._weights, strict=True):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(
    "estimator, loss, y",
    [
        (MLPClassifier, "categorical_crossentropy", Y),
        (MLPClassifier, "sparse_categorical_crossentropy", Y),
        (MLPClassifier, "binary_crossentropy", Y % 2),
        (MLPClassifier, "log_loss", Y),
        (MLPRegressor, "mse", None),
        (MLPRegressor, "mean_absolute_error", None),
    ],
)
def test_keras_loss_strings_that_fit_the_target(estimator, loss, y):
    data = (X, y) if y is not None else (X_REG, Y_REG)
    fitted = estimator(**QUICK, loss=loss).fit(*data)
    default = estimator(**QUICK).fit(*data)
    same = loss in ("categorical_crossentropy", "sparse_categorical_crossentropy")
    if same or loss in ("binary_crossentropy", "log_loss", "mse"):
        np.testing.assert_allclose(fitted.history_["loss"], default.history_["loss"])
    else:
        assert fitted._loss_name(fitted.target_encoder_) == "absolute_error"


@pytest.mark.parametrize(
    "loss, y, right",
    [
        ("binary_crossentropy", Y, "sparse_categorical_crossentropy"),
        ("categorical_crossentropy", np.eye(10)[Y][:, :3], "binary_crossentropy"),
    ],
)
def test_keras_loss_strings_that_do_not_fit_name_the_right_one(loss, y, right):
    with pytest.raises(ValueError, match=f"does not fit .* which is '{right}'"):
        MLPClassifier(**QUICK, loss=loss).fit(X, y)


@pytest.mark.parametrize(
    "params, hint",
    [
        (dict(optimizer="adma"), "Did you mean 'adam'?"),
        (dict(activation="rleu"), "Did you mean 'relu'?"),
        (dict(kernel_initializer="he_unform"), "Did you mean 'he_uniform'?"),
        (dict(lr_schedule="cosin"), "Did you mean 'cosine'?"),
        (dict(loss="mean_squared_eror"), "Did you mean 'squared_error'?"),
    ],
)
def test_unknown_names_get_a_suggestion(params, hint):
    estimator = MLPRegressor if "loss" in params else MLPClassifier
    with pytest.raises(ValueError, match=hint):
        estimator(**QUICK, **params).fit(X, Y)


# -- scikit-learn's MLP habits -----------------------------------------------------


def test_predict_log_proba_is_the_log_of_predict_proba():
    clf = MLPClassifier(**QUICK).fit(X, Y)
    np.testing.assert_allclose(
        clf.predict_log_proba(X), np.log(clf.predict_proba(X)), rtol=1e-12
    )


def test_multilabel_partial_fit_with_the_label_columns_as_classes():
    Y_multi = np.stack([Y % 2, Y > 4, Y == 3], axis=1).astype(int)
    clf = MLPClassifier(**QUICK)
    clf.partial_fit(X, Y_multi, classes=[0, 1, 2])
    clf.partial_fit(X, Y_multi)
    assert len(clf.history_["loss"]) == 2
    assert clf.predict(X).shape == Y_multi.shape
    with pytest.raises(ValueError, match="classes are the label columns"):
        MLPClassifier(**QUICK).partial_fit(X, Y_multi, classes=[0, 1])


# -- validation data as in Keras ---------------------------------------------------


def test_validation_split_alone_logs_the_validation_loss():
    clf = MLPClassifier(**QUICK, validation_split=0.2).fit(X, Y)
    assert len(clf.history_["val_loss"]) == clf.n_iter_ == 3
    # The held-out rows' loss, of the last epoch's weights (nothing restored).
    target = clf.target_encoder_
    _, (X_val, y_val, _) = clf._validation_split(
        X.astype(np.float32),
        target.transform(Y),
        np.ones(len(Y)),
        target,
        clf._split_seed,
    )
    expected = log_loss(y_val.ravel(), clf.predict_proba(X_val), labels=range(10))
    assert clf.history_["val_loss"][-1] == pytest.approx(expected, rel=1e-4)


def test_no_validation_split_holds_nothing_out():
    clf = MLPClassifier(**QUICK).fit(X, Y)
    assert "val_loss" not in clf.history_


def test_a_history_callback_passed_in_is_refused():
    with pytest.raises(ValueError, match="history_"):
        MLPClassifier(**QUICK, callbacks=[keras.callbacks.History()]).fit(X, Y)


def test_a_callback_on_a_validation_log_that_never_exists_is_refused():
    stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=1)
    with pytest.raises(ValueError, match="early_stopping=True"):
        MLPClassifier(**QUICK, callbacks=[stop]).fit(X, Y)
    clf = MLPClassifier(**QUICK, early_stopping=True, callbacks=[stop]).fit(X, Y)
    assert clf.n_iter_ >= 1


# -- schedules that train --------------------------------------------------------


def test_exponential_decay_at_its_defaults_spans_the_run():
    clf = MLPClassifier(**dict(QUICK, epochs=20), lr_schedule="exponential")
    rates = clf.fit(X, Y).history_["learning_rate"]
    # A factor lr_decay_rate=0.1 over the whole run, not every 10 epochs.
    assert rates[-1] == pytest.approx(1e-3 * 0.1 ** (19 / 20), rel=1e-5)


# -- target scaling ------------------------------------------------------------------


@pytest.fixture(scope="module")
def offset_target():
    """A target in other units: 20 y + 5000, as a user's raw target may be."""
    return 20 * Y_REG + 5000


def test_an_offset_target_trains_as_well_as_a_standard_one(offset_target):
    params = dict(
        hidden_layer_sizes=(16,),
        learning_rate=0.01,
        batch_size=20,
        epochs=40,
        patience=None,
        random_state=0,
    )
    scaled = MLPRegressor(**params).fit(X_REG, offset_target)
    standard = MLPRegressor(**params).fit(X_REG, Y_REG)
    assert scaled.score(X_REG, offset_target) == pytest.approx(
        standard.score(X_REG, Y_REG), abs=1e-3
    )
    np.testing.assert_allclose(
        scaled.predict(X_REG), 20 * standard.predict(X_REG) + 5000, rtol=1e-4
    )
    raw = MLPRegressor(**params, standardize_target=False).fit(X_REG, offset_target)
    assert raw.score(X_REG, offset_target) < 0.5 < scaled.score(X_REG, offset_target)


def test_mc_dropout_std_is_in_the_target_units(offset_target):
    params = dict(hidden_layer_sizes=(16,), dropout=0.2, epochs=5, random_state=0)
    scaled = MLPRegressor(**params).fit(X_REG, offset_target)
    standard = MLPRegressor(**params).fit(X_REG, Y_REG)
    mean, std = scaled.predict(X_REG[:5], mc_samples=20, return_std=True)
    mean_s, std_s = standard.predict(X_REG[:5], mc_samples=20, return_std=True)
    np.testing.assert_allclose(std, 20 * std_s, rtol=1e-3)  # identical networks
    np.testing.assert_allclose(mean, 20 * mean_s + 5000, rtol=1e-4)


def test_the_target_scaling_survives_saving_and_partial_fit(offset_target, tmp_path):
    reg = MLPRegressor(**QUICK).partial_fit(X_REG, offset_target)
    first = reg.target_encoder_.offset.copy()
    reg.partial_fit(X_REG[:50], offset_target[:50] + 1000)  # its own statistics differ
    np.testing.assert_array_equal(reg.target_encoder_.offset, first)
    save(reg, tmp_path / "reg.sklann")
    loaded = load(tmp_path / "reg.sklann")
    np.testing.assert_allclose(loaded.predict(X_REG), reg.predict(X_REG))


def test_an_unscaled_target_gets_a_hint(offset_target):
    reg = MLPRegressor(**dict(QUICK, patience=2), standardize_target=False)
    with pytest.warns(ConvergenceWarning, match="standardize_target=True"):
        reg.fit(X_REG, offset_target)


def test_unscaled_features_get_a_hint():
    clf = MLPClassifier(**dict(QUICK, patience=2))
    with pytest.warns(ConvergenceWarning, match="StandardScaler"):
        clf.fit(X * 16 * 50, Y)


# -- quiet by default ----------------------------------------------------------------


def test_lr_range_test_result_repr_is_short():
    result = lr_range_test(MLPClassifier(**QUICK), X, Y, n_steps=20, random_state=0)
    text = repr(result)
    assert len(text) < 200 and "suggestion=" in text and "20 steps" in text


@pytest.mark.slow
def test_import_and_a_parallel_search_print_nothing_of_tensorflow():
    script = (
        "import sklann\n"
        "from sklearn.datasets import load_iris\n"
        "from sklearn.model_selection import GridSearchCV\n"
        "X, y = load_iris(return_X_y=True)\n"
        "est = sklann.MLPClassifier(epochs=2, patience=None, random_state=0)\n"
        "GridSearchCV(est, {'l2': [0.0, 1e-3]}, cv=2, n_jobs=2).fit(X, y)\n"
        "print('done')\n"
    )
    environment = {k: v for k, v in os.environ.items() if not k.startswith("TF_")}
    finished = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=environment,
        timeout=300,
    )
    assert finished.stdout.strip() == "done", finished.stderr[-2000:]
    assert finished.stderr == "", finished.stderr[-2000:]


def test_real_errors_on_standard_error_still_show(capfd):
    from sklann._training.quiet import start_up_notices_filtered

    with start_up_notices_filtered():
        os.write(2, b"I0000 port.cc:153] oneDNN custom operations are on.\n")
        os.write(2, b"E0000 something real failed\n")
    assert capfd.readouterr().err == "E0000 something real failed\n"


def test_an_unknown_metric_name_gets_a_suggestion():
    with pytest.raises(ValueError, match="Did you mean 'mean_absolute_error'?"):
        MLPRegressor(**QUICK, metrics=["mean_absolut_error"]).fit(X_REG, Y_REG)
