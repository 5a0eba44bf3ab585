"""What :func:`sklann.load` checks in a file before it allocates anything.

A ``.sklann`` file may come from anyone. Before a network is built or an
array is read, the file's members are bounded by their sizes in the zip
directory and read with a limit; the document's nesting depth, its keys and
the estimator it names are checked; and the stored architecture is held to
caps on its layers and parameters, from which the size of the arrays is
bounded too. Every refusal is a ``ValueError`` that gives the numbers.
"""

import itertools
import json

# The document (parameters, spec, history) is small; 64 MiB is far above any
# real one.
MAX_DOCUMENT_BYTES = 64 * 2**20
MAX_DEPTH = 64
MAX_LAYERS = 1000
MAX_PARAMETERS = 2 * 10**9

# Bytes of arrays per parameter, at most: float64 weights, up to four
# optimizer slots of the same size, batch-norm statistics; plus a margin.
ARRAY_BYTES_PER_PARAMETER = 8 * 6
ARRAY_BYTES_MARGIN = 2**20

_COMMON_FITTED = {
    "_network_seed",
    "_optimizer_state",
    "_order_seed",
    "_plateau",
    "_sklann_version",
    "_spec",
    "_split_seed",
    "_stop",
    "_weights",
    "best_epoch_",
    "feature_names_in_",
    "history_",
    "n_features_in_",
    "n_iter_",
    "n_outputs_",
    "target_encoder_",
}
# The fitted attributes a file may hold, and its target type, per estimator.
FITTED_ATTRIBUTES = {
    "MLPClassifier": _COMMON_FITTED | {"classes_", "n_classes_"},
    "MLPRegressor": _COMMON_FITTED,
}
TARGET_TYPE = {"MLPClassifier": "ClassifierTarget", "MLPRegressor": "RegressorTarget"}


class MalformedFile(ValueError):
    """A file that is not a well-formed sklann file."""


def read_member(archive, name, limit):
    """Member ``name`` of ``archive``, refused above ``limit`` bytes unpacked."""
    size = archive.getinfo(name).file_size
    if size > limit:
        raise MalformedFile(
            f"its {name} would unpack to {size:,} bytes, more than the "
            f"{limit:,} its contents can need"
        )
    with archive.open(name) as member:
        data = member.read(limit + 1)
    if len(data) > limit:
        raise MalformedFile(f"its {name} unpacks to more than {limit:,} bytes")
    return data


def read_document(archive):
    """The JSON document, bounded in size and depth."""
    try:
        document = json.loads(read_member(archive, "sklann.json", MAX_DOCUMENT_BYTES))
    except RecursionError:
        raise MalformedFile("its document is nested too deeply") from None
    _check_depth(document)
    return document


def _check_depth(document):
    stack = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise MalformedFile(f"its document nests deeper than {MAX_DEPTH} levels")
        if isinstance(value, dict):
            stack += [(item, depth + 1) for item in value.values()]
        elif isinstance(value, list):
            stack += [(item, depth + 1) for item in value]


def check_contents(document):
    """The estimator, its fitted keys and target, and its architecture's size.

    Returns
    -------
    int
        The most bytes the arrays can need (for :func:`read_member`).
    """
    name, fitted = document["estimator"], document.get("fitted")
    if not isinstance(fitted, dict) or not isinstance(document.get("params"), dict):
        raise MalformedFile("its parameters or fitted attributes are not a mapping")
    target = fitted.get("target_encoder_")
    stored = target.get("__target__") if isinstance(target, dict) else target
    if "target_encoder_" in fitted and stored != TARGET_TYPE[name]:
        raise MalformedFile(
            f"it is labelled {name}, but its target encoding is {stored!r} (an "
            f"{TARGET_TYPE[name]} was expected)"
        )
    unknown = sorted(set(fitted) - FITTED_ATTRIBUTES[name])
    if unknown:
        raise MalformedFile(f"it holds attributes that {name} does not save: {unknown}")
    if "_spec" not in fitted:
        return ARRAY_BYTES_MARGIN
    return ARRAY_BYTES_MARGIN + ARRAY_BYTES_PER_PARAMETER * _parameters(fitted["_spec"])


def _embedding_parameters(spec, features):
    """The periodic embedding's parameters and output width (none: 0, features)."""
    if spec.get("numerical_embedding") is None:
        return 0, features
    units, frequencies = int(spec["embedding_dim"]), int(spec["embedding_frequencies"])
    if min(units, frequencies) < 1:
        raise MalformedFile(f"its embedding has {units} x {frequencies} outputs")
    return features * (frequencies * (1 + 2 * units) + units), features * (units + 1)


def _ensemble_members(spec):
    """The stored ``n_ensemble`` (files without one hold plain networks)."""
    members = spec.get("n_ensemble", 1)
    if not isinstance(members, int) or isinstance(members, bool) or members < 1:
        raise MalformedFile(f"its ensemble has {members!r} members")
    return members


def _parameters(spec):
    """An upper bound on the parameters of a stored spec, within the caps."""
    try:
        sizes = list(spec["hidden_layer_sizes"]["__tuple__"])
        features = int(spec["n_features"])
        embedded = _embedding_parameters(spec, features)
        widths = [embedded[1], *map(int, sizes), int(spec["n_outputs"])]
    except (KeyError, TypeError, ValueError):
        raise MalformedFile("its network spec is not one sklann writes") from None
    members = _ensemble_members(spec)
    if len(sizes) > MAX_LAYERS:
        raise MalformedFile(
            f"its network has {len(sizes):,} hidden layers, more than the "
            f"{MAX_LAYERS:,} sklann loads"
        )
    if min(widths) < 0:
        raise MalformedFile(f"its network has a negative width: {widths}")
    # Dense kernels and biases, plus batch norm's four vectors per layer.
    dense = sum((a + 1) * b for a, b in itertools.pairwise(widths))
    # An ensemble: each member's input scales and its own output layer.
    ensemble = members * widths[0] + (members - 1) * (widths[-2] + 1) * widths[-1]
    parameters = embedded[0] + dense + 4 * sum(widths) + ensemble
    if parameters > MAX_PARAMETERS:
        raise MalformedFile(
            f"its network has {parameters:,} parameters, more than the "
            f"{MAX_PARAMETERS:,} sklann loads"
        )
    return parameters
