"""The check each saved network feature shares: save, load and pickle keep it."""

import pickle

import numpy as np

import sklann


def assert_save_and_pickle_keep(estimator, X, tmp_path):
    """Assert that ``sklann.save``/``load`` and a pickle round trip give
    ``estimator``'s probabilities on ``X`` exactly; return the loaded copy."""
    path = tmp_path / "model.sklann"
    sklann.save(estimator, path)
    loaded = sklann.load(path)
    expected = estimator.predict_proba(X)
    np.testing.assert_array_equal(loaded.predict_proba(X), expected)
    unpickled = pickle.loads(pickle.dumps(estimator))
    np.testing.assert_array_equal(unpickled.predict_proba(X), expected)
    return loaded
