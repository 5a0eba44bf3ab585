"""Hidden-layer architectures to search over: a distribution and a grid.

``hidden_layer_sizes`` is one tuple, so a search needs whole tuples to choose
from. :class:`LayerSizes` draws them for ``RandomizedSearchCV`` (anything
with an ``rvs`` method is sampled); :func:`layer_grid` lists them for
``GridSearchCV``.
"""

import itertools

import numpy as np
from sklearn.utils import check_random_state

from .._compat import StrOptions, validate_params
from .._estimator.params import is_integer

SHAPES = ("constant", "pyramid")


def _check_range(name, bounds, lowest):
    """``bounds`` as a ``(lo, hi)`` pair of ints with ``lowest <= lo <= hi``."""
    valid = (
        isinstance(bounds, tuple | list)
        and len(bounds) == 2
        and all(is_integer(b) for b in bounds)
        and lowest <= bounds[0] <= bounds[1]
    )
    if not valid:
        raise ValueError(
            f"{name} must be a (lo, hi) pair of integers with {lowest} <= lo <= hi; "
            f"got {bounds!r}."
        )
    return int(bounds[0]), int(bounds[1])


def _check_shape(shape):
    if shape not in SHAPES:
        raise ValueError(f"shape must be one of {SHAPES}; got {shape!r}.")
    return shape


class LayerSizes:
    """A distribution of ``hidden_layer_sizes`` tuples for randomized searches.

    Each draw picks a number of hidden layers uniformly from ``n_layers``,
    then the units of each layer from ``units``.

    Parameters
    ----------
    n_layers : (int, int), default=(1, 3)
        Fewest and most hidden layers, both included. 0 is allowed: ``()``
        is a network without hidden layers (a linear or logistic model).
    units : (int, int), default=(16, 256)
        Fewest and most units of a layer, both included.
    shape : {"constant", "pyramid"}, default="constant"
        ``"constant"``: every layer has the same (drawn) width.
        ``"pyramid"``: each layer's width is drawn, and the widths are sorted
        so that they never grow from the input side to the output.
    log : bool, default=True
        Draw units log-uniformly (as many 16-32 as 128-256 unit layers), the
        usual choice for sizes; False draws them uniformly.

    Examples
    --------
    >>> from sklann.model_selection import LayerSizes
    >>> sizes = LayerSizes(n_layers=(2, 3), units=(16, 256), shape="pyramid")
    >>> sizes
    LayerSizes(n_layers=(2, 3), units=(16, 256), shape='pyramid', log=True)
    >>> draw = sizes.rvs(random_state=0)
    >>> 2 <= len(draw) <= 3 and list(draw) == sorted(draw, reverse=True)
    True
    >>> len(sizes.rvs(size=5, random_state=0))
    5
    """

    def __init__(self, n_layers=(1, 3), units=(16, 256), shape="constant", log=True):
        self.n_layers = _check_range("n_layers", n_layers, lowest=0)
        self.units = _check_range("units", units, lowest=1)
        self.shape = _check_shape(shape)
        if not isinstance(log, bool):
            raise ValueError(f"log must be True or False; got {log!r}.")
        self.log = log

    def rvs(self, size=None, random_state=None):
        """Draw one tuple of layer sizes, or a list of ``size`` tuples.

        Parameters
        ----------
        size : int, default=None
            None for a single tuple.
        random_state : int, RandomState instance or None, default=None

        Returns
        -------
        tuple of int, or list of tuples
        """
        rng = check_random_state(random_state)
        if size is None:
            return self._draw(rng)
        return [self._draw(rng) for _ in range(size)]

    def _draw(self, rng):
        n_layers = int(rng.randint(self.n_layers[0], self.n_layers[1] + 1))
        widths = self._units(rng, 1 if self.shape == "constant" else n_layers)
        if self.shape == "constant":
            return tuple(widths) * n_layers
        return tuple(sorted(widths, reverse=True))

    def _units(self, rng, count):
        lo, hi = self.units
        if not self.log:
            return [int(u) for u in rng.randint(lo, hi + 1, size=count)]
        # log-uniform over [lo, hi + 1), floored: integer k has probability
        # proportional to log((k + 1) / k).
        draws = np.exp(rng.uniform(np.log(lo), np.log(hi + 1), size=count))
        return [min(int(u), hi) for u in draws]

    def __repr__(self):
        return (
            f"LayerSizes(n_layers={self.n_layers}, units={self.units}, "
            f"shape={self.shape!r}, log={self.log})"
        )

    def __eq__(self, other):
        return type(other) is type(self) and vars(other) == vars(self)

    __hash__ = None


@validate_params(
    {
        "n_layers": ["array-like"],
        "units": ["array-like"],
        "shape": [StrOptions(set(SHAPES))],
    },
    prefer_skip_nested_validation=True,
)
def layer_grid(n_layers=(1, 2), units=(32, 64, 128), shape="constant"):
    """List ``hidden_layer_sizes`` tuples for ``GridSearchCV``.

    Parameters
    ----------
    n_layers : iterable of int, default=(1, 2)
        The numbers of hidden layers; 0 gives ``()``.
    units : iterable of int, default=(32, 64, 128)
        The layer widths to combine.
    shape : {"constant", "pyramid"}, default="constant"
        ``"constant"``: one width for all layers, ``(u,) * n``.
        ``"pyramid"``: every combination of the widths that never grows
        from the input side to the output.

    Returns
    -------
    list of tuple of int
        Without repeats, by number of layers, then widest first.

    Examples
    --------
    >>> from sklann.model_selection import layer_grid
    >>> layer_grid(n_layers=[0, 1, 2], units=[64, 32])
    [(), (64,), (32,), (64, 64), (32, 32)]
    >>> layer_grid(n_layers=[2], units=[32, 64, 128], shape="pyramid")
    [(128, 128), (128, 64), (128, 32), (64, 64), (64, 32), (32, 32)]
    """
    counts = [_check_count("n_layers", n, lowest=0) for n in n_layers]
    widths = sorted({_check_count("units", u, lowest=1) for u in units}, reverse=True)
    if not counts or not widths:
        raise ValueError("layer_grid needs at least one value of n_layers and units.")
    grid = []
    for n in sorted(set(counts)):
        if shape == "constant":
            candidates = [(width,) * n for width in widths]
        else:
            candidates = list(itertools.combinations_with_replacement(widths, n))
        grid.extend(c for c in candidates if c not in grid)
    return grid


def _check_count(name, value, lowest):
    if not is_integer(value) or value < lowest:
        raise ValueError(f"{name} values must be integers >= {lowest}; got {value!r}.")
    return int(value)
