"""sklann: Keras multilayer perceptrons as ordinary scikit-learn estimators."""

from ._classifier import MLPClassifier
from ._persistence import load, save
from ._regressor import MLPRegressor

__version__ = "0.1.0"

__all__ = ["MLPClassifier", "MLPRegressor", "load", "save", "__version__"]
