"""Target standardisation in MLPRegressor, against no scaling and scikit-learn.

Run with ``make bench`` (or ``python benchmarks/target_scaling.py``). Three
regression sets: wine quality (red and white together, 6,497 rows, quality
3 to 9), abalone (4,177 rows, rings 1 to 29, sex one-hot encoded) and
scikit-learn's diabetes (442 rows, target 25 to 346). Every model runs in
``make_pipeline(StandardScaler(), model)`` at its library's defaults, with
5-fold shuffled cross-validation (seed 0): sklann with
``standardize_target=True`` (the default), sklann with
``standardize_target=False`` (the default before it), and scikit-learn's
``MLPRegressor`` (``max_iter=200``, its default). The table gives the mean
test RMSE and R² over the folds; results go to
``benchmarks/results/target_scaling.{md,json}``.
"""

import os
import sys
import time
import warnings
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from sklearn.datasets import load_diabetes  # noqa: E402
from sklearn.model_selection import KFold, cross_validate  # noqa: E402
from sklearn.neural_network import MLPRegressor as SklearnMLP  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from sklann import MLPRegressor  # noqa: E402
from sklann.datasets import load_abalone, load_wine_quality  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent))
from report import new_results, save_report  # noqa: E402


def data_sets():
    red, white = load_wine_quality("red"), load_wine_quality("white")
    wine_X = pd.concat([red[0], white[0]], ignore_index=True)
    wine_y = np.concatenate([np.asarray(red[1]), np.asarray(white[1])])
    abalone_X, abalone_y = load_abalone()
    abalone_X = pd.get_dummies(abalone_X, columns=["sex"], dtype=float)
    diabetes_X, diabetes_y = load_diabetes(return_X_y=True)
    return {
        "wine quality (6,497)": (wine_X.to_numpy(float), wine_y.astype(float)),
        "abalone (4,177)": (abalone_X.to_numpy(float), np.asarray(abalone_y, float)),
        "diabetes (442)": (diabetes_X, diabetes_y),
    }


MODELS = {
    "sklann, standardize_target=True": lambda: MLPRegressor(random_state=0),
    "sklann, standardize_target=False": lambda: MLPRegressor(
        standardize_target=False, random_state=0
    ),
    "scikit-learn MLPRegressor": lambda: SklearnMLP(random_state=0),
}


def evaluate(model, X, y):
    folds = KFold(5, shuffle=True, random_state=0)
    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarnings at the defaults
        scores = cross_validate(
            make_pipeline(StandardScaler(), model),
            X,
            y,
            cv=folds,
            scoring=("neg_root_mean_squared_error", "r2"),
        )
    return {
        "rmse": float(-scores["test_neg_root_mean_squared_error"].mean()),
        "r2": float(scores["test_r2"].mean()),
        "seconds": time.perf_counter() - started,
    }


def markdown(results):
    lines = [
        "| data (target mean, std) | model | RMSE | R² | time (5 folds) |",
        "|---|---|---|---|---|",
    ]
    for data, runs in results["sets"].items():
        for model, run in runs["models"].items():
            lines.append(
                f"| {data} ({runs['mean']:.3g}, {runs['std']:.3g}) | {model} "
                f"| {run['rmse']:.3f} | {run['r2']:.3f} | {run['seconds']:.1f} s |"
            )
    return "\n".join(lines)


def main():
    results = new_results(sets={})
    for name, (X, y) in data_sets().items():
        runs = {"mean": float(y.mean()), "std": float(y.std()), "models": {}}
        for model, make in MODELS.items():
            runs["models"][model] = evaluate(make(), X, y)
            print(f"  {name}, {model}: {runs['models'][model]}", flush=True)
        results["sets"][name] = runs
    header = (
        f"Measured {results['date']} on {results['machine']} by "
        "`benchmarks/target_scaling.py`; mean over 5 shuffled folds, each model "
        "in `make_pipeline(StandardScaler(), model)` at its defaults."
    )
    save_report("target_scaling", results, header, markdown(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
