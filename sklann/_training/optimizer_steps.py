"""The eight Keras optimizers' update formulas, and the one table of them.

Each optimizer is Keras's own ``update_step`` written over plain tensors:
``scalars`` computes the step's scalars once, ``update`` updates one
variable with them (see :mod:`sklann._training.updates`, which applies
clipping, weight decay, the constraints and loss scaling around them).
:data:`OPTIMIZERS` is the registry of optimizer names: a new optimizer is an
entry here (and a line in the docs).
"""

from dataclasses import dataclass, replace

import keras
import tensorflow as tf

# -- per optimizer: the step's scalars (once per step), then each variable's
# update (Keras's update_step, with those scalars).


def _plain(lr, momentum, hyper, step):
    return {"lr": lr, "momentum": momentum, **hyper}


def _sgd(g, w, slots, c, flags):
    lr, momentum = c["lr"], c["momentum"]
    if not flags["momentum"]:
        return w - g * lr, slots
    m = slots["momentum"] * momentum - g * lr
    if flags["nesterov"]:
        return w + (m * momentum - g * lr), {"momentum": m}
    return w + m, {"momentum": m}


def _adam_scalars(lr, beta_1, hyper, step):
    beta_2 = hyper["beta_2"]
    alpha = lr * tf.sqrt(1 - tf.pow(beta_2, step)) / (1 - tf.pow(beta_1, step))
    return {"alpha": alpha, "keep_1": 1 - beta_1, "keep_2": 1 - beta_2, **hyper}


def _adam(g, w, slots, c, flags):
    m = slots["momentum"] + (g - slots["momentum"]) * c["keep_1"]
    v = slots["velocity"] + (tf.square(g) - slots["velocity"]) * c["keep_2"]
    new = {"momentum": m, "velocity": v}
    if flags["amsgrad"]:
        v = new["velocity_hat"] = tf.maximum(slots["velocity_hat"], v)
    return w - m * c["alpha"] / (tf.sqrt(v) + c["epsilon"]), new


def _nadam_scalars(lr, beta_1, hyper, step):
    beta_2 = hyper["beta_2"]
    u_t = beta_1 * (1.0 - 0.5 * tf.pow(0.96, step))
    u_t_1 = beta_1 * (1.0 - 0.5 * tf.pow(0.96, step + 1))
    return {
        "lr": lr,
        "u_t": u_t,
        "u_t_1": u_t_1,
        "keep_1": 1 - beta_1,
        "keep_2": 1 - beta_2,
        "beta_2_power": tf.pow(beta_2, step),
        **hyper,
    }


def _nadam(g, w, slots, c, flags):
    u_product_t = slots["u_product"]
    u_product_t_1 = u_product_t * c["u_t_1"]
    m = slots["momentum"] + (g - slots["momentum"]) * c["keep_1"]
    v = slots["velocity"] + (tf.square(g) - slots["velocity"]) * c["keep_2"]
    m_hat = c["u_t_1"] * m / (1 - u_product_t_1) + (1 - c["u_t"]) * g / (
        1 - u_product_t
    )
    v_hat = v / (1 - c["beta_2_power"])
    update = m_hat * c["lr"] / (tf.sqrt(v_hat) + c["epsilon"])
    return w - update, {"momentum": m, "velocity": v}


def _rmsprop(g, w, slots, c, flags):
    rho, epsilon = c["rho"], c["epsilon"]
    velocity = rho * slots["velocity"] + (1 - rho) * tf.square(g)
    new = {"velocity": velocity}
    if flags["centered"]:
        average = rho * slots["average_gradient"] + (1 - rho) * g
        new["average_gradient"] = average
        denominator = velocity - tf.square(average) + epsilon
    else:
        denominator = velocity + epsilon
    increment = c["lr"] * g / tf.sqrt(denominator)
    if not flags["momentum"]:
        return w - increment, new
    new["momentum"] = c["momentum"] * slots["momentum"] + increment
    return w - new["momentum"], new


def _adagrad(g, w, slots, c, flags):
    accumulator = slots["accumulator"] + tf.square(g)
    update = c["lr"] * g / tf.sqrt(accumulator + c["epsilon"])
    return w - update, {"accumulator": accumulator}


def _adadelta(g, w, slots, c, flags):
    rho, epsilon = c["rho"], c["epsilon"]
    grads = rho * slots["accumulated_grad"] + (1 - rho) * tf.square(g)
    deltas = slots["accumulated_delta_var"]
    delta = -(tf.sqrt(deltas + epsilon) * g) / tf.sqrt(grads + epsilon)
    deltas = rho * deltas + (1 - rho) * tf.square(delta)
    new = {"accumulated_grad": grads, "accumulated_delta_var": deltas}
    return w + c["lr"] * delta, new


def _adamax_scalars(lr, beta_1, hyper, step):
    correction = 1 - tf.pow(beta_1, step)
    return {"lr": lr, "keep_1": 1 - beta_1, "correction": correction, **hyper}


def _adamax(g, w, slots, c, flags):
    m = slots["momentum"] + (g - slots["momentum"]) * c["keep_1"]
    u = tf.maximum(c["beta_2"] * slots["norm"], tf.abs(g))
    update = c["lr"] * m / (c["correction"] * (u + c["epsilon"]))
    return w - update, {"momentum": m, "norm": u}


@dataclass(frozen=True)
class Optimizer:
    """What sklann needs to know of one Keras optimizer class (``keras_class``).

    ``scalars`` computes the step's scalars once, ``update`` then updates
    one variable with them. ``groups`` gives, from the settings, the
    per-variable slots in the order Keras creates them (a tuple of names is
    interleaved per variable); ``momentum`` names the setting that the 1cycle
    schedule moves; ``flags`` the settings that change the graph; ``numbers``
    those passed as inputs.
    """

    keras_class: type
    scalars: object
    update: object
    groups: object
    momentum: str | None
    flags: tuple = ()
    numbers: tuple = ()


OPTIMIZERS = {
    "sgd": Optimizer(
        keras.optimizers.SGD,
        _plain,
        _sgd,
        lambda s: [("momentum",)] if s["momentum"] != 0 else [],
        "momentum",
        flags=("momentum", "nesterov"),
    ),
    "adam": Optimizer(
        keras.optimizers.Adam,
        _adam_scalars,
        _adam,
        lambda s: (
            [("momentum", "velocity")] + ([("velocity_hat",)] if s["amsgrad"] else [])
        ),
        "beta_1",
        flags=("amsgrad",),
        numbers=("beta_2", "epsilon"),
    ),
    "nadam": Optimizer(
        keras.optimizers.Nadam,
        _nadam_scalars,
        _nadam,
        lambda s: [("momentum", "velocity")],
        "beta_1",
        numbers=("beta_2", "epsilon"),
    ),
    "rmsprop": Optimizer(
        keras.optimizers.RMSprop,
        _plain,
        _rmsprop,
        lambda s: (
            [("velocity",)]
            + ([("momentum",)] if s["momentum"] > 0 else [])
            + ([("average_gradient",)] if s["centered"] else [])
        ),
        "momentum",
        flags=("momentum", "centered"),
        numbers=("rho", "epsilon"),
    ),
    "adagrad": Optimizer(
        keras.optimizers.Adagrad,
        _plain,
        _adagrad,
        lambda s: [("accumulator",)],
        None,
        numbers=("epsilon",),
    ),
    "adadelta": Optimizer(
        keras.optimizers.Adadelta,
        _plain,
        _adadelta,
        lambda s: [("accumulated_grad", "accumulated_delta_var")],
        None,
        numbers=("rho", "epsilon"),
    ),
    "adamax": Optimizer(
        keras.optimizers.Adamax,
        _adamax_scalars,
        _adamax,
        lambda s: [("momentum", "norm")],
        "beta_1",
        numbers=("beta_2", "epsilon"),
    ),
}
# Keras's AdamW is Adam with weight decay (on by default).
OPTIMIZERS["adamw"] = replace(OPTIMIZERS["adam"], keras_class=keras.optimizers.AdamW)
