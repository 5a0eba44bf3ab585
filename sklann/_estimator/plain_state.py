"""An estimator's state as plain values and arrays, for every way of saving it.

``BaseMLP.__getstate__`` returns this state, so pickle, joblib, skops and
:func:`sklann.save` (:mod:`sklann._persistence`) all store the same thing:
parameters, arrays (the weights and optimizer state), the network spec as a
dict and the monitors as lists, never a TensorFlow or Keras object.
"""

from dataclasses import asdict

import numpy as np

from .._network.spec import NetworkSpec
from .._version import __version__

# Instance attributes that are not saved: the Keras model of ``model_`` and
# the callbacks (remade on demand from the arrays), the NumPy forward pass
# (remade from the weights), and the callbacks of the last fit (they hold
# that model).
TRANSIENT = (
    "_keras_view",
    "_model_exposed",
    "_plan",
    "callbacks_",
)


def plain_state(state):
    """Turn an estimator's ``__dict__`` into plain, pickle-free-friendly state.

    Engines and other live objects are left out; the network spec becomes a
    dict, the training monitors lists.
    """
    state = {name: value for name, value in state.items() if name not in TRANSIENT}
    state["_sklann_version"] = __version__
    if "_spec" in state:
        state["_spec"] = asdict(state["_spec"])
    for name in ("_stop", "_plateau"):
        if name in state:
            state[name] = [np.asarray(value).item() for value in state[name]]
    return state


def restore_plain_state(state, monitors):
    """Undo :func:`plain_state`; ``monitors`` maps ``_stop``/``_plateau`` to types."""
    state = dict(state)
    state.pop("_sklann_version", None)
    if "_spec" in state:
        spec = dict(state["_spec"])
        spec["hidden_layer_sizes"] = tuple(spec["hidden_layer_sizes"])
        state["_spec"] = NetworkSpec(**spec)
    for name, monitor_type in monitors.items():
        if name in state:
            state[name] = monitor_type(*state[name])
    return state
