"""Target encoding for the classifier and regressor."""

import numpy as np
import pytest

from sklann._estimator.targets import ClassifierTarget, RegressorTarget


def test_multiclass_string_labels_round_trip():
    y = np.array(["cat", "dog", "bird", "dog"])
    target = ClassifierTarget().fit(y)
    assert target.target_type == "multiclass"
    assert target.classes.tolist() == ["bird", "cat", "dog"]
    np.testing.assert_array_equal(target.transform(y), [1, 2, 0, 2])
    outputs = np.eye(3)[[1, 2, 0, 2]]
    np.testing.assert_array_equal(target.labels(outputs), y)


def test_binary_probabilities_have_two_columns():
    target = ClassifierTarget().fit(np.array([3, 7, 7]))
    proba = target.probabilities(np.array([[0.25], [0.9]]))
    np.testing.assert_allclose(proba, [[0.75, 0.25], [0.1, 0.9]])
    np.testing.assert_array_equal(target.labels(np.array([[0.25], [0.9]])), [3, 7])


def test_classes_argument_adds_unseen_labels():
    target = ClassifierTarget().fit(np.array([0, 1]), classes=[0, 1, 2])
    assert target.target_type == "multiclass" and target.n_outputs == 3


def test_multilabel():
    y = np.array([[1, 0, 1], [0, 1, 1]])
    target = ClassifierTarget().fit(y)
    assert target.target_type == "multilabel-indicator" and target.n_outputs == 3
    np.testing.assert_array_equal(
        target.labels(np.array([[0.9, 0.1, 0.6]])), [[1, 0, 1]]
    )


def test_errors_name_the_problem():
    with pytest.raises(ValueError, match="only one class"):
        ClassifierTarget().fit(np.array([1, 1, 1]))
    with pytest.raises(ValueError, match="Unknown label type"):
        ClassifierTarget().fit(np.array([0.5, 1.5, 2.25]))
    target = ClassifierTarget().fit(np.array([0, 1]))
    with pytest.raises(ValueError, match=r"labels not seen at the first fit: \[5\]"):
        target.transform(np.array([0, 5]))


def test_regressor_target_shapes():
    single = RegressorTarget().fit(np.array([1.0, 2.0]))
    assert single.predictions(np.array([[1.0], [2.0]])).shape == (2,)
    multi = RegressorTarget().fit(np.ones((2, 3)))
    assert multi.predictions(np.ones((2, 3))).shape == (2, 3)
    with pytest.raises(ValueError, match="y has 2 outputs"):
        multi.transform(np.ones((2, 2)))
