"""MLPClassifier: target types, labels, weights, inputs and continued training."""

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.datasets import load_iris, make_multilabel_classification

from sklann import MLPClassifier

X_IRIS, Y_IRIS = load_iris(return_X_y=True)
X_IRIS = (X_IRIS - X_IRIS.mean(0)) / X_IRIS.std(0)
NAMES = np.array(["setosa", "versicolor", "virginica"])
QUICK = dict(hidden_layer_sizes=(16,), learning_rate=0.02, epochs=40, random_state=0)


@pytest.fixture(scope="module")
def iris_strings():
    return MLPClassifier(**QUICK).fit(X_IRIS, NAMES[Y_IRIS])


def test_string_multiclass_labels(iris_strings):
    assert iris_strings.classes_.tolist() == NAMES.tolist()
    assert iris_strings.n_classes_ == 3 and iris_strings.n_outputs_ == 1
    assert set(iris_strings.predict(X_IRIS)) <= set(NAMES)
    assert iris_strings.score(X_IRIS, NAMES[Y_IRIS]) > 0.9
    proba = iris_strings.predict_proba(X_IRIS)
    assert proba.shape == (150, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)
    np.testing.assert_array_equal(
        iris_strings.classes_[proba.argmax(1)], iris_strings.predict(X_IRIS)
    )


def test_fitted_attributes(iris_strings):
    assert iris_strings.n_features_in_ == 4 and iris_strings.n_iter_ == 40
    assert isinstance(iris_strings.history_, dict)
    assert len(iris_strings.history_["loss"]) == 40
    assert iris_strings.history_["loss"][-1] < iris_strings.history_["loss"][0]


def test_binary_integer_labels():
    y = np.where(Y_IRIS == 0, -1, 7)
    clf = MLPClassifier(**QUICK).fit(X_IRIS, y)
    assert clf.classes_.tolist() == [-1, 7]
    assert clf.predict_proba(X_IRIS).shape == (150, 2)
    assert clf.score(X_IRIS, y) > 0.95


def test_multilabel():
    X, Y = make_multilabel_classification(n_samples=120, n_classes=4, random_state=0)
    clf = MLPClassifier(**QUICK).fit(X / X.max(), Y)
    assert clf.n_outputs_ == 4 and clf.classes_.tolist() == [0, 1, 2, 3]
    predicted = clf.predict(X / X.max())
    assert predicted.shape == (120, 4) and set(np.unique(predicted)) <= {0, 1}
    proba = clf.predict_proba(X / X.max())
    np.testing.assert_array_equal(predicted, (proba > 0.5).astype(int))
    assert (predicted == Y).mean() > 0.75


def test_class_weight_shifts_predictions_towards_the_heavy_class():
    light = MLPClassifier(**QUICK).fit(X_IRIS, Y_IRIS)
    heavy = MLPClassifier(**QUICK, class_weight={0: 1.0, 1: 1.0, 2: 20.0}).fit(
        X_IRIS, Y_IRIS
    )
    assert (heavy.predict(X_IRIS) == 2).sum() > (light.predict(X_IRIS) == 2).sum()


def test_class_weight_balanced_equals_explicit_weights():
    keep = np.r_[0:50, 50:70, 100:150]
    X, y = X_IRIS[keep], Y_IRIS[keep]
    balanced = MLPClassifier(**QUICK, class_weight="balanced").fit(X, y)
    counts = np.bincount(y)
    explicit = {k: len(y) / (3 * counts[k]) for k in range(3)}
    by_dict = MLPClassifier(**QUICK, class_weight=explicit).fit(X, y)
    np.testing.assert_allclose(
        balanced.predict_proba(X), by_dict.predict_proba(X), rtol=1e-5
    )


def test_class_weight_with_an_unknown_class_is_rejected():
    with pytest.raises(ValueError, match=r"class_weight names classes .* \[9\]"):
        MLPClassifier(**QUICK, class_weight={0: 1.0, 9: 2.0}).fit(X_IRIS, Y_IRIS)


def test_sample_weight_equals_repeating_rows():
    """Integer weights equal repeated rows, to float32 rounding (full batches)."""
    rng = np.random.RandomState(1)
    weights = rng.randint(0, 4, size=150)
    params = dict(QUICK, batch_size=1000)
    weighted = MLPClassifier(**params).fit(X_IRIS, Y_IRIS, sample_weight=weights)
    repeated = MLPClassifier(**params).fit(
        np.repeat(X_IRIS, weights, axis=0), np.repeat(Y_IRIS, weights)
    )
    np.testing.assert_allclose(
        weighted.predict_proba(X_IRIS),
        repeated.predict_proba(X_IRIS),
        rtol=1e-4,
        atol=1e-6,
    )


def test_partial_fit_runs_one_epoch_at_a_time():
    clf = MLPClassifier(**QUICK)
    with pytest.raises(ValueError, match="classes must be passed"):
        clf.partial_fit(X_IRIS, Y_IRIS)
    clf.partial_fit(X_IRIS[:50], Y_IRIS[:50], classes=[0, 1, 2])
    assert clf.n_iter_ == 1 and clf.classes_.tolist() == [0, 1, 2]
    model = clf.model_
    clf.partial_fit(X_IRIS, Y_IRIS)
    assert clf.n_iter_ == 1 and clf.model_ is model  # this call's epoch
    assert len(clf.history_["loss"]) == 2
    with pytest.raises(ValueError, match="labels not seen"):
        clf.partial_fit(X_IRIS, Y_IRIS + 5)
    with pytest.raises(ValueError, match="differs from the classes"):
        clf.partial_fit(X_IRIS, Y_IRIS, classes=[0, 1])


def test_warm_start_continues_and_cold_fit_restarts():
    clf = MLPClassifier(**dict(QUICK, epochs=5), warm_start=True).fit(X_IRIS, Y_IRIS)
    model, first_losses = clf.model_, list(clf.history_["loss"])
    clf.fit(X_IRIS, Y_IRIS)
    assert clf.model_ is model and len(clf.history_["loss"]) == 10
    assert clf.history_["loss"][:5] == first_losses
    assert clf.history_["loss"][5] < first_losses[0]
    clf.set_params(warm_start=False).fit(X_IRIS, Y_IRIS)
    assert clf.model_ is not model and clf.n_iter_ == 5


def test_dataframe_sets_feature_names_and_checks_them():
    frame = pd.DataFrame(X_IRIS, columns=["sl", "sw", "pl", "pw"])
    clf = MLPClassifier(**dict(QUICK, epochs=2)).fit(frame, Y_IRIS)
    assert clf.feature_names_in_.tolist() == ["sl", "sw", "pl", "pw"]
    with pytest.warns(UserWarning, match="does not have valid feature names"):
        from_array = clf.predict(X_IRIS)
    np.testing.assert_array_equal(clf.predict(frame), from_array)
    with pytest.raises(ValueError, match="feature names should match"):
        clf.predict(frame.rename(columns={"sl": "sepal"}))
    with pytest.warns(UserWarning), pytest.raises(ValueError, match="expecting 4 feat"):
        clf.predict(X_IRIS[:, :3])


def test_sparse_input_equals_dense():
    X_sparse = sp.csr_matrix(np.where(X_IRIS > 0, X_IRIS, 0.0))
    dense = MLPClassifier(**QUICK).fit(X_sparse.toarray(), Y_IRIS)
    for matrix in (X_sparse, X_sparse.tocsc(), sp.coo_array(X_sparse)):
        sparse = MLPClassifier(**QUICK).fit(matrix, Y_IRIS)
        np.testing.assert_allclose(
            sparse.predict_proba(matrix),
            dense.predict_proba(X_sparse.toarray()),
            rtol=1e-5,
        )


def test_lists_are_accepted():
    clf = MLPClassifier(**dict(QUICK, epochs=2)).fit(X_IRIS.tolist(), Y_IRIS.tolist())
    assert clf.predict(X_IRIS[:2].tolist()).shape == (2,)


def test_metrics_are_recorded():
    clf = MLPClassifier(**dict(QUICK, epochs=3), metrics=["accuracy"]).fit(
        X_IRIS, Y_IRIS
    )
    assert len(clf.history_["accuracy"]) == 3
    assert 0.0 <= clf.history_["accuracy"][-1] <= 1.0


def test_inputs_and_parameters_are_not_modified():
    X, y = X_IRIS.copy(), NAMES[Y_IRIS].copy()
    weights = np.ones(150)
    callbacks, hidden = [], [8]
    clf = MLPClassifier(hidden_layer_sizes=hidden, callbacks=callbacks, epochs=2)
    params = clf.get_params()
    clf.fit(X, y, sample_weight=weights)
    np.testing.assert_array_equal(X, X_IRIS)
    np.testing.assert_array_equal(y, NAMES[Y_IRIS])
    np.testing.assert_array_equal(weights, 1.0)
    assert clf.get_params() == params and hidden == [8] and callbacks == []
