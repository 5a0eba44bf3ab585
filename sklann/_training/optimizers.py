"""Build the Keras optimizer from the flat optimizer parameters."""

import functools
import inspect
from numbers import Real

import keras

from .optimizer_steps import OPTIMIZERS
from .updates import UpdateRule

# The Keras class of every optimizer name (the registry is OPTIMIZERS).
OPTIMIZER_CLASSES = {name: entry.keras_class for name, entry in OPTIMIZERS.items()}


def _accepted(optimizer_class, settings):
    """Keep the settings that ``optimizer_class`` takes as arguments."""
    accepted = inspect.signature(optimizer_class.__init__).parameters
    return {name: value for name, value in settings.items() if name in accepted}


def build_optimizer(optimizer, *, routed=None, **settings):
    """Return a new Keras optimizer for one fit.

    Parameters
    ----------
    optimizer : str, keras.optimizers.Optimizer subclass or instance
        A name from :data:`OPTIMIZER_CLASSES`, an optimizer class, or an
        instance. An instance is copied from its config, with its own settings;
        the caller's object is never used for training.
    routed : dict, default=None
        Extra constructor arguments (``optimizer__beta_1=0.8`` routes
        ``beta_1``); they override the flat settings.
    **settings
        The flat settings: ``learning_rate``, ``momentum``, ``nesterov``,
        ``weight_decay``, ``clipnorm``, ``clipvalue``, ``global_clipnorm``,
        ``ema_momentum``. Each is passed only to optimizers that take it
        (``momentum`` goes to SGD and RMSprop, ``nesterov`` to SGD) and only
        when not None; ``ema_momentum`` turns on Keras's ``use_ema``.

    Returns
    -------
    keras.optimizers.Optimizer

    Raises
    ------
    TypeError
        If ``optimizer`` is a class that is not a Keras optimizer.

    Examples
    --------
    >>> opt = build_optimizer("sgd", learning_rate=0.01, momentum=0.9,
    ...                       nesterov=True, clipnorm=1.0)
    >>> type(opt).__name__, opt.nesterov, opt.clipnorm
    ('SGD', True, 1.0)
    >>> opt = build_optimizer("adam", ema_momentum=0.999)
    >>> opt.use_ema, opt.ema_momentum
    (True, 0.999)
    """
    if isinstance(optimizer, keras.optimizers.Optimizer):
        return type(optimizer).from_config(optimizer.get_config())
    optimizer_class = OPTIMIZER_CLASSES.get(optimizer, optimizer)
    if not (
        inspect.isclass(optimizer_class)
        and issubclass(optimizer_class, keras.optimizers.Optimizer)
    ):
        raise TypeError(
            "optimizer must be one of "
            f"{', '.join(map(repr, OPTIMIZER_CLASSES))}, a keras.optimizers.Optimizer "
            f"subclass or instance; got {optimizer!r}."
        )
    settings = {
        name: float(value) if _number(value) else value
        for name, value in settings.items()
        if value is not None
    }
    if "ema_momentum" in settings:
        settings["use_ema"] = True
    kwargs = {**_accepted(optimizer_class, settings), **(routed or {})}
    return optimizer_class(**_floats_where_expected(optimizer_class, kwargs))


def _number(value):
    return isinstance(value, Real) and not isinstance(value, bool)


def _floats_where_expected(optimizer_class, kwargs):
    """Integers as floats where the argument's default is a float.

    Keras refuses ``learning_rate=1`` or ``momentum=0`` ("should be float");
    scikit-learn users write them, and sklann's checks accept them.
    """
    defaults = inspect.signature(optimizer_class.__init__).parameters
    return {
        name: (
            float(value)
            if name in defaults
            and isinstance(defaults[name].default, float)
            and _number(value)
            else value
        )
        for name, value in kwargs.items()
    }


def update_rule(optimizer, precision, *, routed=None, **settings):
    """The graph update step (:mod:`sklann._training.updates`) of the parameters.

    Parameters
    ----------
    optimizer, routed, **settings
        As for :func:`build_optimizer`, which gives the Keras optimizer whose
        class picks the update and whose config gives its settings.
    precision : str
        ``"mixed_float16"`` adds Keras's dynamic loss scaling.

    Returns
    -------
    UpdateRule

    Raises
    ------
    TypeError
        If ``optimizer`` is not one of the eight Keras optimizers sklann
        implements (a subclass of one is not: its update may differ).

    Examples
    --------
    >>> rule = update_rule("sgd", "float32", momentum=0.9)
    >>> rule.momentum_name, rule.base_momentum
    ('momentum', 0.9)
    """
    optimizer_class, config = _config(optimizer, routed or {}, settings)
    names = {cls: name for name, cls in OPTIMIZER_CLASSES.items()}
    name = names.get(optimizer_class)
    if name is None:
        raise TypeError(
            f"sklann trains with its own implementation of Keras's "
            f"{', '.join(OPTIMIZER_CLASSES)} optimizers; "
            f"{optimizer_class.__name__} is not one of them. Pass one of those "
            "names (with optimizer__* settings), or an instance of one of "
            "those classes."
        )
    if not isinstance(config["learning_rate"], Real):
        base_learning_rate(optimizer, None)  # raises: the instance's own schedule
    return UpdateRule(name, config, loss_scaling=precision == "mixed_float16")


def _config(optimizer, routed, settings):
    """The class and config of ``build_optimizer``'s optimizer (cached for names)."""
    if isinstance(optimizer, keras.optimizers.Optimizer):
        return type(optimizer), optimizer.get_config()
    key = (optimizer, tuple(sorted(routed.items())), tuple(sorted(settings.items())))
    try:
        optimizer_class, config = _cached_config(key)
    except TypeError:  # unhashable routed values: build it every time
        built = build_optimizer(optimizer, routed=routed, **settings)
        return type(built), built.get_config()
    return optimizer_class, dict(config)


@functools.lru_cache(maxsize=256)
def _cached_config(key):
    optimizer, routed, settings = key
    built = build_optimizer(optimizer, routed=dict(routed), **dict(settings))
    return type(built), built.get_config()


def base_learning_rate(optimizer, learning_rate):
    """The rate that schedules start from: an instance's own, else ``learning_rate``.

    Raises
    ------
    ValueError
        If an optimizer instance carries its own learning-rate schedule:
        sklann schedules the rate itself (``lr_schedule``).

    Examples
    --------
    >>> base_learning_rate("adam", 0.01)
    0.01
    >>> base_learning_rate(keras.optimizers.SGD(learning_rate=0.5), 0.01)
    0.5
    """
    if not isinstance(optimizer, keras.optimizers.Optimizer):
        return learning_rate
    own_rate = optimizer.get_config()["learning_rate"]
    if not isinstance(own_rate, Real):
        raise ValueError(
            f"The optimizer instance {optimizer!r} has a learning-rate schedule; "
            "pass the schedule as lr_schedule instead, and the optimizer with a "
            "constant learning rate."
        )
    return float(own_rate)
