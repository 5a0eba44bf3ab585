"""
A search on a Dask cluster
==========================

Past one machine, a scikit-learn search runs on a Dask cluster through
joblib's ``"dask"`` backend, and sklann needs nothing special for it: each
candidate's fit is pickled to a worker, trained there, and its fitted
estimator (arrays, no TensorFlow objects) comes back. Here the cluster is a
:class:`~distributed.LocalCluster` of two worker processes on this machine;
on a real cluster only the :class:`~distributed.Client`'s address changes.
"""

# %%
# Start a cluster, search, compare with a serial search
# -----------------------------------------------------
# Worker processes are started by importing this script again, so the work
# sits under ``if __name__ == "__main__"``, as any script that starts
# processes needs.
import time

import joblib
from distributed import Client, LocalCluster
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklann import MLPClassifier


def make_search():
    pipe = make_pipeline(
        StandardScaler(),
        MLPClassifier(epochs=30, patience=None, batch_size=32, random_state=0),
    )
    grid = {
        "mlpclassifier__hidden_layer_sizes": [(16,), (64,), (64, 32)],
        "mlpclassifier__learning_rate": [1e-3, 1e-2],
        "mlpclassifier__dropout": [0.0, 0.3],
    }
    return GridSearchCV(pipe, grid, cv=5)


def main():
    X, y = load_breast_cancer(return_X_y=True)

    start = time.perf_counter()
    serial = make_search().fit(X, y)
    serial_seconds = time.perf_counter() - start

    cluster = LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    )
    with cluster, Client(cluster) as client:
        print(f"cluster: {len(client.scheduler_info()['workers'])} worker processes")
        start = time.perf_counter()
        with joblib.parallel_backend("dask"):
            distributed = make_search().fit(X, y)
        dask_seconds = time.perf_counter() - start

    same = (
        serial.cv_results_["mean_test_score"]
        == distributed.cv_results_["mean_test_score"]
    ).all()
    candidates = len(serial.cv_results_["params"])
    print(f"{candidates} candidates x 5 folds")
    print(f"serial: {serial_seconds:.1f} s; on the cluster: {dask_seconds:.1f} s")
    print(f"same cross-validation scores on both: {same}")
    print(
        f"best: {distributed.best_params_}, CV accuracy {distributed.best_score_:.3f}"
    )
    return distributed


if __name__ == "__main__":
    search = main()

# %%
# The scores
# ----------
# Seeded estimators train the same way in any process, so the cluster's
# cross-validation scores equal the serial ones, candidate for candidate.
if __name__ == "__main__":
    from sklann.inspection import SearchResultsDisplay

    display = SearchResultsDisplay.from_search(
        search, "mlpclassifier__learning_rate", hue="mlpclassifier__dropout"
    )
    display.ax_.set_title("Breast cancer, GridSearchCV on a Dask LocalCluster")

# %%
# On two cores the cluster is slower than a serial search (5.3 s against
# 11.6 s in the docs build of 2026-12-02): every worker process imports
# TensorFlow and traces each network's training program once before it can
# train, which costs more than these small fits. The cluster pays off when
# there are more cores or machines than one process can use, and when fits
# take seconds rather than fractions of one. Each worker should run one
# task at a time (``threads_per_worker=1``): Dask's workers set
# ``OMP_NUM_THREADS=1``, which sklann follows, so each uses one core, as in
# joblib's own worker processes. On one machine, a threaded search
# (``joblib.parallel_config(backend="threading")``) avoids both costs.
