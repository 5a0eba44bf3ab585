"""TensorFlow's thread pools follow the caller's thread budget."""

import os
import subprocess
import sys

import pytest

PROBE = (
    "import sklann, tensorflow as tf; "
    "print(tf.config.threading.get_intra_op_parallelism_threads(), "
    "tf.config.threading.get_inter_op_parallelism_threads())"
)


def threads_in_fresh_process(**variables):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("SKLANN_NUM_THREADS", "OMP_NUM_THREADS")
    }
    env.update(variables)
    out = subprocess.run(
        [sys.executable, "-c", PROBE],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return tuple(int(n) for n in out.split())


@pytest.mark.slow
def test_thread_policy_in_fresh_processes():
    # one intra-op and one inter-op thread by default
    assert threads_in_fresh_process() == (1, 1)
    # joblib's process workers set OMP_NUM_THREADS; SKLANN_NUM_THREADS wins
    assert threads_in_fresh_process(OMP_NUM_THREADS="2") == (2, 1)
    assert threads_in_fresh_process(OMP_NUM_THREADS="1", SKLANN_NUM_THREADS="2") == (
        2,
        1,
    )
    # SKLANN_NUM_THREADS=0 leaves TensorFlow's defaults (0 means "it decides")
    assert threads_in_fresh_process(SKLANN_NUM_THREADS="0") == (0, 0)
