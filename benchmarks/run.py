"""sklann against scikit-learn's MLP and plain scikeras, in one run.

Run with ``make bench`` (or ``python benchmarks/run.py [--quick]``). Every
workload fits the same network in each library: times are medians of
``--repeats`` fits with the min-max range, ratios are sklann's median over
the other library's, and each fit's held-out accuracy or R^2 is reported so
that a faster but worse fit does not count. Results go to
``benchmarks/results/latest.{md,json}`` and the README's benchmark section.

sklann's first fit in a process includes tracing its training program
(later fits of the same structure re-use it); the "cold" column shows that
first fit on its own.

All three run in this one process, so scikeras shares the TensorFlow thread
settings that sklann's first fit applies (one intra-op thread for these
networks; see sklann/_threads.py): the comparison is like for like.
scikit-learn uses NumPy's BLAS threads.
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
from sklearn.datasets import load_digits, make_classification, make_regression  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.model_selection import GridSearchCV, train_test_split  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent))
from competitors import COMPETITORS  # noqa: E402
from penalties import sklearn_alpha  # noqa: E402
from report import update_readme  # noqa: E402

HERE = Path(__file__).parent
RESULTS = HERE / "results"
SCORE_TOLERANCE = 0.02  # accuracy or R^2 points


def digits():
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X / 16.0, y, train_size=1347, random_state=0, stratify=y
    )
    return "classification", X_train, X_test, y_train, y_test


def classification_45k():
    X, y = make_classification(
        n_samples=50_000, n_features=100, n_informative=40, n_classes=10, random_state=0
    )
    X = StandardScaler().fit_transform(X)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, train_size=45_000, random_state=0
    )
    return "classification", X_train, X_test, y_train, y_test


def regression_15k():
    X, y = make_regression(
        n_samples=17_000, n_features=50, n_informative=30, noise=10.0, random_state=0
    )
    X = StandardScaler().fit_transform(X)
    y = (y - y.mean()) / y.std()
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, train_size=15_000, random_state=0
    )
    return "regression", X_train, X_test, y_train, y_test


WORKLOADS = [
    ("digits 1347x64, (100,), 50 epochs", digits, (100,), 50),
    (
        "classification 45k x 100, 10 classes, (100,), 10 epochs",
        classification_45k,
        (100,),
        10,
    ),
    ("regression 15k x 50, (100,), 30 epochs", regression_15k, (100,), 30),
    (
        "deeper net: 45k x 100, (256, 128, 64), 10 epochs",
        classification_45k,
        (256, 128, 64),
        10,
    ),
]


def timed(function):
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def summary(times):
    return {
        "median": statistics.median(times),
        "min": min(times),
        "max": max(times),
        "runs": times,
    }


def fit_workload(name, make_data, hidden, epochs, repeats, libraries):
    task, X_train, X_test, y_train, y_test = make_data()
    row = {"workload": name, "libraries": {}}
    for library in libraries:
        times, scores, model = [], [], None
        for repeat in range(repeats):
            model = COMPETITORS[library](task, hidden, epochs, seed=repeat)
            # [0]: keep no reference to the fitted estimator, as in a search
            times.append(timed(lambda m=model: m.fit(X_train, y_train))[0])
            scores.append(float(model.score(X_test, y_test)))
        row["libraries"][library] = {
            "fit": summary(times),
            "cold": times[0],
            "score": statistics.median(scores),
        }
        print(
            f"  {library:12s} fit {statistics.median(times):7.3f} s  "
            f"score {statistics.median(scores):.4f}",
            flush=True,
        )
    return row


def predict_latency(libraries, repeats=200):
    task, X_train, X_test, y_train, _ = digits()
    big = np.tile(X_test, (int(np.ceil(10_000 / len(X_test))), 1))[:10_000]
    rows = {}
    for library in libraries:
        model = COMPETITORS[library](task, (100,), 5).fit(X_train, y_train)
        model.predict(X_test[:1])  # first call may compile
        one = [timed(lambda m=model: m.predict(X_test[:1]))[0] for _ in range(repeats)]
        many = [timed(lambda m=model: m.predict(big))[0] for _ in range(10)]
        rows[library] = {"1 row": summary(one), "10k rows": summary(many)}
        print(
            f"  {library:12s} predict 1 row {1000 * statistics.median(one):.3f} ms, "
            f"10k rows {1000 * statistics.median(many):.1f} ms",
            flush=True,
        )
    return rows


def grid_search(libraries, n_jobs_options=(1, 2)):
    task, X_train, _, y_train, _ = digits()
    grid = {"hidden": [(50,), (100,)], "lr": [1e-3, 1e-2], "l2": [0.0, 1e-4]}
    rows = {}
    for library in libraries:
        estimator = COMPETITORS[library](task, (100,), 20)
        param_grid = _library_grid(library, grid)
        rows[library] = {}
        for n_jobs in n_jobs_options:
            runs = []
            for _ in range(2 if n_jobs > 1 else 1):  # cold then warm workers
                search = GridSearchCV(estimator, param_grid, cv=5, n_jobs=n_jobs)
                runs.append(timed(lambda s=search: s.fit(X_train, y_train))[0])
            rows[library][f"n_jobs={n_jobs}"] = {
                "cold": runs[0],
                "warm": runs[-1],
                "best_score": search.best_score_,
            }
            print(
                f"  {library:12s} GridSearchCV n_jobs={n_jobs}: "
                + ", ".join(f"{r:.1f} s" for r in runs)
                + f"  best CV {search.best_score_:.4f}",
                flush=True,
            )
    return rows


def _library_grid(library, grid):
    if library == "sklann":
        return {
            "hidden_layer_sizes": grid["hidden"],
            "learning_rate": grid["lr"],
            "l2": grid["l2"],
        }
    if library == "scikit-learn":
        return {
            "hidden_layer_sizes": grid["hidden"],
            "learning_rate_init": grid["lr"],
            "alpha": [sklearn_alpha(l2) for l2 in grid["l2"]],
        }
    return {
        "model__hidden": grid["hidden"],
        "optimizer__learning_rate": grid["lr"],
        "model__l2": grid["l2"],
    }


RSS_PROBE = """
import os, sys, gc
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, {here!r})
import warnings; warnings.simplefilter("ignore")
from sklearn.datasets import load_digits
from competitors import COMPETITORS

def rss_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024

X, y = load_digits(return_X_y=True)
X = X / 16.0
# 12 small architectures in turn, as in a search over layer sizes.
sizes = [(16,), (24,), (32,), (48,), (64,), (16, 16), (32, 16), (32, 32),
         (64, 32), (24, 24), (48, 24), (64, 64)]
checkpoints, marks = {{1, 10, 50, 100, 200}}, {{}}
for i in range(1, {fits} + 1):
    hidden = sizes[i % len(sizes)]
    COMPETITORS[{library!r}]("classification", hidden, 3, seed=i).fit(X, y)
    gc.collect()
    if i in checkpoints:
        marks[i] = rss_mb()
print(marks)
"""

MEMORY_FITS = 200


def memory(libraries):
    rows = {}
    for library in libraries:
        code = RSS_PROBE.format(here=str(HERE), library=library, fits=MEMORY_FITS)
        out = (
            subprocess.run(
                [sys.executable, "-c", code], capture_output=True, text=True, check=True
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        marks = {int(k): v for k, v in eval(out).items()}  # noqa: S307 (our own output)
        growth = marks[MEMORY_FITS] - marks[1]
        rows[library] = {"rss_mb": marks, "growth_1_to_200": growth}
        print(
            f"  {library:12s} RSS after 1/10/50/100/200 fits: "
            + " / ".join(f"{marks[k]:.0f}" for k in (1, 10, 50, 100, 200))
            + f" MB (growth {growth:+.0f} MB)",
            flush=True,
        )
    return rows


def ratio(a, b):
    return a / b if b else float("nan")


def markdown(results):
    fits = results["fits"]
    lines = [
        "| workload | sklann | scikit-learn | scikeras | vs sklearn | vs scikeras "
        "| sklann cold | scores (sklann / sklearn / scikeras) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in fits:
        libs = row["libraries"]
        cells = [
            f"{libs[lib]['fit']['median']:.3f} s "
            f"({libs[lib]['fit']['min']:.2f}-{libs[lib]['fit']['max']:.2f})"
            for lib in ("sklann", "scikit-learn", "scikeras")
        ]
        ours = libs["sklann"]["fit"]["median"]
        scores = " / ".join(
            f"{libs[lib]['score']:.3f}"
            for lib in ("sklann", "scikit-learn", "scikeras")
        )
        lines.append(
            f"| {row['workload']} | {' | '.join(cells)} "
            f"| {ratio(ours, libs['scikit-learn']['fit']['median']):.2f}x "
            f"| {ratio(ours, libs['scikeras']['fit']['median']):.2f}x "
            f"| {libs['sklann']['cold']:.2f} s | {scores} |"
        )
    lines += ["", "| predict | sklann | scikit-learn | scikeras |", "|---|---|---|---|"]
    for size in ("1 row", "10k rows"):
        cells = [
            f"{1000 * results['predict'][lib][size]['median']:.2f} ms"
            for lib in ("sklann", "scikit-learn", "scikeras")
        ]
        lines.append(f"| {size} | {' | '.join(cells)} |")
    lines += [
        "",
        "| GridSearchCV 8 x 5 folds x 20 epochs, digits | sklann "
        "| scikit-learn | scikeras | sklann / sklearn |",
        "|---|---|---|---|---|",
    ]
    for n_jobs in ("n_jobs=1", "n_jobs=2"):
        for phase in ("cold",) if n_jobs == "n_jobs=1" else ("cold", "warm"):
            grid = results["grid_search"]
            cells = [
                f"{grid[lib][n_jobs][phase]:.1f} s"
                for lib in ("sklann", "scikit-learn", "scikeras")
            ]
            r = ratio(
                grid["sklann"][n_jobs][phase], grid["scikit-learn"][n_jobs][phase]
            )
            label = n_jobs if n_jobs == "n_jobs=1" else f"{n_jobs} ({phase} workers)"
            lines.append(f"| {label} | {' | '.join(cells)} | {r:.2f}x |")
    lines += [
        "",
        "| RSS (MB) after fits (12 architectures in turn) | 1 | 10 | 50 | 100 "
        "| 200 | growth 1 to 200 |",
        "|---|---|---|---|---|---|---|",
    ]
    for lib, row in results["memory"].items():
        marks = row["rss_mb"]
        lines.append(
            f"| {lib} | "
            + " | ".join(f"{marks[k]:.0f}" for k in (1, 10, 50, 100, 200))
            + f" | {row['growth_1_to_200']:+.0f} |"
        )
    flagged = score_shortfalls(fits)
    lines += [
        "",
        "Scores within noise (tolerance "
        f"{SCORE_TOLERANCE}): "
        + ("yes" if not flagged else "NO: " + "; ".join(flagged)),
    ]
    return "\n".join(lines)


def score_shortfalls(fits):
    """Workloads where sklann scores below the best library by more than noise."""
    return [
        f"{row['workload']}: sklann {row['libraries']['sklann']['score']:.3f} vs best "
        f"{max(v['score'] for v in row['libraries'].values()):.3f}"
        for row in fits
        if row["libraries"]["sklann"]["score"]
        < max(v["score"] for v in row["libraries"].values()) - SCORE_TOLERANCE
    ]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--quick",
        action="store_true",
        help="digits only, 1 repeat, no search or memory runs",
    )
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    libraries = list(COMPETITORS)
    workloads = WORKLOADS[:1] if args.quick else WORKLOADS
    repeats = 1 if args.quick else args.repeats
    results = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "date": time.strftime("%Y-%m-%d"),
        "fits": [],
    }
    for name, make_data, hidden, epochs in workloads:
        print(name, flush=True)
        results["fits"].append(
            fit_workload(name, make_data, hidden, epochs, repeats, libraries)
        )
    print("predict latency", flush=True)
    results["predict"] = predict_latency(libraries)
    if args.quick:
        print(json.dumps(results["fits"], indent=1))
        return 0
    print("GridSearchCV", flush=True)
    results["grid_search"] = grid_search(libraries)
    print("memory", flush=True)
    results["memory"] = memory(libraries)
    table = markdown(results)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(results, indent=1))
    header = (
        f"Measured {results['date']} on {results['machine']} by `make bench`; "
        f"medians of {repeats} fits (min-max), ratios are sklann's time "
        "over the other's."
    )
    (RESULTS / "latest.md").write_text(f"{header}\n\n{table}\n")
    update_readme("bench", f"{header}\n\n{table}")
    print(table)
    # A faster fit that scores worse does not count: the run fails.
    shortfalls = score_shortfalls(results["fits"])
    if shortfalls:
        print("sklann scores below its peers: " + "; ".join(shortfalls))
    return 1 if shortfalls else 0


if __name__ == "__main__":
    sys.exit(main())
