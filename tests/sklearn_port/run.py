"""Run scikit-learn's own MLP tests against sklann, through the adapter.

The installed ``sklearn/neural_network/tests/test_mlp.py`` is copied into a
temporary folder with one line changed: its ``MLPClassifier`` and
``MLPRegressor`` come from :mod:`tests.sklearn_port.adapter`. pytest runs it
in a fresh process; every item's outcome is compared with
:data:`DIFFERENCES`, the items that fail on purpose, each with its reason
(the user guide's "Coming from scikit-learn's MLP" lists the same).

Run ``python -m tests.sklearn_port.run`` from the repository root: it prints
each item's outcome and exits non-zero when an item outside the list fails,
an item in it passes, or fewer than :data:`GOAL` items pass.
"""

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import sklearn

# At least this many of the file's items pass (the goal).
GOAL = 50

SOURCE = Path(sklearn.__file__).parent / "neural_network" / "tests" / "test_mlp.py"
IMPORT_LINE = "from sklearn.neural_network import MLPClassifier, MLPRegressor"
ADAPTED_IMPORT = "from tests.sklearn_port.adapter import MLPClassifier, MLPRegressor"

# scikit-learn's conftest gives its tests this fixture (42 unless set).
CONFTEST = """
import pytest

@pytest.fixture
def global_random_seed():
    return 42
"""

DIFFERENCES = {
    "test_fit": "sets scikit-learn's private weight and velocity lists by hand",
    "test_gradient": "calls scikit-learn's private _loss_grad_lbfgs",
    "test_learning_rate_warmstart": (
        "learning_rate='invscaling' is lr / (t + 1) ** power_t per sample seen; "
        "sklann's inverse_time is Keras's InverseTimeDecay"
    ),
    "test_verbose_sgd": "verbose=1 prints Keras's 'Epoch 1/2 - loss: ...' lines",
    "test_early_stopping_stratified": (
        "the error names the user's label (1), where scikit-learn names its "
        "encoded one ('True')"
    ),
    "test_mlp_diverging_loss": (
        "a diverging fit raises TrainingDiverged and keeps the previous model, "
        "where scikit-learn records NaN scores"
    ),
    "test_nonfinite_params": (
        "the divergence error is sklann's (it names the epoch and the fixes), "
        "not scikit-learn's sentence"
    ),
    "test_adaptive_learning_rate": (
        "learning_rate='adaptive' divides the rate by 5 until it falls below "
        "1e-6 and only then stops; lr_schedule='plateau' cuts it by "
        "lr_decay_rate, and patience stops training on its own"
    ),
    "test_preserve_feature_names[MLPClassifier]": (
        "a target of a single class is refused (two are needed), where "
        "scikit-learn fits it"
    ),
}


def outcomes(timeout=1800):
    """Run the adapted file; return {item: "passed" | "failed" | ...}."""
    root = Path(__file__).resolve().parents[2]
    source = SOURCE.read_text()
    if IMPORT_LINE not in source:
        raise RuntimeError(f"{SOURCE} no longer imports the MLPs as expected")
    with tempfile.TemporaryDirectory() as folder:
        test_file = Path(folder) / "test_mlp_on_sklann.py"
        test_file.write_text(source.replace(IMPORT_LINE, ADAPTED_IMPORT))
        (Path(folder) / "conftest.py").write_text(CONFTEST)
        environment = dict(os.environ, PYTHONPATH=str(root))
        finished = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                str(test_file),
                "-q",
                "-rA",
                "-p",
                "no:cacheprovider",
                "-o",
                "addopts=",
                "-W",
                "ignore::DeprecationWarning",
                "--rootdir",
                folder,
            ],
            cwd=folder,
            env=environment,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    found = re.findall(
        r"^(PASSED|FAILED|ERROR|SKIPPED|XFAIL|XPASS) \S*::(\S+)",
        finished.stdout,
        flags=re.MULTILINE,
    )
    if not found:
        raise RuntimeError(f"pytest reported nothing:\n{finished.stdout[-3000:]}")
    return {item: outcome.lower() for outcome, item in found}


def surprises(results):
    """The items whose outcome is not the expected one, with what happened."""
    return {
        item: outcome
        for item, outcome in results.items()
        if (outcome == "passed") == (item in DIFFERENCES)
    }


def main():
    results = outcomes()
    passed = sum(outcome == "passed" for outcome in results.values())
    for item, outcome in sorted(results.items()):
        reason = DIFFERENCES.get(item, "")
        print(f"{outcome:8} {item}{'  -- ' + reason if reason else ''}")
    unexpected = surprises(results)
    print(f"\n{passed} of {len(results)} items pass (goal: {GOAL}).")
    for item, outcome in unexpected.items():
        print(f"unexpected: {item} {outcome}")
    return 0 if passed >= GOAL and not unexpected else 1


if __name__ == "__main__":
    sys.exit(main())
