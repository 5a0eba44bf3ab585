"""Names as users spell them: any case, Keras's aliases, "did you mean".

Articles and Keras code write ``optimizer="Adam"``, ``activation="ReLU"``,
``kernel_initializer="uniform"`` (a Keras 2 name) or ``loss="mse"``. A
:class:`Names` constraint accepts those spellings in
``_parameter_constraints`` and :meth:`Names.canonical` turns them into
sklann's own name where the value is used, so ``get_params`` still returns
what the user wrote. A name that is not known, even so, is refused with the
closest known one (:func:`suggest`).
"""

import difflib
import re

from .._compat import InvalidParameterError, StrOptions


class Names(StrOptions):
    """The string options of a parameter, in any case and under aliases.

    Case and underscores are ignored (``"LeakyReLU"`` is ``"leaky_relu"``,
    ``"RMSprop"`` is ``"rmsprop"``).

    Parameters
    ----------
    options : iterable of str
        sklann's names.
    aliases : dict, default=None
        Other spellings (compared in lower case) mapped to one of ``options``.

    Examples
    --------
    >>> names = Names({"adam", "sgd"}, aliases={"stochastic": "sgd"})
    >>> names.canonical("Adam"), names.canonical("STOCHASTIC"), names.canonical("x")
    ('adam', 'sgd', None)
    >>> names.is_satisfied_by("SGD"), names.is_satisfied_by(3)
    (True, False)
    """

    def __init__(self, options, aliases=None):
        super().__init__(set(options))
        self._lookup = {_folded(name): name for name in self.options}
        for alias, name in (aliases or {}).items():
            if name not in self.options:
                raise ValueError(f"Alias {alias!r} names {name!r}, not an option.")
            self._lookup[_folded(alias)] = name

    def canonical(self, value):
        """sklann's name for ``value``, or None if it is not one of them."""
        if not isinstance(value, str):
            return None
        return self._lookup.get(_folded(value))

    def is_satisfied_by(self, val):
        return self.canonical(val) is not None

    def spellings(self):
        """Every accepted spelling (folded) and the name it stands for."""
        return dict(self._lookup)


def _folded(name):
    """``name`` without case or underscores: ``"LeakyReLU"`` -> ``"leakyrelu"``."""
    return name.lower().replace("_", "")


def canonical_name(constraints, value):
    """``value`` as sklann's name if a :class:`Names` in ``constraints`` knows it.

    Values that are not strings, or that no :class:`Names` constraint knows
    (``"auto"`` in a plain ``StrOptions``), come back unchanged.

    Examples
    --------
    >>> canonical_name([Names({"relu"})], "ReLU")
    'relu'
    >>> canonical_name([Names({"relu"})], 3)
    3
    """
    for constraint in constraints:
        if isinstance(constraint, Names) and constraint.canonical(value):
            return constraint.canonical(value)
    return value


def suggest(value, constraints):
    """ " Did you mean 'x'?" for the closest known string option, or ``""``.

    Examples
    --------
    >>> suggest("adma", [Names({"adam", "sgd"})])
    " Did you mean 'adam'?"
    >>> suggest("zzz", [Names({"adam", "sgd"})])
    ''
    """
    if not isinstance(value, str):
        return ""
    known = {}
    for constraint in constraints:
        if isinstance(constraint, Names):
            known.update(constraint.spellings())
        elif isinstance(constraint, StrOptions):
            known.update({_folded(name): name for name in constraint.options})
    folded = _folded(value)
    close = difflib.get_close_matches(folded, known, n=5, cutoff=0.6)
    if not close:
        return ""
    nearest = min(close, key=lambda spelling: _edit_distance(folded, spelling))
    return f" Did you mean {known[nearest]!r}?"


def _edit_distance(a, b):
    """Edits (insert, delete, substitute, swap two neighbours) from ``a`` to ``b``.

    Examples
    --------
    >>> _edit_distance("adma", "adam"), _edit_distance("adma", "adamax")
    (1, 2)
    """
    previous, current = None, list(range(len(b) + 1))
    for i, char in enumerate(a, 1):
        before, previous, current = previous, current, [i]
        for j, other in enumerate(b, 1):
            cost = min(
                previous[j] + 1,
                current[j - 1] + 1,
                previous[j - 1] + (char != other),
            )
            if i > 1 and j > 1 and char == b[j - 2] and a[i - 2] == other:
                cost = min(cost, before[j - 2] + 1)
            current.append(cost)
    return current[-1]


def with_suggestion(error, estimator):
    """scikit-learn's ``InvalidParameterError`` with " Did you mean ...?" added.

    Parameters
    ----------
    error : InvalidParameterError
        As raised by ``estimator._validate_params()``, which names the
        parameter ("The 'optimizer' parameter of MLPClassifier must be ...").
    estimator : BaseEstimator

    Returns
    -------
    InvalidParameterError
    """
    found = re.match(r"The '(\w+)' parameter", str(error))
    name = found and found.group(1)
    constraints = estimator._parameter_constraints.get(name)
    if not constraints:
        return error
    hint = suggest(getattr(estimator, name, None), constraints)
    return InvalidParameterError(f"{error}{hint}") if hint else error
