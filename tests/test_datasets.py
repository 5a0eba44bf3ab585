"""The bundled UCI data sets load with the documented shapes and targets."""

import pytest

from sklann import datasets

EXPECTED = [
    ("load_pima", {}, (768, 8), {0: 500, 1: 268}),
    ("load_sonar", {}, (208, 60), {"M": 111, "R": 97}),
    ("load_ionosphere", {}, (351, 34), {"g": 225, "b": 126}),
    ("load_banknote", {}, (1372, 4), {0: 762, 1: 610}),
    ("load_mammography", {}, (11183, 6), {0: 10923, 1: 260}),
    ("load_adult", {}, (32561, 14), {"<=50K": 24720, ">50K": 7841}),
    ("load_adult", {"subset": "test"}, (16281, 14), {"<=50K": 12435, ">50K": 3846}),
    ("load_wine_quality", {}, (4898, 11), None),
    ("load_wine_quality", {"color": "red"}, (1599, 11), None),
    ("load_abalone", {}, (4177, 8), None),
]


@pytest.mark.parametrize("loader, kwargs, shape, counts", EXPECTED)
def test_shapes_and_class_counts(loader, kwargs, shape, counts):
    X, y = getattr(datasets, loader)(**kwargs)
    assert X.shape == shape and len(y) == shape[0]
    if counts is not None:
        assert y.value_counts().to_dict() == counts


def test_adult_keeps_categories_and_missing_values():
    X, _ = datasets.load_adult()
    assert X["workclass"].isna().sum() == 1836
    assert X["sex"].unique().tolist() == ["Male", "Female"]


def test_regression_targets():
    _, quality = datasets.load_wine_quality()
    _, rings = datasets.load_abalone()
    assert quality.between(3, 9).all() and rings.between(1, 29).all()


@pytest.mark.parametrize(
    "loader, kwargs, match",
    [
        ("load_adult", {"subset": "dev"}, "subset"),
        ("load_wine_quality", {"color": "rose"}, "color"),
    ],
)
def test_bad_choices_are_named(loader, kwargs, match):
    with pytest.raises(ValueError, match=match):
        getattr(datasets, loader)(**kwargs)
