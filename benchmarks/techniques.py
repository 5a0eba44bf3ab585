"""The effect of each tabular technique, one at a time, on top of sklann's recipe.

Run with ``python benchmarks/techniques.py`` (``--sets digits,adult`` runs
some sets only; ``--seeds 0,1,2`` more model seeds; ``--variants`` some
columns only). Same data, splits and metrics as ``benchmarks/quality.py``
(5-fold accuracy on the small sets, the held-out splits of the larger
tasks); each column is ``tabular_defaults()`` with one change, so each
figure is that change's effect on the recipe. Results go to
``benchmarks/results/techniques.{md,json}``; the guide pages quote them.
"""

import argparse
import sys
from pathlib import Path

import numpy as np

from sklann import MLPClassifier, MLPRegressor
from sklann.model_selection import tabular_defaults

sys.path.insert(0, str(Path(__file__).parent))
from quality import held_out_tasks, measured, small_sets, task_of  # noqa: E402
from report import new_results, save_report  # noqa: E402

# Each column: its change to the recipe.
VARIANTS = {
    "recipe": {},
    "dropout flat_cosine": {"dropout_schedule": "flat_cosine"},
    "EMA 0.999": {"ema_momentum": 0.999},
    "n_ensemble 8": {"n_ensemble": 8},
    "no embedding": {"numerical_embedding": None},
}


def variant_maker(regression, change, n_classes=None):
    """``make(seed)``: the recipe's estimator (for ``n_classes`` classes, or
    a regressor) with ``change``."""
    estimator = "regressor" if regression else "classifier"
    mlp = MLPRegressor if regression else MLPClassifier
    settings = {**tabular_defaults(estimator, n_classes=n_classes), **change}
    return lambda seed: mlp(random_state=seed, **settings)


def markdown(results):
    variants = list(next(iter(results["sets"].values())))
    lines = [
        "| data | metric | " + " | ".join(variants) + " |",
        "|---|---|" + "---|" * len(variants),
    ]
    for data, runs in results["sets"].items():
        metrics = [key for key in runs[variants[0]] if key != "seconds"]
        for metric in metrics:
            cells = [f"{np.mean(runs[v][metric]):.4f}" for v in variants]
            lines.append(f"| {data} | {metric} | " + " | ".join(cells) + " |")
        times = [f"{runs[v]['seconds']:.0f} s" for v in variants]
        lines.append(f"| {data} | time | " + " | ".join(times) + " |")
    return "\n".join(lines)


def main(names, seeds, variants):
    results = new_results(sets={}, seeds=list(seeds))
    small, larger = small_sets(), held_out_tasks()
    for name in names or [*small, *larger]:
        task, classes = task_of(name, (small, larger))
        runs = {}
        for variant in variants:
            make = variant_maker(task == "regression", VARIANTS[variant], classes)
            runs[variant] = measured(name, make, (small, larger), seeds)
            print(f"  {name}, {variant}: {runs[variant]}", flush=True)
        results["sets"][name] = runs
    header = (
        f"Measured {results['date']} on {results['machine']} by "
        "`benchmarks/techniques.py`: `tabular_defaults(n_classes=...)` with one "
        "change per column; 5-fold accuracy on the small sets, the held-out splits of "
        f"`quality.py` on the larger tasks (model seeds {list(seeds)}, mean)."
    )
    save_report("techniques", results, header, markdown(results))
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--sets", help="comma-separated names of the sets to run")
    parser.add_argument("--seeds", default="0", help="comma-separated model seeds")
    parser.add_argument(
        "--variants", default=",".join(VARIANTS), help="comma-separated columns"
    )
    arguments = parser.parse_args()
    unknown = sorted(set(arguments.variants.split(",")) - set(VARIANTS))
    if unknown:
        parser.error(f"unknown variants {unknown}; known: {list(VARIANTS)}")
    sys.exit(
        main(
            arguments.sets.split(",") if arguments.sets else None,
            [int(seed) for seed in arguments.seeds.split(",")],
            arguments.variants.split(","),
        )
    )
