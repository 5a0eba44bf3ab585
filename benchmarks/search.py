"""Cross-validated searches of sklann: serial, n_jobs=2, halving, Dask.

Run with ``make bench`` (or ``python benchmarks/search.py``). Each scenario
runs in a fresh Python process, so "cold" includes everything a user's first
search pays (worker start-up, TensorFlow import in the workers, building and
tracing networks); "warm" is the same search run again in that process
(loky's workers and Dask's cluster are kept, with their traced programs).
``n_jobs=2`` runs in joblib's worker processes (its default) and in threads
(``parallel_config(backend="threading")``, as the README recommends). Every
parallel run's ``cv_results_`` scores are compared with the serial run's.

Scenarios, all on the digits data (1,437 training rows, 64 features) inside
``Pipeline(StandardScaler(), MLPClassifier())``:

- ``architectures``: ``RandomizedSearchCV`` over ``search_space()`` (12
  candidates, 3 folds, 20 epochs, batch size 128), ``n_jobs=1`` against
  ``n_jobs=2``: every candidate is a new network, whose building and
  tracing (about 0.7 s) costs more than its fits (about 0.1 s);
- ``training``: ``RandomizedSearchCV`` over the optimizer, learning rate
  and schedule of one (256, 128) network (8 candidates, 3 folds, 60 epochs,
  batch size 32): the fits cost more than building the one network;
- ``halving``: ``HalvingRandomSearchCV(resource="mlpclassifier__epochs")``,
  2 folds, 27 candidates from 3 to 27 epochs (factor 3), ``n_jobs=1`` and
  ``n_jobs=2``, against the exhaustive ``RandomizedSearchCV`` of the same 27
  candidates at 27 epochs;
- ``dask``: a ``GridSearchCV`` (8 candidates, 3 folds) serial against the
  same search on a ``LocalCluster`` of 2 worker processes through
  ``joblib.parallel_backend("dask")``.

Results go to ``benchmarks/results/search.{md,json}``.
"""

import argparse
import json
import os
import platform
import sys
import time
import warnings
from pathlib import Path

from fresh import run_child

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

HERE = Path(__file__).parent
RESULTS = HERE / "results"
SCORE_KEYS = ("mean_test_score", "split0_test_score", "split1_test_score")


def _data():
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    X, y = load_digits(return_X_y=True)
    X_train, _, y_train, _ = train_test_split(
        X, y, test_size=0.2, stratify=y, random_state=0
    )
    return X_train, y_train


def _pipeline(epochs, **params):
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from sklann import MLPClassifier

    params = {"batch_size": 128, **params}
    return make_pipeline(
        StandardScaler(),
        MLPClassifier(epochs=epochs, patience=None, random_state=0, **params),
    )


def _space():
    from sklann.model_selection import search_space

    space = search_space(prefix="mlpclassifier__", n_layers=(1, 3), units=(16, 128))
    del space["mlpclassifier__batch_size"]
    return space


BACKEND = {"backend": "loky"}  # set from --backend in a child process


def _timed(search, X, y):
    import joblib

    started = time.perf_counter()
    with joblib.parallel_config(**BACKEND):
        search.fit(X, y)
    return time.perf_counter() - started, search


def _scores(search):
    return {key: search.cv_results_[key].tolist() for key in SCORE_KEYS}


def _training_space():
    from scipy.stats import loguniform

    return {
        "mlpclassifier__optimizer": ["adam", "nadam", "rmsprop"],
        "mlpclassifier__learning_rate": loguniform(1e-4, 1e-2),
        "mlpclassifier__lr_schedule": ["constant", "exponential", "one_cycle"],
    }


def architecture_search(n_jobs):
    return _random_search(n_jobs, _pipeline(20), _space(), n_iter=12)


def training_search(n_jobs):
    pipeline = _pipeline(60, hidden_layer_sizes=(256, 128), batch_size=32)
    return _random_search(n_jobs, pipeline, _training_space(), n_iter=8)


def _random_search(n_jobs, pipeline, space, n_iter):
    from sklearn.model_selection import RandomizedSearchCV

    X, y = _data()
    runs = []
    for _ in range(2):  # cold, then warm
        search = RandomizedSearchCV(
            pipeline, space, n_iter=n_iter, cv=3, n_jobs=n_jobs, random_state=0
        )
        runs.append(_timed(search, X, y))
    return {
        "cold": runs[0][0],
        "warm": runs[1][0],
        "best_score": runs[0][1].best_score_,
        "scores": _scores(runs[0][1]),
    }


def halving_search(n_jobs):
    from sklearn.experimental import enable_halving_search_cv  # noqa: F401
    from sklearn.model_selection import HalvingRandomSearchCV

    X, y = _data()
    runs = []
    for _ in range(2):
        search = HalvingRandomSearchCV(
            _pipeline(27),
            _space(),
            n_candidates=27,
            resource="mlpclassifier__epochs",
            min_resources=3,
            max_resources=27,
            factor=3,
            cv=2,
            n_jobs=n_jobs,
            random_state=0,
        )
        runs.append(_timed(search, X, y))
    search = runs[0][1]
    return {
        "cold": runs[0][0],
        "warm": runs[1][0],
        "best_score": search.best_score_,
        "n_resources": search.n_resources_,
        "n_candidates": search.n_candidates_,
        "scores": _scores(search),
    }


def exhaustive_search(n_jobs):
    """The same 27 candidates as ``halving``, all trained for 27 epochs."""
    from sklearn.model_selection import GridSearchCV, ParameterSampler

    X, y = _data()
    # HalvingRandomSearchCV draws its candidates with ParameterSampler too.
    candidates = list(ParameterSampler(_space(), n_iter=27, random_state=0))
    grid = [{name: [value] for name, value in c.items()} for c in candidates]
    search = GridSearchCV(_pipeline(27), grid, cv=2, n_jobs=n_jobs)
    elapsed, search = _timed(search, X, y)
    return {"cold": elapsed, "best_score": search.best_score_}


def dask_search(_n_jobs):
    from distributed import Client, LocalCluster
    from sklearn.model_selection import GridSearchCV

    X, y = _data()
    grid = {
        "mlpclassifier__hidden_layer_sizes": [(64,), (128,), (128, 64), (256, 128)],
        "mlpclassifier__learning_rate": [1e-3, 1e-2],
    }
    serial = _timed(GridSearchCV(_pipeline(20), grid, cv=3), X, y)
    started = time.perf_counter()
    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        Client(cluster),
    ):
        start_up = time.perf_counter() - started
        runs = []
        BACKEND["backend"] = "dask"
        for _ in range(2):
            search = GridSearchCV(_pipeline(20), grid, cv=3, n_jobs=-1)
            runs.append(_timed(search, X, y))
        BACKEND["backend"] = "loky"
    serial_again = _timed(GridSearchCV(_pipeline(20), grid, cv=3), X, y)
    return {
        "serial_cold": serial[0],
        "serial_warm": serial_again[0],
        "cluster_start": start_up,
        "cold": runs[0][0],
        "warm": runs[1][0],
        "same_scores": _scores(runs[0][1]) == _scores(serial[1]),
        "best_score": runs[0][1].best_score_,
    }


SCENARIOS = {
    "architectures": architecture_search,
    "training": training_search,
    "halving": halving_search,
    "exhaustive": exhaustive_search,
    "dask": dask_search,
}


def run_scenario(name, n_jobs, backend="loky"):
    """Run one scenario in a fresh process; return its JSON result."""
    result = run_child(__file__, scenario=name, n_jobs=n_jobs, backend=backend)
    shown = {key: value for key, value in result.items() if key != "scores"}
    print(f"  {name} n_jobs={n_jobs} {backend}: {shown}", flush=True)
    return result


def _rows(label, serial, processes, threads):
    """Two table rows (first search, run again) of n_jobs=1 against n_jobs=2."""
    same = all(run["scores"] == serial["scores"] for run in (processes, threads))
    return [
        f"| {label}, first search in a new process | {serial['cold']:.1f} s "
        f"| {processes['cold']:.1f} s | {threads['cold']:.1f} s "
        f"| {serial['cold'] / threads['cold']:.2f}x | {'yes' if same else 'NO'} |",
        f"| {label}, run again | {serial['warm']:.1f} s | {processes['warm']:.1f} s "
        f"| {threads['warm']:.1f} s | {serial['warm'] / threads['warm']:.2f}x | |",
    ]


def markdown(results):
    h1 = results["halving"]["1"]
    full, dask = results["exhaustive"]["1"], results["dask"]["2"]

    def runs(name):
        scenario = results[name]
        return scenario["1"], scenario["2"], scenario["2-threading"]

    return "\n".join(
        [
            "| search (digits, pipeline) | n_jobs=1 | n_jobs=2, processes "
            "| n_jobs=2, threads | speed-up (threads) | same cv_results_ scores |",
            "|---|---|---|---|---|---|",
            *_rows(
                "RandomizedSearchCV over search_space(), 12 x 3 folds",
                *runs("architectures"),
            ),
            *_rows(
                "RandomizedSearchCV over optimizer, rate, schedule of one network, "
                "8 x 3 folds, 60 epochs",
                *runs("training"),
            ),
            *_rows(
                "HalvingRandomSearchCV over epochs, 27 candidates x 2 folds, "
                "3-27 epochs",
                *runs("halving"),
            ),
            f"| the same 27 candidates x 2 folds, all at 27 epochs (GridSearchCV) "
            f"| {full['cold']:.1f} s | | | | |",
            "",
            f"Halving kept {h1['n_candidates']} candidates at {h1['n_resources']} "
            f"epochs: best CV accuracy {h1['best_score']:.4f}, against "
            f"{full['best_score']:.4f} for training all 27 for 27 epochs, in "
            f"{h1['cold'] / full['cold']:.2f}x the serial time.",
            "",
            "| GridSearchCV 8 x 3 folds x 20 epochs | serial (n_jobs=1) "
            "| Dask LocalCluster, 2 workers | speed-up | same scores |",
            "|---|---|---|---|---|",
            f"| first search | {dask['serial_cold']:.1f} s | {dask['cold']:.1f} s "
            f"(+ {dask['cluster_start']:.1f} s cluster start) "
            f"| {dask['serial_cold'] / dask['cold']:.2f}x "
            f"| {'yes' if dask['same_scores'] else 'NO'} |",
            f"| run again | {dask['serial_warm']:.1f} s | {dask['warm']:.1f} s "
            f"| {dask['serial_warm'] / dask['warm']:.2f}x | |",
        ]
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", choices=SCENARIOS)
    parser.add_argument("--n-jobs", type=int, default=1)
    parser.add_argument("--backend", default="loky")
    parser.add_argument(
        "only",
        nargs="*",
        choices=[[], *SCENARIOS],
        help="run only these scenarios, keeping the others' saved results",
    )
    args = parser.parse_args(argv)
    if args.scenario:  # a child process: run one scenario, print its JSON
        warnings.simplefilter("ignore")
        BACKEND["backend"] = args.backend
        print(json.dumps(SCENARIOS[args.scenario](args.n_jobs)))
        return 0
    plan = [
        ("architectures", 1, "loky"),
        ("architectures", 2, "loky"),
        ("architectures", 2, "threading"),
        ("training", 1, "loky"),
        ("training", 2, "loky"),
        ("training", 2, "threading"),
        ("halving", 1, "loky"),
        ("halving", 2, "loky"),
        ("halving", 2, "threading"),
        ("exhaustive", 1, "loky"),
        ("dask", 2, "loky"),
    ]
    saved = RESULTS / "search.json"
    results = json.loads(saved.read_text()) if args.only and saved.exists() else {}
    results["machine"] = f"{platform.machine()}, {os.cpu_count()} cores"
    results["date"] = time.strftime("%Y-%m-%d")
    for name, n_jobs, backend in plan:
        if not args.only or name in args.only:
            key = str(n_jobs) if backend == "loky" else f"{n_jobs}-{backend}"
            results.setdefault(name, {})[key] = run_scenario(name, n_jobs, backend)
    table = markdown(results)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "search.json").write_text(json.dumps(results, indent=1))
    header = (
        f"Measured {results['date']} on {results['machine']} by "
        "`benchmarks/search.py`; each scenario in a fresh process."
    )
    (RESULTS / "search.md").write_text(f"{header}\n\n{table}\n")
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
