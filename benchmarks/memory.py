"""Peak memory of fit and predict on large inputs, against scikit-learn's MLP.

Run with ``make bench`` (or ``python benchmarks/memory.py``). Each scenario
runs in a fresh process, which builds its data and fits once on 10,000 of
its rows (so that start-up is not counted), then reports how far the
operation raised the process's peak RSS (``ru_maxrss``) above the peak
before it:

- ``sparse fit``: one epoch on a 100,000 x 50,000 CSR matrix at 0.1%
  density (5 million stored values, 38 MiB of data and indices);
- ``sparse predict``: predicting that matrix with the fitted model;
- ``1M-row predict``: predicting 1,000,000 x 200 float32 rows (763 MiB).

Both libraries train a (32,) ReLU network with batches of 200. Results go
to ``benchmarks/results/memory.{md,json}``.
"""

import argparse
import json
import os
import resource
import sys
import time
import warnings
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import scipy.sparse as sp  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent))
from fresh import run_child  # noqa: E402
from report import new_results, save_report  # noqa: E402

SCENARIOS = ("sparse fit", "sparse predict", "1M-row predict")
LIBRARIES = ("sklann", "scikit-learn")


def peak_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def sparse_data():
    rng = np.random.default_rng(0)
    X = sp.random(
        100_000, 50_000, density=0.001, format="csr", dtype=np.float32, random_state=rng
    )
    return X, (np.asarray(X[:, :500].sum(axis=1)).ravel() > 0).astype(int)


def dense_data():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((1_000_000, 200), dtype=np.float32)
    return X, (X[:, 0] + X[:, 1] > 0).astype(int)


def model(library):
    if library == "sklann":
        from sklann import MLPClassifier

        return MLPClassifier(
            hidden_layer_sizes=(32,), epochs=1, batch_size=200, random_state=0
        )
    from sklearn.neural_network import MLPClassifier

    return MLPClassifier(
        hidden_layer_sizes=(32,), max_iter=1, batch_size=200, random_state=0
    )


def scenario(name, library):
    """Run one scenario here; return the peak RSS growth of its operation."""
    warnings.simplefilter("ignore")
    X, y = dense_data() if name == "1M-row predict" else sparse_data()
    estimator = model(library)
    # A first fit on 10,000 rows: the figures are the data's, not start-up's.
    estimator.fit(X[:10_000], y[:10_000])
    before = peak_mib()
    started = time.perf_counter()
    if name == "sparse fit":
        estimator.fit(X, y)
    else:
        estimator.predict(X)
    return {
        "peak_growth_mib": peak_mib() - before,
        "seconds": time.perf_counter() - started,
    }


def markdown(results):
    lines = [
        "| scenario | sklann peak RSS growth | scikit-learn | ratio | sklann time |",
        "|---|---|---|---|---|",
    ]
    for name, runs in results["scenarios"].items():
        ours, theirs = runs["sklann"], runs["scikit-learn"]
        # Below a few MiB the other's growth is noise: no ratio to it.
        ratio = (
            f"{ours['peak_growth_mib'] / theirs['peak_growth_mib']:.2f}x"
            if theirs["peak_growth_mib"] >= 8
            else "-"
        )
        lines.append(
            f"| {name} | {ours['peak_growth_mib']:.0f} MiB "
            f"| {theirs['peak_growth_mib']:.0f} MiB | {ratio} "
            f"| {ours['seconds']:.1f} s |"
        )
    return "\n".join(lines)


def main():
    results = new_results(scenarios={})
    for name in SCENARIOS:
        runs = {
            library: run_child(__file__, scenario=name, library=library)
            for library in LIBRARIES
        }
        results["scenarios"][name] = runs
        print(f"  {name}: {runs}", flush=True)
    header = (
        f"Measured {results['date']} on {results['machine']} by "
        "`benchmarks/memory.py`; each operation in a fresh process, growth of "
        "the peak RSS over the peak before it (the data already built)."
    )
    save_report("memory", results, header, markdown(results))
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--scenario", choices=SCENARIOS)
    parser.add_argument("--library", choices=LIBRARIES)
    arguments = parser.parse_args()
    if arguments.scenario:
        print(json.dumps(scenario(arguments.scenario, arguments.library)))
        sys.exit(0)
    sys.exit(main())
