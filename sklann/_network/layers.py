"""The layers of a network, and the variables each holds, in Keras's order.

One table drives everything that walks a network: the Keras model handed out
as ``model_`` (:mod:`sklann._network.spec`), the initial weights, the compiled
training step (:mod:`sklann._network.forward`) and the NumPy prediction
(:mod:`sklann._inference`). A network's state is a flat list of arrays in
the order of ``keras.Model.variables``: per Dense layer its kernel and bias,
per batch normalisation its scale, shift, moving mean and moving variance,
per dropout layer its random generator's state, for the periodic embedding
its frequencies, per-feature kernels and biases, for the feature scaling its
scales; an ensemble (``n_ensemble``) has the members' input scales and
their output layers' kernels and biases.

The layer list without the widths (:func:`layer_kinds`) is what the compiled
training step depends on: networks that differ only in their widths or
their number of features share one traced function.
"""

from typing import NamedTuple

import numpy as np

# Every kind of layer, and the variables it holds (name, trainable).
LAYER_VARIABLES = {
    "dense": (("kernel", True), ("bias", True)),
    "batch_norm": (
        ("gamma", True),
        ("beta", True),
        ("moving_mean", False),
        ("moving_variance", False),
    ),
    "activation": (),
    "dropout": (("seed_generator_state", False),),
    "alpha_dropout": (("seed_generator_state", False),),
    "periodic_embedding": (
        ("frequencies", True),
        ("embedding_kernel", True),
        ("embedding_bias", True),
    ),
    "feature_scale": (("scale", True),),
    # TabM-mini (Gorishniy et al., 2025): each member scales the first
    # layer's inputs its own way, and has its own output layer; the hidden
    # layers are shared.
    "ensemble_scale": (("member_scale", True),),
    "ensemble_output": (("member_kernel", True), ("member_bias", True)),
}

# The rank of each variable that is not a vector.
VARIABLE_RANKS = {
    "kernel": 2,
    "frequencies": 2,
    "embedding_kernel": 3,
    "embedding_bias": 2,
    "member_scale": 2,
    "member_kernel": 3,
    "member_bias": 2,
}

# Keras's BatchNormalization defaults, which sklann keeps.
BATCH_NORM_MOMENTUM = 0.99
BATCH_NORM_EPSILON = 1e-3


class Layer(NamedTuple):
    """One layer of the network.

    ``units`` is the Dense width, or the embedding's width per feature
    (None for other kinds); ``frequencies`` the embedding's number of
    frequencies per feature. ``activation`` is the Dense or Activation
    layer's activation. ``rate`` names the dropout rate's hyperparameter
    (``"dropout"`` or ``"input_dropout"``). ``members`` is the size of the
    ensemble of the ``ensemble_*`` kinds.
    """

    kind: str
    name: str
    units: int | None = None
    activation: str | None = None
    use_bias: bool = True
    rate: str | None = None
    frequencies: int | None = None
    members: int | None = None

    def variables(self):
        """The names of this layer's variables, ``bias`` left out when unused."""
        return [
            (name, trainable)
            for name, trainable in LAYER_VARIABLES[self.kind]
            if name != "bias" or self.use_bias
        ]

    def without_width(self):
        return self._replace(units=None, frequencies=None, members=None)

    def output_width(self, width):
        """The width of this layer's output, for an input ``width`` wide."""
        if self.kind == "dense":
            return self.units
        if self.kind == "periodic_embedding":
            return width * (self.units + 1)  # the feature itself, then its units
        return width


def network_layers(spec):
    """The layers that ``spec`` (a :class:`~sklann._network.spec.NetworkSpec`) has.

    Examples
    --------
    >>> from sklann._network.spec import NetworkSpec
    >>> spec = NetworkSpec(n_features=4, n_outputs=3, output_activation="softmax",
    ...                    hidden_layer_sizes=(8,), activation="relu",
    ...                    kernel_initializer="he_normal",
    ...                    output_initializer="glorot_uniform", dropout=0.2)
    >>> [(layer.kind, layer.name) for layer in network_layers(spec)]
    [('dense', 'hidden_1'), ('dropout', 'dropout_1'), ('dense', 'output')]
    """
    dropout_kind = "alpha_dropout" if spec.activation == "selu" else "dropout"
    layers = []
    if spec.input_dropout > 0:
        layers.append(Layer(dropout_kind, "input_dropout", rate="input_dropout"))
    if spec.numerical_embedding == "periodic":
        layers.append(
            Layer(
                "periodic_embedding",
                "periodic_embedding",
                units=spec.embedding_dim,
                frequencies=spec.embedding_frequencies,
            )
        )
    if spec.feature_scaling:
        layers.append(Layer("feature_scale", "feature_scale"))
    ensemble = spec.n_ensemble > 1
    if ensemble:
        layers.append(
            Layer("ensemble_scale", "ensemble_scale", members=spec.n_ensemble)
        )
    position = spec.batch_normalization
    for index, units in enumerate(spec.hidden_layer_sizes, start=1):
        dense_activation = "linear" if position == "before" else spec.activation
        layers.append(
            Layer(
                "dense",
                f"hidden_{index}",
                units=units,
                activation=dense_activation,
                use_bias=position != "before",
            )
        )
        if position:
            layers.append(Layer("batch_norm", f"batch_norm_{index}"))
        if position == "before":
            layers.append(
                Layer("activation", f"activation_{index}", activation=spec.activation)
            )
        if spec.dropout > 0:
            layers.append(Layer(dropout_kind, f"dropout_{index}", rate="dropout"))
    output = Layer(
        "ensemble_output" if ensemble else "dense",
        "output",
        spec.n_outputs,
        spec.output_activation,
        members=spec.n_ensemble if ensemble else None,
    )
    layers.append(output)
    return layers


def layer_kinds(spec):
    """The layers of ``spec`` without their widths: what a traced step depends on."""
    return tuple(layer.without_width() for layer in network_layers(spec))


class VariableSlot(NamedTuple):
    """One variable of the network: its layer, name, shape and trainability."""

    layer: Layer
    name: str
    shape: tuple
    trainable: bool


def _variable_shape(layer, name, width):
    """The shape of ``layer``'s variable ``name`` for an input ``width`` wide."""
    shapes = {
        "kernel": (width, layer.units),
        "seed_generator_state": (2,),
        "frequencies": (width, layer.frequencies),
        "embedding_kernel": (width, 2 * (layer.frequencies or 0), layer.units),
        "embedding_bias": (width, layer.units),
        "member_scale": (layer.members, width),
        "member_kernel": (layer.members, width, layer.units),
        "member_bias": (layer.members, layer.units),
    }
    if name in shapes:
        return shapes[name]
    return (layer.units if layer.kind == "dense" else width,)


def variable_slots(spec):
    """Every variable of the network described by ``spec``, in Keras's order."""
    slots = []
    width = spec.n_features
    for layer in network_layers(spec):
        for name, trainable in layer.variables():
            shape = _variable_shape(layer, name, width)
            slots.append(VariableSlot(layer, name, shape, trainable))
        width = layer.output_width(width)
    return slots


def widest_layer(spec):
    """The widest array a forward pass makes per row (the embedding's sines too).

    An ensemble's members each make their own arrays: ``n_ensemble`` rows
    per input row.
    """
    widths, width, rows = [], spec.n_features, 1
    for layer in network_layers(spec):
        if layer.kind == "periodic_embedding":
            widths.append(width * 2 * layer.frequencies)
        if layer.kind == "ensemble_scale":
            rows = layer.members
        width = layer.output_width(width)
        widths.append(rows * width)
    return max(widths)


def split_indices(slots):
    """Positions of the trainable and of the other variables in the flat state."""
    trainable = [i for i, slot in enumerate(slots) if slot.trainable]
    others = [i for i, slot in enumerate(slots) if not slot.trainable]
    return trainable, others


def check_weight_shapes(spec, weights):
    """Raise ValueError unless ``weights`` has the shapes ``spec``'s variables have.

    Examples
    --------
    >>> from sklann._network.spec import NetworkSpec
    >>> spec = NetworkSpec(n_features=2, n_outputs=1, output_activation="sigmoid",
    ...                    hidden_layer_sizes=(), activation="relu",
    ...                    kernel_initializer="glorot_uniform",
    ...                    output_initializer="glorot_uniform")
    >>> check_weight_shapes(spec, [np.zeros((2, 1)), np.zeros(1)])
    >>> check_weight_shapes(spec, [np.zeros((3, 1)), np.zeros(1)])
    Traceback (most recent call last):
    ...
    ValueError: The stored state does not match the network: its weights have \
shapes [(3, 1), (1,)], where the network needs [(2, 1), (1,)].
    """
    expected = [slot.shape for slot in variable_slots(spec)]
    shapes = [tuple(np.shape(weight)) for weight in weights]
    if shapes != expected:
        raise ValueError(
            "The stored state does not match the network: its weights have "
            f"shapes {shapes}, where the network needs {expected}."
        )


def trainable_weights(spec, weights):
    """The trainable arrays among a network's ``weights`` (in the table's order)."""
    indices, _ = split_indices(variable_slots(spec))
    return [weights[index] for index in indices]
