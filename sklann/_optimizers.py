"""Build the Keras optimizer from the flat optimizer parameters."""

import inspect
import operator
from contextlib import contextmanager
from numbers import Real

import keras
import tensorflow as tf

OPTIMIZER_CLASSES = {
    "sgd": keras.optimizers.SGD,
    "adam": keras.optimizers.Adam,
    "adamw": keras.optimizers.AdamW,
    "nadam": keras.optimizers.Nadam,
    "rmsprop": keras.optimizers.RMSprop,
    "adagrad": keras.optimizers.Adagrad,
    "adadelta": keras.optimizers.Adadelta,
    "adamax": keras.optimizers.Adamax,
}


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
        ``weight_decay``, ``clipnorm``, ``clipvalue``, ``global_clipnorm``.
        Each is passed only to optimizers that take it (``momentum`` goes to
        SGD and RMSprop, ``nesterov`` to SGD) and only when not None.

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
    settings = {name: value for name, value in settings.items() if value is not None}
    kwargs = {**_accepted(optimizer_class, settings), **(routed or {})}
    return optimizer_class(**kwargs)


# The optimizer settings that 1cycle moves inversely to the learning rate.
MOMENTUM_SETTINGS = ("momentum", "beta_1")


def momentum_setting(optimizer):
    """The name of ``optimizer``'s momentum setting, or None if it has none.

    Examples
    --------
    >>> momentum_setting(keras.optimizers.Adam()), momentum_setting(
    ...     keras.optimizers.Adagrad())
    ('beta_1', None)
    """
    optimizer = getattr(optimizer, "inner_optimizer", optimizer)
    for name in MOMENTUM_SETTINGS:
        value = getattr(optimizer, name, None)
        if isinstance(value, Real) and value > 0:
            return name
    return None


class VariableSetting:
    """Stand-in for a float optimizer setting while a training step is traced.

    Keras optimizers keep settings such as ``momentum`` as Python floats, so a
    traced step would freeze them into the graph. While tracing, this object
    takes the float's place: arithmetic reads ``variable`` (a tensor), and
    comparisons made at trace time (``momentum > 0``) use the float.
    """

    def __init__(self, variable, value):
        self._variable = variable
        self._value = value

    def __tf_tensor__(self, dtype=None, name=None):
        tensor = tf.convert_to_tensor(self._variable)
        return tensor if dtype is None else tf.cast(tensor, dtype)

    def _binary(op, reflected=False):
        def method(self, other):
            tensor = self.__tf_tensor__()
            return op(other, tensor) if reflected else op(tensor, other)

        return method

    def _compare(op):
        def method(self, other):
            return op(self._value, other)

        return method

    __add__ = _binary(operator.add)
    __radd__ = _binary(operator.add, reflected=True)
    __sub__ = _binary(operator.sub)
    __rsub__ = _binary(operator.sub, reflected=True)
    __mul__ = _binary(operator.mul)
    __rmul__ = _binary(operator.mul, reflected=True)
    __truediv__ = _binary(operator.truediv)
    __rtruediv__ = _binary(operator.truediv, reflected=True)
    __eq__ = _compare(operator.eq)
    __ne__ = _compare(operator.ne)
    __gt__ = _compare(operator.gt)
    __ge__ = _compare(operator.ge)
    __lt__ = _compare(operator.lt)
    __le__ = _compare(operator.le)
    __hash__ = None


@contextmanager
def setting_from_variable(optimizer, name, variable):
    """Make steps traced inside this block read ``optimizer.<name>`` from ``variable``.

    The float setting is restored on exit, so the optimizer's config and
    serialization are unchanged; the traced steps keep reading the variable.
    """
    optimizer = getattr(optimizer, "inner_optimizer", optimizer)
    value = getattr(optimizer, name)
    setattr(optimizer, name, VariableSetting(variable, value))
    try:
        yield
    finally:
        setattr(optimizer, name, value)


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


def skip_single_replica_all_reduce(optimizer):
    """Stop ``optimizer`` from all-reducing gradients when nothing is distributed.

    Keras's TensorFlow optimizer sums gradients across replicas with
    ``ReplicaContext.all_reduce`` even on a single device, where it is the
    identity. In graph mode that op registers a custom gradient in
    TensorFlow's global gradient registry, which is never cleared and keeps
    the whole traced training graph alive: about 9 MB per network traced,
    for the life of the process. Outside a ``tf.distribute`` strategy the
    step is skipped; inside one, the optimizer is left as it is.
    """
    if tf.distribute.has_strategy():
        return
    for part in (optimizer, getattr(optimizer, "inner_optimizer", None)):
        if part is not None and hasattr(part, "_all_reduce_sum_gradients"):
            part._all_reduce_sum_gradients = _unchanged


def _unchanged(grads_and_vars):
    return list(grads_and_vars)
