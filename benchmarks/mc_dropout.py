"""MC dropout speed: sklann's vectorised passes against loops of single passes.

Run with ``python benchmarks/mc_dropout.py``. A (256, 128) classifier with
dropout 0.3 on the digits data (1,797 rows); 100 passes over all rows:

- sklann: ``predict_proba(X, mc_samples=100)``, one tiled NumPy batch;
- a Python loop of 100 ``predict_proba(X, mc_samples=1)`` calls;
- raw Keras as the tutorials write it: 100 calls of ``model(X, training=True)``.

Medians of 5 repeats are printed, with the ratios.
"""

import os
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402

from sklann import MLPClassifier  # noqa: E402

PASSES = 100


def median_time(function, repeats=5):
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main():
    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    clf = MLPClassifier(
        hidden_layer_sizes=(256, 128), dropout=0.3, epochs=10, random_state=0
    ).fit(X, y)
    model = clf.model_
    X32 = X.astype(np.float32)
    timings = {
        "sklann mc_samples=100 (vectorised)": median_time(
            lambda: clf.predict_proba(X, mc_samples=PASSES)
        ),
        "loop of 100 predict_proba(mc_samples=1)": median_time(
            lambda: [clf.predict_proba(X, mc_samples=1) for _ in range(PASSES)]
        ),
        "raw Keras: 100 x model(X, training=True)": median_time(
            lambda: [model(X32, training=True) for _ in range(PASSES)]
        ),
    }
    fastest = timings["sklann mc_samples=100 (vectorised)"]
    for name, seconds in timings.items():
        print(f"{name:45s} {seconds:7.3f} s  ({seconds / fastest:.1f}x)")


if __name__ == "__main__":
    main()
