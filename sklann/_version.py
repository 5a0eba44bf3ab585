"""The package version, in one place, and the warning of a version mismatch."""

import warnings

__version__ = "0.1.0"


class InconsistentVersionWarning(UserWarning):
    """A model pickled or saved by another sklann version is being loaded.

    As scikit-learn's warning of the same name: the model may load but
    predict differently, or fail later. Refit it with this version, or use
    the version it was saved with.

    Parameters
    ----------
    estimator_name : str
    current_version : str
    original_version : str or None
        None when the model predates recorded versions.
    """

    def __init__(self, *, estimator_name, current_version, original_version):
        self.estimator_name = estimator_name
        self.current_version = current_version
        self.original_version = original_version

    def __str__(self):
        original = self.original_version or "an unknown version"
        return (
            f"Loading {self.estimator_name} from sklann {original} with sklann "
            f"{self.current_version}. This might lead to breaking code or invalid "
            "results; refit the model with this version, or load it with the "
            "version that saved it."
        )


def check_version(estimator_name, original_version):
    """Warn with :class:`InconsistentVersionWarning` unless the versions match."""
    if original_version != __version__:
        warnings.warn(
            InconsistentVersionWarning(
                estimator_name=estimator_name,
                current_version=__version__,
                original_version=original_version,
            ),
            stacklevel=3,
        )
