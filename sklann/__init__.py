"""sklann: Keras multilayer perceptrons as ordinary scikit-learn estimators."""

from ._quiet import start_up_notices_filtered

with start_up_notices_filtered():  # TensorFlow's start-up lines (see _quiet)
    import tensorflow  # noqa: F401

from ._classifier import MLPClassifier
from ._persistence import load, save
from ._regressor import MLPRegressor

__version__ = "0.1.0"

__all__ = ["MLPClassifier", "MLPRegressor", "load", "save", "__version__"]
