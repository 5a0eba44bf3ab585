"""scikit-learn's estimator checks over both estimators."""

import pytest
from sklearn.base import clone
from sklearn.utils.estimator_checks import (
    check_param_validation,
    check_sample_weight_equivalence_on_dense_data,
    check_sample_weight_equivalence_on_sparse_data,
    parametrize_with_checks,
)

from sklann import MLPClassifier, MLPRegressor

# Small, quick settings that still learn the checks' toy problems.
CHECK_SETTINGS = dict(
    hidden_layer_sizes=(16,), learning_rate=0.02, epochs=40, random_state=0
)

ESTIMATORS = [MLPClassifier(**CHECK_SETTINGS), MLPRegressor(**CHECK_SETTINGS)]

# Weighting by an integer equals repeating the sample, but in float32 only
# to its rounding, which training amplifies; these checks demand 1e-7. They
# pass with precision="float64" (test_sample_weight_equivalence_in_float64),
# as scikit-learn runs them on its own MLP with special parameters.
WEIGHTING_CHECKS = (
    check_sample_weight_equivalence_on_dense_data,
    check_sample_weight_equivalence_on_sparse_data,
)
_FLOAT32_WEIGHTING = {
    check.__name__: "float32 rounding; passes with precision='float64' (see below)"
    for check in WEIGHTING_CHECKS
}
EXPECTED_FAILURES = {
    "MLPClassifier": _FLOAT32_WEIGHTING,
    "MLPRegressor": _FLOAT32_WEIGHTING,
}


def expected_failures(estimator):
    return EXPECTED_FAILURES.get(type(estimator).__name__, {})


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=expected_failures)
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=lambda e: type(e).__name__)
def test_check_param_validation(estimator):
    check_param_validation(type(estimator).__name__, estimator)


@pytest.mark.parametrize("check", WEIGHTING_CHECKS, ids=lambda c: c.__name__[-11:])
@pytest.mark.parametrize("estimator", ESTIMATORS, ids=lambda e: type(e).__name__)
def test_sample_weight_equivalence_in_float64(estimator, check):
    check(type(estimator).__name__, clone(estimator).set_params(precision="float64"))
