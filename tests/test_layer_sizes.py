"""LayerSizes and layer_grid: the architectures a search chooses from."""

import pickle

import numpy as np
import pytest

from sklann.model_selection import LayerSizes, layer_grid


def draws(sizes, n=400, seed=0):
    return sizes.rvs(size=n, random_state=seed)


def test_draws_stay_within_the_bounds():
    for sizes in draws(LayerSizes(n_layers=(1, 4), units=(8, 64))):
        assert 1 <= len(sizes) <= 4
        assert all(isinstance(u, int) and 8 <= u <= 64 for u in sizes)


def test_every_layer_count_and_both_unit_bounds_are_drawn():
    sample = draws(LayerSizes(n_layers=(0, 2), units=(3, 5), log=False))
    assert {len(sizes) for sizes in sample} == {0, 1, 2}
    assert () in sample
    assert {u for sizes in sample for u in sizes} == {3, 4, 5}


def test_constant_shape_repeats_one_width():
    for sizes in draws(LayerSizes(n_layers=(2, 4), shape="constant")):
        assert len(set(sizes)) == 1


def test_pyramid_never_grows_from_the_input_side():
    sample = draws(LayerSizes(n_layers=(2, 5), units=(4, 512), shape="pyramid"))
    assert all(list(sizes) == sorted(sizes, reverse=True) for sizes in sample)
    assert any(len(set(sizes)) > 1 for sizes in sample)


def test_log_sampling_favours_small_widths_as_much_as_large():
    def share_below_100(log):
        sample = draws(LayerSizes(n_layers=(1, 1), units=(10, 1000), log=log), n=2000)
        return np.mean([sizes[0] < 100 for sizes in sample])

    # log-uniform: P(u < 100) = log(10) / log(100.1) ~ 0.5; uniform: 90 / 991
    assert share_below_100(log=True) == pytest.approx(0.5, abs=0.05)
    assert share_below_100(log=False) == pytest.approx(0.09, abs=0.03)


def test_draws_are_reproducible_and_pickle_round_trips():
    sizes = LayerSizes(n_layers=(1, 3), units=(16, 128), shape="pyramid")
    assert sizes.rvs(random_state=3) == sizes.rvs(random_state=3)
    assert draws(sizes, seed=1) != draws(sizes, seed=2)
    restored = pickle.loads(pickle.dumps(sizes))
    assert restored == sizes and draws(restored) == draws(sizes)
    assert repr(restored) == (
        "LayerSizes(n_layers=(1, 3), units=(16, 128), shape='pyramid', log=True)"
    )


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"n_layers": (3, 1)}, "n_layers must be a \\(lo, hi\\) pair"),
        ({"n_layers": (-1, 2)}, "n_layers"),
        ({"n_layers": 3}, "n_layers"),
        ({"units": (0, 8)}, "units"),
        ({"units": (4.5, 8)}, "units"),
        ({"shape": "diamond"}, "shape must be one of"),
        ({"log": "yes"}, "log must be True or False"),
    ],
)
def test_bad_arguments_are_named(kwargs, match):
    with pytest.raises(ValueError, match=match):
        LayerSizes(**kwargs)


def test_layer_grid_constant_and_pyramid():
    assert layer_grid(n_layers=[1, 2], units=[16, 32]) == [
        (32,),
        (16,),
        (32, 32),
        (16, 16),
    ]
    pyramid = layer_grid(n_layers=[0, 3], units=[8, 16], shape="pyramid")
    assert pyramid[0] == () and len(pyramid) == len(set(pyramid)) == 5
    assert all(list(sizes) == sorted(sizes, reverse=True) for sizes in pyramid)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"n_layers": [-1]}, "n_layers values must be integers >= 0"),
        ({"units": [0]}, "units values must be integers >= 1"),
        ({"units": []}, "at least one value"),
        ({"shape": "cube"}, "'shape' parameter of layer_grid must be"),
    ],
)
def test_layer_grid_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        layer_grid(**kwargs)
