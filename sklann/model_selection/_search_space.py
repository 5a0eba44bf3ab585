"""A ready random-search space for the common MLP hyperparameters."""

from scipy.stats import loguniform, uniform

from .._compat import validate_params
from ._layer_sizes import LayerSizes


@validate_params(
    {"prefix": [str], "n_layers": ["array-like"], "units": ["array-like"]},
    prefer_skip_nested_validation=True,
)
def search_space(prefix="", *, n_layers=(1, 4), units=(16, 256)):
    """Distributions for ``RandomizedSearchCV`` over the knobs that matter most.

    The ranges follow the practitioners' guidance in the user guide:

    ============================  ===============================================
    parameter                     values
    ============================  ===============================================
    ``hidden_layer_sizes``        ``LayerSizes(n_layers, units, "pyramid")``
    ``activation``                relu, elu, selu (with ``kernel_initializer=
                                  "auto"``: Glorot, LeCun for selu)
    ``batch_normalization``       off, or before each activation
    ``dropout``                   uniform on [0, 0.5] (AlphaDropout with selu)
    ``l2``                        log-uniform on [1e-6, 1e-2]
    ``optimizer``                 adam, nadam, rmsprop, sgd (momentum 0.9,
                                  Nesterov)
    ``learning_rate``             log-uniform on [1e-4, 1e-2]
    ``lr_schedule``               constant, exponential, one_cycle
    ``batch_size``                32, 64, 128, 256
    ============================  ===============================================

    Parameters
    ----------
    prefix : str, default=""
        Put before every name: for a pipeline step, its name and ``"__"``,
        such as ``"mlpclassifier__"``.
    n_layers : (int, int), default=(1, 4)
        Fewest and most hidden layers.
    units : (int, int), default=(16, 256)
        Fewest and most units per layer.

    Returns
    -------
    dict
        A new dict on each call: edit it freely (drop a key to keep the
        estimator's own value, or replace a range).

    Examples
    --------
    >>> from sklearn.model_selection import ParameterSampler
    >>> from sklann.model_selection import search_space
    >>> space = search_space(prefix="mlpclassifier__")
    >>> sorted(space)[:2]
    ['mlpclassifier__activation', 'mlpclassifier__batch_normalization']
    >>> draw = next(iter(ParameterSampler(space, n_iter=1, random_state=0)))
    >>> bool(1e-4 <= draw["mlpclassifier__learning_rate"] <= 1e-2)
    True
    """
    space = {
        "hidden_layer_sizes": LayerSizes(
            n_layers=n_layers, units=units, shape="pyramid"
        ),
        "activation": ["relu", "elu", "selu"],
        "batch_normalization": [False, "before"],
        "dropout": uniform(0.0, 0.5),
        "l2": loguniform(1e-6, 1e-2),
        "optimizer": ["adam", "nadam", "rmsprop", "sgd"],
        "learning_rate": loguniform(1e-4, 1e-2),
        "lr_schedule": ["constant", "exponential", "one_cycle"],
        "batch_size": [32, 64, 128, 256],
    }
    return prefixed(space, prefix)


def prefixed(params, prefix):
    """``params`` with ``prefix`` before every name; refuse a malformed prefix."""
    if not isinstance(prefix, str) or (prefix and not prefix.endswith("__")):
        raise ValueError(
            f"prefix must be '' or a pipeline step name followed by '__' "
            f"(such as 'mlpclassifier__'); got {prefix!r}."
        )
    return {prefix + name: values for name, values in params.items()}
