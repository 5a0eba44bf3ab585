"""The optimizers' update steps in TensorFlow graph code, over plain tensors.

Each of the eight optimizers is Keras's own update, written over tensors
that the compiled training step passes in and gets back, so that its
numeric settings (``beta_2``, ``epsilon``, ``rho``, the clipping threshold,
the weight decay, the per-step momentum) are inputs of the compiled
function rather than constants in it: a search over them traces nothing
new. The optimizer's state is a flat list of arrays in the order of the
Keras optimizer's ``variables`` (iteration, learning rate, then its slots),
so the state loads into the Keras optimizer of ``model_`` as it is.

Keras applies, at every step: gradient clipping, then decoupled weight
decay (``w -= w * weight_decay * lr``), then the optimizer's update, then
the weight constraints, then counts the iteration. Under ``mixed_float16``
the loss is scaled as Keras's ``LossScaleOptimizer`` does it: a step with
non-finite gradients is skipped and halves the scale, and 2,000 finite steps
in a row double it.
"""

from dataclasses import dataclass

import numpy as np
import tensorflow as tf

# Keras's LossScaleOptimizer defaults.
INITIAL_LOSS_SCALE = 2.0**15
LOSS_SCALE_GROWTH_STEPS = 2000

# Keras optimizer options sklann's update steps do not implement, with the
# value at which they do nothing.
UNSUPPORTED_OPTIONS = {
    "use_ema": False,
    "ema_overwrite_frequency": None,
    "loss_scale_factor": None,
    "gradient_accumulation_steps": None,
}

CLIPPING = ("clipnorm", "clipvalue", "global_clipnorm")


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
    """What sklann needs to know of one Keras optimizer class.

    ``scalars`` computes the step's scalars once, ``update`` then updates
    one variable with them. ``groups`` gives, from the settings, the
    per-variable slots in the order Keras creates them (a tuple of names is
    interleaved per variable); ``momentum`` names the setting that the 1cycle
    schedule moves; ``flags`` the settings that change the graph; ``numbers``
    those passed as inputs.
    """

    scalars: object
    update: object
    groups: object
    momentum: str | None
    flags: tuple = ()
    numbers: tuple = ()


OPTIMIZERS = {
    "sgd": Optimizer(
        _plain,
        _sgd,
        lambda s: [("momentum",)] if s["momentum"] != 0 else [],
        "momentum",
        flags=("momentum", "nesterov"),
    ),
    "adam": Optimizer(
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
        _nadam_scalars,
        _nadam,
        lambda s: [("momentum", "velocity")],
        "beta_1",
        numbers=("beta_2", "epsilon"),
    ),
    "rmsprop": Optimizer(
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
        _plain,
        _adagrad,
        lambda s: [("accumulator",)],
        None,
        numbers=("epsilon",),
    ),
    "adadelta": Optimizer(
        _plain,
        _adadelta,
        lambda s: [("accumulated_grad", "accumulated_delta_var")],
        None,
        numbers=("rho", "epsilon"),
    ),
    "adamax": Optimizer(
        _adamax_scalars,
        _adamax,
        lambda s: [("momentum", "norm")],
        "beta_1",
        numbers=("beta_2", "epsilon"),
    ),
}
OPTIMIZERS["adamw"] = OPTIMIZERS["adam"]  # Keras's AdamW is Adam with weight decay


class UpdateRule:
    """One optimizer, configured: its update step, state layout and inputs.

    Parameters
    ----------
    name : str
        A key of :data:`OPTIMIZERS`.
    settings : dict
        The Keras optimizer's config (``get_config()``).
    loss_scaling : bool
        Scale the loss as ``LossScaleOptimizer`` does (``mixed_float16``).
    """

    def __init__(self, name, settings, loss_scaling=False):
        for option, inactive in UNSUPPORTED_OPTIONS.items():
            if settings.get(option, inactive) != inactive:
                raise ValueError(
                    f"sklann's training step does not implement the optimizer "
                    f"option {option}={settings[option]!r}; leave it at "
                    f"{inactive!r}."
                )
        self.name = name
        self.optimizer = OPTIMIZERS[name]
        self.settings = settings
        self.loss_scaling = loss_scaling
        flags = {
            "momentum": float(settings.get("momentum") or 0.0) > 0,
            "nesterov": bool(settings.get("nesterov")),
            "amsgrad": bool(settings.get("amsgrad")),
            "centered": bool(settings.get("centered")),
        }
        self.flags = {flag: flags[flag] for flag in self.optimizer.flags}
        self.clipping = next((c for c in CLIPPING if settings.get(c)), None)
        self.weight_decay = settings.get("weight_decay") is not None
        self.groups = self.optimizer.groups(settings)
        self.momentum_name = self.optimizer.momentum
        if self.momentum_name == "momentum" and not self.flags["momentum"]:
            self.momentum_name = None

    @property
    def structure(self):
        """What the traced step depends on: the same structure, the same graph."""
        return (
            self.name if self.name != "adamw" else "adam",
            tuple(sorted(self.flags.items())),
            self.clipping,
            self.weight_decay,
            self.loss_scaling,
        )

    @property
    def base_momentum(self):
        """The momentum (or ``beta_1``) that schedules move, or None."""
        if self.momentum_name is None:
            return None
        return float(self.settings[self.momentum_name])

    def hyperparameters(self):
        """The numeric settings the step reads as inputs, as float32 scalars."""
        names = list(self.optimizer.numbers)
        if self.clipping:
            names.append(self.clipping)
        if self.weight_decay:
            names.append("weight_decay")
        return {name: np.float32(self.settings[name]) for name in names}

    # -- state --------------------------------------------------------------------

    def initial_state(self, trainable):
        """The optimizer's starting state for variables shaped like ``trainable``.

        In the order of the Keras optimizer's ``variables``: under
        ``mixed_float16`` the ``LossScaleOptimizer``'s iteration, learning rate,
        step counter and scale first; then the iteration, the learning rate,
        the slots, and Nadam's ``u_product``.
        """
        fill = {"accumulator": float(self.settings.get("initial_accumulator_value", 0))}
        state = []
        if self.loss_scaling:
            state += [np.int64(0), np.float32(0.0), np.int64(0)]
            state.append(np.float32(INITIAL_LOSS_SCALE))
        state += [np.int64(0), np.float32(self.settings["learning_rate"])]
        for group in self.groups:
            for variable in trainable:
                for name in group:
                    dtype = variable.dtype
                    state.append(np.full(variable.shape, fill.get(name, 0.0), dtype))
        if self.name == "nadam":
            state.append(np.float32(1.0))  # u_product
        return [np.asarray(value) for value in state]

    def split_state(self, state, n_variables):
        """Split a Keras-ordered state into per-variable slots and named scalars.

        Returns
        -------
        slots : dict
            Slot name to a list of ``n_variables`` arrays.
        scalars : dict
            ``iteration``, ``learning_rate``, and Nadam's ``u_product``, the
            loss scale's ``scale_counter`` and ``scale`` where they exist.
        """
        state = list(state)
        scalars = {}
        if self.loss_scaling:
            scalars["scale_counter"], scalars["scale"] = state[2], state[3]
            state = state[4:]
        scalars["iteration"], scalars["learning_rate"] = state[0], state[1]
        position = 2
        slots = {name: [None] * n_variables for group in self.groups for name in group}
        for group in self.groups:
            for index in range(n_variables):
                for name in group:
                    slots[name][index] = state[position]
                    position += 1
        if self.name == "nadam":
            scalars["u_product"] = state[position]
        return slots, scalars

    def join_state(self, slots, scalars, keep_from=None):
        """Undo :meth:`split_state`; ``keep_from`` supplies the scale's own entries."""
        state = []
        if self.loss_scaling:
            own = list(keep_from[:2]) if keep_from is not None else []
            own = own or [np.int64(0), np.float32(0.0)]
            state += own + [scalars["scale_counter"], scalars["scale"]]
        state += [scalars["iteration"], scalars["learning_rate"]]
        n_variables = len(next(iter(slots.values()))) if slots else 0
        for group in self.groups:
            for index in range(n_variables):
                state += [slots[name][index] for name in group]
        if self.name == "nadam":
            state.append(scalars["u_product"])
        return [np.asarray(value) for value in state]

    # -- the step (graph code, on flat vectors) ------------------------------------

    def scale_loss(self, loss, scalars):
        """The loss to differentiate: scaled by the dynamic scale under float16."""
        return loss * scalars["scale"] if self.loss_scaling else loss

    def apply(self, params, grads, slots, scalars, rates, hyper, constrain):
        """One optimizer step on the flat state (graph code).

        Parameters
        ----------
        params : tf.Tensor
            Every trainable variable, end to end.
        grads : list of tf.Tensor
            The gradient of each trainable variable, shaped as the variable
            (clipping by norm works per variable).
        slots, scalars : dict
            The optimizer's flat slots and its scalars.
        rates : (tf.Tensor, tf.Tensor)
            This step's learning rate and momentum (or ``beta_1``).
        hyper : dict
            The numeric settings (:meth:`hyperparameters`) as tensors.
        constrain : callable
            Applied to the updated ``params`` (Keras's weight constraints).

        Returns
        -------
        params, slots, scalars
        """
        rate, momentum = rates
        grads = self._clip(grads, hyper)
        g = tf.concat([tf.reshape(grad, [-1]) for grad in grads], axis=0)
        if self.loss_scaling:
            finite = tf.reduce_all(tf.math.is_finite(g))
            g = g / tf.cast(scalars["scale"], g.dtype)
        dtype = params.dtype
        lr = tf.cast(rate, dtype)
        step = tf.cast(scalars["iteration"] + 1, dtype)
        cast = {name: tf.cast(value, dtype) for name, value in hyper.items()}
        momentum = tf.cast(momentum, dtype)
        constants = self.optimizer.scalars(lr, momentum, cast, step)
        new_scalars = dict(scalars, iteration=scalars["iteration"] + 1)
        new_scalars["learning_rate"] = rate
        current = dict(slots)
        if self.name == "nadam":  # Keras moves u_product before the variables
            new_scalars["u_product"] = self._u_product(
                scalars["u_product"], momentum, step
            )
            current["u_product"] = new_scalars["u_product"]
        w = params
        if self.weight_decay:
            w = w - w * cast["weight_decay"] * lr
        w, new_slots = self.optimizer.update(
            tf.cast(g, dtype), w, current, constants, self.flags
        )
        w = constrain(w)
        if not self.loss_scaling:
            return w, new_slots, new_scalars
        # A step with non-finite gradients is skipped and halves the scale;
        # 2,000 finite steps in a row double it.
        counter, scale = scalars["scale_counter"], scalars["scale"]
        grow = finite & tf.equal(counter, LOSS_SCALE_GROWTH_STEPS - 1)
        new_slots = {k: tf.where(finite, v, slots[k]) for k, v in new_slots.items()}
        new_scalars = {
            k: tf.where(finite, v, scalars[k]) for k, v in new_scalars.items()
        }
        new_scalars["learning_rate"] = rate
        new_scalars["scale_counter"] = tf.where(
            grow | ~finite, tf.zeros_like(counter), counter + 1
        )
        new_scalars["scale"] = tf.where(
            grow, scale * 2.0, tf.where(finite, scale, scale / 2)
        )
        return tf.where(finite, w, params), new_slots, new_scalars

    @staticmethod
    def _u_product(u_product, beta_1, step):
        return u_product * beta_1 * (1.0 - 0.5 * tf.pow(0.96, step))

    def _clip(self, grads, hyper):
        if self.clipping is None:
            return grads
        clip = tf.cast(hyper[self.clipping], grads[0].dtype)
        if self.clipping == "clipnorm":
            return [tf.clip_by_norm(g, clip) for g in grads]
        if self.clipping == "clipvalue":
            return [tf.clip_by_value(g, -clip, clip) for g in grads]
        norm = tf.sqrt(tf.add_n([tf.reduce_sum(tf.square(g)) for g in grads]))
        scale = clip * tf.minimum(1.0 / norm, 1.0 / clip) + (norm - norm)
        return [g * scale for g in grads]
