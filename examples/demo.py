"""Cross-validated random search of an MLP on the digits data.

Run with ``make demo``. A ``Pipeline(StandardScaler(), MLPClassifier())`` is
tuned by ``RandomizedSearchCV`` over the layer sizes, the activation with its
matched initializer, dropout, L2, the optimizer and a log-uniform learning
rate. It prints the best parameters, the cross-validated and held-out
accuracy and the wall time, and writes a plot of the search results.
"""

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from joblib import parallel_config  # noqa: E402
from scipy.stats import loguniform  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402
from sklearn.model_selection import RandomizedSearchCV, train_test_split  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from sklann import MLPClassifier  # noqa: E402

OUTPUT = Path(os.environ.get("SKLANN_DEMO_OUTPUT", "demo_output"))
N_ITER = int(os.environ.get("SKLANN_DEMO_N_ITER", "16"))

PREFIX = "mlpclassifier__"
SHARED_SPACE = {
    "hidden_layer_sizes": [
        (64,),
        (128,),
        (256,),
        (128, 64),
        (256, 128),
        (128, 128, 64),
    ],
    "dropout": [0.0, 0.1, 0.2, 0.3],
    "l2": loguniform(1e-6, 1e-3),
    "optimizer": ["adam", "nadam", "rmsprop", "sgd"],
    "learning_rate": loguniform(3e-4, 3e-2),
}
# Each activation with the initializer that suits it (He, LeCun, Glorot).
ACTIVATION_INITIALIZERS = [
    (["relu", "elu"], ["he_normal"]),
    (["selu"], ["lecun_normal"]),
    (["tanh"], ["glorot_uniform"]),
]


def search_space():
    """One sub-space per activation family, sharing the other knobs."""
    return [
        {
            **{PREFIX + name: values for name, values in SHARED_SPACE.items()},
            PREFIX + "activation": activations,
            PREFIX + "kernel_initializer": initializers,
        }
        for activations, initializers in ACTIVATION_INITIALIZERS
    ]


def plot_results(search, path):
    """Mean CV accuracy against learning rate, one colour per optimizer."""
    results = search.cv_results_
    fig, ax = plt.subplots(figsize=(7, 4.5))
    rates = np.asarray(results["param_" + PREFIX + "learning_rate"], dtype=float)
    optimizers = np.asarray(results["param_" + PREFIX + "optimizer"], dtype=object)
    for name in sorted(set(optimizers)):
        chosen = optimizers == name
        ax.errorbar(
            rates[chosen],
            results["mean_test_score"][chosen],
            yerr=results["std_test_score"][chosen],
            fmt="o",
            capsize=3,
            label=name,
        )
    ax.set_xscale("log")
    ax.set_xlabel("learning rate")
    ax.set_ylabel("mean CV accuracy (3 folds)")
    ax.set_title(f"RandomizedSearchCV on digits: {len(rates)} candidates")
    ax.legend(title="optimizer")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main():
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.2, stratify=y, random_state=0
    )
    # Every candidate trains for the same 30 epochs: a search compares them at
    # one budget (patience=None: no convergence rule, so no warnings about it).
    model = MLPClassifier(epochs=30, patience=None, random_state=0)
    pipe = make_pipeline(StandardScaler(), model)
    search = RandomizedSearchCV(
        pipe, search_space(), n_iter=N_ITER, cv=3, n_jobs=2, random_state=0
    )
    started = time.perf_counter()
    # Threads, not processes: the candidates share the process's TensorFlow
    # and its traced networks (see the tuning guide).
    with parallel_config(backend="threading"):
        search.fit(X_train, y_train)
    wall = time.perf_counter() - started

    print("Best parameters:")
    for name, value in sorted(search.best_params_.items()):
        shown = f"{value:.3g}" if isinstance(value, float) else repr(value)
        print(f"  {name.removeprefix(PREFIX)} = {shown}")
    print(f"Best CV accuracy:       {search.best_score_:.4f}")
    print(f"Held-out test accuracy: {search.score(X_test, y_test):.4f}")
    budget = f"{N_ITER} candidates x 3 folds, n_jobs=2 threads"
    print(f"Search wall time:       {wall:.1f} s ({budget})")

    OUTPUT.mkdir(parents=True, exist_ok=True)
    plot_path = OUTPUT / "search_results.png"
    plot_results(search, plot_path)
    print(f"Plot written to {plot_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
