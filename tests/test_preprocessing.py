"""RobustSmoothClipScaler: RealMLP's robust scaling with smooth clipping."""

import numpy as np
import pytest
from sklearn.preprocessing import RobustScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from sklann.preprocessing import RobustSmoothClipScaler


@parametrize_with_checks([RobustSmoothClipScaler()])
def test_scikit_learn_estimator_checks(estimator, check):
    check(estimator)


def _heavy_tailed(seed=0):
    rng = np.random.default_rng(seed)
    return np.column_stack([rng.standard_cauchy(500), rng.normal(5.0, 2.0, 500)])


def test_without_clipping_it_is_scikit_learns_robust_scaler():
    X = _heavy_tailed()
    np.testing.assert_allclose(
        RobustSmoothClipScaler(clip=None).fit_transform(X),
        RobustScaler().fit_transform(X),
    )


def test_clipping_is_smooth_bounded_and_keeps_order():
    X = _heavy_tailed()
    scaled = RobustScaler().fit_transform(X)
    clipped = RobustSmoothClipScaler(clip=3.0).fit_transform(X)
    np.testing.assert_allclose(clipped, scaled / np.sqrt(1 + (scaled / 3.0) ** 2))
    assert np.abs(clipped).max() < 3.0
    assert np.abs(scaled).max() > 30  # the Cauchy column has real outliers
    for column in range(2):
        order = np.argsort(X[:, column], kind="stable")
        assert np.all(np.diff(clipped[order, column]) >= 0)


def test_inverse_transform_recovers_the_features():
    X = _heavy_tailed()[:50]
    scaler = RobustSmoothClipScaler().fit(X)
    np.testing.assert_allclose(scaler.inverse_transform(scaler.transform(X)), X)


def test_degenerate_columns_fall_back_to_half_the_range_then_one():
    X = np.array([[1.0, 4.0, 7.0]] * 4 + [[3.0, 4.0, 7.0]])
    X[:, 2] = np.nan
    scaler = RobustSmoothClipScaler().fit(X)
    np.testing.assert_array_equal(scaler.scale_, [1.0, 1.0, 1.0])  # 0.5 * (3 - 1)
    np.testing.assert_array_equal(scaler.center_, [1.0, 4.0, 0.0])
    transformed = scaler.transform(X)
    assert np.isnan(transformed[:, 2]).all()
    np.testing.assert_array_equal(transformed[:, 1], 0.0)


def test_bad_quantile_range_is_refused_by_name():
    with pytest.raises(ValueError, match=r"quantile_range must be \(q_min, q_max\)"):
        RobustSmoothClipScaler(quantile_range=(75.0, 25.0)).fit(_heavy_tailed())


def test_input_is_not_modified():
    X = _heavy_tailed()
    before = X.copy()
    RobustSmoothClipScaler().fit(X).transform(X)
    np.testing.assert_array_equal(X, before)
