"""Ctrl-C during fit: stop after the step, keep the last completed epoch, warn."""

import json
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from sklann._training.interrupt import call_in_worker, interrupt_handler

CHILD = textwrap.dedent(
    """
    import gc, json, signal, sys, warnings
    import keras
    import numpy as np
    from sklearn.datasets import load_digits
    from sklann import MLPClassifier

    class CtrlCAtEpoch5(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == 4:
                signal.raise_signal(signal.SIGINT)

    X, y = load_digits(return_X_y=True)
    X = X / 16
    params = dict(hidden_layer_sizes=(16,), epochs=10**6, patience=None,
                  random_state=0)
    if sys.argv[1] == "callbacks":
        params["callbacks"] = [keras.callbacks.Callback()]
    if sys.argv[1] == "at_epoch_5":
        params["callbacks"] = [CtrlCAtEpoch5()]
    # Trace this configuration first (the engine goes back to the pool), so
    # that the fit below is training when the parent's signal comes.
    MLPClassifier(**dict(params, epochs=1)).fit(X, y)
    gc.collect()
    clf = MLPClassifier(**params)
    print("fitting", flush=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        clf.fit(X, y)
    # A fresh fit of exactly n_iter_ epochs must give the same model (on a
    # loaded machine the signal may even come before the first epoch ends).
    replay = MLPClassifier(**dict(params, epochs=max(clf.n_iter_, 1)))
    if clf.n_iter_:
        replay.fit(X, y)
    else:
        replay.initialize(X, y)
    print(json.dumps({
        "n_iter": clf.n_iter_,
        "epochs_logged": len(clf.history_.get("loss", [])),
        "warnings": [str(w.message) for w in caught],
        "accuracy": clf.score(X, y),
        "replay_matches": bool(np.allclose(
            clf.predict_proba(X), replay.predict_proba(X), rtol=1e-5, atol=1e-7
        )),
        # Adam's moments and step count too: training on continues as the
        # uninterrupted run would have.
        "optimizer_matches": all(
            np.allclose(ours, theirs, rtol=1e-5, atol=1e-7)
            for ours, theirs in zip(
                clf._state()[1], replay._state()[1], strict=True
            )
        ),
    }))
    """
)


def _default_sigint():
    # A shell that starts a job in the background makes it ignore SIGINT, and
    # its children inherit that; as a terminal's Ctrl-C, the child starts
    # with the default action, which Python turns into KeyboardInterrupt.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.fixture
def python_sigint_handler():
    """Python's own SIGINT handler for the test, however the suite was started."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


def run_child(mode):
    """Run CHILD; send it SIGINT a second into its fit, unless it sends its own."""
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, mode],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_default_sigint,
    )
    assert child.stdout.readline().strip() == "fitting"
    if mode != "at_epoch_5":
        time.sleep(2)
        child.send_signal(signal.SIGINT)
    try:
        out, err = child.communicate(timeout=120)
    finally:
        child.kill()  # never left running when the test fails
    assert child.returncode == 0, err[-3000:]
    return json.loads(out.strip().splitlines()[-1])


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["fused", "callbacks"])
def test_sigint_stops_training_and_keeps_the_last_completed_epoch(mode):
    report = run_child(mode)
    assert report["n_iter"] == report["epochs_logged"], report
    interrupted = [w for w in report["warnings"] if "interrupted (Ctrl-C)" in w]
    assert len(interrupted) == 1, report
    assert f"n_iter_={report['n_iter']}" in interrupted[0]
    assert report["replay_matches"] and report["optimizer_matches"], report
    assert report["n_iter"] == 0 or report["accuracy"] > 0.5, report  # usable


@pytest.mark.slow
def test_ctrl_c_between_epochs_stops_after_that_epoch():
    report = run_child("at_epoch_5")
    assert report["n_iter"] == report["epochs_logged"] == 5, report
    assert report["replay_matches"] and report["optimizer_matches"], report


def test_errors_in_the_worker_reach_the_caller():
    with pytest.raises(ZeroDivisionError):
        call_in_worker(lambda: 1 / 0)


def test_a_user_sigint_handler_is_left_alone():
    def mine(signum, frame):
        pass

    previous = signal.signal(signal.SIGINT, mine)
    try:
        with interrupt_handler(lambda: None):
            assert signal.getsignal(signal.SIGINT) is mine
    finally:
        signal.signal(signal.SIGINT, previous)


def test_the_default_handler_is_put_back(python_sigint_handler):
    called = []
    with interrupt_handler(lambda: called.append(1)):
        handler = signal.getsignal(signal.SIGINT)
        assert handler is not signal.default_int_handler
        handler(signal.SIGINT, None)  # the first Ctrl-C only sets the flag
        assert called == [1]
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
