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
the weight constraints, then counts the iteration. With ``use_ema`` it
keeps Keras's exponential moving average of the weights, updated after each
step before the constraints: ``average = m * average + (1 - m) * w``, where
``m`` is ``ema_momentum`` but 0 at the first step. Under ``mixed_float16``
the loss is scaled as Keras's ``LossScaleOptimizer`` does it: a step with
non-finite gradients is skipped and halves the scale, and 2,000 finite steps
in a row double it.
"""

import numpy as np
import tensorflow as tf

from .optimizer_steps import OPTIMIZERS

# Keras's LossScaleOptimizer defaults.
INITIAL_LOSS_SCALE = 2.0**15
LOSS_SCALE_GROWTH_STEPS = 2000

# Keras optimizer options sklann's update steps do not implement, with the
# value at which they do nothing.
UNSUPPORTED_OPTIONS = {
    "ema_overwrite_frequency": None,
    "loss_scale_factor": None,
    "gradient_accumulation_steps": None,
}
# What to do instead, where sklann has a way.
UNSUPPORTED_HINTS = {
    "ema_overwrite_frequency": (
        " The weights' moving average (ema_momentum, or use_ema) is what the "
        "fitted estimator predicts with, and what early stopping validates."
    ),
}

CLIPPING = ("clipnorm", "clipvalue", "global_clipnorm")

# The slot of the weights' moving average (``use_ema``), laid out as the weights.
AVERAGE = "average"


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
                    f"{inactive!r}.{UNSUPPORTED_HINTS.get(option, '')}"
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
        self.ema = bool(settings.get("use_ema"))
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
            self.ema,
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
        if self.ema:
            names.append("ema_momentum")
        return {name: np.float32(self.settings[name]) for name in names}

    # -- state --------------------------------------------------------------------

    def initial_state(self, trainable):
        """The optimizer's starting state for variables shaped like ``trainable``.

        In the order of the Keras optimizer's ``variables``: under
        ``mixed_float16`` the ``LossScaleOptimizer``'s iteration, learning rate,
        step counter and scale first; then the iteration, the learning rate,
        the weights' averages (``use_ema``), the slots, and Nadam's
        ``u_product``.
        """
        fill = {"accumulator": float(self.settings.get("initial_accumulator_value", 0))}
        state = []
        if self.loss_scaling:
            state += [np.int64(0), np.float32(0.0), np.int64(0)]
            state.append(np.float32(INITIAL_LOSS_SCALE))
        state += [np.int64(0), np.float32(self.settings["learning_rate"])]
        if self.ema:  # zeros, as Keras builds them: the first step sets them
            state += [np.zeros(v.shape, v.dtype) for v in trainable]
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
            Slot name to a list of ``n_variables`` arrays; the weights'
            averages are the slot ``"average"``.
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
        if self.ema:
            slots[AVERAGE] = state[position : position + n_variables]
            position += n_variables
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
        if self.ema:
            state += list(slots[AVERAGE])
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
        current = {name: value for name, value in slots.items() if name != AVERAGE}
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
        if self.ema:
            new_slots = dict(new_slots)
            new_slots[AVERAGE] = moving_average(slots[AVERAGE], w, scalars, cast)
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

    def evaluated(self, params, slots):
        """The weights that prediction uses: the average with ``use_ema``.

        Validation, early stopping's best epoch and the fitted network all
        use them; training goes on from ``params``.
        """
        return slots[AVERAGE] if self.ema else params

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


def moving_average(average, w, scalars, hyper):
    """Keras's moving average of the weights; the first step starts it at ``w``."""
    started = tf.cast(tf.not_equal(scalars["iteration"], 0), w.dtype)
    momentum = started * hyper["ema_momentum"]
    return momentum * average + (1 - momentum) * w
