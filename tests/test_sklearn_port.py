"""scikit-learn's own test_mlp.py, run against sklann through the name adapter."""

import pytest
import sklearn

from tests.sklearn_port.run import DIFFERENCES, GOAL, outcomes, surprises


@pytest.mark.slow
@pytest.mark.skipif(
    not sklearn.__version__.startswith("1.9."),
    reason="the list of differences is for scikit-learn 1.9's test_mlp.py",
)
def test_scikit_learns_mlp_tests_pass_but_the_documented_differences():
    results = outcomes()
    assert not surprises(results), surprises(results)
    assert set(DIFFERENCES) <= set(results)  # every listed item still exists
    assert sum(outcome == "passed" for outcome in results.values()) >= GOAL
