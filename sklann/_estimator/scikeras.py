"""The one place where sklann imports scikeras.

sklann's estimators build on :class:`scikeras.wrappers.BaseWrapper`, keeping
its conventions (``model_``, ``history_``, ``initialize``, ``partial_fit``,
``warm_start`` and routed ``optimizer__*`` / ``callbacks__*`` parameters).
scikeras 0.13 predates scikit-learn 1.6's estimator contract; the gaps are
fixed in sklann's own classes, and this module keeps the scikeras surface in
one place.
"""

from scikeras._utils import route_params, unflatten_params
from scikeras.wrappers import BaseWrapper
from sklearn.base import BaseEstimator

# scikeras 0.13 defines the ``_more_tags`` hook that scikit-learn 1.6 removed,
# without ``__sklearn_tags__``. scikit-learn's ``check_estimator_tags_renamed``
# rejects any class in the MRO that does so. BaseWrapper already inherits
# ``BaseEstimator.__sklearn_tags__``; naming that very function on the class
# changes no behaviour of any scikeras estimator, it only declares the hook.
if "__sklearn_tags__" not in vars(BaseWrapper):
    BaseWrapper.__sklearn_tags__ = BaseEstimator.__sklearn_tags__

__all__ = ["BaseWrapper", "route_params", "unflatten_params"]
