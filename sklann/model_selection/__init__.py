"""Tuning helpers: search spaces, a tabular recipe, layer sizes, the LR range test.

They work with scikit-learn's own searches (``GridSearchCV``,
``RandomizedSearchCV``, ``HalvingRandomSearchCV`` with
``resource="epochs"``) and any joblib backend, Dask's included.
"""

from ._layer_sizes import LayerSizes, layer_grid
from ._lr_range_test import LRRangeTestResult, lr_range_test
from ._search_space import search_space
from ._tabular import tabular_defaults, tabular_search_space

__all__ = [
    "LRRangeTestResult",
    "LayerSizes",
    "layer_grid",
    "lr_range_test",
    "search_space",
    "tabular_defaults",
    "tabular_search_space",
]
