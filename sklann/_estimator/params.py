"""Parameter vocabularies and constraints shared by both estimators.

The constraints are checked at ``fit`` through scikit-learn's
``_parameter_constraints`` mechanism; :func:`validate_cross_parameters` adds
the rules that involve more than one parameter or look inside a value.
"""

from numbers import Integral, Real

import keras

from .._compat import HasMethods, Interval, Options, StrOptions
from .._network.activations import HIDDEN_ACTIVATIONS
from .._network.spec import INITIALIZER_CLASSES
from .._training.losses import REGRESSION_LOSSES
from .._training.optimizers import OPTIMIZER_CLASSES
from .._training.schedules import DROPOUT_SCHEDULES, SCHEDULES
from .names import Names, canonical_name

# The activation parameter's vocabulary (the registry is _network.activations).
ACTIVATIONS = HIDDEN_ACTIVATIONS

INITIALIZERS = (*INITIALIZER_CLASSES, "zeros")

OPTIMIZERS = tuple(OPTIMIZER_CLASSES)


# Classifier losses by name: "auto" picks the cross-entropy of the target;
# the Keras names are accepted where they fit it (see MLPClassifier._loss_name).
CLASSIFICATION_LOSSES = ("auto", "binary_crossentropy", "categorical_crossentropy")

# Other spellings from Keras (2 and 3) and scikit-learn, by parameter. Case
# and underscores are ignored on top of these (see sklann._estimator.names).
ALIASES = {
    # scikit-learn's names too: its MLP says "logistic" and "identity"
    "activation": {
        "silu": "swish",
        "leaky": "leaky_relu",
        "logistic": "sigmoid",
        "identity": "linear",
    },
    # keras.initializers.get's own aliases, which Keras 2 articles use
    "kernel_initializer": {
        "uniform": "random_uniform",
        "normal": "random_normal",
        "zero": "zeros",
    },
    "lr_schedule": {
        "exponential_decay": "exponential",
        "inverse_time_decay": "inverse_time",
        "cosine_decay": "cosine",
        "cosine_decay_restarts": "cosine_restarts",
        "sgdr": "cosine_restarts",
        "1cycle": "one_cycle",
        "reduce_lr_on_plateau": "plateau",
    },
    "classifier_loss": {
        "sparse_categorical_crossentropy": "categorical_crossentropy",
        "log_loss": "auto",
    },
    "regressor_loss": {
        "mse": "squared_error",
        "mean_squared_error": "squared_error",
        "mae": "absolute_error",
        "mean_absolute_error": "absolute_error",
        "huber_loss": "huber",
    },
}

CLIPPING_PARAMETERS = ("clipnorm", "clipvalue", "global_clipnorm")

PRECISIONS = ("float32", "float64", "mixed_float16", "mixed_bfloat16")

# Schedules whose lr_decay_rate is a factor or a fraction, so at most 1.
FACTOR_SCHEDULES = tuple(name for name in SCHEDULES if name != "inverse_time")

# The default of learning_rate: left at it, it gives way to a Keras schedule.
DEFAULT_LEARNING_RATE = 1e-3

# Keras's optimizer arguments of the weights' moving average (flat: ema_momentum).
EMA_OPTIONS = ("use_ema", "ema_momentum")

# Prefixes of the scikeras-style routed parameters, e.g. ``optimizer__beta_1``.
ROUTING_PREFIXES = ("optimizer", "loss", "callbacks", "metrics")

_positive_or_none = [Interval(Real, 0, None, closed="neither"), None]
_rate = [Interval(Real, 0, 1, closed="left")]
_penalty = [Interval(Real, 0, None, closed="left")]

SHARED_CONSTRAINTS = {
    "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
    "activation": [Names(ACTIVATIONS, ALIASES["activation"])],
    "kernel_initializer": [
        Names({"auto", *INITIALIZERS}, ALIASES["kernel_initializer"])
    ],
    "batch_normalization": [StrOptions({"before", "after"}), Options(bool, {False})],
    "dropout": _rate,
    "input_dropout": _rate,
    "dropout_schedule": [StrOptions(set(DROPOUT_SCHEDULES))],
    "l1": _penalty,
    "l2": _penalty,
    "max_norm": _positive_or_none,
    "numerical_embedding": [StrOptions({"periodic"}), None],
    "embedding_dim": [Interval(Integral, 1, None, closed="left")],
    "embedding_frequencies": [Interval(Integral, 1, None, closed="left")],
    "embedding_scale": [Interval(Real, 0, None, closed="neither")],
    "feature_scaling": ["boolean"],
    "n_ensemble": [Interval(Integral, 1, None, closed="left")],
    "optimizer": [
        Names((*OPTIMIZERS, "lbfgs")),
        HasMethods(["apply_gradients", "get_config"]),
        callable,
    ],
    "learning_rate": [Interval(Real, 0, None, closed="neither")],
    "momentum": [Interval(Real, 0, 1, closed="both")],
    "nesterov": ["boolean"],
    "weight_decay": [Interval(Real, 0, None, closed="left"), None],
    "clipnorm": _positive_or_none,
    "clipvalue": _positive_or_none,
    "global_clipnorm": _positive_or_none,
    "ema_momentum": [Interval(Real, 0, 1, closed="neither"), None],
    "lr_schedule": [
        Names(SCHEDULES, ALIASES["lr_schedule"]),
        keras.optimizers.schedules.LearningRateSchedule,
        callable,
    ],
    "lr_decay_rate": [Interval(Real, 0, None, closed="neither")],
    "lr_decay_epochs": [
        Interval(Real, 0, None, closed="neither"),
        StrOptions({"auto"}),
    ],
    "lr_warmup_epochs": [Interval(Integral, 0, None, closed="left")],
    "epochs": [Interval(Integral, 1, None, closed="left")],
    "max_fun": [Interval(Integral, 1, None, closed="left")],
    "batch_size": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left")],
    "early_stopping": ["boolean", StrOptions({"auto"})],
    "validation_split": [Interval(Real, 0, 1, closed="neither"), None],
    "patience": [Interval(Integral, 1, None, closed="left"), None],
    "tol": [Interval(Real, 0, None, closed="left")],
    "shuffle": ["boolean"],
    "callbacks": [list, keras.callbacks.Callback, None],
    "metrics": [list, None],
    "precision": [Names(PRECISIONS)],
    "random_state": ["random_state"],
    "verbose": ["verbose"],
    "warm_start": ["boolean"],
}

_keras_loss = [keras.losses.Loss, callable]

CLASSIFIER_CONSTRAINTS = {
    **SHARED_CONSTRAINTS,
    "loss": [Names(CLASSIFICATION_LOSSES, ALIASES["classifier_loss"]), *_keras_loss],
    "class_weight": [dict, StrOptions({"balanced"}), None],
    "label_smoothing": _rate,
}

REGRESSOR_CONSTRAINTS = {
    **SHARED_CONSTRAINTS,
    "standardize_target": ["boolean"],
    "loss": [
        Names({"auto", *REGRESSION_LOSSES}, ALIASES["regressor_loss"]),
        *_keras_loss,
    ],
}


def is_integer(value):
    """Whether ``value`` is an integer (Python or NumPy), and not a bool.

    Examples
    --------
    >>> is_integer(3), is_integer(True), is_integer(2.0)
    (True, False, False)
    """
    return isinstance(value, Integral) and not isinstance(value, bool)


def normalize_layer_sizes(hidden_layer_sizes):
    """Return ``hidden_layer_sizes`` as a tuple of positive Python ints.

    Parameters
    ----------
    hidden_layer_sizes : int or array-like of int
        One size per hidden layer; a single int means one hidden layer.

    Returns
    -------
    tuple of int

    Raises
    ------
    ValueError
        If an entry is not a positive integer.

    Examples
    --------
    >>> normalize_layer_sizes([64, 32])
    (64, 32)
    >>> normalize_layer_sizes(10)
    (10,)
    """
    if isinstance(hidden_layer_sizes, Integral):
        hidden_layer_sizes = (hidden_layer_sizes,)
    sizes = tuple(hidden_layer_sizes)
    for size in sizes:
        if not is_integer(size) or size < 1:
            raise ValueError(
                "hidden_layer_sizes must contain positive integers, one per hidden "
                f"layer; got {hidden_layer_sizes!r}."
            )
    return tuple(int(size) for size in sizes)


def validate_cross_parameters(params, constraints):
    """Check the rules that ``_parameter_constraints`` cannot express.

    Parameters
    ----------
    params : dict
        The estimator's ``get_params(deep=False)``, routed parameters included.
    constraints : dict
        The estimator's ``_parameter_constraints``.

    Raises
    ------
    ValueError
        If more than one clipping option is set, ``hidden_layer_sizes`` has a
        non-positive entry, ``lr_decay_rate`` exceeds 1 for a schedule that
        uses it as a factor, or ``learning_rate`` is set beside a Keras
        ``LearningRateSchedule`` (which sets the rate itself).
    TypeError
        If a parameter is neither a constructor parameter nor routed with one of
        the known prefixes (``optimizer__``, ``callbacks__``, ...).
    """
    normalize_layer_sizes(params["hidden_layer_sizes"])
    clipping = [name for name in CLIPPING_PARAMETERS if params[name] is not None]
    if len(clipping) > 1:
        raise ValueError(
            "At most one of clipnorm, clipvalue and global_clipnorm may be set; "
            f"got {', '.join(f'{name}={params[name]!r}' for name in clipping)}."
        )
    schedule = canonical_name(constraints["lr_schedule"], params["lr_schedule"])
    rate = params["lr_decay_rate"]
    if isinstance(schedule, str) and schedule in FACTOR_SCHEDULES and rate > 1:
        raise ValueError(
            f"lr_decay_rate must be in (0, 1] for lr_schedule={schedule!r}, where "
            f"it is a factor; got {rate!r}."
        )
    _check_schedule_object(schedule, params["learning_rate"])
    _check_optimizer_object(params["optimizer"], params["learning_rate"])
    _check_ema(params)
    for name in params:
        if name not in constraints and name.split("__", 1)[0] not in ROUTING_PREFIXES:
            raise TypeError(
                f"Unknown parameter {name!r}: it is not a constructor parameter, and "
                "routed parameters must start with one of "
                f"{', '.join(p + '__' for p in ROUTING_PREFIXES)}."
            )


def _check_schedule_object(schedule, learning_rate):
    """A Keras schedule sets the rate itself; refuse a learning_rate it would hide."""
    keras_schedule = isinstance(
        schedule, keras.optimizers.schedules.LearningRateSchedule
    )
    if keras_schedule and learning_rate != DEFAULT_LEARNING_RATE:
        start = float(keras.ops.convert_to_numpy(schedule(0)))
        raise ValueError(
            f"learning_rate={learning_rate!r} would have no effect: "
            f"lr_schedule={type(schedule).__name__}(...) sets the rate of every "
            f"step itself ({start:.3g} at the first). Give the rate to the "
            "schedule (its initial_learning_rate) and leave learning_rate at its "
            f"default ({DEFAULT_LEARNING_RATE}), or use a named schedule, which "
            "learning_rate scales: lr_schedule='exponential', 'cosine', ..."
        )


def _check_ema(params):
    """One way to set the weights' moving average: refuse a second, hidden one."""
    ema_momentum = params["ema_momentum"]
    if ema_momentum is None:
        return
    optimizer = params["optimizer"]
    if isinstance(optimizer, keras.optimizers.Optimizer):
        name = type(optimizer).__name__
        raise ValueError(
            f"ema_momentum={ema_momentum!r} would have no effect: the optimizer "
            f"instance {name}(...) keeps its own settings. Pass "
            f"optimizer={name.lower()!r} by name with ema_momentum, or build the "
            f"instance with use_ema=True, ema_momentum={ema_momentum!r}."
        )
    routed = [
        f"optimizer__{name}" for name in EMA_OPTIONS if f"optimizer__{name}" in params
    ]
    if routed:
        raise ValueError(
            f"ema_momentum={ema_momentum!r} and {' and '.join(routed)} both set "
            "the weights' moving average. Set it once: ema_momentum (sklann's "
            "flat parameter), or Keras's use_ema and ema_momentum on the "
            "optimizer alone."
        )


def _check_optimizer_object(optimizer, learning_rate):
    """An optimizer instance brings its rate; refuse another learning_rate."""
    if not isinstance(optimizer, keras.optimizers.Optimizer):
        return
    own = optimizer.get_config()["learning_rate"]
    if isinstance(own, Real) and learning_rate not in (DEFAULT_LEARNING_RATE, own):
        raise ValueError(
            f"learning_rate={learning_rate!r} would have no effect: the optimizer "
            f"instance {type(optimizer).__name__}(learning_rate={own!r}) brings "
            "its own rate. Set one of them: optimizer="
            f"{type(optimizer).__name__.lower()!r} with learning_rate, or the "
            "instance's learning_rate."
        )
