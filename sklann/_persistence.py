"""Persistence without pickle: ``sklann.save`` / ``sklann.load``, and safe state.

A fitted estimator's state is kept *plain*: parameters, fitted attributes as
numbers, strings, lists and NumPy arrays, among them the network's weights
and the optimizer's variables. Pickle, joblib and skops use that state
through ``__getstate__`` / ``__setstate__``. ``sklann.save`` writes it to a
single zip file:

- ``sklann.json``: the format and sklann versions, the estimator class, the
  parameters and the fitted attributes as JSON (arrays by reference);
- ``arrays.npz``: the arrays, read back with ``allow_pickle=False``.

Loading runs no code from the file and deserialises no Keras object: the
JSON names only allow-listed sklann types, the parameters are validated like
the constructor's, the stored architecture must be the one those parameters
describe, and sklann builds the network itself before giving it the weights.
"""

import io
import json
import os
import tempfile
import zipfile
from contextlib import contextmanager, suppress

import numpy as np

from ._compat import HasMethods, validate_params
from ._estimator.classifier import MLPClassifier
from ._estimator.regressor import MLPRegressor
from ._estimator.targets import ClassifierTarget, RegressorTarget
from ._file_checks import check_contents, read_document, read_member
from ._version import __version__

FORMAT = "sklann"
FORMAT_VERSION = 2

# -- the single-file format ---------------------------------------------------------


class _Encoder:
    """JSON for plain values; arrays go to a side table, tuples are tagged."""

    def __init__(self):
        self.arrays = {}

    def encode(self, value, where):
        if value is None or isinstance(value, bool | int | float | str):
            return value
        if isinstance(value, np.generic):
            return value.item()
        if isinstance(value, np.ndarray):
            return self._array(value, where)
        if isinstance(value, tuple | list):
            items = [self.encode(item, f"{where}[{i}]") for i, item in enumerate(value)]
            return {"__tuple__": items} if isinstance(value, tuple) else items
        if isinstance(value, dict) and all(isinstance(key, str) for key in value):
            return {
                key: self.encode(item, f"{where}.{key}") for key, item in value.items()
            }
        if type(value) in TARGET_TYPES.values():
            return {
                "__target__": type(value).__name__,
                "state": self.encode(vars(value), where),
            }
        raise ValueError(
            f"sklann.save stores values as JSON and arrays; {where}={value!r} "
            "cannot be stored. Set it to a string or number, or use pickle or "
            "joblib (for files you trust)."
        )

    def _array(self, array, where):
        key = f"a{len(self.arrays)}"
        is_object = array.dtype == object
        if is_object:
            if not all(isinstance(item, str) for item in array.ravel()):
                raise ValueError(
                    f"sklann.save can store object arrays of strings only; {where} "
                    "holds other objects."
                )
            array = array.astype(str)
        self.arrays[key] = array
        return {"__array__": key, "object": is_object}


def _decode(value, arrays):
    if isinstance(value, list):
        return [_decode(item, arrays) for item in value]
    if not isinstance(value, dict):
        return value
    if "__array__" in value:
        array = arrays[value["__array__"]]
        return array.astype(object) if value["object"] else array
    if "__tuple__" in value:
        return tuple(_decode(item, arrays) for item in value["__tuple__"])
    if "__target__" in value:
        return _new_target(value["__target__"], _decode(value["state"], arrays))
    return {key: _decode(item, arrays) for key, item in value.items()}


TARGET_TYPES = {kind.__name__: kind for kind in (ClassifierTarget, RegressorTarget)}


def _new_target(name, state):
    if name not in TARGET_TYPES:
        raise ValueError(f"Unknown target type {name!r} in the file.")
    target = object.__new__(TARGET_TYPES[name])
    vars(target).update(state)
    return target


# The process's umask (read once: setting it is the only way to read it).
_UMASK = os.umask(0)
os.umask(_UMASK)

ESTIMATORS = {"MLPClassifier": MLPClassifier, "MLPRegressor": MLPRegressor}


@validate_params(
    {
        "estimator": [HasMethods(["fit", "get_params"])],
        "path": [str, os.PathLike, HasMethods(["write"])],
    },
    prefer_skip_nested_validation=True,
)
def save(estimator, path):
    """Save an sklann estimator to one file, without pickle.

    Parameters
    ----------
    estimator : MLPClassifier or MLPRegressor
        Fitted or not. Its parameters must be plain values (strings,
        numbers, tuples, lists, dicts); Keras objects and functions as
        parameters need pickle or joblib instead.
    path : str, path-like or binary file object
        The file to write (conventionally ``*.sklann``). A path is written
        atomically: to a temporary file in the same folder, then renamed
        over ``path``, so a failure while saving keeps the previous file.

    Raises
    ------
    ValueError
        If a parameter or attribute cannot be stored without pickle.

    Examples
    --------
    >>> import os, tempfile
    >>> from sklearn.datasets import load_iris
    >>> import sklann
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = sklann.MLPClassifier(hidden_layer_sizes=(8,), epochs=5,
    ...                            random_state=0).fit(X, y)
    >>> path = os.path.join(tempfile.mkdtemp(), "iris.sklann")
    >>> sklann.save(clf, path)
    >>> (sklann.load(path).predict(X) == clf.predict(X)).all()
    np.True_
    """
    name = type(estimator).__name__
    if ESTIMATORS.get(name) is not type(estimator):
        raise TypeError(f"sklann.save saves sklann estimators; got {name}.")
    params = estimator.get_params(deep=False)
    state = estimator.__getstate__()  # plain state: see _estimator.plain_state
    fitted = {key: value for key, value in state.items() if key not in params}
    encoder = _Encoder()
    document = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "sklann_version": __version__,
        "estimator": name,
        "params": encoder.encode(params, "params"),
        "fitted": encoder.encode(fitted, "attributes"),
    }
    arrays = io.BytesIO()
    np.savez(arrays, **encoder.arrays)
    if hasattr(path, "write"):  # an open file: the caller owns it
        _write_archive(path, document, arrays)
        return
    with _replaced_atomically(path) as temporary:
        _write_archive(temporary, document, arrays)


def _write_archive(target, document, arrays):
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("sklann.json", json.dumps(document))
        archive.writestr("arrays.npz", arrays.getvalue())


@contextmanager
def _replaced_atomically(path):
    """A temporary file beside ``path`` that replaces it only once complete.

    Written, flushed to disk, then renamed over ``path`` (``os.replace`` is
    atomic on one file system): a crash, a kill or a full disk while saving
    leaves the previous file as it was, never a truncated one.
    """
    path = os.fspath(path)
    folder, name = os.path.split(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
    try:
        os.chmod(temporary, 0o666 & ~_UMASK)  # as open() would create it
        with os.fdopen(handle, "wb") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        with suppress(FileNotFoundError):
            os.remove(temporary)
        raise


@validate_params(
    {"path": [str, os.PathLike, HasMethods(["read"])]},
    prefer_skip_nested_validation=True,
)
def load(path):
    """Load an estimator written by :func:`save`; no code from the file runs.

    Parameters
    ----------
    path : str or path-like

    Returns
    -------
    MLPClassifier or MLPRegressor

    Raises
    ------
    ValueError
        If the file is not an sklann file, is truncated or corrupted, comes
        from an incompatible format version, names unknown classes, or holds
        parameters, an architecture or weights that do not fit together.
    """
    shown = os.fspath(path) if not hasattr(path, "read") else "the file"
    try:
        with zipfile.ZipFile(path) as archive:
            document = read_document(archive)
            _check_format(document, shown)
            limit = check_contents(document)
            npz = read_member(archive, "arrays.npz", limit)
            arrays = dict(np.load(io.BytesIO(npz), allow_pickle=False))
    except IncompatibleFile:
        raise
    except Exception as error:  # zip, zlib, JSON, NumPy and the checks alike
        raise ValueError(
            f"{shown!r} is not a readable sklann file (truncated, corrupted, "
            f"not written by sklann.save, or tampered with): {error}"
        ) from None
    try:
        return _restored(document, arrays)
    except (KeyError, TypeError, AttributeError, RecursionError) as error:
        raise ValueError(
            f"{shown!r} holds parameters or attributes that sklann did not write: "
            f"{type(error).__name__}: {error}"
        ) from None


def _restored(document, arrays):
    """The estimator of a checked document, its state checked before use."""
    estimator_class = ESTIMATORS[document["estimator"]]
    estimator = estimator_class(**_decode(document["params"], arrays))
    state = dict(vars(estimator))
    state.update(_decode(document["fitted"], arrays))
    state["_sklann_version"] = document.get("sklann_version")  # warns if not ours
    estimator.__setstate__(state)
    estimator._check_restored_state()
    return estimator


class IncompatibleFile(ValueError):
    """A readable file that this sklann cannot load."""


def _check_format(document, path):
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise IncompatibleFile(f"{path!r} is not an sklann file.")
    version = document.get("format_version")
    if version != FORMAT_VERSION:
        raise IncompatibleFile(
            f"{path!r} uses sklann file format version {version!r} "
            f"(written by sklann {document.get('sklann_version')}); this sklann "
            f"reads version {FORMAT_VERSION}."
        )
    if document.get("estimator") not in ESTIMATORS:
        raise IncompatibleFile(
            f"{path!r} holds an unknown estimator {document.get('estimator')!r}."
        )
