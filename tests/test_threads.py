"""TensorFlow's thread pools follow the caller's budget and the first fit's size."""

import os
import subprocess
import sys

import pytest

# Import sklann, optionally build a network (no training), report the pools.
PROBE = """
import sys
import numpy as np
import sklann, tensorflow as tf
width = int(sys.argv[1])
if width:
    X, y = np.zeros((4, 200)), np.array([0, 1, 0, 1])
    sklann.MLPClassifier(hidden_layer_sizes=(width, width)).initialize(X, y)
print(tf.config.threading.get_intra_op_parallelism_threads(),
      tf.config.threading.get_inter_op_parallelism_threads())
"""


def threads_in_fresh_process(width, **variables):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("SKLANN_NUM_THREADS", "OMP_NUM_THREADS")
    }
    env.update(variables)
    out = subprocess.run(
        [sys.executable, "-c", PROBE, str(width)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return tuple(int(n) for n in out.split())


@pytest.mark.slow
def test_thread_policy_in_fresh_processes():
    # importing sklann changes nothing (0 means "TensorFlow decides")
    assert threads_in_fresh_process(0) == (0, 0)
    # the first fit of an MLP-sized network: one intra-op thread
    assert threads_in_fresh_process(64) == (1, 0)
    # a large network keeps TensorFlow's default, every core
    assert threads_in_fresh_process(2048) == (0, 0)
    # joblib's process workers set OMP_NUM_THREADS; SKLANN_NUM_THREADS wins
    assert threads_in_fresh_process(64, OMP_NUM_THREADS="2") == (2, 0)
    both = {"OMP_NUM_THREADS": "1", "SKLANN_NUM_THREADS": "2"}
    assert threads_in_fresh_process(2048, **both) == (2, 0)
    # SKLANN_NUM_THREADS=0 leaves TensorFlow's defaults
    assert threads_in_fresh_process(64, SKLANN_NUM_THREADS="0") == (0, 0)


def test_options_of_sklanns_calls_do_not_leak_into_other_code():
    import tensorflow as tf
    from tensorflow.python.eager import context

    from sklann import MLPClassifier

    before = context.context().function_call_options
    X = tf.random.normal([20, 3]).numpy()
    MLPClassifier(hidden_layer_sizes=(3,), epochs=1).fit(X, X[:, 0] > 0)
    after = context.context().function_call_options
    assert after.executor_type == before.executor_type
    assert after.config_proto_serialized == before.config_proto_serialized
