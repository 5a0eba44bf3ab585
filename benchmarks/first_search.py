"""The first search in a fresh process: sklann, scikit-learn and skorch.

Run with ``make bench`` (or ``python benchmarks/first_search.py``). Users
judge a library by the first search they run, in a new Python process, so
every scenario here runs in a process of its own and times everything that
search pays: building and tracing networks, TensorFlow's start-up, worker
processes and their imports. The imports themselves are timed apart.

Scenarios, on the digits data (1,347 training rows, 64 features, scaled to
[0, 1] as in ``run.py``):

- ``grid``: ``GridSearchCV`` of 8 candidates x 5 folds x 20 epochs over
  the hidden layer sizes ``(50,)``/``(100,)``, the learning rate
  ``1e-3``/``1e-2`` and L2 ``0``/``1e-4`` (in Keras's convention; the same
  penalty as scikit-learn's ``alpha`` and skorch's ``weight_decay``, see
  ``penalties.py``), every other setting each library's default.
  sklann with ``n_jobs=1``, ``n_jobs=2`` as written (joblib's loky
  processes) and ``n_jobs=2`` under ``joblib.parallel_config(
  backend="threading")``; scikit-learn with ``n_jobs=1`` and ``2``; skorch
  with ``n_jobs=1``.
- ``space``: ``RandomizedSearchCV`` of 12 candidates x 3 folds x 20 epochs
  in ``Pipeline(StandardScaler(), ...)``: sklann over ``search_space()``,
  and every library over the parameters they share (layer sizes, L2, the
  learning rate, the batch size, Adam or SGD).
- ``refit``: in one process, the costs behind a search: the first fit, a
  warm refit, new ``l2`` and ``dropout`` values, a new width, a new depth.
- ``import``: ``import tensorflow`` and ``import sklann``.
- ``demo`` and ``quickstart``: ``make demo``'s search and the README's
  quick start, as a new user runs them.

Each scenario runs ``--repeats`` times (3 by default), each time in a new
process; the tables show the medians, and the JSON every run. Results go to
``benchmarks/results/first_search.{md,json}`` and the README's first-search
section.
"""

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from fresh import run_child
from penalties import sklearn_alpha, torch_weight_decay
from report import update_readme

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

HERE = Path(__file__).parent
ROOT = HERE.parent
RESULTS = HERE / "results"
EPOCHS = 20

# The grid of run.py's GridSearchCV, in each library's own names.
GRIDS = {
    "sklann": {
        "hidden_layer_sizes": [(50,), (100,)],
        "learning_rate": [1e-3, 1e-2],
        "l2": [0.0, 1e-4],
    },
    "scikit-learn": {
        "hidden_layer_sizes": [(50,), (100,)],
        "learning_rate_init": [1e-3, 1e-2],
        "alpha": [sklearn_alpha(0.0), sklearn_alpha(1e-4)],
    },
    "skorch": {
        "module__hidden": [(50,), (100,)],
        "lr": [1e-3, 1e-2],
        "optimizer__weight_decay": [torch_weight_decay(0.0), torch_weight_decay(1e-4)],
    },
}


def _digits():
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    X, y = load_digits(return_X_y=True)
    X_train, _, y_train, _ = train_test_split(
        X / 16.0, y, train_size=1347, random_state=0, stratify=y
    )
    return X_train, y_train


def _default_estimator(library):
    """Each library's estimator at its defaults, but for 20 epochs."""
    if library == "sklann":
        from sklann import MLPClassifier

        return MLPClassifier(epochs=EPOCHS, random_state=0)
    if library == "scikit-learn":
        from sklearn.neural_network import MLPClassifier

        return MLPClassifier(max_iter=EPOCHS, random_state=0)
    sys.path.insert(0, str(HERE))
    from competitors import skorch_model

    return skorch_model("classification", (100,), EPOCHS)


def _fit_search(search, X, y, backend):
    import joblib

    started = time.perf_counter()
    with joblib.parallel_config(backend=backend):
        search.fit(X, y)
    return time.perf_counter() - started


def grid(library, n_jobs, backend):
    import warnings

    from sklearn.model_selection import GridSearchCV

    warnings.simplefilter("ignore")
    X, y = _digits()
    search = GridSearchCV(
        _default_estimator(library), GRIDS[library], cv=5, n_jobs=n_jobs
    )
    elapsed = _fit_search(search, X, y, backend)
    return {"time": elapsed, "best_score": search.best_score_}


def _shared_space(library):
    """The parameters the three libraries share, as distributions."""
    from scipy.stats import loguniform

    from sklann.model_selection import LayerSizes

    sizes = LayerSizes(n_layers=(1, 3), units=(16, 128), shape="pyramid")
    names = {
        "sklann": ("hidden_layer_sizes", "l2", "learning_rate", "batch_size"),
        "scikit-learn": (
            "hidden_layer_sizes",
            "alpha",
            "learning_rate_init",
            "batch_size",
        ),
        "skorch": ("module__hidden", "optimizer__weight_decay", "lr", "batch_size"),
    }[library]
    # L2 in each library's convention at batch 200 (approximate at the other
    # batch sizes: scikit-learn's alpha is per batch size).
    l2 = {
        "sklann": loguniform(1e-6, 1e-2),
        "scikit-learn": loguniform(sklearn_alpha(1e-6), sklearn_alpha(1e-2)),
        "skorch": loguniform(torch_weight_decay(1e-6), torch_weight_decay(1e-2)),
    }[library]
    values = (sizes, l2, loguniform(1e-4, 1e-2), [32, 64, 128, 256])
    space = dict(zip(names, values, strict=True))
    if library == "scikit-learn":
        space["solver"] = ["adam", "sgd"]
    elif library == "sklann":
        space["optimizer"] = ["adam", "sgd"]
    return space


def space(library, n_jobs, backend, which="shared"):
    import warnings

    from sklearn.model_selection import RandomizedSearchCV
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    warnings.simplefilter("ignore")
    X, y = _digits()
    pipeline = Pipeline(
        [("scale", StandardScaler()), ("model", _default_estimator(library))]
    )
    if which == "full":
        from sklann.model_selection import search_space

        distributions = search_space(prefix="model__", n_layers=(1, 3), units=(16, 128))
    else:
        distributions = {f"model__{k}": v for k, v in _shared_space(library).items()}
    search = RandomizedSearchCV(
        pipeline, distributions, n_iter=12, cv=3, n_jobs=n_jobs, random_state=0
    )
    elapsed = _fit_search(search, X, y, backend)
    return {"time": elapsed, "best_score": search.best_score_}


def refit(_library, _n_jobs, _backend):
    """The costs behind a search, in one process: first fit, refits, new values."""
    import warnings

    from sklann import MLPClassifier
    from sklann._training.pool import PROGRAMS

    warnings.simplefilter("ignore")
    X, y = _digits()

    def timed(**params):
        started = time.perf_counter()
        MLPClassifier(epochs=EPOCHS, random_state=0, **params).fit(X, y)
        return time.perf_counter() - started

    base = {"hidden_layer_sizes": (100,), "dropout": 0.1, "l2": 1e-4}
    times = {"first fit": timed(**base), "warm refit": timed(**base)}
    times["new l2 value"] = timed(**{**base, "l2": 3e-4})
    times["new dropout value"] = timed(**{**base, "dropout": 0.3})
    times["new width (60,)"] = timed(**{**base, "hidden_layer_sizes": (60,)})
    times["new depth (64, 32)"] = timed(**{**base, "hidden_layer_sizes": (64, 32)})
    times["warm refit (64, 32)"] = timed(**{**base, "hidden_layer_sizes": (64, 32)})
    return {"times": times, "traces": PROGRAMS.traces()}


def import_times(_library, _n_jobs, _backend):
    """Import times in fresh processes: TensorFlow alone, then sklann."""
    result = {}
    for name in ("tensorflow", "sklann"):
        code = f"import time; t = time.perf_counter(); import {name}; "
        code += "print(time.perf_counter() - t)"
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        result[name] = float(out.stdout.strip().splitlines()[-1])
    return result


def demo(_library, _n_jobs, _backend):
    """``make demo``'s script as a user runs it: its search time and warnings."""
    with tempfile.TemporaryDirectory() as output:
        out = subprocess.run(
            [sys.executable, str(ROOT / "examples" / "demo.py")],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "SKLANN_DEMO_OUTPUT": output},
        )
    wall = float(re.search(r"Search wall time:\s+([\d.]+) s", out.stdout).group(1))
    return {"time": wall, "warnings": out.stderr.count("Warning")}


QUICKSTART = re.compile(r"## Quick start\n\n```python\n(.*?)```", re.DOTALL)


def quickstart(_library, _n_jobs, _backend):
    """The README's quick start, as a new user pastes it (imports included)."""
    code = QUICKSTART.search((ROOT / "README.md").read_text()).group(1)
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return {
        "time": time.perf_counter() - started,
        "warnings": out.stderr.count("Warning"),
    }


SCENARIOS = {
    "grid": grid,
    "space": space,
    "space_full": lambda library, n_jobs, backend: space(
        library, n_jobs, backend, which="full"
    ),
    "refit": refit,
    "import": import_times,
    "demo": demo,
    "quickstart": quickstart,
}

# (scenario, library, n_jobs, backend)
PLAN = [
    ("grid", "scikit-learn", 1, "loky"),
    ("grid", "sklann", 1, "loky"),
    ("grid", "sklann", 2, "loky"),
    ("grid", "sklann", 2, "threading"),
    ("grid", "scikit-learn", 2, "loky"),
    ("grid", "skorch", 1, "loky"),
    ("space", "scikit-learn", 1, "loky"),
    ("space", "sklann", 1, "loky"),
    ("space", "sklann", 2, "threading"),
    ("space_full", "sklann", 1, "loky"),
    ("space_full", "sklann", 2, "threading"),
    ("space", "skorch", 1, "loky"),
    ("refit", "sklann", 1, "loky"),
    ("import", "sklann", 1, "loky"),
    ("demo", "sklann", 2, "threading"),
    ("quickstart", "sklann", 2, "threading"),
]


def run_scenario(scenario, library, n_jobs, backend, repeats):
    """Run one scenario ``repeats`` times, each in a fresh process.

    Returns the median run's result (by its ``time``), with every run's
    time under ``runs``.
    """
    results = [_run_once(scenario, library, n_jobs, backend) for _ in range(repeats)]
    if "time" not in results[0]:  # refit and import: medians of each figure
        return _medians(results) | {"runs": results}
    results.sort(key=lambda result: result["time"])
    median = dict(results[len(results) // 2])
    median["runs"] = [result["time"] for result in results]
    return median


def _medians(results):
    """The median of every number in same-shaped (nested) dicts."""
    first = results[0]
    if isinstance(first, dict):
        return {key: _medians([r[key] for r in results]) for key in first}
    return statistics.median(results)


def _run_once(scenario, library, n_jobs, backend):
    """Run one scenario in a fresh process; return its JSON result."""
    result = run_child(
        __file__, scenario=scenario, library=library, n_jobs=n_jobs, backend=backend
    )
    print(f"  {scenario} {library} n_jobs={n_jobs} {backend}: {result}", flush=True)
    return result


def _key(scenario, library, n_jobs, backend):
    return f"{scenario}|{library}|{n_jobs}|{backend}"


def _search_rows(results, rows, sklearn_time, serial_time):
    """Table rows of ``(label, *key)`` runs: time, ratios, best score."""
    lines = []
    for label, *key in rows:
        if _key(*key) not in results:
            continue
        run = results[_key(*key)]
        lines.append(
            f"| {label} | {run['time']:.1f} s | {run['time'] / sklearn_time:.2f}x "
            f"| {run['time'] / serial_time:.2f}x | {run['best_score']:.4f} |"
        )
    return lines


def markdown(results):
    def t(*key):
        return results[_key(*key)]["time"]

    sklearn_grid = t("grid", "scikit-learn", 1, "loky")
    serial = t("grid", "sklann", 1, "loky")
    lines = [
        "| first search, fresh process | time | vs scikit-learn n_jobs=1 "
        "| vs sklann n_jobs=1 | best CV accuracy |",
        "|---|---|---|---|---|",
    ]
    rows = [
        (
            "GridSearchCV 8 x 5 x 20 epochs: scikit-learn, n_jobs=1",
            "grid",
            "scikit-learn",
            1,
            "loky",
        ),
        ("scikit-learn, n_jobs=2", "grid", "scikit-learn", 2, "loky"),
        ("skorch, n_jobs=1", "grid", "skorch", 1, "loky"),
        ("sklann, n_jobs=1", "grid", "sklann", 1, "loky"),
        ("sklann, n_jobs=2 (loky processes, as written)", "grid", "sklann", 2, "loky"),
        (
            'sklann, n_jobs=2 under parallel_config(backend="threading")',
            "grid",
            "sklann",
            2,
            "threading",
        ),
    ]
    lines += _search_rows(results, rows, sklearn_grid, serial)
    sklearn_space = t("space", "scikit-learn", 1, "loky")
    space_serial = t("space", "sklann", 1, "loky")
    lines += [
        "",
        "| RandomizedSearchCV 12 x 3 x 20 epochs, StandardScaler pipeline | time "
        "| vs scikit-learn | vs sklann n_jobs=1 | best CV accuracy |",
        "|---|---|---|---|---|",
    ]
    rows = [
        ("scikit-learn, shared parameters", "space", "scikit-learn", 1, "loky"),
        ("skorch, shared parameters", "space", "skorch", 1, "loky"),
        ("sklann, shared parameters, n_jobs=1", "space", "sklann", 1, "loky"),
        (
            "sklann, shared parameters, n_jobs=2 threading",
            "space",
            "sklann",
            2,
            "threading",
        ),
        ("sklann, search_space(), n_jobs=1", "space_full", "sklann", 1, "loky"),
        (
            "sklann, search_space(), n_jobs=2 threading",
            "space_full",
            "sklann",
            2,
            "threading",
        ),
    ]
    lines += _search_rows(results, rows, sklearn_space, space_serial)
    refits = results[_key("refit", "sklann", 1, "loky")]["times"]
    warm = refits["warm refit"]
    lines += [
        "",
        "| one process, digits, 20 epochs | time | vs warm refit |",
        "|---|---|---|",
    ]
    for label, value in refits.items():
        lines.append(f"| {label} | {value:.3f} s | {value / warm:.2f}x |")
    imports = results[_key("import", "sklann", 1, "loky")]
    demo_run = results[_key("demo", "sklann", 2, "threading")]
    quick = results[_key("quickstart", "sklann", 2, "threading")]
    lines += [
        "",
        f"`import tensorflow` {imports['tensorflow']:.2f} s, `import sklann` "
        f"{imports['sklann']:.2f} s (+{imports['sklann'] - imports['tensorflow']:.2f} "
        "s; medians of 3 fresh processes). "
        f"`make demo` search: {demo_run['time']:.1f} s, {demo_run['warnings']} "
        f"warnings. README quick start, whole process: {quick['time']:.1f} s, "
        f"{quick['warnings']} warnings.",
    ]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", choices=SCENARIOS)
    parser.add_argument("--library", default="sklann")
    parser.add_argument("--n-jobs", type=int, default=1)
    parser.add_argument("--backend", default="loky")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "only", nargs="*", help="run only these scenarios, keeping the others' results"
    )
    args = parser.parse_args(argv)
    if args.scenario:  # a child process: run one scenario, print its JSON
        result = SCENARIOS[args.scenario](args.library, args.n_jobs, args.backend)
        print(json.dumps(result))
        return 0
    saved = RESULTS / "first_search.json"
    results = json.loads(saved.read_text()) if args.only and saved.exists() else {}
    results["machine"] = f"{platform.machine()}, {os.cpu_count()} cores"
    results["date"] = time.strftime("%Y-%m-%d")
    for scenario, library, n_jobs, backend in PLAN:
        if args.only and scenario not in args.only:
            continue
        try:
            result = run_scenario(scenario, library, n_jobs, backend, args.repeats)
        except subprocess.CalledProcessError as error:
            if library != "skorch":
                raise
            print(f"  skipped skorch ({error.stderr.strip().splitlines()[-1]})")
            continue
        results[_key(scenario, library, n_jobs, backend)] = result
    RESULTS.mkdir(exist_ok=True)
    saved.write_text(json.dumps(results, indent=1))
    table = markdown(results)
    header = (
        f"Measured {results['date']} on {results['machine']} by "
        "`benchmarks/first_search.py`; every scenario in a fresh process, "
        f"medians of {args.repeats} runs."
    )
    (RESULTS / "first_search.md").write_text(f"{header}\n\n{table}\n")
    update_readme("first-search", f"{header}\n\n{table}")
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
