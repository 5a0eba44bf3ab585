"""Write the intersphinx inventories that the docs build reads offline.

The docs build has no internet, so it cannot fetch ``objects.inv`` from
scikit-learn.org, numpy.org or keras.io (Keras's site is not built with
Sphinx and publishes none). This script writes small inventories instead: the
public classes and functions of the installed scikit-learn, a few NumPy
names, and the Keras classes the docs mention, each pointing at its page on
the project's site. Run it again after upgrading those libraries::

    .venv/bin/python docs/_inventories/make_inventories.py
"""

import importlib
import inspect
import zlib
from pathlib import Path

HERE = Path(__file__).parent

SKLEARN_MODULES = [
    "base",
    "compose",
    "datasets",
    "dummy",
    "ensemble",
    "exceptions",
    "inspection",
    "linear_model",
    "metrics",
    "model_selection",
    "neural_network",
    "pipeline",
    "preprocessing",
    "utils",
]

NUMPY_PAGES = {
    "numpy.ndarray": "reference/generated/numpy.ndarray.html#numpy.ndarray",
    "numpy.random.RandomState": "reference/random/legacy.html#numpy.random.RandomState",
    "numpy.random.Generator": "reference/random/generator.html#numpy.random.Generator",
    "numpy.float32": "reference/arrays.scalars.html#numpy.float32",
    "numpy.float64": "reference/arrays.scalars.html#numpy.float64",
}

KERAS_PAGES = {
    "keras.Model": "models/model/",
    "keras.callbacks.Callback": "callbacks/base_callback/",
    "keras.callbacks.EarlyStopping": "callbacks/early_stopping/",
    "keras.callbacks.ModelCheckpoint": "callbacks/model_checkpoint/",
    "keras.callbacks.ReduceLROnPlateau": "callbacks/reduce_lr_on_plateau/",
    "keras.layers.Dense": "layers/core_layers/dense/",
    "keras.layers.BatchNormalization": (
        "layers/normalization_layers/batch_normalization/"
    ),
    "keras.layers.Dropout": "layers/regularization_layers/dropout/",
    "keras.layers.AlphaDropout": "layers/regularization_layers/alpha_dropout/",
    "keras.constraints.MaxNorm": "layers/constraints/",
    "keras.regularizers.L1L2": "layers/regularizers/",
    "keras.initializers.GlorotUniform": "layers/initializers/",
    "keras.initializers.HeNormal": "layers/initializers/",
    "keras.initializers.LecunNormal": "layers/initializers/",
    "keras.optimizers.Optimizer": "optimizers/",
    "keras.optimizers.SGD": "optimizers/sgd/",
    "keras.optimizers.Adam": "optimizers/adam/",
    "keras.optimizers.AdamW": "optimizers/adamw/",
    "keras.optimizers.Nadam": "optimizers/Nadam/",
    "keras.optimizers.RMSprop": "optimizers/rmsprop/",
    "keras.optimizers.Adagrad": "optimizers/adagrad/",
    "keras.optimizers.Adadelta": "optimizers/adadelta/",
    "keras.optimizers.Adamax": "optimizers/adamax/",
    "keras.optimizers.schedules.LearningRateSchedule": (
        "optimizers/learning_rate_schedules/"
    ),
    "keras.mixed_precision.LossScaleOptimizer": (
        "mixed_precision/loss_scale_optimizer/"
    ),
    "keras.losses.Loss": "losses/",
    "keras.metrics.Metric": "metrics/",
}


def public_names(module_name):
    """Yield (name, role) for the public classes and functions of a module."""
    module = importlib.import_module(module_name)
    for name in getattr(module, "__all__", dir(module)):
        if name.startswith("_"):
            continue
        obj = getattr(module, name, None)
        if inspect.isclass(obj):
            yield f"{module_name}.{name}", "class"
        elif inspect.isfunction(obj):
            yield f"{module_name}.{name}", "function"


# Glossary terms and labels that scikit-learn's inherited docstrings cite.
SKLEARN_STD = [
    ("meta-estimator", "std:term", "glossary.html#term-meta-estimator"),
    ("metadata_routing", "std:label", "metadata_routing.html#metadata-routing"),
    ("accuracy_score", "std:label", "modules/model_evaluation.html#accuracy-score"),
    ("r2_score", "std:label", "modules/model_evaluation.html#r2-score"),
]


def write_inventory(path, project, version, entries):
    """Write a Sphinx version-2 inventory; entries are (name, role, uri).

    ``role`` is ``class`` or ``function`` (Python domain) or a full
    ``domain:role`` such as ``std:term``.
    """
    header = (
        "# Sphinx inventory version 2\n"
        f"# Project: {project}\n"
        f"# Version: {version}\n"
        "# The remainder of this file is compressed using zlib.\n"
    )
    body = "".join(
        f"{name} {role if ':' in role else 'py:' + role} 1 {uri} -\n"
        for name, role, uri in sorted(set(entries))
    )
    path.write_bytes(header.encode() + zlib.compress(body.encode()))


def sklearn_entries():
    from sklearn.experimental import enable_halving_search_cv  # noqa: F401

    for module in SKLEARN_MODULES:
        for name, role in public_names(f"sklearn.{module}"):
            yield name, role, f"modules/generated/{name}.html#{name}"
    yield from SKLEARN_STD


def main():
    import keras
    import numpy
    import sklearn

    write_inventory(
        HERE / "sklearn.inv", "scikit-learn", sklearn.__version__, sklearn_entries()
    )
    write_inventory(
        HERE / "numpy.inv",
        "NumPy",
        numpy.__version__,
        [(name, "class", uri) for name, uri in NUMPY_PAGES.items()],
    )
    write_inventory(
        HERE / "keras.inv",
        "Keras",
        keras.__version__,
        [(name, "class", uri) for name, uri in KERAS_PAGES.items()],
    )


if __name__ == "__main__":
    main()
