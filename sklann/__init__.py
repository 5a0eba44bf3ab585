"""sklann: Keras multilayer perceptrons as ordinary scikit-learn estimators."""

from ._training.quiet import start_up_notices_filtered

with start_up_notices_filtered():  # TensorFlow's start-up lines (see _quiet)
    import tensorflow  # noqa: F401

from ._estimator.classifier import MLPClassifier
from ._estimator.regressor import MLPRegressor
from ._persistence import load, save
from ._version import InconsistentVersionWarning, __version__

__all__ = [
    "InconsistentVersionWarning",
    "MLPClassifier",
    "MLPRegressor",
    "load",
    "save",
    "__version__",
]
