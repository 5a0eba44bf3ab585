"""Searches on a real Dask cluster through joblib, with nothing sklann-specific.

A session fixture starts a ``LocalCluster`` of two worker processes bound to
the loopback interface, keeps its scratch files in pytest's temporary
directory, and after the tests closes it and checks that no worker process
is left. ``make test`` runs a module's tests in one pytest-xdist worker
(``--dist loadscope``), so one cluster serves them all.
"""

import os
import time

import joblib
import numpy as np
import pytest
from scipy.stats import loguniform
from sklearn.datasets import load_breast_cancer
from sklearn.experimental import enable_halving_search_cv  # noqa: F401
from sklearn.model_selection import GridSearchCV, HalvingRandomSearchCV
from sklearn.preprocessing import StandardScaler

from sklann import MLPClassifier

distributed = pytest.importorskip("distributed")
psutil = pytest.importorskip("psutil")

pytestmark = pytest.mark.slow

X, Y = load_breast_cancer(return_X_y=True)
X = StandardScaler().fit_transform(X)
FAST = dict(hidden_layer_sizes=(8,), epochs=6, batch_size=32, random_state=0)


def _wait_until_gone(pids, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        alive = [pid for pid in pids if psutil.pid_exists(pid) and _running(pid)]
        if not alive:
            return []
        time.sleep(0.2)
    return alive


def _running(pid):
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


@pytest.fixture(scope="session")
def dask_client(tmp_path_factory):
    scratch = tmp_path_factory.mktemp("dask-scratch")
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        local_directory=os.fspath(scratch),
    )
    client = distributed.Client(cluster)
    # The nannies run in this process; each worker is a child process.
    workers = list(client.run(os.getpid).values())
    client.scratch = scratch
    yield client
    client.close()
    cluster.close()
    left = _wait_until_gone(workers)
    assert not left, f"Dask worker processes left running after close: {left}"


def test_workers_are_separate_processes_with_scratch_in_the_temporary_directory(
    dask_client,
):
    directories = dask_client.run(lambda dask_worker: dask_worker.local_directory)
    assert len(directories) == 2
    for directory in directories.values():
        assert directory.startswith(os.fspath(dask_client.scratch))
    assert os.getpid() not in dask_client.run(os.getpid).values()


def fit_on_dask(client, search):
    """Fit ``search`` through joblib's Dask backend; return the busy workers."""
    with distributed.get_task_stream(client) as stream:
        with joblib.parallel_backend("dask"):
            search.fit(X, Y)
    return {task["worker"] for task in stream.data}


def test_grid_search_on_the_cluster_equals_the_serial_run(dask_client):
    grid = {"hidden_layer_sizes": [(4,), (8,)], "learning_rate": [1e-3, 1e-2]}
    serial = GridSearchCV(MLPClassifier(**FAST), grid, cv=3).fit(X, Y)
    on_dask = GridSearchCV(MLPClassifier(**FAST), grid, cv=3, n_jobs=-1)
    workers = fit_on_dask(dask_client, on_dask)
    assert len(workers) == 2  # both worker processes trained folds
    for key in ("mean_test_score", "split0_test_score", "split2_test_score"):
        np.testing.assert_array_equal(on_dask.cv_results_[key], serial.cv_results_[key])
    assert on_dask.best_params_ == serial.best_params_


def test_successive_halving_on_the_cluster_equals_the_serial_run(dask_client):
    def halving(n_jobs):
        return HalvingRandomSearchCV(
            MLPClassifier(**{**FAST, "patience": None}),
            {"learning_rate": loguniform(1e-3, 1e-1)},
            resource="epochs",
            min_resources=2,
            max_resources=8,
            factor=2,
            cv=2,
            random_state=0,
            n_jobs=n_jobs,
        )

    serial = halving(n_jobs=None).fit(X, Y)
    on_dask = halving(n_jobs=-1)
    fit_on_dask(dask_client, on_dask)
    assert on_dask.n_resources_ == serial.n_resources_ == [2, 4, 8]
    np.testing.assert_array_equal(
        on_dask.cv_results_["mean_test_score"], serial.cv_results_["mean_test_score"]
    )
